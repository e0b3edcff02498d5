"""Append-only event streams: the one base for who/when, and the one way to ask for the
current state.

A bewijsstuk's status, a werkproces's sign-off and its feasibility are never stored as a
field that changes: each change is a new event row, and the state is the latest event of its
subject (by created_at, then id, since two events can share a timestamp). Every read of
"the state now" goes through EventQuerySet, so nobody writes "latest event wins" by hand.
"""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from organisation.models import User

NEWEST_FIRST = ("-created_at", "-id")


class EventQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def current_kind(self, **subject) -> str | None:
        """The kind of the latest event of one subject (e.g. enrolment=…, werkproces=…)."""
        return self.filter(**subject).newest_first().values_list("kind", flat=True).first()

    def current(self, *subject_fields: str):
        """Only the latest event of each subject among these rows: one query."""
        newest = (
            self.model.objects.filter(**{f: OuterRef(f) for f in subject_fields})
            .newest_first()
            .values("pk")[:1]
        )
        return self.filter(pk=Subquery(newest))

    def current_kinds(self, *subject_fields: str) -> dict[tuple, str]:
        """{subject: kind of its latest event} for every subject among these rows."""
        return {
            tuple(row[:-1]): row[-1]
            for row in self.current(*subject_fields).values_list(*subject_fields, "kind")
        }

    def current_value(self, field: str, **outer):
        """A subquery for annotating: `field` of the latest event matching `outer`
        (e.g. evidence=OuterRef("pk"))."""
        return Subquery(self.filter(**outer).newest_first().values(field)[:1])


class Event(models.Model):
    """Who did it and when. Name and role are copied, so the record still reads right after
    an account changes; what the event says and why lives in each stream's own fields."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("naam"), max_length=255)
    actor_role = models.CharField(_("rol"), max_length=20, choices=User.Role.choices)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


def actor_fields(user: User) -> dict:
    """The Event fields for an event this user causes."""
    return {"actor": user, "actor_name": user.display_name, "actor_role": user.role}
