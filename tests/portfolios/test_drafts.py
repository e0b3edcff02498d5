"""A student's drafts: delete one, take a file out of one, and one bewijsstuk per create
form however often (or however simultaneously) it is posted."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from portfolios import drafts, services
from portfolios.models import Evidence, EvidenceFile
from portfolios.working_copy import student_used_bytes
from tests.portfolio_fixtures import checked_pdf, make_evidence, pdf, stored_files

OTHERS = ("praktijkopleider", "docent", "assessor", "beheerder", "outsider", "student2")


@pytest.mark.django_db
def test_student_deletes_own_draft_after_confirming(client, world, media):
    evidence = make_evidence(world, files=[checked_pdf(), checked_pdf("bijlage.pdf")])
    url = reverse("portfolios:evidence_delete", args=[evidence.pk])
    assert len(stored_files(media)) == 2
    for who in OTHERS:
        client.force_login(world[who])
        assert client.get(url).status_code == 404, who
        assert client.post(url).status_code == 404, who
    client.force_login(world["student"])
    detail = client.get(reverse("portfolios:evidence", args=[evidence.pk])).content.decode()
    assert url in detail
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Weet je zeker" in confirm.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()  # GET deletes nothing
    with_commit = client.post(url)
    assert with_commit.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not EvidenceFile.objects.exists()
    assert student_used_bytes(world["student"]) == 0
    client.logout()
    assert client.get(url).status_code == 302  # to the login


@pytest.mark.django_db(transaction=True)
def test_deleting_a_draft_frees_the_stored_files(client, world, media):
    evidence = make_evidence(world)  # committed: the on_commit deletes run
    assert stored_files(media)
    client.force_login(world["student"])
    assert client.post(reverse("portfolios:evidence_delete", args=[evidence.pk])).status_code == 302
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_submitted_bewijsstuk_is_never_deleted(client, world, media):
    evidence = make_evidence(world, submit=True)
    url = reverse("portfolios:evidence_delete", args=[evidence.pk])
    client.force_login(world["student"])
    assert (
        url not in client.get(reverse("portfolios:evidence", args=[evidence.pk])).content.decode()
    )
    assert client.get(url).status_code == 400
    response = client.post(url, follow=True)
    assert "kun je niet meer verwijderen" in response.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert evidence.files.count() == 1


@pytest.mark.django_db
def test_student_removes_a_file_from_a_draft(client, world, media):
    evidence = make_evidence(world, files=[checked_pdf(), checked_pdf("bijlage.pdf")])
    first, second = evidence.files.order_by("id")
    url = reverse("portfolios:file_remove", args=[second.pk])
    for who in OTHERS:
        client.force_login(world[who])
        assert client.post(url).status_code == 404, who
    client.force_login(world["student"])
    assert client.get(url).status_code == 405
    used = student_used_bytes(world["student"])
    response = client.post(url, follow=True)
    assert "bijlage.pdf is uit het bewijsstuk gehaald" in response.content.decode()
    assert list(evidence.files.all()) == [first]
    assert student_used_bytes(world["student"]) == used - second.size
    # The last file of a bewijsstuk without links stays: delete the draft instead.
    last = client.post(reverse("portfolios:file_remove", args=[first.pk]), follow=True)
    assert "verwijder het hele concept" in last.content.decode()
    assert evidence.files.count() == 1


@pytest.mark.django_db
def test_a_submitted_file_only_leaves_the_working_copy(client, world, media):
    evidence = make_evidence(world, files=[checked_pdf(), checked_pdf("bijlage.pdf")], submit=True)
    services.evidence_review(
        reviewer=world["praktijkopleider"], evidence=evidence, accept=False, feedback="Beter."
    )
    second = evidence.files.order_by("id").last()
    client.force_login(world["student"])
    assert client.post(reverse("portfolios:file_remove", args=[second.pk])).status_code == 302
    second.refresh_from_db()
    assert second.removed_at is not None  # the submitted version still shows it


def post_create(client, world, token):
    url = reverse("portfolios:evidence_create", args=[world["enrolment"].pk, "B1-K1-W1"])
    data = {
        "title": "Verslag",
        "date": "2026-10-02",
        "reflection": "Wat ik deed.",
        "links": "",
        "files": [pdf()],
        "form_token": token,
    }
    return client.post(url, data)


@pytest.mark.django_db
def test_a_double_submit_makes_one_bewijsstuk(client, world, media):
    client.force_login(world["student"])
    form = client.get(
        reverse("portfolios:evidence_create", args=[world["enrolment"].pk, "B1-K1-W1"])
    )
    token = form.context["form"]["form_token"].value()
    assert f'name="form_token" value="{token}"' in form.content.decode()
    first = post_create(client, world, token)
    second = post_create(client, world, token)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Evidence.objects.count() == 1 and EvidenceFile.objects.count() == 1
    assert len(stored_files(media)) == 1  # the second upload was never stored
    # A new form has a new token and makes a new bewijsstuk.
    assert post_create(client, world, "").status_code == 302
    assert Evidence.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_make_one_bewijsstuk(world, media, monkeypatch):
    """Two requests at the same moment, each on its own database connection. The check
    for an earlier bewijsstuk is made to miss, so both reach the INSERT: the unique token
    lets one through and the other answers with that one's bewijsstuk."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    real = drafts._by_token
    local = threading.local()

    def miss_first(student, token):
        if not getattr(local, "checked", False):
            local.checked = True
            return None
        return real(student, token)

    monkeypatch.setattr(drafts, "_by_token", miss_first)
    token = "5f0c6a55-7d1e-4a8e-9a55-0c4e5b1d2a3f"
    barrier = threading.Barrier(2)
    responses = []

    def student_clicks():
        client = Client()
        client.force_login(world["student"])
        barrier.wait()
        try:
            responses.append(post_create(client, world, token))
        finally:
            connection.close()

    threads = [threading.Thread(target=student_clicks) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert Evidence.objects.count() == 1
    assert EvidenceFile.objects.count() == 1
    assert len(stored_files(media)) == 1
