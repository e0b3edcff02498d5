"""Reads: which werkprocessen a student may claim a badge for, their badges, and the bits of
the school's status list.

The export of the student's portfolio (reports) reads the badges through badges_for_export."""

import base64
import gzip

import jwt
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from assessments.models import Outcome, Vaststelling
from organisation.models import Enrolment, School, User
from portfolios.models import SignOffEvent

from .models import Credential

PASSING = {Outcome.VOLDOENDE, Outcome.GOED}
STATUS_LIST_BITS = 131_072  # the spec's minimum (16 KB), so one bit says nothing of who


def _newest_vaststelling():
    return (
        Vaststelling.objects.filter(beoordeling=OuterRef("vaststelling__beoordeling"))
        .order_by("-number")
        .values("pk")[:1]
    )


def _newest_sign_off():
    return (
        SignOffEvent.objects.filter(
            enrolment=OuterRef("enrolment"), werkproces=OuterRef("werkproces")
        )
        .newest_first()
        .values("pk")[:1]
    )


def with_revoked(qs: QuerySet[Credential]) -> QuerySet[Credential]:
    """A credential is revoked once what it attests no longer holds: its vaststelling is no
    longer the result in force, or its sign-off is no longer the latest sign-off event of
    that werkproces (a withdrawal came after it; signing again makes a new event, which
    needs a new badge)."""
    return qs.annotate(
        current_vaststelling=Subquery(_newest_vaststelling()),
        current_sign_off=Subquery(_newest_sign_off()),
    )


def is_revoked(credential: Credential) -> bool:
    if credential.sign_off_id is not None:
        return credential.current_sign_off != credential.sign_off_id
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


def sign_off_badges_on(enrolment: Enrolment) -> bool:
    """Does the student's school give badges for a sign-off too (School.badges_on_sign_off)?"""
    cohort = enrolment.cohort
    return bool(cohort and cohort.school.badges_on_sign_off)


def claimable_sign_offs(*, user: User, enrolment: Enrolment) -> QuerySet[SignOffEvent]:
    """Werkprocessen signed off now (the latest sign-off event is SIGNED) without a badge
    yet, if the school gives badges for a sign-off; only the student may claim them."""
    if not (user.is_authenticated and enrolment.student_id == user.pk):
        return SignOffEvent.objects.none()
    if not sign_off_badges_on(enrolment):
        return SignOffEvent.objects.none()
    return (
        SignOffEvent.objects.filter(enrolment=enrolment)
        .current("enrolment", "werkproces")
        .filter(kind=SignOffEvent.Kind.SIGNED)
        .exclude(Exists(Credential.objects.filter(sign_off=OuterRef("pk"))))
        .select_related("werkproces")
        .order_by("werkproces__code")
    )


def credentials_for(*, user: User, enrolment: Enrolment) -> list[Credential]:
    if not (user.is_authenticated and enrolment.student_id == user.pk):
        return []
    return list(
        with_revoked(Credential.objects.filter(enrolment=enrolment)).select_related("werkproces")
    )


def decoded(credential: Credential) -> dict:
    """The credential's claims as issued (read without checking: we made it)."""
    return jwt.decode(credential.token, options={"verify_signature": False})


def badges_for_export(*, enrolment: Enrolment) -> list[dict]:
    """Every badge the student claimed for this enrolment, for their own export (reports):
    the VC-JWT as issued, the credential it holds, and whether it is revoked now. The
    export is made by the worker for the student (reports.selectors.export_enrolments
    decides who may ask), so this takes no user."""
    rows = with_revoked(Credential.objects.filter(enrolment=enrolment)).select_related("werkproces")
    return [
        {
            "uid": str(c.uid),
            "code": c.werkproces.code,
            "title": c.werkproces.title,
            "issued_at": c.issued_at,
            "attests": "sign_off" if c.sign_off_id else "vaststelling",
            "revoked": is_revoked(c),
            "jwt": c.token,
            "credential": decoded(c)["vc"],
        }
        for c in rows.order_by("werkproces__code", "issued_at", "id")
    ]


def revoked_indexes(school: School) -> list[int]:
    return [
        c.status_index
        for c in with_revoked(
            Credential.objects.filter(school=school).only("id", "vaststelling", "sign_off")
        )
        if is_revoked(c)
    ]


def encoded_status_list(indexes: list[int]) -> str:
    """Bitstring Status List: bit i (from the left of the first byte) set means revoked;
    GZIP, then multibase base64url without padding."""
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits))).rstrip(b"=").decode()
