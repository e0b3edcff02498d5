"""The outbox against a real Redis that goes away, and real Celery workers and beat.

Runs when DATABASE_URL points at PostgreSQL (the workers must see the test's committed rows,
so the tests are transactional on a real server) and redis-server is installed. Each test
starts its OWN redis-server on a free port, so stopping it never touches a shared one.

1. Redis down: a student submits, the praktijkopleider signs off, a beheerder invites and
   the student asks for a report (each answers with its success page) and every row is
   stored; Redis comes back, two
   workers and beat start, and every mail goes out exactly once (the workers write mails
   with Django's file backend; duplicate task deliveries are sent on purpose).
2. A worker SIGKILLed while sending: with the default lease and sweep interval the mail goes
   out, once, within two minutes.
"""

import datetime
import os
import shutil
import signal
import subprocess
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.tasks import enqueue
from notifications import tasks as notification_tasks
from notifications.models import Notification, OutgoingMail
from organisation.models import User
from reports.models import ReportJob
from tests.notifications.helpers import outbox_mail, use_broker
from tests.portfolio_fixtures import make_evidence
from tests.processes import Processes, app_env, executable, free_port

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_SERVER = shutil.which("redis-server")
TIMEOUT = 150

pytestmark = [
    pytest.mark.celery_integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgres"), reason="needs DATABASE_URL=postgres://..."
    ),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server"),
]


class RedisServer:
    """A redis-server of this test's own, stopped and started at will."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        argv = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(self.dir)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not self.ping():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None
        assert not self.ping()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def processes(transactional_db, tmp_path):
    # After the database fixture, so workers stop before the test database is flushed.
    procs = Processes(tmp_path)
    try:
        yield procs
    finally:
        procs.stop()


def worker_env(tmp_path, redis_url: str, **extra) -> dict:
    # The workers use the test's own database (transactional tests commit for real).
    name = connection.settings_dict["NAME"]
    return app_env(
        urlsplit(DATABASE_URL)._replace(path=f"/{name}").geturl(),
        tmp_path,
        CELERY_BROKER_URL=redis_url,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "sent"),
        **extra,
    )


def start_worker(processes, name: str, env: dict, *, pool: str = "solo"):
    argv = [executable("celery"), "-A", "config", "worker", f"--pool={pool}", "-l", "info"]
    argv += ["-n", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle"]
    return processes.start(name, argv, env)


def start_beat(processes, env: dict, tmp_path):
    argv = [executable("celery"), "-A", "config", "beat", "-l", "info"]
    argv += ["-s", str(tmp_path / "beat-schedule")]
    return processes.start("beat", argv, env)


def sent_mails(tmp_path) -> list:
    """Every message the workers' file backend wrote (one file per connection)."""
    messages = []
    for path in sorted((tmp_path / "sent").glob("*.log")):
        for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                messages.append(message_from_bytes((chunk.strip() + "\n").encode()))
    return messages


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def wait_until(predicate, processes, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail(f"{what} did not happen within {timeout}s\n{processes.logs()}")


def all_sent() -> bool:
    return not OutgoingMail.objects.exclude(status=OutgoingMail.Status.SENT).exists()


@pytest.fixture
def mailable(world):
    for name in ("student", "praktijkopleider", "beheerder"):
        User.objects.filter(pk=world[name].pk).update(
            email=f"{name}@example.invalid", first_name=name.capitalize()
        )
        world[name].refresh_from_db()
    return world


def test_redis_down_every_mail_goes_out_once_after(
    client, mailable, redis_server, processes, tmp_path
):
    world = mailable
    redis_server.start()
    with use_broker(redis_server.url):
        redis_server.stop()  # the broker goes away

        timings = []

        def post(user, url, data):
            client.force_login(user)
            started = time.monotonic()
            response = client.post(url, data)
            timings.append(time.monotonic() - started)
            return response

        evidence = make_evidence(world, title="Tom & Jerry's verslag")
        response = post(
            world["student"], reverse("portfolios:evidence_submit", args=[evidence.pk]), {}
        )
        assert response.status_code == 302
        sign_off_url = reverse(
            "portfolios:sign_off", args=[world["enrolment"].pk, world["w1"].code]
        )
        confirmed = {"confirm": "on", "confirm_without_evidence": "on"}  # none accepted
        response = post(world["praktijkopleider"], sign_off_url, confirmed)
        assert response.status_code == 302
        invite = {
            "first_name": "Piet",
            "last_name": "Praktijk",
            "email": "piet@bedrijf.example",
            "leerbedrijf": world["leerbedrijf"].sbb_number,
        }
        response = post(world["beheerder"], reverse("organisation:invite"), invite)
        assert response.status_code == 302
        report_url = reverse("reports:request_student", args=[world["enrolment"].pk])
        response = post(world["student"], report_url, {})
        assert response.status_code == 302  # the job is a row; its sweep queues it later
        assert ReportJob.objects.filter(status=ReportJob.Status.QUEUED).count() == 1
        # Publishing gives up quickly (task_publish_retry_policy): no request hangs on it.
        assert max(timings) < 10, timings

        rows = list(OutgoingMail.objects.order_by("pk"))
        assert sorted(r.to for r in rows) == [
            "piet@bedrijf.example",
            "praktijkopleider@example.invalid",
            "student@example.invalid",
        ]
        assert {(r.status, r.attempts) for r in rows} == {(OutgoingMail.Status.PENDING, 0)}
        assert Notification.objects.filter(recipient=world["praktijkopleider"]).count() == 1
        assert Notification.objects.filter(recipient=world["student"]).count() == 1

        redis_server.start()  # the broker is back
        # Duplicate deliveries on purpose: each row twice more, as redelivery could.
        for row in rows:
            assert enqueue(notification_tasks.send_mail, row.pk)
            assert enqueue(notification_tasks.send_mail, row.pk)

    env = worker_env(
        tmp_path,
        redis_server.url,
        BEKWAAM_MAIL_SWEEP_INTERVAL="2",
        BEKWAAM_MAIL_SWEEP_GRACE="0",
    )
    start_worker(processes, "worker1", env)
    start_worker(processes, "worker2", env, pool="threads")
    start_beat(processes, env, tmp_path)
    wait_until(all_sent, processes, "sending every mail")
    time.sleep(6)  # any duplicate (delivery or sweep) would have been sent by now

    messages = sent_mails(tmp_path)
    assert sorted(m["To"] for m in messages) == sorted(r.to for r in rows), processes.logs()
    subjects = {m["To"]: subject_of(m) for m in messages}
    assert subjects["praktijkopleider@example.invalid"].startswith("Nieuw bewijsstuk")
    assert subjects["student@example.invalid"] == "Afgetekend: B1-K1-W1"
    body = next(m for m in messages if m["To"] == "praktijkopleider@example.invalid")
    assert "Tom & Jerry's verslag" in body.get_payload(decode=True).decode()
    assert {r.attempts for r in OutgoingMail.objects.all()} == {1}


def test_a_worker_killed_mid_send_is_sent_within_two_minutes(
    client, mailable, redis_server, processes, tmp_path
):
    world = mailable
    redis_server.start()
    # The first worker holds each mail for 20 s after claiming it, so it can be killed then.
    slow = worker_env(tmp_path, redis_server.url, BEKWAAM_MAIL_TEST_DELAY="20")
    first = start_worker(processes, "slow-worker", slow)
    wait_until(lambda: "ready." in (tmp_path / "slow-worker.log").read_text(), processes, "start")
    with use_broker(redis_server.url):
        client.force_login(world["student"])
        evidence = make_evidence(world)
        response = client.post(reverse("portfolios:evidence_submit", args=[evidence.pk]))
        assert response.status_code == 302
    row = OutgoingMail.objects.get()
    wait_until(
        lambda: OutgoingMail.objects.get(pk=row.pk).status == OutgoingMail.Status.SENDING,
        processes,
        "the claim",
    )
    os.killpg(first.pid, signal.SIGKILL)  # mid-send, message unacknowledged
    first.wait(timeout=10)
    killed_at = time.monotonic()

    # Default settings from here on: lease, sweep interval and grace as shipped.
    env = worker_env(tmp_path, redis_server.url)
    start_worker(processes, "worker2", env)
    start_beat(processes, env, tmp_path)
    wait_until(all_sent, processes, "the mail", timeout=130)
    took = time.monotonic() - killed_at
    assert took < 120, took
    time.sleep(3)
    messages = sent_mails(tmp_path)
    assert [m["To"] for m in messages] == ["praktijkopleider@example.invalid"]
    row.refresh_from_db()
    assert row.attempts == 2  # the killed claim, then the send
    print(f"killed worker's mail sent {took:.1f}s after the kill")


def test_with_a_send_rate_beat_and_a_worker_send_no_faster_than_it(
    redis_server, processes, tmp_path
):
    """12 mails due at once (a start-of-year import's, say), 60 a minute and a sweep every
    2 s: 2 a sweep, so every mail goes out, once, over at least five sweeps."""
    due = timezone.now() - datetime.timedelta(minutes=1)
    for n in range(12):
        outbox_mail(n, next_attempt_at=due)
    redis_server.start()
    env = worker_env(
        tmp_path,
        redis_server.url,
        BEKWAAM_MAIL_PER_MINUTE="60",
        BEKWAAM_MAIL_SWEEP_INTERVAL="2",
        BEKWAAM_MAIL_SWEEP_GRACE="0",
    )
    start_worker(processes, "worker1", env, pool="threads")
    start_beat(processes, env, tmp_path)
    wait_until(all_sent, processes, "sending every mail", timeout=90)
    times = sorted(OutgoingMail.objects.values_list("sent_at", flat=True))
    # Any five in a row spread over at least two sweeps (4 s apart, 3 with some slack).
    spans = [(times[i + 4] - times[i]).total_seconds() for i in range(len(times) - 4)]
    assert min(spans) >= 3, spans
    assert sorted(m["To"] for m in sent_mails(tmp_path)) == sorted(
        f"student{n}@example.invalid" for n in range(12)
    )
