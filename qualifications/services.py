"""Writes to the dossier tree."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Dossier


def dossier_is_locked(dossier: Dossier) -> bool:
    """A dossier version is frozen once any student is enrolled on one of its kwalificaties:
    their portfolio and exam records point at its werkprocessen and criteria."""
    from portfolios.models import Enrolment

    return Enrolment.objects.filter(qualification__dossier=dossier).exists()


def ensure_dossier_editable(dossier: Dossier) -> None:
    if dossier.pk and dossier_is_locked(dossier):
        raise ValidationError(
            _(
                "Dossier %(dossier)s heeft ingeschreven studenten en kan niet meer worden "
                "gewijzigd; importeer een nieuwe versie."
            )
            % {"dossier": dossier}
        )
