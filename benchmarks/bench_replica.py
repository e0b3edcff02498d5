"""Benchmark: what a streaming replica takes off the primary on the teachers' dashboards.

Starts a PostgreSQL primary and a hot standby on 127.0.0.1 from this machine's PostgreSQL
programs (the same helper as tests/maintenance/test_replica.py; both are removed after),
seeds klassen as bench_dashboard.py does, and requests each klas dashboard (/klassen/<pk>/)
as its mentor through Django's test Client, alternating:

- ``with_replica``: as anyone opens it, the heavy queries on the replica (config.replica);
- ``on_primary``: the same request by the same person just after they wrote something (they
  are pinned to the primary for BEKWAAM_REPLICA_PIN_SECONDS), the baseline of the same run:
  the page as it is without a replica.

Per klas size it prints one JSON line with, for both, the queries and the database time each
server took per page (timed around each query's execute, which with psycopg receives the
whole result) and the page's wall time:

    {"benchmark": "replica_dashboard", "students": 3000, "with_replica": {"primary_queries":
     2, "primary_db_ms": ..., "replica_queries": 7, "replica_db_ms": ..., "median_ms": ...},
     "on_primary": {...}, "primary_db_share": 0.015}

``primary_db_share`` is the primary's database time with the replica over its time without.

Run: .venv/bin/python benchmarks/bench_replica.py [--students 300 3000] [--repeat 10]
(about a minute; needs PostgreSQL's server programs, not a running server)
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dashboard import analyze, as_served, seed_cohort, seed_school, setup_django  # noqa: E402

from tests.pg_replica import postgres_bindir, primary_and_replica, wait_for_replay  # noqa: E402


def request(client, url: str) -> dict:
    from django.db import connections

    spent = {alias: [0, 0.0] for alias in ("default", "replica")}

    def timer(alias):
        def wrapper(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[alias][0] += 1
                spent[alias][1] += time.perf_counter() - started

        return wrapper

    with contextlib.ExitStack() as stack:
        for alias in spent:
            stack.enter_context(connections[alias].execute_wrapper(timer(alias)))
        started = time.perf_counter()
        response = client.get(url)
        wall = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, url
    return {
        "primary_queries": spent["default"][0],
        "primary_db_ms": spent["default"][1] * 1000,
        "replica_queries": spent["replica"][0],
        "replica_db_ms": spent["replica"][1] * 1000,
        "ms": wall,
    }


def summary(samples: list[dict]) -> dict:
    out = {}
    for key in ("primary_queries", "primary_db_ms", "replica_queries", "replica_db_ms"):
        value = statistics.median(s[key] for s in samples)
        out[key] = round(value, 2) if key.endswith("_ms") else int(value)
    out["median_ms"] = round(statistics.median(s["ms"] for s in samples), 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    if postgres_bindir() is None:
        sys.exit("bench_replica.py needs PostgreSQL's server programs (initdb, pg_ctl)")
    with primary_and_replica() as (_cluster, primary, replica):
        os.environ.update(
            DATABASE_URL=primary,
            DATABASE_REPLICA_URL=replica,
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_ALLOWED_HOSTS="localhost,testserver",
            # Asked once a second, as a worker under load would ask every 5 s.
            BEKWAAM_REPLICA_CHECK_SECONDS="1",
        )
        setup_django()  # and migrate the primary
        from django.core.cache import cache
        from django.db import connections

        from config.replica import pin_key

        qualification, school, docent, po, client = seed_school()
        for size in args.students:
            cohort = seed_cohort(qualification, size, school, docent, po)
            analyze()  # the planner's statistics reach the standby with the rest
            wait_for_replay(primary, replica)
            as_served()
            url = f"/klassen/{cohort.pk}/"
            samples = {"with_replica": [], "on_primary": []}
            for _ in range(2):  # warm both servers' caches
                client.get(url)
                cache.set(pin_key(docent.pk), 1, 60)
                client.get(url)
                cache.delete(pin_key(docent.pk))
            for _ in range(args.repeat):
                samples["with_replica"].append(request(client, url))
                cache.set(pin_key(docent.pk), 1, 60)
                samples["on_primary"].append(request(client, url))
                cache.delete(pin_key(docent.pk))
            with_replica, on_primary = (summary(samples[k]) for k in samples)
            print(
                json.dumps(
                    {
                        "benchmark": "replica_dashboard",
                        "students": size,
                        "repeat": args.repeat,
                        "with_replica": with_replica,
                        "on_primary": on_primary,
                        "primary_db_share": round(
                            with_replica["primary_db_ms"] / on_primary["primary_db_ms"], 3
                        ),
                        "load_average": round(os.getloadavg()[0], 1),
                    }
                ),
                flush=True,
            )
        connections.close_all()


if __name__ == "__main__":
    main()
