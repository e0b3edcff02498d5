"""Student imports run by a worker (organisation.import_jobs): the page checks the file at
once, a worker imports it, its page shows how far it is and what came of it; a broken-off or
stalled import is visible and can be started again, and nothing is ever half imported."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from organisation import import_jobs, student_import
from organisation.models import Cohort, Enrolment, ImportJob, User

pytestmark = pytest.mark.django_db

HEADER = "gebruikersnaam;voornaam;achternaam;email;crebo;klas;startjaar;startdatum\n"


def csv(n: int, klas="ZW-2A", crebo="90011") -> bytes:
    rows = "".join(
        f"s{i:04d};Sanne;de Vries {i};;{crebo};{klas};2026;2026-09-01\n" for i in range(n)
    )
    return (HEADER + rows).encode()


def start(users, data: bytes, run=True) -> ImportJob:
    job = import_jobs.job_start(
        kind=ImportJob.Kind.STUDENTS,
        user=users["beheerder"],
        data=data,
        name="studenten.csv",
        school_name="Testcollege",
    )
    if run:
        import_jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def status_page(client, job) -> str:
    response = client.get(reverse("organisation:import_job_status", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_progress_is_reported_every_fifty_rows(tree):
    seen = []
    student_import.students_import(
        data=csv(120), school_name="Testcollege", progress=lambda *step: seen.append(step)
    )
    assert seen == [(50, "write"), (100, "write")]


def test_bpv_progress_first_checks_then_writes(world):
    from organisation.bpv_import import bpv_periodes_import

    seen = []
    rows = "".join("student2;90011;praktijkopleider;2026-10-01;\n" for _ in range(60))
    data = ("gebruikersnaam;crebo;praktijkopleider;begindatum;einddatum\n" + rows).encode()
    bpv_periodes_import(data=data, progress=lambda *step: seen.append(step))
    assert seen == [(50, "check"), (50, "write")]


def test_a_running_import_shows_how_far_it_is(client, users, tree):
    job = start(users, csv(120), run=False)
    assert job.status == ImportJob.Status.QUEUED and job.rows == 120
    client.force_login(users["beheerder"])
    assert "De import wacht op een worker" in status_page(client, job)
    import_jobs._claim(job.pk)
    import_jobs._progress(job.pk, 50, student_import.WRITING)
    html = status_page(client, job)
    assert "50 van 120 regels verwerkt" in html
    assert 'max="120" value="50"' in html
    # It asks again every few seconds, until the job is done.
    assert 'hx-trigger="every 2s"' in html
    import_jobs.job_run(job_id=job.pk)  # already claimed: a second delivery does nothing
    assert not User.objects.filter(username="s0000").exists()


def test_a_done_import_says_what_it_made_and_drops_the_file(client, users, tree):
    job = start(users, csv(3))
    assert job.status == ImportJob.Status.DONE
    assert job.result == {"rows": 3, "users_created": 3, "cohorts_created": 1,
                          "enrolments_created": 3}  # fmt: skip
    assert not job.file  # personal data, no longer needed
    # The audit log names who uploaded it, though a worker did the import.
    created = LogEntry.objects.get_for_model(User).filter(
        object_repr="s0000", action=LogEntry.Action.CREATE
    )
    assert created.get().actor == users["beheerder"]
    assert Enrolment.objects.filter(student__username__startswith="s0").count() == 3
    client.force_login(users["beheerder"])
    html = status_page(client, job)
    assert "3 regels verwerkt: 3 nieuwe studenten, 1 nieuwe klassen" in html
    assert "hx-trigger" not in html and "Opnieuw proberen" not in html
    # The import page lists it.
    page = client.get(reverse("organisation:import_students")).content.decode()
    assert reverse("organisation:import_job", args=[job.pk]) in page


def test_problems_only_the_database_knows_import_nothing(client, users, tree, world):
    # ZW-2A exists already, on the other kwalificatie: found by the worker, not the page.
    Cohort.objects.create(
        school=world["cohort"].school, name="ZW-2A", start_year=2026, qualification=tree["p2"]
    )
    job = start(users, csv(3))
    assert job.status == ImportJob.Status.REFUSED
    assert job.problems[0][0] == 2 and "andere kwalificatie" in job.problems[0][1]
    assert not User.objects.filter(username__startswith="s0").exists()
    assert not job.file
    client.force_login(users["beheerder"])
    html = status_page(client, job)
    assert "Er is niets geïmporteerd" in html and "Regel 2" in html
    assert "Opnieuw proberen" not in html  # the same file would fail the same way


def test_a_broken_off_import_can_be_tried_again(
    client, users, tree, monkeypatch, django_capture_on_commit_callbacks
):
    real = student_import._import_row

    def database_gone(row, **kwargs):
        if row.line == 3:  # after the first row was written, in the import's transaction
            raise OperationalError("server closed the connection unexpectedly")
        return real(row, **kwargs)

    monkeypatch.setattr(student_import, "_import_row", database_gone)
    job = start(users, csv(3))
    assert job.status == ImportJob.Status.FAILED and job.file and job.attempts == 1
    assert not User.objects.filter(username__startswith="s0").exists()
    client.force_login(users["beheerder"])
    html = status_page(client, job)
    assert "De import is afgebroken. Er is niets geïmporteerd." in html
    assert "Opnieuw proberen" in html

    monkeypatch.setattr(student_import, "_import_row", real)
    retry = reverse("organisation:import_job_retry", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.attempts == 2
    assert User.objects.filter(username__startswith="s0").count() == 3
    # Done: nothing to try again, and nothing changes.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry, follow=True)
    assert "Deze import loopt nog of is al afgerond." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.attempts == 2


def test_a_stalled_import_can_be_started_again(
    client, users, tree, django_capture_on_commit_callbacks
):
    job = start(users, csv(3), run=False)
    import_jobs._claim(job.pk)
    client.force_login(users["beheerder"])
    retry = reverse("organisation:import_job_retry", args=[job.pk])
    # Moving: no second start.
    import_jobs._progress(job.pk, 1, student_import.WRITING)
    assert "Opnieuw proberen" not in status_page(client, job)
    client.post(retry)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and job.attempts == 1
    # Its worker died: no step for longer than STALLED.
    cache.delete(import_jobs.PROGRESS_KEY.format(job.pk))
    long_ago = timezone.now() - datetime.timedelta(seconds=import_jobs.STALLED + 1)
    ImportJob.objects.filter(pk=job.pk).update(started_at=long_ago)
    html = status_page(client, job)
    # Still asked for again: should the worker come back after all, the page shows it.
    assert "De import is afgebroken" in html and 'hx-trigger="every 2s"' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.attempts == 2


def test_a_job_no_worker_took_can_be_started_again(client, users, tree):
    """The broker was away when it was queued (the request still succeeded)."""
    job = start(users, csv(3), run=False)
    long_ago = timezone.now() - datetime.timedelta(seconds=import_jobs.STALLED + 1)
    ImportJob.objects.filter(pk=job.pk).update(queued_at=long_ago)
    client.force_login(users["beheerder"])
    html = status_page(client, job)
    assert "Er heeft nog geen worker aan deze import kunnen beginnen" in html
    assert "Opnieuw proberen" in html


def test_a_week_on_the_file_of_an_import_not_tried_again_is_deleted(
    client, users, tree, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(student_import, "_import_row", lambda row, **kw: 1 / 0)
    failed = start(users, csv(3))  # broke off
    stalled = start(users, csv(3), run=False)
    import_jobs._claim(stalled.pk)  # its worker died
    young = start(users, csv(3))  # broke off yesterday
    done = start(users, csv(3), run=False)
    now = timezone.now()
    for job, days in [(failed, 8), (stalled, 8), (young, 6), (done, 30)]:
        ImportJob.objects.filter(pk=job.pk).update(queued_at=now - datetime.timedelta(days=days))
    ImportJob.objects.filter(pk=done.pk).update(status=ImportJob.Status.DONE, file="")
    storage = failed.file.storage
    names = {job.pk: job.file.name for job in (failed, stalled, young)}
    assert all(storage.exists(name) for name in names.values())

    from organisation import tasks

    assert tasks.prune_import_files() == 2
    assert tasks.prune_import_files() == 0
    for job in (failed, stalled, young, done):
        job.refresh_from_db()
    assert not storage.exists(names[failed.pk]) and not failed.file
    assert not storage.exists(names[stalled.pk]) and not stalled.file
    assert stalled.status == ImportJob.Status.FAILED and stalled.finished_at is not None
    assert storage.exists(names[young.pk]) and young.status == ImportJob.Status.FAILED
    # The page says why there is no "Opnieuw proberen", and a retry changes nothing.
    client.force_login(users["beheerder"])
    html = status_page(client, failed)
    assert "Opnieuw proberen" not in html and "hx-trigger" not in html
    assert "Het bestand is na 7 dagen verwijderd" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation:import_job_retry", args=[failed.pk]), follow=True
        )
    assert "Het bestand van deze import is er niet meer" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == ImportJob.Status.FAILED and failed.attempts == 1
    assert "Opnieuw proberen" in status_page(client, young)


ROLES = ["student", "praktijkopleider", "docent", "assessor", "outsider"]


@pytest.mark.parametrize("role", ROLES)
def test_only_beheerders_see_an_import(client, users, tree, role):
    job = start(users, csv(3), run=False)
    client.force_login(users[role])
    for name in ("import_job", "import_job_status"):
        assert client.get(reverse(f"organisation:{name}", args=[job.pk])).status_code == 404
    retry = reverse("organisation:import_job_retry", args=[job.pk])
    assert client.post(retry).status_code == 404
    assert client.get(reverse("organisation:import_students")).status_code == 404


def test_a_beheerder_opens_any_import_and_unknown_ones_are_404(client, users, tree, make_user):
    job = start(users, csv(3), run=False)
    other = make_user("bea2", User.Role.BEHEERDER)
    client.force_login(other)
    for name in ("import_job", "import_job_status"):
        assert client.get(reverse(f"organisation:{name}", args=[job.pk])).status_code == 200
        assert client.get(reverse(f"organisation:{name}", args=[job.pk + 1])).status_code == 404
    assert client.get(reverse("organisation:import_job_retry", args=[job.pk])).status_code == 405


def test_anonymous_is_sent_to_login(client, users, tree):
    job = start(users, csv(3), run=False)
    response = client.get(reverse("organisation:import_job", args=[job.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
