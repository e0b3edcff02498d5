"""A worker killed mid-report does not lose the report: real Redis, real worker processes.

Runs only when DATABASE_URL points at PostgreSQL and CELERY_BROKER_URL at Redis. It makes its
own database, starts `celery worker --pool=solo`, queues a report whose rendering is slowed
down (BEKWAAM_REPORT_TEST_DELAY), kills the worker with SIGKILL once it has claimed the job,
starts a new worker and waits: the message comes back (acks_late, visibility timeout), the
expired claim is taken over, and the report is made exactly once.
"""

import os
import re
import secrets
import signal
import time
from pathlib import Path

import pytest

from tests.processes import Processes, executable, fresh_database, manage
from tests.report_fixtures import pdf_text

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
TIMEOUT = 120

pytestmark = [
    pytest.mark.celery_integration,
    pytest.mark.skipif(
        not (DATABASE_URL.startswith("postgres") and BROKER_URL.startswith("redis")),
        reason="needs DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...",
    ),
]

SEED = """
import datetime
from organisation.models import User
from organisation.services import enrolment_create, user_create
from qualifications.models import Dossier, Framework, Kerntaak, Qualification, Werkproces
from reports import services
d = Dossier.objects.create(framework=Framework.SBB, code="90001", title="Testdossier")
q = Qualification.objects.create(dossier=d, code="P1", crebo="90011", title="Profiel")
k = Kerntaak.objects.create(dossier=d, part=Kerntaak.Part.BASISDEEL, code="B1-K1", title="T")
Werkproces.objects.create(kerntaak=k, code="B1-K1-W1", title="Eerste werkproces")
s = user_create(username="sanne", password="Geheim-wachtwoord-1", role=User.Role.STUDENT)
s.first_name, s.last_name = "Sanne", "Jansen"
s.save()
e = enrolment_create(student=s, qualification=q, started_on=datetime.date(2026, 9, 1))
job = services.report_request(user=s, enrolment=e)
print("JOB", job.pk)
"""


@pytest.fixture
def database():
    with fresh_database("bekwaam_report") as url:
        yield url


@pytest.fixture
def processes(tmp_path):
    procs = Processes(tmp_path)
    try:
        yield procs
    finally:
        procs.stop()


def job_row(database_url: str, pk: int) -> dict:
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT status, attempts, output, finished_at FROM reports_reportjob WHERE id = %s",
            [pk],
        ).fetchone()


def wait_until(predicate, processes, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen within {TIMEOUT}s\n{processes.logs()}")


def test_report_survives_a_worker_killed_mid_report(database, processes, tmp_path):
    media = tmp_path / "media"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "BEKWAAM_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database,
        CELERY_BROKER_URL=BROKER_URL,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_MEDIA_ROOT=str(media),
        BEKWAAM_VAR_DIR=str(tmp_path / "var"),
        # Slow enough to kill it mid-report; short leases so the test does not wait an hour.
        BEKWAAM_REPORT_TEST_DELAY="6",
        BEKWAAM_REPORT_TIME_LIMIT="12",
        CELERY_VISIBILITY_TIMEOUT="4",
        PYTHONUNBUFFERED="1",
        HOME=str(tmp_path),
    )
    manage(env, "migrate", "--noinput")

    def worker(name: str):
        argv = [executable("celery"), "-A", "config", "worker", "--pool=solo", "-l", "info"]
        return processes.start(name, [*argv, "-n", f"{name}-{secrets.token_hex(3)}@%h"], env)

    first = worker("worker1")
    wait_until(lambda: "ready." in (tmp_path / "worker1.log").read_text(), processes, "start")
    seeded = manage(env, "shell", "-c", SEED)
    job_id = int(re.search(r"JOB (\d+)", seeded.stdout).group(1))

    wait_until(lambda: job_row(database, job_id)["status"] == "running", processes, "claim")
    os.kill(first.pid, signal.SIGKILL)  # mid-report: the render sleeps for 6 s after claiming
    first.wait(timeout=10)
    assert job_row(database, job_id)["status"] == "running"
    assert not list(media.rglob("*.pdf"))

    worker("worker2")
    wait_until(lambda: job_row(database, job_id)["status"] == "done", processes, "the report")
    done = job_row(database, job_id)
    assert done["attempts"] == 2  # the killed claim, then the one that finished
    time.sleep(5)  # any duplicate delivery would have re-rendered by now
    assert job_row(database, job_id) == done
    pdfs = list(media.rglob("*.pdf"))
    assert [p.relative_to(media).as_posix() for p in pdfs] == [done["output"]]
    assert "Sanne Jansen" in pdf_text(Path(pdfs[0]).read_bytes())
