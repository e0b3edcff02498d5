from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.cohort_list, name="cohorts"),
    path("school/", views.school_overview, name="school"),
    path("<int:pk>/", views.cohort_dashboard, name="cohort_dashboard"),
    path("<int:pk>/export.csv", views.cohort_export_csv, name="cohort_export_csv"),
    path("<int:pk>/export.xlsx", views.cohort_export_xlsx, name="cohort_export_xlsx"),
]
