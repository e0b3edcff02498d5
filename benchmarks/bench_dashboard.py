"""Benchmark: the teachers' cohort dashboard (/klassen/<pk>/) for large klassen, and the
school overview (/klassen/school/) for whole schools.

Seeds a throwaway database with one kwalificatie of 8 werkprocessen (2 kerntaken) and, per
size, a klas of N students with a BPV-periode and a mix of progress (evidence submitted,
accepted, signed off; some werkprocessen not feasible). It then requests the dashboard as
the klas's mentor through Django's test Client and prints one JSON line per size:

    {"benchmark": "cohort_dashboard", "database": "postgresql", "students": 300,
     "werkprocessen": 8, "median_ms": ..., "p90_ms": ..., "queries": 18, ...}

``median_ms`` is the server time (middleware, queries and template) of repeated requests
after two warm-up requests; ``django_cpu_median_ms`` the CPU time of the Django process
alone, which says more than wall time on a busy machine. Each line carries its same-run
baseline, a klas of 30 in the same database (``baseline_median_ms``: the page's fixed
cost), the page filtered to the students behind (``behind_page2_*``, second matrix page)
and the load average.

The database is never one you use: without DATABASE_URL a temporary SQLite file (through
BEKWAAM_VAR_DIR); with DATABASE_URL=postgres://.../NAME a database NAME_bench on the same
server, created here and dropped afterwards.

The school overview (``--school 1000 3000 10000``) grows one school in klassen of
``--klas-size`` students and, at each size, prints

    {"benchmark": "school_overview", "students": 10000, "median_ms": ..., "queries": 13,
     "page_klassen": 50, "selector_all_klassen_median_ms": ..., "baseline_median_ms": ...,
     "baseline_queries": ..., "speedup": ...}

``median_ms`` is the page as a beheerder opens it (paged: the first 50 klassen);
``selector_all_klassen_median_ms`` works out every klas of the school at once, as does the
baseline: the previous implementation (progress from IN-lists of every
enrolment id, every BPV-periode and a planning sentence per student, built in Python), kept here
only as the yardstick and run on the same data in the same process.

After each klas it also prints the assessor's queue (/beoordelen/) and the mentor's results
list (/resultaten/), both paged, over every student of the benchmark's klassen, with the
same lists of the klas of 30 alone as their baseline:

    {"benchmark": "assessment_lists", "students_listed": 3330, "queue_median_ms": ...,
     "results_median_ms": ..., "baseline_queue_median_ms": ..., ...}

Run: .venv/bin/python benchmarks/bench_dashboard.py [--students 30 300 1000] [--repeat 15]
     [--school 1000 3000 10000] [--klas-size 25]
For issue 14's figures (about 1.5 minutes on this 2-core machine, most of it seeding):
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/bekwaam \
     .venv/bin/python benchmarks/bench_dashboard.py --students 3000 --school 1000 3000 10000 \
     --repeat 10
"""

import argparse
import datetime
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WERKPROCESSEN = 8


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(sql)


def throwaway_database() -> tuple[str, str | None]:
    """Point the settings at a fresh database; return (vendor, postgres url to drop)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        os.environ["BEKWAAM_VAR_DIR"] = tempfile.mkdtemp(prefix="bekwaam-bench-")
        return "sqlite", None
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    bench_url = urlunsplit(parts._replace(path="/" + name))
    _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    _pg_admin(url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url
    return "postgresql", bench_url


def drop_throwaway(drop_url: str | None) -> None:
    """Drop the database throwaway_database() made (nothing to do for SQLite)."""
    if drop_url:
        from django.db import connections

        connections.close_all()
        name = urlsplit(drop_url).path.lstrip("/")
        _pg_admin(drop_url, f'DROP DATABASE IF EXISTS "{name}"')


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_dossier():
    from qualifications.models import Dossier, Framework, Kerntaak, Qualification, Werkproces

    dossier = Dossier.objects.create(
        framework=Framework.SBB, code="99999", title="Benchmarkdossier", opleidingsdomein="Test"
    )
    qualification = Qualification.objects.create(
        dossier=dossier, code="P1", crebo="99991", title="Benchmarkprofiel", niveau=4
    )
    for k in (1, 2):
        kerntaak = Kerntaak.objects.create(
            dossier=dossier,
            part=Kerntaak.Part.BASISDEEL,
            code=f"B1-K{k}",
            title=f"Kerntaak {k}",
            position=k,
        )
        for w in range(1, WERKPROCESSEN // 2 + 1):
            Werkproces.objects.create(
                kerntaak=kerntaak, code=f"B1-K{k}-W{w}", title=f"Werkproces {k}.{w}", position=w
            )
    return qualification


_PASSWORDS: list[str] = []


def _password(make_password) -> str:
    # One hash for every bench student: hashing is deliberately slow, and a school of 400
    # klassen would otherwise spend most of its seeding time on it.
    if not _PASSWORDS:
        _PASSWORDS.append(make_password("bench"))
    return _PASSWORDS[0]


def seed_cohort(qualification, size: int, school, docent, po, tag: str = ""):
    """A klas of ``size`` students with varied progress, in bulk. Every third bewijsstuk
    also serves the next werkproces (one bewijsstuk, several werkprocessen)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from organisation.models import BpvPeriode, Cohort, Enrolment, User
    from portfolios.models import (
        Evidence,
        EvidenceEvent,
        EvidenceLink,
        EvidenceVersion,
        FeasibilityEvent,
        SignOffEvent,
    )
    from qualifications.selectors import werkprocessen_of

    today = timezone.localdate()
    prefix = f"s{size}{tag}-"
    cohort = Cohort.objects.create(
        school=school, name=f"BENCH-{size}{tag}", start_year=2026, qualification=qualification
    )
    cohort.mentors.add(docent)
    password = _password(make_password)
    names = [f"{prefix}{i:05d}" for i in range(size)]
    User.objects.bulk_create(
        [
            User(
                username=name,
                first_name=f"Student{i}",
                last_name=f"Bench{size}",
                role=User.Role.STUDENT,
                password=password,
            )
            for i, name in enumerate(names)
        ]
    )
    # By the exact names: "s30-" is also the start of the baseline klas's "s30-baseline-".
    users = list(User.objects.filter(username__in=names).order_by("username"))
    Enrolment.objects.bulk_create(
        [
            Enrolment(student=u, qualification=qualification, cohort=cohort, started_on=today)
            for u in users
        ]
    )
    enrolments = list(Enrolment.objects.filter(cohort=cohort).order_by("pk"))
    BpvPeriode.objects.bulk_create(
        [
            BpvPeriode(
                enrolment=e,
                leerbedrijf=po.leerbedrijf,
                praktijkopleider=po,
                starts_on=today - datetime.timedelta(days=60),
                ends_on=today + datetime.timedelta(days=60 + i % 90),
            )
            for i, e in enumerate(enrolments)
        ]
    )
    wps = list(werkprocessen_of(qualification).order_by("kerntaak__position", "position"))
    # Student i has bewijs on the first (i % 5) werkprocessen.
    Evidence.objects.bulk_create(
        [
            Evidence(enrolment=e, werkproces=wp, title="Verslag", date=today, links=["https://x"])
            for i, e in enumerate(enrolments)
            for wp in wps[: i % 5]
        ]
    )
    evidence = list(Evidence.objects.filter(enrolment__cohort=cohort).order_by("pk"))
    position = {wp.pk: n for n, wp in enumerate(wps)}
    EvidenceLink.objects.bulk_create(
        [EvidenceLink(evidence=ev, werkproces_id=ev.werkproces_id) for ev in evidence]
        + [
            EvidenceLink(evidence=ev, werkproces=wps[position[ev.werkproces_id] + 1])
            for ev in evidence[::3]
            if position[ev.werkproces_id] + 1 < len(wps)
        ]
    )
    EvidenceVersion.objects.bulk_create(
        [EvidenceVersion(evidence=ev, number=1, title=ev.title, date=ev.date) for ev in evidence]
    )
    versions = {v.evidence_id: v for v in EvidenceVersion.objects.filter(evidence__in=evidence)}
    actor = {"actor": po.user, "actor_name": "po", "actor_role": User.Role.PRAKTIJKOPLEIDER}
    events = [
        EvidenceEvent(evidence=ev, version=versions[ev.pk], kind="submitted", **actor)
        for ev in evidence
    ]
    events += [
        EvidenceEvent(evidence=ev, version=versions[ev.pk], kind="accepted", **actor)
        for ev in evidence[::2]
    ]
    EvidenceEvent.objects.bulk_create(events)
    SignOffEvent.objects.bulk_create(
        [
            SignOffEvent(enrolment=e, werkproces=wp, kind="signed", **actor)
            for i, e in enumerate(enrolments)
            for wp in wps[: i % 4]
        ]
    )
    FeasibilityEvent.objects.bulk_create(
        [
            FeasibilityEvent(
                enrolment=e,
                werkproces=wps[-1],
                leerbedrijf=po.leerbedrijf,
                kind="not_feasible",
                reason="Kan hier niet",
                **actor,
            )
            for e in enrolments[::10]
        ]
    )
    return cohort


def as_served() -> None:
    """Leave this process's heap as a gunicorn worker's is: config/wsgi.py freezes what
    loading the app allocated, so full garbage collections skip it. This process also
    seeded thousands of students; unfrozen, what is left of that (some 200 000 objects) was
    walked by every full collection of the measured requests, 50 of the 250 ms of the klas
    of 3 000, a cost no web worker has."""
    gc.collect()
    gc.freeze()


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_served()
    for _ in range(2):
        assert client.get(url).status_code == 200
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(sorted(times)[int(0.9 * (len(times) - 1))], 1),
        "min_ms": round(min(times), 1),
        # CPU time of this (the Django) process only: less disturbed by other load on the
        # machine, but without the database server's own work.
        "django_cpu_median_ms": round(statistics.median(cpu), 1),
        "queries": len(ctx.captured_queries),
        "bytes": len(response.content),
    }


def analyze() -> None:
    """Fresh planner statistics after a bulk seed, as autovacuum gives a live database
    soon after; without them PostgreSQL plans for the empty tables it last saw."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def progress_sql_ms(enrolments, repeat: int = 5) -> float | None:
    """PostgreSQL's own Execution Time (EXPLAIN ANALYZE, best of `repeat`) of the progress
    query for these students: the database's share, whatever else the machine is doing."""
    from django.db import connection

    from assessments import progress

    if connection.vendor != "postgresql":
        return None
    sql, params = progress._facts_sql(progress.enrolment_queryset(enrolments))
    sql += "SELECT enrolment_id, stage, COUNT(*) FROM facts GROUP BY enrolment_id, stage"
    best = None
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            ms = plan[0]["Execution Time"]
            best = ms if best is None else min(best, ms)
    return round(best, 1)


def timed(func, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        func()
    return times, len(ctx.captured_queries)


def baseline_overview(user, today):
    """The school overview as it was computed before issue 14 (kept only as a yardstick):
    progress from IN-lists of every enrolment id folded in Python, every BPV-periode that
    ever started, and the planning sentence per student."""
    from collections import defaultdict

    from assessments.models import Vaststelling
    from assessments.planning import behind_reason
    from assessments.selectors import (
        ProgressState,
        Stage,
        _werkprocessen_by_qualification,
    )
    from dashboards.selectors import CohortSummary
    from organisation.models import BpvPeriode, Enrolment
    from organisation.permissions import visible_cohorts
    from portfolios.models import Evidence, EvidenceLink, EvidenceStatus, SignOffEvent
    from portfolios.selectors import with_status

    cohorts = list(
        visible_cohorts(user)
        .select_related("school", "qualification")
        .order_by("school__name", "-start_year", "name")
    )
    summaries = {c.pk: CohortSummary(c) for c in cohorts}
    enrolments = list(Enrolment.objects.filter(cohort__in=cohorts))
    ids = [e.pk for e in enrolments]
    wps = _werkprocessen_by_qualification({e.qualification_id for e in enrolments})
    evidence_stage = defaultdict(lambda: Stage.NO_EVIDENCE)
    kinds = {
        pk: (enrolment_id, kind)
        for pk, enrolment_id, kind in with_status(
            Evidence.objects.filter(enrolment_id__in=ids)
        ).values_list("pk", "enrolment_id", "last_kind")
    }
    for evidence_id, werkproces_id in EvidenceLink.objects.filter(
        evidence__enrolment_id__in=ids
    ).values_list("evidence_id", "werkproces_id"):
        enrolment_id, kind = kinds[evidence_id]
        key = (enrolment_id, werkproces_id)
        if kind == EvidenceStatus.ACCEPTED:
            evidence_stage[key] = max(evidence_stage[key], Stage.ACCEPTED)
        elif kind in (EvidenceStatus.SUBMITTED, EvidenceStatus.RETURNED):
            evidence_stage[key] = max(evidence_stage[key], Stage.SUBMITTED)
    signed = SignOffEvent.objects.filter(enrolment_id__in=ids).current_kinds(
        "enrolment_id", "werkproces_id"
    )
    outcomes = {}
    for e_id, wp_id, outcome in (
        Vaststelling.objects.filter(beoordeling__enrolment_id__in=ids)
        .order_by("number")
        .values_list("beoordeling__enrolment_id", "beoordeling__werkproces_id", "outcome")
    ):
        outcomes[(e_id, wp_id)] = outcome
    per_enrolment = defaultdict(list)
    for enrolment in enrolments:
        for wp in wps.get(enrolment.qualification_id, []):
            key = (enrolment.pk, wp.pk)
            if key in outcomes:
                state = ProgressState(Stage.ASSESSED, outcomes[key])
            elif signed.get(key) == SignOffEvent.Kind.SIGNED:
                state = ProgressState(Stage.SIGNED_OFF)
            else:
                state = ProgressState(evidence_stage[key])
            per_enrolment[enrolment.pk].append(state)
    bpvs = {}
    for bpv in (
        BpvPeriode.objects.filter(enrolment__in=ids, starts_on__lte=today)
        .select_related("leerbedrijf")
        .order_by("starts_on", "id")
    ):
        if bpv.ends_on is None or bpv.ends_on >= today:
            bpvs[bpv.enrolment_id] = bpv
    for enrolment in enrolments:
        summary = summaries[enrolment.cohort_id]
        states = per_enrolment[enrolment.pk]
        summary.students += 1
        summary.werkprocessen = max(summary.werkprocessen, len(states))
        summary.stages.update(s.stage for s in states)
        done = sum(1 for s in states if s.stage >= Stage.SIGNED_OFF)
        summary.done += done
        bpv = bpvs.get(enrolment.pk)
        reason = behind_reason(done=done, total=len(states), bpv=bpv, today=today)[1]
        summary.behind += bool(reason)
    return list(summaries.values())


def bench_school(args, vendor, qualification, school, docent, po) -> None:
    from django.test import Client
    from django.utils import timezone

    from dashboards.selectors import OVERVIEW_PAGE_SIZE, cohort_overview
    from organisation.models import Enrolment, User

    beheerder = User.objects.create_user("bench-beheerder", role=User.Role.BEHEERDER)
    client = Client(HTTP_HOST="localhost")
    client.force_login(beheerder)
    today = timezone.localdate()
    students = 0
    for target in args.school:
        started = time.perf_counter()
        while students < target:
            size = min(args.klas_size, target - students)
            seed_cohort(qualification, size, school, docent, po, tag=f"-k{students}")
            students += size
        seeded = time.perf_counter() - started
        analyze()
        new = {(c.cohort.pk, c.students, c.done, c.behind) for c in cohort_overview(user=beheerder)}
        old = {
            (c.cohort.pk, c.students, c.done, c.behind) for c in baseline_overview(beheerder, today)
        }
        assert new == old, "the SQL overview and the baseline disagree"
        result = measure(client, "/klassen/school/", args.repeat)
        # The old path takes seconds at 10 000 students: three runs are plenty.
        base_times, base_queries = timed(
            lambda: baseline_overview(beheerder, today), min(args.repeat, 3)
        )
        sql_times, _q = timed(lambda: cohort_overview(user=beheerder), args.repeat)
        print(
            json.dumps(
                {
                    "benchmark": "school_overview",
                    "database": vendor,
                    "students": students,
                    "klassen_of": args.klas_size,
                    "werkprocessen": WERKPROCESSEN,
                    "repeat": args.repeat,
                    **result,
                    # The page shows OVERVIEW_PAGE_SIZE klassen; the selector below (and the
                    # baseline) work out every klas of the school at once.
                    "page_klassen": min(OVERVIEW_PAGE_SIZE, -(-students // args.klas_size)),
                    "selector_all_klassen_median_ms": round(statistics.median(sql_times), 1),
                    "baseline_median_ms": round(statistics.median(base_times), 1),
                    "baseline_queries": base_queries,
                    "speedup": round(
                        statistics.median(base_times) / statistics.median(sql_times), 1
                    ),
                    "progress_sql_all_klassen_ms": progress_sql_ms(Enrolment.objects.all()),
                    "load_average": round(os.getloadavg()[0], 1),
                    "seed_seconds": round(seeded, 1),
                }
            ),
            flush=True,
        )


def seed_school():
    """The dossier, a school, its docent and praktijkopleider, and a Client signed in as
    the docent: what every klas of these benchmarks is seeded into."""
    from django.test import Client

    from organisation import services as organisation_services
    from organisation.models import User

    qualification = seed_dossier()
    school = organisation_services.school_create(name="Benchmarkschool")
    docent = User.objects.create_user("bench-docent", role=User.Role.DOCENT)
    po_user = User.objects.create_user("bench-po", role=User.Role.PRAKTIJKOPLEIDER)
    bedrijf = organisation_services.leerbedrijf_create(name="Benchmarkbedrijf")
    po = organisation_services.praktijkopleider_create(user=po_user, leerbedrijf=bedrijf)
    client = Client(HTTP_HOST="localhost")
    client.force_login(docent)
    return qualification, school, docent, po, client


def assessor_client(cohort):
    """A Client signed in as an assessor of this klas (more are assigned with assign())."""
    from django.test import Client

    from organisation.models import User

    assessor = User.objects.create_user("bench-assessor", role=User.Role.ASSESSOR)
    client = Client(HTTP_HOST="localhost")
    client.force_login(assessor)
    client.assessor = assessor
    assign(client, cohort)
    return client


def assign(assessor_client, cohort) -> None:
    from organisation.models import AssessorAssignment

    AssessorAssignment.objects.create(assessor=assessor_client.assessor, cohort=cohort)


def measure_lists(mentor_client, assessor_client, repeat: int) -> dict:
    """The assessor's queue and the mentor's results list, first page."""
    queue = measure(assessor_client, "/beoordelen/", repeat)
    results = measure(mentor_client, "/resultaten/", repeat)
    return {
        **{f"queue_{k}": queue[k] for k in ("median_ms", "queries", "bytes")},
        **{f"results_{k}": results[k] for k in ("median_ms", "queries", "bytes")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[30, 300, 1000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--school", type=int, nargs="*", default=[])
    parser.add_argument("--klas-size", type=int, default=25)
    args = parser.parse_args()
    vendor, drop_url = throwaway_database()
    try:
        setup_django()
        qualification, school, docent, po, client = seed_school()
        from organisation.models import Enrolment

        # The same-run baseline of the klas dashboard: a klas of 30 in the same database,
        # the page's fixed cost (layout, middleware, the queries that do not grow); and of
        # the assessment lists: the same lists while that klas is all there is.
        base_klas = seed_cohort(qualification, 30, school, docent, po, tag="-baseline")
        assessing = assessor_client(base_klas)
        analyze()
        lists_baseline = measure_lists(client, assessing, args.repeat)
        if args.school:
            bench_school(args, vendor, qualification, school, docent, po)
        analyze()
        baseline = measure(client, f"/klassen/{base_klas.pk}/", args.repeat)
        for size in args.students:
            started = time.perf_counter()
            cohort = seed_cohort(qualification, size, school, docent, po)
            seeded = time.perf_counter() - started
            analyze()
            url = f"/klassen/{cohort.pk}/"
            result = measure(client, url, args.repeat)
            behind = measure(client, url + "?achter=1&pagina=2", max(3, args.repeat // 3))
            print(
                json.dumps(
                    {
                        "benchmark": "cohort_dashboard",
                        "database": vendor,
                        "students": size,
                        "werkprocessen": WERKPROCESSEN,
                        "repeat": args.repeat,
                        **result,
                        "progress_sql_ms": progress_sql_ms(cohort.enrolments.all()),
                        # Filtered to the students behind, second page of the matrix.
                        "behind_page2_median_ms": behind["median_ms"],
                        "behind_page2_django_cpu_median_ms": behind["django_cpu_median_ms"],
                        "baseline_students": 30,
                        "baseline_median_ms": baseline["median_ms"],
                        "baseline_django_cpu_median_ms": baseline["django_cpu_median_ms"],
                        "baseline_queries": baseline["queries"],
                        "load_average": round(os.getloadavg()[0], 1),
                        "seed_seconds": round(seeded, 1),
                    }
                ),
                flush=True,
            )
            assign(assessing, cohort)
            print(
                json.dumps(
                    {
                        "benchmark": "assessment_lists",
                        "database": vendor,
                        "students_listed": Enrolment.objects.filter(cohort__mentors=docent).count(),
                        **measure_lists(client, assessing, args.repeat),
                        "baseline_students": 30,
                        **{f"baseline_{k}": v for k, v in lists_baseline.items()},
                    }
                ),
                flush=True,
            )
    finally:
        drop_throwaway(drop_url)


if __name__ == "__main__":
    main()
