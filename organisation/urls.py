from django.urls import path

from . import views

app_name = "organisation"

urlpatterns = [
    path("school/uitnodigen/", views.invite, name="invite"),
    path("school/studenten-importeren/", views.import_students, name="import_students"),
    path("account/meldingen/", views.notification_settings, name="notification_settings"),
    path(
        "account/uitnodiging/<str:uidb64>/<str:token>/", views.invite_accept, name="invite_accept"
    ),
]
