"""A kwalificatie as plain data, for export_qualification and interop."""

from django.db.models import Q

from .models import Qualification
from .selectors import generieke_onderdelen_for, qualification_tree


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


def qualification_as_dict(qualification: Qualification) -> dict:
    dossier = qualification.dossier
    tree = qualification_tree(qualification=qualification, with_criteria=True)
    return {
        "kwalificatie": {
            "crebo": qualification.identifier,
            "code": qualification.code,
            "title": qualification.title,
            "niveau": qualification.niveau,
        },
        "dossier": {
            "crebo": dossier.code,
            "title": dossier.title,
            "version": dossier.version,
            "framework": dossier.framework,
            "status": dossier.status,
            "opleidingsdomein": dossier.opleidingsdomein,
            "valid_from": dossier.valid_from.isoformat() if dossier.valid_from else None,
        },
        "kerntaken": [
            {
                "code": item.kerntaak.code,
                "title": item.kerntaak.title,
                "part": item.kerntaak.part,
                "werkprocessen": [
                    {
                        "code": wp.code,
                        "title": wp.title,
                        "gedrag": [c.text for c in wp.own_criteria],
                        "competenties": [link.competentie.title for link in wp.own_competenties],
                        "criteria": [
                            {
                                "text": c.text,
                                "addition": c.qualification_id is not None,
                                **({"vaardigheid": c.skill_type} if c.skill_type else {}),
                            }
                            for c in wp.own_criteria
                        ],
                    }
                    for wp in item.werkprocessen
                ],
            }
            for item in tree
        ],
        "generieke_onderdelen": [
            g.title for g in generieke_onderdelen_for(qualification=qualification)
        ],
    }
