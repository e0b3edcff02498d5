"""A PostgreSQL primary with a streaming replica, started by the test on 127.0.0.1.

The machine's PostgreSQL serves one server; a replica needs a primary of its own with
replication on. So the test makes both from this machine's PostgreSQL programs (initdb,
pg_basebackup, pg_ctl) in a temporary directory, and stops and removes them afterwards.
PostgreSQL refuses to run as root: as root the servers run as the `postgres` user.
"""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.processes import free_port


def postgres_bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        bindir = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout
        if (Path(bindir.strip()) / "initdb").exists():
            return Path(bindir.strip())
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(versions[-1]).parent if versions else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parent.parent.name)
    except ValueError:
        return 0.0


NEEDS_POSTGRES_PROGRAMS = pytest.mark.skipif(
    postgres_bindir() is None, reason="needs PostgreSQL's server programs (initdb, pg_ctl)"
)


class Cluster:
    def __init__(self, bindir: Path, root: Path, as_user: list[str]):
        self.bindir, self.root, self.as_user = bindir, root, as_user

    def run(self, program: str, *args: str, timeout: int = 120) -> str:
        result = subprocess.run(
            [*self.as_user, str(self.bindir / program), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
        )
        assert result.returncode == 0, f"{program} {' '.join(args)}:\n{result.stderr}"
        return result.stdout

    def start(self, name: str, port: int) -> None:
        data = self.root / name
        options = f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(data), "-l", str(self.root / f"{name}.log"), "-w",
                 "-o", options, "start")  # fmt: skip

    def stop(self, name: str, mode: str = "fast") -> None:
        data = self.root / name
        if (data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(data), "-m", mode, "-w", "stop")


def _as_user() -> tuple[list[str], int | None]:
    if os.geteuid() != 0:
        return [], None
    return ["runuser", "-u", "postgres", "--"], pwd.getpwnam("postgres").pw_uid


@contextlib.contextmanager
def primary_and_replica():
    """Yields (cluster, primary_url, replica_url): a database `bekwaam` on a primary, and a
    hot standby streaming from it."""
    bindir = postgres_bindir()
    as_user, uid = _as_user()
    root = Path(tempfile.mkdtemp(prefix="bekwaam-replica-"))
    if uid is not None:
        os.chown(root, uid, -1)
    cluster = Cluster(bindir, root, as_user)
    ports = {"primary": free_port(), "replica": free_port()}
    try:
        # initdb's own pg_hba.conf with -A trust lets 127.0.0.1 replicate, too.
        cluster.run("initdb", "-D", str(root / "primary"), "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")  # fmt: skip
        cluster.start("primary", ports["primary"])
        cluster.run("createdb", "-h", "127.0.0.1", "-p", str(ports["primary"]), "-U", "postgres",
                    "bekwaam")  # fmt: skip
        # -R writes the standby's settings: it follows the primary from the first start.
        cluster.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(ports["primary"]),
                    "-U", "postgres", "-D", str(root / "replica"), "-R", "-X", "stream",
                    "-c", "fast", "--no-sync")  # fmt: skip
        cluster.start("replica", ports["replica"])
        urls = {
            name: f"postgres://postgres@127.0.0.1:{port}/bekwaam" for name, port in ports.items()
        }
        yield cluster, urls["primary"], urls["replica"]
    finally:
        for name in ("replica", "primary"):
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                cluster.stop(name, "immediate")
        shutil.rmtree(root, ignore_errors=True)


def wait_for_replay(primary_url: str, replica_url: str, timeout: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    import psycopg

    with psycopg.connect(primary_url, autocommit=True) as primary:
        target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    with psycopg.connect(replica_url, autocommit=True) as replica:
        while time.monotonic() < deadline:
            behind = replica.execute(
                "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()) > 0", [target]
            ).fetchone()[0]
            if not behind:
                return
            time.sleep(0.1)
    pytest.fail(f"the replica did not replay up to {target} within {timeout}s")
