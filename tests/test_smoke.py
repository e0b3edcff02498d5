"""Smoke test: the production processes against real PostgreSQL and Redis.

Runs only when DATABASE_URL points at PostgreSQL and CELERY_BROKER_URL at Redis (as in CI's
second pass). It makes its own database on that server, migrates it, creates a docent, starts
gunicorn and a Celery worker as subprocesses, logs in over HTTP as a person would and pings
the worker through the broker. Everything it started is stopped and dropped at the end.

tests/test_compose.py checks that docker-compose.yml starts the same processes
(WEB_PROCESS, WORKER_PROCESS).
"""

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent

# What production runs (docker-compose.yml): the smoke test starts these very commands.
WEB_PROCESS = ["gunicorn", "config.wsgi:application"]
WORKER_PROCESS = ["celery", "-A", "config", "worker"]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
USERNAME = "smoke-docent"
PASSWORD = "Smoke-wachtwoord-2026!"
START_TIMEOUT = 90

pytestmark = [
    pytest.mark.smoke,
    pytest.mark.skipif(
        not (DATABASE_URL.startswith("postgres") and BROKER_URL.startswith("redis")),
        reason="needs DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...",
    ),
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def executable(name: str) -> str:
    path = BIN_DIR / name
    return str(path) if path.exists() else name


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return "(no output)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def fresh_database(prefix: str):
    """A fresh database on DATABASE_URL's server, dropped afterwards; yields its URL.

    Processes started by these tests cannot share pytest-django's test database, which lives
    inside a transaction they would never see.
    """
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{secrets.token_hex(6)}"
    with psycopg.connect(DATABASE_URL, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(DATABASE_URL)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(DATABASE_URL, dbname="postgres", autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def smoke_database():
    with fresh_database("bekwaam_smoke") as url:
        yield url


@pytest.fixture
def smoke_env(smoke_database, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "BEKWAAM_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=smoke_database,
        CELERY_BROKER_URL=BROKER_URL,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        BEKWAAM_VAR_DIR=str(tmp_path / "var"),
        # gunicorn 27+ keeps a control socket under $HOME: one per run, not one per user.
        HOME=str(tmp_path),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args, timeout=300):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
    return result


class Processes:
    """Subprocesses with their output in log files; stop() ends every one of them."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.started: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, argv: list[str], env) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                argv,
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append((name, proc, log))
        return proc

    def check_running(self):
        for name, proc, log in self.started:
            if proc.poll() is not None:
                pytest.fail(f"{name} exited with {proc.returncode}:\n{tail(log)}")

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{tail(log)}" for name, _, log in self.started)

    def stop(self):
        for _, proc, _ in self.started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _, proc, _ in self.started:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@pytest.fixture
def processes(tmp_path):
    procs = Processes(tmp_path)
    try:
        yield procs
    finally:
        procs.stop()


def wait_for_http(url: str, processes: Processes):
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        processes.check_running()
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or a worker still booting
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {START_TIMEOUT}s\n{processes.logs()}")


def wait_for_worker(app, node: str, processes: Processes):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        processes.check_running()
        replies = app.control.ping(destination=[node], timeout=1)
        if any(node in reply for reply in replies):
            return replies
        time.sleep(0.3)
    pytest.fail(f"worker {node} did not answer a ping within {START_TIMEOUT}s\n{processes.logs()}")


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
    assert response.url == f"{base}/kwalificaties/", response.url
    assert [r.status_code for r in response.history] == [302, 302]
    assert "sessionid" in session.cookies
    assert "<h1" in response.text
    assert USERNAME in response.text  # the navigation shows who is logged in
    assert 'action="/accounts/logout/"' in response.text

    # Front-end packages from npm reach the browser through staticfiles.
    css = session.get(f"{base}/static/vendor/bootstrap/css/bootstrap.min.css", timeout=10)
    assert css.status_code == 200 and "Bootstrap" in css.text[:300]

    processes.check_running()
