"""Benchmark: PDF progress reports.

Seeds a throwaway database with the business_services dossier (kwalificatie 25728) and a klas
of N students, each with submitted and accepted evidence on a few werkprocessen and one
sign-off, and prints JSON lines:

    {"benchmark": "report_student", "reports": 30, "median_s": ..., "p90_s": ...}
    {"benchmark": "report_overhead", "median_job_s": ..., "median_weasyprint_s": ...,
     "median_ours_s": ..., "overhead_pct": ..., "overhead_of_medians_pct": ..., "target_pct": 15}
    {"benchmark": "report_cohort", "workers": 1, "students": 30, "runs": 20, "failures": 0,
     "first_try": 20, "median_s": ...}
    {"benchmark": "report_cohort", "workers": 2, ...}
    {"benchmark": "report_cohort_speedup", "speedup": ..., "target": 1.8}

``report_student`` times services.job_run: claim, gathering the data, the template,
WeasyPrint, writing the file and finishing the job. ``report_overhead`` compares that with
the time WeasyPrint itself took inside the same jobs (HTML(...).write_pdf() on the HTML the
job made): the overhead is everything that is ours. ``report_cohort`` needs real workers,
so it runs only with DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...: it
starts one, then two, `celery worker --concurrency=1` processes and times --runs klas reports
each from request to done: the request queues the klas summary and one task per student at
once, the summary renders alongside the students, and whoever finishes last sees to the ZIP.
One worker is the baseline for two; a run fails unless it ends done with one PDF per
student in its ZIP, and counts as first try when every job did its work in one claim.
Each line also gives the serial parts: the request (until everything is queued) and the tail
(last student report done to ZIP done).

The database is never one you use: without DATABASE_URL a temporary SQLite file; with
DATABASE_URL=postgres://.../NAME a database NAME_bench_reports, created here and dropped.

Run: .venv/bin/python benchmarks/bench_reports.py [--students 30] [--runs 20]
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-wachtwoord-2026!"  # noqa: S105 (throwaway database)


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def setup_django(tmp: str) -> str | None:
    os.environ["BEKWAAM_VAR_DIR"] = tmp
    os.environ["DJANGO_MEDIA_ROOT"] = str(Path(tmp) / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    bench_db = None
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        bench_db = f"{parts.path.lstrip('/') or 'bekwaam'}_bench_reports"
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')
        _pg_admin(url, f'CREATE DATABASE "{bench_db}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{bench_db}"))
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", "competenties", "business_services", verbosity=0)
    return bench_db


def seed(students: int):
    from organisation import services as organisation_services
    from organisation.models import User
    from portfolios import services
    from qualifications.export import find_qualification
    from qualifications.selectors import werkprocessen_of

    qualification = find_qualification("25728")
    werkprocessen = list(werkprocessen_of(qualification).order_by("kerntaak__position", "code"))
    mentor = organisation_services.user_create(
        username="mentor", password=PASSWORD, role=User.Role.DOCENT
    )
    school = organisation_services.school_create(name="Benchcollege")
    cohort = organisation_services.cohort_create(
        school=school, name="BENCH-1", start_year=2026, qualification=qualification,
        mentors=[mentor],
    )  # fmt: skip
    bedrijf = organisation_services.leerbedrijf_create(name="Kantoor Noord")
    po_user = organisation_services.user_create(
        username="po", password=PASSWORD, role=User.Role.PRAKTIJKOPLEIDER
    )
    po = organisation_services.praktijkopleider_create(user=po_user, leerbedrijf=bedrijf)
    enrolments = []
    for n in range(students):
        student = organisation_services.user_create(
            username=f"student{n:03}", password=PASSWORD, role=User.Role.STUDENT,
            first_name="Student", last_name=f"Nummer {n}",
        )  # fmt: skip
        enrolment = organisation_services.enrolment_create(
            student=student, qualification=qualification, started_on=datetime.date(2026, 9, 1)
        )
        organisation_services.enrolment_set_cohort(enrolment=enrolment, cohort=cohort)
        organisation_services.bpv_periode_create(
            enrolment=enrolment, praktijkopleider=po, starts_on=datetime.date(2026, 9, 1)
        )
        for wp in werkprocessen[:4]:
            evidence = services.evidence_create(
                student=student, enrolment=enrolment, werkproces=wp,
                title=f"Bewijs voor {wp.code}", reflection="Ik heb dit gedaan.",
                date=datetime.date(2026, 10, 1), links=["https://example.org/bewijs"],
            )  # fmt: skip
            services.evidence_submit(student=student, evidence=evidence)
            services.evidence_review(reviewer=po_user, evidence=evidence, accept=True)
        services.werkproces_sign_off(
            confirm_without_evidence=True,
            actor=po_user,
            enrolment=enrolment,
            werkproces=werkprocessen[0],
            declaration="Ja.",
        )
        enrolments.append(enrolment)
    return cohort, mentor, enrolments


def bench_students(enrolments) -> None:
    from reports import rendering, selectors, services
    from reports.models import ReportJob

    job_times, weasy_times, job_cpu, weasy_cpu = [], [], [], []
    real_html_to_pdf = rendering.html_to_pdf

    def timed_html_to_pdf(*args, **kwargs):
        # WeasyPrint's own share of each job, measured on the very HTML the job made.
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return real_html_to_pdf(*args, **kwargs)
        finally:
            weasy_times.append(time.perf_counter() - started)
            weasy_cpu.append(time.process_time() - cpu)

    rendering.html_to_pdf = timed_html_to_pdf
    for enrolment in enrolments:
        job = ReportJob.objects.create(kind="student", enrolment=enrolment)
        started, cpu = time.perf_counter(), time.process_time()
        assert services.job_run(job_id=job.pk) == "done"
        job_times.append(time.perf_counter() - started)
        job_cpu.append(time.process_time() - cpu)
    rendering.html_to_pdf = real_html_to_pdf
    # Every job rendered (different data per student: nothing was reused).
    assert len(weasy_times) == len(job_times)
    data = selectors.student_report_data(enrolment=enrolments[0])
    job_times, weasy_times = job_times[1:], weasy_times[1:]  # the first loads fonts
    job_cpu, weasy_cpu = job_cpu[1:], weasy_cpu[1:]
    median_job, median_weasy = statistics.median(job_times), statistics.median(weasy_times)
    # Paired: each job's own time beyond its own WeasyPrint call. On a busy machine the two
    # medians come from different jobs, and WeasyPrint's variance would swamp ours.
    ours = statistics.median(j - w for j, w in zip(job_times, weasy_times, strict=True))
    # The same in this process's CPU time: what a busy machine does to the wall clock
    # (waiting for a core, for PostgreSQL) drops out; round trips count only as the
    # Python work around them.
    ours_cpu = statistics.median(j - w for j, w in zip(job_cpu, weasy_cpu, strict=True))
    median_weasy_cpu = statistics.median(weasy_cpu)
    print(
        json.dumps(
            {
                "benchmark": "report_student",
                "reports": len(job_times),
                "werkprocessen": sum(len(k["werkprocessen"]) for k in data["kerntaken"]),
                "median_s": round(median_job, 3),
                "p90_s": round(statistics.quantiles(job_times, n=10)[-1], 3),
            }
        )
    )
    print(
        json.dumps(
            {
                "benchmark": "report_overhead",
                "median_job_s": round(median_job, 3),
                "median_weasyprint_s": round(median_weasy, 3),
                "median_ours_s": round(ours, 3),
                "overhead_pct": round(100 * ours / median_weasy, 1),
                "overhead_of_medians_pct": round(100 * (median_job / median_weasy - 1), 1),
                "median_weasyprint_cpu_s": round(median_weasy_cpu, 3),
                "median_ours_cpu_s": round(ours_cpu, 3),
                "overhead_cpu_pct": round(100 * ours_cpu / median_weasy_cpu, 1),
                "target_pct": 15,
            }
        )
    )


def _start_workers(workers: int, tmp: str, env: dict) -> tuple[list, list[str]]:
    celery = str(Path(sys.executable).parent / "celery")
    procs, names = [], []
    for n in range(workers):
        name = f"bench{n}-{os.getpid()}@localhost"
        names.append(name)
        log = open(Path(tmp) / f"worker{workers}-{n}.log", "wb")  # noqa: SIM115
        procs.append(
            subprocess.Popen(
                [
                    celery,
                    "-A",
                    "config",
                    "worker",
                    "--concurrency=1",
                    "-l",
                    "warning",
                    "-n",
                    name,
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        )
    return procs, names


def zip_entries(job) -> list[str]:
    import zipfile

    from django.core.files.storage import default_storage

    with default_storage.open(job.archive, "rb") as handle, zipfile.ZipFile(handle) as archive:
        return archive.namelist()


def bench_cohort(cohort, mentor, students: int, tmp: str, runs: int) -> None:
    """One worker is the baseline; two must be >= 1.8 x as fast, with no failed run."""
    from django.conf import settings

    from config.celery import app
    from reports import services
    from reports.models import ReportJob

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    medians = {}
    for workers in (1, 2):
        procs, names = _start_workers(workers, tmp, env)
        times, failures, first_try, requests, tails = [], 0, 0, [], []
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if len(app.control.ping(destination=names, timeout=1)) == workers:
                    break
            for _run in range(runs):
                # A fresh report each run: the same data would reuse the last one's PDF.
                ReportJob.objects.all().delete()
                shutil.rmtree(Path(settings.MEDIA_ROOT) / "reports", ignore_errors=True)
                started = time.perf_counter()
                # Returns once the parent and every child are queued (on commit).
                job = services.report_request(user=mentor, cohort=cohort)
                requests.append(time.perf_counter() - started)
                while True:
                    job.refresh_from_db()
                    if job.status in ("done", "failed"):
                        break
                    time.sleep(0.05)
                times.append(time.perf_counter() - started)
                children = list(job.children.all())
                if job.status != "done" or len(zip_entries(job)) != students + 1:
                    failures += 1
                    continue
                # First try: one claim that did real work each (a parent that waited for its
                # children gave that claim's attempt back), nothing retried or swept.
                if job.attempts == 1 and all(c.attempts == 1 for c in children):
                    first_try += 1
                # The serial tail: from the last student report to the klas report done
                # (the ZIP; the summary was rendered in parallel unless it came last).
                last_child = max(c.finished_at for c in children)
                tails.append((job.finished_at - last_child).total_seconds())
        finally:
            for proc in procs:
                os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=30)
        medians[workers] = statistics.median(times)
        print(
            json.dumps(
                {
                    "benchmark": "report_cohort",
                    "workers": workers,
                    "students": students,
                    "runs": runs,
                    "failures": failures,
                    "first_try": first_try,
                    "median_s": round(medians[workers], 2),
                    "min_s": round(min(times), 2),
                    "max_s": round(max(times), 2),
                    # Request to parent and children queued; last child done to ZIP done.
                    "median_request_s": round(statistics.median(requests), 3),
                    "median_tail_s": round(statistics.median(tails), 3) if tails else None,
                    "reports_per_second": round(students / medians[workers], 2),
                }
            )
        )
    print(
        json.dumps(
            {
                "benchmark": "report_cohort_speedup",
                "baseline": "1 worker, same run",
                "speedup": round(medians[1] / medians[2], 2),
                "target": 1.8,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--runs", type=int, default=20, help="klas reports per worker count")
    args = parser.parse_args()
    original_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        bench_db = setup_django(tmp)
        try:
            cohort, mentor, enrolments = seed(args.students)
            bench_students(enrolments)
            broker = os.environ.get("CELERY_BROKER_URL", "")
            if bench_db and broker.startswith("redis"):
                bench_cohort(cohort, mentor, args.students, tmp, args.runs)
        finally:
            if bench_db:
                from django.db import connections

                connections.close_all()
                _pg_admin(original_url, f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
