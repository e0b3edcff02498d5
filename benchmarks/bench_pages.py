"""Benchmark: CPU time per request of the common pages, on the demo data.

Seeds a throwaway database with ``seed_demo --students N`` and requests, through Django's
test Client as the demo logins, the pages people open most:

- the student's portfolio, a werkproces page and the new-bewijsstuk form (``student``);
- the praktijkopleider's inbox (``praktijkopleider``);
- the klas dashboard of OMS-3A (``docent``).

Per page it prints one JSON line:

    {"benchmark": "page_cpu", "page": "portfolio", "cpu_median_ms": ..., "wall_median_ms":
     ..., "queries": 9, "baseline": "hello", "baseline_cpu_median_ms": ...}

``cpu_median_ms`` is time.process_time() of this (the Django) process around the request:
it leaves out the database server's work and most of the noise of a busy machine, so it is
the figure to compare before and after. The baseline is a bare Django view returning
"hello" through the same middleware, measured in the same run.

The database is never one you use: without DATABASE_URL a temporary SQLite file, with
DATABASE_URL=postgres://.../NAME a database NAME_bench on the same server, dropped after.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bk_x \\
     .venv/bin/python benchmarks/bench_pages.py [--students 300] [--repeat 40]
(about one minute with the defaults)
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dashboard import (  # noqa: E402
    analyze,
    as_served,
    drop_throwaway,
    setup_django,
    throwaway_database,
)


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_served()
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    cpu, wall = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return {
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "wall_median_ms": round(statistics.median(wall), 2),
        "queries": len(ctx.captured_queries),
    }


def common_pages() -> list[tuple[str, str, str]]:
    """(page, username, url) of the pages people open most, on seed_demo's data."""
    from organisation.models import Cohort, Enrolment
    from portfolios.models import Evidence

    enrolment = Enrolment.objects.get(student__username="student")
    evidence = Evidence.objects.filter(enrolment=enrolment).order_by("pk").first()
    code = evidence.werkproces.code
    cohort = Cohort.objects.get(name="OMS-3A")
    return [
        ("portfolio", "student", f"/portfolio/{enrolment.pk}/"),
        ("werkproces", "student", f"/portfolio/{enrolment.pk}/{code}/"),
        ("evidence_form", "student", f"/portfolio/{enrolment.pk}/{code}/bewijs-toevoegen/"),
        ("evidence_detail", "student", f"/portfolio/bewijs/{evidence.pk}/"),
        ("inbox", "praktijkopleider", "/portfolio/inbox/"),
        ("klas_dashboard", "docent", f"/klassen/{cohort.pk}/"),
        # The other pages of the mixed load (bench_load.py).
        ("student_list", "praktijkopleider", "/portfolio/"),
        ("klassen", "docent", "/klassen/"),
    ]


def add_hello_view() -> str:
    """A bare view returning "hello", reached through the full middleware stack."""
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    import config.urls

    config.urls.urlpatterns.insert(0, path("bench-hello/", lambda r: HttpResponse("hello")))
    clear_url_caches()
    return "/bench-hello/"


def hello_baseline(repeat: int) -> float:
    """CPU of a bare view through the full middleware stack, signed in."""
    from django.test import Client

    from organisation.models import User

    url = add_hello_view()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="student"))
    return measure(client, url, repeat)["cpu_median_ms"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    vendor, drop_url = throwaway_database()
    try:
        setup_django()
        from django.core.management import call_command
        from django.test import Client

        from organisation.models import Cohort, User

        started = time.perf_counter()
        call_command("seed_demo", students=args.students, verbosity=0)
        seeded = time.perf_counter() - started
        analyze()
        pages = common_pages()
        cohort = Cohort.objects.get(name="OMS-3A")
        hello = hello_baseline(args.repeat)
        for page, username, url in pages:
            client = Client(HTTP_HOST="localhost")
            client.force_login(User.objects.get(username=username))
            result = measure(client, url, args.repeat)
            print(
                json.dumps(
                    {
                        "benchmark": "page_cpu",
                        "database": vendor,
                        "page": page,
                        "as": username,
                        "demo_students": args.students,
                        "klas_students": cohort.enrolments.count(),
                        "repeat": args.repeat,
                        **result,
                        "baseline": "hello",
                        "baseline_cpu_median_ms": hello,
                        "seed_seconds": round(seeded, 1),
                    }
                ),
                flush=True,
            )
    finally:
        drop_throwaway(drop_url)


if __name__ == "__main__":
    main()
