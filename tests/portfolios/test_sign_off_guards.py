"""Sign-off guards: refused where the leerbedrijf reported the werkproces niet uitvoerbaar;
without accepted evidence only with an explicit confirmation, kept with the event."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organisation import services as organisation_services
from organisation.models import User
from portfolios import services
from portfolios.models import SignOffEvent
from reports.rendering import student_report_html
from reports.selectors import student_report_data
from tests.portfolio_fixtures import make_evidence

pytestmark = pytest.mark.django_db


def wp_url(world, name="werkproces"):
    return reverse(f"portfolios:{name}", args=[world["enrolment"].pk, "B1-K1-W1"])


def mark_not_feasible(world):
    services.werkproces_set_feasibility(
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        feasible=False,
        reason="Geen wondzorg op deze afdeling.",
    )


def accept_evidence(world):
    evidence = make_evidence(world, submit=True)
    services.evidence_review(reviewer=world["praktijkopleider"], evidence=evidence, accept=True)


def test_not_feasible_here_refuses_sign_off_and_writes_nothing(client, world):
    accept_evidence(world)
    mark_not_feasible(world)
    client.force_login(world["praktijkopleider"])
    page = client.get(wp_url(world)).content.decode()
    assert "je kunt het niet aftekenen" in page
    assert 'action="' + wp_url(world, "sign_off") + '"' not in page
    response = client.post(wp_url(world, "sign_off"), {"confirm": "on"})
    assert response.status_code == 400
    assert "niet uitvoerbaar bij dit leerbedrijf" in response.content.decode()
    assert not SignOffEvent.objects.exists()
    with pytest.raises(ValidationError):
        services.werkproces_sign_off(
            actor=world["praktijkopleider"],
            enrolment=world["enrolment"],
            werkproces=world["w1"],
            declaration="Verklaring",
            confirm_without_evidence=True,
        )
    assert not SignOffEvent.objects.exists()
    # Reported feasible again: sign-off works.
    services.werkproces_set_feasibility(
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        feasible=True,
        reason="Toch gedaan op een andere afdeling.",
    )
    assert client.post(wp_url(world, "sign_off"), {"confirm": "on"}).status_code == 302
    assert SignOffEvent.objects.get().without_evidence is False


def test_without_accepted_evidence_it_asks_for_a_confirmation_and_keeps_it(client, world):
    make_evidence(world, submit=True)  # submitted, not accepted: does not count
    client.force_login(world["praktijkopleider"])
    page = client.get(wp_url(world)).content.decode()
    assert 'name="confirm_without_evidence"' in page
    assert "nog geen goedgekeurd bewijs" in page
    response = client.post(wp_url(world, "sign_off"), {"confirm": "on"})
    assert response.status_code == 400
    assert "Bevestig dat je toch aftekent" in response.content.decode()
    assert not SignOffEvent.objects.exists()

    response = client.post(
        wp_url(world, "sign_off"), {"confirm": "on", "confirm_without_evidence": "on"}
    )
    assert response.status_code == 302
    event = SignOffEvent.objects.get()
    assert event.without_evidence is True
    history = client.get(wp_url(world)).content.decode()
    assert "Zonder goedgekeurd bewijs (bevestigd)." in history
    assert "Afgetekend zonder goedgekeurd bewijs" in history
    data = student_report_data(enrolment=world["enrolment"])
    html = student_report_html(data, fingerprint="x" * 64, job_id=None, generated_at=timezone.now())
    assert "zonder goedgekeurd bewijs; bevestigd door de praktijkopleider" in html


def test_with_accepted_evidence_no_confirmation_is_asked(client, world):
    accept_evidence(world)
    client.force_login(world["praktijkopleider"])
    page = client.get(wp_url(world)).content.decode()
    assert 'name="confirm_without_evidence"' not in page
    assert client.post(wp_url(world, "sign_off"), {"confirm": "on"}).status_code == 302
    assert SignOffEvent.objects.get().without_evidence is False


def test_not_feasible_at_another_leerbedrijf_does_not_block(world, make_user):
    """The guard is per leerbedrijf: what one place could not offer, another may."""
    accept_evidence(world)
    mark_not_feasible(world)
    bedrijf = organisation_services.leerbedrijf_create(name="Kliniek Oost", sbb_number="999")
    po = organisation_services.praktijkopleider_create(
        user=make_user("oost_po", User.Role.PRAKTIJKOPLEIDER), leerbedrijf=bedrijf
    )
    organisation_services.bpv_periode_create(
        enrolment=world["enrolment"],
        praktijkopleider=po,
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    event = services.werkproces_sign_off(
        actor=po.user,
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        declaration="Verklaring",
    )
    assert event.without_evidence is False
