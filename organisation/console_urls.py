"""The beheer console, included at /school/ (config/urls.py). The invite and student import
pages live in urls.py under the same prefix; assessment policies in assessments."""

from django.urls import path

from . import console_audit, console_bpv, console_mail, console_people, console_school
from . import console_views as views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("scholen/", console_school.schools, name="schools"),
    path("scholen/<int:pk>/", console_school.school_edit, name="school_edit"),
    path("klassen/", views.cohorts, name="cohorts"),
    path("klassen/nieuw/", views.cohort_create, name="cohort_create"),
    path("klassen/suggesties/", views.cohort_suggestions, name="cohort_suggestions"),
    path("klassen/<int:pk>/", views.cohort_edit, name="cohort_edit"),
    path("studenten/", views.students, name="students"),
    path("studenten/nieuw/", console_people.student_create, name="student_create"),
    path("studenten/<int:pk>/", views.student_detail, name="student"),
    path("studenten/<int:pk>/inschrijven/", views.student_enrol, name="student_enrol"),
    path("studenten/<int:pk>/actief/", views.student_set_active, name="student_set_active"),
    path(
        "studenten/<int:pk>/activatie/",
        views.student_resend_activation,
        name="student_resend_activation",
    ),
    path("leerbedrijven/", views.leerbedrijven, name="leerbedrijven"),
    path(
        "leerbedrijven/suggesties/",
        console_bpv.leerbedrijf_suggestions,
        name="leerbedrijf_suggestions",
    ),
    path("leerbedrijven/nieuw/", views.leerbedrijf_create, name="leerbedrijf_create"),
    path("leerbedrijven/<int:pk>/", views.leerbedrijf_edit, name="leerbedrijf_edit"),
    path("personen/<int:pk>/", console_people.person_edit, name="person_edit"),
    path("medewerkers/", console_people.staff, name="staff"),
    path("medewerkers/nieuw/", console_people.staff_create, name="staff_create"),
    path("medewerkers/<int:pk>/", console_people.staff_member, name="staff_member"),
    path(
        "medewerkers/docenten/suggesties/",
        console_people.docent_suggestions,
        name="docent_suggestions",
    ),
    path(
        "medewerkers/assessoren/suggesties/",
        console_people.assessor_suggestions,
        name="assessor_suggestions",
    ),
    path("medewerkers/<int:pk>/actief/", console_people.staff_set_active, name="staff_set_active"),
    path(
        "medewerkers/<int:pk>/activatie/",
        console_people.staff_resend_activation,
        name="staff_resend_activation",
    ),
    path("praktijkopleiders/", console_bpv.praktijkopleiders, name="praktijkopleiders"),
    path(
        "praktijkopleiders/suggesties/",
        console_bpv.praktijkopleider_suggestions,
        name="praktijkopleider_suggestions",
    ),
    path(
        "praktijkopleiders/<int:pk>/",
        console_bpv.praktijkopleider_edit,
        name="praktijkopleider_edit",
    ),
    path("bpv/", console_bpv.bpv_periodes, name="bpv"),
    path("bpv/nieuw/", console_bpv.bpv_create, name="bpv_create"),
    path("bpv/importeren/", console_bpv.bpv_import_view, name="bpv_import"),
    path("bpv/<int:pk>/", console_bpv.bpv_edit, name="bpv_edit"),
    path("bpv/<int:pk>/verwijderen/", console_bpv.bpv_delete, name="bpv_delete"),
    path("dossiers/", views.dossiers, name="dossiers"),
    path("auditlog/", console_audit.audit, name="audit"),
    path("auditlog/export.csv", console_audit.audit_csv, name="audit_csv"),
    path("e-mails/", console_mail.mails, name="mails"),
    path("e-mails/opnieuw/", console_mail.mails_retry, name="mails_retry"),
]
