"""Scoring gedrag criteria, and the results that decide diplomas.

An examencommissie must be able to show, years later, who scored what, when, on which
evidence, and why anything changed. So everything exam-relevant is insert-only:

- ``Submission`` + ``SubmittedScore``: one assessor's own scores, frozen when handed in;
- ``Vaststelling`` + ``FinalScore``: the agreed result, version 1, 2, ... where every later
  version is a correction with its reason.

On PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE of those rows, so not
even a stray script or admin action can change them. The only mutable rows are an
assessor's ``ScoreDraft`` (work in progress nobody else sees) and configuration.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    ONVOLDOENDE = "onvoldoende", _("Onvoldoende")
    VOLDOENDE = "voldoende", _("Voldoende")
    GOED = "goed", _("Goed")


class RatingScale(models.Model):
    """The levels an assessor chooses from per criterion, e.g. onvoldoende/voldoende/goed."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("naam"), max_length=100)

    class Meta:
        verbose_name = _("beoordelingsschaal")
        verbose_name_plural = _("beoordelingsschalen")
        ordering = ["name"]

    def __str__(self):
        return self.name


class RatingLevel(models.Model):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(_("punten"))
    label = models.CharField(_("naam"), max_length=60)
    descriptor = models.TextField(_("omschrijving"), blank=True)
    # A level that does not pass counts as "onvoldoende" for the cesuur and the knock-out rule.
    passing = models.BooleanField(_("voldoende"), default=True)

    class Meta:
        verbose_name = _("niveau")
        verbose_name_plural = _("niveaus")
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="rating_level_value_uniq")
        ]

    def __str__(self):
        return f"{self.value} – {self.label}"


class AssessmentPolicy(models.Model):
    """How the werkprocessen of a dossier, or of one kerntaak, are assessed.

    A kerntaak's policy wins over its dossier's; without either the defaults apply.
    """

    dossier = models.OneToOneField(
        "qualifications.Dossier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessment_policy",
    )
    kerntaak = models.OneToOneField(
        "qualifications.Kerntaak",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessment_policy",
    )
    scale = models.ForeignKey(
        RatingScale, on_delete=models.PROTECT, related_name="+", verbose_name=_("schaal")
    )
    four_eyes = models.BooleanField(
        _("twee assessoren (4-ogen)"),
        default=False,
        help_text=_("Twee assessoren scoren onafhankelijk en stellen daarna samen vast."),
    )
    min_share_for_goed = models.DecimalField(
        _("aandeel punten voor goed"),
        max_digits=3,
        decimal_places=2,
        default=0.75,
        help_text=_("Deel van het maximum aantal punten vanaf waar de uitslag goed is."),
    )
    max_onvoldoende = models.PositiveSmallIntegerField(
        _("toegestane onvoldoendes"),
        default=0,
        help_text=_("Onvoldoendes op niet-cruciale criteria die de uitslag nog voldoende laten."),
    )

    class Meta:
        verbose_name = _("beoordelingsregel")
        verbose_name_plural = _("beoordelingsregels")
        constraints = [
            models.CheckConstraint(
                condition=Q(dossier__isnull=False, kerntaak__isnull=True)
                | Q(dossier__isnull=True, kerntaak__isnull=False),
                name="assessment_policy_dossier_xor_kerntaak",
            ),
            models.CheckConstraint(
                condition=Q(min_share_for_goed__gte=0) & Q(min_share_for_goed__lte=1),
                name="assessment_policy_share_range",
            ),
        ]

    def __str__(self):
        return str(self.kerntaak or self.dossier)


class CrucialCriterion(models.Model):
    """A knock-out criterion: onvoldoende here makes the werkproces onvoldoende."""

    criterion = models.OneToOneField(
        "qualifications.Criterion",
        on_delete=models.CASCADE,
        related_name="crucial",
        verbose_name=_("criterium"),
    )

    class Meta:
        verbose_name = _("cruciaal criterium")
        verbose_name_plural = _("cruciale criteria")

    def __str__(self):
        return str(self.criterion)


class Beoordeling(models.Model):
    """The assessment of one werkproces for one student. The rules that applied when it
    began are copied here, so a later change of policy does not change how it is computed."""

    enrolment = models.ForeignKey(
        "organisation.Enrolment", on_delete=models.PROTECT, related_name="beoordelingen"
    )
    werkproces = models.ForeignKey(
        "qualifications.Werkproces", on_delete=models.PROTECT, related_name="+"
    )
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="+")
    four_eyes = models.BooleanField(_("twee assessoren"))
    min_share_for_goed = models.DecimalField(
        _("aandeel punten voor goed"), max_digits=3, decimal_places=2
    )
    max_onvoldoende = models.PositiveSmallIntegerField(_("toegestane onvoldoendes"))
    created_at = models.DateTimeField(_("begonnen op"), auto_now_add=True)

    class Meta:
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "werkproces"], name="beoordeling_enrolment_werkproces_uniq"
            )
        ]

    def __str__(self):
        return f"{self.enrolment} – {self.werkproces_id}"


class ScoreDraft(models.Model):
    """An assessor's scores while still working on them: private, and the only thing here
    that is ever updated. ``revision`` makes a stale save visible instead of silent."""

    beoordeling = models.ForeignKey(Beoordeling, on_delete=models.PROTECT, related_name="drafts")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # {criterion_id: {"value": int | None, "comment": str}}, keys as strings (JSON).
    scores = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("concept van een assessor")
        verbose_name_plural = _("concepten van assessoren")
        constraints = [
            models.UniqueConstraint(
                fields=["beoordeling", "assessor"], name="score_draft_assessor_uniq"
            )
        ]

    def __str__(self):
        return f"{self.assessor_id} r{self.revision}"


class Submission(models.Model):
    """One assessor's own scores, handed in. Insert-only."""

    beoordeling = models.ForeignKey(
        Beoordeling, on_delete=models.PROTECT, related_name="submissions"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessor_name = models.CharField(_("naam"), max_length=255)
    submitted_at = models.DateTimeField(_("ingediend op"), auto_now_add=True)

    class Meta:
        verbose_name = _("ingediende score")
        verbose_name_plural = _("ingediende scores")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["beoordeling", "assessor"], name="submission_assessor_uniq"
            )
        ]

    def __str__(self):
        return f"{self.assessor_name} ({self.submitted_at:%Y-%m-%d %H:%M})"


class SubmittedScore(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(
        "qualifications.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("punten"))
    comment = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="submitted_score_criterion_uniq"
            )
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class Vaststelling(models.Model):
    """A version of the final result. Version 1 is the vaststelling; every later version is
    a correction and says why. The latest version is the result in force. Insert-only."""

    beoordeling = models.ForeignKey(
        Beoordeling, on_delete=models.PROTECT, related_name="vaststellingen"
    )
    number = models.PositiveSmallIntegerField(_("versie"))
    outcome = models.CharField(_("uitslag"), max_length=12, choices=Outcome.choices)
    points = models.PositiveSmallIntegerField(_("punten"))
    max_points = models.PositiveSmallIntegerField(_("maximum"))
    reason = models.TextField(_("reden van de correctie"), blank=True)
    feedback = models.TextField(_("feedback voor de student"), blank=True)
    assessor_names = models.CharField(_("assessoren"), max_length=600)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(_("vastgelegd door"), max_length=255)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("vaststelling")
        verbose_name_plural = _("vaststellingen")
        ordering = ["beoordeling", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["beoordeling", "number"], name="vaststelling_number_uniq"
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""), name="vaststelling_correction_has_reason"
            ),
        ]

    def __str__(self):
        return f"v{self.number}: {self.get_outcome_display()}"


class FinalScore(models.Model):
    """A vastgestelde score, with the words that were on screen, so it reads right even if
    the scale or the dossier text changes later. Insert-only."""

    vaststelling = models.ForeignKey(Vaststelling, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(
        "qualifications.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    criterion_text = models.TextField(_("criterium"))
    crucial = models.BooleanField(_("cruciaal"), default=False)
    value = models.PositiveSmallIntegerField(_("punten"))
    level_label = models.CharField(_("niveau"), max_length=60)
    passing = models.BooleanField(_("voldoende"))
    comment = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("vastgestelde score")
        verbose_name_plural = _("vastgestelde scores")
        ordering = ["vaststelling", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vaststelling", "criterion"], name="final_score_criterion_uniq"
            )
        ]

    def __str__(self):
        return f"{self.criterion_text}: {self.level_label}"
