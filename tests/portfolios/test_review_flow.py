"""The praktijkopleider's work queue: the inbox sorts, filters and groups by student; after a
decision the next waiting item opens; the review page shows the evidence first and what changed
since the returned version; bulk accept and bulk sign-off go item by item through the services.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from organisation import services as organisation_services
from organisation.models import Praktijkopleider
from portfolios import bulk, inbox, services
from portfolios.models import EvidenceEvent, SignOffEvent
from qualifications.models import Werkproces
from tests.portfolio_fixtures import checked_pdf, make_evidence
from tests.portfolios.test_portfolio_queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world):
    """The praktijkopleider also has student2 (from yesterday on); names make the order."""
    for key, first, last in (("student", "Zoë", "Zwart"), ("student2", "Anna", "Appel")):
        organisation_services.user_update(
            user=world[key], first_name=first, last_name=last, email=""
        )
        world[key].refresh_from_db()
    organisation_services.bpv_periode_create(
        enrolment=world["enrolment2"],
        praktijkopleider=Praktijkopleider.objects.get(user=world["praktijkopleider"]),
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    return world


def submitted(world, student, title, werkproces=None):
    evidence = make_evidence(world, student=student, title=title)
    if werkproces is not None:
        services.evidence_update(
            student=world[student],
            evidence=evidence,
            title=title,
            reflection=evidence.reflection,
            date=evidence.date,
            links=[],
            werkprocessen={werkproces: []},
            files=[],
            remove_files=[],
        )
    services.evidence_submit(student=world[student], evidence=evidence)
    return evidence


def titles(html: str, names) -> list[str]:
    return sorted(names, key=html.index)


def test_inbox_groups_by_student_sorts_and_filters(client, two):
    w2 = Werkproces.objects.get(code="B1-K1-W2")
    submitted(two, "student", "Z-oudste")
    submitted(two, "student2", "A-eerste")
    submitted(two, "student", "Z-tweede", werkproces=w2)
    submitted(two, "student2", "A-tweede")
    client.force_login(two["praktijkopleider"])
    url = reverse("portfolios:inbox")
    names = ["Z-oudste", "Z-tweede", "A-eerste", "A-tweede"]
    # Waiting longest: Zoë's oldest item waits longest, so her group comes first, together.
    assert titles(client.get(url).content.decode(), names) == names
    html = client.get(url + "?sorteer=student").content.decode()
    assert titles(html, names) == ["A-eerste", "A-tweede", "Z-oudste", "Z-tweede"]
    assert html.count('class="inbox-group"') == 2
    html = client.get(url + f"?student={two['enrolment2'].pk}").content.decode()
    assert "A-eerste" in html and "Z-oudste" not in html
    html = client.get(url + "?werkproces=B1-K1-W2").content.decode()
    assert "Z-tweede" in html and "Z-oudste" not in html and "A-eerste" not in html
    # The filter offers only what waits; links to an item carry the list's order.
    assert 'value="B1-K1-W2"' in html
    assert "?werkproces=B1-K1-W2" in html
    # Nonsense in the query string is ignored, never an error.
    assert client.get(url + "?sorteer=x&student=abc&pagina=zz").status_code == 200
    html = client.get(url + "?student=999999").content.decode()
    assert "Met deze filters wacht er niets" in html


def test_inbox_query_count_is_flat_with_filters(client, two):
    client.force_login(two["praktijkopleider"])
    url = reverse("portfolios:inbox") + "?sorteer=werkproces&werkproces=B1-K1-W1"

    def add(n):
        for i in range(n):
            submitted(two, "student" if i % 2 else "student2", f"Stuk {i}")

    add(5)
    small = count_queries(client, url)
    add(45)
    assert count_queries(client, url) == small
    assert count_queries(client, reverse("portfolios:inbox")) == small


def test_with_many_students_waiting_the_student_filter_searches_by_name(client, two, monkeypatch):
    # A coordinator of a large leerbedrijf: too many students for a <select> of them all.
    monkeypatch.setattr(inbox, "STUDENT_OPTIONS", 1)
    oldest = submitted(two, "student", "Z-oudste")
    submitted(two, "student2", "A-eerste")
    second = submitted(two, "student", "Z-tweede")
    client.force_login(two["praktijkopleider"])
    url = reverse("portfolios:inbox")
    html = client.get(url).content.decode()
    assert 'id="inbox-student"' not in html and 'name="naam"' in html
    assert "Anna Appel" in html  # the rows still name every student
    names = ["Z-oudste", "Z-tweede", "A-eerste"]
    for typed in ("zwart", "zoë zwart", "ZWA"):  # part of the name, first and last name, any case
        html = client.get(url, {"naam": typed}).content.decode()
        assert [n for n in names if n in html] == ["Z-oudste", "Z-tweede"], typed
        assert "2 bewijsstukken wachten op je." in html
        assert f'value="{typed}"' in html
    html = client.get(url, {"naam": "student2"}).content.decode()  # a username
    assert [n for n in names if n in html] == ["A-eerste"]
    for typed in ("%", "_", "x" * 500):
        html = client.get(url, {"naam": typed}).content.decode()
        assert "Met deze filters wacht er niets" in html
    assert count_queries(client, url + "?naam=zwart") == count_queries(client, url)
    # After a decision the next item comes from the same searched list.
    response = client.post(
        reverse("portfolios:evidence_review", args=[oldest.pk]),
        {"decision": "accept", "naam": "zwart"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == (
        reverse("portfolios:evidence", args=[second.pk]) + "?naam=zwart"
    )


@pytest.mark.parametrize("role", ["student", "docent", "assessor", "beheerder", "outsider"])
def test_inbox_is_empty_for_others(client, two, role):
    submitted(two, "student", "Geheim")
    client.force_login(two[role])
    response = client.get(reverse("portfolios:inbox"))
    assert response.status_code == 200
    assert "Geheim" not in response.content.decode()


def test_after_a_decision_the_next_item_of_the_same_list_opens(client, two):
    first = submitted(two, "student", "Z-oudste")
    other = submitted(two, "student2", "A-eerste")
    second = submitted(two, "student", "Z-tweede")
    client.force_login(two["praktijkopleider"])
    # The list filtered to Zoë: after her first, her second; A-eerste is not in this list.
    response = client.post(
        reverse("portfolios:evidence_review", args=[first.pk]),
        {"decision": "accept", "student": two["enrolment"].pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == (
        reverse("portfolios:evidence", args=[second.pk]) + f"?student={two['enrolment'].pk}"
    )
    assert "Dit is het volgende bewijsstuk" in response.content.decode()
    response = client.post(
        reverse("portfolios:evidence_review", args=[second.pk]),
        {"decision": "return", "feedback": "Meer uitleg", "student": two["enrolment"].pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == (
        reverse("portfolios:inbox") + f"?student={two['enrolment'].pk}"
    )
    assert "Alles beoordeeld" in response.content.decode()
    assert EvidenceEvent.objects.current_kind(evidence=other) == EvidenceEvent.Kind.SUBMITTED


def test_review_page_shows_evidence_first_and_what_changed(client, two):
    evidence = make_evidence(two, title="Wondzorg verslag")
    services.evidence_submit(student=two["student"], evidence=evidence)
    services.evidence_review(
        reviewer=two["praktijkopleider"], evidence=evidence, accept=False, feedback="Meer"
    )
    old_file = evidence.files.get()
    services.evidence_update(
        student=two["student"],
        evidence=evidence,
        title="Wondzorg verslag herzien",
        reflection="Ik heb geleerd om zorgvuldig te werken.",
        date=evidence.date,
        links=[],
        files=[checked_pdf("bijlage.pdf")],
        remove_files=[old_file],
    )
    services.evidence_submit(student=two["student"], evidence=evidence)
    client.force_login(two["praktijkopleider"])
    html = client.get(reverse("portfolios:evidence", args=[evidence.pk])).content.decode()
    assert "Veranderd sinds versie 1 (teruggestuurd)" in html
    assert '<ins><span class="visually-hidden">toegevoegd: </span> herzien</ins>' in html
    assert "nauwkeurig</del>" in html and "zorgvuldig</ins>" in html
    assert "bijlage.pdf" in html.split("Bestanden erbij")[1].split("</dd>")[0]
    assert "verslag.pdf" in html.split("Bestanden eraf")[1].split("</dd>")[0]
    # The newest version comes before the decision form, the older one after it.
    newest, form, older = (
        html.index("Versie 2, ingediend"),
        html.index('id="review-heading"'),
        html.index("Versie 1, ingediend"),
    )
    assert newest < form < older


def test_bulk_accept_goes_item_by_item_and_reports_refusals(client, two):
    a = submitted(two, "student", "Eerste")
    b = submitted(two, "student2", "Tweede")
    done = submitted(two, "student", "Al klaar")
    services.evidence_review(reviewer=two["praktijkopleider"], evidence=done, accept=True)
    draft = make_evidence(two, title="Concept")
    client.force_login(two["praktijkopleider"])
    url = reverse("portfolios:inbox_accept")
    assert client.get(url).status_code == 405
    events_before = EvidenceEvent.objects.count()
    response = client.post(
        url, {"bewijs": [a.pk, b.pk, done.pk, draft.pk, "x"], "sorteer": "student"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portfolios:inbox") + "?sorteer=student"
    html = response.content.decode()
    assert "2 goedgekeurd: Eerste, Tweede." in html
    assert "Niet gelukt bij Al klaar" in html
    assert "Niet gelukt bij" in html.split("Al klaar")[1]  # the draft: not found
    # One event per accepted item, each by the reviewer; nothing for the refused ones.
    assert EvidenceEvent.objects.count() == events_before + 2
    for evidence in (a, b):
        assert EvidenceEvent.objects.current_kind(evidence=evidence) == "accepted"
    assert not EvidenceEvent.objects.filter(evidence=draft).exists()
    assert EvidenceEvent.objects.filter(evidence=done).count() == 2


@pytest.mark.parametrize("role", ["student", "docent", "assessor", "beheerder", "outsider"])
def test_bulk_accept_is_for_praktijkopleiders_only(client, two, role):
    evidence = submitted(two, "student", "Eerste")
    client.force_login(two[role])
    response = client.post(reverse("portfolios:inbox_accept"), {"bewijs": [evidence.pk]})
    assert response.status_code == 404
    assert EvidenceEvent.objects.current_kind(evidence=evidence) == "submitted"


def test_bulk_accept_by_another_praktijkopleider_writes_nothing(client, two):
    evidence = submitted(two, "student", "Eerste")
    client.force_login(two["other_po"])
    response = client.post(reverse("portfolios:inbox_accept"), {"bewijs": [evidence.pk]})
    assert response.status_code == 302
    assert EvidenceEvent.objects.current_kind(evidence=evidence) == "submitted"


@pytest.fixture
def accepted_three(two):
    """A bewijsstuk accepted for B1-K1-W1, B1-K1-W2 and P1-K1-W1 (each may be signed off,
    with or without the sign-off guards); B1-K1-W2 is signed off already."""
    evidence = make_evidence(two, title="Eerste")
    codes = ["B1-K1-W1", "B1-K1-W2", "P1-K1-W1"]
    services.evidence_update(
        student=two["student"],
        evidence=evidence,
        title="Eerste",
        reflection=evidence.reflection,
        date=evidence.date,
        links=[],
        werkprocessen={wp: [] for wp in Werkproces.objects.filter(code__in=codes)},
        files=[],
        remove_files=[],
    )
    services.evidence_submit(student=two["student"], evidence=evidence)
    services.evidence_review(reviewer=two["praktijkopleider"], evidence=evidence, accept=True)
    services.werkproces_sign_off(
        actor=two["praktijkopleider"],
        enrolment=two["enrolment"],
        werkproces=Werkproces.objects.get(code="B1-K1-W2"),
        declaration="Eerder",
    )
    return two


def test_bulk_sign_off_records_the_declaration_per_item(client, accepted_three):
    two = accepted_three
    client.force_login(two["praktijkopleider"])
    url = reverse("portfolios:sign_off_many", args=[two["enrolment"].pk])
    page = client.get(url).content.decode()
    assert "B1-K1-W1 Eerste werkproces (1 goedgekeurd bewijs)" in page
    assert 'value="B1-K1-W2"' not in page  # already signed off
    before = SignOffEvent.objects.count()
    response = client.post(
        url, {"werkprocessen": ["B1-K1-W1", "P1-K1-W1"], "confirm": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "portfolios:portfolio", args=[two["enrolment"].pk]
    )
    assert SignOffEvent.objects.count() == before + 2
    for code in ("B1-K1-W1", "P1-K1-W1"):
        event = SignOffEvent.objects.get(werkproces__code=code)
        assert event.declaration == str(services.SIGN_OFF_DECLARATION)
        assert event.actor == two["praktijkopleider"]
    assert "2 werkprocessen afgetekend" in response.content.decode()
    # The student is told per werkproces.
    assert (
        Notification.objects.filter(
            recipient=two["student"], dedup_key__startswith="sign-off-event:"
        ).count()
        == 3
    )


def test_bulk_sign_off_reports_what_the_service_refuses(accepted_three):
    two = accepted_three
    result = bulk.werkprocessen_sign_off(
        actor=two["praktijkopleider"],
        enrolment=two["enrolment"],
        codes=["B1-K1-W2", "P2-K1-W1", "B1-K1-W1"],
        declaration="Verklaring",
    )
    assert result.done == ["B1-K1-W1"]
    assert [code for code, _reason in result.refused] == ["B1-K1-W2", "P2-K1-W1"]
    assert "al afgetekend" in result.refused[0][1]
    assert not SignOffEvent.objects.filter(werkproces__code="P2-K1-W1").exists()
    assert SignOffEvent.objects.filter(werkproces__code="B1-K1-W2").count() == 1


def test_bulk_sign_off_refusals_and_bad_input_write_nothing(client, two):
    client.force_login(two["praktijkopleider"])
    url = reverse("portfolios:sign_off_many", args=[two["enrolment"].pk])
    response = client.post(url, {"werkprocessen": ["B1-K1-W1"]})  # no declaration ticked
    assert response.status_code == 400
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 400
    assert "Kies minstens één werkproces" in response.content.decode()
    response = client.post(url, {"werkprocessen": ["P2-K1-W1"], "confirm": "on"})
    assert response.status_code == 400  # not a werkproces of this student: not a choice
    assert not SignOffEvent.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("student", 403), ("docent", 403), ("early_po", 404), ("other_po", 404), ("outsider", 404)],
)
def test_bulk_sign_off_per_role(client, two, role, status):
    client.force_login(two[role])
    url = reverse("portfolios:sign_off_many", args=[two["enrolment"].pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"werkprocessen": ["B1-K1-W1"], "confirm": "on"})
    assert response.status_code == status
    assert not SignOffEvent.objects.exists()


def test_portfolio_offers_bulk_sign_off_only_to_who_may_act(client, two):
    url = reverse("portfolios:portfolio", args=[two["enrolment"].pk])
    link = reverse("portfolios:sign_off_many", args=[two["enrolment"].pk])
    client.force_login(two["praktijkopleider"])
    assert link in client.get(url).content.decode()
    client.force_login(two["docent"])
    assert link not in client.get(url).content.decode()


def _accept_w1(two):
    evidence = make_evidence(two, submit=True)  # for B1-K1-W1
    services.evidence_review(reviewer=two["praktijkopleider"], evidence=evidence, accept=True)


def test_bulk_sign_off_asks_a_confirmation_per_werkproces_without_evidence(client, two):
    """B1-K1-W1 has accepted evidence; B1-K1-W2 and P1-K1-W1 have none. Only the one whose
    confirmation is ticked is signed off without evidence (and that is recorded); the
    unconfirmed one is refused with the reason, the others in the same POST go through."""
    _accept_w1(two)
    client.force_login(two["praktijkopleider"])
    url = reverse("portfolios:sign_off_many", args=[two["enrolment"].pk])
    page = client.get(url).content.decode()
    assert "Nog geen goedgekeurd bewijs voor dit werkproces" in page
    assert 'name="confirm_without_evidence" value="B1-K1-W2"' in page
    assert 'name="confirm_without_evidence" value="P1-K1-W1"' in page
    assert 'name="confirm_without_evidence" value="B1-K1-W1"' not in page
    assert "Ik teken B1-K1-W2 toch af" in page
    response = client.post(
        url,
        {
            "werkprocessen": ["B1-K1-W1", "B1-K1-W2", "P1-K1-W1"],
            "confirm_without_evidence": ["B1-K1-W2"],
            "confirm": "on",
        },
        follow=True,
    )
    # Something was refused: back to the list, where it can still be confirmed.
    assert response.redirect_chain[-1][0] == url
    html = response.content.decode()
    assert "2 werkprocessen afgetekend: B1-K1-W1, B1-K1-W2." in html
    assert "Niet gelukt bij P1-K1-W1" in html and "Bevestig dat je toch aftekent" in html
    assert SignOffEvent.objects.get(werkproces__code="B1-K1-W1").without_evidence is False
    assert SignOffEvent.objects.get(werkproces__code="B1-K1-W2").without_evidence is True
    assert not SignOffEvent.objects.filter(werkproces__code="P1-K1-W1").exists()
    assert (
        Notification.objects.filter(
            recipient=two["student"], dedup_key__startswith="sign-off-event:"
        ).count()
        == 2
    )
    # Confirmed now: signed off, and recorded as without evidence.
    response = client.post(
        url,
        {
            "werkprocessen": ["P1-K1-W1"],
            "confirm_without_evidence": ["P1-K1-W1"],
            "confirm": "on",
        },
    )
    assert response.url == reverse("portfolios:portfolio", args=[two["enrolment"].pk])
    assert SignOffEvent.objects.get(werkproces__code="P1-K1-W1").without_evidence is True


def test_a_confirmation_made_moot_by_accepted_evidence_is_no_error(client, two):
    """Evidence accepted after the page was shown: the confirmation is accepted and the
    sign-off records that evidence was there."""
    client.force_login(two["praktijkopleider"])
    url = reverse("portfolios:sign_off_many", args=[two["enrolment"].pk])
    assert 'name="confirm_without_evidence" value="B1-K1-W1"' in client.get(url).content.decode()
    _accept_w1(two)
    response = client.post(
        url,
        {"werkprocessen": ["B1-K1-W1"], "confirm_without_evidence": ["B1-K1-W1"], "confirm": "on"},
    )
    assert response.status_code == 302
    assert SignOffEvent.objects.get(werkproces__code="B1-K1-W1").without_evidence is False


def test_bulk_sign_off_without_any_confirmation_writes_nothing_for_those(two):
    result = bulk.werkprocessen_sign_off(
        actor=two["praktijkopleider"],
        enrolment=two["enrolment"],
        codes=["B1-K1-W2", "P1-K1-W1"],
        declaration="Verklaring",
        confirmed_without_evidence=["P1-K1-W1"],
    )
    assert result.done == ["P1-K1-W1"]
    assert [code for code, _reason in result.refused] == ["B1-K1-W2"]
    assert "nog geen goedgekeurd bewijs" in result.refused[0][1]
    assert not SignOffEvent.objects.filter(werkproces__code="B1-K1-W2").exists()


def test_bulk_sign_off_shows_not_feasible_here_as_not_selectable(client, two):
    _accept_w1(two)
    services.werkproces_set_feasibility(
        actor=two["praktijkopleider"],
        enrolment=two["enrolment"],
        werkproces=Werkproces.objects.get(code="B1-K1-W1"),
        feasible=False,
        reason="Geen wondzorg op deze afdeling.",
    )
    client.force_login(two["praktijkopleider"])
    url = reverse("portfolios:sign_off_many", args=[two["enrolment"].pk])
    page = client.get(url).content.decode()
    assert 'value="B1-K1-W1"' not in page
    blocked = page.split('id="blocked-heading"', 1)[1]
    assert "B1-K1-W1 Eerste werkproces" in blocked
    assert "niet uitvoerbaar bij Zorghuis De Linde" in blocked
    assert "Geen wondzorg op deze afdeling." in blocked
    response = client.post(url, {"werkprocessen": ["B1-K1-W1"], "confirm": "on"})
    assert response.status_code == 400  # not a choice
    assert not SignOffEvent.objects.exists()
