"""What the viewer shows: a larger photo, or a PDF's pages as images, made by the worker.

As with thumbnails, the student's bytes never reach another browser as an image or a
document: Pillow (photos) and PDFium (PDFs, the engine Chromium uses) decode them in the
worker and a fresh JPEG is written through Django's storage (a bucket or the disk alike).
So a PDF never runs in anyone's browser, the CSP stays 'self' and no pdf.js is needed.

A file without a FilePreview is still being prepared; the viewer says so and never shows a
broken image. A file that cannot be decoded gets a FAILED preview and stays a download.
"""

import logging
import secrets
from dataclasses import dataclass

import pypdfium2 as pdfium
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from .models import EvidenceFile, FilePreview, FilePreviewPage
from .thumbnails import THUMBNAIL_TYPES, flat_jpeg, scaled_jpeg

log = logging.getLogger(__name__)

PHOTO_TYPES = THUMBNAIL_TYPES
PDF_TYPE = "application/pdf"
VIDEO_TYPES = {"video/mp4", "video/quicktime"}
# Big enough for a desktop screen, small enough for a phone on mobile data.
PHOTO_SIZE = (1600, 1600)
PAGE_WIDTH = 1000
# A 300-page manual is read as a download; the viewer shows the start and says so.
MAX_PAGES = 40


def kind_of(evidence_file: EvidenceFile) -> str:
    """'photo', 'pdf', 'video', or '' for files that stay a download (Office, HEIC...)."""
    if evidence_file.content_type in PHOTO_TYPES:
        return "photo"
    if evidence_file.content_type == PDF_TYPE:
        return "pdf"
    if evidence_file.content_type in VIDEO_TYPES:
        return "video"
    return ""


def needs_preview(evidence_file: EvidenceFile) -> bool:
    return kind_of(evidence_file) in {"photo", "pdf"}


@dataclass
class Rendered:
    images: list[tuple[bytes, int, int]]  # (jpeg, width, height) per page
    page_count: int


def render_photo(data) -> Rendered | None:
    scaled = scaled_jpeg(data, PHOTO_SIZE, quality=85)
    return Rendered(images=[scaled], page_count=1) if scaled else None


def render_pdf(data: bytes) -> Rendered | None:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        count = len(document)
        images = []
        for index in range(min(count, MAX_PAGES)):
            page = document[index]
            try:
                width = page.get_width() or 1
                bitmap = page.render(scale=min(PAGE_WIDTH / width, 3.0))
                images.append(flat_jpeg(bitmap.to_pil(), quality=85))
            finally:
                page.close()
        return Rendered(images=images, page_count=count) if count else None
    except pdfium.PdfiumError:
        return None
    finally:
        document.close()


def _render(evidence_file: EvidenceFile) -> Rendered | None:
    with evidence_file.file.open("rb") as source:
        if kind_of(evidence_file) == "photo":
            return render_photo(source)
        return render_pdf(source.read())


def preview_make(*, file_id: int) -> FilePreview | None:
    """Make the preview once; a second run (or a racing worker) keeps the first one and
    removes what it stored itself."""
    evidence_file = EvidenceFile.objects.filter(pk=file_id).first()
    if evidence_file is None or not needs_preview(evidence_file):
        return None
    existing = FilePreview.objects.filter(evidence_file=evidence_file).first()
    if existing is not None:
        return existing
    try:
        rendered = _render(evidence_file)
    except FileNotFoundError:
        return None  # the original is gone: manage.py check_files reports it
    storage = evidence_file.file.storage
    names: list[str] = []
    pages: list[FilePreviewPage] = []
    for number, (content, width, height) in enumerate(rendered.images if rendered else [], 1):
        name = storage.save(
            f"evidence/view-{secrets.token_hex(16)}-{number}.jpg", ContentFile(content)
        )
        names.append(name)
        pages.append(FilePreviewPage(number=number, image=name, width=width, height=height))
    try:
        with transaction.atomic():
            preview = FilePreview.objects.create(
                evidence_file=evidence_file,
                state=FilePreview.State.READY if rendered else FilePreview.State.FAILED,
                page_count=rendered.page_count if rendered else 0,
            )
            for page in pages:
                page.preview = preview
            FilePreviewPage.objects.bulk_create(pages)
    except IntegrityError:
        # Another worker was first: theirs stays, ours goes.
        for name in names:
            storage.delete(name)
        return FilePreview.objects.filter(evidence_file=evidence_file).first()
    if not rendered:
        log.info("file %s cannot be shown in the viewer; it stays a download", file_id)
    return preview


def stored_names(evidence_files) -> list[tuple]:
    """(storage, name) of every derived image of these files: to delete after the rows."""
    result = []
    for evidence_file in evidence_files:
        if evidence_file.thumbnail:
            result.append((evidence_file.thumbnail.storage, evidence_file.thumbnail.name))
        for page in FilePreviewPage.objects.filter(preview__evidence_file=evidence_file):
            result.append((page.image.storage, page.image.name))
    return result
