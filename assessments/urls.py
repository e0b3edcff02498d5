from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("beoordelen/", views.queue, name="queue"),
    path("beoordelen/<int:enrolment_pk>/<str:code>/", views.beoordeling, name="beoordeling"),
    path("resultaten/", views.results_list, name="results_list"),
    path("resultaten/<int:enrolment_pk>/", views.results, name="results"),
]
