"""A database made on the layout before organisation existed migrates without losing a row.

The previous layout is main as it was before the move (PREVIOUS_LAYOUT, from git): its own
migrations and seed_demo build the database, then today's migrate runs on it. Every table
keeps its row count, and the moved models read those rows through their new app.
Runs on SQLite, and on PostgreSQL when DATABASE_URL points there.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import DATABASE_URL, fresh_database

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS_LAYOUT = "42f1ad0"  # main before "Restructure:" moved people into organisation

# Rows that newer migrations and apps add: the default rating scales, one werkproces link
# per bewijsstuk and version, the content types and permissions of models that did not exist
# before, and (organisation 0006) the Beheerders group with its permissions and the demo
# beheerder in it.
MADE_BY_NEWER_MIGRATIONS = {
    "assessments_ratingscale",
    "assessments_ratinglevel",
    "portfolios_evidencelink",
    "portfolios_evidenceversionlink",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "portfolios_user_groups",
}
# Tables newer migrations drop after moving their rows (the gedrag of a bewijsstuk and of a
# version now hangs off its werkproces links: portfolios 0006/0007).
MOVED_BY_NEWER_MIGRATIONS = {
    "portfolios_evidence_criteria": "portfolios_evidencelink_criteria",
    "portfolios_evidenceversion_criteria": "portfolios_evidenceversionlink_criteria",
}

COUNT_ROWS = """
import json
from django.db import connection
with connection.cursor() as cursor:
    tables = connection.introspection.table_names(cursor)
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
print("COUNTS=" + json.dumps(counts))
"""

READ_THROUGH_NEW_APPS = """
import json
from django.contrib.contenttypes.models import ContentType
from organisation.models import (
    AssessorAssignment, BpvPeriode, Cohort, Enrolment, Leerbedrijf, Praktijkopleider, School, User,
)
from portfolios.models import Evidence
student = User.objects.get(username="student")
print("ORM=" + json.dumps({
    "portfolios_user": User.objects.count(),
    "portfolios_enrolment": Enrolment.objects.count(),
    "portfolios_school": School.objects.count(),
    "portfolios_cohort": Cohort.objects.count(),
    "portfolios_leerbedrijf": Leerbedrijf.objects.count(),
    "portfolios_praktijkopleider": Praktijkopleider.objects.count(),
    "portfolios_bpvperiode": BpvPeriode.objects.count(),
    "assessments_assessorassignment": AssessorAssignment.objects.count(),
    "student_evidence": Evidence.objects.filter(enrolment__student=student).count(),
    "stale_types": ContentType.objects.filter(
        app_label__in=["portfolios", "assessments"],
        model__in=["user", "enrolment", "cohort", "school", "assessorassignment"],
    ).count(),
}))
"""


def git_available() -> bool:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{PREVIOUS_LAYOUT}^{{commit}}"],
        capture_output=True,
    )
    return result.returncode == 0


def run(cwd: Path, env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{args} failed in {cwd}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def marked(output: str, marker: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith(marker))
    return json.loads(line[len(marker) :])


@pytest.fixture
def database_url(tmp_path):
    if DATABASE_URL.startswith("postgres"):
        with fresh_database("bekwaam_layout") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'previous.sqlite3'}"


def test_database_from_previous_layout_keeps_every_row(tmp_path, database_url):
    if not git_available():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the git history with {PREVIOUS_LAYOUT} for this test")
        pytest.skip(f"needs the git history with commit {PREVIOUS_LAYOUT}")
    previous = tmp_path / "previous"
    previous.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", PREVIOUS_LAYOUT], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(previous)], input=archive.stdout, check=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": database_url,
        "BEKWAAM_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": "",
    }
    env.pop("CELERY_BROKER_URL", None)  # tasks in-process: no worker in this test

    run(previous, env, "migrate", "--noinput", "-v", "0")
    run(previous, env, "seed_demo")
    before = marked(run(previous, env, "shell", "-c", COUNT_ROWS), "COUNTS=")
    assert before["portfolios_user"] > 20 and before["portfolios_evidence"] > 20

    output = run(ROOT, env, "migrate", "--noinput")
    assert "Adopted a database from before the move to organisation" in output
    after = marked(run(ROOT, env, "shell", "-c", COUNT_ROWS), "COUNTS=")

    lost = {
        table: (count, after.get(table))
        for table, count in before.items()
        if table != "django_migrations"
        and not (table in MADE_BY_NEWER_MIGRATIONS and after.get(table, 0) >= count)
        and not (
            table in MOVED_BY_NEWER_MIGRATIONS
            and table not in after
            and after.get(MOVED_BY_NEWER_MIGRATIONS[table]) == count
        )
        and after.get(table) != count
    }
    assert not lost, f"tables whose rows changed: {lost}"
    # Every bewijsstuk and every version got its one werkproces link.
    assert after["portfolios_evidencelink"] == before["portfolios_evidence"]
    assert after["portfolios_evidenceversionlink"] == before["portfolios_evidenceversion"]

    orm = marked(run(ROOT, env, "shell", "-c", READ_THROUGH_NEW_APPS), "ORM=")
    for table in [t for t in orm if t in before]:
        assert orm[table] == before[table], table
    assert orm["student_evidence"] > 0
    assert orm["stale_types"] == 0, "content types of moved models were not renamed"
    # And it is up to date: nothing left to migrate, nothing the models lack.
    run(ROOT, env, "migrate", "--check")
