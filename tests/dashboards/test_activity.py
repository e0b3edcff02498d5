"""The klas dashboard's "laatste activiteit": the local date (Europe/Amsterdam) for the
filter and the export, the moment itself for the sort (oldest first, equal moments and those
without activity in name order), whichever database works it out."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from dashboards.selectors import Filters, dashboard_for
from organisation.models import Enrolment
from portfolios.events import actor_fields
from portfolios.models import Evidence, EvidenceEvent, EvidenceVersion
from qualifications.selectors import werkprocessen_of

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def active(world, make_user):
    cohort = world["cohort"]
    werkproces = werkprocessen_of(cohort.qualification).first()
    # (bewijsstuk made, its event) per student; Amsterdam is UTC+1 in winter.
    moments = [
        (_at(2026, 11, 30, 22, 30), _at(2026, 11, 30, 23, 30)),  # 1 Dec 00:30 local
        (_at(2026, 11, 30, 22, 0), _at(2026, 11, 30, 22, 30)),  # 30 Nov 23:30 local
        (_at(2026, 11, 30, 22, 30), _at(2026, 11, 30, 23, 30)),  # the same moment as [0]
        (_at(2026, 11, 20, 8, 0), None),  # no event: counts by when it was made
        (_at(2026, 10, 1, 8, 0), _at(2026, 11, 25, 12, 0)),
        (_at(2026, 11, 29, 8, 0), _at(2026, 11, 29, 9, 0)),
    ]
    bulk = []
    for i, (made, event) in enumerate(moments):
        user = make_user(f"actief-{i}")
        enrolment = Enrolment.objects.create(
            student=user, qualification=cohort.qualification, cohort=cohort, started_on=made.date()
        )
        # Events are insert-only: they get their moment when they are made.
        with mock.patch("django.utils.timezone.now", return_value=made):
            evidence = Evidence.objects.create(
                enrolment=enrolment, werkproces=werkproces, title="Verslag", date=made.date()
            )
            version = EvidenceVersion.objects.create(
                evidence=evidence, number=1, title="Verslag", date=made.date()
            )
        if event is not None:
            with mock.patch("django.utils.timezone.now", return_value=event):
                EvidenceEvent.objects.create(
                    evidence=evidence,
                    version=version,
                    kind=EvidenceEvent.Kind.SUBMITTED,
                    **actor_fields(user),
                )
        bulk.append(enrolment)
    world["bulk"] = bulk
    # Every student of the klas (the world's own ones too), worked out the plain way.
    latest = {}
    for evidence in Evidence.objects.filter(enrolment__cohort=world["cohort"]):
        moments = [evidence.created_at, *evidence.events.values_list("created_at", flat=True)]
        if evidence.enrolment_id in latest:
            moments.append(latest[evidence.enrolment_id])
        latest[evidence.enrolment_id] = max(moments)
    world["latest"] = latest
    return world


def test_last_active_on_is_the_local_date(active):
    d = dashboard_for(user=active["docent"], cohort=active["cohort"], filters=Filters())
    dates = {r.enrolment.pk: r.last_active_on for r in d.rows}
    for pk, moment in active["latest"].items():
        assert dates[pk] == timezone.localtime(moment).date()
    assert dates[active["bulk"][0].pk] == datetime.date(2026, 12, 1)
    assert dates[active["bulk"][1].pk] == datetime.date(2026, 11, 30)


def test_sort_by_activity_is_oldest_first_ties_by_name(active):
    d = dashboard_for(user=active["docent"], cohort=active["cohort"], filters=Filters())
    by_name = [r.enrolment.pk for r in d.rows]
    latest = active["latest"]
    epoch = datetime.datetime.min.replace(tzinfo=UTC)
    expected = sorted(by_name, key=lambda pk: latest.get(pk, epoch))
    d = dashboard_for(
        user=active["docent"], cohort=active["cohort"], filters=Filters(sort="activiteit")
    )
    assert [r.enrolment.pk for r in d.rows] == expected
    ranks = {r.enrolment.pk: r.activity_rank for r in d.rows}
    assert ranks[active["bulk"][0].pk] == ranks[active["bulk"][2].pk]


def test_inactive_filter_counts_local_days(active):
    d = dashboard_for(
        user=active["docent"],
        cohort=active["cohort"],
        filters=Filters(inactive_days=2),
        today=datetime.date(2026, 12, 2),
    )
    shown = {r.enrolment.pk for r in d.rows}
    bulk = active["bulk"]
    # 1 Dec local is one day ago: not inactive for 2 days; 30 Nov local is.
    assert bulk[0].pk not in shown and bulk[2].pk not in shown
    assert {bulk[1].pk, bulk[3].pk, bulk[4].pk, bulk[5].pk} <= shown


def test_export_shows_the_local_date(client, active):
    client.force_login(active["docent"])
    url = reverse("dashboards:cohort_export_csv", args=[active["cohort"].pk])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig")), delimiter=";"))
    by_username = {r[1]: r[-1] for r in rows[1:]}
    first = active["bulk"][0].student.username
    assert by_username[first] == date_format(datetime.date(2026, 12, 1))
