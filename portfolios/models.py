from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Everyone who logs in. The role decides what they may see (see permissions.py)."""

    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        PRAKTIJKOPLEIDER = "praktijkopleider", _("Praktijkopleider")
        DOCENT = "docent", _("Docent")
        ASSESSOR = "assessor", _("Assessor")
        BEHEERDER = "beheerder", _("Beheerder")

    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.STUDENT)

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    @property
    def is_school_staff(self) -> bool:
        """Teachers, assessors and beheerders may browse every dossier."""
        return self.is_superuser or self.role in {
            self.Role.DOCENT,
            self.Role.ASSESSOR,
            self.Role.BEHEERDER,
        }


class Enrolment(models.Model):
    """A student following one kwalificatie, on the dossier version it belongs to.

    While any enrolment exists, that dossier version is frozen (qualifications.services).
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    qualification = models.ForeignKey(
        "qualifications.Qualification", on_delete=models.PROTECT, related_name="enrolments"
    )
    started_on = models.DateField(_("startdatum"))
    ended_on = models.DateField(_("einddatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "qualification"], name="enrolment_student_qualification_uniq"
            )
        ]

    def __str__(self):
        return f"{self.student} – {self.qualification}"
