"""Bulk set-up for the dashboard tests: many students in one klas, in a few queries."""

import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from organisation.models import BpvPeriode, Enrolment, User
from portfolios.models import (
    Evidence,
    EvidenceEvent,
    EvidenceLink,
    EvidenceVersion,
    FeasibilityEvent,
    SignOffEvent,
)
from qualifications.selectors import werkprocessen_of


def add_students(cohort, praktijkopleider, count: int, *, prefix="bulk", bpv_days=(60, 30)):
    """``count`` students in ``cohort`` with a BPV (started bpv_days[0] ago, ending
    bpv_days[1] from now) at the praktijkopleider's leerbedrijf, and a mix of progress:
    every student one submitted bewijsstuk on the first werkproces; every second student
    the second werkproces signed off; every third student the last one not feasible."""
    today = timezone.localdate()
    password = make_password("geheim-wachtwoord-1")
    users = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}-{i:04d}",
                first_name=f"Student{i:04d}",
                last_name=prefix.capitalize(),
                role=User.Role.STUDENT,
                password=password,
            )
            for i in range(count)
        ]
    )
    users = list(User.objects.filter(username__startswith=f"{prefix}-").order_by("username"))
    for user in users:  # what user_create does for one person (organisation.names)
        user.refresh_sort_name()
    User.objects.bulk_update(users, ["sort_name"])
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                student=u,
                qualification=cohort.qualification,
                cohort=cohort,
                started_on=datetime.date(2026, 9, 1),
            )
            for u in users
        ]
    )
    enrolments = list(
        Enrolment.objects.filter(student__in=users).select_related("student").order_by("pk")
    )
    BpvPeriode.objects.bulk_create(
        [
            BpvPeriode(
                enrolment=e,
                leerbedrijf=praktijkopleider.leerbedrijf,
                praktijkopleider=praktijkopleider,
                starts_on=today - datetime.timedelta(days=bpv_days[0]),
                ends_on=today + datetime.timedelta(days=bpv_days[1]),
            )
            for e in enrolments
        ]
    )
    wps = list(werkprocessen_of(cohort.qualification).order_by("kerntaak__position", "position"))
    Evidence.objects.bulk_create(
        [
            Evidence(
                enrolment=e, werkproces=wps[0], title="Verslag", date=today, links=["https://x.nl"]
            )
            for e in enrolments
        ]
    )
    evidence = list(Evidence.objects.filter(enrolment__in=enrolments).order_by("pk"))
    EvidenceLink.objects.bulk_create(
        [EvidenceLink(evidence=ev, werkproces_id=ev.werkproces_id) for ev in evidence]
    )
    EvidenceVersion.objects.bulk_create(
        [EvidenceVersion(evidence=ev, number=1, title=ev.title, date=ev.date) for ev in evidence]
    )
    versions = {v.evidence_id: v for v in EvidenceVersion.objects.filter(evidence__in=evidence)}
    by_pk = {e.pk: e for e in enrolments}
    EvidenceEvent.objects.bulk_create(
        [
            EvidenceEvent(
                evidence=ev,
                version=versions[ev.pk],
                kind=EvidenceEvent.Kind.SUBMITTED,
                actor=by_pk[ev.enrolment_id].student,
                actor_name="student",
                actor_role=User.Role.STUDENT,
            )
            for ev in evidence
        ]
    )
    po_user = praktijkopleider.user
    actor = {"actor": po_user, "actor_name": "po", "actor_role": User.Role.PRAKTIJKOPLEIDER}
    SignOffEvent.objects.bulk_create(
        [
            SignOffEvent(enrolment=e, werkproces=wps[1], kind=SignOffEvent.Kind.SIGNED, **actor)
            for e in enrolments[::2]
        ]
    )
    FeasibilityEvent.objects.bulk_create(
        [
            FeasibilityEvent(
                enrolment=e,
                werkproces=wps[-1],
                leerbedrijf=praktijkopleider.leerbedrijf,
                kind=FeasibilityEvent.Kind.NOT_FEASIBLE,
                reason="Geen balie",
                **actor,
            )
            for e in enrolments[::3]
        ]
    )
    return enrolments
