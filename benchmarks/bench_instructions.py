"""Benchmark: instructions per request of the common pages, counted by valgrind.

bench_pages.py times the same pages in CPU milliseconds, and on a shared 2-core machine the
same code takes from 1× to 1.8× as long from one minute to the next (a plain Python loop of
3 million additions: 111 to 203 ms, seconds apart). An instruction count does not move with
the machine: valgrind's callgrind counts what the Django process executes, so a change of a
few per cent is visible and a before/after can be compared across days (and machines with the
same Python and libraries).

Seeds a throwaway database with ``seed_demo --students N`` (as bench_pages.py), then, per
page, starts one Django process under ``valgrind --tool=callgrind --instr-atstart=no``: it
signs in, asks for the page three times untimed (imports, template compilation, caches),
switches counting on (``callgrind_control -i on``), asks for the page ``--requests`` times
and leaves with ``os._exit`` (no interpreter shutdown in the count). A run that asks for
nothing after switching on gives the fixed cost of switching, subtracted from the others.
Prints per page

    {"benchmark": "page_instructions", "page": "portfolio", "instructions_per_request":
     ..., "baseline": "hello", "baseline_instructions_per_request": ..., "ratio": ...}

where the baseline is a bare "hello" view through the same middleware, signed in, counted in
the same run, and ``ratio`` the page's count over it. PYTHONHASHSEED is fixed so that two runs
of the same code count (nearly) the same.

Needs valgrind (Debian's package); without it, says so and exits 0. The database queries run
in PostgreSQL's process, not counted here (bench_pages.py's wall time includes them).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bk_x \\
     .venv/bin/python benchmarks/bench_instructions.py [--students 300] [--requests 10]
(about five minutes: each page's process starts Django uninstrumented, which valgrind still
slows about tenfold)
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dashboard import analyze, drop_throwaway, setup_django, throwaway_database  # noqa: E402
from bench_pages import add_hello_view, common_pages  # noqa: E402


def child(username: str, url: str, requests: int) -> None:
    """In the process valgrind runs: warm up, count `requests` requests, leave at once."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,testserver")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    if os.environ.get("BENCH_IDEAL_CACHE"):
        import ideal_cache  # noqa: F401 (serves the student pages from its cache)
    from django.test import Client

    from organisation.models import User

    if url == "hello":
        url = add_hello_view()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=username))
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True)
    for _ in range(requests):
        client.get(url)
    sys.stdout.flush()
    os._exit(0)


def count(username: str, url: str, requests: int, env: dict) -> int:
    """Instructions counted by callgrind in one child process."""
    with tempfile.TemporaryDirectory(prefix="bekwaam-cg-") as work:
        out = Path(work) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--child",
                username,
                url,
                str(requests),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        return sum(
            int(m.group(1))
            for path in Path(work).glob("callgrind.out*")
            for m in re.finditer(r"^summary: (\d+)$", path.read_text(), re.MULTILINE)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument(
        "--ceiling",
        nargs="?",
        const="content",
        choices=["content", "page"],
        help="count the student pages served from bench_load's ideal cache (ideal_cache.py)",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        username, url, requests = args.child
        child(username, url, int(requests))
    if not shutil.which("valgrind"):
        print("valgrind is not installed (apt-get install valgrind): nothing counted")
        return
    vendor, drop_url = throwaway_database()
    try:
        setup_django()
        from django.core.management import call_command

        call_command("seed_demo", students=args.students, verbosity=0)
        analyze()
        pages = common_pages()
        from django.db import connections

        connections.close_all()
        # setup_django() has put the settings module and allowed hosts in os.environ.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        if args.ceiling:
            env["BENCH_IDEAL_CACHE"] = args.ceiling
        fixed = count("student", "hello", 0, env)

        def per_request(username: str, url: str) -> int:
            return round((count(username, url, args.requests, env) - fixed) / args.requests)

        hello = per_request("student", "hello")
        for page, username, url in pages:
            instructions = per_request(username, url)
            print(
                json.dumps(
                    {
                        "benchmark": "page_instructions",
                        "database": vendor,
                        "page": page,
                        "as": username,
                        "demo_students": args.students,
                        "requests": args.requests,
                        "ideal_cache": args.ceiling or False,
                        "instructions_per_request": instructions,
                        "baseline": "hello",
                        "baseline_instructions_per_request": hello,
                        "ratio": round(instructions / hello, 1),
                    }
                ),
                flush=True,
            )
    finally:
        drop_throwaway(drop_url)


if __name__ == "__main__":
    main()
