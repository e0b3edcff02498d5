"""Import SBB's kwalificatiedossier XML export into the dossier tree.

One service, used by the ``import_sbb_xml`` command and the upload page. The whole file is
imported in one transaction: a file that fails halfway (malformed XML in the third dossier,
an unknown crebo asked for) leaves the database exactly as it was.

Versions. Each dossier's parsed content is hashed (``ParsedDossier.content_hash``):

- a version with the same code and hash exists: unchanged, nothing is written;
- the newest version differs and nobody is enrolled on it: its tree is replaced in place
  (kwalificaties keep their ids, so klassen that point at them stay valid);
- the newest version differs and students are enrolled (``dossier_is_locked``): a new
  version max+1 is created, and the students' version is left exactly as it was.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    Competentie,
    Criterion,
    Dossier,
    Framework,
    GeneriekOnderdeel,
    Kerntaak,
    KnowledgeItem,
    Qualification,
    TextAddition,
    Werkproces,
    WerkprocesCompetentie,
)
from ..services import dossier_is_locked
from .parse import read_sbb_xml, too_large_message
from .records import ParsedCompetentie, ParsedDossier, SbbFormatError

logger = logging.getLogger(__name__)

BULK_BATCH_SIZE = 500


class SbbImportError(ValidationError):
    """The file was refused; nothing was written. ``message`` says why, in Dutch."""


class Action:
    CREATED = "created"
    UPDATED = "updated"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"


ACTION_LABELS = {
    Action.CREATED: gettext_lazy("aangemaakt"),
    Action.UPDATED: gettext_lazy("bijgewerkt"),
    Action.NEW_VERSION: gettext_lazy("nieuwe versie"),
    Action.UNCHANGED: gettext_lazy("ongewijzigd"),
}
DRY_RUN_LABELS = {
    Action.CREATED: gettext_lazy("zou worden aangemaakt"),
    Action.UPDATED: gettext_lazy("zou worden bijgewerkt"),
    Action.NEW_VERSION: gettext_lazy("zou een nieuwe versie krijgen"),
    Action.UNCHANGED: gettext_lazy("ongewijzigd"),
}


@dataclass
class DossierOutcome:
    code: str
    title: str
    sbb_nr: str
    version: int
    action: str
    qualifications: int
    kerntaken: int
    werkprocessen: int
    criteria: int
    crebos: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def action_label(self) -> str:
        return str((DRY_RUN_LABELS if self.dry_run else ACTION_LABELS)[self.action])


@dataclass
class ImportReport:
    dry_run: bool = False
    dossiers: list[DossierOutcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.dossiers if outcome.action == action)

    @property
    def changed(self) -> bool:
        return any(outcome.action != Action.UNCHANGED for outcome in self.dossiers)


def import_sbb_xml(
    *,
    source: str | os.PathLike | IO[bytes],
    crebos: list[str] | None = None,
    dry_run: bool = False,
    user=None,
) -> ImportReport:
    """Import every dossier in ``source`` (a path or a binary stream, such as an upload),
    or only those named in ``crebos`` (dossier crebo, profiel crebo or SBB dossier nr).

    With ``dry_run`` the import runs in full and is then rolled back, so the report says
    exactly what would be created or changed. Raises ``SbbImportError``.
    """
    wanted = {str(crebo).strip() for crebo in crebos or [] if str(crebo).strip()}
    max_bytes = settings.SBB_XML_MAX_BYTES
    _check_size(source, max_bytes)
    report = ImportReport(dry_run=dry_run)
    found: set[str] = set()
    try:
        with transaction.atomic():
            competenties = _CompetentieResolver()
            # Dossier versions this import has written or matched. A file may hold two
            # versions of one dossier; the second must not overwrite the first.
            claimed: set[int] = set()
            for parsed in read_sbb_xml(_rewound(source), max_bytes=max_bytes):
                if wanted and not wanted & parsed.identifiers:
                    continue
                found |= wanted & parsed.identifiers
                outcome = _import_dossier(parsed, competenties, claimed)
                outcome.dry_run = dry_run
                report.dossiers.append(outcome)
            if not report.dossiers and not wanted:
                raise SbbImportError(_("Het bestand bevat geen kwalificatiedossiers."))
            missing = sorted(wanted - found)
            if missing:
                raise SbbImportError(
                    _("Niet gevonden in het bestand: %(crebos)s.") % {"crebos": ", ".join(missing)}
                )
            if dry_run:
                transaction.set_rollback(True)
    except SbbFormatError as exc:
        raise SbbImportError(str(exc), code="sbb_format") from exc
    logger.info(
        "SBB import%s by %s: %s",
        " (dry run)" if dry_run else "",
        getattr(user, "username", None) or "command line",
        ", ".join(f"{o.code} v{o.version} {o.action}" for o in report.dossiers),
    )
    return report


def _check_size(source, max_bytes: int) -> None:
    """Refuse an oversized file before reading it. The reader enforces the limit as well,
    for streams whose size cannot be known up front."""
    size = getattr(source, "size", None)
    if size is None and isinstance(source, str | os.PathLike):
        size = os.path.getsize(source)
    if size is not None and size > max_bytes:
        raise SbbImportError(too_large_message(max_bytes), code="too_large")


def _rewound(source):
    if hasattr(source, "seek"):
        source.seek(0)
    return source


class _CompetentieResolver:
    """The 25 competenties by code and SBB number, loaded once per import.

    A competentie the database does not know yet is created from the file's own list, so an
    import does not depend on fixtures having been loaded first.
    """

    def __init__(self):
        self.by_code = {c.code: c for c in Competentie.objects.all()}
        self.by_nr = {c.sbb_nr: c for c in self.by_code.values() if c.sbb_nr}

    def resolve(self, ref: ParsedCompetentie) -> Competentie | None:
        nr = int(ref.nr) if ref.nr.isdigit() else None
        found = self.by_code.get(ref.code) if ref.code else None
        if found is None and nr is not None:
            found = self.by_nr.get(nr)
        if found is None and ref.code and ref.title:
            found, _created = Competentie.objects.get_or_create(
                title=ref.title, defaults={"code": ref.code, "sbb_nr": nr}
            )
            self.by_code[found.code] = found
            if found.sbb_nr:
                self.by_nr[found.sbb_nr] = found
        return found


def _import_dossier(
    parsed: ParsedDossier, competenties: _CompetentieResolver, claimed: set[int]
) -> DossierOutcome:
    digest = parsed.content_hash()
    versions = list(
        Dossier.objects.select_for_update().filter(code=parsed.code).order_by("-version")
    )
    outcome = DossierOutcome(
        code=parsed.code,
        title=parsed.title,
        sbb_nr=parsed.sbb_nr,
        version=1,
        action=Action.CREATED,
        qualifications=len(parsed.profielen),
        kerntaken=len(parsed.kerntaken),
        werkprocessen=len(parsed.werkprocessen),
        criteria=parsed.criteria_count,
        crebos=[p.crebo for p in parsed.profielen if p.crebo],
        warnings=list(parsed.warnings),
    )
    same = next((d for d in versions if d.content_hash == digest), None)
    if same is not None:
        outcome.version = same.version
        outcome.action = Action.UNCHANGED
        claimed.add(same.pk)
        return outcome

    latest = versions[0] if versions else None
    qualifications: dict[str, Qualification] = {}
    if latest is None:
        dossier = Dossier(framework=Framework.SBB, code=parsed.code, version=1)
    elif (
        latest.pk not in claimed
        and not dossier_is_locked(latest)
        and _clear_for_replacement(latest, parsed)
    ):
        dossier = latest
        qualifications = {q.code: q for q in latest.qualifications.all()}
        outcome.action = Action.UPDATED
    else:
        dossier = Dossier(framework=Framework.SBB, code=parsed.code, version=latest.version + 1)
        outcome.action = Action.NEW_VERSION
    outcome.version = dossier.version

    _fill_dossier(dossier, parsed, digest)
    dossier.save()
    claimed.add(dossier.pk)
    _write_tree(dossier, parsed, qualifications, competenties, outcome.warnings)
    return outcome


def _clear_for_replacement(dossier: Dossier, parsed: ParsedDossier) -> bool:
    """Delete the version's tree so it can be written anew; False if something outside the
    dossier still holds on to part of it (then a new version is made instead)."""
    codes = [p.code for p in parsed.profielen]
    try:
        with transaction.atomic():
            Kerntaak.objects.filter(dossier=dossier).delete()
            GeneriekOnderdeel.objects.filter(dossier=dossier).delete()
            # Kwalificaties that stay are updated, not deleted: klassen point at them.
            Qualification.objects.filter(dossier=dossier).exclude(code__in=codes).delete()
    except (ProtectedError, RestrictedError):
        return False
    return True


def _fill_dossier(dossier: Dossier, parsed: ParsedDossier, digest: str) -> None:
    dossier.framework = Framework.SBB
    dossier.title = parsed.title
    dossier.status = parsed.status
    dossier.opleidingsdomein = parsed.opleidingsdomein
    dossier.opleidingsdomein_crebo = parsed.opleidingsdomein_crebo
    dossier.sectorkamer = parsed.sectorkamer
    dossier.validated_on = parsed.validated_on
    dossier.valid_from = parsed.valid_from
    dossier.end_of_intake = parsed.end_of_intake
    dossier.end_of_training = parsed.end_of_training
    dossier.typering = parsed.typering
    source = f"SBB XML-export, dossier {parsed.sbb_nr}"
    if parsed.sbb_versie:
        source += f", versie {parsed.sbb_versie}"
    dossier.source = source[:255]
    dossier.content_hash = digest
    if dossier.pk:
        dossier.imported_at = timezone.now()


def _write_tree(
    dossier: Dossier,
    parsed: ParsedDossier,
    existing: dict[str, Qualification],
    competenties: _CompetentieResolver,
    warnings: list[str],
) -> None:
    qualifications: dict[str, Qualification] = {}
    new_qualifications = []
    for position, profiel in enumerate(parsed.profielen, start=1):
        qualification = existing.get(profiel.code) or Qualification(
            dossier=dossier, code=profiel.code
        )
        qualification.crebo = profiel.crebo
        qualification.title = profiel.title
        qualification.niveau = profiel.niveau
        qualification.typering = profiel.typering
        qualification.beroepsvereisten = profiel.beroepsvereisten
        qualification.position = position
        if qualification.pk:
            qualification.save()
        else:
            new_qualifications.append(qualification)
        qualifications[profiel.code] = qualification
    _bulk_create(Qualification, new_qualifications)

    kerntaken = [
        Kerntaak(
            dossier=dossier,
            part=Kerntaak.Part.PROFIELDEEL if kt.profiel else Kerntaak.Part.BASISDEEL,
            qualification=qualifications[kt.profiel] if kt.profiel else None,
            code=kt.code,
            title=kt.title,
            complexiteit=kt.complexiteit,
            verantwoordelijkheid=kt.verantwoordelijkheid,
            position=position,
        )
        for position, kt in enumerate(parsed.kerntaken, start=1)
    ]
    _bulk_create(Kerntaak, kerntaken)

    werkprocessen: dict[tuple[str, str], Werkproces] = {}
    for kerntaak, parsed_kt in zip(kerntaken, parsed.kerntaken, strict=True):
        for position, wp in enumerate(parsed_kt.werkprocessen, start=1):
            werkprocessen[(parsed_kt.code, wp.code)] = Werkproces(
                kerntaak_id=kerntaak.pk,
                code=wp.code,
                title=wp.title,
                omschrijving=wp.omschrijving,
                resultaat=wp.resultaat,
                position=position,
            )
    _bulk_create(Werkproces, list(werkprocessen.values()))

    # Plain ids from here on: setting related objects costs more than the insert itself.
    ids = {code: qualification.pk for code, qualification in qualifications.items()}
    criteria, links, knowledge, additions = [], [], [], []
    for kerntaak, parsed_kt in zip(kerntaken, parsed.kerntaken, strict=True):
        for wp in parsed_kt.werkprocessen:
            werkproces = werkprocessen[(parsed_kt.code, wp.code)]
            criteria += [
                Criterion(
                    werkproces_id=werkproces.pk,
                    position=position,
                    text=criterion.text,
                    qualification_id=ids[criterion.profiel] if criterion.profiel else None,
                )
                for position, criterion in enumerate(wp.criteria, start=1)
            ]
            position = 0
            for ref in wp.competenties:
                competentie = competenties.resolve(ref)
                if competentie is None:
                    message = _("Competentie %(ref)s bij %(wp)s niet gevonden.") % {
                        "ref": ref.code or ref.nr,
                        "wp": wp.code,
                    }
                    if message not in warnings:
                        warnings.append(message)
                    continue
                position += 1
                links.append(
                    WerkprocesCompetentie(
                        werkproces_id=werkproces.pk,
                        position=position,
                        competentie_id=competentie.pk,
                        qualification_id=ids[ref.profiel] if ref.profiel else None,
                    )
                )
        knowledge += [
            KnowledgeItem(
                kerntaak_id=kerntaak.pk,
                position=position,
                category=item.category,
                text=item.text,
                qualification_id=ids[item.profiel] if item.profiel else None,
            )
            for position, item in enumerate(parsed_kt.knowledge, start=1)
        ]
        additions += [
            TextAddition(
                kerntaak_id=kerntaak.pk,
                werkproces_id=(
                    werkprocessen[(parsed_kt.code, addition.werkproces)].pk
                    if addition.werkproces
                    else None
                ),
                position=position,
                field=addition.field,
                qualification_id=ids[addition.profiel],
                text=addition.text,
            )
            for position, addition in enumerate(parsed_kt.additions, start=1)
        ]
    _bulk_create(Criterion, criteria)
    _bulk_create(WerkprocesCompetentie, links)
    _bulk_create(KnowledgeItem, knowledge)
    _bulk_create(TextAddition, additions)
    _bulk_create(
        GeneriekOnderdeel,
        [
            GeneriekOnderdeel(
                dossier=dossier,
                position=position,
                title=onderdeel.title,
                text=onderdeel.text,
                min_niveau=onderdeel.min_niveau,
            )
            for position, onderdeel in enumerate(parsed.generieke_onderdelen, start=1)
        ],
    )


def _bulk_create(model, objects: list) -> None:
    if not objects:
        return
    model.objects.bulk_create(objects, batch_size=BULK_BATCH_SIZE)
    # Children need their parents' ids. PostgreSQL and SQLite >= 3.35 return them from the
    # insert; anything else would silently write children without a parent, so stop here.
    if objects[0].pk is None:
        raise RuntimeError(f"{model.__name__}.bulk_create returned no primary keys")
