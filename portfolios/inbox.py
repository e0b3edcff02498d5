"""The praktijkopleider's inbox as a work queue (reads, scoped to the user).

One order serves the list, the review page's "next item" and the filters: InboxQuery, parsed
from the GET form (or the review form's hidden fields), so after a decision the next
bewijsstuk is the one the praktijkopleider would have seen next in the list they came from.

Rows are grouped by student: each student's waiting items stay together, and the groups are
ordered by the chosen sort (the student whose oldest item waits longest first; by name; by
their first werkproces). It is all done in SQL (a window over the student's items), so the
list stays paged and runs the same queries for 5 or 500 waiting items. The page reads the
ids, students and werkproces links of everything that waits as plain values (a few tuples an
item) and builds model objects for the page's rows only.
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import (
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Concat, TruncDate
from django.utils.translation import gettext_lazy as _

from organisation.lookups import matching
from organisation.models import User
from organisation.permissions import reviewable_q, visible_enrolments

from .models import Evidence, EvidenceLink, EvidenceStatus, EvidenceVersion
from .selectors import EvidenceRow, _rows, with_status

PAGE_SIZE = 50
SORTS = {
    "wacht": _("Wacht het langst"),
    "student": _("Student"),
    "werkproces": _("Werkproces"),
}
DEFAULT_SORT = "wacht"
# Dutch order: achternaam without its tussenvoegsel, accents folded (organisation.names).
STUDENT_NAME = ("enrolment__student__sort_name", "enrolment__student__username")
# With more students than this waiting, the student filter is a search field (part of a name
# or username) instead of a <select> of them all: the coordinator of a large leerbedrijf has
# hundreds, and each was an <option> on every inbox page.
STUDENT_OPTIONS = 50


@dataclass(frozen=True)
class InboxQuery:
    sort: str = DEFAULT_SORT
    student: int | None = None  # an enrolment
    werkproces: str = ""  # a code
    name: str = ""  # part of a student's name or username

    @classmethod
    def from_data(cls, data) -> "InboxQuery":
        """From a GET or POST: anything unknown falls back to the default, never an error."""
        sort = data.get("sorteer", DEFAULT_SORT)
        student = data.get("student", "")
        return cls(
            sort=sort if sort in SORTS else DEFAULT_SORT,
            student=int(student) if student.isdigit() else None,
            werkproces=data.get("werkproces", "").strip()[:50],
            name=data.get("naam", "").strip()[:100],
        )

    def params(self) -> dict[str, str]:
        params = {}
        if self.sort != DEFAULT_SORT:
            params["sorteer"] = self.sort
        if self.student:
            params["student"] = str(self.student)
        if self.werkproces:
            params["werkproces"] = self.werkproces
        if self.name:
            params["naam"] = self.name
        return params

    @property
    def querystring(self) -> str:
        """For links: "sorteer=…&…" (empty when everything is the default)."""
        return urlencode(self.params())

    @property
    def filtered(self) -> bool:
        return bool(self.student or self.werkproces or self.name)


def _waiting(user: User) -> QuerySet[Evidence]:
    """Submitted evidence this praktijkopleider may review now (the BPV rule, in SQL)."""
    if user.role != User.Role.PRAKTIJKOPLEIDER:
        return with_status(Evidence.objects.none())
    latest = EvidenceVersion.objects.filter(evidence=OuterRef("pk")).order_by("-number")
    return (
        with_status(Evidence.objects.filter(enrolment__in=visible_enrolments(user)))
        .filter(last_kind=EvidenceStatus.SUBMITTED)
        # In a grace period only what was submitted within the BPV-periode waits for them.
        .annotate(submitted_on=TruncDate(Subquery(latest.values("submitted_at")[:1])))
        .filter(
            reviewable_q(user, enrolment=OuterRef("enrolment_id"), day=OuterRef("submitted_on"))
        )
    )


def _named(qs: QuerySet[Evidence], name: str) -> QuerySet[Evidence]:
    """The bewijsstukken of students whose name ("Zoë Zwart" too) or username holds `name`."""
    if not name:
        return qs
    student = "enrolment__student__"
    qs = qs.annotate(student_name=Concat(f"{student}first_name", Value(" "), f"{student}last_name"))
    return matching(qs, ["student_name", f"{student}username"], name)


def _filtered(user: User, query: InboxQuery) -> QuerySet[Evidence]:
    qs = _named(_waiting(user), query.name)
    if query.student:
        qs = qs.filter(enrolment_id=query.student)
    if query.werkproces:
        # A bewijsstuk linked to several werkprocessen waits under each of them.
        qs = qs.filter(
            Exists(
                EvidenceLink.objects.filter(
                    evidence=OuterRef("pk"), werkproces__code=query.werkproces
                )
            )
        )
    return qs


def _ordered(qs: QuerySet[Evidence], sort: str) -> QuerySet[Evidence]:
    if sort == "student":
        return qs.order_by(*STUDENT_NAME, "enrolment_id", "last_event_at", "pk")
    if sort == "werkproces":
        qs = qs.annotate(
            group_key=Window(Min("werkproces__code"), partition_by=[F("enrolment_id")])
        )
        return qs.order_by(
            "group_key", *STUDENT_NAME, "enrolment_id", "werkproces__code", "last_event_at", "pk"
        )
    qs = qs.annotate(group_key=Window(Min("last_event_at"), partition_by=[F("enrolment_id")]))
    return qs.order_by("group_key", "enrolment_id", "last_event_at", "pk")


def _with_rows(qs: QuerySet[Evidence]) -> QuerySet[Evidence]:
    return qs.select_related("enrolment__student", "werkproces").prefetch_related(
        Prefetch("versions", queryset=_versions(), to_attr="version_list"),
        Prefetch(
            "wp_links",
            queryset=EvidenceLink.objects.select_related("werkproces").order_by(*LINK_ORDER),
            to_attr="link_list",
        ),
    )


def _versions() -> QuerySet[EvidenceVersion]:
    return EvidenceVersion.objects.order_by("number").only(
        "id", "evidence_id", "number", "title", "date", "submitted_at"
    )


LINK_ORDER = ("werkproces__kerntaak__position", "werkproces__position")


def inbox_for(*, user: User, query: InboxQuery | None = None) -> list[EvidenceRow]:
    """Everything waiting for this praktijkopleider, in the inbox's order."""
    query = query or InboxQuery()
    return _rows(user, _with_rows(_ordered(_filtered(user, query), query.sort)))


@dataclass
class InboxChoices:
    """What the filter form offers: only students and werkprocessen with waiting items."""

    students: list[tuple[int, str]]
    werkprocessen: list[tuple[str, str]]
    search: bool = False  # the student filter is a search field, not a <select>

    @property
    def werkproces_options(self) -> list[tuple[str, str]]:
        return [(code, f"{code} {title}") for code, title in self.werkprocessen]


def inbox_page_for(
    *, user: User, query: InboxQuery, page: object = 1
) -> tuple[Page, list[EvidenceRow], InboxChoices]:
    """One page of the inbox (only this page's bewijsstukken become rows).

    Building and compiling the waiting query (the BPV rule, the status subqueries) was most
    of this page's cost, so it runs once, not four times (COUNT, the two choices, the page):
    everything that waits, read as plain values. The filter choices, the count and each
    row's werkproces codes (`werkproces_codes` on its bewijsstuk) come from these and their
    links; the page is those ids, sorted and sliced in SQL.
    """
    waiting = _named(_waiting(user), query.name)
    items = list(
        waiting.order_by(*STUDENT_NAME, "enrolment_id").values_list(
            "pk",
            "enrolment_id",
            "enrolment__student__first_name",
            "enrolment__student__last_name",
            "enrolment__student__username",
        )
    )
    links = (
        EvidenceLink.objects.filter(evidence_id__in=[item[0] for item in items])
        .order_by("werkproces__code", "werkproces__title")
        .values_list(
            "evidence_id",
            "werkproces__code",
            "werkproces__title",
            "werkproces__kerntaak__position",
            "werkproces__position",
        )
    )
    students: dict[int, str] = {}
    for _pk, enrolment_id, first, last, username in items:
        students.setdefault(enrolment_id, " ".join(p for p in (first, last) if p) or username)
    werkprocessen: dict[tuple[str, str], None] = {}
    codes: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for evidence_id, code, title, kerntaak_position, position in links:
        werkprocessen.setdefault((code, title), None)
        codes[evidence_id].append((kerntaak_position, position, code))
    search = bool(query.name) or len(students) > STUDENT_OPTIONS
    choices = InboxChoices(
        students=[] if search else list(students.items()),
        werkprocessen=list(werkprocessen),
        search=search,
    )
    # The same set as _filtered() gives, from the values read above.
    ids = [
        pk
        for pk, enrolment_id, *_names in items
        if (not query.student or enrolment_id == query.student)
        and (not query.werkproces or any(c[2] == query.werkproces for c in codes[pk]))
    ]
    paginator = Paginator(_page_rows(ids, query.sort), PAGE_SIZE)
    # Known already: Paginator would otherwise COUNT the waiting query again.
    paginator.count = len(ids)
    shown = paginator.get_page(page)
    evidence_list = list(shown.object_list)
    for evidence in evidence_list:
        # In dossier order, as on the bewijsstuk's page.
        in_order = [code for *_position, code in sorted(codes.get(evidence.pk, []))]
        evidence.werkproces_codes = ", ".join(in_order) or evidence.werkproces_code
    return shown, _rows(user, evidence_list), choices


def _page_rows(ids: list[int], sort: str) -> QuerySet[Evidence]:
    """These bewijsstukken in the inbox's order (the window over each student's items sees
    the same items as in _filtered()), with only the columns the inbox shows."""
    return (
        _ordered(with_status(Evidence.objects.filter(pk__in=ids)), sort)
        .select_related("enrolment__student")
        .only(
            "id",
            "title",
            "date",
            "enrolment__id",
            "enrolment__student__id",
            "enrolment__student__first_name",
            "enrolment__student__last_name",
            "enrolment__student__username",
        )
        # For a bewijsstuk without links (none should be left): its own werkproces.
        .annotate(werkproces_code=F("werkproces__code"))
        .prefetch_related(Prefetch("versions", queryset=_versions(), to_attr="version_list"))
    )


def inbox_ids(*, user: User, query: InboxQuery) -> list[int]:
    return list(_ordered(_filtered(user, query), query.sort).values_list("pk", flat=True))


def next_waiting(*, user: User, query: InboxQuery, before: list[int], current: int) -> int | None:
    """After a decision on `current`: the item that followed it in the list as it was
    (`before`, from inbox_ids), if it still waits; else the first that still waits."""
    remaining = inbox_ids(user=user, query=query)
    if not remaining:
        return None
    still = set(remaining)
    if current in before:
        for pk in before[before.index(current) + 1 :]:
            if pk in still:
                return pk
    return remaining[0]
