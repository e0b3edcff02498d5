"""Stateless web nodes: two gunicorn processes with their own local directories, one
PostgreSQL, one Redis (broker and cache), one S3 server (moto) and a Celery worker.

A student uploads through the first node; the praktijkopleider views and downloads through
the second; a report requested on the first is made by the worker and downloaded from the
second. No node's local media directory receives a single file.
"""

import re
import secrets
import socket
import time

import pytest

from portfolios.management.commands.seed_demo import tiny_png
from tests.portfolio_fixtures import PDF_BYTES, stored_files
from tests.processes import (
    BROKER_URL,
    NEEDS_POSTGRES_AND_REDIS,
    START_TIMEOUT,
    WEB_PROCESS,
    WORKER_PROCESS,
    app_env,
    csrf_token,
    executable,
    free_port,
    fresh_database,
    login,
    manage,
    wait_for_http,
    wait_for_worker,
)
from tests.s3 import bucket_keys, s3_environ

pytestmark = [pytest.mark.smoke, NEEDS_POSTGRES_AND_REDIS]

DEMO_PASSWORD = "bekwaam-demo"
FIND = (
    "from organisation.models import Enrolment;"
    "from qualifications.selectors import werkprocessen_of;"
    "e = Enrolment.objects.get(student__username='student');"
    "w = list(werkprocessen_of(e.qualification).order_by('kerntaak__position', 'position'))[-1];"
    "print('FOUND', e.pk, w.code)"
)


@pytest.fixture
def database():
    with fresh_database("bekwaam_nodes") as url:
        yield url


def wait_until(predicate, processes, what: str):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        processes.check_running()
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail(f"{what} did not happen within {START_TIMEOUT}s\n{processes.logs()}")


def test_two_web_nodes_share_nothing_but_the_database_redis_and_the_bucket(
    database, processes, tmp_path, s3_server, s3_bucket
):
    from celery import Celery

    secret = secrets.token_urlsafe(50)
    shared = {**s3_environ(s3_server, s3_bucket), "CACHE_URL": BROKER_URL}

    def env(name: str):
        home = tmp_path / name
        return app_env(
            database,
            home,
            DJANGO_SECRET_KEY=secret,
            DJANGO_MEDIA_ROOT=str(home / "media"),
            **shared,
        )

    env_a, env_b, env_w = env("node-a"), env("node-b"), env("worker")
    manage(env_a, "migrate", "--noinput")
    manage(env_a, "seed_demo", "--students", "0")
    found = re.search(r"FOUND (\d+) (\S+)", manage(env_a, "shell", "-c", FIND).stdout)
    enrolment_pk, code = found.groups()

    ports = {"a": free_port(), "b": free_port()}
    for name, environment in (("a", env_a), ("b", env_b)):
        argv = [executable(WEB_PROCESS[0]), *WEB_PROCESS[1:]]
        argv += ["--bind", f"127.0.0.1:{ports[name]}", "--workers", "2"]
        processes.start(f"gunicorn-{name}", argv, environment)
    node = f"nodes-{secrets.token_hex(4)}@{socket.gethostname()}"
    worker = [executable(WORKER_PROCESS[0]), *WORKER_PROCESS[1:]]
    processes.start(
        "worker", [*worker, "--pool=solo", "-l", "info", "-n", node, "--without-gossip"], env_w
    )
    a, b = (f"http://127.0.0.1:{ports[n]}" for n in ("a", "b"))
    wait_for_http(f"{a}/healthz", processes)
    wait_for_http(f"{b}/healthz", processes)
    app = Celery("bekwaam-nodes", broker=BROKER_URL)
    try:
        wait_for_worker(app, node, processes)
    finally:
        app.close()

    # The student uploads a PDF and a photo on node A, and submits.
    student, _ = login(a, "student", DEMO_PASSWORD)
    form_url = f"{a}/portfolio/{enrolment_pk}/{code}/bewijs-toevoegen/"
    form = student.get(form_url, timeout=10)
    assert form.status_code == 200
    response = student.post(
        form_url,
        data={
            "csrfmiddlewaretoken": csrf_token(form.text),
            "title": "Verslag twee nodes",
            "date": "2026-10-02",
            "reflection": "Geüpload via node A.",
            "links": "",
        },
        files=[
            ("files", ("verslag-a.pdf", PDF_BYTES, "application/pdf")),
            ("files", ("foto-a.png", tiny_png("teal"), "image/png")),
        ],
        headers={"Referer": form_url},
        timeout=20,
    )
    assert response.status_code == 200, processes.logs()
    evidence_pk = re.search(r"/portfolio/bewijs/(\d+)/", response.url).group(1)
    submit = student.post(
        f"{a}/portfolio/bewijs/{evidence_pk}/indienen/",
        data={"csrfmiddlewaretoken": csrf_token(response.text)},
        headers={"Referer": response.url},
        timeout=10,
    )
    assert submit.status_code == 200 and "Ingediend" in submit.text

    # The praktijkopleider sees and downloads it on node B.
    po, _ = login(b, "praktijkopleider", DEMO_PASSWORD)
    page = po.get(f"{b}/portfolio/bewijs/{evidence_pk}/", timeout=10)
    assert page.status_code == 200 and "verslag-a.pdf" in page.text
    file_url = re.search(r'href="(/portfolio/bestand/\d+/)">verslag-a\.pdf<', page.text).group(1)
    download = po.get(f"{b}{file_url}", timeout=10)
    assert download.status_code == 200, processes.logs()
    assert download.content == PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # The photo's thumbnail was made by the worker (or by node B on demand) into the bucket.
    thumb_url = re.search(r'src="(/portfolio/bestand/\d+/miniatuur/)"', page.text).group(1)
    thumb = po.get(f"{b}{thumb_url}", timeout=10)
    assert thumb.status_code == 200 and thumb.content.startswith(b"\xff\xd8\xff")

    # A report asked for on node A is made by the worker and downloaded from node B.
    portfolio = student.get(f"{a}/portfolio/{enrolment_pk}/", timeout=10)
    requested = student.post(
        f"{a}/rapporten/student/{enrolment_pk}/aanvragen/",
        data={"csrfmiddlewaretoken": csrf_token(portfolio.text)},
        headers={"Referer": portfolio.url},
        timeout=10,
    )
    assert requested.status_code == 200, processes.logs()
    job_pk = re.search(r"/rapporten/(\d+)/", requested.url).group(1)
    student_on_b, _ = login(b, "student", DEMO_PASSWORD)

    def report_ready():
        return student_on_b.get(f"{b}/rapporten/{job_pk}/download/", timeout=10).status_code == 200

    wait_until(report_ready, processes, "the report")
    pdf = student_on_b.get(f"{b}/rapporten/{job_pk}/download/", timeout=10)
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"].startswith("attachment")

    # The cache is Redis: a value one node's process writes, the other's reads.
    key = secrets.token_hex(8)
    manage(env_a, "shell", "-c", f"from django.core.cache import cache; cache.set('{key}', 42)")
    read = manage(
        env_b, "shell", "-c", f"from django.core.cache import cache; print(cache.get('{key}'))"
    )
    assert read.stdout.strip().splitlines()[-1] == "42"

    keys = bucket_keys(s3_server, s3_bucket)
    assert any(k.startswith("reports/") for k in keys)
    assert any(k.startswith("evidence/thumb-") for k in keys)
    for name in ("node-a", "node-b", "worker"):
        assert not stored_files(tmp_path / name / "media"), f"{name} wrote to its local disk"
    processes.check_running()
