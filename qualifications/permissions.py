"""Who may see which kwalificatie. One helper per model; outsiders get 404."""

from django.http import Http404

from .models import Qualification, Werkproces


def visible_qualifications(user):
    """The kwalificaties this user may browse.

    School staff see every dossier; a student sees only the kwalificaties they are enrolled
    on, so a student of one profiel never reads another profiel's additions.
    """
    if not user.is_authenticated:
        return Qualification.objects.none()
    if user.is_school_staff:
        return Qualification.objects.all()
    if user.role == "praktijkopleider":
        # Through their students: only once a BPV-periode with them has started.
        from portfolios.permissions import visible_enrolments

        return Qualification.objects.filter(
            pk__in=visible_enrolments(user).values("qualification_id")
        )
    return Qualification.objects.filter(enrolments__student=user).distinct()


def get_qualification_for_user(user, pk: int) -> Qualification:
    try:
        return visible_qualifications(user).select_related("dossier").get(pk=pk)
    except Qualification.DoesNotExist as exc:
        raise Http404 from exc


def get_werkproces_for_user(user, qualification: Qualification, code: str) -> Werkproces:
    """A werkproces that belongs to this kwalificatie (basisdeel or its own profieldeel)."""
    from .selectors import werkprocessen_of

    try:
        return werkprocessen_of(qualification).get(code=code)
    except Werkproces.DoesNotExist as exc:
        raise Http404 from exc


def can_import_dossiers(user) -> bool:
    """Only beheerders load SBB exports: an import changes reference data for every school."""
    return user.is_authenticated and (user.is_superuser or user.role == "beheerder")
