"""The conversation on a bewijsstuk: between the student, their praktijkopleider(s) with BPV
access and the mentor(s) of the klas; posting tells the others in the app and by mail (the
outbox); an edit keeps the old text; the thread runs the same queries for 5 or 50 reacties."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from notifications.models import Notification, OutgoingMail
from organisation.models import AssessorAssignment
from portfolios import comments
from portfolios.models import Comment, CommentRevision
from tests.portfolio_fixtures import make_evidence
from tests.portfolios.test_portfolio_queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(world):
    for name in ("student", "praktijkopleider", "docent"):
        world[name].email = f"{name}@example.org"
        world[name].save()
    world["evidence"] = make_evidence(world, title="Wondzorg", submit=True)
    return world


def post(client, talk, text="Klopt de datum?"):
    return client.post(
        reverse("portfolios:comment_create", args=[talk["evidence"].pk]), {"text": text}
    )


@pytest.mark.parametrize("author", ["student", "praktijkopleider", "docent"])
def test_posting_tells_the_others_in_the_app_and_by_mail(client, talk, author):
    client.force_login(talk[author])
    response = post(client, talk, "Ik heb een vraag over stap 3.")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#reactie-{comment.pk}")
    others = {"student", "praktijkopleider", "docent"} - {author}
    told = set(
        Notification.objects.filter(dedup_key__startswith="comment:").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == others
    mails = OutgoingMail.objects.filter(dedup_key__startswith="comment:")
    assert {m.to for m in mails} == {f"{name}@example.org" for name in others}
    assert all("Ik heb een vraag over stap 3." in m.body for m in mails)
    assert all("&" not in m.subject for m in mails)
    # Everyone in the conversation reads it on the evidence page.
    for name in ("student", "praktijkopleider", "docent"):
        client.force_login(talk[name])
        page = client.get(reverse("portfolios:evidence", args=[talk["evidence"].pk]))
        assert "Ik heb een vraag over stap 3." in page.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("outsider", 404),
        ("student2", 404),
        ("other_po", 404),
        ("early_po", 404),
        ("other_docent", 404),
        ("assessor", 404),
        ("beheerder", 404),
    ],
)
def test_outsiders_cannot_read_or_post(client, talk, role, status):
    client.force_login(talk[role])
    assert post(client, talk).status_code == status
    assert not Comment.objects.exists()
    assert not Notification.objects.filter(dedup_key__startswith="comment:").exists()


def test_get_on_post_only_is_405(client, talk):
    client.force_login(talk["student"])
    url = reverse("portfolios:comment_create", args=[talk["evidence"].pk])
    assert client.get(url).status_code == 405


def test_bad_input_and_drafts_write_nothing(client, talk):
    client.force_login(talk["student"])
    response = post(client, talk, "   ")
    assert response.status_code == 400
    assert "Dit veld is verplicht" in response.content.decode() or "Schrijf" in (
        response.content.decode()
    )
    assert post(client, talk, "x" * 5001).status_code == 400
    draft = make_evidence(talk, title="Nog een concept")
    response = client.post(reverse("portfolios:comment_create", args=[draft.pk]), {"text": "Hallo"})
    assert response.status_code == 400
    assert "Dien het bewijsstuk eerst in" in response.content.decode()
    assert not Comment.objects.exists()
    assert not Notification.objects.filter(dedup_key__startswith="comment:").exists()


def test_an_edit_keeps_the_old_text_and_tells_nobody(client, talk):
    client.force_login(talk["praktijkopleider"])
    post(client, talk, "Goed gedaan, maar de datum klopt niet.")
    comment = Comment.objects.get()
    notified = Notification.objects.count()
    url = reverse("portfolios:comment_edit", args=[comment.pk])
    assert "de datum klopt niet" in client.get(url).content.decode()
    response = client.post(url, {"text": "Goed gedaan."})
    assert response.status_code == 302
    assert list(comment.revisions.order_by("number").values_list("text", flat=True)) == [
        "Goed gedaan, maar de datum klopt niet.",
        "Goed gedaan.",
    ]
    assert Notification.objects.count() == notified
    client.force_login(talk["student"])
    html = client.get(reverse("portfolios:evidence", args=[talk["evidence"].pk])).content.decode()
    assert "Bewerkt op" in html and "de datum klopt niet" in html
    assert url not in html  # the student may not edit someone else's reactie


def test_edit_per_role_and_refusals_write_nothing(client, talk):
    comment = comments.comment_create(
        author=talk["student"], evidence=talk["evidence"], text="Mijn vraag"
    )
    url = reverse("portfolios:comment_edit", args=[comment.pk])
    for role, status in [("praktijkopleider", 403), ("docent", 403), ("outsider", 404)]:
        client.force_login(talk[role])
        assert client.get(url).status_code == status
        assert client.post(url, {"text": "Overgeschreven"}).status_code == status
    client.force_login(talk["student"])
    assert client.post(url, {"text": "Mijn vraag"}).status_code == 400  # nothing changed
    assert client.post(url, {"text": ""}).status_code == 400
    assert CommentRevision.objects.count() == 1
    assert client.delete(url).status_code == 405


def test_thread_query_count_is_flat(client, talk):
    url = reverse("portfolios:evidence", args=[talk["evidence"].pk])

    def add(n):
        for i in range(n):
            author = talk["student"] if i % 2 else talk["praktijkopleider"]
            comment = comments.comment_create(
                author=author, evidence=talk["evidence"], text=f"Reactie {i}"
            )
            if i % 3 == 0:
                comments.comment_edit(author=author, comment=comment, text=f"Reactie {i}!")

    client.force_login(talk["docent"])
    add(5)
    small = count_queries(client, url)
    add(45)
    assert count_queries(client, url) == small
    assert client.get(url).content.decode().count('class="comment-text mb-1"') == 50


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_the_database_refuses_to_change_a_reactie(talk):
    comment = comments.comment_create(
        author=talk["student"], evidence=talk["evidence"], text="Eerste tekst"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        CommentRevision.objects.filter(comment=comment).update(text="Stiekem anders")
    with pytest.raises(DatabaseError), transaction.atomic():
        CommentRevision.objects.filter(comment=comment).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(author_name="Iemand anders")
    assert CommentRevision.objects.get().text == "Eerste tekst"


def test_an_assigned_assessor_reads_the_evidence_not_the_conversation(client, talk):
    AssessorAssignment.objects.create(assessor=talk["assessor"], cohort=talk["cohort"])
    comments.comment_create(author=talk["student"], evidence=talk["evidence"], text="Onder ons")
    client.force_login(talk["assessor"])
    page = client.get(reverse("portfolios:evidence", args=[talk["evidence"].pk]))
    assert page.status_code == 200
    assert "Onder ons" not in page.content.decode() and 'id="reacties"' not in (
        page.content.decode()
    )
    assert post(client, talk).status_code == 403
    comment = Comment.objects.get()
    assert client.get(reverse("portfolios:comment_edit", args=[comment.pk])).status_code == 404
    assert Comment.objects.count() == 1
