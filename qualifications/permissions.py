"""Who may see which kwalificatie. One helper per model; outsiders get 404.

Which kwalificaties a person may browse depends on their enrolments and BPV-periodes, which
live in `organisation`, an app above this one. So `organisation` registers that rule here when
it starts (organisation/apps.py), and this app never imports it: reference data stays free of
people.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404

from .models import Qualification, Werkproces
from .selectors import werkprocessen_of

_visibility_rule: Callable[..., QuerySet[Qualification]] | None = None


def register_visibility_rule(rule: Callable[..., QuerySet[Qualification]]) -> None:
    global _visibility_rule
    _visibility_rule = rule


def visible_qualifications(user) -> QuerySet[Qualification]:
    if not user.is_authenticated or _visibility_rule is None:
        return Qualification.objects.none()
    return _visibility_rule(user)


def qualifications_for(*, user) -> QuerySet[Qualification]:
    return (
        visible_qualifications(user)
        .select_related("dossier")
        .order_by("dossier__title", "dossier__code", "-dossier__version", "position", "code")
    )


def get_qualification_for_user(user, pk: int) -> Qualification:
    try:
        return visible_qualifications(user).select_related("dossier").get(pk=pk)
    except Qualification.DoesNotExist as exc:
        raise Http404 from exc


def get_werkproces_for_user(user, qualification: Qualification, code: str) -> Werkproces:
    """A werkproces that belongs to this kwalificatie (basisdeel or its own profieldeel)."""
    try:
        return werkprocessen_of(qualification).get(code=code)
    except Werkproces.DoesNotExist as exc:
        raise Http404 from exc


def can_import_dossiers(user) -> bool:
    """Only beheerders load SBB exports: an import changes reference data for every school."""
    return user.is_authenticated and user.is_beheerder
