"""Open Badges 3.0 credentials a student claimed for a werkproces they have shown.

A credential is issued for one vaststelling (the result in force when it was claimed). It is
never edited: when that result is corrected by a later vaststelling, the credential counts as
revoked in the school's Bitstring Status List (selectors.revoked_indexes), which is computed
from the exam records themselves, so no code path can forget to revoke.
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
    vaststelling = models.OneToOneField(
        "assessments.Vaststelling", on_delete=models.PROTECT, related_name="credential"
    )
    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    # The signed credential (a VC-JWT) exactly as handed to the student.
    token = models.TextField()
    issued_at = models.DateTimeField(_("uitgegeven op"), auto_now_add=True)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return f"{self.werkproces_id} → {self.enrolment_id}"

    @property
    def status_index(self) -> int:
        # The row id is unique and never reused: it is the credential's bit in the list.
        return self.pk
