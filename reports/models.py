"""Report jobs: who asked for which PDF, how far it is, and where the output lives.

One row per request. The worker claims a row with a conditional UPDATE (services.job_claim),
so a task that runs twice, or a message redelivered after a worker was killed, renders the
report once; the lease says when a claim is considered abandoned.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        STUDENT = "student", _("Voortgangsrapport")
        COHORT = "cohort", _("Klasrapport")
        # The student's whole portfolio as a ZIP (index.html that opens offline + JSON), for
        # the student to take along (AVG: the right to data portability).
        EXPORT = "export", _("Portfolio-export")

    class Status(models.TextChoices):
        # A klas report whose student reports are still being made: no worker holds it and
        # no attempt is spent; the last child to finish queues it (services._child_finished).
        WAITING = "waiting", _("Wacht op de studentrapporten")
        QUEUED = "queued", _("In de wachtrij")
        RUNNING = "running", _("Wordt gemaakt")
        DONE = "done", _("Klaar")
        FAILED = "failed", _("Mislukt")

    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices)
    enrolment = models.ForeignKey(
        "organisation.Enrolment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    cohort = models.ForeignKey(
        "organisation.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    # A klas report is assembled from one student job per student, each its own task, so that
    # several workers share the work; each child tells its parent when it is done.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    # Children not yet done or failed. Each child lowers it in the same transaction that
    # finishes the child; a waiting parent is queued exactly once, by whichever child is
    # last, and a parent still rendering its summary finds the zero itself.
    children_pending = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangevraagd door"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    # sha256 of the data the report shows (a klas report: its summary), empty until the
    # worker has gathered that data: equal fingerprints mean an equal report.
    fingerprint = models.CharField(_("kenmerk"), max_length=64, db_index=True)
    # Claims that started real work: 1 when it was done on the first try. Waiting for
    # children costs none; each abandoned or crashed claim adds one (MAX_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    # Set when a worker claims the job; a running job whose lease has passed was abandoned.
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    # Paths relative to MEDIA_ROOT; never served directly, only through views.download.
    output = models.CharField(max_length=255, blank=True)
    archive = models.CharField(max_length=255, blank=True)
    # An export holds copies of every file; it is deleted after this (services.sweep).
    expires_at = models.DateTimeField(_("beschikbaar tot"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    # When the job's current message was sent to the workers (its request, a retry, or the
    # sweep sending it again): the sweep tells a lost message from one still waiting its
    # turn by it (services._resend_lost).
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)

    class Meta:
        verbose_name = _("rapportopdracht")
        verbose_name_plural = _("rapportopdrachten")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "lease_until"]),
            models.Index(fields=["status", "queued_at"]),
            models.Index(fields=["queued_at"]),
            models.Index(fields=["started_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in {self.Status.WAITING, self.Status.QUEUED, self.Status.RUNNING}
