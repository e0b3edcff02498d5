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
    # The klas this student follows the kwalificatie in; its mentors may read the portfolio.
    cohort = models.ForeignKey(
        "Cohort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("klas"),
    )

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


# --- School organisation: klassen, leerbedrijven, BPV ---------------------------------------


class School(models.Model):
    name = models.CharField(_("naam"), max_length=255, unique=True)
    brin = models.CharField(_("BRIN-code"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("scholen")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Cohort(models.Model):
    """A klas: students who follow one kwalificatie, on one dossier version, from one year."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("naam"), max_length=100)
    start_year = models.PositiveSmallIntegerField(_("startjaar"))
    # The kwalificatie belongs to exactly one dossier version, so this pins the version too.
    qualification = models.ForeignKey(
        "qualifications.Qualification",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("kwalificatie"),
    )
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="mentor_of",
        verbose_name=_("mentoren"),
        limit_choices_to={"role": "docent"},
    )

    class Meta:
        verbose_name = _("klas")
        verbose_name_plural = _("klassen")
        ordering = ["-start_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name", "start_year"], name="cohort_school_name_year_uniq"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.start_year})"


class Leerbedrijf(models.Model):
    name = models.CharField(_("naam"), max_length=255)
    sbb_number = models.CharField(
        _("SBB-erkenningsnummer"), max_length=32, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("leerbedrijf")
        verbose_name_plural = _("leerbedrijven")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Praktijkopleider(models.Model):
    """A user with the praktijkopleider role, working at one leerbedrijf."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="praktijkopleider",
        limit_choices_to={"role": "praktijkopleider"},
        verbose_name=_("gebruiker"),
    )
    leerbedrijf = models.ForeignKey(
        Leerbedrijf, on_delete=models.PROTECT, related_name="praktijkopleiders"
    )
    phone = models.CharField(_("telefoon"), max_length=32, blank=True)
    # Some praktijkopleiders prefer one mail in the morning to one per submission.
    daily_digest = models.BooleanField(
        _("dagelijks overzicht"),
        default=False,
        help_text=_("Eén e-mail per dag in plaats van een e-mail bij elke inzending."),
    )

    class Meta:
        verbose_name = _("praktijkopleider")
        verbose_name_plural = _("praktijkopleiders")
        ordering = ["user__last_name", "user__username"]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} ({self.leerbedrijf})"


class BpvPeriode(models.Model):
    """A student's work placement: from starts_on the praktijkopleider may see the portfolio."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="bpv_periodes")
    leerbedrijf = models.ForeignKey(
        Leerbedrijf, on_delete=models.PROTECT, related_name="bpv_periodes"
    )
    praktijkopleider = models.ForeignKey(
        Praktijkopleider, on_delete=models.PROTECT, related_name="bpv_periodes"
    )
    starts_on = models.DateField(_("begindatum"))
    ends_on = models.DateField(_("einddatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("BPV-periode")
        verbose_name_plural = _("BPV-periodes")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["praktijkopleider", "starts_on"])]

    def __str__(self):
        return f"{self.enrolment.student} @ {self.leerbedrijf} ({self.starts_on})"


# --- Evidence -------------------------------------------------------------------------------


class Evidence(models.Model):
    """A bewijsstuk. These fields are the student's working copy; what others see and judge
    are the immutable EvidenceVersion snapshots taken at each submission."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="evidence")
    werkproces = models.ForeignKey(
        "qualifications.Werkproces", on_delete=models.PROTECT, related_name="evidence"
    )
    title = models.CharField(_("titel"), max_length=200)
    reflection = models.TextField(_("reflectie"), blank=True)
    date = models.DateField(_("datum"))
    links = models.JSONField(_("links"), default=list, blank=True)
    criteria = models.ManyToManyField(
        "qualifications.Criterion", blank=True, related_name="+", verbose_name=_("gedrag")
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

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


class EvidenceVersion(models.Model):
    """What was submitted, frozen: reviews refer to it, and it stays readable after revision."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("versie"))
    title = models.CharField(_("titel"), max_length=200)
    reflection = models.TextField(_("reflectie"), blank=True)
    date = models.DateField(_("datum"))
    links = models.JSONField(_("links"), default=list, blank=True)
    criteria = models.ManyToManyField(
        "qualifications.Criterion", blank=True, related_name="+", verbose_name=_("gedrag")
    )
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


class EvidenceStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SUBMITTED = "submitted", _("Ingediend")
    ACCEPTED = "accepted", _("Goedgekeurd")
    RETURNED = "returned", _("Teruggestuurd")


class EvidenceEvent(models.Model):
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
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("naam"), max_length=255)
    actor_role = models.CharField(_("rol"), max_length=20, choices=User.Role.choices)
    feedback = models.TextField(_("feedback"), blank=True)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("beoordelingsgebeurtenis")
        verbose_name_plural = _("beoordelingsgebeurtenissen")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.evidence} ({self.created_at:%Y-%m-%d %H:%M})"


# --- Sign-off and "niet uitvoerbaar", per werkproces ---------------------------------------


class SignOffEvent(models.Model):
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
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("naam"), max_length=255)
    actor_role = models.CharField(_("rol"), max_length=20, choices=User.Role.choices)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("aftekening")
        verbose_name_plural = _("aftekeningen")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["enrolment", "werkproces", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.werkproces_id} ({self.actor_name})"


class FeasibilityEvent(models.Model):
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
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("naam"), max_length=255)
    actor_role = models.CharField(_("rol"), max_length=20, choices=User.Role.choices)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("uitvoerbaarheid")
        verbose_name_plural = _("uitvoerbaarheid")
        ordering = ["created_at", "id"]

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
