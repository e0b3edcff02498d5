"""/beheer/ at school scale: no form or filter there lists every student, docent or klas.

At 10 000 students the BPV-periode form offered every enrolment in a <select> (946 KB, 21 s,
a query per option); the klas form every docent, the enrolment and assessor-assignment forms
every klas. They are autocomplete fields now (Django admin's own, searched as you type).
"""

import datetime
import importlib
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation import services
from organisation.models import AssessorAssignment, BpvPeriode, User
from portfolios import services as portfolio_services

grant_tree = importlib.import_module("organisation.migrations.0010_beheerders_view_tree")

pytestmark = pytest.mark.django_db


def _school_grows(world, make_user, tree, n=30):
    """n more students (each enrolled, in one of n more klassen), docenten and assessoren."""
    school = world["cohort"].school
    for i in range(n):
        student = make_user(f"groei-student-{i}", User.Role.STUDENT)
        enrolment = services.enrolment_create(
            student=student, qualification=tree["p1"], started_on=datetime.date(2026, 9, 1)
        )
        cohort = services.cohort_create(
            school=school, name=f"GROEI-{i}", start_year=2026, qualification=tree["p1"]
        )
        services.enrolment_set_cohort(enrolment=enrolment, cohort=cohort)
        make_user(f"groei-docent-{i}", User.Role.DOCENT)
        make_user(f"groei-assessor-{i}", User.Role.ASSESSOR)


def _pages(world):
    bpv = BpvPeriode.objects.filter(enrolment=world["enrolment"]).first()
    assignment = AssessorAssignment.objects.create(
        assessor=world["assessor"], cohort=world["cohort"]
    )
    return [
        reverse("admin:organisation_bpvperiode_add"),
        reverse("admin:organisation_bpvperiode_change", args=[bpv.pk]),
        reverse("admin:organisation_cohort_add"),
        reverse("admin:organisation_cohort_change", args=[world["cohort"].pk]),
        reverse("admin:organisation_enrolment_add"),
        reverse("admin:organisation_enrolment_change", args=[world["enrolment"].pk]),
        reverse("admin:organisation_assessorassignment_add"),
        reverse("admin:organisation_assessorassignment_change", args=[assignment.pk]),
        reverse("admin:organisation_assessorassignment_changelist"),
        reverse("admin:organisation_praktijkopleider_add"),
    ]


def _measure(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def test_admin_forms_do_not_grow_with_the_school(client, world, make_user, tree):
    client.force_login(world["beheerder"])
    pages = _pages(world)
    before = {url: _measure(client, url) for url in pages}
    _school_grows(world, make_user, tree)
    for url in pages:
        queries, html = _measure(client, url)
        assert "groei-" not in html and "GROEI-" not in html, url
        assert queries == before[url][0], url
        # Only ids and the CSRF token may differ in length.
        assert abs(len(html) - len(before[url][1])) < 100, url


def test_the_bpv_periode_form_types_its_enrolment(client, world):
    client.force_login(world["beheerder"])
    html = client.get(reverse("admin:organisation_bpvperiode_add")).content.decode()
    for field in ("enrolment", "leerbedrijf", "praktijkopleider"):
        assert f'name="{field}"' in html
        assert f'data-field-name="{field}"' in html  # the autocomplete widget
    # The current enrolment of an existing periode is shown by its label.
    bpv = BpvPeriode.objects.filter(enrolment=world["enrolment"]).first()
    html = client.get(reverse("admin:organisation_bpvperiode_change", args=[bpv.pk])).content
    assert str(world["enrolment"]).encode() in html


def _autocomplete(client, model, field, term, source="organisation"):
    url = reverse("admin:autocomplete")
    params = {"app_label": source, "model_name": model, "field_name": field, "term": term}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return [row["text"] for row in json.loads(response.content)["results"]], len(
        ctx.captured_queries
    )


def test_enrolment_suggestions_by_name_in_constant_queries(client, world, make_user, tree):
    client.force_login(world["beheerder"])
    _school_grows(world, make_user, tree, n=12)
    texts, few = _autocomplete(client, "bpvperiode", "enrolment", "groei-student-1")
    assert len(texts) == 3  # 1, 10 and 11
    texts, many = _autocomplete(client, "bpvperiode", "enrolment", "groei")
    assert len(texts) == 12 and all("groei-student-" in text for text in texts)
    # Each label names student and kwalificatie, read with the rows, not a query a row.
    assert many == few
    # A student's first or last name finds their enrolment too.
    world["student2"].last_name = "Zwartveld"
    world["student2"].save()
    texts, _ = _autocomplete(client, "bpvperiode", "enrolment", "zwartveld")
    assert texts == [str(world["enrolment2"])]


def test_mentor_and_assessor_suggestions_are_that_role_only(client, world, make_user, tree):
    client.force_login(world["beheerder"])
    _school_grows(world, make_user, tree, n=3)
    mentors, _ = _autocomplete(client, "cohort", "mentors", "groei")
    assert sorted(mentors) == [f"groei-docent-{i}" for i in range(3)]
    assessors, _ = _autocomplete(client, "assessorassignment", "assessor", "groei")
    assert sorted(assessors) == [f"groei-assessor-{i}" for i in range(3)]
    klassen, _ = _autocomplete(client, "assessorassignment", "cohort", "groei-1")
    assert klassen == ["GROEI-1 (2026)"]


def test_a_mentor_is_added_in_the_admin_by_id(client, world):
    """The autocomplete posts the chosen docent's id, as the <select> did."""
    client.force_login(world["beheerder"])
    cohort = world["cohort"]
    url = reverse("admin:organisation_cohort_change", args=[cohort.pk])
    data = {
        "name": cohort.name,
        "start_year": cohort.start_year,
        "school": cohort.school_id,
        "qualification": cohort.qualification_id,
        "mentors": [world["docent"].pk, world["other_docent"].pk],
    }
    assert client.post(url, data).status_code == 302
    assert set(cohort.mentors.all()) == {world["docent"], world["other_docent"]}
    # A student is no mentor: refused, and nothing changes.
    data["mentors"] = [world["student"].pk]
    assert client.post(url, data).status_code == 200
    assert set(cohort.mentors.all()) == {world["docent"], world["other_docent"]}


def test_an_exam_records_werkproces_link_opens_for_a_beheerder(client, world):
    event = portfolio_services.werkproces_sign_off(
        confirm_without_evidence=True,
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        declaration="Ik verklaar",
    )
    client.force_login(world["beheerder"])
    page = client.get(reverse("admin:portfolios_signoffevent_change", args=[event.pk]))
    link = reverse("admin:qualifications_werkproces_change", args=[world["w1"].pk])
    assert link in page.content.decode()
    werkproces = client.get(link)
    assert werkproces.status_code == 200
    # To read only: the tree changes through the importer and the dossier's own admin.
    assert client.post(link, {"title": "anders"}).status_code == 403
    kerntaken = reverse("admin:qualifications_kerntaak_changelist")
    assert client.get(kerntaken, {"_to_field": "id", "_popup": "1"}).status_code == 200


def test_migration_grants_the_tree_to_an_existing_group(db):
    group = Group.objects.get(name="Beheerders")
    names = {"view_kerntaak", "view_werkproces", "view_competentie"}
    grant_tree.revoke(apps, None)
    assert not group.permissions.filter(codename__in=names).exists()
    grant_tree.grant(apps, None)
    granted = group.permissions.filter(content_type__app_label="qualifications")
    assert names <= set(granted.values_list("codename", flat=True))
    assert not granted.filter(codename__startswith="change_").exists()
