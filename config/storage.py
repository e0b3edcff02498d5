"""Where files live: the local disk (the embedded default) or an S3-compatible bucket.

Every file Bekwaam keeps (uploads, thumbnails, reports) is read and written through Django's
default storage, so a web node or worker never needs a file on its own disk; settings pick
the backend (AWS_STORAGE_BUCKET_NAME, see config/settings.py).

Downloads stream from the storage through the access-checked view rather than redirecting
to a presigned bucket URL: the bucket never has to be reachable from students' browsers (it
stays on the internal network, and a cloud bucket would be a third party the browser talks
to), a link cannot be passed on and keep working for its lifetime, and the CSP stays 'self'.
nginx buffers the proxied response, so a slow phone does not hold a gunicorn worker.
"""

import logging
import os
import posixpath
import tempfile
from collections.abc import Iterator
from pathlib import Path

from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# How much of a streamed object is read per chunk: small enough for bounded memory.
CHUNK = 256 * 1024


def on_local_disk(storage: Storage | None = None) -> bool:
    return isinstance(storage or default_storage, FileSystemStorage)


def write_replacing(name: str, content: bytes, storage: Storage | None = None) -> str:
    """Store `content` under exactly `name`, replacing what was there, so that a reader sees
    the old file or the new one and never half of one."""
    storage = storage or default_storage
    if on_local_disk(storage):
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return name
    # An object store replaces an object whole on PUT (file_overwrite keeps the name).
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        raise RuntimeError(f"storage renamed {name!r} to {saved!r}")
    return name


class StreamedObject:
    """An S3 object's body read in chunks as it arrives, instead of django-storages' S3File,
    which first copies the whole object into a temporary file."""

    def __init__(self, body, size: int):
        self._body = body
        self.size = size

    def read(self, amount: int = -1) -> bytes:
        return self._body.read(None if amount is None or amount < 0 else amount)

    def close(self) -> None:
        self._body.close()


def open_for_download(name: str, storage: Storage | None = None):
    """A readable file-like with a `size`, for FileResponse. FileNotFoundError if it is gone."""
    storage = storage or default_storage
    if on_local_disk(storage) or not hasattr(storage, "bucket"):
        handle = storage.open(name, "rb")
        handle.size = storage.size(name)
        return handle
    key = posixpath.join(storage.location, name) if storage.location else name
    try:
        response = storage.connection.meta.client.get_object(Bucket=storage.bucket_name, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
            raise FileNotFoundError(name) from exc
        raise
    return StreamedObject(response["Body"], response["ContentLength"])


class LimitedReader:
    """At most `size` bytes of an open file, from where it stands."""

    def __init__(self, handle, size: int):
        self._handle = handle
        self._left = size
        self.size = size

    def read(self, amount: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        amount = self._left if amount is None or amount < 0 else min(amount, self._left)
        data = self._handle.read(amount)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()


def open_range(name: str, start: int, end: int, storage: Storage | None = None):
    """Bytes `start`..`end` (inclusive) of a stored file as a readable with a `size`, for a
    206 answer to an HTTP Range request (a browser seeking in a video). A bucket is asked
    for the range itself, so nothing before `start` is transferred."""
    storage = storage or default_storage
    if on_local_disk(storage) or not hasattr(storage, "bucket"):
        handle = storage.open(name, "rb")
        handle.seek(start)
        return LimitedReader(handle, end - start + 1)
    key = posixpath.join(storage.location, name) if storage.location else name
    try:
        response = storage.connection.meta.client.get_object(
            Bucket=storage.bucket_name, Key=key, Range=f"bytes={start}-{end}"
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
            raise FileNotFoundError(name) from exc
        raise
    return StreamedObject(response["Body"], response["ContentLength"])


def missing_file_response(request, name: str) -> HttpResponse:
    """The page for a file whose row exists but whose bytes are gone: data loss that a person
    should hear about in words, and operators in the log (manage.py check_files)."""
    log.error("file %s is referenced but missing from storage", name)
    return render(
        request,
        "file_missing.html",
        {
            "message": _(
                "Dit bestand is niet meer te vinden in de opslag. Er is niets mis met je "
                "toegang: de beheerder is gewaarschuwd en kan het terugzetten uit een "
                "back-up."
            )
        },
        status=404,
    )


def walk(storage: Storage | None = None, top: str = "") -> Iterator[str]:
    """Every file name under `top`, relative to the storage's root, in a stable order."""
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(top, name) if top else name
    for directory in sorted(directories):
        yield from walk(storage, posixpath.join(top, directory) if top else directory)


def ensure_bucket(storage: Storage | None = None) -> bool:
    """Create the configured bucket when it does not exist yet (MinIO in compose starts
    empty). True when it was made."""
    storage = storage or default_storage
    if on_local_disk(storage) or not hasattr(storage, "bucket"):
        return False
    client = storage.connection.meta.client
    try:
        client.head_bucket(Bucket=storage.bucket_name)
        return False
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {"404", "NoSuchBucket", "NotFound"}:
            raise
    client.create_bucket(Bucket=storage.bucket_name)
    return True
