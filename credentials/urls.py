from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.badge_list, name="list"),
    path("aanvragen/<int:enrolment_pk>/", views.badge_claim, name="claim"),
    path("<uuid:uid>/", views.badge_shared, name="shared"),
    path("<uuid:uid>/badge.json", views.badge_json, name="json"),
    path("<uuid:uid>/badge.png", views.badge_png, name="png"),
    path("scholen/<int:school_pk>/did.json", views.did_document, name="did"),
    path("scholen/<int:school_pk>/status", views.status_list, name="status_list"),
    path("prestatie/<int:qualification_pk>/<str:code>/", views.achievement, name="achievement"),
]
