"""Changing and deleting BPV-periodes and praktijkopleiders from the console.

A BPV-periode is what gave a praktijkopleider the right to sign off, review and mark a
werkproces not feasible for that student. Those exam records live in portfolios (an app
above this one), so portfolios registers a function that finds them (apps.py); the rule:

- a BPV-periode in which its praktijkopleider recorded something for that student (from
  starts_on to ends_on plus the grace period) cannot be deleted: end it instead;
- its praktijkopleider (and with it the leerbedrijf) cannot change then, and its dates may
  move only as far as they still hold every such record.

Changes are recorded with old and new values by django-auditlog (apps.py).
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from .models import BpvPeriode, Leerbedrijf, Praktijkopleider, User
from .permissions import grace_period

# Each returns the dates of the first and the last exam record the periode's
# praktijkopleider made for its student within the periode, or None.
RecordSpan = tuple[datetime.date, datetime.date] | None
_record_finders: list[Callable[[BpvPeriode], RecordSpan]] = []


def register_bpv_records(finder: Callable[[BpvPeriode], RecordSpan]) -> None:
    if finder not in _record_finders:
        _record_finders.append(finder)


def bpv_window(periode: BpvPeriode) -> tuple[datetime.date, datetime.date | None]:
    """The days a record by this praktijkopleider counts for the periode (grace included)."""
    end = None if periode.ends_on is None else periode.ends_on + grace_period()
    return periode.starts_on, end


def bpv_records_span(periode: BpvPeriode) -> RecordSpan:
    spans = [span for finder in _record_finders if (span := finder(periode))]
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


def _d(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


@transaction.atomic
def bpv_periode_update(
    *,
    periode: BpvPeriode,
    praktijkopleider: Praktijkopleider,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
) -> BpvPeriode:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("De einddatum ligt voor de begindatum.")})
    periode = BpvPeriode.objects.select_for_update().get(pk=periode.pk)
    span = bpv_records_span(periode)
    if span is not None:
        first, last = span
        if praktijkopleider.pk != periode.praktijkopleider_id:
            raise ValidationError(
                {
                    "praktijkopleider": _(
                        "De praktijkopleider heeft in deze BPV-periode al afgetekend of "
                        "beoordeeld; die gegevens horen bij deze praktijkopleider. Beëindig "
                        "deze periode en maak een nieuwe voor de nieuwe praktijkopleider."
                    )
                }
            )
        if starts_on > first:
            raise ValidationError(
                {
                    "starts_on": _(
                        "De praktijkopleider heeft op %(day)s al afgetekend of beoordeeld; "
                        "de begindatum kan niet later zijn."
                    )
                    % {"day": _d(first)}
                }
            )
        if ends_on is not None and ends_on + grace_period() < last:
            raise ValidationError(
                {
                    "ends_on": _(
                        "De praktijkopleider heeft op %(day)s nog afgetekend of beoordeeld; "
                        "de einddatum kan niet zo vroeg zijn."
                    )
                    % {"day": _d(last)}
                }
            )
    periode.praktijkopleider = praktijkopleider
    periode.leerbedrijf = praktijkopleider.leerbedrijf
    periode.starts_on = starts_on
    periode.ends_on = ends_on
    periode.full_clean()
    periode.save()
    return periode


@transaction.atomic
def bpv_periode_delete(*, periode: BpvPeriode) -> None:
    periode = BpvPeriode.objects.select_for_update().get(pk=periode.pk)
    if bpv_records_span(periode) is not None:
        raise ValidationError(
            _(
                "Deze BPV-periode kan niet weg: de praktijkopleider heeft er al in afgetekend "
                "of beoordeeld, en die examengegevens blijven bewaard. Vul een einddatum in "
                "om de periode te beëindigen."
            )
        )
    periode.delete()


@transaction.atomic
def praktijkopleider_update(
    *,
    praktijkopleider: Praktijkopleider,
    first_name: str,
    last_name: str,
    email: str,
    leerbedrijf: Leerbedrijf,
) -> Praktijkopleider:
    """Name, address and leerbedrijf. A praktijkopleider signs in with their address, so
    the username follows it. Existing BPV-periodes keep the leerbedrijf they were at."""
    user = User.objects.select_for_update().get(pk=praktijkopleider.user_id)
    email = email.strip().lower()
    if (
        email != user.email
        and User.objects.filter(username__iexact=email).exclude(pk=user.pk).exists()
    ):
        raise ValidationError({"email": _("Er bestaat al een account met dit e-mailadres.")})
    if user.username == user.email:
        user.username = email
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.email = email
    user.refresh_sort_name()
    user.full_clean()
    user.save()
    praktijkopleider.user = user
    praktijkopleider.leerbedrijf = leerbedrijf
    praktijkopleider.full_clean()
    praktijkopleider.save()
    return praktijkopleider
