import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_dutch_is_default_and_english_available():
    assert settings.LANGUAGE_CODE == "nl"
    assert "en" in dict(settings.LANGUAGES)


def test_passwords_hash_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    assert make_password("x").startswith("argon2$")


@pytest.mark.django_db
def test_csp_header_forbids_inline_script(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_login_page_in_dutch_and_english(client):
    assert "Inloggen" in client.get(reverse("login")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Log in to Bekwaam" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("lockme", password="juist-wachtwoord-9")
    for _ in range(3):
        client.post(reverse("login"), {"username": "lockme", "password": "fout"})
    response = client.post(
        reverse("login"), {"username": "lockme", "password": "juist-wachtwoord-9"}
    )
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen" in response.content.decode()


@pytest.mark.django_db
def test_login_works_with_right_password(client, make_user):
    make_user("welkom", password="juist-wachtwoord-9")
    response = client.post(
        reverse("login"), {"username": "welkom", "password": "juist-wachtwoord-9"}
    )
    assert response.status_code == 302


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "k" * 20 + "Z9!x" + "q" * 40,
        "DJANGO_ALLOWED_HOSTS": "bekwaam.example.nl",
        "DJANGO_SECURE": "1",
        "BEKWAAM_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_needs_no_broker():
    assert settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("redis")


@pytest.mark.django_db
def test_browser_language_does_not_override_dutch_default(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Inloggen bij Bekwaam" in page


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_postgres_planner_settings():
    # No JIT (it compiled for longer than the dashboards' queries ran) and the planner's
    # cost of a random read as for data in memory or on SSD (config/settings.py).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_database_url_options_override_the_planner_settings():
    # A server tuned otherwise says so in DATABASE_URL; its options come last and win.
    default = settings.DATABASES["default"]
    database_url = (
        f"postgres://{default['USER']}@{default['HOST']}:{default['PORT'] or 5432}/postgres"
        "?options=-c%20random_page_cost%3D2"
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--verbosity",
            "0",
            "-c",
            "from django.db import connection\n"
            "c = connection.cursor(); c.execute('SHOW random_page_cost'); print(c.fetchone()[0])\n"
            "c.execute('SHOW jit'); print(c.fetchone()[0])",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "off"]


def test_long_work_has_its_own_queue_and_a_plain_worker_takes_every_queue():
    from config.celery import app
    from reports.services import KLAS_QUEUE

    app.loader.import_default_modules()
    route = app.amqp.router.route
    # A report rush or a large import must not stand in front of mails and thumbnails.
    assert route({}, "reports.tasks.render_report")["queue"].name == "reports"
    assert route({}, "organisation.tasks.run_import")["queue"].name == "imports"
    quick = [name for name in app.tasks if name.split(".")[0] in settings.INSTALLED_APPS]
    quick = [n for n in quick if n not in settings.CELERY_TASK_ROUTES]
    assert "notifications.tasks.send_mail" in quick and "portfolios.tasks.make_thumbnail" in quick
    assert {route({}, name)["queue"].name for name in quick} == {"celery"}
    # `celery worker` without -Q (docker-compose.yml) consumes every queue a task is sent to;
    # a route to a queue it does not know would leave that work waiting for ever.
    routed = {options["queue"] for options in settings.CELERY_TASK_ROUTES.values()}
    routed.add(KLAS_QUEUE)  # chosen when sent (reports.services._enqueue)
    # (Celery adds a routed queue to app.amqp.queues when it first sends to it, but a worker
    # starts with the configured ones only.)
    assert routed | {"celery"} == {queue.name for queue in settings.CELERY_TASK_QUEUES}
