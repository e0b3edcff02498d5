"""The dashboards read from a real PostgreSQL streaming replica (config.replica), and never
show a person a page older than their own change, nor an error when the replica is behind
or gone.

The test starts a primary and a hot standby on 127.0.0.1 (tests/pg_replica.py) and gunicorn
on both. To see which server answered, it pauses the standby's replay and renames a student
on the primary: the klas dashboard shows the old name while it reads from the replica, the
new one when it reads from the primary.
"""

import re
import socket
import time

import psycopg
import pytest
from django.db import transaction
from django.utils.connection import ConnectionDoesNotExist
from psycopg import sql

from config import replica as replica_reads
from config.replica import ReplicaRouter, on_primary
from maintenance.checks import replica_pins_are_shared
from notifications.selectors import unread_count
from organisation.models import User
from qualifications.tree_cache import dossier_tree, forget_dossier_trees
from tests.pg_replica import NEEDS_POSTGRES_PROGRAMS, primary_and_replica, wait_for_replay
from tests.processes import (
    WEB_PROCESS,
    app_env,
    csrf_token,
    executable,
    free_port,
    login,
    manage,
    wait_for_http,
)

DEMO_PASSWORD = "bekwaam-demo"
MAX_LAG = 8  # seconds: the replica is used until it is this far behind
PIN = 2  # seconds a person reads from the primary after writing
CHECK = 0.3  # seconds between a process's questions to the replica about its lag
FIND = (
    "from organisation.models import Cohort, Enrolment;"
    "print('FOUND', Cohort.objects.get(name='OMS-3A').pk,"
    " Enrolment.objects.get(student__username='student').pk)"
)


def execute(url: str, statement, params=()) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement, params)


def rename_behind_the_replica(primary: str, replica: str, first_name: str) -> float:
    """The replica replays a fresh write (its lag is measured from that one), then stops
    replaying while the primary renames the student. Returns when that fresh write was."""
    execute(primary, "UPDATE portfolios_user SET last_login = now() WHERE username = 'student'")
    wait_for_replay(primary, replica)
    replayed = time.monotonic()
    execute(replica, "SELECT pg_wal_replay_pause()")
    execute(
        primary,
        "UPDATE portfolios_user SET first_name = %s WHERE username = 'student'",
        [first_name],
    )
    return replayed


def wait_until_behind(replica: str, seconds: float) -> None:
    """Until the last change the replica replayed is more than `seconds` old (while the
    primary has moved on since, the replica is that far behind); then long enough for the
    web process to have asked again."""
    age = "SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
    with psycopg.connect(replica, autocommit=True) as conn:
        while float(conn.execute(age).fetchone()[0]) <= seconds:
            time.sleep(0.2)
    time.sleep(2 * CHECK + 0.2)


@NEEDS_POSTGRES_PROGRAMS
def test_dashboards_read_from_the_replica_until_it_is_behind_gone_or_you_wrote(processes, tmp_path):
    with primary_and_replica() as (cluster, primary, replica):
        env = app_env(
            primary,
            tmp_path / "web",
            DATABASE_REPLICA_URL=replica,
            BEKWAAM_REPLICA_MAX_LAG_SECONDS=str(MAX_LAG),
            BEKWAAM_REPLICA_PIN_SECONDS=str(PIN),
            BEKWAAM_REPLICA_CHECK_SECONDS=str(CHECK),
            # No broker: the demo's tasks run in-process, none is left queued for another
            # test's worker to run against its own database.
            CELERY_BROKER_URL="",
        )
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--students", "0")
        cohort_pk, enrolment_pk = re.search(
            r"FOUND (\d+) (\d+)", manage(env, "shell", "-c", FIND).stdout
        ).groups()
        wait_for_replay(primary, replica)

        port = free_port()
        # One worker, so the pin in its memory cache (no CACHE_URL here) is seen by every
        # request; with several nodes it is in Redis (CACHE_URL).
        argv = [executable(WEB_PROCESS[0]), *WEB_PROCESS[1:], "--bind", f"127.0.0.1:{port}"]
        processes.start("gunicorn", [*argv, "--workers", "1"], env)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/healthz", processes)
        docent, _ = login(base, "docent", DEMO_PASSWORD)
        beheerder, _ = login(base, "beheerder", DEMO_PASSWORD)
        time.sleep(PIN + 0.5)  # signing in was a POST: let that pin run out

        def sign_ins_in_the_audit_log(username: str) -> bool:
            page = beheerder.get(f"{base}/school/auditlog/?username={username}", timeout=10)
            assert page.status_code == 200, processes.logs()
            return "Niets gevonden." not in page.text

        def dashboard() -> str:
            response = docent.get(f"{base}/klassen/{cohort_pk}/", timeout=10)
            assert response.status_code == 200, processes.logs()
            return response.text

        assert "Sanne" in dashboard()

        written = rename_behind_the_replica(primary, replica, "Rijk")

        page = dashboard()
        assert "Sanne" in page and "Rijk" not in page, "the dashboard did not read the replica"
        # The praktijkopleider signs in (an audit row on the primary): the beheerder's audit
        # log, read from the replica, does not show it yet.
        login(base, "praktijkopleider", DEMO_PASSWORD)
        assert not sign_ins_in_the_audit_log("praktijkopleider"), (
            "the audit log did not read the replica"
        )
        # A page that is not marked reads the primary.
        portfolio = docent.get(f"{base}/portfolio/{enrolment_pk}/", timeout=10)
        assert portfolio.status_code == 200 and "Rijk" in portfolio.text

        # The docent writes something (marks the bell read): their next pages are the primary's.
        notifications = docent.get(f"{base}/meldingen/", timeout=10)
        read_all = docent.post(
            f"{base}/meldingen/alles-gelezen/",
            data={"csrfmiddlewaretoken": csrf_token(notifications.text)},
            headers={"Referer": f"{base}/meldingen/"},
            timeout=10,
        )
        assert read_all.status_code == 200, read_all.text[:300]
        assert "Rijk" in dashboard(), "after writing, the docent still read the replica"
        time.sleep(PIN + 0.5)
        assert time.monotonic() - written < MAX_LAG - 1, "too slow to test the pin in time"
        assert "Rijk" not in dashboard(), "the pin did not run out"

        # The replica falls further behind than allowed: back to the primary.
        wait_until_behind(replica, MAX_LAG)
        assert "Rijk" in dashboard(), "a replica behind by more than the limit was read"

        # Replication breaks (the replica loses the primary): it replays all it received,
        # then hears nothing of the primary's changes, and the student is renamed again.
        # Its last change is older than the limit: the primary is read.
        with psycopg.connect(replica, autocommit=True) as conn:
            conninfo = conn.execute("SHOW primary_conninfo").fetchone()[0]
        execute(replica, "ALTER SYSTEM SET primary_conninfo = ''")
        execute(replica, "SELECT pg_reload_conf()")
        # Replaying again, the standby reads its settings anew and stops its WAL receiver.
        execute(replica, "SELECT pg_wal_replay_resume()")
        with psycopg.connect(replica, autocommit=True) as conn:
            deadline = time.monotonic() + 30
            while conn.execute("SELECT count(*) FROM pg_stat_wal_receiver").fetchone()[0]:
                assert time.monotonic() < deadline, "the WAL receiver did not stop"
                time.sleep(0.1)
        execute(
            primary, "UPDATE portfolios_user SET first_name = 'Ruben' WHERE username = 'student'"
        )
        wait_until_behind(replica, MAX_LAG)
        assert "Ruben" in dashboard(), "a replica that lost the primary was read"

        # Replication back and caught up: the replica is read again.
        restore = sql.SQL("ALTER SYSTEM SET primary_conninfo = {}").format(sql.Literal(conninfo))
        execute(replica, restore)
        execute(replica, "SELECT pg_reload_conf()")
        rename_behind_the_replica(primary, replica, "Rosa")
        time.sleep(2 * CHECK)
        page = dashboard()
        assert "Ruben" in page and "Rosa" not in page, "the caught-up replica was not read again"

        # The replica goes away while its connection is kept: the page is read again from the
        # primary, not an error; and so are the pages after it.
        cluster.stop("replica", "immediate")
        for _ in range(3):
            assert "Rosa" in dashboard(), "with the replica gone, the primary was not read"
        klassen = docent.get(f"{base}/klassen/", timeout=10)
        assert klassen.status_code == 200, processes.logs()
        assert sign_ins_in_the_audit_log("praktijkopleider")
        log = (tmp_path / "gunicorn.log").read_text()
        assert "replica unusable, reading from the primary" in log
        assert "Traceback" not in log, log[-3000:]

        # A replica host that takes the connection and never answers (a hung server, a
        # firewall that drops): a second node on it answers within the connect timeout.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(16)  # the kernel accepts; nobody ever speaks PostgreSQL
            silent_url = f"postgres://postgres@127.0.0.1:{silent.getsockname()[1]}/bekwaam"
            second = free_port()
            argv = [executable(WEB_PROCESS[0]), *WEB_PROCESS[1:], "--bind", f"127.0.0.1:{second}"]
            env_b = {
                **env,
                "DATABASE_REPLICA_URL": silent_url,
                "BEKWAAM_VAR_DIR": str(tmp_path / "b"),
            }
            processes.start("gunicorn-b", [*argv, "--workers", "1"], env_b)
            wait_for_http(f"http://127.0.0.1:{second}/healthz", processes)
            for _ in range(2):
                started = time.monotonic()
                page = docent.get(f"http://127.0.0.1:{second}/klassen/{cohort_pk}/", timeout=30)
                assert page.status_code == 200 and "Rosa" in page.text, processes.logs()
                assert time.monotonic() - started < 5, "a silent replica held the page"


def test_router_writes_to_the_primary_and_never_migrates_the_replica():
    class Row:
        class _state:  # noqa: N801 - stands in for a model instance's state
            db = "replica"

    router = ReplicaRouter()
    # An object read from the replica is saved on the primary.
    assert router.db_for_write(Row, instance=Row()) == "default"
    assert router.db_for_read(Row) is None  # outside a marked page: the default
    assert router.allow_migrate("replica", "portfolios") is False
    assert router.allow_migrate("default", "portfolios") is None
    assert router.allow_relation(Row(), Row()) is True


@pytest.fixture
def marked_page():
    token = replica_reads._reading.set(True)  # as inside a view marked @reads_from_replica
    yield ReplicaRouter()
    replica_reads._reading.reset(token)


def test_a_marked_page_reads_the_replica_but_not_what_goes_into_the_cache(marked_page):
    assert marked_page.db_for_read(object) == "replica"
    # The bell's count and the dossier tree go into the shared cache: from the primary.
    with on_primary():
        assert marked_page.db_for_read(object) is None
    assert marked_page.db_for_read(object) == "replica"


@pytest.fixture
def routed_page(settings, marked_page):
    """Inside a marked page with the router on, but no replica database here: a read that
    goes to the replica fails (ConnectionDoesNotExist), one on the primary does not."""
    settings.DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
    with pytest.raises(ConnectionDoesNotExist):
        User.objects.exists()
    return marked_page


@pytest.mark.django_db(transaction=True)
def test_what_a_marked_page_keeps_in_the_shared_cache_is_read_from_the_primary(
    tree, make_user, routed_page
):
    # The dossier tree and the bell's count outlive the page in the cache: a copy from a
    # replica that is behind would stay stale after the replica caught up.
    qualification = tree["p1"]
    docent = make_user("docent-replica", role=User.Role.DOCENT)
    forget_dossier_trees()
    assert [wp.code for wp in dossier_tree(qualification).werkprocessen]
    assert unread_count(user=docent) == 0


@pytest.mark.django_db
def test_a_marked_page_reads_what_its_own_transaction_sees(marked_page):
    with transaction.atomic():
        assert marked_page.db_for_read(object) is None


def test_deploy_check_wants_a_shared_cache_beside_a_replica(settings):
    settings.DATABASE_REPLICA_URL = "postgres://bekwaam_app@replica:5432/bekwaam"
    settings.CACHE_URL = ""
    assert [w.id for w in replica_pins_are_shared(None)] == ["bekwaam.W002"]
    settings.CACHE_URL = "redis://127.0.0.1:6379/1"
    assert replica_pins_are_shared(None) == []
    settings.DATABASE_REPLICA_URL = ""
    settings.CACHE_URL = ""
    assert replica_pins_are_shared(None) == []
