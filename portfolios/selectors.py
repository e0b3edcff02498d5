"""Reads of portfolios, always scoped to what the user may see (permissions.py).

Each page runs a fixed number of queries however much evidence a student has: statuses come
from one subquery per list, and histories are prefetched, never fetched per row.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Prefetch, QuerySet

from organisation.models import Enrolment, User
from organisation.permissions import (
    is_owner,
    visible_enrolments,
)
from qualifications.models import Criterion, Kerntaak, Werkproces
from qualifications.tree_cache import dossier_tree

from .models import (
    Evidence,
    EvidenceEvent,
    EvidenceFile,
    EvidenceLink,
    EvidenceStatus,
    EvidenceVersion,
    EvidenceVersionLink,
    FeasibilityEvent,
    SignOffEvent,
)
from .next_steps import NextStep, next_steps
from .permissions import can_edit_evidence, can_review, can_review_evidence, visible_evidence
from .thumbnails import THUMBNAIL_TYPES


def _latest_event(field_name: str):
    return EvidenceEvent.objects.current_value(field_name, evidence=OuterRef("pk"))


def with_status(qs: QuerySet[Evidence]) -> QuerySet[Evidence]:
    """Annotate status from the latest event; no event yet means a draft."""
    return qs.annotate(
        last_kind=_latest_event("kind"),
        last_feedback=_latest_event("feedback"),
        last_event_at=_latest_event("created_at"),
    )


def status_of(evidence: Evidence) -> str:
    return getattr(evidence, "last_kind", None) or EvidenceStatus.DRAFT


@dataclass
class EvidenceRow:
    evidence: Evidence
    status: str
    title: str
    date: object
    feedback: str
    # None in the student's own portfolio and werkproces page, which do not show it.
    version_count: int | None
    # An image to preview (through the thumbnail view), from what this user may see.
    thumbnail: EvidenceFile | None = None

    @property
    def status_label(self) -> str:
        return EvidenceStatus(self.status).label


def _rows(user, evidence_list, owner: bool | None = None) -> list[EvidenceRow]:
    """owner: whether the user owns every one of these (one enrolment's), else asked per row."""
    rows = []
    for evidence in evidence_list:
        # Not read for the owner's own lists (_evidence_rows_qs): they show the working copy.
        versions = getattr(evidence, "version_list", None)
        own = is_owner(user, evidence.enrolment) if owner is None else owner
        # Others read what was submitted, never the student's unsent edits.
        shown = evidence if own or not versions else versions[-1]
        status = status_of(evidence)
        # Only lists that prefetched images (the portfolio) show previews.
        images = getattr(shown, "image_files" if shown is not evidence else "working_images", [])
        rows.append(
            EvidenceRow(
                evidence=evidence,
                status=status,
                title=shown.title,
                date=shown.date,
                feedback=evidence.last_feedback if status == EvidenceStatus.RETURNED else "",
                version_count=None if versions is None else len(versions),
                thumbnail=images[0] if images else None,
            )
        )
    return rows


def _evidence_rows_qs(
    user, enrolment: Enrolment, *, links: bool = True, images: bool = True
) -> QuerySet[Evidence]:
    """One enrolment's evidence for _rows(owner=...), with no more than this user is shown:
    the student reads their own working copy, so the versions are not read at all (and
    version_count is None: those pages do not show it); everyone else (who only sees evidence
    with a submitted version) reads the newest version.
    links: prefetch `link_list`; images: the images to preview (the portfolio's)."""
    qs = (
        visible_evidence(user)
        .filter(enrolment=enrolment)
        # Only the status and its feedback: these pages show no event times.
        .annotate(last_kind=_latest_event("kind"), last_feedback=_latest_event("feedback"))
    )
    prefetches = []
    if is_owner(user, enrolment):
        if images:
            prefetches.append(
                Prefetch(
                    "files",
                    queryset=_image_files().filter(removed_at__isnull=True),
                    to_attr="working_images",
                )
            )
    else:
        versions = EvidenceVersion.objects.order_by("number").only(
            "id", "evidence_id", "number", "title", "date"
        )
        if images:
            versions = versions.prefetch_related(
                Prefetch("files", queryset=_image_files(), to_attr="image_files")
            )
        prefetches.append(Prefetch("versions", queryset=versions, to_attr="version_list"))
    if links:
        prefetches.append(_werkproces_ids())
    return qs.prefetch_related(*prefetches)


def _werkproces_ids() -> Prefetch:
    """Which werkprocessen each bewijsstuk serves (its links), as `link_list`."""
    return Prefetch(
        "wp_links",
        queryset=EvidenceLink.objects.only("id", "evidence_id", "werkproces_id").order_by("id"),
        to_attr="link_list",
    )


def _image_files() -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(content_type__in=THUMBNAIL_TYPES).order_by("id")


@dataclass
class WerkprocesRow:
    werkproces: Werkproces
    evidence: list[EvidenceRow] = field(default_factory=list)
    sign_off_events: list[SignOffEvent] = field(default_factory=list)
    feasibility_events: list[FeasibilityEvent] = field(default_factory=list)

    @property
    def sign_off(self) -> SignOffEvent | None:
        """The sign-off in force, if any."""
        if self.sign_off_events and self.sign_off_events[-1].kind == SignOffEvent.Kind.SIGNED:
            return self.sign_off_events[-1]
        return None

    @property
    def not_feasible(self) -> FeasibilityEvent | None:
        last = self.feasibility_events[-1] if self.feasibility_events else None
        if last and last.kind == FeasibilityEvent.Kind.NOT_FEASIBLE:
            return last
        return None

    def not_feasible_at(self, leerbedrijf_id: int) -> FeasibilityEvent | None:
        """What the sign-off guard checks: the latest report of that one leerbedrijf."""
        here = [e for e in self.feasibility_events if e.leerbedrijf_id == leerbedrijf_id]
        if here and here[-1].kind == FeasibilityEvent.Kind.NOT_FEASIBLE:
            return here[-1]
        return None

    def count(self, status: str) -> int:
        return sum(1 for row in self.evidence if row.status == status)

    @property
    def accepted_count(self) -> int:
        return self.count(EvidenceStatus.ACCEPTED)


@dataclass
class KerntaakRow:
    kerntaak: Kerntaak
    werkprocessen: list[WerkprocesRow]


@dataclass
class Portfolio:
    enrolment: Enrolment
    kerntaken: list[KerntaakRow]
    is_owner: bool
    can_review: bool
    next_steps: list[NextStep]

    @property
    def werkproces_rows(self) -> list[WerkprocesRow]:
        return [wp for kt in self.kerntaken for wp in kt.werkprocessen]

    @property
    def total(self) -> int:
        return len(self.werkproces_rows)

    @property
    def signed_off(self) -> int:
        return sum(1 for wp in self.werkproces_rows if wp.sign_off)

    @property
    def with_accepted(self) -> int:
        return sum(1 for wp in self.werkproces_rows if wp.accepted_count)


def _events_by_werkproces(qs: QuerySet, enrolment: Enrolment) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for event in qs.filter(enrolment=enrolment).order_by("created_at", "id"):
        grouped[event.werkproces_id].append(event)
    return grouped


def portfolio_for(*, user: User, enrolment: Enrolment) -> Portfolio:
    """The whole portfolio of one enrolment, as this user may see it."""
    tree = dossier_tree(enrolment.qualification).kerntaken
    owner = is_owner(user, enrolment)
    evidence_by_wp: dict[int, list[Evidence]] = defaultdict(list)
    for evidence in _evidence_rows_qs(user, enrolment):
        # A bewijsstuk linked to several werkprocessen shows under each of them.
        for link in evidence.link_list:
            evidence_by_wp[link.werkproces_id].append(evidence)
    sign_offs = _events_by_werkproces(SignOffEvent.objects.all(), enrolment)
    feasibility = _events_by_werkproces(
        FeasibilityEvent.objects.select_related("leerbedrijf"), enrolment
    )
    kerntaken = [
        KerntaakRow(
            kerntaak=kt.kerntaak,
            werkprocessen=[
                WerkprocesRow(
                    werkproces=wp,
                    evidence=_rows(user, evidence_by_wp.get(wp.pk, []), owner),
                    sign_off_events=sign_offs.get(wp.pk, []),
                    feasibility_events=feasibility.get(wp.pk, []),
                )
                for wp in kt.werkprocessen
            ],
        )
        for kt in tree
    ]
    review = can_review(user, enrolment)
    rows = [wp for kt in kerntaken for wp in kt.werkprocessen]
    return Portfolio(
        enrolment=enrolment,
        kerntaken=kerntaken,
        is_owner=owner,
        can_review=review,
        next_steps=next_steps(user=user, enrolment=enrolment, rows=rows, review=review),
    )


@dataclass
class WerkprocesPage:
    row: WerkprocesRow
    criteria: list[Criterion]


def werkproces_page_for(*, user: User, enrolment: Enrolment, werkproces: Werkproces):
    evidence = list(
        _evidence_rows_qs(user, enrolment, links=False, images=False).filter(
            pk__in=EvidenceLink.objects.filter(werkproces=werkproces).values("evidence_id")
        )
    )
    row = WerkprocesRow(
        werkproces=werkproces,
        evidence=_rows(user, evidence, is_owner(user, enrolment)),
        sign_off_events=list(
            SignOffEvent.objects.filter(enrolment=enrolment, werkproces=werkproces).order_by(
                "created_at", "id"
            )
        ),
        feasibility_events=list(
            FeasibilityEvent.objects.filter(enrolment=enrolment, werkproces=werkproces)
            .select_related("leerbedrijf")
            .order_by("created_at", "id")
        ),
    )
    return WerkprocesPage(
        row=row,
        criteria=dossier_tree(enrolment.qualification).criteria.get(werkproces.pk, []),
    )


@dataclass
class EvidenceDetail:
    evidence: Evidence
    status: str
    versions: list[EvidenceVersion]
    events: list[EvidenceEvent]
    can_edit: bool
    can_review: bool
    is_owner: bool

    @property
    def status_label(self) -> str:
        return EvidenceStatus(self.status).label


def evidence_detail_for(*, user: User, evidence: Evidence) -> EvidenceDetail:
    evidence = (
        with_status(Evidence.objects.filter(pk=evidence.pk))
        .select_related("enrolment__student", "werkproces__kerntaak")
        .prefetch_related(
            Prefetch(
                "files",
                queryset=EvidenceFile.objects.filter(removed_at__isnull=True),
                to_attr="working_file_list",
            ),
            Prefetch("wp_links", queryset=_links_qs(EvidenceLink), to_attr="link_list"),
        )
        .get()
    )
    status = status_of(evidence)
    versions = list(
        evidence.versions.order_by("-number").prefetch_related(
            "files",
            Prefetch("wp_links", queryset=_links_qs(EvidenceVersionLink), to_attr="link_list"),
        )
    )
    events = list(evidence.events.select_related("version").order_by("created_at", "id"))
    return EvidenceDetail(
        evidence=evidence,
        status=status,
        versions=versions,
        events=events,
        can_edit=can_edit_evidence(user, evidence, status),
        can_review=status == EvidenceStatus.SUBMITTED and can_review_evidence(user, evidence),
        is_owner=is_owner(user, evidence.enrolment),
    )


def _links_qs(model) -> QuerySet:
    """Links with their werkproces and gedrag, in dossier order."""
    return (
        model.objects.select_related("werkproces")
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("position")))
        .order_by("werkproces__kerntaak__position", "werkproces__position", "werkproces__code")
    )


@dataclass
class PortfolioListRow:
    enrolment: Enrolment
    signed_off: int
    not_feasible: int


def _current_kinds(model, enrolment_ids) -> dict[tuple[int, int], str]:
    """The current event kind per (enrolment, werkproces)."""
    return model.objects.filter(enrolment_id__in=enrolment_ids).current_kinds(
        "enrolment_id", "werkproces_id"
    )


PAGE_SIZE = 50


def portfolios_for(*, user: User, page: object = 1) -> tuple[Page, list[PortfolioListRow]]:
    """One page of the portfolios this user may open, with how far each student is: four
    queries whatever the page or the school's size (the counts read this page's students
    only)."""
    enrolments = (
        visible_enrolments(user)
        .select_related("student", "qualification", "cohort")
        # What the list shows (and is_owner reads): no password hashes or dossier texts.
        .only(
            "student__first_name",
            "student__last_name",
            "student__username",
            "qualification__title",
            "qualification__crebo",
            "cohort__name",
            "cohort__start_year",
        )
        .order_by("student__sort_name", "student__username", "pk")
    )
    shown = Paginator(enrolments, PAGE_SIZE).get_page(page)
    ids = [e.pk for e in shown.object_list]
    sign_offs = _current_kinds(SignOffEvent, ids)
    feasibility = _current_kinds(FeasibilityEvent, ids)
    signed: dict[int, int] = defaultdict(int)
    not_feasible: dict[int, int] = defaultdict(int)
    for (enrolment_id, _wp), kind in sign_offs.items():
        signed[enrolment_id] += kind == SignOffEvent.Kind.SIGNED
    for (enrolment_id, _wp), kind in feasibility.items():
        not_feasible[enrolment_id] += kind == FeasibilityEvent.Kind.NOT_FEASIBLE
    return shown, [
        PortfolioListRow(enrolment=e, signed_off=signed[e.pk], not_feasible=not_feasible[e.pk])
        for e in shown.object_list
    ]
