"""Reads of the dossier tree, always in the context of one kwalificatie."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from .models import (
    Criterion,
    GeneriekOnderdeel,
    Kerntaak,
    KnowledgeItem,
    Qualification,
    TextAddition,
    Werkproces,
    WerkprocesCompetentie,
)


def applies_to(qualification: Qualification) -> Q:
    """Rows of the basisdeel plus this kwalificatie's own additions."""
    return Q(qualification__isnull=True) | Q(qualification=qualification)


def kerntaken_of(qualification: Qualification) -> QuerySet[Kerntaak]:
    return Kerntaak.objects.filter(dossier_id=qualification.dossier_id).filter(
        ~Q(part=Kerntaak.Part.PROFIELDEEL) | Q(qualification=qualification)
    )


def werkprocessen_of(qualification: Qualification) -> QuerySet[Werkproces]:
    return Werkproces.objects.filter(kerntaak__in=kerntaken_of(qualification)).select_related(
        "kerntaak"
    )


def criteria_for(*, qualification: Qualification, werkproces: Werkproces) -> QuerySet[Criterion]:
    """The gedrag criteria that apply to a student of this kwalificatie: one query."""
    return Criterion.objects.filter(werkproces=werkproces).filter(applies_to(qualification))


@dataclass
class KerntaakView:
    kerntaak: Kerntaak
    werkprocessen: list[Werkproces]
    additions: list[TextAddition] = field(default_factory=list)
    knowledge: list[KnowledgeItem] = field(default_factory=list)


def qualification_tree(*, qualification: Qualification, with_criteria: bool = False):
    """Kerntaken with their werkprocessen, filtered to this kwalificatie, in a fixed number
    of queries however large the dossier."""
    werkproces_qs = Werkproces.objects.order_by("position", "code")
    prefetches = [
        Prefetch("werkprocessen", queryset=werkproces_qs),
        Prefetch(
            "additions",
            queryset=TextAddition.objects.filter(qualification=qualification, werkproces=None),
            to_attr="own_additions",
        ),
        Prefetch(
            "knowledge",
            queryset=KnowledgeItem.objects.filter(applies_to(qualification)).select_related(
                "qualification"
            ),
            to_attr="own_knowledge",
        ),
    ]
    if with_criteria:
        prefetches += [
            Prefetch(
                "werkprocessen__criteria",
                queryset=Criterion.objects.filter(applies_to(qualification)).select_related(
                    "qualification"
                ),
                to_attr="own_criteria",
            ),
            Prefetch(
                "werkprocessen__competentie_links",
                queryset=WerkprocesCompetentie.objects.filter(
                    applies_to(qualification)
                ).select_related("competentie", "qualification"),
                to_attr="own_competenties",
            ),
            Prefetch(
                "werkprocessen__additions",
                queryset=TextAddition.objects.filter(qualification=qualification),
                to_attr="own_additions",
            ),
        ]
    kerntaken = (
        kerntaken_of(qualification).order_by("position", "code").prefetch_related(*prefetches)
    )
    return [
        KerntaakView(
            kerntaak=kt,
            werkprocessen=list(kt.werkprocessen.all()),
            additions=kt.own_additions,
            knowledge=kt.own_knowledge,
        )
        for kt in kerntaken
    ]


def kerntaken_with_werkprocessen(*, qualification: Qualification) -> list[KerntaakView]:
    """The bare tree (kerntaken and their werkprocessen, in dossier order) in one query, for
    pages that show no additions or knowledge: the portfolio opens on every visit."""
    tree: list[KerntaakView] = []
    for werkproces in werkprocessen_of(qualification).order_by(
        "kerntaak__position", "kerntaak__code", "position", "code"
    ):
        if not tree or tree[-1].kerntaak.pk != werkproces.kerntaak_id:
            tree.append(KerntaakView(kerntaak=werkproces.kerntaak, werkprocessen=[]))
        tree[-1].werkprocessen.append(werkproces)
    return tree


@dataclass
class WerkprocesDetail:
    werkproces: Werkproces
    criteria: list[Criterion]
    competenties: list[WerkprocesCompetentie]
    additions: dict[str, list[TextAddition]]
    knowledge: list[KnowledgeItem]


def werkproces_detail(*, qualification: Qualification, werkproces: Werkproces) -> WerkprocesDetail:
    additions: dict[str, list[TextAddition]] = {}
    for addition in TextAddition.objects.filter(werkproces=werkproces, qualification=qualification):
        additions.setdefault(addition.field, []).append(addition)
    return WerkprocesDetail(
        werkproces=werkproces,
        criteria=list(
            criteria_for(qualification=qualification, werkproces=werkproces).select_related(
                "qualification"
            )
        ),
        competenties=list(
            WerkprocesCompetentie.objects.filter(werkproces=werkproces)
            .filter(applies_to(qualification))
            .select_related("competentie", "qualification")
        ),
        additions=additions,
        knowledge=list(
            KnowledgeItem.objects.filter(werkproces=werkproces).filter(applies_to(qualification))
        ),
    )


def generieke_onderdelen_for(*, qualification: Qualification) -> QuerySet[GeneriekOnderdeel]:
    """Generic parts that apply at this kwalificatie's niveau (Engels only at niveau 4).

    Where the dossier does not state the niveau, every part is shown rather than guessing.
    """
    qs = GeneriekOnderdeel.objects.filter(dossier_id=qualification.dossier_id)
    if qualification.niveau is not None:
        qs = qs.filter(Q(min_niveau__isnull=True) | Q(min_niveau__lte=qualification.niveau))
    return qs.order_by("position")
