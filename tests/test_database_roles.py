"""Exam history is protected by PostgreSQL against the app's own role, and the app still works.

Runs when DATABASE_URL points at PostgreSQL (as in CI's second pass). It makes a throwaway
database and a throwaway app role, migrates as the owner (DATABASE_MIGRATE_URL) with the app
role in DATABASE_URL (so migrate creates and grants it), runs the demo seed, an assessment and
the claim and revocation of badges as the app role, and then tries, as that role, what an
attacker with the app's credentials would: UPDATE, DELETE, ALTER TABLE … DISABLE TRIGGER,
TRUNCATE, DROP TRIGGER and session_replication_role. Every one must fail on every protected table.

Then gunicorn runs as the app role and every backend of the database is terminated (what a
PostgreSQL restart looks like to the app, without restarting the server other people share):
the next request on every gunicorn worker must succeed (CONN_HEALTH_CHECKS).
"""

import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from tests.processes import Processes, executable, free_port, fresh_database, manage, wait_for_http

DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgres"), reason="needs DATABASE_URL=postgres://..."
    ),
]

PROTECTED = [
    "assessments_beoordeling",
    "assessments_submission",
    "assessments_submittedscore",
    "assessments_vaststelling",
    "assessments_finalscore",
    "portfolios_evidenceversion",
    # The gedrag of a submitted version hangs off its frozen werkproces links.
    "portfolios_evidenceversionlink",
    "portfolios_evidenceversionlink_criteria",
    "portfolios_evidenceversion_files",
    "portfolios_evidenceevent",
    "portfolios_signoffevent",
    "portfolios_feasibilityevent",
    "portfolios_evidencefile",
    # Issued badges (token write-once: filled in by the claim, in its own transaction).
    "credentials_credential",
]

# Run as the app's role after seed_demo: the flows that write to the protected tables in
# ways they allow (a new file in a draft that is then deleted, a submitted file taken out of
# the working copy, scoring, "niet uitvoerbaar").
FLOWS = """
from django.core.files.uploadedfile import SimpleUploadedFile
from assessments import services as a
from assessments.models import Vaststelling
from assessments.selectors import beoordeling_page_for
from organisation.models import User
from portfolios import services as p, uploads
from portfolios.models import Evidence, EvidenceFile, SignOffEvent
from portfolios.working_copy import evidence_current_status, working_files

sign_off = SignOffEvent.objects.filter(kind="signed").select_related("enrolment").first()
enrolment, werkproces = sign_off.enrolment, sign_off.werkproces
assessor = User.objects.get(username="assessor")
b = a.beoordeling_start(assessor=assessor, enrolment=enrolment, werkproces=werkproces)
page = beoordeling_page_for(user=assessor, enrolment=enrolment, werkproces=werkproces)
scores = {row.criterion.pk: a.ScoreInput(value=1, comment="") for row in page.rows}
a.draft_save(assessor=assessor, beoordeling=b, scores=scores, revision=0)
a.scores_submit(assessor=assessor, beoordeling=b, scores=scores)
print("VASTGESTELD", Vaststelling.objects.filter(beoordeling=b).count())

# Badges: claimed for the vaststelling and (the school turned it on) for the sign-off, then
# both revoked, by a correction and by a withdrawal; none of it changes an issued badge.
from credentials import services as c
from credentials.selectors import claimable_sign_offs, revoked_indexes
school = enrolment.cohort.school
school.badges_on_sign_off = True
school.save(update_fields=["badges_on_sign_off"])
v = Vaststelling.objects.get(beoordeling=b)
badges = [
    c.credential_claim(student=enrolment.student, enrolment=enrolment, vaststelling_pk=v.pk),
    c.credential_claim_sign_off(student=enrolment.student, enrolment=enrolment,
        sign_off_pk=claimable_sign_offs(user=enrolment.student, enrolment=enrolment)
        .get(werkproces=werkproces).pk),
]
print("BADGES", sum(1 for badge in badges if badge.token))
zero = {pk: a.ScoreInput(value=0, comment="Niet laten zien.") for pk in scores}
a.vaststelling_correct(assessor=assessor, beoordeling=b, scores=zero,
                       reason="Verkeerd bewijsstuk.", based_on=v.number)

po = User.objects.get(username="praktijkopleider")
p.werkproces_sign_off_withdraw(actor=po, enrolment=enrolment, werkproces=werkproces,
                               reason="Toch nog niet zelfstandig.")
print("REVOKED", sorted(revoked_indexes(school)) == sorted(badge.pk for badge in badges))
p.werkproces_set_feasibility(actor=po, enrolment=enrolment, werkproces=werkproces,
                             feasible=False, reason="Geen balie hier.")

evidence = next(e for e in Evidence.objects.all() if e.versions.exists()
                and evidence_current_status(e) in {"draft", "returned"})
student = evidence.enrolment.student
def pdf(name):
    return uploads.check_upload(SimpleUploadedFile(name, b"%PDF-1.4\\n%%EOF\\n"))
gedrag = list(evidence.werkproces.criteria.filter(qualification=None)[:1])
def edit(files=(), remove=()):
    return p.evidence_update(student=student, evidence=evidence, title=evidence.title,
        reflection=evidence.reflection, date=evidence.date, links=evidence.links,
        criteria=gedrag, files=files, remove_files=remove)
edit(files=[pdf("extra.pdf")])
new = EvidenceFile.objects.get(evidence=evidence, original_name="extra.pdf")
edit(remove=[new])
print("DELETED", not EvidenceFile.objects.filter(pk=new.pk).exists())
submitted = [f for f in working_files(evidence) if f.versions.exists()]
edit(files=[pdf("b.pdf")], remove=submitted[:1])
print("REMOVED", EvidenceFile.objects.filter(removed_at__isnull=False).count())
p.evidence_submit(student=student, evidence=evidence)
print("CRITERIA", sum(link.criteria.count()
                      for link in evidence.versions.order_by("number").last().wp_links.all()))

# The daily housekeeping runs as this role too (beat's worker connects as it).
import datetime
from django.contrib.sessions.models import Session
from django.utils import timezone
from notifications.models import OutgoingMail
from notifications.tasks import prune_sent_mail
from organisation.tasks import prune_audit_log, prune_sign_ins
long_ago = timezone.now() - datetime.timedelta(days=400)
Session.objects.create(session_key="x" * 32, session_data="", expire_date=long_ago)
OutgoingMail.objects.create(to="a@example.invalid", subject="s", body="b", dedup_key="old",
                            status="sent", sent_at=long_ago, next_attempt_at=long_ago)
print("HOUSEKEEPING", prune_sign_ins(), prune_sent_mail(), prune_audit_log())
"""


@pytest.fixture
def role_database():
    """(owner URL, app URL) of a throwaway database and a throwaway app role."""
    import psycopg
    from psycopg import sql

    role = f"bekwaam_app_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    with fresh_database("bekwaam_roles") as owner_url:
        parts = urlsplit(owner_url)
        app_url = parts._replace(
            netloc=f"{role}:{password}@{parts.hostname}:{parts.port or 5432}"
        ).geturl()
        try:
            yield owner_url, app_url
        finally:
            with psycopg.connect(owner_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE usename = {}").format(sql.Literal(role))
                )  # fmt: skip
    # The database is gone, so the role owns nothing and holds no grants any more.
    with psycopg.connect(DATABASE_URL, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def app_env(tmp_path, database_url: str, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "BEKWAAM_", "DATABASE_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        BEKWAAM_VAR_DIR=str(tmp_path / "var"),
        HOME=str(tmp_path),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def refused(conn, statement: str, params=None) -> str:
    import psycopg

    with pytest.raises(psycopg.Error) as exc, conn.transaction():
        conn.execute(statement, params)
    return str(exc.value)


def test_the_app_role_cannot_change_exam_history_and_the_app_still_works(role_database, tmp_path):
    import psycopg

    owner_url, app_url = role_database
    migrate_env = app_env(tmp_path, app_url, DATABASE_MIGRATE_URL=owner_url)
    out = manage(migrate_env, "migrate", "--noinput").stdout
    role = urlsplit(app_url).username
    assert f"Granted row access to the app's role {role}." in out

    env = app_env(tmp_path, app_url)
    manage(env, "seed_demo", "--students", "2")
    flows = manage(env, "shell", "-c", FLOWS).stdout
    assert "VASTGESTELD 1" in flows
    assert "BADGES 2" in flows
    assert "REVOKED True" in flows
    assert "DELETED True" in flows
    assert "REMOVED 1" in flows
    assert "CRITERIA 1" in flows
    assert "HOUSEKEEPING (1, 0) 1 0" in flows

    with psycopg.connect(app_url, autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (role,)
        for table in PROTECTED:
            (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            assert count > 0, f"{table} has no rows to attack"
            assert "insert-only" in refused(conn, f"UPDATE {table} SET id = -id"), table  # noqa: S608
            assert "insert-only" in refused(conn, f"DELETE FROM {table}"), table  # noqa: S608
            assert "must be owner" in refused(conn, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            assert "must be owner" in refused(conn, f"DROP TRIGGER {table}_append_only ON {table}")
            assert "permission denied" in refused(conn, f"TRUNCATE {table}")
            (after,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            assert after == count
        assert "permission denied" in refused(conn, "SET session_replication_role = replica")
        # A file in a submitted version: its name, its content and its existence are fixed;
        # the write-once columns cannot be changed once filled.
        file_id, thumbnail = conn.execute(
            "SELECT f.id, f.thumbnail FROM portfolios_evidencefile f "
            "JOIN portfolios_evidenceversion_files v ON v.evidencefile_id = f.id "
            "WHERE f.thumbnail <> '' LIMIT 1"
        ).fetchone()
        for statement in [
            "UPDATE portfolios_evidencefile SET original_name = 'x' WHERE id = %s",
            "UPDATE portfolios_evidencefile SET file = 'evidence/x' WHERE id = %s",
            "UPDATE portfolios_evidencefile SET thumbnail = 'x' WHERE id = %s",
            "UPDATE portfolios_evidencefile SET thumbnail = '' WHERE id = %s",
            "DELETE FROM portfolios_evidencefile WHERE id = %s",
        ]:
            assert "insert-only" in refused(conn, statement, [file_id]), statement
        removed = conn.execute(
            "SELECT id FROM portfolios_evidencefile WHERE removed_at IS NOT NULL"
        ).fetchone()[0]
        assert "insert-only" in refused(
            conn,
            f"UPDATE portfolios_evidencefile SET removed_at = now() WHERE id = {removed}",  # noqa: S608
        )
        assert conn.execute(
            "SELECT thumbnail FROM portfolios_evidencefile WHERE id = %s", [file_id]
        ).fetchone() == (thumbnail,)
        # Tables that are not history stay writable for the app.
        conn.execute("UPDATE portfolios_user SET first_name = first_name")


def test_every_gunicorn_worker_answers_after_the_database_dropped_its_connections(
    role_database, tmp_path
):
    import psycopg
    import requests

    owner_url, app_url = role_database
    manage(app_env(tmp_path, app_url, DATABASE_MIGRATE_URL=owner_url), "migrate", "--noinput")
    env = app_env(tmp_path, app_url)
    manage(env, "seed_demo", "--students", "1")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workers = 2
    argv = [executable("gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    argv += ["--workers", str(workers), "--access-logfile", "-"]
    argv += ["--access-logformat", "ACCESS pid=%(p)s status=%(s)s %(U)s"]
    processes = Processes(tmp_path)
    try:
        processes.start("gunicorn", argv, env)
        wait_for_http(f"{base}/healthz", processes)
        session = requests.Session()
        page = session.get(f"{base}/accounts/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = session.post(
            f"{base}/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": "docent", "password": "bekwaam-demo"},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=10,
        )
        assert response.status_code == 200 and "/accounts/login/" not in response.url

        def log_lines():
            return re.findall(
                r"ACCESS pid=<?(\d+)>? status=(\d+) (\S+)", (tmp_path / "gunicorn.log").read_text()
            )

        cookies = session.cookies.get_dict()

        def burst(n=8):
            # Concurrent requests, so that every worker gets some (one after another, the
            # same idle worker tends to take them all). A logged-in page reads the session
            # and the user from the database.
            def get(_):
                return requests.get(f"{base}/klassen/", cookies=cookies, timeout=20).status_code

            with ThreadPoolExecutor(max_workers=n) as pool:
                return list(pool.map(get, range(n)))

        for _ in range(20):  # until every worker holds a connection (CONN_MAX_AGE keeps it)
            assert set(burst()) == {200}
            pids = {pid for pid, _, path in log_lines() if path == "/klassen/"}
            if len(pids) >= workers:
                break
        assert len(pids) >= workers, processes.logs()
        with psycopg.connect(owner_url, autocommit=True) as conn:
            (terminated,) = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert terminated >= workers
        seen_before = len(log_lines())
        after: list[tuple[str, str]] = []
        for _ in range(20):
            statuses = burst()
            assert set(statuses) == {200}, processes.logs()
            after = [(pid, status) for pid, status, _ in log_lines()[seen_before:]]
            if {pid for pid, _ in after} >= pids:
                break
        assert {pid for pid, _ in after} >= pids, "a worker got no request after the restart"
        assert {status for _, status in after} == {"200"}
    finally:
        processes.stop()
