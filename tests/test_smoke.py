"""Smoke test: the production processes against real PostgreSQL and Redis.

Runs only when DATABASE_URL points at PostgreSQL and CELERY_BROKER_URL at Redis (as in CI's
second pass). It makes its own database on that server, migrates it, creates a docent, starts
gunicorn and a Celery worker as subprocesses, logs in over HTTP as a person would and pings
the worker through the broker. Everything it started is stopped and dropped at the end.

tests/test_compose.py checks that docker-compose.yml starts the same processes
(WEB_PROCESS, WORKER_PROCESS).
"""

import re
import secrets
import socket

import pytest

from tests.processes import (
    BROKER_URL,
    NEEDS_POSTGRES_AND_REDIS,
    WEB_PROCESS,
    WORKER_PROCESS,
    app_env,
    executable,
    free_port,
    fresh_database,
    manage,
    wait_for_http,
    wait_for_worker,
)

USERNAME = "smoke-docent"
PASSWORD = "Smoke-wachtwoord-2026!"

pytestmark = [pytest.mark.smoke, NEEDS_POSTGRES_AND_REDIS]


@pytest.fixture
def smoke_database():
    with fresh_database("bekwaam_smoke") as url:
        yield url


@pytest.fixture
def smoke_env(smoke_database, tmp_path):
    return app_env(smoke_database, tmp_path)


def test_gunicorn_and_celery_worker_on_postgres_and_redis(smoke_env, processes):
    import requests
    from celery import Celery

    manage(smoke_env, "migrate", "--noinput")
    manage(
        smoke_env,
        "shell",
        "-c",
        "from organisation.models import User; "
        f"User.objects.create_user(username={USERNAME!r}, password={PASSWORD!r}, role='docent')",
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    node = f"smoke-{secrets.token_hex(4)}@{socket.gethostname()}"
    web_argv = [executable(WEB_PROCESS[0]), *WEB_PROCESS[1:]]
    web_argv += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", "-"]
    worker_argv = [executable(WORKER_PROCESS[0]), *WORKER_PROCESS[1:]]
    worker_argv += ["--pool=solo", "-l", "info", "-n", node, "--without-gossip"]
    processes.start("gunicorn", web_argv, smoke_env)
    processes.start("celery-worker", worker_argv, smoke_env)

    app = Celery("bekwaam-smoke", broker=BROKER_URL)
    try:
        wait_for_http(f"{base}/healthz", processes)
        replies = wait_for_worker(app, node, processes)
        assert replies == [{node: {"ok": "pong"}}]
        # The same as production's health check: a broadcast ping that this worker answers.
        assert any(node in reply for reply in app.control.ping(timeout=5))
    finally:
        app.close()

    session = requests.Session()
    login_page = session.get(f"{base}/accounts/login/", timeout=10)
    assert login_page.status_code == 200
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)
    assert match, "no CSRF token on the login page"
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": match.group(1),
            "username": USERNAME,
            "password": PASSWORD,
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert response.status_code == 200, processes.logs()
    # A docent lands on their own work: the klassen dashboard.
    assert response.url == f"{base}/klassen/", response.url
    assert [r.status_code for r in response.history] == [302, 302]
    assert "sessionid" in session.cookies
    assert "<h1" in response.text
    assert USERNAME in response.text  # the navigation shows who is logged in
    assert 'action="/accounts/logout/"' in response.text

    # Front-end packages from npm reach the browser through staticfiles.
    css = session.get(f"{base}/static/vendor/bootstrap/css/bootstrap.min.css", timeout=10)
    assert css.status_code == 200 and "Bootstrap" in css.text[:300]

    processes.check_running()
