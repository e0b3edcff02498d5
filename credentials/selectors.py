"""Reads: which werkprocessen a student may claim a badge for, their badges, and the bits of
the school's status list."""

import base64
import gzip

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from assessments.models import Outcome, Vaststelling
from organisation.models import Enrolment, School, User

from .models import Credential

PASSING = {Outcome.VOLDOENDE, Outcome.GOED}
STATUS_LIST_BITS = 131_072  # the spec's minimum (16 KB), so one bit says nothing of who


def _newest_vaststelling():
    return (
        Vaststelling.objects.filter(beoordeling=OuterRef("vaststelling__beoordeling"))
        .order_by("-number")
        .values("pk")[:1]
    )


def with_revoked(qs: QuerySet[Credential]) -> QuerySet[Credential]:
    """A credential is revoked once its vaststelling is no longer the result in force."""
    return qs.annotate(current_vaststelling=Subquery(_newest_vaststelling()))


def is_revoked(credential: Credential) -> bool:
    return credential.current_vaststelling != credential.vaststelling_id


def claimable_vaststellingen(*, user: User, enrolment: Enrolment) -> QuerySet[Vaststelling]:
    """The results in force that are voldoende or goed and have no badge yet; only the
    student may claim them."""
    if not (user.is_authenticated and enrolment.student_id == user.pk):
        return Vaststelling.objects.none()
    newest = Vaststelling.objects.filter(beoordeling=OuterRef("beoordeling")).order_by("-number")
    return (
        Vaststelling.objects.filter(beoordeling__enrolment=enrolment, outcome__in=PASSING)
        .filter(pk=Subquery(newest.values("pk")[:1]))
        .exclude(Exists(Credential.objects.filter(vaststelling=OuterRef("pk"))))
        .select_related("beoordeling__werkproces")
        .order_by("beoordeling__werkproces__code")
    )


def credentials_for(*, user: User, enrolment: Enrolment) -> list[Credential]:
    if not (user.is_authenticated and enrolment.student_id == user.pk):
        return []
    return list(
        with_revoked(Credential.objects.filter(enrolment=enrolment)).select_related("werkproces")
    )


def revoked_indexes(school: School) -> list[int]:
    return [
        c.status_index
        for c in with_revoked(Credential.objects.filter(school=school).only("id", "vaststelling"))
        if is_revoked(c)
    ]


def encoded_status_list(indexes: list[int]) -> str:
    """Bitstring Status List: bit i (from the left of the first byte) set means revoked;
    GZIP, then multibase base64url without padding."""
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits))).rstrip(b"=").decode()
