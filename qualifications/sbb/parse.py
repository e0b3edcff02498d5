"""Streaming reader for SBB's kwalificatiedossier XML export ("kwalificatiedossiers vanaf 2015").

SBB publishes every dossier in one file of tens of MB. The reader walks it with a
defusedxml-protected iterparse and yields one parsed dossier at a time, clearing each
``<dossier>`` element once it is parsed, so memory is bounded by the largest single dossier
rather than by the file. It touches no database: the service in ``importer`` decides what to
store; ``dossier`` reads one ``<dossier>`` element.

Shape of the file (see also ``../shared/data/sbb/README.md``)::

    sbb
      domeinen/domein[@nr,@titel,@crebo]
      sectorkamers/sectorkamer[@nr,@titel]
      competenties/competentie[@nr,@titel,@code]          the 25 SBB competenties
      dossiers/dossier[@nr,@titel,@status,@versie,@referentiedomein]
        dossiercrebos/dossiercrebo[@Geldig_vanaf,...]      text: the dossier crebo
        kennisenvaardigheden/kennisofvaardigheid[@nr,@titel]
        categoriekennisenvaardigheden/categorie[@nr,@titel]
        voorblad/omschrijving/penvoerder/sectorkamer[@referentie], .../vastgesteldop
        basis/typeringberoepengroep/{context,beroepshouding,resultaatvanhetberoep}/omschrijving
        basis/basistaken/basiskerntaken/kerntaak[@hoofdstuk]/basiswerkprocessen/werkproces
        basis/basistaken/generieke_onderdelen/omschrijving  (escaped HTML)
        profielen/profiel[@nr,@titel,@niveau,@hoofdstuk]
          creboinformatie/crebo, profielkerntaken/kerntaak/profielwerkprocessen/werkproces

Codes (``B1-K2-W3``, ``P2-K1-W1``) are not in the file; they follow from the ``hoofdstuk``
numbers. Per-profiel additions of the basisdeel sit in ``…perprofiel/aanvullend`` blocks that
name the profiel by ``profiel[@referentie]`` (its ``nr``).

Text arrives as CDATA, sometimes with escaped HTML inside; ``text`` cleans it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import IO

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml import ElementTree as DefusedET
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .dossier import FileContext, parse_dossier
from .records import ParsedDossier, SbbFormatError
from .text import clean_line


def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


class _LimitedReader:
    """A binary stream that refuses to deliver more than ``limit`` bytes."""

    def __init__(self, stream: IO[bytes], limit: int | None):
        self.stream = stream
        self.limit = limit
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        if self.limit is not None and (size is None or size < 0):
            size = self.limit + 1 - self.read_bytes
        data = self.stream.read(size)
        self.read_bytes += len(data)
        if self.limit is not None and self.read_bytes > self.limit:
            raise SbbFormatError(too_large_message(self.limit))
        return data


def too_large_message(limit: int) -> str:
    return _("Het bestand is te groot: de grens is %(limit)s.") % {"limit": filesizeformat(limit)}


def read_sbb_xml(
    source: str | os.PathLike | IO[bytes], *, max_bytes: int | None = None
) -> Iterator[ParsedDossier]:
    """Yield every dossier in an SBB XML export, one at a time.

    ``source`` is a path or a binary stream. Raises ``SbbFormatError`` for a file that is
    not well-formed, uses a DTD or entities (refused outright, never expanded), is larger
    than ``max_bytes`` or is not an SBB export.
    """
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield from _read(stream, max_bytes)
    else:
        yield from _read(source, max_bytes)


def _read(stream: IO[bytes], max_bytes: int | None) -> Iterator[ParsedDossier]:
    context = FileContext()
    events = DefusedET.iterparse(
        _LimitedReader(stream, max_bytes),
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    path: list[str] = []
    parents: list = []
    in_dossier = False
    try:
        for event, element in events:
            if event == "start":
                element.tag = _local(element.tag)
                if not path and element.tag != "sbb":
                    raise SbbFormatError(
                        _("Dit is geen SBB-export: het hoofdelement is <%(tag)s>, verwacht <sbb>.")
                        % {"tag": element.tag}
                    )
                if element.tag == "dossier" and not in_dossier:
                    in_dossier = True
                path.append(element.tag)
                parents.append(element)
                continue

            path.pop()
            parents.pop()
            tag = element.tag
            if in_dossier:
                if tag == "dossier":
                    in_dossier = False
                    dossier = parse_dossier(element, context)
                    element.clear()
                    if parents:
                        parents[-1].remove(element)
                    yield dossier
                continue
            parent = path[-1] if path else ""
            if parent == "domeinen" and tag == "domein":
                context.domeinen[element.get("nr", "")] = (
                    clean_line(element.get("titel")),
                    (element.get("crebo") or "").strip(),
                )
            elif parent == "sectorkamers" and tag == "sectorkamer":
                context.sectorkamers[element.get("nr", "")] = clean_line(element.get("titel"))
            elif parent == "competenties" and tag == "competentie":
                context.competenties[element.get("nr", "")] = (
                    (element.get("code") or "").strip(),
                    clean_line(element.get("titel")),
                )
            # Everything outside a dossier is small, but do not keep it around either.
            if len(path) <= 2:
                element.clear()
    except DTDForbidden as exc:
        raise SbbFormatError(
            _(
                "Het bestand bevat een DTD (<!DOCTYPE …>). Om veiligheidsredenen worden "
                "bestanden met een DTD of entiteiten geweigerd."
            )
        ) from exc
    except EntitiesForbidden as exc:
        raise SbbFormatError(
            _(
                "Het bestand definieert XML-entiteiten. Om veiligheidsredenen worden bestanden "
                "met entiteiten geweigerd."
            )
        ) from exc
    except ExternalReferenceForbidden as exc:
        raise SbbFormatError(
            _(
                "Het bestand verwijst naar een externe bron. Om veiligheidsredenen worden "
                "zulke bestanden geweigerd."
            )
        ) from exc
    except DefusedXmlException as exc:
        raise SbbFormatError(
            _("Het bestand is om veiligheidsredenen geweigerd: %(error)s") % {"error": exc}
        ) from exc
    except (ValueError, LookupError) as exc:
        # expat reads only single-byte and UTF-8 input: a declared UTF-7 or UTF-16 ends here
        # (ValueError), and a name Python does not know as LookupError.
        if "encoding" not in str(exc):
            raise
        raise SbbFormatError(
            _(
                "De tekenset die het bestand opgeeft wordt niet ondersteund. Sla het op als "
                "UTF-8 en probeer het opnieuw."
            )
        ) from exc
    except DefusedET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        column += 1  # expat counts columns from 0, people and editors from 1
        raise SbbFormatError(
            _("Het bestand is geen geldige XML (regel %(line)s, kolom %(column)s): %(error)s")
            % {"line": line, "column": column, "error": _parse_error_reason(exc)}
        ) from exc


def _parse_error_reason(exc) -> str:
    # expat's message ends in ": line 3, column 4", which the message already says.
    reason = re.sub(r":\s*line \d+, column \d+$", "", str(exc))
    known = {
        "no element found": _("het bestand is leeg of houdt midden in een element op"),
        "mismatched tag": _("een sluittag past niet bij de openingstag"),
        "not well-formed (invalid token)": _("ongeldig teken of ongeldige opmaak"),
        "unclosed token": _("een tag of waarde is niet afgesloten"),
        "junk after document element": _("er staat nog iets na het einde van het document"),
        "syntax error": _("syntaxfout"),
        "duplicate attribute": _("een attribuut komt twee keer voor"),
        "undefined entity": _("onbekende entiteit"),
        "unclosed CDATA section": _("een CDATA-blok is niet afgesloten"),
    }
    return known.get(reason, reason)
