"""Bad input never answers 500, and a refused request writes nothing.

A bounded generator, not a random one, so that a failure is the same on every run: every URL
in the resolver (Django's own admin left out) is asked with real ids, an id past bigint and a
NUL in a text part, by every role and anonymously; every form on it is POSTed empty, with NUL
characters, with over-long text, with numbers past any integer column, with HTML and quotes,
and with each `action` its buttons offer. New endpoints are covered without touching this file.
Both imports (student CSV, SBB XML) get their own hostile files. Runs on SQLite and, in CI's
second pass, on PostgreSQL, which is the one that refuses NUL and over-long text.
"""

import re
from html import unescape

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from organisation.models import Cohort
from portfolios.models import EvidenceFile
from tests.portfolio_fixtures import make_evidence

pytestmark = pytest.mark.django_db

ROLES = ["student", "praktijkopleider", "docent", "assessor", "beheerder", "outsider", None]
# Written on purpose by a refused request: failed logins (axes), sessions, and the audit log
# (a failed sign-in or a refused object is exactly what it records).
NOT_COUNTED = (
    "axes_",
    "django_session",
    "django_admin_log",
    "organisation_auditentry",
    "auditlog_logentry",
)
TEXT = [
    "",
    "a\x00b",
    "x" * 5000,
    "99999999999999999999",
    "é<script>alert(1)</script>'\";--",
]
INPUT = re.compile(r"<(input|select|textarea|button)\b([^>]*)>", re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("beheer/"):
                continue  # Django's admin, not ours
            yield from routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def fill(route: str, ids: dict, *, hostile: str | None = None) -> str:
    prefix = route.split("/")[0]

    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            if hostile == "int":
                return "99999999999999999999"
            return str(ids.get(name) or ids.get(f"{prefix}:{name}") or 1)
        if hostile == "str":
            return "%00"
        return ids.get(name, "B1-K1-W1")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def form_fields(html: str) -> tuple[dict[str, list[str]], set[str]]:
    """Field names with the values offered (buttons, options), and the file fields."""
    fields: dict[str, list[str]] = {}
    files = set()
    for _tag, attrs in INPUT.findall(html):
        attr = dict(ATTR.findall(attrs))
        name = attr.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if attr.get("type") == "file":
            files.add(name)
            continue
        fields.setdefault(name, [])
        if "value" in attr:
            fields[name].append(unescape(attr["value"]))
    return fields, files


def payloads(fields: dict[str, list[str]], files: set[str]):
    for text in TEXT:
        data = dict.fromkeys(fields, text)
        for name in files:
            data[name] = SimpleUploadedFile("a.pdf", text.encode() or b"\x00", "application/pdf")
        yield data
    # Each action a button offers, with an empty form and with a revision nobody saved.
    for action in fields.get("action", []):
        yield {**dict.fromkeys(fields, ""), "action": action}
        yield {**dict.fromkeys(fields, ""), "action": action, "revision": "7"}


def row_counts() -> dict[str, int]:
    tables = sorted(
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.db_table.startswith(NOT_COUNTED) and m._meta.managed
    )
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


@pytest.fixture
def fuzz_world(aworld):
    evidence = make_evidence(aworld, title="Tweede", submit=False)
    return {
        **aworld,
        "ids": {
            "enrolment_pk": aworld["enrolment"].pk,
            "cohort_pk": aworld["cohort"].pk,
            "portfolio:pk": evidence.pk,
            "klassen:pk": aworld["cohort"].pk,
            "kwalificaties:pk": aworld["enrolment"].qualification_id,
            "pk": evidence.pk,
            "code": "B1-K1-W1",
            "uidb64": "MQ",
            "token": "abc-def",
        },
    }


def test_no_request_answers_500_and_refused_ones_write_nothing(fuzz_world, settings):
    settings.AXES_ENABLED = False  # thousands of failed logins would lock everyone out
    ids = fuzz_world["ids"]
    all_routes = list(routes())
    clients = {role: Client(raise_request_exception=False) for role in ROLES}
    failures, asked = [], 0
    for route in all_routes:
        for role, client in clients.items():
            if role:
                # Again for each route: a POST to the logout (or any) route may end the session.
                client.force_login(fuzz_world[role])
            for hostile in ("int", "str"):
                url = fill(route, ids, hostile=hostile)
                if url == fill(route, ids):
                    continue
                for method in (client.get, client.post):
                    asked += 1
                    if method(url).status_code >= 500:
                        failures.append(f"{method.__name__.upper()} {url} as {role}")
            url = fill(route, ids)
            page = client.get(url)
            asked += 1
            if page.status_code >= 500:
                failures.append(f"GET {url} as {role}")
            html = (
                page.content.decode(errors="replace")
                if page.status_code == 200 and not page.streaming
                else ""
            )
            fields, files = form_fields(html) if "<form" in html else ({}, set())
            for data in payloads(fields, files) if fields or files else [{}]:
                before = row_counts()
                response = client.post(url, data)
                asked += 1
                if response.status_code >= 500:
                    shown = {k: (v[:20] if isinstance(v, str) else v) for k, v in data.items()}
                    failures.append(f"POST {url} as {role}: {shown}")
                elif response.status_code not in (301, 302, 303) and row_counts() != before:
                    changed = {
                        t: (before.get(t), n) for t, n in row_counts().items() if before.get(t) != n
                    }
                    failures.append(f"POST {url} as {role} refused but wrote {changed}")
    assert asked > 1000
    assert not failures, f"{len(failures)} of {asked} requests:\n" + "\n".join(failures[:40])


STUDENT_CSV_HEADER = "gebruikersnaam;voornaam;achternaam;email;crebo;klas;startjaar;startdatum\n"


@pytest.mark.parametrize(
    "content",
    [
        STUDENT_CSV_HEADER + "a" * 131_073 + ";V;A;;90011;K;2026;2026-09-01\n",
        STUDENT_CSV_HEADER + "sanne\x00;V;A;;90011;K;2026;2026-09-01\n",
        STUDENT_CSV_HEADER + "sanne;V;A;;90011;" + "K" * 101 + ";2026;2026-09-01\n",
        STUDENT_CSV_HEADER + "u" * 151 + ";V;A;;90011;K;2026;2026-09-01\n",
        STUDENT_CSV_HEADER + "sanne;" + "V" * 151 + ";A;x@" + "e" * 300 + ".nl;90011;K;2026;\n",
        STUDENT_CSV_HEADER + 'sanne;"V;A;;90011;K;2026;2026-09-01\n',
        STUDENT_CSV_HEADER + "sanne;V;A;;90011;K;99999999999999999999;2026-09-01\n",
        "\ufeff" + STUDENT_CSV_HEADER.replace(";", ",") + "a,b\n",
        "\x00" * 10,
        "",
    ],
    ids=[
        "field-over-limit",
        "nul",
        "klas-101",
        "username-151",
        "long-names",
        "quote",
        "year-overflow",
        "few-columns",
        "binary",
        "empty",
    ],  # fmt: skip
)
def test_student_csv_import_refuses_bad_files_with_a_message(fuzz_world, content):
    client = Client(raise_request_exception=False)
    client.force_login(fuzz_world["beheerder"])
    before = row_counts()
    response = client.post(
        "/school/studenten-importeren/",
        {
            "school": "Testcollege",
            "file": SimpleUploadedFile("s.csv", content.encode("utf-8"), "text/csv"),
        },
    )
    assert response.status_code in (200, 400)
    assert row_counts() == before
    assert 'class="invalid-feedback' in response.content.decode() or (
        "alert-danger" in response.content.decode()
    )


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0" encoding="UTF-7"?>\n<sbb/>',
        b'<?xml version="1.0" encoding="UTF-16"?>\n<sbb/>',
        b'<?xml version="1.0" encoding="x-nonsense"?>\n<sbb/>',
        b"<sbb>\x00</sbb>",
        b"<sbb><dossier code='" + b"9" * 300 + b"'/></sbb>",
        b"\xff\xfe<\x00s\x00",
        b"",
    ],
    ids=["utf-7", "utf-16-declared", "unknown-encoding", "nul", "long-code", "bom", "empty"],
)
def test_sbb_xml_import_refuses_bad_files_with_a_message(fuzz_world, content):
    client = Client(raise_request_exception=False)
    client.force_login(fuzz_world["beheerder"])
    before = row_counts()
    response = client.post(
        "/kwalificaties/import/",
        {"file": SimpleUploadedFile("d.xml", content, "text/xml")},
    )
    assert response.status_code in (200, 400), response.content[:500]
    assert row_counts() == before


def test_nul_in_a_werkproces_code_is_a_bad_request(fuzz_world):
    client = Client()
    client.force_login(fuzz_world["student"])
    response = client.get(f"/portfolio/{fuzz_world['enrolment'].pk}/%00/")
    assert response.status_code == 400
    assert "ongeldig teken" in response.content.decode()
    assert client.post("/accounts/login/", {"username": "a\x00"}).status_code == 400


def test_a_256_character_username_at_login_is_a_form_error(fuzz_world, settings):
    settings.AXES_ENABLED = True
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "u" * 256, "password": "x"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "invalid" in response.content.decode()


def test_scoring_save_before_any_draft_is_refused_and_leaves_no_beoordeling(fuzz_world):
    from assessments.models import Beoordeling

    client = Client(raise_request_exception=False)
    client.force_login(fuzz_world["assessor"])
    url = f"/beoordelen/{fuzz_world['enrolment'].pk}/B1-K1-W1/"
    data = {"action": "save", "revision": "3"}
    for criterion in fuzz_world["criteria"]:
        data[f"score_{criterion.pk}"] = "1"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "bestaat niet (meer)" in response.content.decode()
    assert not Beoordeling.objects.exists()


def test_xlsx_export_of_a_klas_with_a_name_excel_refuses(fuzz_world):
    from openpyxl import load_workbook

    cohort = fuzz_world["cohort"]
    Cohort.objects.filter(pk=cohort.pk).update(name="K/[x]*?:=evil\x01")
    client = Client()
    client.force_login(fuzz_world["docent"])
    response = client.get(f"/klassen/{cohort.pk}/export.xlsx")
    assert response.status_code == 200
    import io

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["K__x____=evil"]


def test_the_generator_reaches_the_forms(fuzz_world):
    """Guard against a fuzz test that silently stops posting anything real."""
    client = Client()
    client.force_login(fuzz_world["student"])
    html = client.get(fill("portfolio/<int:enrolment_pk>/<str:code>/bewijs-toevoegen/",
                           fuzz_world["ids"])).content.decode()  # fmt: skip
    fields, files = form_fields(html)
    assert {"title", "reflection", "date"} <= set(fields)
    assert files
    assert EvidenceFile.objects.exists()
