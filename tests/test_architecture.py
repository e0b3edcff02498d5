"""The layout the README promises: apps import one way, and no import hides in a function.

qualifications <- organisation <- portfolios <- assessments <- dashboards, reports: an app may
import from the apps before it in ORDER, never from one after it (or beside it on the read
side; the one exception, reports reading credentials for the student's export, is argued at
ALLOWED). An import inside a function is how a cycle gets hidden, so ours are not allowed there,
except where Django wants them (AppConfig.ready) and the few listed with their reason.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app with the apps it may import from.
ALLOWED = {
    "qualifications": set(),
    "notifications": set(),
    "organisation": {"qualifications", "notifications"},
    "portfolios": {"qualifications", "notifications", "organisation"},
    "assessments": {"qualifications", "notifications", "organisation", "portfolios"},
    "dashboards": {"qualifications", "notifications", "organisation", "portfolios", "assessments"},
    # reports may read credentials (one way only: credentials never imports reports): the
    # student's export carries the badges they claimed (issue 13/16), and the export is the
    # one place that gathers everything of a student, so it sits above what it gathers. The
    # badge table cannot move below reports without taking its signing and status list along.
    "reports": {
        "qualifications",
        "notifications",
        "organisation",
        "portfolios",
        "assessments",
        "credentials",
    },
    "credentials": {"qualifications", "notifications", "organisation", "portfolios", "assessments"},
    "maintenance": {
        "qualifications",
        "notifications",
        "organisation",
        "portfolios",
        "assessments",
        "dashboards",
        "reports",
        "credentials",
    },
}
APPS = set(ALLOWED)
# file -> why a function-level import of our own code is right there.
LAZY_OK = {
    "reports/rendering.py": "WeasyPrint is heavy; web processes import it but never render",
}


def app_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imported_apps(path: Path, app: str):
    """(line, imported top-level app, inside a function?) for each import of our code."""
    tree = ast.parse(path.read_text(), filename=str(path))
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    nested = {id(node) for f in functions for node in ast.walk(f) if node is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [app] if node.level else [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                yield node.lineno, top, id(node) in nested


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_imports_run_one_way(app):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in app_files(app)
        for line, target, _ in imported_apps(path, app)
        if target != app and target not in ALLOWED[app]
    ]
    assert not wrong, "an app imports from one above it:\n" + "\n".join(wrong)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_no_import_of_our_code_inside_a_function(app):
    hidden = []
    for path in app_files(app):
        relative = str(path.relative_to(ROOT))
        if relative in LAZY_OK:
            continue
        source = path.read_text()
        for line, target, in_function in imported_apps(path, app):
            in_ready = path.name == "apps.py" and "def ready(self)" in source
            if in_function and not in_ready:
                hidden.append(f"{relative}:{line} imports {target} inside a function")
    assert not hidden, "\n".join(hidden)


def test_the_check_sees_a_wrong_arrow(tmp_path):
    """The checker itself: an import of an app above is found, also inside a function."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\ndef f():\n    from reports import services\n")
    assert list(imported_apps(bad, "qualifications")) == [(4, "reports", True)]


def test_no_app_holds_more_than_30_percent_of_the_code():
    def lines(app):
        return sum(
            1
            for path in app_files(app)
            for line in path.read_text().splitlines()
            if line.strip() and not line.strip().startswith("#")
        )

    sizes = {app: lines(app) for app in ALLOWED}
    total = sum(sizes.values())
    too_big = {app: f"{n / total:.0%}" for app, n in sizes.items() if n > 0.30 * total}
    assert not too_big, f"apps over 30 % of {total} lines: {too_big}"


def test_no_module_over_500_lines_without_a_reason():
    long = []
    for app in ALLOWED:
        for path in app_files(app):
            text = path.read_text()
            if len(text.splitlines()) > 500 and "stays whole" not in text[:2000]:
                long.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines")
    assert not long, "modules over 500 lines need a docstring saying why they stay whole:\n" + (
        "\n".join(long)
    )


def test_a_web_process_loads_no_pdf_writer_or_spreadsheet_library():
    """WeasyPrint (+39 MB, 0.5 s) and openpyxl (+15 MB) are for the report worker and the one
    XLSX export; a web process, which imports every view, must not load them."""
    script = (
        "import os, sys\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'\n"
        "from config.wsgi import application\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "print(sorted(m for m in ('weasyprint', 'openpyxl') if m in sys.modules))\n"
    )
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "testserver"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
