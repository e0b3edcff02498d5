"""Praktijkopleiders, leerbedrijven, staff and klassen by what a person types: an e-mail
address or username, an SBB-erkenningsnummer or a name. A school works with thousands of
each (a large ROC has a thousand docenten and klassen), too many for a <select>; the
console's forms take them as typed keys (config.forms.LookupField) and suggest up to
SUGGESTIONS matches as the beheerder types. The BPV CSV names praktijkopleiders the same
way."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Cohort, Leerbedrijf, Praktijkopleider, User

SUGGESTIONS = 20
# Fewer typed characters match too much to be worth a query.
MIN_TYPED = 2


def matching(qs: QuerySet, fields: list[str], text: str) -> QuerySet:
    """The rows where any of these fields contains the text (any case)."""
    cond = Q()
    for name in fields:
        cond |= Q(**{f"{name}__icontains": text})
    return qs.filter(cond)


def _only(rows: QuerySet, ambiguous: str):
    """The one row there is, or None; ValidationError(`ambiguous`) when there are more."""
    found = list(rows.order_by("pk")[:2])
    if len(found) > 1:
        raise ValidationError(ambiguous, code="ambiguous")
    return found[0] if found else None


def _signs_in_as(who: str, user: str = "") -> Q:
    """The person (at `user`, a path to them) signs in as `who`: their username or e-mail
    address, either case."""
    return Q(**{f"{user}username__iexact": who}) | Q(**{f"{user}email__iexact": who})


def login_key(user: User) -> str:
    """What a person is typed as: their e-mail address, else their username."""
    return user.email or user.username


def find_praktijkopleider(who: str) -> Praktijkopleider | None:
    """By username or e-mail address, either case."""
    if not who:
        return None
    return (
        Praktijkopleider.objects.filter(_signs_in_as(who, "user__"))
        .select_related("leerbedrijf", "user")
        .order_by("pk")
        .first()
    )


def praktijkopleider_key(praktijkopleider: Praktijkopleider) -> str:
    return login_key(praktijkopleider.user)


def praktijkopleider_suggestions(typed: str) -> list[tuple[str, str]]:
    """(key, label) of the praktijkopleiders whose name, e-mail, username or leerbedrijf
    holds what was typed, by name."""
    if len(typed) < MIN_TYPED:
        return []
    fields = ["user__first_name", "user__last_name", "user__email", "user__username",
              "leerbedrijf__name"]  # fmt: skip
    rows = (
        matching(Praktijkopleider.objects.all(), fields, typed)
        .select_related("user", "leerbedrijf")
        .order_by("user__sort_name", "user__username", "pk")[:SUGGESTIONS]
    )
    return [
        (praktijkopleider_key(p), f"{p.user.display_name} ({p.leerbedrijf.name})") for p in rows
    ]


def find_leerbedrijf(text: str) -> Leerbedrijf | None:
    """By SBB-erkenningsnummer, or by name (either case) when one leerbedrijf has it."""
    if not text:
        return None
    by_number = Leerbedrijf.objects.filter(sbb_number=text).order_by("pk").first()
    if by_number is not None:
        return by_number
    return _only(
        Leerbedrijf.objects.filter(name__iexact=text),
        _(
            "Meer dan één leerbedrijf heet zo: typ het SBB-erkenningsnummer (kies uit de "
            "suggesties), of geef de leerbedrijven eerst een nummer."
        ),
    )


def leerbedrijf_key(leerbedrijf: Leerbedrijf) -> str:
    return leerbedrijf.sbb_number or leerbedrijf.name


def leerbedrijf_suggestions(typed: str) -> list[tuple[str, str]]:
    """(key, label) of the leerbedrijven whose name or SBB-erkenningsnummer holds what was
    typed, by name."""
    if len(typed) < MIN_TYPED:
        return []
    rows = matching(Leerbedrijf.objects.all(), ["name", "sbb_number"], typed).order_by(
        "name", "pk"
    )[:SUGGESTIONS]
    return [
        (leerbedrijf_key(b), f"{b.name} (SBB {b.sbb_number})" if b.sbb_number else b.name)
        for b in rows
    ]


def find_staff(who: str, *, role: str) -> User | None:
    """An active member of staff in this role (docent, assessor) by username or e-mail
    address, either case."""
    if not who:
        return None
    return User.objects.filter(_signs_in_as(who), role=role, is_active=True).order_by("pk").first()


def staff_suggestions(typed: str, *, role: str) -> list[tuple[str, str]]:
    """(key, label) of the active staff in this role whose name, e-mail or username holds
    what was typed, by name."""
    if len(typed) < MIN_TYPED:
        return []
    rows = matching(
        User.objects.filter(role=role, is_active=True),
        ["first_name", "last_name", "email", "username"],
        typed,
    ).order_by("sort_name", "username", "pk")[:SUGGESTIONS]
    return [(login_key(u), u.display_name) for u in rows]


# "VZ-2A (2026, ROC Midden)": a klas's name is unique per school and startjaar only.
KLAS_KEY = re.compile(r"^(?P<name>.+?)\s*\((?P<year>\d{4})(?:,\s*(?P<school>.+))?\)$")


def find_cohort(text: str) -> Cohort | None:
    """By "name (startjaar, school)", "name (startjaar)" or the name alone, either case;
    ValidationError when what was typed fits more than one klas."""
    if not text:
        return None
    klassen = Cohort.objects.select_related("school")
    by_name = klassen.filter(name__iexact=text)
    key = KLAS_KEY.match(text)
    if key:
        keyed = klassen.filter(name__iexact=key["name"], start_year=int(key["year"]))
        if key["school"]:
            keyed = keyed.filter(school__name__iexact=key["school"].strip())
        by_name = keyed | by_name  # a klas may itself be called "X (2026)"
    return _only(
        by_name,
        _("Meer dan één klas heet zo: typ ook het startjaar en de school, zoals in de suggesties."),
    )


def cohort_key(cohort: Cohort) -> str:
    return f"{cohort.name} ({cohort.start_year}, {cohort.school.name})"


def cohort_suggestions(typed: str) -> list[tuple[str, str]]:
    """(key, label) of the klassen whose name or kwalificatie holds what was typed, newest
    first."""
    if len(typed) < MIN_TYPED:
        return []
    rows = (
        matching(
            Cohort.objects.all(), ["name", "qualification__title", "qualification__crebo"], typed
        )
        .select_related("school", "qualification")
        .order_by("-start_year", "name", "pk")[:SUGGESTIONS]
    )
    return [(cohort_key(c), f"{c.name} · {c.qualification.title}") for c in rows]
