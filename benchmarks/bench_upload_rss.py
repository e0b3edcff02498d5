"""Benchmark: how much one evidence upload raises a gunicorn worker's memory (issue 14).

Starts one sync gunicorn worker on 127.0.0.1 (a free port) against a throwaway SQLite
database, logs in as a student over HTTP, and posts evidence with one file at a time:
a tiny PDF (the baseline, same run), a large JPEG, a large PNG, an MP4 whose ``moov`` box is
tens of MB, and a large PDF. Before each upload the worker's peak RSS is reset
(``/proc/PID/clear_refs``), so each line measures that one request:

    {"benchmark": "upload_rss", "file": "mp4_large_moov", "bytes": ..., "status": 302,
     "rss_before_mb": ..., "peak_increase_mb": ..., "over_baseline_mb": ...,
     "rss_after_increase_mb": ..., "seconds": ...}

``peak_increase_mb`` is the worker's peak RSS during the request minus its RSS before;
``over_baseline_mb`` the same minus the tiny upload's figure (what the file's size adds).
exiftool and webpmux run as child processes; their memory is returned when they exit and
is not the worker's (their peak is printed as ``child_peak_mb`` where Linux reports it).

Run: .venv/bin/python benchmarks/bench_upload_rss.py [--repeat 3]
"""

import argparse
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-upload-" + secrets.token_hex(4)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_kb(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))


def seed(env: dict) -> int:
    """A school, a klas, one student enrolled on one werkproces; returns the enrolment id."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from organisation.models import Cohort, Enrolment, School, User
    from qualifications.models import Dossier, Framework, Kerntaak, Qualification, Werkproces

    dossier = Dossier.objects.create(
        framework=Framework.SBB, code="99998", title="Uploaddossier", opleidingsdomein="Test"
    )
    qualification = Qualification.objects.create(
        dossier=dossier, code="P1", crebo="99981", title="Uploadprofiel", niveau=4
    )
    kerntaak = Kerntaak.objects.create(
        dossier=dossier, part=Kerntaak.Part.BASISDEEL, code="B1-K1", title="K1", position=1
    )
    Werkproces.objects.create(kerntaak=kerntaak, code="B1-K1-W1", title="W1", position=1)
    school = School.objects.create(name="Uploadschool")
    cohort = Cohort.objects.create(
        school=school, name="UP-1", start_year=2026, qualification=qualification
    )
    student = User.objects.create_user(
        username="uploader", password=PASSWORD, role=User.Role.STUDENT, first_name="Up"
    )
    enrolment = Enrolment.objects.create(
        student=student,
        qualification=qualification,
        cohort=cohort,
        started_on=timezone.localdate(),
    )
    return enrolment.pk


def samples(tmp: Path) -> list[tuple[str, str, bytes]]:
    from PIL import Image

    from tests import upload_samples

    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    # Noise does not compress: a 12-megapixel phone photo of about the size phones make.
    noise = Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3))
    jpeg = io.BytesIO()
    noise.save(jpeg, format="JPEG", quality=85, exif=upload_samples.gps_exif().tobytes())
    png = io.BytesIO()
    noise.crop((0, 0, 2000, 1500)).save(
        png, format="PNG", compress_level=1, exif=upload_samples.gps_exif().tobytes()
    )
    movie = upload_samples.movie_with_location(
        tmp, b"isom", moov_padding=30 * 1024 * 1024
    ) + upload_samples.box(b"free", os.urandom(10 * 1024 * 1024))
    big_pdf = pdf + b"%" + os.urandom(40 * 1024 * 1024) + b"\n%%EOF\n"
    return [
        ("tiny_pdf_baseline", "klein.pdf", pdf),
        ("jpeg_12mp", "foto.jpg", jpeg.getvalue()),
        ("png_3mp", "scherm.png", png.getvalue()),
        ("mp4_large_moov", "film.mp4", movie),
        ("pdf_40mb", "verslag.pdf", big_pdf),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--broker",
        default=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/3"),
        help="Redis for Celery, so thumbnails go to a worker as in production; "
        "'' makes them in the web worker (the embedded default)",
    )
    args = parser.parse_args()

    import requests

    work = Path(tempfile.mkdtemp(prefix="bekwaam-bench-upload-"))
    port = free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BEKWAAM_VAR_DIR": str(work / "var"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "BEKWAAM_UPLOAD_MAX_BYTES": str(200 * 1024 * 1024),
        "BEKWAAM_STUDENT_QUOTA_BYTES": str(50 * 1024 * 1024 * 1024),
        "HOME": str(work),
    }
    for key in ("DATABASE_URL", "CELERY_BROKER_URL", "BEKWAAM_CLAMD_URL"):
        os.environ.pop(key, None)
    if args.broker:
        # Thumbnails are queued for a Celery worker (none runs here) and removed afterwards.
        env["CELERY_BROKER_URL"] = args.broker
    enrolment = seed(env)
    files = samples(work)

    server_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    server_env.update(env)
    log = open(work / "gunicorn.log", "wb")  # noqa: SIM115 - closed at the end
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "300",
        ],  # fmt: skip
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        session = requests.Session()
        for _ in range(100):
            try:
                login = session.get(f"{base}/accounts/login/", timeout=60)
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        session.post(
            f"{base}/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": "uploader", "password": PASSWORD},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=10,
        ).raise_for_status()
        worker = int(
            subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=True
            ).stdout.split()[0]
        )
        url = f"{base}/portfolio/{enrolment}/B1-K1-W1/bewijs-toevoegen/"

        def post(name: str, content: bytes) -> int:
            form = session.get(url, timeout=10)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
            response = session.post(
                url,
                data={
                    "csrfmiddlewaretoken": csrf,
                    "title": f"Bench {name}",
                    "date": "2026-10-02",
                    "reflection": "Benchmark.",
                    "links": "",
                },
                files={"files": (name, content, "application/octet-stream")},
                headers={"Referer": url},
                allow_redirects=False,
                timeout=300,
            )
            return response.status_code

        # Warm up: the first requests import and cache what every later request uses.
        for _ in range(3):
            post("klein.pdf", files[0][2])
            post("foto.jpg", files[1][2][:0] or files[0][2])
        baseline = None
        for _ in range(args.repeat):
            for label, name, content in files:
                Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset the peak (VmHWM)
                before = status_kb(worker, "VmRSS")
                started = time.monotonic()
                status = post(name, content)
                seconds = time.monotonic() - started
                peak = status_kb(worker, "VmHWM")
                after = status_kb(worker, "VmRSS")
                increase = (peak - before) / 1024
                if label == "tiny_pdf_baseline":
                    baseline = increase
                print(
                    json.dumps(
                        {
                            "benchmark": "upload_rss",
                            "file": label,
                            "bytes": len(content),
                            "status": status,
                            "rss_before_mb": round(before / 1024, 1),
                            "peak_increase_mb": round(increase, 2),
                            "over_baseline_mb": round(increase - baseline, 2),
                            "rss_after_increase_mb": round((after - before) / 1024, 2),
                            "seconds": round(seconds, 2),
                            "thumbnails": "celery" if args.broker else "in the web worker",
                        }
                    ),
                    flush=True,
                )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        if args.broker:
            import redis

            redis.Redis.from_url(args.broker).delete("celery")  # the queued thumbnail jobs


if __name__ == "__main__":
    main()
