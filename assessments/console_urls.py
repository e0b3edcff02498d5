"""Assessment policies in the beheer console, included at /school/beoordeling/."""

from django.urls import path

from . import console_views as views

app_name = "assessments_console"

urlpatterns = [
    path("", views.dossiers, name="dossiers"),
    path("dossier/<int:pk>/", views.dossier_policy, name="dossier"),
    path("kerntaak/<int:pk>/", views.kerntaak_policy, name="kerntaak"),
    path("kerntaak/<int:pk>/cruciaal/", views.kerntaak_crucial, name="kerntaak_crucial"),
]
