"""The audit log (issue 11, item 8) and the admin for beheerders (item 5)."""

import datetime
import importlib

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from organisation import services
from organisation.audit import audit_prune, audit_record
from organisation.models import AuditEntry, Enrolment, Leerbedrijf, User
from portfolios import comments
from tests.portfolio_fixtures import make_evidence

grant_reacties = importlib.import_module("organisation.migrations.0009_beheerders_view_comments")

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
)


def _login(client, username, password="geheim-wachtwoord-1"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_ins_failures_and_lockout_are_recorded(client, users, settings):
    _login(client, "docent")
    assert AuditEntry.objects.filter(kind="login", actor=users["docent"]).count() == 1
    client.logout()
    assert AuditEntry.objects.filter(kind="logout", username="docent").exists()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "student", "fout")
    failed = AuditEntry.objects.filter(kind="login_failed", username="student")
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert failed.first().ip_address == "127.0.0.1"
    assert AuditEntry.objects.filter(kind="lockout", username="student").exists()


def test_refused_object_access_is_recorded(client, world):
    client.force_login(world["other_po"])
    url = reverse("portfolios:portfolio", args=[world["enrolment"].pk])
    assert client.get(url).status_code == 404
    entry = AuditEntry.objects.get(kind="refused")
    assert entry.actor == world["other_po"]
    assert (entry.object_type, entry.object_id, entry.path) == (
        "portfolios:portfolio",
        str(world["enrolment"].pk),
        url,
    )
    # An unknown address is no object access: not recorded.
    client.get("/bestaat-niet/")
    assert AuditEntry.objects.filter(kind="refused").count() == 1


def test_file_downloads_are_recorded(client, world):
    evidence = make_evidence(world, submit=True)
    file = evidence.files.get()
    client.force_login(world["praktijkopleider"])
    response = client.get(reverse("portfolios:file", args=[file.pk]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(kind="download")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        world["praktijkopleider"],
        "portfolios:file",
        str(file.pk),
    )


def test_console_and_admin_changes_keep_old_and_new_values(client, world):
    client.force_login(world["beheerder"])
    bedrijf = world["leerbedrijf"]
    client.post(
        reverse("console:leerbedrijf_edit", args=[bedrijf.pk]),
        {"name": "Zorghuis De Eik", "sbb_number": "100200300"},
    )
    entry = LogEntry.objects.get_for_object(bedrijf).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world["beheerder"]
    assert entry.changes_dict["name"] == ["Zorghuis De Linde", "Zorghuis De Eik"]
    # The same in the admin, which a beheerder may use for this model (Beheerders group).
    response = client.post(
        reverse("admin:organisation_leerbedrijf_change", args=[bedrijf.pk]),
        {"name": "Zorghuis De Beuk", "sbb_number": "100200300"},
    )
    assert response.status_code == 302
    latest = LogEntry.objects.get_for_object(bedrijf).order_by("-timestamp", "-id").first()
    assert latest.changes_dict["name"] == ["Zorghuis De Eik", "Zorghuis De Beuk"]
    page = client.get(reverse("console:audit") + "?log=changes")
    assert "Zorghuis De Eik → Zorghuis De Beuk" in page.content.decode()


def test_audit_log_filters_and_csv_export(client, users):
    audit_record(kind="login", username="docent")
    audit_record(kind="login_failed", username="student")
    client.force_login(users["beheerder"])
    page = client.get(reverse("console:audit"), {"kind": "login_failed"})
    assert [r["who"] for r in page.context["rows"]] == ["student"]
    response = client.get(reverse("console:audit_csv"), {"username": "doc"})
    assert response["Content-Disposition"].startswith("attachment")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("tijdstip,soort,gebruikersnaam")
    assert len(lines) == 2 and ",login,docent," in lines[1]
    # The export itself is a download, and recorded.
    assert AuditEntry.objects.filter(kind="download", object_type="console:audit_csv").exists()
    changes = client.get(reverse("console:audit_csv"), {"log": "changes"})
    assert b"".join(changes.streaming_content).decode().startswith("tijdstip,gebruiker,actie")


def test_retention_deletes_only_old_rows(users, settings):
    settings.BEKWAAM_AUDIT_RETENTION_DAYS = 30
    old = AuditEntry.objects.create(kind="login", at=timezone.now() - datetime.timedelta(days=31))
    young = AuditEntry.objects.create(kind="login", at=timezone.now() - datetime.timedelta(days=29))
    old_log = LogEntry.objects.first()
    LogEntry.objects.filter(pk=old_log.pk).update(
        timestamp=timezone.now() - datetime.timedelta(days=40)
    ) if connection.vendor != "postgresql" else None
    audit_prune()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=young.pk).exists()
    if connection.vendor != "postgresql":
        assert not LogEntry.objects.filter(pk=old_log.pk).exists()


def test_beat_prunes_the_audit_log_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["organisation-prune-audit-log"]
    assert entry["task"] == "organisation.tasks.prune_audit_log"


@on_postgres
@pytest.mark.postgres
def test_postgres_audit_log_is_append_only(users, settings):
    entry = audit_record(kind="login", username="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(username="y")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    log = LogEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=log.pk).update(object_repr="anders")
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=log.pk).delete()
    # Stating a retention period does not let a young row go either.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('bekwaam.audit_retention_days', '0', true)")
        cursor.execute("DELETE FROM organisation_auditentry WHERE id = %s", [entry.pk])
    # Old rows (inserted old: an UPDATE would be refused) go through the retention task.
    old = AuditEntry.objects.create(kind="login", at=timezone.now() - datetime.timedelta(days=800))
    settings.BEKWAAM_AUDIT_RETENTION_DAYS = 730
    audit_prune()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- The admin for beheerders -----------------------------------------------------------------


def test_a_new_beheerder_is_in_the_beheerders_group(db):
    user = services.user_create(username="bea", password="x" * 14, role=User.Role.BEHEERDER)
    assert list(user.groups.values_list("name", flat=True)) == ["Beheerders"]
    assert user.has_perm("organisation.change_bpvperiode")
    assert user.has_perm("assessments.change_assessmentpolicy")
    assert user.has_perm("portfolios.view_signoffevent")
    assert not user.has_perm("portfolios.change_signoffevent")
    assert user.has_perm("portfolios.view_comment")
    assert user.has_perm("portfolios.view_commentrevision")
    assert not user.has_perm("portfolios.change_comment")
    assert not user.has_perm("portfolios.delete_commentrevision")
    assert not user.has_perm("auth.change_group")
    assert not user.has_perm("organisation.delete_user")


def test_demo_beheerder_admin_lists_what_they_manage(
    client, media, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--students", "2")
    assert _login(client, "beheerder", "bekwaam-demo").status_code == 302
    html = client.get(reverse("admin:index")).content.decode()
    assert "U hebt geen rechten" not in html and "You don’t have permission" not in html
    for name in (
        "organisation_bpvperiode",
        "organisation_cohort",
        "organisation_leerbedrijf",
        "organisation_praktijkopleider",
        "organisation_enrolment",
        "assessments_assessmentpolicy",
        "assessments_crucialcriterion",
        "portfolios_signoffevent",
        "portfolios_comment",
        "portfolios_commentrevision",
    ):
        assert f"/beheer/{name.replace('_', '/', 1)}/" in html, name
    assert "/beheer/auth/group/" not in html


def test_exam_records_are_read_only_in_the_admin(client, world):
    from portfolios import services as portfolio_services

    client.force_login(world["beheerder"])
    event = portfolio_services.werkproces_sign_off(
        confirm_without_evidence=True,
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        declaration="Ik verklaar",
    )
    url = reverse("admin:portfolios_signoffevent_change", args=[event.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"declaration": "anders"}).status_code == 403
    url = reverse("admin:organisation_enrolment_change", args=[world["enrolment"].pk])
    page = client.get(url).content.decode()
    assert 'name="student"' not in page


def test_reacties_are_read_only_in_the_admin(client, world):
    """A beheerder may read a reactie and each of its texts, and change or delete none."""
    evidence = make_evidence(world, submit=True)
    comment = comments.comment_create(
        author=world["student"], evidence=evidence, text="Eerste tekst"
    )
    comments.comment_edit(author=world["student"], comment=comment, text="Verbeterde tekst")
    revision = comment.revisions.get(number=1)
    client.force_login(world["beheerder"])
    listing = client.get(reverse("admin:portfolios_comment_changelist"))
    assert listing.status_code == 200
    url = reverse("admin:portfolios_comment_change", args=[comment.pk])
    page = client.get(url).content.decode()
    assert "Eerste tekst" in page and "Verbeterde tekst" in page  # the edit kept the old text
    assert "<textarea" not in page and 'type="submit"' not in page.split('id="content"', 1)[1]
    assert client.post(url, {"author_name": "iemand anders"}).status_code == 403
    delete = reverse("admin:portfolios_comment_delete", args=[comment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:portfolios_comment_add")).status_code == 403
    url = reverse("admin:portfolios_commentrevision_change", args=[revision.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "anders"}).status_code == 403
    assert client.get(reverse("admin:portfolios_commentrevision_changelist")).status_code == 200
    revision.refresh_from_db()
    assert revision.text == "Eerste tekst"
    assert comment.revisions.count() == 2


def test_migration_grants_the_reacties_to_an_existing_group(db):
    """Where 0006 made the group before the reacties existed, 0008 adds them (view only)."""
    group = Group.objects.get(name="Beheerders")
    names = {"view_comment", "view_commentrevision"}
    grant_reacties.revoke(apps, None)
    assert not group.permissions.filter(codename__in=names).exists()
    grant_reacties.grant(apps, None)
    granted = group.permissions.filter(content_type__app_label="portfolios")
    assert names <= set(granted.values_list("codename", flat=True))
    assert not granted.filter(codename__in={"change_comment", "delete_comment"}).exists()


def _move_enrolment(enrolment, to):
    with transaction.atomic():
        Enrolment.objects.filter(pk=enrolment.pk).update(student=to)


def test_an_enrolment_never_moves_to_another_student(world):
    with pytest.raises(IntegrityError):
        _move_enrolment(world["enrolment"], world["student2"])
    assert Enrolment.objects.get(pk=world["enrolment"].pk).student == world["student"]
    # Other changes stay possible.
    Enrolment.objects.filter(pk=world["enrolment"].pk).update(ended_on=datetime.date(2027, 7, 1))


@on_postgres
@pytest.mark.postgres
def test_postgres_trigger_refuses_moving_an_enrolment(world):
    with pytest.raises(IntegrityError) as exc:
        _move_enrolment(world["enrolment"], world["student2"])
    assert "cannot change" in str(exc.value)


def test_group_made_by_migration(db):
    assert Group.objects.filter(name="Beheerders").exists()
    assert Leerbedrijf  # imported for the admin test


def test_a_school_sign_in_is_recorded_as_sso(rf, users):
    from organisation.audit import on_logged_in

    user = users["student"]
    user.backend = "mozilla_django_oidc.auth.OIDCAuthenticationBackend"
    on_logged_in(sender=None, request=rf.get("/oidc/callback/"), user=user)
    assert AuditEntry.objects.get(kind="sso").actor == user


def test_refused_action_403_is_recorded(client, world):
    # The mentor may read the portfolio but not sign off: a 403, recorded like the 404s.
    client.force_login(world["docent"])
    url = reverse("portfolios:sign_off", args=[world["enrolment"].pk, world["w1"].code])
    assert client.post(url, {"declaration": "on"}).status_code == 403
    entry = AuditEntry.objects.get(kind="refused")
    assert (entry.actor, entry.object_type, entry.path) == (
        world["docent"],
        "portfolios:sign_off",
        url,
    )
