"""One ``<dossier>`` element of SBB's export, read into a ``ParsedDossier``.

``parse`` walks the file and hands each dossier element here with the lists from the top of
the file (``FileContext``) that the dossier refers to by number.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .records import (
    ParsedAddition,
    ParsedCompetentie,
    ParsedCriterion,
    ParsedDossier,
    ParsedGeneriekOnderdeel,
    ParsedKerntaak,
    ParsedKnowledge,
    ParsedProfiel,
    ParsedWerkproces,
    SbbFormatError,
)
from .text import clean_line, clean_text, split_gedrag, split_sections

# --- Small helpers --------------------------------------------------------------------------


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


@dataclass
class FileContext:
    """The lists at the top of the file that dossiers refer to by number."""

    domeinen: dict[str, tuple[str, str]] = field(default_factory=dict)
    sectorkamers: dict[str, str] = field(default_factory=dict)
    competenties: dict[str, tuple[str, str]] = field(default_factory=dict)


# --- One dossier ----------------------------------------------------------------------------


class _DossierReader:
    def __init__(self, element, context: FileContext):
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


def parse_dossier(element, context: FileContext) -> ParsedDossier:
    return _DossierReader(element, context).read()
