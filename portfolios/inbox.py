"""The praktijkopleider's inbox as a work queue (reads, scoped to the user).

One order serves the list, the review page's "next item" and the filters: InboxQuery, parsed
from the GET form (or the review form's hidden fields), so after a decision the next
bewijsstuk is the one the praktijkopleider would have seen next in the list they came from.

Rows are grouped by student: each student's waiting items stay together, and the groups are
ordered by the chosen sort (the student whose oldest item waits longest first; by name; by
their first werkproces). Everything that waits is read in one query as plain values (a few
tuples an item: its student, times and werkproces links), ordered and filtered in Python by
one function (_in_order) for the list and for "next", and only the page's bewijsstukken
become model objects. A list of every waiting id sent back to the database (as this did
before) made two queries of 15 KB of SQL for a coordinator with 2 500 items waiting.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import (
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat, TruncDate
from django.utils.translation import gettext_lazy as _

from organisation.lookups import matching
from organisation.models import User
from organisation.permissions import reviewable_q, visible_enrolments

from .models import Evidence, EvidenceStatus, EvidenceVersion
from .selectors import EvidenceRow, _rows, with_status

PAGE_SIZE = 50
SORTS = {
    "wacht": _("Wacht het langst"),
    "student": _("Student"),
    "werkproces": _("Werkproces"),
}
DEFAULT_SORT = "wacht"
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


@dataclass
class _Item:
    """One waiting bewijsstuk, as plain values."""

    pk: int
    enrolment_id: int
    name: str  # as the filter shows it
    sort_name: str
    username: str
    waiting_since: datetime.datetime  # its last event: the submission
    code: str  # its own werkproces
    # Every werkproces it is linked to, in dossier order: (kerntaak position, position, code,
    # title).
    links: list[tuple[int, int, str, str]] = field(default_factory=list)


def _items(user: User, name: str) -> list[_Item]:
    """Everything waiting for this praktijkopleider (whose student's name holds `name`):
    one row per bewijsstuk and werkproces it is linked to, folded into one _Item each."""
    rows = (
        _named(_waiting(user), name)
        .order_by()
        .values_list(
            "pk",
            "enrolment_id",
            "enrolment__student__first_name",
            "enrolment__student__last_name",
            "enrolment__student__sort_name",
            "enrolment__student__username",
            "last_event_at",
            "werkproces__code",
            "wp_links__werkproces__kerntaak__position",
            "wp_links__werkproces__position",
            "wp_links__werkproces__code",
            "wp_links__werkproces__title",
        )
    )
    items: dict[int, _Item] = {}
    for pk, enrolment_id, first, last, sort_name, username, at, code, *link in rows:
        item = items.get(pk)
        if item is None:
            name = " ".join(p for p in (first, last) if p) or username
            item = items[pk] = _Item(pk, enrolment_id, name, sort_name, username, at, code)
        if link[2] is not None:
            item.links.append(tuple(link))
    for item in items.values():
        item.links.sort()
    return list(items.values())


def _in_order(items: list[_Item], query: InboxQuery) -> list[_Item]:
    """The items the student and werkproces filters keep, in the inbox's order: each
    student's items together (by how long they wait), the students by the chosen sort.
    Python compares strings by code point, as sort_name's collation does in SQL."""
    kept = [
        item
        for item in items
        if (not query.student or item.enrolment_id == query.student)
        and (not query.werkproces or any(link[2] == query.werkproces for link in item.links))
    ]
    if query.sort == "student":
        return sorted(kept, key=_by_student)
    # Each student's group goes where its first item would: the oldest, or the first code.
    group: dict[int, tuple] = {}
    for item in kept:
        first = item.code if query.sort == "werkproces" else item.waiting_since
        if item.enrolment_id not in group or first < group[item.enrolment_id]:
            group[item.enrolment_id] = first
    if query.sort == "werkproces":
        return sorted(kept, key=lambda i: (group[i.enrolment_id], *_by_student(i, i.code)))
    return sorted(kept, key=lambda i: (group[i.enrolment_id], i.enrolment_id, *_by_age(i)))


def _by_student(item: _Item, *then) -> tuple:
    return (item.sort_name, item.username, item.enrolment_id, *then, *_by_age(item))


def _by_age(item: _Item) -> tuple:
    return (item.waiting_since, item.pk)


def _page_rows(ids: list[int]) -> list[Evidence]:
    """These bewijsstukken, in this order, with only the columns the inbox shows."""
    by_pk = {
        evidence.pk: evidence
        for evidence in with_status(Evidence.objects.filter(pk__in=ids))
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
        .prefetch_related(Prefetch("versions", queryset=_versions(), to_attr="version_list"))
    }
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _versions() -> QuerySet[EvidenceVersion]:
    return EvidenceVersion.objects.order_by("number").only(
        "id", "evidence_id", "number", "title", "date", "submitted_at"
    )


def inbox_for(*, user: User, query: InboxQuery | None = None) -> list[EvidenceRow]:
    """Everything waiting for this praktijkopleider, in the inbox's order."""
    return _rows(user, _page_rows(inbox_ids(user=user, query=query or InboxQuery())))


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

    Building and compiling the waiting query (the BPV rule, the status subqueries) is most
    of this page's cost, so it runs once: everything that waits, as values (_items). The
    filter choices, the count, the order and each row's werkproces codes
    (`werkproces_codes` on its bewijsstuk) come from these; then the page's own rows.
    """
    items = _items(user, query.name)
    students: dict[int, _Item] = {}  # an item of each student
    werkprocessen: set[tuple[str, str]] = set()
    for item in items:
        students.setdefault(item.enrolment_id, item)
        werkprocessen.update((code, title) for *_position, code, title in item.links)
    search = bool(query.name) or len(students) > STUDENT_OPTIONS
    choices = InboxChoices(
        # In the Dutch order of names, as everywhere.
        students=[]
        if search
        else [(i.enrolment_id, i.name) for i in sorted(students.values(), key=_by_student)],
        werkprocessen=sorted(werkprocessen),
        search=search,
    )
    shown = Paginator(_in_order(items, query), PAGE_SIZE).get_page(page)
    on_page = {item.pk: item for item in shown.object_list}
    evidence_list = _page_rows(list(on_page))
    for evidence in evidence_list:
        item = on_page[evidence.pk]
        codes = [code for *_position, code, _title in item.links]
        evidence.werkproces_codes = ", ".join(codes) or item.code
    shown.object_list = evidence_list
    return shown, _rows(user, evidence_list), choices


def inbox_ids(*, user: User, query: InboxQuery) -> list[int]:
    return [item.pk for item in _in_order(_items(user, query.name), query)]


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
