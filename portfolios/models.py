from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisation.models import Enrolment, Leerbedrijf

from .events import Event

# --- Evidence -------------------------------------------------------------------------------


class Evidence(models.Model):
    """A bewijsstuk. These fields are the student's working copy; what others see and judge
    are the immutable EvidenceVersion snapshots taken at each submission.

    One bewijsstuk can serve several werkprocessen: each EvidenceLink names one, with the
    gedrag it shows there. `werkproces` is the main one (where the student made it: the
    breadcrumb, the inbox, the mails); it is always one of the links too."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="evidence")
    werkproces = models.ForeignKey(
        "qualifications.Werkproces",
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("hoofdwerkproces"),
    )
    title = models.CharField(_("titel"), max_length=200)
    reflection = models.TextField(_("reflectie"), blank=True)
    date = models.DateField(_("datum"))
    links = models.JSONField(_("links"), default=list, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    # The create form's one-time token: unique, so two POSTs of one form cannot both insert.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("bewijsstuk")
        verbose_name_plural = _("bewijsstukken")
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title


def evidence_upload_to(instance, filename):
    # uploads.py has already chosen a random name; the client's name never reaches the disk.
    return f"evidence/{filename}"


class EvidenceFile(models.Model):
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("bestand"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("oorspronkelijke naam"), max_length=255)
    content_type = models.CharField(_("bestandstype"), max_length=100)
    size = models.PositiveBigIntegerField(_("grootte"))
    uploaded_at = models.DateTimeField(_("geüpload op"), auto_now_add=True)
    # Taken out of the working copy after it was submitted: earlier versions still show it.
    removed_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    # A small JPEG re-encoded by Pillow (thumbnails.py); empty until made, or for non-images.
    thumbnail = models.FileField(
        _("miniatuur"), upload_to=evidence_upload_to, max_length=255, blank=True
    )

    class Meta:
        verbose_name = _("bestand")
        verbose_name_plural = _("bestanden")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class FilePreview(models.Model):
    """What the viewer shows of one file: a larger photo, or a PDF's pages as images, made by
    the worker (previews.py). Derived data, not an exam record: it can be made again from the
    file, so it is not insert-only; the EvidenceFile it belongs to stays untouched."""

    class State(models.TextChoices):
        READY = "ready", _("Klaar")
        FAILED = "failed", _("Niet te tonen")

    evidence_file = models.OneToOneField(
        EvidenceFile, on_delete=models.CASCADE, related_name="preview"
    )
    state = models.CharField(_("status"), max_length=16, choices=State.choices)
    # For a PDF: its number of pages (more than were rendered when it is very long).
    page_count = models.PositiveIntegerField(_("aantal pagina's"), default=0)
    made_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("weergave")
        verbose_name_plural = _("weergaven")

    def __str__(self):
        return f"{self.evidence_file_id}: {self.state}"


class FilePreviewPage(models.Model):
    """One image of a preview: the photo (page 1) or one page of a PDF."""

    preview = models.ForeignKey(FilePreview, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(_("pagina"))
    image = models.FileField(_("afbeelding"), upload_to=evidence_upload_to, max_length=255)
    width = models.PositiveIntegerField(_("breedte"))
    height = models.PositiveIntegerField(_("hoogte"))

    class Meta:
        verbose_name = _("pagina van een weergave")
        verbose_name_plural = _("pagina's van weergaven")
        ordering = ["preview", "number"]
        constraints = [
            models.UniqueConstraint(fields=["preview", "number"], name="file_preview_page_uniq")
        ]

    def __str__(self):
        return f"{self.preview_id} p{self.number}"


class EvidenceVersion(models.Model):
    """What was submitted, frozen: reviews refer to it, and it stays readable after revision."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("versie"))
    title = models.CharField(_("titel"), max_length=200)
    reflection = models.TextField(_("reflectie"), blank=True)
    date = models.DateField(_("datum"))
    links = models.JSONField(_("links"), default=list, blank=True)
    files = models.ManyToManyField(
        EvidenceFile, blank=True, related_name="versions", verbose_name=_("bestanden")
    )
    submitted_at = models.DateTimeField(_("ingediend op"), auto_now_add=True)

    class Meta:
        verbose_name = _("versie van een bewijsstuk")
        verbose_name_plural = _("versies van bewijsstukken")
        ordering = ["evidence", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "number"], name="evidence_version_uniq")
        ]

    def __str__(self):
        return f"{self.title} (v{self.number})"


class EvidenceLink(models.Model):
    """The working copy says: this bewijsstuk shows this werkproces, with this gedrag.

    A row per werkproces rather than only the gedrag (whose criterion knows its werkproces):
    a student may link a werkproces without ticking any gedrag, and progress and the
    dashboards ask "which werkprocessen has this bewijsstuk" as one indexed join."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="wp_links")
    werkproces = models.ForeignKey(
        "qualifications.Werkproces", on_delete=models.PROTECT, related_name="evidence_links"
    )
    criteria = models.ManyToManyField(
        "qualifications.Criterion", blank=True, related_name="+", verbose_name=_("gedrag")
    )

    class Meta:
        verbose_name = _("werkproces van een bewijsstuk")
        verbose_name_plural = _("werkprocessen van bewijsstukken")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "werkproces"], name="evidence_link_uniq")
        ]
        indexes = [models.Index(fields=["werkproces", "evidence"])]

    def __str__(self):
        return f"{self.evidence_id} → {self.werkproces_id}"


class EvidenceVersionLink(models.Model):
    """What a submitted version said it showed, per werkproces: frozen with the version."""

    version = models.ForeignKey(EvidenceVersion, on_delete=models.PROTECT, related_name="wp_links")
    werkproces = models.ForeignKey(
        "qualifications.Werkproces", on_delete=models.PROTECT, related_name="+"
    )
    criteria = models.ManyToManyField(
        "qualifications.Criterion", blank=True, related_name="+", verbose_name=_("gedrag")
    )

    class Meta:
        verbose_name = _("werkproces van een versie")
        verbose_name_plural = _("werkprocessen van versies")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "werkproces"], name="evidence_version_link_uniq"
            )
        ]

    def __str__(self):
        return f"v{self.version_id} → {self.werkproces_id}"


class EvidenceStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SUBMITTED = "submitted", _("Ingediend")
    ACCEPTED = "accepted", _("Goedgekeurd")
    RETURNED = "returned", _("Teruggestuurd")


class EvidenceEvent(Event):
    """Append-only history of a bewijsstuk; its status is the kind of the latest event.

    Name and role are copied so the record still reads right after an account changes.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Ingediend")
        ACCEPTED = "accepted", _("Goedgekeurd")
        RETURNED = "returned", _("Teruggestuurd")

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="events")
    version = models.ForeignKey(EvidenceVersion, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("gebeurtenis"), max_length=16, choices=Kind.choices)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta(Event.Meta):
        verbose_name = _("beoordelingsgebeurtenis")
        verbose_name_plural = _("beoordelingsgebeurtenissen")
        # Every status is "the newest event of this bewijsstuk" (with_status, progress):
        # read from this index in order, without sorting a bewijsstuk's events.
        indexes = [
            models.Index(fields=["evidence", "-created_at", "-id"], name="evidence_event_newest")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.evidence} ({self.created_at:%Y-%m-%d %H:%M})"


# --- Conversation ---------------------------------------------------------------------------


class Comment(models.Model):
    """A reactie in the thread of one bewijsstuk. The row itself never changes: its text is
    the newest CommentRevision, so an edit keeps what was said before (insert-only on
    PostgreSQL, like the rest of the record)."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(_("naam"), max_length=255)
    author_role = models.CharField(_("rol"), max_length=20)
    created_at = models.DateTimeField(_("geplaatst op"), auto_now_add=True)

    class Meta:
        verbose_name = _("reactie")
        verbose_name_plural = _("reacties")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["evidence", "created_at"])]

    def __str__(self):
        return f"{self.author_name} ({self.created_at:%Y-%m-%d %H:%M})"


class CommentRevision(models.Model):
    """One text of a reactie: the first is what was posted, each later one an edit."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("versie"))
    text = models.TextField(_("tekst"))
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("versie van een reactie")
        verbose_name_plural = _("versies van reacties")
        ordering = ["comment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "number"], name="comment_revision_uniq")
        ]

    def __str__(self):
        return f"{self.comment_id} v{self.number}"


# --- Sign-off and "niet uitvoerbaar", per werkproces ---------------------------------------


class SignOffEvent(Event):
    """Append-only: a werkproces is signed off while its latest event is SIGNED."""

    class Kind(models.TextChoices):
        SIGNED = "signed", _("Afgetekend")
        WITHDRAWN = "withdrawn", _("Aftekening ingetrokken")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="sign_offs")
    werkproces = models.ForeignKey(
        "qualifications.Werkproces", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("gebeurtenis"), max_length=16, choices=Kind.choices)
    declaration = models.TextField(_("verklaring"), blank=True)
    reason = models.TextField(_("reden"), blank=True)
    # Signed off while no bewijsstuk for this werkproces was accepted: the praktijkopleider
    # confirmed that explicitly, and the history and the report say so.
    without_evidence = models.BooleanField(_("zonder goedgekeurd bewijs"), default=False)

    class Meta(Event.Meta):
        verbose_name = _("aftekening")
        verbose_name_plural = _("aftekeningen")
        indexes = [models.Index(fields=["enrolment", "werkproces", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.werkproces_id} ({self.actor_name})"


class FeasibilityEvent(Event):
    """Append-only: "niet uitvoerbaar bij dit leerbedrijf" holds while the latest event says so."""

    class Kind(models.TextChoices):
        NOT_FEASIBLE = "not_feasible", _("Niet uitvoerbaar bij dit leerbedrijf")
        FEASIBLE = "feasible", _("Weer uitvoerbaar")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="feasibility_events"
    )
    werkproces = models.ForeignKey(
        "qualifications.Werkproces", on_delete=models.PROTECT, related_name="+"
    )
    leerbedrijf = models.ForeignKey(Leerbedrijf, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("gebeurtenis"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reden"))

    class Meta(Event.Meta):
        verbose_name = _("uitvoerbaarheid")
        verbose_name_plural = _("uitvoerbaarheid")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.werkproces_id} ({self.leerbedrijf})"


# --- Notifications --------------------------------------------------------------------------


class EvidenceNotification(models.Model):
    """One e-mail about one evidence event to one person: the row is written in the same
    transaction that sends the mail, so a task that runs twice (or a digest after an
    immediate mail) never tells anyone the same thing twice."""

    class Channel(models.TextChoices):
        IMMEDIATE = "immediate", _("Direct")
        DIGEST = "digest", _("Dagelijks overzicht")

    event = models.ForeignKey(EvidenceEvent, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("kanaal"), max_length=16, choices=Channel.choices)
    sent_at = models.DateTimeField(_("verstuurd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"], name="evidence_notification_uniq"
            )
        ]

    def __str__(self):
        return f"{self.event_id} → {self.recipient_id} ({self.channel})"
