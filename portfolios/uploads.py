"""Evidence uploads: decide what a file is from its bytes, never from its name or the
browser's claim, and prepare it for private storage.

A small magic-byte table is enough for the allowlist we accept, and keeps us off a C
library (libmagic) that would have to be installed on every machine.
"""

import io
import re
import secrets
import struct
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_DESCRIPTION = "PDF, Word, Excel, PowerPoint, OpenDocument, JPEG, PNG, HEIC, WebP, MP4, MOV"


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind("pdf", "application/pdf")
JPEG = FileKind("jpg", "image/jpeg")
PNG = FileKind("png", "image/png")
WEBP = FileKind("webp", "image/webp")
HEIC = FileKind("heic", "image/heic")
MP4 = FileKind("mp4", "video/mp4")
MOV = FileKind("mov", "video/quicktime")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = FileKind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text")
ODS = FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet")
ODP = FileKind("odp", "application/vnd.oasis.opendocument.presentation")

# ISO base media files (MP4, MOV, HEIC) say what they are in the brand of their ftyp box.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
MOV_BRANDS = {b"qt  "}
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
    b"M4V ", b"mmp4", b"dash",
}  # fmt: skip

# The main part of an OOXML package names the document type. Macro-enabled variants
# (docm, xlsm, pptm) have other content types and are refused on purpose.
OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
ODF_TYPES = {kind.content_type: kind for kind in (ODT, ODS, ODP)}
# Inner files we read from a zip are tiny; anything bigger is not a real Office document.
ZIP_MEMBER_MAX_BYTES = 1024 * 1024


def _sniff_zip(data: io.BytesIO) -> FileKind | None:
    try:
        with zipfile.ZipFile(data) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    return ODF_TYPES.get(archive.read(info).decode("ascii", "replace").strip())
                return None
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > ZIP_MEMBER_MAX_BYTES:
                    return None
                root = ElementTree.fromstring(archive.read(info))
                for element in root:
                    kind = OOXML_MAIN_TYPES.get(element.get("ContentType", ""))
                    if kind:
                        return kind
    except (zipfile.BadZipFile, ElementTree.ParseError, ValueError, KeyError):
        return None
    except Exception:  # noqa: BLE001 - defusedxml refusals and odd archives all mean "no"
        return None
    return None


def sniff(head: bytes, stream=None) -> FileKind | None:
    """The allowed kind of a file from its first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in HEIC_BRANDS:
            return HEIC
        if brand in MOV_BRANDS:
            return MOV
        if brand in MP4_BRANDS:
            return MP4
        return None
    if head.startswith(b"PK\x03\x04") and stream is not None:
        return _sniff_zip(stream)
    return None


def _describe_refused(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text or (text.startswith(b"<?xml") and b"svg" in text):
        return _("SVG-afbeeldingen zijn niet toegestaan.")
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")) or (
        text.startswith(b"<") and b"<html" in text
    ):
        return _("HTML-bestanden zijn niet toegestaan.")
    return _("Dit bestandstype is niet toegestaan.")


@dataclass
class CheckedUpload:
    kind: FileKind
    original_name: str
    size: int
    file: File


def check_upload(upload) -> CheckedUpload:
    """Validate one uploaded file; raise ValidationError with a message the student can act on."""
    name = (getattr(upload, "name", "") or "bestand").replace("\\", "/").rsplit("/", 1)[-1]
    # Shown in pages and sent back in Content-Disposition: no control characters.
    name = "".join(ch for ch in name if ch.isprintable())[:200] or "bestand"
    limit = settings.BEKWAAM_UPLOAD_MAX_BYTES
    # Django counts the bytes it received, so this size is not the client's claim.
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is te groot (%(size)s); het maximum is %(limit)s per bestand.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    kind = sniff(head, upload)
    upload.seek(0)
    if kind is None:
        raise ValidationError(
            _("%(name)s is geweigerd: %(why)s Toegestaan zijn: %(allowed)s.")
            % {"name": name, "why": _describe_refused(head), "allowed": ALLOWED_DESCRIPTION},
            code="type_not_allowed",
        )
    if kind in (JPEG, HEIC):
        content = upload.read()
        content = strip_jpeg_location(content) if kind is JPEG else blank_exif_gps(content)
        return CheckedUpload(
            kind=kind, original_name=name, size=len(content), file=ContentFile(content)
        )
    if kind in (MP4, MOV):
        blank_video_location(upload)
        upload.seek(0)
    return CheckedUpload(kind=kind, original_name=name, size=upload.size, file=File(upload))


GPS_IFD_TAG = 0x8825


def strip_jpeg_location(content: bytes) -> bytes:
    """Re-save a photo without its GPS block: a phone photo otherwise tells where the student
    lives or works to everyone who can download it."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(content)) as image:
            exif = image.getexif()
            if GPS_IFD_TAG not in exif and not image.info.get("xmp"):
                return content
            # Turn the pixels upright so dropping metadata does not turn the photo sideways.
            upright = ImageOps.exif_transpose(image)
            exif = upright.getexif()
            exif.pop(GPS_IFD_TAG, None)
            out = io.BytesIO()
            upright.save(out, format="JPEG", quality=92, exif=exif.tobytes())
            return out.getvalue()
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError(
            _("Deze foto kon niet worden gelezen."), code="unreadable_image"
        ) from exc


# Bytes per value of each TIFF field type (EXIF is a TIFF structure).
TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}


def blank_exif_gps(content: bytes) -> bytes:
    """Zero the GPS block of every EXIF blob in the file, without moving a byte.

    Pillow cannot rewrite HEIC (iPhone photos) without an extra C library. HEIC has no
    checksums and addresses its parts by offset, so overwriting the GPS values in place
    leaves a valid photo that no longer says where it was taken.
    """
    data = bytearray(content)
    start = 0
    while (found := data.find(b"Exif\x00\x00", start)) >= 0:
        tiff = found + 6
        start = tiff
        order = bytes(data[tiff : tiff + 2])
        endian = {b"II": "<", b"MM": ">"}.get(order)
        if endian is None:
            continue
        try:
            ifd0 = tiff + struct.unpack_from(endian + "I", data, tiff + 4)[0]
            (count,) = struct.unpack_from(endian + "H", data, ifd0)
            for n in range(count):
                entry = ifd0 + 2 + 12 * n
                (tag,) = struct.unpack_from(endian + "H", data, entry)
                if tag == GPS_IFD_TAG:
                    gps = tiff + struct.unpack_from(endian + "I", data, entry + 8)[0]
                    _blank_ifd(data, tiff, gps, endian)
        except struct.error:
            continue  # a truncated or odd blob: nothing we can safely overwrite
    return bytes(data)


def _blank_ifd(data: bytearray, tiff: int, ifd: int, endian: str) -> None:
    (count,) = struct.unpack_from(endian + "H", data, ifd)
    end = ifd + 2 + 12 * count
    if end > len(data):
        return
    for n in range(count):
        entry = ifd + 2 + 12 * n
        field_type, number = struct.unpack_from(endian + "HI", data, entry + 2)
        size = TIFF_TYPE_SIZES.get(field_type, 1) * number
        if size > 4:  # the value lives elsewhere; the entry holds its offset
            offset = tiff + struct.unpack_from(endian + "I", data, entry + 8)[0]
            if offset + size <= len(data):
                data[offset : offset + size] = bytes(size)
    # An empty directory: readers find no GPS tags at all.
    data[ifd:end] = bytes(end - ifd)


# ISO 6709 as phones write it into videos: "+52.3702+004.8952+001.234/".
ISO6709 = re.compile(rb"[+-]\d{2}\.\d{2,}[+-]\d{3}\.\d{2,}(?:[+-]\d+(?:\.\d+)?)?/?")
MOOV_MAX_BYTES = 32 * 1024 * 1024


def _top_level_boxes(stream):
    """(type, offset, size) of each top-level box of an ISO base media file."""
    stream.seek(0, io.SEEK_END)
    length = stream.tell()
    offset = 0
    while offset + 8 <= length:
        stream.seek(offset)
        header = stream.read(16)
        size, box_type = struct.unpack(">I4s", header[:8])
        if size == 1 and len(header) == 16:
            size = struct.unpack(">Q", header[8:16])[0]
        elif size == 0:
            size = length - offset
        if size < 8:
            return
        yield box_type, offset, size
        offset += size


def blank_video_location(stream) -> None:
    """Overwrite, in place, where a phone video was recorded.

    Phones write the place as an ISO 6709 text in the movie header (QuickTime ©xyz and
    com.apple.quicktime.location.ISO6709). Its digits become zeros, so every offset in the
    file stays valid and no re-encoding is needed.
    """
    for box_type, offset, size in list(_top_level_boxes(stream)):
        if box_type != b"moov" or size > MOOV_MAX_BYTES:
            continue
        stream.seek(offset)
        moov = stream.read(size)
        blanked = ISO6709.sub(lambda m: re.sub(rb"\d", b"0", m.group()), moov)
        if blanked != moov:
            stream.seek(offset)
            stream.write(blanked)


def storage_name(kind: FileKind) -> str:
    """A random name: nothing about the student or the original file leaks into the path."""
    return f"{secrets.token_hex(16)}.{kind.extension}"
