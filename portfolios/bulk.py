"""Writes that act on several items at once: accept several bewijsstukken, sign off several
werkprocessen of one student.

Each item goes through the one-item service (services.evidence_review,
services.werkproces_sign_off) in its own transaction, so every item keeps its own event, its
own declaration and its own notification, and every rule those services hold (the BPV rule,
the sign-off guards) applies unchanged. An item the service refuses is reported with the
service's own reason and leaves nothing behind; the others go through.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from organisation.models import Enrolment, User
from qualifications.selectors import werkprocessen_of

from . import services
from .models import Evidence
from .permissions import visible_evidence

MAX_ITEMS = 100


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (item, reason)


def _reason(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return _("Dat mag je hier niet doen.")
    return " ".join(exc.messages)


def _unique(items: Sequence) -> list:
    return list(dict.fromkeys(items))[:MAX_ITEMS]


def evidence_accept_many(*, reviewer: User, evidence_ids: Sequence[int]) -> BulkResult:
    """Accept each bewijsstuk as if it were accepted on its own page."""
    ids = _unique(evidence_ids)
    found = {
        evidence.pk: evidence
        for evidence in visible_evidence(reviewer)
        .filter(pk__in=ids)
        .select_related("enrolment__student", "werkproces")
    }
    result = BulkResult()
    for pk in ids:
        evidence: Evidence | None = found.get(pk)
        if evidence is None:
            result.refused.append((str(pk), _("Dit bewijsstuk bestaat niet (meer).")))
            continue
        latest = evidence.versions.order_by("-number").only("title").first()
        label = latest.title if latest else str(pk)
        try:
            services.evidence_review(reviewer=reviewer, evidence=evidence, accept=True)
        except (ValidationError, PermissionDenied) as exc:
            result.refused.append((label, _reason(exc)))
        else:
            result.done.append(label)
    return result


def werkprocessen_sign_off(
    *,
    actor: User,
    enrolment: Enrolment,
    codes: Sequence[str],
    declaration: str,
    confirmed_without_evidence: Collection[str] = (),
) -> BulkResult:
    """Sign off each werkproces with the declaration, one SignOffEvent (and one mail) each.
    `confirmed_without_evidence` holds the codes whose sign-off without accepted evidence the
    actor confirmed one by one; the service records it on the event and refuses the others."""
    codes = _unique(codes)
    werkprocessen = {
        wp.code: wp for wp in werkprocessen_of(enrolment.qualification).filter(code__in=codes)
    }
    result = BulkResult()
    for code in codes:
        werkproces = werkprocessen.get(code)
        if werkproces is None:
            result.refused.append((code, _("Dit werkproces hoort niet bij de kwalificatie.")))
            continue
        try:
            services.werkproces_sign_off(
                actor=actor,
                enrolment=enrolment,
                werkproces=werkproces,
                declaration=declaration,
                confirm_without_evidence=code in confirmed_without_evidence,
            )
        except (ValidationError, PermissionDenied) as exc:
            result.refused.append((code, _reason(exc)))
        else:
            result.done.append(code)
    return result
