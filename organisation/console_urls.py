"""The beheer console, included at /school/ (config/urls.py). The invite and student import
pages live in urls.py under the same prefix; assessment policies in assessments."""

from django.urls import path

from . import console_audit, console_school
from . import console_views as views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("scholen/", console_school.schools, name="schools"),
    path("scholen/<int:pk>/", console_school.school_edit, name="school_edit"),
    path("klassen/", views.cohorts, name="cohorts"),
    path("klassen/nieuw/", views.cohort_create, name="cohort_create"),
    path("klassen/<int:pk>/", views.cohort_edit, name="cohort_edit"),
    path("studenten/", views.students, name="students"),
    path("studenten/<int:pk>/", views.student_detail, name="student"),
    path("studenten/<int:pk>/inschrijven/", views.student_enrol, name="student_enrol"),
    path("studenten/<int:pk>/actief/", views.student_set_active, name="student_set_active"),
    path(
        "studenten/<int:pk>/activatie/",
        views.student_resend_activation,
        name="student_resend_activation",
    ),
    path("leerbedrijven/", views.leerbedrijven, name="leerbedrijven"),
    path("leerbedrijven/nieuw/", views.leerbedrijf_create, name="leerbedrijf_create"),
    path("leerbedrijven/<int:pk>/", views.leerbedrijf_edit, name="leerbedrijf_edit"),
    path("praktijkopleiders/", views.praktijkopleiders, name="praktijkopleiders"),
    path("bpv/", views.bpv_periodes, name="bpv"),
    path("bpv/nieuw/", views.bpv_create, name="bpv_create"),
    path("bpv/importeren/", views.bpv_import_view, name="bpv_import"),
    path("dossiers/", views.dossiers, name="dossiers"),
    path("auditlog/", console_audit.audit, name="audit"),
    path("auditlog/export.csv", console_audit.audit_csv, name="audit_csv"),
]
