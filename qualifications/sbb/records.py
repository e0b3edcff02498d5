"""What the SBB reader hands to the importer: plain data classes, and the error it raises.

Nothing here touches XML or the database; the content hash is computed from these records,
so what counts as "changed" is exactly what the importer stores.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from dataclasses import dataclass, field

# Bump when the parser starts reading something differently: the content hash changes with it,
# so the next import of an unchanged file brings stored dossiers up to date.
PARSER_VERSION = 1


class SbbFormatError(ValueError):
    """The file cannot be read as an SBB export. The message is meant for the user."""


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
