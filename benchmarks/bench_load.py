"""Benchmark: a mixed load of 50 signed-in users on gunicorn, against a bare Django "hello".

Both servers run with the compose settings (gunicorn, 3 sync workers) on 127.0.0.1, one at a
time, in interleaved rounds (hello, Bekwaam, hello, Bekwaam, ...) so a busy machine slows
both alike. Bekwaam runs on a throwaway database with seed_demo. Each of the 50 users is
signed in once before timing (as a student, praktijkopleider or docent) and then asks, in a
loop, for the pages of their daily work: portfolio, werkproces page, evidence form; inbox;
klas dashboard. One JSON line per round and a summary:

    {"benchmark": "mixed_load", "round": 1, "server": "bekwaam", "rps": ..., "p95_ms": ...,
     "errors": 0, "requests": ...}
    {"benchmark": "mixed_load_summary", "ratio": 0.07, "bekwaam_rps": ..., "hello_rps": ...,
     "bekwaam_p95_ms": ..., "errors": 0}

--ceiling adds a third server to every round: the same app with the three student pages
served from an ideal cache that is never invalidated (ideal_cache.py; not correct, a
benchmark only), printed as "ideal_cache" with its ratio: how far caching rendered pages
could take the mix at best (--ceiling page: whole pages, base.html included).

Bounded: --rounds rounds of --seconds seconds each (after --warmup untimed passes over every
user's pages, so a freshly started worker's imports and template compilation are not
timed), 127.0.0.1 only. About three minutes with the defaults, most of it seed_demo.

The load comes from wrk (Debian's `wrk`, written in C) when it is installed, else from 50
Python threads. A Python client spends about a millisecond of CPU per request itself: on
this 2-core machine it caps the bare hello at 500–770 requests a second (the server is
then half idle) and takes CPU from Bekwaam too, so a ratio against it flatters Bekwaam.
wrk opens one connection per user and sends each user's signed-in requests in turn;
`"client"` in every line says which one ran.
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bekwaam \
     .venv/bin/python benchmarks/bench_load.py
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bekwaam-demo"  # seed_demo's demo password  # noqa: S105
STUDENTS = ["student", "student-p1", "student-bk"] + [f"demo-{i:04d}" for i in range(1, 26)]
PRAKTIJKOPLEIDERS = ["praktijkopleider", "po-balans", "po-anker", "po-oost"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_admin(url: str, sql: str) -> None:
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def start(argv: list[str], env: dict, port: int, log: Path, probe: str = "/") -> subprocess.Popen:
    process = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}{probe}", timeout=10)
            return process
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"server did not start: {log.read_text()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def gunicorn(app: str, port: int, extra: list[str] | None = None) -> list[str]:
    exe = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    return [exe, app, "--bind", f"127.0.0.1:{port}", "--workers", "3", *(extra or [])]


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    if "sessionid" not in session.cookies:
        raise SystemExit(f"could not sign in as {username}: {response.status_code}")
    return session


def daily_urls(base: str, session: requests.Session, username: str) -> list[str]:
    """The pages this user opens every day, found the way they would click to them."""
    if username in PRAKTIJKOPLEIDERS:
        return [f"{base}/portfolio/inbox/", f"{base}/portfolio/"]
    if username == "docent":
        page = session.get(f"{base}/klassen/", timeout=30).text
        cohort = re.search(r'href="(/klassen/\d+/)"', page).group(1)
        return [f"{base}{cohort}", f"{base}/klassen/"]
    portfolio = session.get(f"{base}/portfolio/", timeout=30)
    path = urlsplit(portfolio.url).path
    werkproces = re.search(rf'href="({re.escape(path)}[A-Z0-9-]+/)"', portfolio.text).group(1)
    return [portfolio.url, f"{base}{werkproces}", f"{base}{werkproces}bewijs-toevoegen/"]


def load(users: list[tuple[requests.Session | None, list[str]]], seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run(session, urls):
        session = session or requests.Session()
        mine, bad, i = [], 0, 0
        while time.monotonic() < stop_at:
            url = urls[i % len(urls)]
            i += 1
            began = time.perf_counter()
            try:
                response = session.get(url, timeout=30, allow_redirects=False)
                if response.status_code != 200:
                    bad += 1
            except requests.RequestException:
                bad += 1
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=run, args=user) for user in users]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1) if latencies else None,
        "errors": errors[0],
    }


WRK_SCRIPT = """
-- Each thread sends the (cookie, path) lines of the plan in turn; any answer but a 200
-- (a redirect to the login page, say) counts as an error, like the Python client's.
local threads = {}
local lines = {}
local counter = 0
not_ok = 0
function setup(thread)
  threads[#threads + 1] = thread
end
function init(args)
  for line in io.lines(args[1]) do
    local cookie, path = line:match("^([^\\t]*)\\t(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    lines[#lines + 1] = wrk.format("GET", path, headers)
  end
  counter = math.random(#lines)
end
function request()
  counter = counter % #lines + 1
  return lines[counter]
end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local e = summary.errors
  local bad = e.connect + e.read + e.write + e.timeout
  for _, thread in ipairs(threads) do bad = bad + thread:get("not_ok") end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), bad))
end
"""


def load_wrk(users: list[tuple[requests.Session | None, list[str]]], seconds: float) -> dict:
    """The same users and pages, sent by wrk: one connection per user, 2 threads."""
    work = Path(tempfile.mkdtemp(prefix="bekwaam-wrk-"))
    try:
        script, plan = work / "mixed.lua", work / "requests.tsv"
        script.write_text(WRK_SCRIPT)
        lines, base = [], None
        for session, urls in users:
            cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies) if session else ""
            for url in urls:
                parts = urlsplit(url)
                base = base or f"{parts.scheme}://{parts.netloc}"
                lines.append(f"{cookie}\t{parts.path}{'?' + parts.query if parts.query else ''}")
        plan.write_text("\n".join(lines) + "\n")
        out = subprocess.run(
            [
                "wrk",
                f"-t{min(2, len(users))}",
                f"-c{len(users)}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                base,
                "--",
                str(plan),
            ],  # fmt: skip
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "requests": result["requests"],
        "rps": round(result["requests"] / (result["duration_us"] / 1e6), 1),
        "p50_ms": round(result["p50_us"] / 1000, 1),
        "p95_ms": round(result["p95_us"] / 1000, 1),
        "errors": result["errors"],
    }


def say_why(result: dict, log: Path) -> None:
    """A round with errors prints the end of its server's log: why, not only how many."""
    if result["errors"]:
        print(log.read_text(errors="replace")[-4000:], file=sys.stderr, flush=True)


def warm_up(users: list[tuple[requests.Session | None, list[str]]], passes: int) -> None:
    """Every user's pages once per pass before timing, from a few threads: a freshly started
    gunicorn worker imports, compiles templates and connects on its first requests, which a
    server that has been up for a while has long done (the hello app has nothing to warm)."""

    def run(chunk):
        for session, urls in chunk:
            for url in urls:
                with contextlib.suppress(requests.RequestException):
                    (session or requests).get(url, timeout=60, allow_redirects=False)

    for _ in range(passes):
        threads = [threading.Thread(target=run, args=(users[i::6],)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=int, default=1, help="untimed passes over every page")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--ceiling",
        nargs="?",
        const="content",
        choices=["content", "page"],
        help="also run Bekwaam with the student pages from an ideal cache (ideal_cache.py): "
        "their content in a freshly rendered base.html (default), or the whole page",
    )
    args = parser.parse_args()
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    run_load = load_wrk if client == "wrk" else load

    work = Path(tempfile.mkdtemp(prefix="bekwaam-load-"))
    env = {**os.environ, "BEKWAAM_VAR_DIR": str(work / "var"), "HOME": str(work)}
    env.pop("CELERY_BROKER_URL", None)  # tasks in-process: the load is the web's
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_DEBUG="",
    )
    database = os.environ.get("DATABASE_URL", "")
    drop = None
    if database.startswith("postgres"):
        name = f"bekwaam_load_{secrets.token_hex(4)}"
        pg_admin(database, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlunsplit(urlsplit(database)._replace(path=f"/{name}"))
        drop = name
    try:
        for command in (
            ["migrate", "--noinput", "-v", "0"],
            ["seed_demo"],
            ["collectstatic", "--noinput", "-v", "0"],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        # A freshly seeded database is not yet what a live one is: autovacuum would visit
        # every new table during the timed rounds, and the kernel would write out the
        # seed's dirty pages (a fifth of a core here). Both are done before timing.
        if drop:
            with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
                conn.execute("VACUUM (ANALYZE)")
                conn.execute("CHECKPOINT")
        os.sync()
        bekwaam_port, hello_port = free_port(), free_port()
        hello_env = {**env, "PYTHONPATH": str(ROOT / "benchmarks")}
        results = {"hello": [], "bekwaam": []}
        if args.ceiling:
            results["ideal_cache"] = []
        bekwaam = start(
            gunicorn("config.wsgi:application", bekwaam_port),
            env,
            bekwaam_port,
            work / "bekwaam.log",
        )
        base = f"http://127.0.0.1:{bekwaam_port}"
        accounts = (STUDENTS + PRAKTIJKOPLEIDERS + ["docent"]) * 2
        users = []
        for username in accounts[: args.users]:
            session = sign_in(base, username)
            users.append((session, daily_urls(base, session, username)))
        stop(bekwaam)
        for round_number in range(1, args.rounds + 1):
            hello = start(
                gunicorn("hello_wsgi:application", hello_port),
                hello_env,
                hello_port,
                work / "hello.log",
            )
            hello_users = [(None, [f"http://127.0.0.1:{hello_port}/"])] * args.users
            warm_up(hello_users, args.warmup)
            results["hello"].append(run_load(hello_users, args.seconds))
            stop(hello)
            bekwaam = start(
                gunicorn("config.wsgi:application", bekwaam_port),
                env,
                bekwaam_port,
                work / "bekwaam.log",
            )
            warm_up(users, args.warmup)
            results["bekwaam"].append(run_load(users, args.seconds))
            stop(bekwaam)
            say_why(results["bekwaam"][-1], work / "bekwaam.log")
            if args.ceiling:
                ideal = start(
                    gunicorn("ideal_cache_wsgi:application", bekwaam_port),
                    {**hello_env, "BENCH_IDEAL_CACHE": args.ceiling},
                    bekwaam_port,
                    work / "ideal.log",
                )
                # Three passes: with a per-process cache each worker fills its own.
                warm_up(users, max(args.warmup, 3))
                results["ideal_cache"].append(run_load(users, args.seconds))
                stop(ideal)
                say_why(results["ideal_cache"][-1], work / "ideal.log")
            hello_rps = results["hello"][-1]["rps"]
            for server in results:
                line = {
                    "benchmark": "mixed_load",
                    "round": round_number,
                    "server": server,
                    "client": client,
                    "users": args.users,
                    "seconds": args.seconds,
                    **results[server][-1],
                }
                if server != "hello":  # against the hello of the same round
                    line.update(
                        baseline="hello",
                        baseline_rps=hello_rps,
                        ratio=round(line["rps"] / hello_rps, 3) if hello_rps else None,
                    )
                print(json.dumps(line), flush=True)
        summary = {
            "benchmark": "mixed_load_summary",
            "database": "postgresql" if drop else "sqlite",
            "client": client,
            "users": args.users,
            "bekwaam_rps": statistics.median(r["rps"] for r in results["bekwaam"]),
            "hello_rps": statistics.median(r["rps"] for r in results["hello"]),
            "bekwaam_p95_ms": statistics.median(r["p95_ms"] for r in results["bekwaam"]),
            "errors": sum(r["errors"] for r in results["bekwaam"]),
        }
        summary["ratio"] = round(summary["bekwaam_rps"] / summary["hello_rps"], 3)
        if args.ceiling:
            summary["ideal_cache"] = args.ceiling
            rps = statistics.median(r["rps"] for r in results["ideal_cache"])
            summary.update(
                ideal_cache_rps=rps,
                ideal_cache_ratio=round(rps / summary["hello_rps"], 3),
                ideal_cache_p95_ms=statistics.median(r["p95_ms"] for r in results["ideal_cache"]),
                ideal_cache_errors=sum(r["errors"] for r in results["ideal_cache"]),
            )
        print(json.dumps(summary), flush=True)
    finally:
        if drop:
            pg_admin(database, f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
