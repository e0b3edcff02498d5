"""The "Beheerders" group: exactly the model permissions a beheerder needs in /beheer/.

The school's people, klassen, leerbedrijven, BPV-periodes and assessment policies to manage;
exam records (their admins are read-only) and the audit log to view only; no auth groups or
permissions, no deleting people. Made by migration 0006 (with what existed then; a later
migration grants what came after, as 0008 for the reacties); services.user_create
adds every beheerder to it.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

BEHEERDERS = "Beheerders"
ALL = ("add", "change", "view")
# app label -> model -> actions. Exam records: view only (their admins are read-only too).
PERMISSIONS = {
    "organisation": {
        "user": ALL,
        "school": ALL,
        "cohort": ALL,
        "leerbedrijf": ALL,
        "praktijkopleider": ALL,
        "bpvperiode": (*ALL, "delete"),
        "enrolment": ALL,
        "assessorassignment": (*ALL, "delete"),
        "auditentry": ("view",),
    },
    "assessments": {
        "assessmentpolicy": (*ALL, "delete"),
        "crucialcriterion": (*ALL, "delete"),
        "ratingscale": ("view",),
        "ratinglevel": ("view",),
        "beoordeling": ("view",),
        "submission": ("view",),
        "vaststelling": ("view",),
    },
    "portfolios": {
        "evidence": ("view",),
        "evidenceversion": ("view",),
        "evidenceevent": ("view",),
        "signoffevent": ("view",),
        "feasibilityevent": ("view",),
        "comment": ("view",),
        "commentrevision": ("view",),
    },
    # The tree, to read: an exam record's page links its werkproces, and a policy's kerntaak
    # is picked from the list of kerntaken.
    "qualifications": {
        "dossier": ("view",),
        "qualification": ("view",),
        "kerntaak": ("view",),
        "werkproces": ("view",),
        "competentie": ("view",),
    },
    "auditlog": {"logentry": ("view",)},
}


def permission_query() -> Q:
    query = Q(pk__in=[])
    for app, models in PERMISSIONS.items():
        for model, actions in models.items():
            query |= Q(
                content_type__app_label=app,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
    return query


def beheerders_group() -> Group:
    """The group, re-made with its permissions when it is missing (a flushed test database)."""
    group, created = Group.objects.get_or_create(name=BEHEERDERS)
    if created:
        group.permissions.set(Permission.objects.filter(permission_query()))
    return group
