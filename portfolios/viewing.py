"""Reads for the file viewer: what one file shows, and its neighbours in the bewijsstuk, as
this user may see them (permissions.visible_files decides; a draft's files stay private)."""

from dataclasses import dataclass, field

from .models import EvidenceFile, FilePreview, FilePreviewPage
from .permissions import visible_files
from .previews import MAX_PAGES, kind_of, needs_preview


@dataclass
class FileView:
    file: EvidenceFile
    kind: str  # 'photo', 'pdf', 'video' or '' (a download only)
    position: int  # 1-based among the bewijsstuk's files this user sees
    total: int
    previous: EvidenceFile | None
    next: EvidenceFile | None
    preview: FilePreview | None
    pages: list[FilePreviewPage] = field(default_factory=list)

    @property
    def preparing(self) -> bool:
        """The worker has not made the images yet: say so, show no broken image."""
        return needs_preview(self.file) and self.preview is None

    @property
    def failed(self) -> bool:
        return self.preview is not None and self.preview.state == FilePreview.State.FAILED

    @property
    def truncated(self) -> bool:
        return self.preview is not None and self.preview.page_count > MAX_PAGES


def file_view_for(*, user, evidence_file: EvidenceFile) -> FileView:
    siblings = list(
        visible_files(user)
        .filter(evidence_id=evidence_file.evidence_id)
        .order_by("uploaded_at", "id")
        .only("pk", "original_name", "content_type")
    )
    ids = [f.pk for f in siblings]
    index = ids.index(evidence_file.pk)
    preview = FilePreview.objects.filter(evidence_file=evidence_file).first()
    pages = list(preview.pages.all()) if preview else []
    return FileView(
        file=evidence_file,
        kind=kind_of(evidence_file),
        position=index + 1,
        total=len(ids),
        previous=siblings[index - 1] if index > 0 else None,
        next=siblings[index + 1] if index + 1 < len(ids) else None,
        preview=preview,
        pages=pages,
    )


def preview_page_for(*, evidence_file: EvidenceFile, number: int) -> FilePreviewPage | None:
    """A page of a file the caller has already fetched through the access helper."""
    return (
        FilePreviewPage.objects.filter(preview__evidence_file=evidence_file, number=number)
        .only("image")
        .first()
    )
