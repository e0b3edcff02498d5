"""The portfolio page and the inbox run a fixed number of queries, however much evidence."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation import services as organisation_services
from portfolios import inbox, services
from qualifications.models import Werkproces


def add_evidence(world, count: int, *, student="student"):
    user = world[student]
    enrolment = world["enrolment"] if student == "student" else world["enrolment2"]
    werkprocessen = list(Werkproces.objects.filter(code__in=["B1-K1-W1", "B1-K1-W2", "P1-K1-W1"]))
    criterion = world["w1"].criteria.first()
    for i in range(count):
        werkproces = werkprocessen[i % len(werkprocessen)]
        evidence = services.evidence_create(
            student=user,
            enrolment=enrolment,
            werkproces=werkproces,
            title=f"Stuk {i}",
            reflection="Reflectie",
            date=datetime.date(2026, 10, 1),
            links=[f"https://example.org/{i}"],
            criteria=[criterion] if werkproces == world["w1"] else [],
        )
        # A mix of states: draft, submitted, returned, accepted.
        if i % 4 == 0:
            continue
        services.evidence_submit(student=user, evidence=evidence)
        if i % 4 == 2:
            services.evidence_review(
                reviewer=world["praktijkopleider" if student == "student" else "other_po"],
                evidence=evidence,
                accept=False,
                feedback="Meer",
            )
        elif i % 4 == 3:
            services.evidence_review(
                reviewer=world["praktijkopleider" if student == "student" else "other_po"],
                evidence=evidence,
                accept=True,
            )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def counts_for(client, world, url, add):
    add(5)
    small = count_queries(client, url)
    add(45)
    large = count_queries(client, url)
    return small, large


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["student", "praktijkopleider", "docent"])
def test_portfolio_page_query_count_is_flat(client, world, role):
    services.werkproces_sign_off(
        confirm_without_evidence=True,
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        declaration="Verklaring",
    )
    services.werkproces_set_feasibility(
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=Werkproces.objects.get(code="B1-K1-W2"),
        feasible=False,
        reason="Niet hier",
    )
    client.force_login(world[role])
    url = reverse("portfolios:portfolio", args=[world["enrolment"].pk])
    small, large = counts_for(client, world, url, lambda n: add_evidence(world, n))
    assert small == large
    html = client.get(url).content.decode()
    # Drafts (every fourth) are the student's own; everyone else sees the submitted ones.
    expected = 50 if role == "student" else 50 - 2 - 12
    assert html.count('class="evidence-link"') == expected


@pytest.mark.django_db
def test_inbox_query_count_is_flat(client, world):
    client.force_login(world["praktijkopleider"])
    url = reverse("portfolios:inbox")
    small, large = counts_for(client, world, url, lambda n: add_evidence(world, n))
    assert small == large
    add_evidence(world, 8, student="student2")  # not this praktijkopleider's student
    assert count_queries(client, url) == large


def sql_sent(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(len(query["sql"]) for query in ctx.captured_queries)


@pytest.mark.django_db
def test_inbox_sends_no_list_of_every_waiting_item(client, world, monkeypatch):
    """Its SQL does not grow with what waits: a coordinator with 2 500 items waiting got two
    queries of 15 KB each, an IN-list of every waiting id."""
    monkeypatch.setattr(inbox, "PAGE_SIZE", 3)
    client.force_login(world["praktijkopleider"])
    url = reverse("portfolios:inbox")
    add_evidence(world, 8)  # 4 waiting: the page's 3 and one more
    few = sql_sent(client, url)
    add_evidence(world, 60)  # 34 waiting
    # Only the page's ids have more digits now.
    assert few <= sql_sent(client, url) <= few + 20
    assert few <= sql_sent(client, url + "?pagina=2") <= few + 20


@pytest.mark.django_db
def test_werkproces_page_query_count_is_flat(client, world):
    client.force_login(world["praktijkopleider"])
    url = reverse("portfolios:werkproces", args=[world["enrolment"].pk, "B1-K1-W1"])
    small, large = counts_for(client, world, url, lambda n: add_evidence(world, n))
    assert small == large


@pytest.mark.django_db
def test_mentor_list_shows_progress_and_flags_in_flat_queries(client, world, make_user, tree):
    from organisation.models import User

    def add_students(n, start):
        for i in range(start, start + n):
            student = make_user(f"klas{i}", User.Role.STUDENT)
            enrolment = organisation_services.enrolment_create(
                student=student, qualification=tree["p1"], started_on=datetime.date(2026, 9, 1)
            )
            organisation_services.enrolment_set_cohort(enrolment=enrolment, cohort=world["cohort"])

    services.werkproces_sign_off(
        confirm_without_evidence=True,
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        declaration="Verklaring",
    )
    services.werkproces_set_feasibility(
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=Werkproces.objects.get(code="B1-K1-W2"),
        feasible=False,
        reason="Niet hier",
    )
    client.force_login(world["docent"])
    url = reverse("portfolios:list")
    add_students(2, 0)
    small = count_queries(client, url)
    add_students(10, 2)
    assert count_queries(client, url) == small
    html = client.get(url).content.decode()
    assert "1 werkproces" in html
    assert "1 niet uitvoerbaar" in html
    assert html.count("klas") >= 12


@pytest.mark.django_db
def test_inbox_and_portfolio_list_are_paged(client, world, monkeypatch):
    from portfolios import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    monkeypatch.setattr(inbox, "PAGE_SIZE", 3)
    add_evidence(world, 16)  # 12 submitted, 4 of them still waiting (returned/accepted: not)
    client.force_login(world["praktijkopleider"])
    url = reverse("portfolios:inbox")
    waiting = inbox.inbox_for(user=world["praktijkopleider"])
    assert len(waiting) == 4
    first = client.get(url).content.decode()
    second = client.get(url + "?pagina=2").content.decode()
    assert first.count('class="inbox-title"') == 3 and second.count('class="inbox-title"') == 1
    assert "Pagina 1 van 2" in first and "Pagina 2 van 2" in second
    assert f">{waiting[0].title}<" in first and f">{waiting[-1].title}<" in second
    assert f">{waiting[-1].title}<" not in first
    assert count_queries(client, url) == count_queries(client, url + "?pagina=2")

    client.force_login(world["docent"])
    assert "Pagina 1 van" not in client.get(reverse("portfolios:list")).content.decode()
