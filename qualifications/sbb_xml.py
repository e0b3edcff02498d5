"""Streaming reader for SBB's kwalificatiedossier XML export ("kwalificatiedossiers vanaf 2015").

SBB publishes every dossier in one file of tens of MB. The reader walks it with a
defusedxml-protected iterparse and yields one parsed dossier at a time, clearing each
``<dossier>`` element once it is parsed, so memory is bounded by the largest single dossier
rather than by the file. It touches no database: the service in ``sbb_import`` decides what
to store.

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

Text arrives as CDATA, sometimes with escaped HTML inside. ``clean_text`` turns it into the
plain text the rest of the project uses: paragraphs separated by a blank line, bullets as
``- item`` lines, no markup, nothing executable.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import html
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
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

# Bump when the parser starts reading something differently: the content hash changes with it,
# so the next import of an unchanged file brings stored dossiers up to date.
PARSER_VERSION = 1


class SbbFormatError(ValueError):
    """The file cannot be read as an SBB export. The message is meant for the user."""


# --- Parsed data ----------------------------------------------------------------------------


@dataclass
class ParsedCompetentie:
    """A competentie reference, resolved through the file's own list where it can be."""

    nr: str
    code: str = ""
    title: str = ""
    profiel: str | None = None  # profiel code ("P2") for a per-profiel addition


@dataclass
class ParsedCriterion:
    text: str
    profiel: str | None = None


@dataclass
class ParsedKnowledge:
    text: str
    category: str = ""
    profiel: str | None = None


@dataclass
class ParsedAddition:
    """A profiel's addition to a text of the basisdeel ("Voor ... geldt aanvullend")."""

    field: str  # complexiteit, verantwoordelijkheid, omschrijving, resultaat
    profiel: str
    text: str
    werkproces: str | None = None  # werkproces code, None for a kerntaak text


@dataclass
class ParsedWerkproces:
    code: str
    title: str
    omschrijving: str = ""
    resultaat: str = ""
    gedrag_intro: str = ""
    criteria: list[ParsedCriterion] = field(default_factory=list)
    competenties: list[ParsedCompetentie] = field(default_factory=list)


@dataclass
class ParsedKerntaak:
    code: str
    title: str
    profiel: str | None = None  # None: basisdeel
    complexiteit: str = ""
    verantwoordelijkheid: str = ""
    werkprocessen: list[ParsedWerkproces] = field(default_factory=list)
    knowledge: list[ParsedKnowledge] = field(default_factory=list)
    additions: list[ParsedAddition] = field(default_factory=list)


@dataclass
class ParsedProfiel:
    code: str  # P1, P2, ...
    sbb_nr: str
    title: str
    crebo: str = ""
    niveau: int | None = None
    typering: str = ""
    beroepsvereisten: str = ""


@dataclass
class ParsedGeneriekOnderdeel:
    title: str
    text: str = ""
    min_niveau: int | None = None


@dataclass
class ParsedDossier:
    sbb_nr: str
    code: str  # the dossier crebo
    title: str
    status: str = "vastgesteld"
    sbb_versie: str = ""
    opleidingsdomein: str = ""
    opleidingsdomein_crebo: str = ""
    sectorkamer: str = ""
    validated_on: datetime.date | None = None
    valid_from: datetime.date | None = None
    end_of_intake: datetime.date | None = None
    end_of_training: datetime.date | None = None
    typering: str = ""
    profielen: list[ParsedProfiel] = field(default_factory=list)
    kerntaken: list[ParsedKerntaak] = field(default_factory=list)
    generieke_onderdelen: list[ParsedGeneriekOnderdeel] = field(default_factory=list)
    # Things the reader skipped and the user should hear about; not part of the content.
    warnings: list[str] = field(default_factory=list)

    @property
    def identifiers(self) -> set[str]:
        """What --crebo may name this dossier by: its crebo, a profiel crebo or SBB's nr."""
        return {self.code, self.sbb_nr} | {p.crebo for p in self.profielen if p.crebo}

    @property
    def werkprocessen(self) -> list[ParsedWerkproces]:
        return [wp for kt in self.kerntaken for wp in kt.werkprocessen]

    @property
    def criteria_count(self) -> int:
        return sum(len(wp.criteria) for wp in self.werkprocessen)

    def content_hash(self) -> str:
        """sha256 of a canonical serialisation of everything that is stored."""
        data = _plain(self)
        data.pop("warnings")
        data["parser_version"] = PARSER_VERSION
        canonical = json.dumps(
            data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value):
    # dataclasses.asdict deep-copies every leaf; this is the same shape at a fraction of the
    # cost, which matters when a full SBB export is hashed dossier by dossier.
    if dataclasses.is_dataclass(value):
        return {name: _plain(item) for name, item in vars(value).items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


# --- Text cleaning --------------------------------------------------------------------------

# Content of these elements is never text for a reader: drop it entirely.
_DROP_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "template", "svg", "math", "head", "title", "textarea", "select", "button",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "blockquote",
    "pre", "table", "thead", "tbody", "tfoot", "tr", "ul", "ol", "dl", "hr", "address",
    "figure", "figcaption", "labeltext", "body", "html", "center", "fieldset", "form",
}  # fmt: skip
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CELL_TAGS = {"td", "th", "dt", "dd"}
# Marks a heading in the extracted text, so generieke onderdelen can be split by heading.
# Control characters cannot occur in XML 1.0 text, so they cannot collide with content.
_HEADING_START = "\x01"
_HEADING_END = "\x02"
_HEADING_MARK_RE = re.compile(_HEADING_START + "[1-6]?")
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?][^<>]*>")
_STRUCTURE_TAG_RE = re.compile(
    r"<\s*/?\s*(?:p|br|li|ul|ol|div|h[1-6]|table|tr|section|blockquote|labeltext)\b", re.I
)
_TAGLIKE_RE = re.compile(r"<(?=\s*/?\s*[a-zA-Z!?])")
_INLINE_WS_RE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BULLET_CHARS = frozenset(
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2022\u2023\u2043\u2219\u25aa\u25cf\u25e6\u00b7"
)
# In a gedrag list a number ("1.", "2)") also starts a criterion.
_GEDRAG_BULLET_RE = re.compile(
    r"^(?:[-\u2010-\u2015\u2022\u2023\u2043\u2219\u25aa\u25cf\u25e6\u00b7]|\d{1,2}[.)](?=\s))\s*"
)


class _TextExtractor(HTMLParser):
    """Keeps the text of an HTML fragment; turns structure into line breaks and bullets."""

    def __init__(self, *, keep_newlines: bool):
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.parts: list[str] = []
        self.skip = 0
        # Just opened a list item: a <p> inside it must not push its text off the bullet.
        self.bullet_open = False

    def _break(self, text: str) -> None:
        if not self.bullet_open:
            self.parts.append(text)

    def handle_starttag(self, tag, attrs):
        if tag in _DROP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self._break("\n")
        elif tag == "li":
            self.parts.append("\n- ")
            self.bullet_open = True
        elif tag in _HEADING_TAGS:
            self._break("\n\n")
            self.parts.append(f"{_HEADING_START}{tag[1]}")
        elif tag in _BLOCK_TAGS:
            self._break("\n\n")
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        # <script/> has no content to skip; <br/> and friends still break the line.
        if tag not in _DROP_TAGS:
            self.handle_starttag(tag, attrs)
            if tag not in {"br", "hr"}:
                self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _DROP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _HEADING_TAGS:
            self.parts.append(f"{_HEADING_END}\n\n")
        elif tag == "li":
            self.parts.append("\n")
            self.bullet_open = False
        elif tag in _BLOCK_TAGS:
            self._break("\n\n")

    def handle_data(self, data):
        if self.skip:
            return
        if self.keep_newlines:
            self.parts.append(data)
        else:
            # In HTML a line break in the source is just a space.
            self.parts.append(re.sub(r"\s+", " ", data))
        if data.strip():
            self.bullet_open = False

    # Comments, processing instructions and declarations are never shown.
    def handle_comment(self, data):
        pass

    def handle_pi(self, data):
        pass

    def handle_decl(self, decl):
        pass

    def unknown_decl(self, data):
        pass


def _strip_html(text: str) -> str:
    # Text with only inline markup (<b>, <i>, <span>) is plain text whose line breaks still
    # mean something; only real HTML structure replaces them.
    structured = bool(_STRUCTURE_TAG_RE.search(text))
    parser = _TextExtractor(keep_newlines=not structured)
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _unescape(text: str) -> str:
    # Escaped HTML is sometimes escaped twice (&amp;lt;p&amp;gt;); a few rounds undo that.
    for _round in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def _extract(raw: str | None) -> str:
    """Plain text with heading markers: entities resolved, markup stripped."""
    if not raw:
        return ""
    # Control characters are not text, and must not be mistaken for the heading markers.
    text = _CONTROL_RE.sub("", _unescape(raw))
    if "<" not in text:
        return text
    # A tag that was escaped more often than _unescape undoes shows up again after one pass;
    # keep stripping until nothing tag-like is left.
    for _round in range(4):
        if not _TAG_RE.search(text):
            break
        text = _unescape(_strip_html(text))
    # Last resort: a "<" that could still open a tag is dropped, so no markup can survive.
    return _TAGLIKE_RE.sub("", text)


def _normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INLINE_WS_RE.sub(" ", _INVISIBLE_RE.sub("", text))
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        if line and line[0] in _BULLET_CHARS:
            rest = line[1:].strip()
            if not rest:
                continue  # an empty bullet
            line = f"- {rest}"
        lines.append(line)
    # Blank lines collapse to one; between two bullets of one list they go altogether.
    following = [""] * len(lines)  # the next non-blank line after each line
    upcoming = ""
    for index in range(len(lines) - 1, -1, -1):
        following[index] = upcoming
        upcoming = lines[index] or upcoming
    kept: list[str] = []
    for index, line in enumerate(lines):
        if not line:
            if not kept or not kept[-1]:
                continue
            if kept[-1].startswith("- ") and following[index].startswith("- "):
                continue
        kept.append(line)
    return "\n".join(kept).strip()


def clean_text(raw: str | None) -> str:
    """CDATA text, possibly escaped HTML, as the plain text the fixtures use."""
    # A heading marker carries the heading level; both go, the heading text stays.
    text = _extract(raw)
    if _HEADING_START in text:
        text = _HEADING_MARK_RE.sub("", text).replace(_HEADING_END, "")
    return _normalize(text)


def clean_line(raw: str | None) -> str:
    """A title or attribute: clean text on one line."""
    return " ".join(clean_text(raw).split())


def _clean_with_headings(raw: str | None) -> str:
    return _normalize(_extract(raw))


def split_sections(raw: str | None) -> tuple[str, list[tuple[str, str]]]:
    """Split HTML text at its headings: (text before the first section, [(title, text)]).

    The sections are cut at the heading level used most often (h2 under one h1 in SBB's
    generieke onderdelen), so a single title heading above them does not become a section.
    """
    text = _clean_with_headings(raw)
    pattern = re.compile(
        re.escape(_HEADING_START) + r"([1-6])(.*?)" + re.escape(_HEADING_END), re.S
    )
    headings = list(pattern.finditer(text))
    if not headings:
        return _normalize(text), []
    levels = Counter(int(m.group(1)) for m in headings)
    # Most frequent level; on a tie the higher-ranked (smaller number) heading wins.
    level = min(levels, key=lambda lvl: (-levels[lvl], lvl))
    cuts = [m for m in headings if int(m.group(1)) <= level]
    section_heads = [m for m in cuts if int(m.group(1)) == level]

    def plain(fragment: str) -> str:
        return _normalize(pattern.sub(lambda m: m.group(2), fragment))

    intro = plain(text[: section_heads[0].start()])
    sections = []
    for head in section_heads:
        following = [m for m in cuts if m.start() > head.start()]
        end = following[0].start() if following else len(text)
        title = " ".join(plain(head.group(2)).split())
        sections.append((title, plain(text[head.end() : end])))
    return intro, sections


def split_gedrag(text: str) -> tuple[str, list[str]]:
    """Gedrag text as (intro, criteria).

    Bullets become criteria, in order. Lines before the first bullet ("De beroepsbeoefenaar:")
    are the intro, and so is a first bullet that ends in ":" (SBB's data has "-De pedagogisch
    medewerker kinderopvang:"). A line straight after a bullet that does not end it continues
    that bullet; a line that ends in ":" after the list started introduces more bullets and is
    not itself a criterion. Without any bullet, every line that does not end in ":" is a
    criterion.
    """
    intro: list[str] = []
    items: list[str] = []
    seen_bullet = False
    previous_blank = True
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            previous_blank = True
            continue
        match = _GEDRAG_BULLET_RE.match(line)
        if match:
            item = line[match.end() :].strip()
            if item and not items and item.endswith(":"):
                intro.append(item)
            elif item:
                items.append(item)
                seen_bullet = True
        elif not seen_bullet:
            intro.append(line)
        elif line.endswith(":"):
            pass
        elif not previous_blank and items and not items[-1].endswith((";", ".", "!", "?")):
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
        previous_blank = False
    if not seen_bullet:
        items = [line for line in intro if not line.endswith(":")]
        intro = [line for line in intro if line.endswith(":")]
    return " ".join(intro), items


# --- Small helpers --------------------------------------------------------------------------


def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _own_text(element) -> str:
    """The element's own text (the CDATA), without the text of child elements."""
    if element is None:
        return ""
    return (element.text or "") + "".join(child.tail or "" for child in element)


def _child(element, tag: str):
    if element is None:
        return None
    for child in element:
        if child.tag == tag:
            return child
    return None


def _children(element, tag: str) -> list:
    if element is None:
        return []
    return [child for child in element if child.tag == tag]


def _perprofiel(element):
    """The ``…perprofiel`` child holding the profielen's additions to this element."""
    if element is None:
        return None
    for child in element:
        if child.tag.endswith("perprofiel"):
            return child
    return None


def _number(value: str | None) -> int | None:
    """The chapter number a hoofdstuk gives this item: "2" -> 2, "1.2" -> 2, "P3" -> 3."""
    if not value:
        return None
    numbers = re.findall(r"\d+", value)
    return int(numbers[-1]) if numbers else None


def _numbered(elements: list) -> list[tuple[int, object]]:
    """Siblings with their number from ``hoofdstuk``, in that order.

    When the hoofdstuk numbers are missing or clash the document order is the numbering, so
    every sibling still gets a distinct code.
    """
    numbers = [_number(el.get("hoofdstuk")) for el in elements]
    if None in numbers or len(set(numbers)) != len(numbers) or 0 in numbers:
        return list(enumerate(elements, start=1))
    return sorted(zip(numbers, elements, strict=True), key=lambda pair: pair[0])


def _date(value: str | None, warnings: list[str], what: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    warnings.append(_("Datum %(what)s '%(value)s' niet herkend.") % {"what": what, "value": value})
    return None


def _niveau(value: str | None) -> int | None:
    value = (value or "").strip().lower()
    if value.isdigit():
        return int(value)
    if value.startswith("entree"):
        return 1
    number = _number(value)
    return number if number and 1 <= number <= 4 else None


_STATUS = {"vastgesteld": "vastgesteld", "vervallen": "vervallen", "concept": "concept"}


def _status(value: str | None) -> str:
    value = (value or "").strip().lower()
    for word, status in _STATUS.items():
        if word in value:
            return status
    # "In ontwikkeling", "Voorlopig", ...: not (yet) the law, so not vastgesteld.
    return "concept" if value else "vastgesteld"


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# --- The file -------------------------------------------------------------------------------


@dataclass
class _FileContext:
    """The lists at the top of the file that dossiers refer to by number."""

    domeinen: dict[str, tuple[str, str]] = field(default_factory=dict)
    sectorkamers: dict[str, str] = field(default_factory=dict)
    competenties: dict[str, tuple[str, str]] = field(default_factory=dict)


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
    context = _FileContext()
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
                    dossier = _parse_dossier(element, context)
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


# --- One dossier ----------------------------------------------------------------------------


class _DossierReader:
    def __init__(self, element, context: _FileContext):
        self.el = element
        self.context = context
        self.warnings: list[str] = []
        self.kennis = {
            item.get("nr", ""): clean_line(item.get("titel"))
            for item in element.iter("kennisofvaardigheid")
        }
        self.categories = {
            item.get("nr", ""): clean_line(item.get("titel"))
            for container in element.iter("categoriekennisenvaardigheden")
            for item in container
        }
        self.profiel_codes: dict[str, str] = {}

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def read(self) -> ParsedDossier:
        el = self.el
        sbb_nr = (el.get("nr") or "").strip()
        crebos = list(el.iter("dossiercrebo"))
        crebo_el = crebos[0] if crebos else None
        code = (crebo_el.text or "").strip() if crebo_el is not None else ""
        title = clean_line(el.get("titel"))
        if not code:
            raise SbbFormatError(
                _("Dossier %(nr)s (%(title)s) heeft geen dossiercrebo.")
                % {"nr": sbb_nr or "?", "title": title}
            )
        dossier = ParsedDossier(
            sbb_nr=sbb_nr,
            code=_truncate(code, 32),
            title=_truncate(title or code, 255),
            status=_status(el.get("status")),
            sbb_versie=(el.get("versie") or "").strip(),
        )
        domein = self.context.domeinen.get(el.get("referentiedomein") or "")
        if domein:
            dossier.opleidingsdomein = _truncate(domein[0], 255)
            dossier.opleidingsdomein_crebo = _truncate(domein[1], 16)
        if crebo_el is not None:
            dossier.valid_from = _date(crebo_el.get("Geldig_vanaf"), self.warnings, "geldig vanaf")
            dossier.end_of_intake = _date(
                crebo_el.get("Datum_einde_instroom"), self.warnings, "einde instroom"
            )
            dossier.end_of_training = _date(
                crebo_el.get("Datum_einde_opleiding"), self.warnings, "einde opleiding"
            )
        dossier.sectorkamer = _truncate(self._sectorkamer(), 255)
        vastgesteld = next(iter(el.iter("vastgesteldop")), None)
        if vastgesteld is not None:
            dossier.validated_on = _date(vastgesteld.text, self.warnings, "vastgesteld op")
        basis = _child(el, "basis")
        dossier.typering = self._typering(basis)

        profielen = _child(el, "profielen")
        profiel_elements = _numbered(_children(profielen, "profiel"))
        for number, profiel_el in profiel_elements:
            code_p = f"P{number}"
            nr = (profiel_el.get("nr") or "").strip()
            if nr:
                self.profiel_codes[nr] = code_p
            dossier.profielen.append(self._profiel(profiel_el, code_p, nr))

        for number, kerntaak_el in _numbered(list(self._basis_kerntaken(basis))):
            dossier.kerntaken.append(self._kerntaak(kerntaak_el, f"B1-K{number}", None))
        for number, profiel_el in profiel_elements:
            code_p = f"P{number}"
            kerntaken = [
                kt for container in profiel_el.iter("profielkerntaken") for kt in container
            ]
            kerntaken = [kt for kt in kerntaken if kt.tag == "kerntaak"]
            for kt_number, kerntaak_el in _numbered(kerntaken):
                dossier.kerntaken.append(
                    self._kerntaak(kerntaak_el, f"{code_p}-K{kt_number}", code_p)
                )

        dossier.generieke_onderdelen = self._generieke_onderdelen(basis)
        dossier.warnings = self.warnings
        return dossier

    # Dossier level

    def _sectorkamer(self) -> str:
        for penvoerder in self.el.iter("penvoerder"):
            for sectorkamer in penvoerder.iter("sectorkamer"):
                name = self.context.sectorkamers.get(sectorkamer.get("referentie") or "")
                if name:
                    return name
        door = next(iter(self.el.iter("vastgestelddoor")), None)
        return clean_line(door.text) if door is not None else ""

    _TYPERING_HEADINGS = {
        "context": "Context",
        "beroepshouding": "Typerende beroepshouding",
        "resultaatvanhetberoep": "Resultaat van de beroepengroep",
    }

    def _typering(self, basis) -> str:
        typering = _child(basis, "typeringberoepengroep")
        if typering is None:
            return ""
        parts = []
        for section in typering:
            omschrijving = _child(section, "omschrijving")
            text = clean_text(_own_text(omschrijving if omschrijving is not None else section))
            if not text:
                continue
            heading = section.get("titel") or self._TYPERING_HEADINGS.get(section.tag, "")
            parts.append(f"{clean_line(heading)}\n\n{text}" if heading else text)
        return "\n\n".join(parts)

    def _profiel(self, el, code: str, nr: str) -> ParsedProfiel:
        omschrijving = _child(el, "omschrijving")
        crebo = next(iter(el.iter("crebo")), None)
        vereist = clean_line(_own_text(_child(omschrijving, "wettelijkeberoepsvereisten")))
        beroepsvereisten = ""
        if vereist.lower().startswith("ja"):
            parts = [
                clean_text(_own_text(_child(omschrijving, tag)))
                for tag in (
                    "toelichtingwettelijkeberoepsvereisten",
                    "bronwettelijkeberoepsvereisten",
                )
            ]
            beroepsvereisten = "\n\n".join(p for p in parts if p) or vereist
        return ParsedProfiel(
            code=code,
            sbb_nr=nr,
            title=_truncate(clean_line(el.get("titel")) or code, 255),
            crebo=_truncate((crebo.text or "").strip(), 32) if crebo is not None else "",
            niveau=_niveau(el.get("niveau")),
            typering=clean_text(_own_text(_child(omschrijving, "typeringvanhetberoep"))),
            beroepsvereisten=beroepsvereisten,
        )

    @staticmethod
    def _basis_kerntaken(basis):
        if basis is None:
            return []
        return [
            kt
            for container in basis.iter("basiskerntaken")
            for kt in container
            if kt.tag == "kerntaak"
        ]

    def _generieke_onderdelen(self, basis) -> list[ParsedGeneriekOnderdeel]:
        if basis is None:
            return []
        container = next(iter(basis.iter("generieke_onderdelen")), None)
        if container is None:
            return []
        omschrijving = _child(container, "omschrijving")
        raw = _own_text(omschrijving if omschrijving is not None else container)
        intro, sections = split_sections(raw)
        if not sections:
            if not intro:
                return []
            title = clean_line(container.get("titel")) or "Generieke onderdelen"
            return [ParsedGeneriekOnderdeel(title=_truncate(title, 255), text=intro)]
        return [
            ParsedGeneriekOnderdeel(
                title=_truncate(title, 255), text=text, min_niveau=_generiek_min_niveau(title)
            )
            for title, text in sections
            if title
        ]

    # Kerntaak and werkproces

    def _profielen_of(self, aanvullend) -> list[str]:
        codes = []
        for profiel in _children(aanvullend, "profiel"):
            ref = (profiel.get("referentie") or "").strip()
            code = self.profiel_codes.get(ref)
            if code is None:
                self.warn(
                    _("Aanvulling voor onbekend profiel %(ref)s overgeslagen.") % {"ref": ref}
                )
            elif code not in codes:
                codes.append(code)
        return codes

    def _aanvullingen(self, element) -> Iterator[tuple[list[str], list]]:
        """(profiel codes, content elements) for every addition block of this element."""
        perprofiel = _perprofiel(element)
        if perprofiel is None:
            return
        for aanvullend in perprofiel.iter("aanvullend"):
            profielen = self._profielen_of(aanvullend)
            content = [child for child in aanvullend if child.tag != "profiel"]
            if profielen:
                yield profielen, content

    def _text_additions(self, element, field_name: str, werkproces: str | None):
        additions = []
        for profielen, content in self._aanvullingen(element):
            text = clean_text("\n".join(_own_text(c) for c in content))
            if not text:
                continue  # SBB writes an empty block for a profiel without an addition
            for profiel in profielen:
                additions.append(ParsedAddition(field_name, profiel, text, werkproces))
        return additions

    def _kerntaak(self, el, code: str, profiel: str | None) -> ParsedKerntaak:
        complexiteit = _child(el, "complexiteit")
        verantwoordelijkheid = _child(el, "verantwoordelijkheid")
        kerntaak = ParsedKerntaak(
            code=code,
            title=_truncate(clean_line(el.get("titel")) or code, 500),
            profiel=profiel,
            complexiteit=clean_text(_own_text(complexiteit)),
            verantwoordelijkheid=clean_text(_own_text(verantwoordelijkheid)),
        )
        kerntaak.additions += self._text_additions(complexiteit, "complexiteit", None)
        kerntaak.additions += self._text_additions(
            verantwoordelijkheid, "verantwoordelijkheid", None
        )
        vakkennis = _child(el, "vakkennisenvaardigheden")
        if vakkennis is not None:
            seen: set[tuple] = set()
            self._knowledge(vakkennis, "", [None], kerntaak.knowledge, seen)
        werkprocessen = [
            wp
            for container in el
            if container.tag.endswith("werkprocessen")
            for wp in container
            if wp.tag == "werkproces"
        ]
        for number, wp_el in _numbered(werkprocessen):
            werkproces = self._werkproces(wp_el, f"{code}-W{number}")
            kerntaak.werkprocessen.append(werkproces)
            kerntaak.additions += self._werkproces_additions(wp_el, werkproces.code)
        return kerntaak

    def _knowledge(self, element, category, profielen, out, seen) -> None:
        """Walk a vakkennisenvaardigheden block in document order.

        Items refer to the dossier's kennisenvaardigheden list by number. An ``aanvullend``
        block names the profielen its items are for; a reference to a categorie (in
        ``vakkennisenvaardigheden_met_categorie``) puts the items under it in that category.
        """
        for child in element:
            tag = child.tag
            if tag == "profiel":
                continue
            if tag == "aanvullend":
                codes = self._profielen_of(child)
                if codes:
                    self._knowledge(child, category, codes, out, seen)
                continue
            ref = (child.get("referentie") or child.get("nr") or "").strip()
            if "categorie" in tag or (ref and ref in self.categories):
                group = self.categories.get(ref) or clean_line(child.get("titel")) or category
                self._knowledge(child, group, profielen, out, seen)
                continue
            text = self.kennis.get(ref, "") if ref else ""
            text = text or clean_line(child.get("titel"))
            if not text:
                if ref:
                    self.warn(
                        _("Vakkennis of vaardigheid %(ref)s ontbreekt in de lijst van het dossier.")
                        % {"ref": ref}
                    )
                self._knowledge(child, category, profielen, out, seen)
                continue
            item_category = category
            if child.get("categorie"):
                item_category = self.categories.get(
                    child.get("categorie"), clean_line(child.get("categorie"))
                )
            for profiel in profielen:
                # SBB lists some items twice for the same kerntaak; once is enough.
                key = (text, item_category, profiel)
                if key not in seen:
                    seen.add(key)
                    out.append(
                        ParsedKnowledge(
                            text=text, category=_truncate(item_category, 255), profiel=profiel
                        )
                    )

    def _werkproces(self, el, code: str) -> ParsedWerkproces:
        gedrag_el = _child(el, "werkprocesgedrag")
        intro, criteria = split_gedrag(clean_text(_own_text(gedrag_el)))
        werkproces = ParsedWerkproces(
            code=code,
            title=_truncate(clean_line(el.get("titel")) or code, 500),
            omschrijving=clean_text(_own_text(_child(el, "werkprocesomschrijving"))),
            resultaat=clean_text(_own_text(_child(el, "werkprocesresultaat"))),
            gedrag_intro=intro,
            criteria=[ParsedCriterion(text) for text in criteria],
        )
        for profielen, content in self._aanvullingen(gedrag_el):
            text = clean_text("\n".join(_own_text(c) for c in content))
            _intro, extra = split_gedrag(text)
            for profiel in profielen:
                werkproces.criteria += [ParsedCriterion(t, profiel) for t in extra]

        competenties_el = _child(el, "werkprocescompetenties")
        if competenties_el is not None:
            for child in competenties_el:
                if child.tag == "competentie":
                    self._add_competentie(werkproces, child, None)
            for profielen, content in self._aanvullingen(competenties_el):
                refs = [comp for c in content for comp in c.iter("competentie")]
                for profiel in profielen:
                    for comp in refs:
                        self._add_competentie(werkproces, comp, profiel)
        return werkproces

    def _add_competentie(self, werkproces, element, profiel) -> None:
        nr = (element.get("referentie") or element.get("nr") or "").strip()
        code, title = self.context.competenties.get(nr, ("", ""))
        code = code or (element.get("code") or "").strip()
        if not nr and not code:
            return
        werkproces.competenties.append(ParsedCompetentie(nr, code, title, profiel))

    def _werkproces_additions(self, el, code: str) -> list[ParsedAddition]:
        return self._text_additions(
            _child(el, "werkprocesomschrijving"), "omschrijving", code
        ) + self._text_additions(_child(el, "werkprocesresultaat"), "resultaat", code)


def _generiek_min_niveau(title: str) -> int | None:
    lowered = title.lower()
    match = re.search(r"niveau\s*(\d)", lowered)
    if match and ("alleen" in lowered or "vanaf" in lowered or "voor" in lowered):
        return int(match.group(1))
    # Engels is a generic part only at niveau 4 (Examen- en kwalificatiebesluit WEB, art. 17a).
    if lowered.startswith("engels"):
        return 4
    return None


def _parse_dossier(element, context: _FileContext) -> ParsedDossier:
    return _DossierReader(element, context).read()
