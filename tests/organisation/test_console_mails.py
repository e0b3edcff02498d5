"""The outbox in the beheer console (/school/e-mails/): counts, the mails given up on and
why, and sending those again. Access per role is in test_console.py with every console page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import sending
from notifications.models import OutgoingMail
from tests.notifications.helpers import given_up_mail, outbox_mail

pytestmark = pytest.mark.django_db


def test_the_page_counts_each_status_and_lists_what_was_given_up(client, users):
    outbox_mail(1, "pending")
    outbox_mail(2, "sent", sent_at=timezone.now())
    outbox_mail(3, "sent", sent_at=timezone.now())
    given_up_mail(4)
    client.force_login(users["beheerder"])
    html = client.get(reverse("console:mails")).content.decode()
    counts = html[html.index('class="row mb-4 mail-counts"') :]
    assert 'data-status="pending">Wacht</dt><dd class="col-4 col-sm-8">1<' in counts
    assert 'data-status="sent">Verstuurd</dt><dd class="col-4 col-sm-8">2<' in counts
    assert 'data-status="failed">Mislukt</dt><dd class="col-4 col-sm-8">1<' in counts
    assert "student4@example.invalid" in html and "Too many messages" in html
    assert "student1@example.invalid" not in html  # only the failed ones are listed
    assert "Geheime activatielink" not in html  # a mail's text is not shown
    assert "De 1 mislukte e-mail opnieuw versturen" in html


def test_sending_again_gives_the_failed_ones_new_attempts_and_they_go_out(
    client, users, mailoutbox
):
    failed = [given_up_mail(n) for n in range(3)]
    pending = outbox_mail(
        10, "pending", next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    sent = outbox_mail(11, "sent", sent_at=timezone.now())
    client.force_login(users["beheerder"])
    response = client.post(reverse("console:mails_retry"), follow=True)
    assert "3 e-mails staan weer in de wachtrij" in response.content.decode()
    for mail in failed:
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == ("pending", 0)
        assert mail.next_attempt_at <= timezone.now()
    pending.refresh_from_db()
    sent.refresh_from_db()
    assert pending.status == "pending" and pending.next_attempt_at > timezone.now()
    assert sent.status == "sent"
    # What a worker's sweep does with them (here in-process, as `manage.py send_outbox`).
    sending.mail_send_due(include_waiting=True)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([m.to for m in failed] + [pending.to])
    assert OutgoingMail.objects.filter(status="failed").count() == 0
    # Nothing left to send again: said so, and nothing changes.
    response = client.post(reverse("console:mails_retry"), follow=True)
    assert "Er zijn geen mislukte e-mails." in response.content.decode()


def test_the_page_reads_the_same_queries_however_many_were_given_up(client, users):
    client.force_login(users["beheerder"])
    given_up_mail(0)
    client.get(reverse("console:mails"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("console:mails")).status_code == 200
    for n in range(1, 60):
        given_up_mail(n)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("console:mails")).content.decode()
    assert len(many) == len(few)
    assert "Alle 60 mislukte e-mails opnieuw versturen" in html
    assert html.count("@example.invalid</strong>") == 25  # one page


def test_a_queue_that_does_not_move_says_so_and_one_that_waits_for_the_server_not(client, users):
    client.force_login(users["beheerder"])

    def page():
        return client.get(reverse("console:mails")).content.decode()

    warning = "waarschijnlijk draaien de workers of beat niet"
    assert "De oudste wachtende e-mail" not in page()
    mail = outbox_mail(1, "pending")
    assert "De oudste wachtende e-mail staat er sinds" in page() and warning not in page()
    # Due twenty minutes ago, and nothing went out since: no worker, or no beat.
    twenty_ago = timezone.now() - datetime.timedelta(minutes=20)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        created_at=twenty_ago, next_attempt_at=twenty_ago
    )
    assert warning in page() and 'class="alert alert-warning"' in page()
    # Mails going out (a send rate working through a backlog): the queue moves.
    sent = outbox_mail(2, "sent", sent_at=timezone.now() - datetime.timedelta(minutes=1))
    assert warning not in page()
    OutgoingMail.objects.filter(pk=sent.pk).delete()
    # Deferred while the mail server is away: waiting for its next attempt, not stuck.
    OutgoingMail.objects.filter(pk=mail.pk).update(
        attempts=3, next_attempt_at=timezone.now() + datetime.timedelta(minutes=4)
    )
    assert "De oudste wachtende e-mail staat er sinds" in page() and warning not in page()
