"""Open Badges 3.0 credentials a student claimed for a werkproces they have shown.

A credential is issued for one vaststelling (the result in force when it was claimed) or, if
the school turned it on (School.badges_on_sign_off), for one sign-off by the praktijkopleider.
It is never edited: when that result is corrected by a later vaststelling, or that sign-off is
followed by a withdrawal, the credential counts as revoked in the school's Bitstring Status
List (selectors.revoked_indexes), which is computed from the exam records and sign-off events
themselves, so no code path can forget to revoke.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Credential(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        "organisation.Enrolment", on_delete=models.PROTECT, related_name="credentials"
    )
    werkproces = models.ForeignKey(
        "qualifications.Werkproces", on_delete=models.PROTECT, related_name="+"
    )
    # Exactly one of these: what the credential attests (see the constraint below).
    vaststelling = models.OneToOneField(
        "assessments.Vaststelling",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credential",
    )
    sign_off = models.OneToOneField(
        "portfolios.SignOffEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credential",
    )
    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    # The signed credential (a VC-JWT) exactly as handed to the student.
    token = models.TextField()
    issued_at = models.DateTimeField(_("uitgegeven op"), auto_now_add=True)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vaststelling__isnull=False, sign_off__isnull=True)
                | models.Q(vaststelling__isnull=True, sign_off__isnull=False),
                name="credential_attests_one_thing",
            )
        ]

    def __str__(self):
        return f"{self.werkproces_id} → {self.enrolment_id}"

    @property
    def status_index(self) -> int:
        # The row id is unique and never reused: it is the credential's bit in the list.
        return self.pk
