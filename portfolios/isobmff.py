"""ISO base media files (MP4, MOV): find a left-over recording position in the movie
header without reading the file, or the box, into memory."""

import io
import re
import struct

# ISO 6709 as phones write it into videos: "+52.3702+004.8952+001.234/".
ISO6709 = re.compile(rb"[+-]\d{2}\.\d{2,}[+-]\d{3}\.\d{2,}(?:[+-]\d+(?:\.\d+)?)?/?")
SCAN_CHUNK_BYTES = 64 * 1024
SCAN_OVERLAP_BYTES = 64


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
        yield box_type, offset, min(size, length - offset)
        offset += size


def moov_mentions_location(stream) -> bool:
    """Whether a movie header still holds a place, read in small chunks from the file.

    Phones write where a video was recorded as ISO 6709 text (QuickTime ©xyz and
    com.apple.quicktime.location.ISO6709). A moov box can be tens of MB, so it is walked
    with a small window rather than read whole (issue 14: bounded memory per upload).
    """
    for box_type, offset, size in list(_top_level_boxes(stream)):
        if box_type != b"moov":
            continue
        stream.seek(offset)
        remaining, tail = size, b""
        while remaining > 0:
            chunk = stream.read(min(SCAN_CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            window = tail + chunk
            if ISO6709.search(window):
                return True
            tail = window[-SCAN_OVERLAP_BYTES:]
    return False
