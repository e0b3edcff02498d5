"""Writes to the dossier tree."""

from .models import Dossier


def dossier_is_locked(dossier: Dossier) -> bool:
    """A dossier version is frozen once any student is enrolled on one of its kwalificaties:
    their portfolio and exam records point at its werkprocessen and criteria.

    Asked through the reverse relation of organisation.Enrolment ("enrolments"), so this
    app needs no import of the app that holds enrolments.
    """
    return dossier.qualifications.filter(enrolments__isnull=False).exists()
