"""ClamAV's clamd over its socket: the INSTREAM protocol in a few lines.

A few lines of protocol rather than the `clamd` package from PyPI: that package has not
been released since 2014 and imports pkg_resources, which current setuptools drops.
"""

import socket
import struct
from urllib.parse import urlsplit

CLAMD_CHUNK_BYTES = 256 * 1024


class ClamdError(Exception):
    """clamd answered something other than OK or FOUND (size limit, bad request)."""


def clamd_instream(url: str, stream, *, timeout: float) -> str | None:
    """Send the stream to clamd; return the signature it found, or None when it is clean.

    ``url`` is ``tcp://host:port`` or ``unix:///path/to/clamd.ctl``. Raises OSError when
    clamd cannot be reached and ClamdError when it cannot give a verdict.
    """
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parts.path)
    elif parts.scheme == "tcp":
        sock = socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
    else:
        raise ClamdError(f"unsupported clamd URL scheme: {parts.scheme!r}")
    with sock:
        sock.settimeout(timeout)
        sock.sendall(b"zINSTREAM\0")
        while chunk := stream.read(CLAMD_CHUNK_BYTES):
            sock.sendall(struct.pack(">I", len(chunk)) + chunk)
        sock.sendall(struct.pack(">I", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            data = sock.recv(4096)
            if not data:
                break
            reply += data
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if answer.endswith(" OK"):
        return None
    if answer.endswith(" FOUND"):
        return answer.removeprefix("stream:").removesuffix(" FOUND").strip()
    raise ClamdError(answer or "no answer")
