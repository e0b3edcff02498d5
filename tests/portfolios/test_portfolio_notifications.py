"""E-mail to praktijkopleiders on submission (or a daily digest) and to students on review."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification, OutgoingMail
from organisation import services as organisation_services
from organisation.models import Praktijkopleider, User
from portfolios import services, tasks
from portfolios.models import EvidenceNotification
from tests.portfolio_fixtures import make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailable(world):
    for name in ("student", "praktijkopleider", "early_po", "other_po"):
        User.objects.filter(pk=world[name].pk).update(email=f"{name}@example.invalid")
        world[name].refresh_from_db()
    return world


def _submit(world, django_capture_on_commit_callbacks, **kwargs):
    evidence = make_evidence(world, **kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.evidence_submit(student=world["student"], evidence=evidence)
    return evidence, event


def test_submission_mails_the_started_praktijkopleider_once(
    mailable, mailoutbox, django_capture_on_commit_callbacks
):
    evidence, event = _submit(mailable, django_capture_on_commit_callbacks)
    # early_po's BPV has not started, other_po supervises someone else.
    assert [m.to for m in mailoutbox] == [["praktijkopleider@example.invalid"]]
    message = mailoutbox[0]
    assert "Verslag wondzorg" in message.body
    assert "B1-K1-W1" in message.body
    assert f"/portfolio/bewijs/{evidence.pk}/" in message.body
    assert message.subject.startswith("Nieuw bewijsstuk")
    # Run again (a redelivered task): nothing new.
    assert tasks.notify_evidence_submitted(event.pk) == 0
    assert len(mailoutbox) == 1


def test_review_mails_the_student_with_feedback(
    mailable, mailoutbox, django_capture_on_commit_callbacks
):
    evidence, _ = _submit(mailable, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = services.evidence_review(
            reviewer=mailable["praktijkopleider"],
            evidence=evidence,
            accept=False,
            feedback="Beschrijf ook de hygiëne.",
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["student@example.invalid"]
    assert mailoutbox[0].subject == "Teruggestuurd: Verslag wondzorg"
    assert "Beschrijf ook de hygiëne." in mailoutbox[0].body
    assert tasks.notify_evidence_reviewed(event.pk) is False
    assert len(mailoutbox) == 1


def test_accept_mail(mailable, mailoutbox, django_capture_on_commit_callbacks):
    evidence, _ = _submit(mailable, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_review(
            reviewer=mailable["praktijkopleider"], evidence=evidence, accept=True
        )
    assert mailoutbox[0].subject == "Goedgekeurd: Verslag wondzorg"


def test_digest_instead_of_immediate_mail_and_never_twice(
    mailable, mailoutbox, django_capture_on_commit_callbacks
):
    po = Praktijkopleider.objects.get(user=mailable["praktijkopleider"])
    organisation_services.praktijkopleider_set_digest(praktijkopleider=po, daily_digest=True)
    _submit(mailable, django_capture_on_commit_callbacks, title="Eerste")
    _submit(mailable, django_capture_on_commit_callbacks, title="Tweede")
    assert mailoutbox == []
    # In the app they are told at once all the same.
    assert Notification.objects.filter(recipient=po.user).count() == 2

    # The digest is an outbox row: it is sent once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests() == 1
    assert len(mailoutbox) == 1
    digest = mailoutbox[0]
    assert digest.to == ["praktijkopleider@example.invalid"]
    assert "2 nieuwe bewijsstukken" in digest.subject
    assert "Eerste" in digest.body and "Tweede" in digest.body

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_daily_digests()  # the next morning, nothing new
    assert len(mailoutbox) == 1
    _submit(mailable, django_capture_on_commit_callbacks, title="Derde")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_digest(po.pk)
    assert len(mailoutbox) == 2
    assert "Derde" in mailoutbox[1].body and "Eerste" not in mailoutbox[1].body
    assert EvidenceNotification.objects.filter(recipient=po.user).count() == 3
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == 2


def test_failed_send_stays_in_the_outbox_and_is_sent_later(
    mailable, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """Before the outbox a failed send was lost with the rolled-back record; now the
    submission commits, its mail waits (pending, with the error) and goes out later."""
    evidence = make_evidence(mailable)

    def broken(*args, **kwargs):
        raise ConnectionError("mail server away")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.evidence_submit(student=mailable["student"], evidence=evidence)
    mail_row = OutgoingMail.objects.get()
    assert mail_row.status == OutgoingMail.Status.PENDING
    assert "mail server away" in mail_row.last_error
    assert EvidenceNotification.objects.filter(event=event).count() == 1
    monkeypatch.undo()
    call_command("send_outbox", "--all")
    assert [m.to for m in mailoutbox] == [["praktijkopleider@example.invalid"]]
    assert tasks.notify_evidence_submitted(event.pk) == 0  # an old queued message: nothing


def test_beat_schedule_runs_digest_at_seven():
    entry = settings.CELERY_BEAT_SCHEDULE["portfolios-daily-digest"]
    assert entry["task"] == "portfolios.tasks.send_daily_digests"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"


def test_praktijkopleider_chooses_digest_on_settings_page(client, mailable):
    client.force_login(mailable["praktijkopleider"])
    assert client.get("/account/meldingen/").status_code == 200
    response = client.post("/account/meldingen/", {"daily_digest": "on"})
    assert response.status_code == 302
    assert Praktijkopleider.objects.get(user=mailable["praktijkopleider"]).daily_digest
    client.post("/account/meldingen/", {})
    assert not Praktijkopleider.objects.get(user=mailable["praktijkopleider"]).daily_digest


@pytest.mark.parametrize("who", ["student", "docent", "beheerder", "outsider"])
def test_settings_page_is_for_praktijkopleiders_only(client, mailable, who):
    client.force_login(mailable[who])
    assert client.get("/account/meldingen/").status_code == 404
