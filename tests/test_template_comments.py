"""Django's {# ... #} comment ends on its own line: one that runs onto the next line is not a
comment but text, printed in the page (it was, in the navbar, on the console's person pages
and on the assessor's form). Longer comments use {% comment %}."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "var", ".git"}


def template_files():
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if path.suffix in {".html", ".txt", ".xml"} and "templates" in parts and not SKIP & parts:
            yield path


def test_every_short_comment_closes_on_its_own_line():
    unclosed = []
    for path in template_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # Strip the comments that do close, then look for an opening that is left.
            if "{#" in re.sub(r"\{#.*?#\}", "", line):
                unclosed.append(f"{path.relative_to(ROOT)}:{number}")
    assert list(template_files()), "no templates found"
    assert unclosed == []
