"""Importing BPV-periodes from CSV: student ↔ leerbedrijf ↔ praktijkopleider with dates.

Columns (first line, `;` or `,`): gebruikersnaam (the student), crebo (which enrolment),
praktijkopleider (their username or e-mail address), begindatum, einddatum (may be empty);
dates as JJJJ-MM-DD or DD-MM-JJJJ. The leerbedrijf is the praktijkopleider's.

All or nothing, like the student import: every row is checked first, each problem is
reported with its line number, and only a file without problems is written, in one
transaction. A period already there (same enrolment, praktijkopleider and begindatum) is
left alone, so importing the same file twice changes nothing.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qualifications.export import QualificationNotFound, find_qualification

from .lookups import find_praktijkopleider
from .models import BpvPeriode, Enrolment, Praktijkopleider
from .services import bpv_periode_create
from .student_import import (
    CHECKING,
    PROGRESS_EVERY,
    WRITING,
    StudentImportError,
    _decode,
    _parse_date,
)

COLUMNS = ["gebruikersnaam", "crebo", "praktijkopleider", "begindatum", "einddatum"]


class BpvImportError(StudentImportError):
    """Each bad row with its line; _decode's own errors (too big, not UTF-8) are its parent."""


@dataclass
class BpvRow:
    line: int
    enrolment: Enrolment
    praktijkopleider: Praktijkopleider
    starts_on: datetime.date
    ends_on: datetime.date | None


@dataclass
class BpvImportResult:
    rows: int = 0
    created: int = 0


def _reader(text: str):
    """(reader, header) of the file, or raise BpvImportError for what is wrong with it as a
    whole (empty, columns missing)."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration as exc:
        raise BpvImportError([(1, _("Het bestand is leeg."))]) from exc
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise BpvImportError(
            [(1, _("Kolommen ontbreken: %(cols)s.") % {"cols": ", ".join(missing)})]
        )
    return reader, header


def bpv_check(data: bytes) -> int:
    """The rows of a readable file with the right columns (raise BpvImportError): what can
    be said at once, before a worker looks each student and praktijkopleider up."""
    reader, _header = _reader(_decode(data))
    rows = sum(1 for values in reader if any(v.strip() for v in values))
    if not rows:
        raise BpvImportError([(1, _("Het bestand bevat geen BPV-periodes."))])
    return rows


def _parse(text: str, progress=None) -> tuple[list[BpvRow], list[tuple[int, str]]]:
    reader, header = _reader(text)
    index = {name: header.index(name) for name in COLUMNS}
    rows: list[BpvRow] = []
    errors: list[tuple[int, str]] = []
    checked = 0
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        checked += 1
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(checked, CHECKING)
        if len(values) < len(header):
            errors.append((line, _("Te weinig kolommen.")))
            continue
        get = {name: values[i].strip() for name, i in index.items()}
        problems = []
        enrolment = None
        try:
            qualification = find_qualification(get["crebo"]) if get["crebo"] else None
        except QualificationNotFound:
            qualification = None
        if qualification is None:
            problems.append(_("onbekend crebo %(c)s") % {"c": get["crebo"] or "—"})
        else:
            enrolment = (
                Enrolment.objects.filter(
                    student__username=get["gebruikersnaam"], qualification=qualification
                )
                .select_related("student")
                .first()
            )
            if enrolment is None:
                problems.append(
                    _("student %(u)s is niet ingeschreven voor crebo %(c)s")
                    % {"u": get["gebruikersnaam"] or "—", "c": get["crebo"]}
                )
        who = get["praktijkopleider"]
        po = find_praktijkopleider(who)
        if po is None:
            problems.append(_("onbekende praktijkopleider %(p)s") % {"p": who or "—"})
        try:
            starts_on = _parse_date(get["begindatum"])
        except ValueError:
            starts_on = None
            problems.append(
                _("ongeldige begindatum %(d)s (gebruik JJJJ-MM-DD)")
                % {"d": get["begindatum"] or "—"}
            )
        ends_on = None
        if get["einddatum"]:
            try:
                ends_on = _parse_date(get["einddatum"])
            except ValueError:
                problems.append(
                    _("ongeldige einddatum %(d)s (gebruik JJJJ-MM-DD)") % {"d": get["einddatum"]}
                )
        if starts_on and ends_on and ends_on < starts_on:
            problems.append(_("de einddatum ligt voor de begindatum"))
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        rows.append(BpvRow(line, enrolment, po, starts_on, ends_on))
    if not rows and not errors:
        errors.append((1, _("Het bestand bevat geen BPV-periodes.")))
    return rows, errors


def bpv_periodes_import(*, data: bytes, progress=None) -> BpvImportResult:
    """Import or raise BpvImportError listing every bad row; nothing is written then.
    `progress(rows, stage)` is called every PROGRESS_EVERY rows: first while each row is
    looked up (CHECKING), then while they are written (student_import.WRITING)."""
    rows, errors = _parse(_decode(data), progress)
    if errors:
        raise BpvImportError(errors)
    result = BpvImportResult(rows=len(rows))
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, WRITING)
            exists = BpvPeriode.objects.filter(
                enrolment=row.enrolment,
                praktijkopleider=row.praktijkopleider,
                starts_on=row.starts_on,
            ).exists()
            if exists:
                continue
            try:
                bpv_periode_create(
                    enrolment=row.enrolment,
                    praktijkopleider=row.praktijkopleider,
                    starts_on=row.starts_on,
                    ends_on=row.ends_on,
                )
            except ValidationError as exc:
                errors.append((row.line, " ".join(exc.messages)))
            else:
                result.created += 1
        if errors:
            transaction.set_rollback(True)
            raise BpvImportError(errors)
    return result
