"""A kwalificatie as plain data, for export_qualification, the download and interop.

The shape is documented by ``schema/qualification-export.schema.json`` and carries its
``version``. Rows that apply to every kwalificatie of the dossier and a profiel's additions
("Voor ... geldt aanvullend") are kept apart, so a reader can tell the two, and nothing of
another profiel ever appears.
"""

import json
from pathlib import Path

from django.db.models import Q

from .models import Criterion, KnowledgeItem, Qualification, WerkprocesCompetentie
from .selectors import generieke_onderdelen_for, qualification_tree

# Bump when a field changes meaning or disappears (and the schema with it). A field that
# only gets added does not bump it: readers are expected to ignore what they do not know.
EXPORT_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "qualification-export.schema.json"


class QualificationNotFound(LookupError):
    pass


def find_qualification(identifier: str, *, version: int | None = None) -> Qualification:
    """Resolve a crebo (25728), a BK code (BK-0568-1) or dossier/profiel (23296/P1).

    Without a version the newest dossier version that holds the kwalificatie wins.
    """
    identifier = identifier.strip()
    if "/" in identifier:
        dossier_code, code = identifier.split("/", 1)
        qs = Qualification.objects.filter(dossier__code=dossier_code, code=code)
    else:
        qs = Qualification.objects.filter(Q(crebo=identifier) | Q(code=identifier))
    if version is not None:
        qs = qs.filter(dossier__version=version)
    qualification = qs.select_related("dossier").order_by("-dossier__version").first()
    if qualification is None:
        raise QualificationNotFound(identifier)
    return qualification


def export_filename(qualification: Qualification) -> str:
    """A file name that names the kwalificatie and the dossier version it was read from."""
    dossier = qualification.dossier
    name = qualification.crebo or f"{dossier.code}-{qualification.code}"
    return f"kwalificatie-{name}-v{dossier.version}.json"


def _date(value):
    # Machine-readable for interop (JSON Schema "date"); nobody reads this file as a page.
    return value.isoformat() if value else None


def _with_additions(text: str, additions, field: str) -> dict:
    return {"text": text, "additions": [a.text for a in additions if a.field == field]}


def _knowledge(item: KnowledgeItem) -> dict:
    return {
        "text": item.text,
        "category": item.category,
        "addition": item.qualification_id is not None,
    }


def _criterion(criterion: Criterion) -> dict:
    return {
        "text": criterion.text,
        "addition": criterion.qualification_id is not None,
        **({"vaardigheid": criterion.skill_type} if criterion.skill_type else {}),
    }


def _competenties(links: list[WerkprocesCompetentie]) -> list[dict]:
    """Each competentie once, in the order it is first named.

    A profiel's addition often repeats competenties the werkproces already lists; those stay
    "basis" (they apply to every kwalificatie) and are marked as repeated, so the profiel's
    own list can still be read back. Only a competentie that the addition alone names is
    "profiel".
    """
    seen: dict[str, dict] = {}
    for link in links:
        code = link.competentie.code
        addition = link.qualification_id is not None
        entry = seen.get(code)
        if entry is None:
            seen[code] = {
                "code": code,
                "title": link.competentie.title,
                "source": "profiel" if addition else "basis",
                "in_addition": addition,
            }
        elif addition:
            entry["in_addition"] = True
    return list(seen.values())


def _werkproces(wp, knowledge: list[KnowledgeItem]) -> dict:
    competenties = _competenties(wp.own_competenties)
    return {
        "code": wp.code,
        "title": wp.title,
        "omschrijving": _with_additions(wp.omschrijving, wp.own_additions, "omschrijving"),
        "resultaat": _with_additions(wp.resultaat, wp.own_additions, "resultaat"),
        "gedrag": [c.text for c in wp.own_criteria],
        "criteria": [_criterion(c) for c in wp.own_criteria],
        "competenties": [c["title"] for c in competenties],
        "onderliggende_competenties": competenties,
        "kenniselementen": [_knowledge(k) for k in knowledge],
    }


def qualification_as_dict(qualification: Qualification) -> dict:
    dossier = qualification.dossier
    tree = qualification_tree(qualification=qualification, with_criteria=True)
    generieke_onderdelen = list(generieke_onderdelen_for(qualification=qualification))
    kerntaken = []
    for item in tree:
        kerntaak = item.kerntaak
        # A beroepskwalificatie's kenniselementen belong to one activiteit; SBB's vakkennis
        # en vaardigheden to the kerntaak as a whole.
        per_werkproces: dict[int, list[KnowledgeItem]] = {}
        vakkennis = []
        for knowledge in item.knowledge:
            if knowledge.werkproces_id is None:
                vakkennis.append(knowledge)
            else:
                per_werkproces.setdefault(knowledge.werkproces_id, []).append(knowledge)
        kerntaken.append(
            {
                "code": kerntaak.code,
                "title": kerntaak.title,
                "part": kerntaak.part,
                "complexiteit": _with_additions(
                    kerntaak.complexiteit, item.additions, "complexiteit"
                ),
                "verantwoordelijkheid": _with_additions(
                    kerntaak.verantwoordelijkheid, item.additions, "verantwoordelijkheid"
                ),
                "vakkennis": [_knowledge(k) for k in vakkennis],
                "werkprocessen": [
                    _werkproces(wp, per_werkproces.get(wp.pk, [])) for wp in item.werkprocessen
                ],
            }
        )
    return {
        "version": EXPORT_VERSION,
        "kwalificatie": {
            "crebo": qualification.identifier,
            "code": qualification.code,
            "title": qualification.title,
            "niveau": qualification.niveau,
            "typering": qualification.typering,
            "beroepsvereisten": qualification.beroepsvereisten,
            "context": qualification.context,
            "autonomie": qualification.autonomie,
            "verantwoordelijkheid": qualification.verantwoordelijkheid,
        },
        "dossier": {
            "crebo": dossier.code,
            "title": dossier.title,
            "version": dossier.version,
            "framework": dossier.framework,
            "status": dossier.status,
            "opleidingsdomein": dossier.opleidingsdomein,
            "opleidingsdomein_crebo": dossier.opleidingsdomein_crebo,
            "sectorkamer": dossier.sectorkamer,
            "validated_on": _date(dossier.validated_on),
            "valid_from": _date(dossier.valid_from),
            "end_of_intake": _date(dossier.end_of_intake),
            "end_of_training": _date(dossier.end_of_training),
            "typering": dossier.typering,
            "source": dossier.source,
        },
        "kerntaken": kerntaken,
        "generieke_onderdelen": [g.title for g in generieke_onderdelen],
        "generieke_onderdelen_detail": [
            {"title": g.title, "text": g.text, "min_niveau": g.min_niveau}
            for g in generieke_onderdelen
        ],
    }


def qualification_as_json(qualification: Qualification) -> str:
    """The export as the command prints it and the kwalificatie page offers it for download."""
    return json.dumps(qualification_as_dict(qualification), ensure_ascii=False, indent=2)
