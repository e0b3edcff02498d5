from django.urls import path

from . import views

app_name = "organisation"

urlpatterns = [
    path("school/uitnodigen/", views.invite, name="invite"),
    path("school/studenten-importeren/", views.import_students, name="import_students"),
    path("school/importeren/<int:pk>/", views.import_job, name="import_job"),
    path("school/importeren/<int:pk>/status/", views.import_job_status, name="import_job_status"),
    path("school/importeren/<int:pk>/opnieuw/", views.import_job_retry, name="import_job_retry"),
    path("account/meldingen/", views.notification_settings, name="notification_settings"),
    path(
        "account/uitnodiging/<str:uidb64>/<str:token>/", views.invite_accept, name="invite_accept"
    ),
]
