"""The one rule for a praktijkopleider's access (organisation.permissions.bpv_access).

Before starts_on: nothing. From starts_on to ends_on: see and act. For
BEKWAAM_BPV_GRACE_DAYS after ends_on: see, review evidence submitted within the period, sign
nothing off. After that: 404 and no mail. "Today" is moved by patching timezone.localdate,
which every part of the rule reads.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organisation.models import BpvPeriode, Praktijkopleider, User
from organisation.permissions import (
    BpvAccess,
    acting_bpv_periodes,
    bpv_access,
    open_bpv_periodes,
)
from portfolios import notifications
from portfolios.models import EvidenceEvent, FeasibilityEvent, SignOffEvent
from tests.portfolio_fixtures import make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    # Read when the test runs, not at collection: a run that passed midnight in Amsterdam
    # between the two (CI, 23:00 UTC) took yesterday for today.
    return timezone.localdate()


@pytest.fixture
def travel(monkeypatch):
    original = timezone.localdate

    def to(day: datetime.date):
        monkeypatch.setattr(
            timezone,
            "localdate",
            lambda value=None, tz=None: day if value is None else original(value, tz),
        )

    return to


@pytest.fixture
def placed(world, settings, mailoutbox):
    """The student's BPV with `praktijkopleider` ran from 30 days ago until 10 days ahead;
    one piece of evidence was submitted today, within it."""
    settings.BEKWAAM_BPV_GRACE_DAYS = 14
    today = timezone.localdate()
    periode = BpvPeriode.objects.get(praktijkopleider__user=world["praktijkopleider"])
    periode.ends_on = today + datetime.timedelta(days=10)
    periode.save()
    User.objects.filter(pk=world["praktijkopleider"].pk).update(email="po@example.invalid")
    evidence = make_evidence(world, submit=True)
    mailoutbox.clear()
    return {**world, "periode": periode, "evidence": evidence, "ends_on": periode.ends_on}


def _pages(client, w):
    client.force_login(w["praktijkopleider"])
    e = w["enrolment"]
    return {
        "portfolio": client.get(reverse("portfolios:portfolio", args=[e.pk])).status_code,
        "werkproces": client.get(
            reverse("portfolios:werkproces", args=[e.pk, w["w1"].code])
        ).status_code,
        "evidence": client.get(reverse("portfolios:evidence", args=[w["evidence"].pk])).status_code,
    }


def _sign_off(client, w):
    return client.post(
        reverse("portfolios:sign_off", args=[w["enrolment"].pk, w["w1"].code]),
        {"declaration": "on", "confirm": "on", "confirm_without_evidence": "on"},
    )


def _feasibility(client, w):
    return client.post(
        reverse("portfolios:feasibility", args=[w["enrolment"].pk, w["w1"].code]),
        {"feasibility-reason": "Geen wondzorg hier", "feasible": "0"},
    )


def _review(client, w):
    return client.post(
        reverse("portfolios:evidence_review", args=[w["evidence"].pk]),
        {"decision": "accept", "feedback": ""},
    )


def test_rule_and_its_query_forms_agree(placed, travel):
    periode = placed["periode"]
    ends = placed["ends_on"]
    cases = [
        (periode.starts_on - datetime.timedelta(days=1), BpvAccess.NONE),
        (periode.starts_on, BpvAccess.ACTING),
        (ends, BpvAccess.ACTING),
        (ends + datetime.timedelta(days=1), BpvAccess.GRACE),
        (ends + datetime.timedelta(days=14), BpvAccess.GRACE),
        (ends + datetime.timedelta(days=15), BpvAccess.NONE),
    ]
    for day, expected in cases:
        assert bpv_access(periode, day) is expected, day
        assert open_bpv_periodes(day).filter(pk=periode.pk).exists() == (
            expected is not BpvAccess.NONE
        )
        assert acting_bpv_periodes(day).filter(pk=periode.pk).exists() == (
            expected is BpvAccess.ACTING
        )


def test_grace_days_come_from_settings(placed, settings):
    settings.BEKWAAM_BPV_GRACE_DAYS = 3
    day = placed["ends_on"] + datetime.timedelta(days=4)
    assert bpv_access(placed["periode"], day) is BpvAccess.NONE


def test_before_the_period_nothing(placed, client, today):
    BpvPeriode.objects.filter(pk=placed["periode"].pk).update(
        starts_on=today + datetime.timedelta(days=1)
    )
    assert _pages(client, placed) == {"portfolio": 404, "werkproces": 404, "evidence": 404}
    assert _review(client, placed).status_code == 404
    assert _sign_off(client, placed).status_code == 404


def test_during_the_period_see_and_act(placed, client):
    assert _pages(client, placed) == {"portfolio": 200, "werkproces": 200, "evidence": 200}
    page = client.get(reverse("portfolios:werkproces", args=[placed["enrolment"].pk, "B1-K1-W1"]))
    assert "sign_off_form" in page.context
    assert _sign_off(client, placed).status_code == 302
    assert _feasibility(client, placed).status_code == 302
    assert _review(client, placed).status_code == 302


def test_grace_period_review_but_no_sign_off(placed, client, travel):
    travel(placed["ends_on"] + datetime.timedelta(days=5))
    assert _pages(client, placed) == {"portfolio": 200, "werkproces": 200, "evidence": 200}
    page = client.get(reverse("portfolios:werkproces", args=[placed["enrolment"].pk, "B1-K1-W1"]))
    assert "sign_off_form" not in page.context
    inbox = client.get(reverse("portfolios:inbox"))
    assert [r.evidence.pk for r in inbox.context["rows"]] == [placed["evidence"].pk]
    assert _sign_off(client, placed).status_code == 403
    assert _feasibility(client, placed).status_code == 403
    assert not SignOffEvent.objects.filter(enrolment=placed["enrolment"]).exists()
    assert not FeasibilityEvent.objects.filter(enrolment=placed["enrolment"]).exists()
    assert _review(client, placed).status_code == 302
    assert EvidenceEvent.objects.filter(
        evidence=placed["evidence"], kind=EvidenceEvent.Kind.ACCEPTED
    ).exists()


def test_grace_period_refuses_withdrawing_a_sign_off(placed, client, travel):
    client.force_login(placed["praktijkopleider"])
    assert _sign_off(client, placed).status_code == 302
    travel(placed["ends_on"] + datetime.timedelta(days=1))
    response = client.post(
        reverse("portfolios:sign_off_withdraw", args=[placed["enrolment"].pk, "B1-K1-W1"]),
        {"withdraw-reason": "Toch niet"},
    )
    assert response.status_code == 403


def test_grace_period_not_for_evidence_submitted_after_the_period(
    placed, client, mailoutbox, today
):
    # The period ended yesterday: what the student submits today is not theirs to judge.
    BpvPeriode.objects.filter(pk=placed["periode"].pk).update(
        ends_on=today - datetime.timedelta(days=1)
    )
    late = make_evidence(placed, title="Te laat", submit=True)
    assert mailoutbox == []
    client.force_login(placed["praktijkopleider"])
    assert client.get(reverse("portfolios:evidence", args=[late.pk])).status_code == 200
    assert not client.get(reverse("portfolios:evidence", args=[late.pk])).context["review_form"]
    response = client.post(
        reverse("portfolios:evidence_review", args=[late.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403
    inbox = client.get(reverse("portfolios:inbox"))
    assert late.pk not in [r.evidence.pk for r in inbox.context["rows"]]


def test_after_the_grace_period_404_everywhere(placed, client, travel):
    travel(placed["ends_on"] + datetime.timedelta(days=15))
    assert _pages(client, placed) == {"portfolio": 404, "werkproces": 404, "evidence": 404}
    assert _review(client, placed).status_code == 404
    assert _sign_off(client, placed).status_code == 404
    assert _feasibility(client, placed).status_code == 404
    assert client.get(reverse("portfolios:inbox")).context["rows"] == []
    assert client.get(reverse("portfolios:list")).context["rows"] == []


def _submission(w):
    return EvidenceEvent.objects.get(evidence=w["evidence"], kind=EvidenceEvent.Kind.SUBMITTED)


@pytest.mark.parametrize("when", ["before", "during", "grace", "after"])
def test_submission_mail(
    placed, travel, mailoutbox, django_capture_on_commit_callbacks, when, today
):
    """A submission reaches the praktijkopleider only while they may review it: in the grace
    period a new submission falls after ends_on, so no mail either."""
    day = datetime.timedelta(days=1)
    starts, ends = {
        "before": (today + day, None),
        "during": (today - 30 * day, today),
        "grace": (today - 30 * day, today - day),
        "after": (today - 60 * day, today - 15 * day),
    }[when]
    BpvPeriode.objects.filter(pk=placed["periode"].pk).update(starts_on=starts, ends_on=ends)
    with django_capture_on_commit_callbacks(execute=True):
        make_evidence(placed, title="Nieuw", submit=True)
    assert [m.to for m in mailoutbox] == ([["po@example.invalid"]] if when == "during" else [])


@pytest.mark.parametrize(
    ("offset", "items"),
    [(-40, 0), (0, 1), (5, 1), (15, 0)],
    ids=["before", "during", "grace", "after"],
)
def test_digest(placed, travel, django_capture_on_commit_callbacks, mailoutbox, offset, items):
    po = Praktijkopleider.objects.get(user=placed["praktijkopleider"])
    po.daily_digest = True
    po.save()
    make_evidence(placed, title="Voor het overzicht", submit=True)  # within the period
    if offset < 0:
        travel(placed["periode"].starts_on - datetime.timedelta(days=1))
    elif offset:
        travel(placed["ends_on"] + datetime.timedelta(days=offset))
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.digest_send(praktijkopleider_id=po.pk) == items
    assert len(mailoutbox) == (1 if items else 0)


def test_dashboard_shows_only_running_bpv(placed, client, travel):
    client.force_login(placed["docent"])
    url = reverse("dashboards:cohort_dashboard", args=[placed["cohort"].pk])
    assert placed["leerbedrijf"].name in client.get(url).content.decode()
    travel(placed["ends_on"] + datetime.timedelta(days=1))
    rows = client.get(url).context["d"].rows
    row = [r for r in rows if r.enrolment.pk == placed["enrolment"].pk]
    assert row and row[0].bpv is None
