"""The outbox: notifications and mails are rows of the event's transaction, sent once."""

import datetime
import re
import smtplib
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import tasks as config_tasks
from notifications import sending, services, tasks
from notifications.models import Notification, OutgoingMail
from tests.notifications.helpers import use_broker

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@pytest.fixture
def cast(users):
    for user in users.values():
        user.email = f"{user.username}@example.invalid"
        user.first_name = user.username.capitalize()
        user.save()
    return users


def _notify(recipient, key="e1", actor=None, **kwargs):
    kwargs.setdefault("subject", "Onderwerp")
    kwargs.setdefault("body", "Tekst")
    return services.notify(
        recipient=recipient,
        what="Er is iets gebeurd",
        link="/meldingen/",
        actor=actor,
        dedup_key=key,
        **kwargs,
    )


# --- Writing and sending ----------------------------------------------------------------


def test_notify_writes_both_rows_and_sends_after_commit(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            notification = _notify(cast["student"], actor=cast["praktijkopleider"])
        assert mailoutbox == []  # nothing is sent before the commit
    assert notification.actor_name == "Praktijkopleider"
    mail = OutgoingMail.objects.get()
    assert (mail.to, mail.status, mail.attempts) == (
        "student@example.invalid",
        OutgoingMail.Status.PENDING,
        0,
    )
    assert len(callbacks) == 2  # the mail's sending, then dropping the bell's cached count
    callbacks[0]()
    assert [m.to for m in mailoutbox] == [["student@example.invalid"]]
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT and mail.sent_at and mail.attempts == 1
    # A task delivered twice (or a second worker) finds the row sent.
    assert tasks.send_mail(mail.pk) == "nothing to do"
    assert len(mailoutbox) == 1


def test_rows_roll_back_with_the_event(cast, mailoutbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(cast["student"])
        raise RuntimeError("the event fails")
    assert not Notification.objects.exists() and not OutgoingMail.objects.exists()
    assert mailoutbox == []


def test_same_event_twice_is_one_notification_and_one_mail(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert _notify(cast["student"]) is not None
        assert _notify(cast["student"]) is None  # and the transaction still works
        _notify(cast["docent"], key="e1-docent")
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == [
        "docent@example.invalid",
        "student@example.invalid",
    ]


def test_in_app_only_and_no_address(cast, mailoutbox, django_capture_on_commit_callbacks):
    cast["docent"].email = ""
    cast["docent"].save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(cast["student"], mail=False, subject="", body="")
        _notify(cast["docent"], key="e2")
    assert Notification.objects.count() == 2
    assert not OutgoingMail.objects.exists() and mailoutbox == []


def test_links_are_paths_on_this_site(cast):
    for bad in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
        with pytest.raises(ValueError):
            services.notify(
                recipient=cast["student"], what="x", link=bad, dedup_key=bad, mail=False
            )


def test_absolute_url_uses_the_base_url(settings):
    settings.BEKWAAM_BASE_URL = "https://bekwaam.example.nl:8443/"
    assert services.absolute_url("/meldingen/") == "https://bekwaam.example.nl:8443/meldingen/"


def test_rendered_subject_and_body_have_no_html_entities(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}
    ]
    rendered = services.render_mail(
        "notifications/mail/test", {"title": 'Tom & Jerry\'s <b>"taart"</b>', "url": "/x/?a=1&b=2"}
    )
    assert rendered.subject == 'Nieuw: Tom & Jerry\'s <b>"taart"</b>'
    assert "&amp;" not in rendered.body and "&#x27;" not in rendered.body
    assert "/x/?a=1&b=2" in rendered.body
    assert "\n" not in rendered.subject


# --- Claiming, retrying, sweeping ---------------------------------------------------------


def _pending(cast, **fields):
    with transaction.atomic():
        _notify(cast["student"])
    mail = OutgoingMail.objects.get()
    if fields:
        OutgoingMail.objects.filter(pk=mail.pk).update(**fields)
        mail.refresh_from_db()
    return mail


def test_claim_is_exclusive_until_the_lease_ends(cast):
    mail = _pending(cast)
    assert sending.mail_claim(mail_id=mail.pk)
    assert sending.mail_claim(mail_id=mail.pk) is None  # a second worker gets nothing
    OutgoingMail.objects.filter(pk=mail.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert sending.mail_claim(mail_id=mail.pk)  # the first worker died: taken over
    assert OutgoingMail.objects.get(pk=mail.pk).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(cast, mailoutbox):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    mail = OutgoingMail.objects.create(
        to="student@example.invalid",
        subject="Onderwerp",
        body="Tekst",
        dedup_key="race",
        next_attempt_at=timezone.now(),
    )
    outcomes = []
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        try:
            outcomes.append(sending.mail_deliver(mail_id=mail.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["nothing to do", "sent"]
    assert len(mailoutbox) == 1


def test_smtp_error_defers_with_backoff_and_never_fails_the_caller(
    cast, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def down(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("away")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _notify(cast["student"])  # in-process task: the failure stays inside it
    mail = OutgoingMail.objects.get()
    assert mail.status == OutgoingMail.Status.PENDING
    assert mail.attempts == 1 and "away" in mail.last_error
    wait = (mail.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < wait <= 30
    assert sending.backoff_seconds(2) == 60 and sending.backoff_seconds(30) == 3600

    # Not due yet: the sweep leaves it; once due it is queued and sent.
    monkeypatch.undo()
    assert tasks.sweep_mail() == 0
    OutgoingMail.objects.filter(pk=mail.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert tasks.sweep_mail() == 1
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT and len(mailoutbox) == 1


def test_worker_retries_named_errors_with_the_rows_backoff(cast, monkeypatch):
    mail = _pending(cast)
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda self, *a, **k: (_ for _ in ()).throw(ConnectionRefusedError()),
    )
    retried = {}

    def retry(*args, **kwargs):
        retried.update(kwargs)
        return RuntimeError("retry")

    monkeypatch.setattr(tasks.send_mail, "retry", retry)
    tasks.send_mail.push_request(is_eager=False)
    try:
        with pytest.raises(RuntimeError, match="retry"):
            tasks.send_mail.run(mail.pk)
    finally:
        tasks.send_mail.pop_request()
    assert retried["countdown"] == 30


def test_other_errors_fail_the_row_and_surface(cast, monkeypatch):
    mail = _pending(cast)
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda self, *a, **k: (_ for _ in ()).throw(ValueError("bad header")),
    )
    with pytest.raises(ValueError):
        sending.mail_deliver(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED and "bad header" in mail.last_error
    assert sending.mail_claim(mail_id=mail.pk) is None


def test_gives_up_after_max_attempts(cast, monkeypatch):
    mail = _pending(cast, attempts=sending.MAX_ATTEMPTS - 1)
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda self, *a, **k: (_ for _ in ()).throw(TimeoutError()),
    )
    assert sending.mail_deliver(mail_id=mail.pk) == "failed"
    assert OutgoingMail.objects.get(pk=mail.pk).status == OutgoingMail.Status.FAILED


def test_sweep_takes_due_and_abandoned_rows_only(cast, monkeypatch):
    now = timezone.now()
    old = now - datetime.timedelta(minutes=5)
    rows = {}
    for key, fields in {
        "fresh": {},  # its own task has it
        "due": {"next_attempt_at": old},
        "waiting": {"next_attempt_at": now + datetime.timedelta(minutes=5)},
        "abandoned": {
            "status": "sending",
            "lease_until": now - datetime.timedelta(seconds=1),
            "next_attempt_at": old,
        },
        "held": {
            "status": "sending",
            "lease_until": now + datetime.timedelta(seconds=30),
            "next_attempt_at": old,
        },
        "sent": {"status": "sent", "next_attempt_at": old},
        "failed": {"status": "failed", "next_attempt_at": old},
    }.items():
        with transaction.atomic():
            _notify(cast["student"], key=key)
        OutgoingMail.objects.filter(dedup_key=key).update(**fields)
        rows[OutgoingMail.objects.get(dedup_key=key).pk] = key
    queued = []
    monkeypatch.setattr(
        config_tasks, "enqueue", lambda task, pk, **options: queued.append(rows[pk]) or True
    )
    monkeypatch.setattr(tasks, "enqueue", config_tasks.enqueue)
    assert tasks.sweep_mail() == 2
    assert sorted(queued) == ["abandoned", "due"]
    # Queued rows are not queued again by the next sweep while their message waits.
    queued.clear()
    assert tasks.sweep_mail() == 1 and queued == ["abandoned"]


def test_sweep_stops_when_the_broker_is_away(cast, monkeypatch):
    for key in ("a", "b"):
        with transaction.atomic():
            _notify(cast["student"], key=key)
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=1))
    calls = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, pk: calls.append(pk) and False)
    assert tasks.sweep_mail() == 0
    assert len(calls) == 1
    assert OutgoingMail.objects.filter(status="pending").count() == 2


def test_default_settings_send_a_killed_workers_mail_within_two_minutes():
    lease = settings.BEKWAAM_MAIL_LEASE
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-sweep-mail"]
    assert entry["task"] == "notifications.tasks.sweep_mail"
    assert lease + entry["schedule"] < 120
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert tasks.send_mail.acks_late and tasks.send_mail.reject_on_worker_lost
    # A hung send is killed before its lease ends, so a retry never overlaps it.
    assert settings.EMAIL_TIMEOUT < tasks.send_mail.soft_time_limit < tasks.send_mail.time_limit
    assert tasks.send_mail.time_limit < lease


def test_send_outbox_command_sends_what_is_due(cast, mailoutbox):
    from django.core.management import call_command

    _pending(cast, next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))
    call_command("send_outbox")
    assert mailoutbox == []
    call_command("send_outbox", "--all")
    assert len(mailoutbox) == 1


# --- enqueue_on_commit ----------------------------------------------------------------------


def test_enqueue_on_commit_waits_for_commit_and_swallows_broker_errors(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    sent = []

    class FakeTask:
        name = "fake"

        def apply_async(self, args, kwargs):
            sent.append(args)
            raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        config_tasks.enqueue_on_commit(FakeTask(), 7)
        assert sent == []
    assert len(callbacks) == 1 and sent == [(7,)]
    assert "broker unreachable" in caplog.text


def test_enqueue_with_an_unreachable_broker_returns_false():
    with use_broker("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        assert config_tasks.enqueue(tasks.send_mail, 1) is False


# --- The bell and the list ------------------------------------------------------------------


def _many(user, n, start=0):
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                what=f"Melding {i}",
                actor_name="Piet de Vries",
                link="/meldingen/",
                dedup_key=f"many:{user.pk}:{i}",
            )
            for i in range(start, start + n)
        ]
    )


ALL_ROLES = ["student", "praktijkopleider", "docent", "assessor", "beheerder", "outsider"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_sees_only_their_own_notifications(client, cast, role):
    me = cast[role]
    others = [u for name, u in cast.items() if name != role]
    _many(me, 2)
    for other in others:
        _notify_what(other, f"other:{other.pk}", "GEHEIM voor een ander")
    client.force_login(me)
    page = client.get("/meldingen/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Melding 0" in text and "Melding 1" in text and "Piet de Vries" in text
    assert "GEHEIM" not in text
    # Someone else's notification does not exist for me: 404, and it stays unread.
    theirs = Notification.objects.exclude(recipient=me).first()
    assert client.get(f"/meldingen/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def _notify_what(recipient, key, what):
    return services.notify(recipient=recipient, what=what, dedup_key=key, mail=False)


def test_anonymous_is_sent_to_login(client):
    for url in ["/meldingen/", "/meldingen/1/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bell_counts_unread_and_opening_marks_read(client, cast):
    student = cast["student"]
    _many(student, 3)
    client.force_login(student)
    page = client.get("/kwalificaties/").content.decode()
    assert 'data-unread="3"' in page and "ongelezen" in page and "Meldingen" in page
    first = Notification.objects.filter(recipient=student).first()
    response = client.get(f"/meldingen/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/meldingen/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'data-unread="2"' in client.get("/meldingen/").content.decode()


def test_read_all_is_a_post(client, cast):
    student = cast["student"]
    _many(student, 3)
    _many(cast["docent"], 1)
    client.force_login(student)
    assert client.get("/meldingen/alles-gelezen/").status_code == 405
    response = client.post("/meldingen/alles-gelezen/", follow=True)
    assert response.redirect_chain == [("/meldingen/", 302)]
    assert "Alle meldingen zijn gelezen." in response.content.decode()
    assert not Notification.objects.filter(recipient=student, read_at__isnull=True).exists()
    assert "data-unread" not in response.content.decode()
    # Only mine.
    assert Notification.objects.filter(recipient=cast["docent"], read_at__isnull=True).count() == 1


def test_list_is_paged_newest_first(client, cast):
    student = cast["student"]
    _many(student, 30)
    client.force_login(student)
    first = client.get("/meldingen/").content.decode()
    assert "Melding 29" in first and "Melding 4<" not in first and "Pagina 1 van 2" in first
    # Dates as Dutch readers write them (DATETIME_FORMAT), not ISO.
    months = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    assert re.search(rf">\d{{1,2}} ({months}|december) \d{{4}} \d{{2}}:\d{{2}}<", first)
    second = client.get("/meldingen/?pagina=2").content.decode()
    assert "Melding 4<" in second and "Melding 29" not in second
    assert client.get("/meldingen/?pagina=x").status_code == 200


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_flat(client, cast):
    student = cast["student"]
    client.force_login(student)
    _many(student, 5)
    small = _count(client, "/meldingen/")
    _many(student, 45, start=5)
    Notification.objects.filter(recipient=student, what__endswith="7").update(
        read_at=timezone.now()
    )
    large = _count(client, "/meldingen/")
    assert small == large


def test_bell_is_one_query(client, cast):
    client.force_login(cast["student"])
    _many(cast["student"], 1)
    with_bell = _count(client, "/meldingen/")
    from notifications import context_processors

    calls = []
    original = context_processors.selectors.unread_count

    def counting(**kwargs):
        calls.append(1)
        return original(**kwargs)

    context_processors.selectors.unread_count = counting
    try:
        assert _count(client, "/meldingen/") == with_bell
    finally:
        context_processors.selectors.unread_count = original
    assert calls == [1]  # once per page, however often the template asks


def _bell_queries(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/meldingen/").content.decode()
    counts = [q for q in ctx.captured_queries if "COUNT" in q["sql"] and "read_at" in q["sql"]]
    found = re.search(r'data-unread="(\d+)"', page)
    return (found.group(1) if found else ""), len(counts)


def test_bell_count_is_cached_and_dropped_by_every_write(client, cast, settings):
    settings.BEKWAAM_UNREAD_CACHE_SECONDS = 60
    cache.clear()
    student = cast["student"]
    client.force_login(student)
    first = _notify(student, key="bell:1")
    assert _bell_queries(client) == ("1", 1)
    assert _bell_queries(client) == ("1", 0)  # cached: no query on the next page
    _notify(student, key="bell:2")
    assert _bell_queries(client) == ("2", 1)
    services.notification_mark_read(notification=first)
    assert _bell_queries(client) == ("1", 1)
    services.notifications_mark_all_read(user=student)
    assert _bell_queries(client) == ("", 1)
    assert _bell_queries(client) == ("", 0)


def test_sent_mails_are_deleted_after_the_retention_and_unsent_ones_never(cast, settings):
    settings.BEKWAAM_MAIL_RETENTION_DAYS = 90
    now = timezone.now()
    for key in ["old-sent", "young-sent", "old-pending", "old-failed"]:
        _notify(cast["student"], key=key)
    rows = {mail.dedup_key: mail for mail in OutgoingMail.objects.all()}
    assert len(rows) == 4
    ages = {"old-sent": 91, "young-sent": 89, "old-pending": 200, "old-failed": 200}
    statuses = {"old-sent": "sent", "young-sent": "sent", "old-pending": "pending"}
    for mail in rows.values():
        key = next(k for k in ages if k in mail.dedup_key)
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=statuses.get(key, "failed"),
            sent_at=now - datetime.timedelta(days=ages[key]) if "sent" in key else None,
            created_at=now - datetime.timedelta(days=ages[key]),
        )
    assert tasks.prune_sent_mail() == 1
    left = sorted(
        next(k for k in ages if k in key)
        for key in OutgoingMail.objects.values_list("dedup_key", flat=True)
    )
    assert left == ["old-failed", "old-pending", "young-sent"]
    assert tasks.prune_sent_mail() == 0


def test_with_a_send_rate_only_the_sweep_queues_mails_and_no_faster_than_the_rate(
    cast, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.BEKWAAM_MAIL_PER_MINUTE = 30
    settings.BEKWAAM_MAIL_SWEEP_INTERVAL = 30
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as with a broker
    queued = []
    monkeypatch.setattr(
        config_tasks, "enqueue", lambda task, pk, **options: queued.append(pk) or True
    )
    monkeypatch.setattr(tasks, "enqueue", lambda task, pk: queued.append(pk) or True)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(40):  # a start-of-year import's activation mails
            _notify(cast["student"], key=f"import-{n}")
    assert queued == []  # not at commit: the sweep keeps them to the rate
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=1))
    assert tasks.sweep_mail() == 15  # half a minute's worth
    assert tasks.sweep_mail() == 15  # the next 15, not the same ones again
    assert len(set(queued)) == 30
    # Without a rate, as before: sent at commit, and a sweep takes a whole batch.
    settings.BEKWAAM_MAIL_PER_MINUTE = 0
    assert sending.sweep_budget() == sending.SWEEP_BATCH
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mail = _notify(cast["student"], key="na-de-import")
    assert queued[-1] == OutgoingMail.objects.get(dedup_key__contains="na-de-import").pk
    assert mail is not None


def test_with_a_send_rate_a_deferred_mail_waits_for_the_sweep(cast, monkeypatch, settings):
    settings.BEKWAAM_MAIL_PER_MINUTE = 30
    settings.CELERY_TASK_ALWAYS_EAGER = False
    mail = _pending(cast)
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda self, *a, **k: (_ for _ in ()).throw(ConnectionRefusedError()),
    )
    monkeypatch.setattr(tasks.send_mail, "retry", lambda *a, **k: pytest.fail("retried"))
    tasks.send_mail.push_request(is_eager=False)
    try:
        assert tasks.send_mail.run(mail.pk) == "deferred"
    finally:
        tasks.send_mail.pop_request()
    mail.refresh_from_db()
    assert mail.status == "pending" and mail.next_attempt_at > timezone.now()
