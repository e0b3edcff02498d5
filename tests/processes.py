"""Helpers for tests that start Bekwaam's production processes (gunicorn, Celery workers)
as subprocesses against a throwaway PostgreSQL database and Redis.

Used by the smoke test, the two-node test, the worker-kill test and the layout migration
test; tests/test_compose.py checks that docker-compose.yml starts WEB_PROCESS and
WORKER_PROCESS.
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
START_TIMEOUT = 90
ON_POSTGRES_AND_REDIS = DATABASE_URL.startswith("postgres") and BROKER_URL.startswith("redis")
NEEDS_POSTGRES_AND_REDIS = pytest.mark.skipif(
    not ON_POSTGRES_AND_REDIS,
    reason="needs DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...",
)


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


def app_env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of one Bekwaam process: this machine's, without the test's own
    Django/pytest/Bekwaam settings, on `database_url` and the broker, with its own var/."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "BEKWAAM_", "AWS_"))
        and key not in {"CACHE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=BROKER_URL,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        BEKWAAM_VAR_DIR=str(tmp_path / "var"),
        # gunicorn 27+ keeps a control socket under $HOME: one per run, not one per user.
        HOME=str(tmp_path),
        PYTHONUNBUFFERED="1",
        # Servers the tests start listen on 127.0.0.1; no proxy stands in between.
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    env.update(extra)
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


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(base: str, username: str, password: str):
    """A requests.Session logged in over HTTP as a person would, through the login form."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    assert page.status_code == 200
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": username,
            "password": password,
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert response.status_code == 200 and "sessionid" in session.cookies, response.text[:500]
    return session, response
