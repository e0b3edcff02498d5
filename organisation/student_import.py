"""Importing students, klassen and inschrijvingen from a CSV export of the student system.

All or nothing: every row is checked first, each problem is reported with its line number,
and only a file without problems is written, in one transaction. Importing the same file
again changes nothing, so a school can re-run last week's export safely.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from qualifications.export import QualificationNotFound, find_qualification
from qualifications.models import Qualification

from .models import Cohort, Enrolment, School, User
from .services import (
    account_activation_send,
    cohort_create,
    enrolment_create,
    enrolment_set_cohort,
    school_create,
    user_create,
    user_link_school_account,
)

COLUMNS = [
    "gebruikersnaam",
    "voornaam",
    "achternaam",
    "email",
    "crebo",
    "klas",
    "startjaar",
    "startdatum",
]
# Optional: the school account (the value of BEKWAAM_OIDC_IDENTIFIER_CLAIM, e.g. the
# eduPersonPrincipalName) a student signs in with; see organisation.sso.
OPTIONAL_COLUMNS = ["schoolaccount"]
MAX_BYTES = 5 * 1024 * 1024
PROGRESS_EVERY = 50
# The stages a progress callback is told about: rows looked up, rows written.
CHECKING, WRITING = "check", "write"


@dataclass
class ImportRow:
    line: int
    username: str
    first_name: str
    last_name: str
    email: str
    qualification: Qualification
    klas: str
    start_year: int
    started_on: datetime.date
    sso_identifier: str = ""


@dataclass
class ImportResult:
    rows: int = 0
    users_created: int = 0
    cohorts_created: int = 0
    enrolments_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class StudentImportError(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(errors)
        self.errors = errors


def _parse_date(value: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise StudentImportError([(0, _("Het bestand is te groot (hoogstens 5 MB)."))])
    try:
        # utf-8-sig drops a byte-order mark (Excel writes one) and reads plain UTF-8 too.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StudentImportError(
            [(0, _("Het bestand is geen UTF-8. Sla het op als 'CSV UTF-8'."))]
        ) from exc
    if "\x00" in text:
        # PostgreSQL cannot store a NUL character; a text file has none.
        raise StudentImportError(
            [(0, _("Het bestand bevat NUL-tekens: het is geen tekstbestand. Sla het op als CSV."))]
        )
    return text


def parse_rows(text: str) -> tuple[list[ImportRow], list[tuple[int, str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    errors: list[tuple[int, str]] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [(1, _("Het bestand is leeg."))]
    except csv.Error as exc:
        return [], [(1, _("Deze regel kan niet gelezen worden: %(e)s") % {"e": exc})]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [(1, _("Kolommen ontbreken: %(cols)s.") % {"cols": ", ".join(missing)})]
    index = {name: header.index(name) for name in COLUMNS + OPTIONAL_COLUMNS if name in header}
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    qualifications: dict[str, Qualification | None] = {}
    try:
        for values in reader:
            _parse_row(values, reader.line_num, header, index, seen, qualifications, rows, errors)
    except csv.Error as exc:
        # A field over the csv module's limit (131,072 characters) or a broken quote.
        errors.append(
            (reader.line_num, _("Deze regel kan niet gelezen worden: %(e)s") % {"e": exc})
        )
    if not rows and not errors:
        errors.append((1, _("Het bestand bevat geen studenten.")))
    return rows, errors


LENGTHS = [
    ("gebruikersnaam", User, "username"),
    ("voornaam", User, "first_name"),
    ("achternaam", User, "last_name"),
    ("email", User, "email"),
    ("klas", Cohort, "name"),
    ("schoolaccount", User, "sso_identifier"),
]


def _too_long(model, field: str, value: str) -> bool:
    return len(value) > model._meta.get_field(field).max_length


def _parse_row(values, line, header, index, seen, qualifications, rows, errors) -> None:
    if not any(v.strip() for v in values):
        return
    if len(values) < len(header):
        errors.append((line, _("Te weinig kolommen.")))
        return
    get = {name: values[i].strip() for name, i in index.items()}
    problems = []
    username = get["gebruikersnaam"]
    if not username:
        problems.append(_("gebruikersnaam ontbreekt"))
    elif username.lower() in seen:
        problems.append(
            _("gebruikersnaam %(u)s staat ook op regel %(line)d")
            % {"u": username, "line": seen[username.lower()]}
        )
    else:
        seen[username.lower()] = line
    # School accounts share `seen` with usernames under their own prefix.
    account = get.get("schoolaccount", "")
    if account and f"schoolaccount:{account.lower()}" in seen:
        problems.append(
            _("schoolaccount %(s)s staat ook op regel %(line)d")
            % {"s": account, "line": seen[f"schoolaccount:{account.lower()}"]}
        )
    elif account:
        seen[f"schoolaccount:{account.lower()}"] = line
    if get["email"]:
        try:
            validate_email(get["email"])
        except ValidationError:
            problems.append(_("ongeldig e-mailadres %(e)s") % {"e": get["email"]})
    crebo = get["crebo"]
    if crebo not in qualifications:
        try:
            qualifications[crebo] = find_qualification(crebo) if crebo else None
        except QualificationNotFound:
            qualifications[crebo] = None
    qualification = qualifications[crebo]
    if qualification is None:
        problems.append(_("onbekend crebo %(c)s") % {"c": crebo or "—"})
    if not get["klas"]:
        problems.append(_("klas ontbreekt"))
    try:
        start_year = int(get["startjaar"])
        if not 2000 <= start_year <= 2100:
            raise ValueError
    except ValueError:
        start_year = 0
        problems.append(_("ongeldig startjaar %(y)s") % {"y": get["startjaar"] or "—"})
    try:
        started_on = _parse_date(get["startdatum"])
    except ValueError:
        started_on = None
        problems.append(
            _("ongeldige startdatum %(d)s (gebruik JJJJ-MM-DD)") % {"d": get["startdatum"] or "—"}
        )
    # Checked here, not left to the database: SQLite stores any length, PostgreSQL refuses.
    for column, model, name in LENGTHS:
        if _too_long(model, name, get.get(column, "")):
            problems.append(
                _("%(col)s is langer dan %(n)d tekens")
                % {"col": column, "n": model._meta.get_field(name).max_length}
            )
    if problems:
        errors.append((line, "; ".join(problems)))
        return
    rows.append(
        ImportRow(
            line=line,
            username=username,
            first_name=get["voornaam"],
            last_name=get["achternaam"],
            email=get["email"],
            qualification=qualification,
            klas=get["klas"],
            start_year=start_year,
            started_on=started_on,
            sso_identifier=account,
        )
    )


def students_check(data: bytes) -> int:
    """The rows of a file with no problem of its own (raise StudentImportError listing each
    one): what can be said before touching the database, at once, before a worker imports."""
    rows, errors = parse_rows(_decode(data))
    if errors:
        raise StudentImportError(errors)
    return len(rows)


def students_import(*, data: bytes, school_name: str, progress=None) -> ImportResult:
    """Import or raise StudentImportError listing every bad row; nothing is written then.
    `progress(rows_written, WRITING)` is called every PROGRESS_EVERY rows, for a page that
    shows it (the rows were checked before, without the database)."""
    rows, errors = parse_rows(_decode(data))
    if errors:
        raise StudentImportError(errors)
    result = ImportResult(rows=len(rows))
    with transaction.atomic():
        school = School.objects.filter(name=school_name.strip()).first()
        if school is None:
            school = school_create(name=school_name.strip())
        cohorts: dict[tuple[str, int], Cohort] = {}
        for done, row in enumerate(rows, start=1):
            problem = _import_row(row, school=school, cohorts=cohorts, result=result)
            if problem:
                errors.append((row.line, problem))
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, WRITING)
        if errors:
            # Problems found against the database (a name taken by a docent, a klas of
            # another kwalificatie) undo the rows already written.
            transaction.set_rollback(True)
            raise StudentImportError(errors)
    return result


def _import_row(row: ImportRow, *, school: School, cohorts: dict, result: ImportResult):
    key = (row.klas, row.start_year)
    cohort = cohorts.get(key)
    if cohort is None:
        cohort = Cohort.objects.filter(
            school=school, name=row.klas, start_year=row.start_year
        ).first()
        if cohort is None:
            try:
                cohort = cohort_create(
                    school=school,
                    name=row.klas,
                    start_year=row.start_year,
                    qualification=row.qualification,
                )
            except ValidationError as exc:
                return " ".join(exc.messages)
            result.cohorts_created += 1
        cohorts[key] = cohort
    if cohort.qualification_id != row.qualification.pk:
        return _("klas %(k)s (%(y)d) volgt een andere kwalificatie") % {
            "k": row.klas,
            "y": row.start_year,
        }
    user = User.objects.filter(username=row.username).first()
    if user is None:
        try:
            user = user_create(
                username=row.username,
                password=None,
                role=User.Role.STUDENT,
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
                sso_identifier=row.sso_identifier,
            )
        except ValidationError as exc:
            return " ".join(exc.messages)
        result.users_created += 1
        if user.email:
            # Imported students get a one-time link to choose a password (sent on commit).
            account_activation_send(user=user)
    elif user.role != User.Role.STUDENT:
        return _("gebruikersnaam %(u)s is al in gebruik (geen student)") % {"u": row.username}
    elif row.sso_identifier:
        try:
            user_link_school_account(user=user, sso_identifier=row.sso_identifier)
        except ValidationError as exc:
            return " ".join(exc.messages)
    enrolment = Enrolment.objects.filter(student=user, qualification=row.qualification).first()
    try:
        if enrolment is None:
            enrolment = enrolment_create(
                student=user, qualification=row.qualification, started_on=row.started_on
            )
            result.enrolments_created += 1
        if enrolment.cohort_id != cohort.pk:
            enrolment_set_cohort(enrolment=enrolment, cohort=cohort)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None
