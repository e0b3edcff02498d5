"""People and the school: accounts, klassen, leerbedrijven, BPV-periodes, enrolments.

These models were created in `portfolios` and `assessments`; they moved here keeping their
tables (see migrations 0001 and 0002), so their db_table names still carry the old app.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .names import sort_key


class User(AbstractUser):
    """Everyone who logs in. The role decides what they may see (see the permissions modules)."""

    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        PRAKTIJKOPLEIDER = "praktijkopleider", _("Praktijkopleider")
        DOCENT = "docent", _("Docent")
        ASSESSOR = "assessor", _("Assessor")
        BEHEERDER = "beheerder", _("Beheerder")

    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.STUDENT)
    # The school account this person signs in with (the value of the claim named by
    # BEKWAAM_OIDC_IDENTIFIER_CLAIM, e.g. eduPersonPrincipalName); empty for people who sign
    # in with a password only. NULL, not "", so that uniqueness holds among the filled ones.
    sso_identifier = models.CharField(
        _("schoolaccount"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_("De identificatie waarmee deze persoon inlogt met het schoolaccount."),
    )
    # Part of the activation token (tokens.py): sending a new link moves it, so the earlier
    # link stops working.
    activation_sent_at = models.DateTimeField(_("activatie verstuurd op"), null=True, blank=True)
    # The Dutch sort order of this person (names.sort_key): kept by the services that create or
    # rename people, filled for existing rows by migration 0007. Every list of people orders by it.
    sort_name = models.CharField(
        _("sorteernaam"), max_length=300, blank=True, db_index=True, editable=False
    )

    class Meta(AbstractUser.Meta):
        # Moved from another app without moving its table (migration 0002).
        db_table = "portfolios_user"
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def refresh_sort_name(self) -> None:
        """Recompute sort_name from the name fields; the caller saves (services only)."""
        self.sort_name = sort_key(
            first_name=self.first_name, last_name=self.last_name, username=self.username
        )

    @property
    def is_beheerder(self) -> bool:
        """The one way to ask: may this person run the school (console, imports, invites)?"""
        return self.is_superuser or self.role == self.Role.BEHEERDER

    @property
    def display_name(self) -> str:
        """The name a person reads everywhere: the full name, or the username without one."""
        return self.get_full_name() or self.username

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
        # Moved from another app without moving its table (migration 0002).
        db_table = "portfolios_enrolment"
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
    # Printed on the reports the school hands over (reports.selectors.school_logo reads it
    # through the storage API and hands WeasyPrint the bytes; the fetcher loads nothing else).
    logo = models.ImageField(
        _("logo"),
        upload_to="school-logos/",
        blank=True,
        help_text=_("PNG of JPEG, liefst breed en niet hoger dan 300 pixels."),
    )
    # Open Badges (credentials): besides a werkproces vastgesteld by assessors, a student may
    # also claim one for a werkproces the praktijkopleider signed off, if the school says so.
    badges_on_sign_off = models.BooleanField(
        _("badges ook bij aftekening"),
        default=False,
        help_text=_(
            "Studenten kunnen dan ook een badge aanvragen voor een werkproces dat de "
            "praktijkopleider heeft afgetekend. De badge zegt dan dat het is afgetekend, niet "
            "vastgesteld; wordt de aftekening ingetrokken, dan wordt de badge ingetrokken."
        ),
    )

    class Meta:
        # Moved from another app without moving its table (migration 0002).
        db_table = "portfolios_school"
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
        # Moved from another app without moving its table (migration 0002).
        db_table = "portfolios_cohort"
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
        # Moved from another app without moving its table (migration 0002).
        db_table = "portfolios_leerbedrijf"
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
        # Moved from another app without moving its table (migration 0002).
        db_table = "portfolios_praktijkopleider"
        verbose_name = _("praktijkopleider")
        verbose_name_plural = _("praktijkopleiders")
        ordering = ["user__sort_name", "user__username"]

    def __str__(self):
        return f"{self.user.display_name} ({self.leerbedrijf})"


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
        # Moved from another app without moving its table (migration 0002).
        db_table = "portfolios_bpvperiode"
        verbose_name = _("BPV-periode")
        verbose_name_plural = _("BPV-periodes")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["praktijkopleider", "starts_on"])]

    def __str__(self):
        return f"{self.enrolment.student} @ {self.leerbedrijf} ({self.starts_on})"


# --- Assessors per klas ---------------------------------------------------------------------


class AssessorAssignment(models.Model):
    """An assessor assesses the students of this klas; nobody else's."""

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assessor_assignments",
        limit_choices_to={"role": "assessor"},
        verbose_name=_("assessor"),
    )
    cohort = models.ForeignKey(
        "Cohort",
        on_delete=models.CASCADE,
        related_name="assessor_assignments",
        verbose_name=_("klas"),
    )

    class Meta:
        # Moved from another app without moving its table (migration 0002).
        db_table = "assessments_assessorassignment"
        verbose_name = _("toewijzing assessor")
        verbose_name_plural = _("toewijzingen assessoren")
        constraints = [
            models.UniqueConstraint(fields=["assessor", "cohort"], name="assessor_cohort_uniq")
        ]

    def __str__(self):
        return f"{self.assessor} – {self.cohort}"


# --- Audit log ------------------------------------------------------------------------------


class AuditEntry(models.Model):
    """Who signed in (or failed to), which object was refused to whom, what was downloaded.

    Model changes with their old and new values are django-auditlog's LogEntry. Both tables
    are append-only on PostgreSQL (migration 0006); the retention task deletes old rows.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Ingelogd")
        LOGIN_FAILED = "login_failed", _("Inloggen mislukt")
        LOCKOUT = "lockout", _("Geblokkeerd na te veel pogingen")
        LOGOUT = "logout", _("Uitgelogd")
        SSO = "sso", _("Ingelogd met schoolaccount")
        REFUSED = "refused", _("Toegang geweigerd")
        DOWNLOAD = "download", _("Gedownload")

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, db_index=True)
    # No foreign-key constraint: a row outlives the account, and append-only means no
    # SET NULL either.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebruiker"),
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    object_type = models.CharField(_("soort object"), max_length=100, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    path = models.CharField(_("adres"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


# --- Background imports ---------------------------------------------------------------------


class ImportJob(models.Model):
    """A CSV of students or BPV-periodes imported by a worker (organisation.import_jobs): a
    large ROC's yearly export has thousands of rows, minutes of work that no web request may
    hold. While it runs, how far it is lives in the shared cache (the import itself is one
    transaction, so nothing it writes is visible before the end)."""

    class Kind(models.TextChoices):
        STUDENTS = "students", _("Studenten importeren")
        BPV = "bpv", _("BPV-periodes importeren")

    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        RUNNING = "running", _("Wordt geïmporteerd")
        DONE = "done", _("Klaar")
        # The file has problems (listed in `problems`): nothing was imported.
        REFUSED = "refused", _("Niets geïmporteerd")
        # The import broke off (the database or the worker went away): nothing was
        # imported, and it can be tried again.
        FAILED = "failed", _("Mislukt")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("aangevraagd door"),
    )
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices)
    # The students' school (BPV-periodes need none: the enrolment says it).
    school_name = models.CharField(_("school"), max_length=200, blank=True)
    original_name = models.CharField(_("bestandsnaam"), max_length=255)
    # Removed once the import is done or refused: it holds personal data (AVG).
    file = models.FileField(_("bestand"), upload_to="imports/", blank=True)
    rows = models.PositiveIntegerField(_("regels"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    # What was made (ImportResult's counts) or, when refused, [line, reason] per problem.
    result = models.JSONField(_("resultaat"), default=dict, blank=True)
    problems = models.JSONField(_("problemen"), default=list, blank=True)
    created_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    # Since when it waits for a worker (again, after a retry).
    queued_at = models.DateTimeField(_("in de wachtrij sinds"), default=timezone.now)
    started_at = models.DateTimeField(_("begonnen op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
