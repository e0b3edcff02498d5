"""The conversation about one bewijsstuk: the writes (comment_create, comment_edit) and the
one read (thread_for), kept together because they share one rule (permissions.in_conversation).

A reactie is never changed or removed: an edit adds a CommentRevision, and the thread shows the
newest text with the earlier ones under "bewerkt". Posting tells the others in the thread in
the app and by mail (portfolios.notifications, through the outbox); an edit tells nobody.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from organisation.models import User

from . import notifications
from .models import Comment, CommentRevision, Evidence
from .permissions import in_conversation

MAX_LENGTH = 5000


def _clean(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Schrijf eerst je reactie.")})
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            {"text": _("Een reactie is hoogstens %(max)d tekens.") % {"max": MAX_LENGTH}}
        )
    return text


def _require_submitted(evidence: Evidence) -> None:
    # Before the first submission nobody else can read the bewijsstuk: nobody to talk to.
    if not evidence.versions.exists():
        raise ValidationError(_("Dien het bewijsstuk eerst in; daarna kun je erover praten."))


@transaction.atomic
def comment_create(*, author: User, evidence: Evidence, text: str) -> Comment:
    if not in_conversation(author, evidence):
        raise PermissionDenied
    text = _clean(text)
    _require_submitted(evidence)
    comment = Comment.objects.create(
        evidence=evidence,
        author=author,
        author_name=author.display_name,
        author_role=author.role,
    )
    CommentRevision.objects.create(comment=comment, number=1, text=text)
    notifications.notify_comment(comment=comment, text=text)
    return comment


@transaction.atomic
def comment_edit(*, author: User, comment: Comment, text: str) -> CommentRevision:
    """A new text for one's own reactie; the old text stays in the record."""
    # Serialises two edits of one reactie, so each gets its own revision number.
    locked = Comment.objects.select_for_update().select_related("evidence").get(pk=comment.pk)
    if locked.author_id != author.pk or not in_conversation(author, locked.evidence):
        raise PermissionDenied
    text = _clean(text)
    latest = locked.revisions.order_by("-number").first()
    if latest.text == text:
        raise ValidationError({"text": _("Je hebt niets veranderd.")})
    return CommentRevision.objects.create(comment=locked, number=latest.number + 1, text=text)


@dataclass
class ThreadComment:
    comment: Comment
    revisions: list[CommentRevision]  # oldest first
    can_edit: bool

    @property
    def text(self) -> str:
        return self.revisions[-1].text

    @property
    def earlier(self) -> list[CommentRevision]:
        return self.revisions[:-1]

    @property
    def edited_at(self):
        return self.revisions[-1].created_at if len(self.revisions) > 1 else None


@dataclass
class Thread:
    comments: list[ThreadComment]
    can_post: bool


def thread_for(*, user: User, evidence: Evidence) -> Thread | None:
    """The thread as this user sees it; None for those outside the conversation (an
    assessor reads the bewijsstuk, not the talk about it). Two queries, however long."""
    if not in_conversation(user, evidence):
        return None
    comments = evidence.comments.order_by("created_at", "id").prefetch_related(
        Prefetch(
            "revisions",
            queryset=CommentRevision.objects.order_by("number"),
            to_attr="revision_list",
        )
    )
    return Thread(
        comments=[
            ThreadComment(
                comment=comment,
                revisions=comment.revision_list,
                can_edit=comment.author_id == user.pk,
            )
            for comment in comments
        ],
        can_post=evidence.versions.exists(),
    )
