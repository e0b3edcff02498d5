"""A student import on a real worker over real Redis and PostgreSQL: a worker killed in the
middle leaves nothing half imported, and the import started again on another worker imports
every row exactly once.

Runs only when DATABASE_URL points at PostgreSQL and CELERY_BROKER_URL at Redis; makes its
own database and starts its own `celery worker` processes.
"""

import datetime
import os
import re
import signal

import pytest

from tests.processes import NEEDS_POSTGRES_AND_REDIS, fresh_database, manage
from tests.reports.test_report_celery import environment, start_worker, wait_until

ROWS = 400

pytestmark = [pytest.mark.celery_integration, NEEDS_POSTGRES_AND_REDIS]

START = f"""
from organisation import import_jobs
from organisation.models import User
from organisation.services import user_create
from qualifications.models import Dossier, Framework, Qualification
d = Dossier.objects.create(framework=Framework.SBB, code="90001", title="Testdossier")
Qualification.objects.create(dossier=d, code="P1", crebo="90011", title="Profiel")
bea = user_create(username="bea", password="Geheim-wachtwoord-1", role=User.Role.BEHEERDER)
rows = "".join(
    f"s{{i:04d}};Sanne;Smit {{i}};s{{i}}@example.org;90011;K-{{i // 30}};2026;2026-09-01\\n"
    for i in range({ROWS})
)
header = "gebruikersnaam;voornaam;achternaam;email;crebo;klas;startjaar;startdatum\\n"
job = import_jobs.job_start(kind="students", user=bea, data=(header + rows).encode(),
                            name="s.csv", school_name="Workercollege")
print("JOB", job.pk)
"""

RETRY = """
from organisation import import_jobs
from organisation.models import ImportJob
print("RETRIED", import_jobs.job_retry(job=ImportJob.objects.get(pk={pk})))
"""


def row(database_url: str, sql: str, *params):
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, params).fetchone()


def job_status(database, pk):
    return row(database, "SELECT status, attempts FROM organisation_importjob WHERE id = %s", pk)


def students(database) -> int:
    return row(database, "SELECT count(*) FROM portfolios_user WHERE role = 'student'")[0]


@pytest.fixture
def database():
    with fresh_database("bekwaam_import") as url:
        yield url


def test_a_killed_import_leaves_nothing_and_a_retry_imports_every_row_once(
    database, processes, tmp_path
):
    """`processes`: tests.processes' fixture (a pytest plugin, see tests/conftest.py)."""
    env = environment(database, tmp_path)
    manage(env, "migrate", "--noinput")
    first = start_worker(processes, env, "worker1", "--pool=solo")
    wait_until(lambda: "ready." in (tmp_path / "worker1.log").read_text(), processes, "start")
    pk = int(re.search(r"JOB (\d+)", manage(env, "shell", "-c", START).stdout).group(1))

    # Killed while importing (about 30 ms a row: seconds for 400 rows).
    wait_until(lambda: job_status(database, pk)[0] == "running", processes, "claim")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert job_status(database, pk) == ("running", 1)
    assert students(database) == 0  # one transaction: nothing half imported

    # No progress for longer than STALLED (set back here instead of waiting two minutes):
    # a beheerder starts it again, and another worker imports it.
    long_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
    row(database, "UPDATE organisation_importjob SET started_at = %s RETURNING id", long_ago)
    start_worker(processes, env, "worker2", "--pool=solo")
    assert "RETRIED True" in manage(env, "shell", "-c", RETRY.format(pk=pk)).stdout
    wait_until(lambda: job_status(database, pk)[0] == "done", processes, "the import", 180)
    assert job_status(database, pk) == ("done", 2)
    assert students(database) == ROWS
    enrolments = row(database, "SELECT count(*) FROM portfolios_enrolment")[0]
    assert enrolments == ROWS
