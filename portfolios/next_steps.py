""" "Wat nu?": the one list of next steps of a portfolio.

The student and the staff who follow them (mentor, assessor, beheerder) read the same steps
in the same order, each phrased for the reader ("je" for the student, the student's name for
staff); only drafts stay the student's own (staff never see them). The praktijkopleider gets
their own work instead: what to review and what to sign off.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from organisation.models import Enrolment, User
from organisation.permissions import is_owner

from .models import EvidenceStatus

# At most this many "add evidence" steps: a long list of empty werkprocessen helps nobody.
EMPTY_STEPS = 3


@dataclass
class NextStep:
    text: str
    url: str


def _wp_url(enrolment: Enrolment, wp) -> str:
    return reverse("portfolios:werkproces", args=[enrolment.pk, wp.werkproces.code])


def _once(rows: Sequence) -> Iterator:
    # A bewijsstuk linked to several werkprocessen is one thing to do, not one per link.
    seen: set[int] = set()
    for wp in rows:
        for row in wp.evidence:
            if row.evidence.pk not in seen:
                seen.add(row.evidence.pk)
                yield row


def _reviewer_steps(enrolment: Enrolment, rows: Sequence) -> list[NextStep]:
    steps = [
        NextStep(
            _("Beoordeel „%(title)s”.") % {"title": row.title},
            reverse("portfolios:evidence", args=[row.evidence.pk]),
        )
        for row in _once(rows)
        if row.status == EvidenceStatus.SUBMITTED
    ]
    for wp in rows:
        if wp.accepted_count and not wp.sign_off and not wp.not_feasible:
            steps.append(
                NextStep(
                    _("Teken %(code)s af als de student het beheerst.")
                    % {"code": wp.werkproces.code},
                    _wp_url(enrolment, wp),
                )
            )
    return steps


def next_steps(*, user: User, enrolment: Enrolment, rows: Sequence, review: bool) -> list[NextStep]:
    """The steps for this reader, from the portfolio's werkproces rows (portfolio_for)."""
    if review and not is_owner(user, enrolment):
        return _reviewer_steps(enrolment, rows)
    own = is_owner(user, enrolment)
    name = enrolment.student.display_name
    steps: list[NextStep] = []
    # What blocks progress first: a werkproces that cannot be done at this leerbedrijf.
    for wp in rows:
        if wp.not_feasible and not wp.sign_off:
            values = {"code": wp.werkproces.code, "bedrijf": wp.not_feasible.leerbedrijf}
            text = (
                _("%(code)s kan niet bij %(bedrijf)s: overleg met je mentor over een andere plek.")
                if own
                else _("%(code)s is niet uitvoerbaar bij %(bedrijf)s: zoek een andere plek.")
            )
            steps.append(NextStep(text % values, _wp_url(enrolment, wp)))
    for row in _once(rows):
        url = reverse("portfolios:evidence", args=[row.evidence.pk])
        values = {"title": row.title, "name": name}
        if row.status == EvidenceStatus.RETURNED:
            text = (
                _("Verbeter „%(title)s” en dien het opnieuw in.")
                if own
                else _("%(name)s verbetert „%(title)s” en dient het opnieuw in.")
            )
            steps.append(NextStep(text % values, url))
        elif row.status == EvidenceStatus.DRAFT and own:
            steps.append(NextStep(_("Dien „%(title)s” in.") % values, url))
    empty = [wp for wp in rows if not wp.evidence and not wp.sign_off and not wp.not_feasible]
    for wp in empty[:EMPTY_STEPS]:
        values = {"code": wp.werkproces.code, "name": name}
        text = (
            _("Voeg bewijs toe bij %(code)s.")
            if own
            else _("%(name)s voegt bewijs toe bij %(code)s.")
        )
        steps.append(NextStep(text % values, _wp_url(enrolment, wp)))
    for wp in rows:
        if wp.accepted_count and not wp.sign_off and not wp.not_feasible:
            values = {"code": wp.werkproces.code}
            text = (
                _("Vraag je praktijkopleider om %(code)s af te tekenen.")
                if own
                else _("%(code)s wacht op aftekening door de praktijkopleider.")
            )
            steps.append(NextStep(text % values, _wp_url(enrolment, wp)))
    return steps
