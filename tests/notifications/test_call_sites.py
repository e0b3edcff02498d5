"""The events that tell people something: each writes its notification (and mail) in its
own transaction, through the outbox."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from assessments import policies
from assessments import services as assessment_services
from assessments.models import AssessmentPolicy
from notifications.models import Notification, OutgoingMail
from organisation.models import User
from portfolios import services
from tests.assessment_fixtures import inputs, start
from tests.portfolio_fixtures import make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailable(world):
    for name in ("student", "praktijkopleider", "early_po", "other_po"):
        User.objects.filter(pk=world[name].pk).update(
            email=f"{name}@example.invalid", first_name=name.capitalize(), last_name="Test"
        )
        world[name].refresh_from_db()
    return world


def _mails_to(address):
    return [m for m in OutgoingMail.objects.order_by("pk") if m.to == address]


def test_submission_tells_the_praktijkopleider_in_the_app(
    mailable, mailoutbox, django_capture_on_commit_callbacks
):
    evidence = make_evidence(mailable, title="Tom & Jerry's verslag")
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_submit(student=mailable["student"], evidence=evidence)
    [note] = Notification.objects.filter(recipient=mailable["praktijkopleider"])
    assert note.what == "Student Test heeft “Tom & Jerry's verslag” ingediend voor B1-K1-W1"
    assert note.actor_name == "Student Test"
    assert note.link == f"/portfolio/bewijs/{evidence.pk}/"
    # Nobody else: the BPV of early_po has not started, other_po supervises someone else.
    assert not Notification.objects.exclude(recipient=mailable["praktijkopleider"]).exists()
    assert [m.subject for m in mailoutbox] == ["Nieuw bewijsstuk van Student Test"]
    assert "&amp;" not in mailoutbox[0].body and "Tom & Jerry's verslag" in mailoutbox[0].body


def test_links_in_mails_use_the_base_url(
    mailable, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.BEKWAAM_BASE_URL = "http://127.0.0.1:8123"
    evidence = make_evidence(mailable)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_submit(student=mailable["student"], evidence=evidence)
    assert f"http://127.0.0.1:8123/portfolio/bewijs/{evidence.pk}/" in mailoutbox[0].body


def test_a_refused_event_writes_no_notification(mailable):
    evidence = make_evidence(mailable, submit=True)
    with pytest.raises(ValidationError):
        services.evidence_submit(student=mailable["student"], evidence=evidence)  # twice
    assert Notification.objects.count() == 1


def test_sign_off_and_withdrawal_tell_the_student(
    mailable, mailoutbox, django_capture_on_commit_callbacks
):
    student = mailable["student"]
    with django_capture_on_commit_callbacks(execute=True):
        services.werkproces_sign_off(
            confirm_without_evidence=True,
            actor=mailable["praktijkopleider"],
            enrolment=mailable["enrolment"],
            werkproces=mailable["w1"],
            declaration="Kan het.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.werkproces_sign_off_withdraw(
            actor=mailable["praktijkopleider"],
            enrolment=mailable["enrolment"],
            werkproces=mailable["w1"],
            reason="Te vroeg afgetekend.",
        )
    notes = list(Notification.objects.filter(recipient=student).order_by("pk"))
    assert [n.what for n in notes] == [
        "Afgetekend: B1-K1-W1",
        "Aftekening ingetrokken: B1-K1-W1",
    ]
    assert {n.actor_name for n in notes} == {"Praktijkopleider Test"}
    assert notes[0].link == f"/portfolio/{mailable['enrolment'].pk}/B1-K1-W1/"
    assert [m.subject for m in mailoutbox] == [n.what for n in notes]
    assert all(m.to == ["student@example.invalid"] for m in mailoutbox)
    assert "Te vroeg afgetekend." in mailoutbox[1].body
    assert "Praktijkopleider Test heeft werkproces B1-K1-W1" in mailoutbox[0].body


def test_a_rolled_back_sign_off_tells_nobody(mailable, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.werkproces_sign_off(
            confirm_without_evidence=True,
            actor=mailable["praktijkopleider"],
            enrolment=mailable["enrolment"],
            werkproces=mailable["w1"],
            declaration="Kan het.",
        )
        raise RuntimeError("something after it fails")
    assert not Notification.objects.exists() and not OutgoingMail.objects.exists()


@pytest.fixture
def amailable(aworld):
    User.objects.filter(pk=aworld["student"].pk).update(email="student@example.invalid")
    aworld["student"].refresh_from_db()
    return aworld


def test_final_result_and_correction_tell_the_student(
    amailable, mailoutbox, django_capture_on_commit_callbacks
):
    criteria = amailable["criteria"]
    beoordeling = start(amailable)
    Notification.objects.all().delete()  # what the portfolio steps told the student
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_services.scores_submit(
            assessor=amailable["assessor"],
            beoordeling=beoordeling,
            scores=inputs(criteria, 2, 2),
            feedback="Mooi werk.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_services.vaststelling_correct(
            assessor=amailable["assessor"],
            beoordeling=beoordeling,
            scores=inputs(criteria, 2, 1),
            reason="Telfout",
            based_on=1,
        )
    notes = list(Notification.objects.filter(recipient=amailable["student"]).order_by("pk"))
    assert [n.what for n in notes] == [
        "Resultaat vastgesteld: B1-K1-W1",
        "Resultaat gecorrigeerd: B1-K1-W1",
    ]
    assert notes[0].link == f"/resultaten/{amailable['enrolment'].pk}/"
    assert [m.subject for m in mailoutbox] == [n.what for n in notes]
    assert "Goed" in mailoutbox[0].body and "Mooi werk." in mailoutbox[0].body
    assert "Telfout" in mailoutbox[1].body
    assert not Notification.objects.exclude(recipient=amailable["student"]).exists()


def test_scores_of_one_of_two_assessors_tell_nobody_yet(amailable):
    AssessmentPolicy.objects.create(
        kerntaak=amailable["w1"].kerntaak,
        scale=policies.default_scale(),
        four_eyes=True,
    )
    beoordeling = start(amailable)
    assert beoordeling.four_eyes
    Notification.objects.all().delete()
    assessment_services.scores_submit(
        assessor=amailable["assessor"],
        beoordeling=beoordeling,
        scores=inputs(amailable["criteria"], 2, 2),
    )
    assert not Notification.objects.exists()
