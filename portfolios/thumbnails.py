"""Small previews of image evidence.

The student's bytes never reach another browser as an image: Pillow decodes them and writes
a fresh, small JPEG, which drops anything the original carried besides pixels.
"""

import io
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import EvidenceFile

THUMBNAIL_TYPES = {"image/jpeg", "image/png", "image/webp"}
THUMBNAIL_SIZE = (320, 320)
# A phone photo is ~50 MP at most; a decompression bomb is refused rather than decoded.
MAX_PIXELS = 80_000_000


def can_have_thumbnail(evidence_file: EvidenceFile) -> bool:
    return evidence_file.content_type in THUMBNAIL_TYPES


def flat_jpeg(image: Image.Image, *, quality: int) -> tuple[bytes, int, int]:
    """A fresh JPEG of the pixels only, transparency on white: (bytes, width, height)."""
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue(), image.width, image.height


def scaled_jpeg(data, size: tuple[int, int], *, quality: int) -> tuple[bytes, int, int] | None:
    """The photo turned upright and scaled to fit `size`; None for what Pillow cannot read
    or a decompression bomb. Shared by the thumbnail and the viewer's larger rendition."""
    try:
        with Image.open(data) as image:
            if image.width * image.height > MAX_PIXELS:
                return None
            # JPEG can decode at 1/2, 1/4 or 1/8 scale: much faster for a phone photo.
            image.draft("RGB", size)
            image = ImageOps.exif_transpose(image)
            image.thumbnail(size)
            return flat_jpeg(image, quality=quality)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def render_thumbnail(data) -> bytes | None:
    scaled = scaled_jpeg(data, THUMBNAIL_SIZE, quality=80)
    return scaled[0] if scaled else None


def thumbnail_make(*, file_id: int) -> EvidenceFile | None:
    """Make the thumbnail once; a second run (or a racing request) keeps the first one."""
    evidence_file = EvidenceFile.objects.filter(pk=file_id).first()
    if evidence_file is None or not can_have_thumbnail(evidence_file):
        return None
    if evidence_file.thumbnail:
        return evidence_file
    try:
        with evidence_file.file.open("rb") as source:
            content = render_thumbnail(source)
    except FileNotFoundError:
        return None  # the original is gone: manage.py check_files reports it
    if content is None:
        return None
    storage = evidence_file.thumbnail.storage
    name = storage.save(f"evidence/thumb-{secrets.token_hex(16)}.jpg", ContentFile(content))
    with transaction.atomic():
        claimed = EvidenceFile.objects.filter(pk=file_id, thumbnail="").update(thumbnail=name)
    if not claimed:
        storage.delete(name)
    evidence_file.refresh_from_db(fields=["thumbnail"])
    return evidence_file
