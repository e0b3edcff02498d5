"""The teachers' cohort dashboard: access, constant queries, planning, signals, exports."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboards.selectors import Filters, dashboard_for, elapsed_fraction, school_year
from organisation import services as organisation_services
from organisation.models import BpvPeriode, User
from portfolios import services
from tests.dashboard_fixtures import add_students

pytestmark = pytest.mark.django_db


@pytest.fixture
def klas(world):
    """The world's klas VZ-2A (mentor: docent) with ten bulk students besides `student`."""
    po = world["praktijkopleider"].praktijkopleider
    world["bulk"] = add_students(world["cohort"], po, 10)
    return world


def urls(cohort_pk):
    return [
        reverse("dashboards:cohort_dashboard", args=[cohort_pk]),
        reverse("dashboards:cohort_export_csv", args=[cohort_pk]),
        reverse("dashboards:cohort_export_xlsx", args=[cohort_pk]),
    ]


# --- Access ----------------------------------------------------------------------------------


def test_mentor_and_beheerder_see_the_klas(client, klas):
    for name in ("docent", "beheerder"):
        client.force_login(klas[name])
        for url in [reverse("dashboards:cohorts"), *urls(klas["cohort"].pk)]:
            assert client.get(url).status_code == 200, (name, url)
    response = client.get(reverse("dashboards:school"))
    assert response.status_code == 200
    assert "VZ-2A" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["other_docent", "student", "praktijkopleider", "assessor", "outsider"]
)
def test_others_get_404(client, klas, name):
    client.force_login(klas[name])
    for url in [*urls(klas["cohort"].pk), reverse("dashboards:school")]:
        assert client.get(url).status_code == 404, url
    response = client.get(reverse("dashboards:cohorts"))
    if name == "other_docent":
        assert response.status_code == 200
        assert "VZ-2A" not in response.content.decode()
    else:
        assert response.status_code == 404


def test_unknown_klas_is_404_and_post_is_405(client, klas):
    client.force_login(klas["docent"])
    assert client.get(reverse("dashboards:cohort_dashboard", args=[9999])).status_code == 404
    assert client.post(urls(klas["cohort"].pk)[0]).status_code == 405


def test_anonymous_is_sent_to_login(client, klas):
    response = client.get(urls(klas["cohort"].pk)[0])
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_beheerder_gets_no_portfolio_links_docent_does(client, klas):
    enrolment = klas["bulk"][0]
    portfolio = reverse("portfolios:portfolio", args=[enrolment.pk])
    client.force_login(klas["beheerder"])
    assert f'href="{portfolio}"' not in client.get(urls(klas["cohort"].pk)[0]).content.decode()
    client.force_login(klas["docent"])
    page = client.get(urls(klas["cohort"].pk)[0]).content.decode()
    assert f'href="{portfolio}"' in page
    assert f'href="{portfolio}B1-K1-W1/"' in page
    assert client.get(f"{portfolio}B1-K1-W1/").status_code == 200


def test_klas_picker_redirects_with_filters(client, klas):
    client.force_login(klas["docent"])
    response = client.get(reverse("dashboards:cohorts"), {"klas": klas["cohort"].pk, "achter": 1})
    assert response.status_code == 302
    assert response["Location"] == urls(klas["cohort"].pk)[0] + "?achter=1"


# --- Speed -----------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_same_number_of_queries_for_10_and_300_students(client, world):
    po = world["praktijkopleider"].praktijkopleider
    add_students(world["cohort"], po, 10, prefix="klein")
    client.force_login(world["docent"])
    url = urls(world["cohort"].pk)[0]
    small = {u: _queries(client, u) for u in [url, *urls(world["cohort"].pk)[1:]]}
    overview_small = _queries(client, reverse("dashboards:cohorts"))
    add_students(world["cohort"], po, 290, prefix="groot")
    large = {u: _queries(client, u) for u in small}
    assert large == small
    assert _queries(client, reverse("dashboards:cohorts")) == overview_small
    assert small[url] <= 10  # names, BPV-periode and activity come in one query


# --- Planning and signals --------------------------------------------------------------------


def test_school_year_and_elapsed_fraction():
    assert school_year(datetime.date(2026, 11, 23)) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 7, 1),
    )
    assert school_year(datetime.date(2027, 3, 1))[0] == datetime.date(2026, 9, 1)
    start, end = datetime.date(2026, 9, 1), datetime.date(2026, 9, 11)
    assert elapsed_fraction(start, end, datetime.date(2026, 9, 6)) == 0.5
    assert elapsed_fraction(start, end, datetime.date(2026, 8, 1)) == 0.0
    assert elapsed_fraction(start, end, datetime.date(2027, 1, 1)) == 1.0


def test_behind_schedule_with_reason(klas):
    # Bulk students: BPV 60 of 90 days gone, 3 werkprocessen: expect 2 signed off.
    d = dashboard_for(user=klas["docent"], cohort=klas["cohort"], filters=Filters())
    rows = {r.enrolment.student.username: r for r in d.rows}
    signed = rows["bulk-0000"]  # second werkproces signed off: 1 of 3, within the margin
    idle = rows["bulk-0001"]
    assert signed.done == 1 and not signed.behind
    assert idle.done == 0 and idle.behind
    assert "0 van 3 werkprocessen afgetekend" in idle.behind_reason
    assert "67% van de BPV-periode bij Zorghuis De Linde" in idle.behind_reason
    # `student`: BPV started 30 days ago, open-ended: the school year's end counts.
    assert not rows["student"].behind

    behind = dashboard_for(user=klas["docent"], cohort=klas["cohort"], filters=Filters(behind=True))
    assert {r.enrolment.student.username for r in behind.rows} == {
        f"bulk-{i:04d}" for i in range(1, 10, 2)
    }
    reasons = [s.text for s in d.signals if s.kind == "behind"]
    assert reasons == [idle.behind_reason] + [
        rows[f"bulk-{i:04d}"].behind_reason for i in range(3, 10, 2)
    ]


def test_signals_waiting_and_not_feasible(klas):
    # A bewijsstuk of bulk 0 submitted ten days ago (the history is insert-only, so it is
    # made then rather than back-dated).
    old = timezone.now() - datetime.timedelta(days=10)
    enrolment = klas["bulk"][0]
    with mock.patch("django.utils.timezone.now", return_value=old):
        evidence = services.evidence_create(
            student=enrolment.student,
            enrolment=enrolment,
            werkproces=klas["w1"],
            title="Oud verslag",
            reflection="Tien dagen geleden ingediend.",
            date=old.date(),
            links=["https://example.org/verslag"],
        )
        services.evidence_submit(student=enrolment.student, evidence=evidence)
    services.werkproces_set_feasibility(
        actor=klas["praktijkopleider"],
        enrolment=klas["enrolment"],
        werkproces=klas["w1"],
        feasible=False,
        reason="Geen wondzorg hier",
    )
    d = dashboard_for(user=klas["docent"], cohort=klas["cohort"], filters=Filters())
    waiting = [s for s in d.signals if s.kind == "waiting"]
    assert [(s.row.enrolment, s.text) for s in waiting] == [
        (klas["bulk"][0], "Bewijs bij B1-K1-W1 wacht al 10 dagen op beoordeling.")
    ]
    assert waiting[0].url.endswith(f"/{klas['bulk'][0].pk}/B1-K1-W1/")
    not_feasible = [s for s in d.signals if s.kind == "not_feasible"]
    assert len(not_feasible) == 5  # bulk 0, 3, 6, 9 and `student`
    assert "B1-K1-W1 is niet uitvoerbaar bij Zorghuis De Linde: Geen wondzorg hier" in [
        s.text for s in not_feasible
    ]
    # A longer threshold hides the waiting one.
    d = dashboard_for(user=klas["docent"], cohort=klas["cohort"], filters=Filters(review_days=11))
    assert not [s for s in d.signals if s.kind == "waiting"]


def test_filters_and_sort(klas, make_user):
    docent = klas["docent"]
    cohort = klas["cohort"]
    other = organisation_services.leerbedrijf_create(name="Ander bedrijf")
    po_user = make_user("po2", User.Role.PRAKTIJKOPLEIDER)
    po2 = organisation_services.praktijkopleider_create(user=po_user, leerbedrijf=other)
    BpvPeriode.objects.filter(enrolment=klas["bulk"][5]).update(
        leerbedrijf=other, praktijkopleider=po2
    )
    d = dashboard_for(user=docent, cohort=cohort, filters=Filters(leerbedrijf=other.pk))
    assert [r.enrolment for r in d.rows] == [klas["bulk"][5]]
    assert {b.name for b in d.leerbedrijven} == {"Ander bedrijf", "Zorghuis De Linde"}

    d = dashboard_for(user=docent, cohort=cohort, filters=Filters(state=3))
    assert len(d.rows) == 5  # the signed-off ones
    assert [c.done for c in d.columns] == [0, 5, 0]

    # Everyone was active today; "no activity for 1 day" leaves only those without any.
    d = dashboard_for(user=docent, cohort=cohort, filters=Filters(inactive_days=1))
    assert [r.enrolment.student.username for r in d.rows] == ["student"]
    d = dashboard_for(
        user=docent,
        cohort=cohort,
        filters=Filters(inactive_days=1),
        today=timezone.localdate() + datetime.timedelta(days=2),
    )
    assert len(d.rows) == 11

    d = dashboard_for(user=docent, cohort=cohort, filters=Filters(sort="voortgang-aflopend"))
    assert [r.done for r in d.rows] == sorted([r.done for r in d.rows], reverse=True)
    assert Filters.from_query({"status": "9", "sorteer": "x", "inactief": "-1"}) == Filters()


def test_page_shows_matrix_with_headers_totals_and_chart(client, klas):
    client.force_login(klas["docent"])
    page = client.get(urls(klas["cohort"].pk)[0], {"achter": "1"}).content.decode()
    assert "5 van 11 studenten getoond" in page
    assert '<th scope="colgroup" colspan="2">B1-K1' in page
    assert '<th scope="col"><a href="/kwalificaties/' in page
    assert '<span aria-hidden="true">○</span> geen' in page  # icon and word, not colour alone
    assert page.count('class="column-total">0/5<') == 3
    assert "Aantal studenten per stand, per werkproces" in page
    assert "<svg" in page and 'style="' not in page


# --- Exports ---------------------------------------------------------------------------------


def _matrix(klas, **filters):
    d = dashboard_for(user=klas["docent"], cohort=klas["cohort"], filters=Filters(**filters))
    return [
        [r.name, *[c.label for c in r.cells], r.done, r.total, r.percent, r.behind] for r in d.rows
    ]


def _from_export(rows):
    # name, username, leerbedrijf, 3 werkprocessen, done, total, percent, behind, activity
    return [[r[0], *r[3:6], int(r[6]), int(r[7]), int(r[8]), r[9] == "ja"] for r in rows]


@pytest.mark.parametrize("query", [{}, {"achter": "1"}, {"status": "3", "sorteer": "voortgang"}])
def test_csv_and_xlsx_hold_the_matrix_as_filtered(client, klas, query):
    client.force_login(klas["docent"])
    expected = _matrix(
        klas,
        behind=query.get("achter") == "1",
        state=int(query["status"]) if "status" in query else None,
        sort=query.get("sorteer", "naam"),
    )
    response = client.get(urls(klas["cohort"].pk)[1], query)
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:6] == ["Student", "Gebruikersnaam", "Leerbedrijf", "B1-K1-W1", "B1-K1-W2",
                           "P1-K1-W1"]  # fmt: skip
    assert _from_export(rows[1:]) == expected

    response = client.get(urls(klas["cohort"].pk)[2], query)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == rows[0]
    assert _from_export(values[1:]) == expected


def test_exports_defuse_formulas(client, klas):
    klas["bulk"][0].student.__class__.objects.filter(pk=klas["bulk"][0].student_id).update(
        first_name="=HYPERLINK(1)"
    )
    client.force_login(klas["docent"])
    text = client.get(urls(klas["cohort"].pk)[1]).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1) Bulk" in text
    sheet = load_workbook(io.BytesIO(client.get(urls(klas["cohort"].pk)[2]).content)).active
    assert any(row[0] == "'=HYPERLINK(1) Bulk" for row in sheet.iter_rows(values_only=True))


def test_overview_side_by_side_and_kwalificatie_filter(client, klas, tree):
    other = organisation_services.cohort_create(
        school=klas["cohort"].school,
        name="VZ-2B",
        start_year=2026,
        qualification=tree["p2"],
        mentors=[klas["other_docent"]],
    )
    client.force_login(klas["beheerder"])
    page = client.get(reverse("dashboards:school")).content.decode()
    assert "VZ-2A (2026)" in page and "VZ-2B (2026)" in page
    assert "Testcollege" in page
    page = client.get(reverse("dashboards:cohorts"), {"kwalificatie": tree["p2"].pk})
    assert "VZ-2B" in page.content.decode() and "VZ-2A" not in page.content.decode()

    client.force_login(klas["docent"])
    page = client.get(reverse("dashboards:cohorts")).content.decode()
    assert "VZ-2A (2026)" in page and "VZ-2B" not in page
    assert client.get(urls(other.pk)[0]).status_code == 404
    response = client.get(reverse("dashboards:cohorts"), {"klas": other.pk})
    assert response.status_code == 404


def test_matrix_is_paged_keeping_the_filters_while_exports_hold_everyone(client, klas, monkeypatch):
    from dashboards import views

    monkeypatch.setattr(views, "MATRIX_PAGE_SIZE", 4)
    client.force_login(klas["docent"])
    url = reverse("dashboards:cohort_dashboard", args=[klas["cohort"].pk])
    first = client.get(url + "?sorteer=naam").content.decode()
    last = client.get(url + "?sorteer=naam&pagina=3").content.decode()
    # 11 students: 4 + 4 + 3 rows, plus the totals row in the footer.
    assert first.count('<th scope="row" class="student">') == 4 + 1
    assert last.count('<th scope="row" class="student">') == 3 + 1
    assert "Pagina 1 van 3" in first and 'href="?sorteer=naam&amp;pagina=2"' in first
    assert "11 van 11 studenten getoond" in first
    export = client.get(reverse("dashboards:cohort_export_csv", args=[klas["cohort"].pk]))
    assert len(export.content.decode("utf-8-sig").strip().splitlines()) == 1 + 11


def test_waiting_is_the_current_state_of_each_bewijsstuk(klas):
    """Only a bewijsstuk whose latest event is a submission older than the threshold waits:
    one accepted since does not, one resubmitted after a return counts from the newest
    submission, and the signals come oldest first."""
    now = timezone.now()
    bulk, w1, po = klas["bulk"], klas["w1"], klas["praktijkopleider"]

    def at(days, action, *args, **kwargs):
        with mock.patch("django.utils.timezone.now", return_value=now - datetime.timedelta(days)):
            return action(*args, **kwargs)

    made = []
    for n, days in ((1, 12), (2, 14), (3, 20)):
        student = bulk[n].student
        evidence = at(
            days,
            services.evidence_create,
            student=student,
            enrolment=bulk[n],
            werkproces=w1,
            title=f"Verslag {n}",
            reflection="",
            date=(now - datetime.timedelta(days)).date(),
            links=["https://example.org/verslag"],
        )
        at(days, services.evidence_submit, student=student, evidence=evidence)
        made.append(evidence)
    # 1: accepted since; 2: returned and resubmitted 9 days ago; 3: still waiting (20 days).
    at(11, services.evidence_review, reviewer=po, evidence=made[0], accept=True)
    at(
        13,
        services.evidence_review,
        reviewer=po,
        evidence=made[1],
        accept=False,
        feedback="Aanvullen",
    )
    at(9, services.evidence_submit, student=bulk[2].student, evidence=made[1])
    d = dashboard_for(user=klas["docent"], cohort=klas["cohort"], filters=Filters())
    waiting = [(s.row.enrolment, s.text) for s in d.signals if s.kind == "waiting"]
    assert waiting == [
        (bulk[3], "Bewijs bij B1-K1-W1 wacht al 20 dagen op beoordeling."),
        (bulk[2], "Bewijs bij B1-K1-W1 wacht al 9 dagen op beoordeling."),
    ]
    d = dashboard_for(user=klas["docent"], cohort=klas["cohort"], filters=Filters(review_days=10))
    assert [s.row.enrolment for s in d.signals if s.kind == "waiting"] == [bulk[3]]
