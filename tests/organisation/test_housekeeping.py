"""What a school's database would otherwise keep for ever: expired sessions and a row per
sign-in (issue 14, schools of 10 000 students signing in every day)."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from organisation import tasks
from organisation.models import AuditEntry

pytestmark = pytest.mark.django_db


def _sign_in(client, username):
    response = client.post(
        reverse("login"), {"username": username, "password": "geheim-wachtwoord-1"}
    )
    assert response.status_code == 302
    return response


def test_a_sign_in_is_in_the_audit_log_and_leaves_no_row_of_its_own_in_axes(client, users):
    _sign_in(client, "student")
    assert AuditEntry.objects.filter(kind="login", actor=users["student"]).count() == 1
    assert AccessLog.objects.count() == 0
    # axes still counts failures, which is what the lockout needs.
    client.logout()
    client.post(reverse("login"), {"username": "student", "password": "fout"})
    assert AccessAttempt.objects.filter(username="student").count() == 1


def test_the_daily_task_deletes_expired_sessions_and_keeps_live_ones(client, users):
    _sign_in(client, "student")
    live = Session.objects.get()
    now = timezone.now()
    for n in range(3):
        Session.objects.create(
            session_key=f"verlopen{n:024d}",
            session_data="",
            expire_date=now - datetime.timedelta(minutes=1 + n),
        )
    assert tasks.prune_sign_ins() == (3, 0)
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    # The student is still signed in: sent on to their portfolio, not to the login.
    response = client.get(reverse("portfolios:list"))
    assert response.status_code == 302 and response.url.startswith("/portfolio/")
    assert tasks.prune_sign_ins() == (0, 0)


def test_the_daily_task_deletes_axes_rows_older_than_the_audit_retention(db, settings):
    settings.BEKWAAM_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    old = AccessLog.objects.create(username="student", ip_address="192.0.2.1", user_agent="x")
    young = AccessLog.objects.create(username="student", ip_address="192.0.2.1", user_agent="x")
    # attempt_time is set on create (auto_now_add); age the one row.
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=now - datetime.timedelta(days=31))
    AccessLog.objects.filter(pk=young.pk).update(attempt_time=now - datetime.timedelta(days=29))
    assert tasks.prune_sign_ins() == (0, 1)
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [young.pk]


def test_beat_runs_the_housekeeping_daily(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["organisation-prune-sign-ins"]["task"] == "organisation.tasks.prune_sign_ins"
    assert (
        schedule["organisation-prune-import-files"]["task"]
        == "organisation.tasks.prune_import_files"
    )
    assert (
        schedule["notifications-prune-sent-mail"]["task"] == "notifications.tasks.prune_sent_mail"
    )
