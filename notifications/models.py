"""The outbox: every notification and e-mail is a row first, written in the transaction of
the event that causes it, so it commits (or rolls back) with that event and a broker outage
delays it without losing it. See services.py for how rows are written and sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a person is told inside the app (the bell)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("ontvanger"),
    )
    what = models.CharField(_("wat"), max_length=300)
    # A name, not a foreign key: the notification keeps saying who did it if that account
    # is later removed, and the list needs no join to show it.
    actor_name = models.CharField(_("door"), max_length=300, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("gemaakt"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen"), null=True, blank=True)
    # One notification per event and recipient, however often the event's code runs.
    dedup_key = models.CharField(max_length=200, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notif_recipient_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutgoingMail(models.Model):
    """One e-mail to one address, sent by notifications.tasks.send_mail exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wacht")
        SENDING = "sending", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")
        FAILED = "failed", _("mislukt")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ontvanger"),
    )
    to = models.EmailField(_("adres"), max_length=254)
    subject = models.CharField(_("onderwerp"), max_length=300)
    body = models.TextField(_("tekst"))
    html_body = models.TextField(_("HTML"), blank=True)
    # The event and recipient in one string (for example "evidence-submitted:12:user:7"):
    # unique, so the same mail is never queued, and so never sent, twice.
    dedup_key = models.CharField(_("sleutel"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    last_error = models.TextField(_("laatste fout"), blank=True)
    next_attempt_at = models.DateTimeField(_("volgende poging"))
    # While a worker sends, it holds the row until lease_until; a worker that dies leaves the
    # row to the sweep once the lease has passed. claim says which attempt holds it.
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(_("gemaakt"), auto_now_add=True)
    sent_at = models.DateTimeField(_("verstuurd"), null=True, blank=True)

    class Meta:
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="mail_unsent_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
