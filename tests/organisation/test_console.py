"""The beheer console at /school/ (issue 11, item 4): who may open it, what it writes, and
that every list runs a fixed number of queries."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AssessmentPolicy, CrucialCriterion
from assessments.policies import default_scale
from organisation import services
from organisation.models import (
    AssessorAssignment,
    BpvPeriode,
    Cohort,
    Enrolment,
    ImportJob,
    User,
)

pytestmark = pytest.mark.django_db

NOT_BEHEERDERS = ["student", "praktijkopleider", "docent", "assessor", "outsider"]


@pytest.fixture
def school(world):
    # Everything the console pages link to: a klas, a student, a leerbedrijf, a BPV.
    return world


def _get_views(w):
    kerntaak = w["w1"].kerntaak
    return [
        reverse("console:home"),
        reverse("console:schools"),
        reverse("console:school_edit", args=[w["cohort"].school_id]),
        reverse("console:cohorts"),
        reverse("console:cohort_create"),
        reverse("console:cohort_edit", args=[w["cohort"].pk]),
        reverse("console:students"),
        reverse("console:student", args=[w["student"].pk]),
        reverse("console:leerbedrijven"),
        reverse("console:leerbedrijf_create"),
        reverse("console:leerbedrijf_edit", args=[w["leerbedrijf"].pk]),
        reverse("console:praktijkopleiders"),
        reverse("console:praktijkopleider_suggestions") + "?praktijkopleider=praktijk",
        reverse("console:leerbedrijf_suggestions") + "?leerbedrijf=zorg",
        reverse("console:docent_suggestions") + "?mentor=doc",
        reverse("console:assessor_suggestions") + "?assessor=ass",
        reverse("console:cohort_suggestions") + "?cohort=vz",
        reverse("console:bpv"),
        reverse("console:bpv_create"),
        reverse("console:bpv_import"),
        reverse("console:dossiers"),
        reverse("console:audit"),
        reverse("console:audit") + "?log=changes",
        reverse("console:audit_csv"),
        reverse("console:mails"),
        reverse("assessments_console:dossiers"),
        reverse("assessments_console:dossier", args=[kerntaak.dossier_id]),
        reverse("assessments_console:kerntaak", args=[kerntaak.pk]),
    ]


def _post_only_views(w):
    pk = w["student"].pk
    return [
        reverse("console:student_enrol", args=[pk]),
        reverse("console:student_set_active", args=[pk]),
        reverse("console:student_resend_activation", args=[pk]),
        reverse("console:mails_retry"),
        reverse("assessments_console:kerntaak_crucial", args=[w["w1"].kerntaak.pk]),
    ]


def test_beheerder_opens_every_console_page(client, school):
    client.force_login(school["beheerder"])
    for url in _get_views(school):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", NOT_BEHEERDERS)
def test_everyone_else_gets_404(client, school, role):
    client.force_login(school[role])
    for url in _get_views(school):
        assert client.get(url).status_code == 404, url
    for url in _post_only_views(school) + [
        reverse("console:cohort_create"),
        reverse("console:cohort_edit", args=[school["cohort"].pk]),
        reverse("console:bpv_create"),
        reverse("console:bpv_import"),
        reverse("console:leerbedrijf_create"),
        reverse("assessments_console:kerntaak", args=[school["w1"].kerntaak.pk]),
    ]:
        assert client.post(url, {"active": "0", "name": "X"}).status_code == 404, url
    assert school["student"].__class__.objects.get(pk=school["student"].pk).is_active
    assert not BpvPeriode.objects.filter(ends_on__isnull=False).exists()


def test_anonymous_is_sent_to_login(client, school):
    for url in _get_views(school):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def test_post_only_views_answer_405_to_get(client, school):
    client.force_login(school["beheerder"])
    for url in _post_only_views(school):
        assert client.get(url).status_code == 405, url


def test_create_and_edit_a_klas(client, school, make_user):
    client.force_login(school["beheerder"])
    assessor = school["assessor"]
    response = client.post(
        reverse("console:cohort_create"),
        {
            "school": school["cohort"].school_id,
            "name": "VZ-3B",
            "start_year": 2026,
            "qualification": school["cohort"].qualification_id,
            "mentor": school["docent"].username,
            "assessor": assessor.username,
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="VZ-3B")
    assert list(cohort.mentors.all()) == [school["docent"]]
    assert AssessorAssignment.objects.filter(cohort=cohort, assessor=assessor).exists()
    response = client.post(
        reverse("console:cohort_edit", args=[cohort.pk]),
        {"name": "VZ-3C", "start_year": 2027, "mentors": [], "assessors": [], "mentor": ""},
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.start_year) == ("VZ-3C", 2027)
    assert not cohort.mentors.exists()
    assert not AssessorAssignment.objects.filter(cohort=cohort).exists()


def test_a_student_cannot_be_mentor(client, school):
    client.force_login(school["beheerder"])
    response = client.post(
        reverse("console:cohort_edit", args=[school["cohort"].pk]),
        {"name": "X", "start_year": 2026, "mentor": school["student"].username},
    )
    assert response.status_code == 400
    assert Cohort.objects.get(pk=school["cohort"].pk).name == "VZ-2A"


def test_enrol_deactivate_and_resend_activation(
    client, school, tree, make_user, django_capture_on_commit_callbacks
):
    client.force_login(school["beheerder"])
    new = services.user_create(
        username="nieuw", password=None, role=User.Role.STUDENT, email="nieuw@example.invalid"
    )
    response = client.post(
        reverse("console:student_enrol", args=[new.pk]),
        {"qualification": tree["p1"].pk, "started_on": "2026-09-01", "cohort": "VZ-2A (2026)"},
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(student=new).cohort == school["cohort"]
    # A klas of another kwalificatie is refused, and nothing is written.
    response = client.post(
        reverse("console:student_enrol", args=[new.pk]),
        {"qualification": tree["p2"].pk, "started_on": "2026-09-01", "cohort": "VZ-2A"},
    )
    assert response.status_code == 400
    assert Enrolment.objects.filter(student=new).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("console:student_resend_activation", args=[new.pk]))
    first_link = mail.outbox[-1].body.split("http://", 1)[1].split()[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("console:student_resend_activation", args=[new.pk]))
    second_link = mail.outbox[-1].body.split("http://", 1)[1].split()[0]
    assert len(mail.outbox) == 2 and first_link != second_link
    client.logout()
    # Inviting again revoked the first link; the second works once.
    assert client.get("/" + first_link.split("/", 1)[1]).status_code == 404
    assert client.get("/" + second_link.split("/", 1)[1]).status_code == 200

    client.force_login(school["beheerder"])
    client.post(reverse("console:student_set_active", args=[new.pk]), {"active": "0"})
    new.refresh_from_db()
    assert not new.is_active
    client.logout()
    assert client.get("/" + second_link.split("/", 1)[1]).status_code == 404


def test_school_settings_turn_on_badges_on_sign_off(client, school):
    """The beheerder's school page holds the switch for badges on sign-off; bad input is
    refused with a Dutch message and writes nothing."""
    target = school["cohort"].school
    assert target.badges_on_sign_off is False
    client.force_login(school["beheerder"])
    url = reverse("console:school_edit", args=[target.pk])
    page = client.get(url).content.decode()
    assert "Badges ook bij aftekening" in page
    bad = client.post(url, {"name": "", "brin": "00AB", "badges_on_sign_off": "on"})
    assert bad.status_code == 400 and "verplicht" in bad.content.decode()
    target.refresh_from_db()
    assert target.badges_on_sign_off is False and target.brin == ""
    response = client.post(url, {"name": target.name, "brin": "00AB", "badges_on_sign_off": "on"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.badges_on_sign_off is True and target.brin == "00AB"
    listing = client.get(reverse("console:schools")).content.decode()
    assert target.name in listing and "ja" in listing
    assert client.post(url, {"name": target.name}).status_code == 302
    target.refresh_from_db()
    assert target.badges_on_sign_off is False  # an unticked box turns it off


def test_leerbedrijf_and_bpv_one_at_a_time(client, school):
    client.force_login(school["beheerder"])
    client.post(reverse("console:leerbedrijf_create"), {"name": "Apotheek Noord"})
    response = client.post(
        reverse("console:bpv_create"),
        {
            "enrolment": school["enrolment2"].pk,
            "praktijkopleider": "praktijkopleider",
            "starts_on": "2026-10-01",
            "ends_on": "2026-09-01",
        },
    )
    assert response.status_code == 400  # ends before it starts
    response = client.post(
        reverse("console:bpv_create"),
        {
            "enrolment": school["enrolment2"].pk,
            "praktijkopleider": "praktijkopleider",
            "starts_on": "2026-10-01",
            "ends_on": "2027-01-31",
        },
    )
    assert response.status_code == 302
    assert BpvPeriode.objects.filter(
        enrolment=school["enrolment2"], ends_on=datetime.date(2027, 1, 31)
    ).exists()


def _csv(text: str):
    return SimpleUploadedFile("bpv.csv", text.encode(), content_type="text/csv")


def test_bpv_import_reports_each_bad_row_and_writes_nothing(
    client, school, django_capture_on_commit_callbacks
):
    client.force_login(school["beheerder"])
    before = BpvPeriode.objects.count()
    text = (
        "gebruikersnaam;crebo;praktijkopleider;begindatum;einddatum\n"
        "student2;90011;praktijkopleider;2026-10-01;2027-01-31\n"
        "niemand;90011;praktijkopleider;2026-10-01;\n"
        "student2;90011;onbekend@example.invalid;01-10-2026;2026-09-01\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:bpv_import"), {"file": _csv(text)})
    # Each row is looked up by the worker: the problems are on the import's page.
    job = ImportJob.objects.get(kind=ImportJob.Kind.BPV)
    assert response["Location"] == reverse("organisation:import_job", args=[job.pk])
    assert job.status == ImportJob.Status.REFUSED and job.rows == 3
    errors = dict(job.problems)
    assert set(errors) == {3, 4}
    assert "niemand" in errors[3]
    assert "onbekende praktijkopleider" in errors[4] and "einddatum" in errors[4]
    assert BpvPeriode.objects.count() == before
    page = client.get(response["Location"]).content.decode()
    assert "Regel 4: " in page and "Terug naar BPV-periodes importeren" in page
    # A file that is no BPV file at all is refused on the page itself.
    response = client.post(reverse("console:bpv_import"), {"file": _csv("naam;crebo\nx;1\n")})
    assert response.status_code == 400
    assert "Kolommen ontbreken" in response.content.decode()
    assert ImportJob.objects.count() == 1


def test_bpv_import_twice_changes_nothing_the_second_time(
    client, school, django_capture_on_commit_callbacks
):
    client.force_login(school["beheerder"])
    text = (
        "gebruikersnaam,crebo,praktijkopleider,begindatum,einddatum\n"
        "student2,90011,praktijkopleider,2026-10-01,2027-01-31\n"
    )
    for created in (1, 0):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("console:bpv_import"), {"file": _csv(text)})
        job = ImportJob.objects.filter(kind=ImportJob.Kind.BPV).first()
        assert job.status == ImportJob.Status.DONE
        assert job.result == {"rows": 1, "created": created}
        page = client.get(response["Location"]).content.decode()
        assert f"1 regels verwerkt: {created} nieuwe BPV-periodes." in page
    assert BpvPeriode.objects.filter(enrolment=school["enrolment2"]).count() == 2
    # The import page lists both.
    page = client.get(reverse("console:bpv_import")).content.decode()
    assert page.count("bpv.csv") == 2


def test_kerntaak_four_eyes_and_crucial_criteria(client, school):
    client.force_login(school["beheerder"])
    kerntaak = school["w1"].kerntaak
    scale = default_scale()
    response = client.post(
        reverse("assessments_console:kerntaak", args=[kerntaak.pk]),
        {"scale": scale.pk, "min_share_for_goed": "0.8", "max_onvoldoende": "1", "four_eyes": "on"},
    )
    assert response.status_code == 302
    policy = AssessmentPolicy.objects.get(kerntaak=kerntaak)
    assert policy.four_eyes and str(policy.min_share_for_goed) == "0.80"
    response = client.post(
        reverse("assessments_console:kerntaak", args=[kerntaak.pk]),
        {"scale": scale.pk, "min_share_for_goed": "1.5", "max_onvoldoende": "1"},
    )
    assert response.status_code == 400
    criterion = school["w1"].criteria.first()
    client.post(
        reverse("assessments_console:kerntaak_crucial", args=[kerntaak.pk]),
        {"criteria": [criterion.pk]},
    )
    assert list(CrucialCriterion.objects.values_list("criterion_id", flat=True)) == [criterion.pk]
    client.post(reverse("assessments_console:kerntaak_crucial", args=[kerntaak.pk]), {})
    assert not CrucialCriterion.objects.exists()


def test_search_and_paging(client, school, make_user):
    client.force_login(school["beheerder"])
    for i in range(30):
        make_user(f"zoek-{i:02d}")
    response = client.get(reverse("console:students"), {"q": "zoek-"})
    assert response.context["page"].paginator.count == 30
    assert len(response.context["rows"]) == 25
    response = client.get(reverse("console:students"), {"q": "zoek-", "pagina": 2})
    assert len(response.context["rows"]) == 5
    assert "q=zoek-" in response.content.decode()


# --- Query counts: 5 rows or 50, the same number of queries ----------------------------------


def _fill(kind, n, school, make_user, tree, start=0):
    from organisation.models import Praktijkopleider

    for i in range(start, start + n):
        if kind == "students":
            student = make_user(f"s{kind}{i}")
            services.enrolment_create(
                student=student,
                qualification=tree["p1"],
                started_on=datetime.date(2026, 9, 1),
                cohort=school["cohort"],
            )
        elif kind == "cohorts":
            services.cohort_create(
                school=school["cohort"].school,
                name=f"K{i}",
                start_year=2026,
                qualification=tree["p1"],
            )
        elif kind == "leerbedrijven":
            services.leerbedrijf_create(name=f"Bedrijf {i}")
        elif kind == "schools":
            services.school_create(name=f"College {i}")
        elif kind in {"praktijkopleiders", "bpv"}:
            user = make_user(f"po{kind}{i}", User.Role.PRAKTIJKOPLEIDER)
            po = services.praktijkopleider_create(user=user, leerbedrijf=school["leerbedrijf"])
            if kind == "bpv":
                services.bpv_periode_create(
                    enrolment=school["enrolment2"],
                    praktijkopleider=po,
                    starts_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=i),
                )
        elif kind == "audit":
            from organisation.audit import audit_record

            audit_record(kind="login", username=f"u{i}")
    assert Praktijkopleider  # imported for the fill


LISTS = {
    "students": "console:students",
    "cohorts": "console:cohorts",
    "leerbedrijven": "console:leerbedrijven",
    "schools": "console:schools",
    "praktijkopleiders": "console:praktijkopleiders",
    "bpv": "console:bpv",
    "audit": "console:audit",
}


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_list_query_count_is_constant(client, school, make_user, tree, kind):
    client.force_login(school["beheerder"])
    url = reverse(LISTS[kind])

    def count():
        client.get(url)  # warm caches (session, content types)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _fill(kind, 5, school, make_user, tree)
    few = count()
    _fill(kind, 45, school, make_user, tree, start=5)
    assert count() == few


def test_changes_list_and_dossier_list_query_count(client, school, make_user, tree):
    client.force_login(school["beheerder"])
    urls = [
        reverse("console:audit") + "?log=changes",
        reverse("console:dossiers"),
        reverse("assessments_console:dossiers"),
    ]

    def counts():
        out = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            out.append(len(ctx.captured_queries))
        return out

    _fill("leerbedrijven", 5, school, make_user, tree)
    few = counts()
    _fill("leerbedrijven", 45, school, make_user, tree, start=5)
    assert counts() == few
