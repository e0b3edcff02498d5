"""The file viewer: a page per file, its preview images and a video stream, all behind the
same access check as the download (permissions.get_evidence_file_for_user: outsiders 404).

Nothing of the student's bytes is rendered by another browser except a video, which is
served with the sniffed content type, nosniff and `inline`, from this origin (CSP 'self')."""

import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from config import storage
from config.tasks import enqueue

from . import tasks, viewing
from .permissions import get_evidence_file_for_user
from .previews import VIDEO_TYPES, needs_preview

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# While the worker prepares a file, the page asks again this often, this many times (about
# two minutes); after that the "Opnieuw laden" link is left, which also re-queues the task.
POLL_SECONDS = 3
MAX_POLLS = 40


def _rendition_context(view: viewing.FileView, evidence_file, poll: int | None) -> dict:
    return {
        "view": view,
        "f": evidence_file,
        "evidence": evidence_file.evidence,
        "poll": poll,
        "poll_seconds": POLL_SECONDS,
    }


@require_GET
@login_required
def file_view(request, pk: int):
    evidence_file = get_evidence_file_for_user(request.user, pk)
    view = viewing.file_view_for(user=request.user, evidence_file=evidence_file)
    if view.preparing:
        # The upload's task may have been lost (a broker outage); asking again is harmless:
        # the task makes the preview once. Without a broker it ran just now, in-process.
        enqueue(tasks.make_preview, evidence_file.pk)
        view = viewing.file_view_for(user=request.user, evidence_file=evidence_file)
    return render(
        request, "portfolios/file_view.html", _rendition_context(view, evidence_file, poll=1)
    )


@require_GET
@login_required
def file_rendition(request, pk: int):
    """The viewer's rendition part alone, which htmx polls while it is being prepared. It
    does not queue the task again: the page did, and its "Opnieuw laden" link does."""
    evidence_file = get_evidence_file_for_user(request.user, pk)
    view = viewing.file_view_for(user=request.user, evidence_file=evidence_file)
    attempt = request.GET.get("poging", "")
    attempt = int(attempt) if attempt.isascii() and attempt.isdigit() else MAX_POLLS
    poll = attempt + 1 if attempt < MAX_POLLS else None
    return render(
        request, "portfolios/_file_rendition.html", _rendition_context(view, evidence_file, poll)
    )


@require_GET
@login_required
def file_page(request, pk: int, number: int):
    """One image of the preview (a photo, or a PDF page), re-encoded by the worker."""
    evidence_file = get_evidence_file_for_user(request.user, pk)
    if not needs_preview(evidence_file):
        raise Http404
    page = viewing.preview_page_for(evidence_file=evidence_file, number=number)
    if page is None:
        raise Http404
    try:
        stream = storage.open_for_download(page.image.name, page.image.storage)
    except FileNotFoundError:
        return storage.missing_file_response(request, page.image.name)
    response = FileResponse(stream, content_type="image/jpeg")
    response["Content-Length"] = str(stream.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(start, end) of one `bytes=` range within `size`; None when it cannot be served."""
    match = RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        return None
    return start, end


@require_GET
@login_required
def file_play(request, pk: int):
    """A video for the <video> element: inline, its sniffed type, nosniff, and Range, which
    browsers use to seek and to read the index at the end of a phone's MP4."""
    evidence_file = get_evidence_file_for_user(request.user, pk)
    if evidence_file.content_type not in VIDEO_TYPES:
        raise Http404
    name, file_storage = evidence_file.file.name, evidence_file.file.storage
    header = request.headers.get("Range", "")
    if not file_storage.exists(name):
        return storage.missing_file_response(request, name)
    try:
        size = file_storage.size(name)
        if header:
            byte_range = _byte_range(header, size)
            if byte_range is None:
                response = HttpResponse(status=416)
                response["Content-Range"] = f"bytes */{size}"
                return response
            start, end = byte_range
            stream = storage.open_range(name, start, end, file_storage)
            response = FileResponse(stream, status=206, content_type=evidence_file.content_type)
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
        else:
            stream = storage.open_for_download(name, file_storage)
            response = FileResponse(stream, content_type=evidence_file.content_type)
    except FileNotFoundError:
        return storage.missing_file_response(request, name)
    response["Content-Length"] = str(stream.size)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
