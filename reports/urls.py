from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("student/<int:enrolment_pk>/aanvragen/", views.request_student, name="request_student"),
    path("export/<int:enrolment_pk>/aanvragen/", views.request_export, name="request_export"),
    path("klas/<int:cohort_pk>/aanvragen/", views.request_cohort, name="request_cohort"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/status/", views.job_status, name="status"),
    path("<int:pk>/opnieuw/", views.job_retry, name="retry"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/zip/", views.download_archive, name="archive"),
    path("controleren/", views.verify, name="verify"),
    path("controleren/<str:kenmerk>/", views.verify, name="verify_kenmerk"),
]
