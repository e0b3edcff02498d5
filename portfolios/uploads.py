"""Evidence uploads: decide what a file is from its bytes, never from its name or the
browser's claim, scan it for malware, strip where it was made, and prepare it for private
storage.

Each step is a kept tool rather than code of our own, and each fails closed: a file we
cannot sniff, scan or clean is refused with a message and nothing is stored.

- Type: libmagic (python-magic), plus our own look inside zip containers, because libmagic
  cannot tell a macro-enabled Office file from a plain one reliably.
- Malware: ClamAV's clamd over its socket (INSTREAM), when ``BEKWAAM_CLAMD_URL`` is set.
- Metadata: exiftool (JPEG, PNG, HEIC, MP4, MOV; lossless, no re-encoding) and libwebp's
  webpmux for WebP, which the exiftool in Debian 12 cannot write. Both run as child
  processes on files on disk, so a 100 MB video never sits in a worker's memory; afterwards
  exiftool reads the result back and any GPS or location tag left refuses the file.
"""

import io
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import magic
from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import clamav, isobmff

logger = logging.getLogger(__name__)

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

# libmagic's answer -> what we accept. ISO base media files (MP4, MOV, HEIC) are told apart
# by the brand of their ftyp box; libmagic knows the brands (the allowlist is unchanged:
# iPhone HEIC/HEIF stills and sequences, MP4/M4V, QuickTime).
MAGIC_KINDS = {
    "application/pdf": PDF,
    "image/jpeg": JPEG,
    "image/png": PNG,
    "image/webp": WEBP,
    "image/heic": HEIC,
    "image/heic-sequence": HEIC,
    "image/heif": HEIC,
    "image/heif-sequence": HEIC,
    "video/mp4": MP4,
    "video/x-m4v": MP4,
    "video/quicktime": MOV,
}
# Office documents are zip files; what is inside decides (see _sniff_zip), not libmagic.
ZIP_MIME_PREFIXES = (
    "application/zip",
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.oasis.opendocument.",
    "application/vnd.ms-",
)
# Enough for libmagic to see an ftyp brand, a zip's first entries or an SVG root element.
SNIFF_BYTES = 8192

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

IMAGES = (JPEG, PNG, WEBP, HEIC)
VIDEOS = (MP4, MOV)
CLEANED = IMAGES + VIDEOS


def _sniff_zip(stream) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
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
    """The allowed kind of a file from its first bytes (and, for zips, the stream), or None."""
    mime = magic.from_buffer(head, mime=True)
    if mime.startswith(ZIP_MIME_PREFIXES):
        return _sniff_zip(stream) if stream is not None else None
    return MAGIC_KINDS.get(mime)


def _describe_refused(head: bytes) -> str:
    mime = magic.from_buffer(head, mime=True)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    # libmagic names most SVG and HTML; the byte checks catch fragments it calls plain text.
    if mime == "image/svg+xml" or b"<svg" in text:
        return _("SVG-afbeeldingen zijn niet toegestaan.")
    if mime in ("text/html", "application/xhtml+xml") or (
        text.startswith(b"<") and (b"<html" in text or b"<script" in text)
    ):
        return _("HTML-bestanden zijn niet toegestaan.")
    return _("Dit bestandstype is niet toegestaan.")


@dataclass
class CheckedUpload:
    kind: FileKind
    original_name: str
    size: int
    file: File

    def close(self) -> None:
        self.file.close()


def _safe_name(upload) -> str:
    name = (getattr(upload, "name", "") or "bestand").replace("\\", "/").rsplit("/", 1)[-1]
    # Shown in pages and sent back in Content-Disposition: no control characters.
    return "".join(ch for ch in name if ch.isprintable())[:200] or "bestand"


# What a worker killed mid-upload (a gunicorn timeout, OOM) leaves in FILE_UPLOAD_TEMP_DIR:
# Django's spooled "*.upload*" files and our "bekwaam-clean-*" directories. Nothing lives
# there for an hour, so older entries are orphans.
STALE_TEMP_SECONDS = 3600
SWEEP_EVERY_SECONDS = 600
_last_sweep = 0.0


def sweep_stale_temporary_files(*, now: float | None = None) -> int:
    """Remove upload leftovers older than an hour; return how many were removed.

    Runs on the node that wrote them (each web node has its own temporary directory), from
    check_upload at most every ten minutes per process.
    """
    global _last_sweep
    now = time.time() if now is None else now
    _last_sweep = now
    directory = settings.FILE_UPLOAD_TEMP_DIR
    if not directory:
        return 0  # the system's temporary directory is shared: never sweep it
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        if not (entry.name.startswith("bekwaam-clean-") or ".upload" in entry.name):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < STALE_TEMP_SECONDS:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed += 1
        except OSError:
            continue  # gone already, or another process's: the next sweep tries again
    if removed:
        logger.warning("removed %d stale upload file(s) from %s", removed, directory)
    return removed


def check_upload(upload) -> CheckedUpload:
    """Validate, scan and clean one uploaded file.

    Raises ValidationError with a message the student can act on. On success the returned
    file is either the upload itself (documents) or a cleaned copy that has no name on disk
    any more (images and videos), so nothing is left behind whatever happens next.
    """
    if time.time() - _last_sweep > SWEEP_EVERY_SECONDS:
        sweep_stale_temporary_files()
    name = _safe_name(upload)
    limit = settings.BEKWAAM_UPLOAD_MAX_BYTES
    # Django counts the bytes it received, so this size is not the client's claim.
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is te groot (%(size)s); het maximum is %(limit)s per bestand.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = sniff(head, upload)
    upload.seek(0)
    if kind is None:
        raise ValidationError(
            _("%(name)s is geweigerd: %(why)s Toegestaan zijn: %(allowed)s.")
            % {"name": name, "why": _describe_refused(head), "allowed": ALLOWED_DESCRIPTION},
            code="type_not_allowed",
        )
    # Scan before any parser of ours or exiftool's sees the bytes.
    scan_for_malware(upload, name)
    upload.seek(0)
    if kind in CLEANED:
        cleaned = remove_metadata(upload, kind, name)
        size = os.fstat(cleaned.fileno()).st_size
        return CheckedUpload(kind=kind, original_name=name, size=size, file=File(cleaned))
    return CheckedUpload(kind=kind, original_name=name, size=upload.size, file=File(upload))


# --- Malware ----------------------------------------------------------------------------


def scan_for_malware(upload, name: str) -> None:
    """Refuse the upload when clamd finds something, or when it cannot say (fail closed)."""
    url = settings.BEKWAAM_CLAMD_URL
    if not url:
        return  # the embedded default runs without a scanner (settings.py says why)
    upload.seek(0)
    try:
        signature = clamav.clamd_instream(url, upload, timeout=settings.BEKWAAM_CLAMD_TIMEOUT)
    except (OSError, clamav.ClamdError) as exc:
        logger.error("clamd at %s could not scan an upload: %s", url, exc)
        raise ValidationError(
            _(
                "%(name)s kon niet op virussen worden gecontroleerd, omdat de virusscanner nu "
                "niet bereikbaar is. Er is niets opgeslagen; probeer het later opnieuw."
            )
            % {"name": name},
            code="scanner_unavailable",
        ) from exc
    finally:
        upload.seek(0)
    if signature:
        logger.warning("clamd refused an upload: %s", signature)
        raise ValidationError(
            _("%(name)s is geweigerd: de virusscanner vond er schadelijke inhoud in (%(what)s).")
            % {"name": name, "what": signature},
            code="malware",
        )


# --- Metadata: exiftool and webpmux ------------------------------------------------------

EXIFTOOL = "exiftool"
WEBPMUX = "webpmux"
TOOL_TIMEOUT_SECONDS = 120
# Everything goes; the orientation stays so a phone photo is not shown sideways, and the
# colour profile so it keeps its colours. Neither says who, where or with what.
EXIFTOOL_CLEAN = [
    "-q", "-q", "-m", "-all=", "-tagsfromfile", "@", "-EXIF:Orientation", "-ICC_Profile",
]  # fmt: skip
# Any tag left whose name speaks of a place refuses the file (GPS*, LocationInformation,
# QuickTime's com.apple.quicktime.location.*, XMP-iptcExt:LocationShown ...).
LOCATION_TAG = re.compile(r"gps|location", re.IGNORECASE)


class NotCleaned(Exception):
    """A tool failed, or its result still says where the file was made."""


def _run(args: list[str]) -> bytes:
    try:
        # Fixed tools and paths we chose; nothing from the client reaches the command line.
        done = subprocess.run(  # noqa: S603
            args, capture_output=True, timeout=TOOL_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:  # not installed, timed out
        raise NotCleaned(f"{args[0]}: {exc}") from exc
    if done.returncode != 0:
        raise NotCleaned(f"{args[0]} exited {done.returncode}: {done.stderr[:500]!r}")
    return done.stdout


def _source_path(upload, tmp: Path, kind: FileKind) -> Path:
    source = tmp / f"in.{kind.extension}"
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        # Django already spooled a large upload to disk: point at it instead of copying.
        os.symlink(path(), source)
        return source
    with open(source, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return source


def remove_metadata(upload, kind: FileKind, name: str) -> io.BufferedReader:
    """A cleaned copy of the upload, opened for reading, that has no name on disk.

    The work happens in a private temporary directory that is removed whether cleaning
    succeeds or not; the copy lives on only as the open file, so even a killed worker
    leaves nothing behind.
    """
    with tempfile.TemporaryDirectory(
        prefix="bekwaam-clean-", dir=settings.FILE_UPLOAD_TEMP_DIR or None
    ) as tmp_name:
        tmp = Path(tmp_name)
        target = tmp / f"out.{kind.extension}"
        try:
            source = _source_path(upload, tmp, kind)
            if kind is WEBP:
                _strip_webp(source, target)
            else:
                _run([EXIFTOOL, *EXIFTOOL_CLEAN, "-o", str(target), str(source)])
            _verify_clean(target, kind)
            cleaned = open(target, "rb")  # noqa: SIM115 - handed to the caller, who closes it
        except (NotCleaned, OSError) as exc:
            logger.warning("could not remove the metadata of an upload (%s): %s", kind, exc)
            raise ValidationError(
                _(
                    "%(name)s is geweigerd: de locatie en andere gegevens over de maker konden "
                    "er niet uit worden gehaald. Sla het bestand opnieuw op (of maak een "
                    "schermafbeelding of PDF) en probeer het nog eens."
                )
                % {"name": name},
                code="not_cleaned",
            ) from exc
        finally:
            upload.seek(0)
    return cleaned


def _strip_webp(source: Path, target: Path) -> None:
    # webpmux strips one kind of chunk per run and fails when that chunk is absent.
    features = _run([WEBPMUX, "-info", str(source)]).decode("utf-8", "replace")
    current = source
    for chunk, label in (("exif", "EXIF metadata"), ("xmp", "XMP metadata")):
        if label in features:
            step = target.with_name(f"{chunk}.{target.name}")
            _run([WEBPMUX, "-strip", chunk, str(current), "-o", str(step)])
            current = step
    shutil.copyfile(current, target)


def _verify_clean(path: Path, kind: FileKind) -> None:
    output = _run([EXIFTOOL, "-j", "-a", "-G1", "-q", "-q", "-m", str(path)])
    try:
        (tags,) = json.loads(output)
    except ValueError as exc:
        raise NotCleaned(f"exiftool gave no readable answer: {output[:200]!r}") from exc
    left = sorted(tag for tag in tags if LOCATION_TAG.search(tag))
    if left:
        raise NotCleaned(f"location tags left: {left}")
    if kind in VIDEOS:
        with open(path, "rb") as stream:
            if isobmff.moov_mentions_location(stream):
                raise NotCleaned("an ISO 6709 position is left in the moov box")


def storage_name(kind: FileKind) -> str:
    """A random name: nothing about the student or the original file leaks into the path."""
    return f"{secrets.token_hex(16)}.{kind.extension}"


def save_to(field_file, checked: CheckedUpload) -> None:
    """Store a checked upload under a random name, leaving nothing behind when that fails.

    A full disk or a dropped connection to the bucket can leave part of a file under the
    new name; it is removed, and the student gets a message instead of an error page.
    """
    name = storage_name(checked.kind)
    # Where the field will put it (upload_to applied), so a partial file can be found.
    full_name = field_file.field.generate_filename(field_file.instance, name)
    try:
        field_file.save(name, checked.file, save=False)
    except OSError as exc:
        _remove_partial(field_file.storage, full_name)
        logger.error("could not store an upload as %s: %s", full_name, exc)
        raise ValidationError(
            {
                "files": _(
                    "%(name)s kon nu niet worden opgeslagen. Er is niets bewaard; probeer het "
                    "later opnieuw."
                )
                % {"name": checked.original_name}
            },
            code="not_stored",
        ) from exc
    except BaseException:
        _remove_partial(field_file.storage, full_name)
        raise
    finally:
        checked.close()


def _remove_partial(storage, name: str) -> None:
    try:
        if storage.exists(name):
            storage.delete(name)
    except Exception:  # noqa: BLE001 - the first failure is the one worth raising
        logger.exception("could not remove the partial upload %s", name)
