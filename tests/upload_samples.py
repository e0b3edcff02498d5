"""Real sample files for the upload tests: photos and videos that say where they were made.

Photos come from Pillow (HEIC through pillow-heif); videos are a minimal QuickTime/MP4 box
structure whose location exiftool writes the way phones do (Keys, UserData and XMP).
"""

import io
import subprocess
from pathlib import Path

from PIL import Image

MODEL = 0x0110
ORIENTATION = 0x0112
GPS_IFD = 0x8825
WHERE = "52.3702, 4.8952, 1.2"


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[MODEL] = "Testtelefoon"
    exif[ORIENTATION] = 6  # taken sideways: the orientation must survive cleaning
    exif[GPS_IFD] = {1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)}
    return exif


def photo(fmt: str, *, with_gps: bool = True, size=(16, 8)) -> bytes:
    """A photo in fmt (JPEG, PNG, WEBP, HEIF) with a Model, an orientation and a GPS block."""
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    out = io.BytesIO()
    image = Image.new("RGB", size, "red")
    if with_gps:
        image.save(out, format=fmt, exif=gps_exif().tobytes())
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def exif_of(content: bytes) -> Image.Exif:
    import pillow_heif

    pillow_heif.register_heif_opener()
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        return image.getexif()


def exiftool_tags(content: bytes, tmp_path: Path, suffix: str) -> dict:
    """Every tag exiftool reads from the bytes, as {"Group:Tag": value}."""
    import json

    path = tmp_path / f"probe{suffix}"
    path.write_bytes(content)
    out = subprocess.run(
        ["exiftool", "-j", "-a", "-G1", str(path)], capture_output=True, check=True
    ).stdout
    return json.loads(out)[0]


def box(box_type: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + box_type + payload


def _mvhd() -> bytes:
    matrix = b"\x00\x01\x00\x00" + b"\x00" * 12 + b"\x00\x01\x00\x00" + b"\x00" * 12
    body = (
        b"\x00" * 4  # version and flags
        + b"\x00" * 8  # created, modified
        + (600).to_bytes(4, "big")  # time scale
        + (0).to_bytes(4, "big")  # duration
        + b"\x00\x01\x00\x00\x01\x00"  # rate, volume
        + b"\x00" * 10
        + matrix
        + b"\x40\x00\x00\x00"
        + b"\x00" * 24
        + (2).to_bytes(4, "big")  # next track id
    )
    return box(b"mvhd", body)


MEDIA_DATA = bytes(range(256)) * 40  # what a real video keeps untouched


def bare_movie(brand: bytes = b"qt  ", *, moov_padding: int = 0) -> bytes:
    """A movie without metadata: ftyp, mdat, moov (mvhd and optional free padding)."""
    padding = box(b"free", b"\x00" * moov_padding) if moov_padding else b""
    return (
        box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand)
        + box(b"mdat", MEDIA_DATA)
        + box(b"moov", _mvhd() + padding)
    )


def movie_with_location(tmp_path: Path, brand: bytes = b"qt  ", **kwargs) -> bytes:
    """A movie that says where and on what it was recorded, written by exiftool."""
    path = tmp_path / ("source.mov" if brand == b"qt  " else "source.mp4")
    path.write_bytes(bare_movie(brand, **kwargs))
    subprocess.run(
        [
            "exiftool", "-q", "-overwrite_original",
            f"-Keys:GPSCoordinates={WHERE}", f"-UserData:GPSCoordinates={WHERE}",
            "-Keys:Model=Testtelefoon", "-XMP:GPSLatitude=52.3702", str(path),
        ],
        check=True,
    )  # fmt: skip
    content = path.read_bytes()
    assert b"52.37" in content
    return content


def handmade_movie_with_location() -> bytes:
    """A QuickTime file whose place sits in boxes exiftool does not know how to remove
    (a ©xyz atom straight in moov and a stray data atom): cleaning it cannot be proven."""
    where = b"+52.3702+004.8952+001.234/"
    xyz = box(b"\xa9xyz", len(where).to_bytes(2, "big") + b"\x15\xc7" + where)
    stray = box(b"data", b"\x00\x00\x00\x01\x00\x00\x00\x00" + b"+52.3702+004.8952/")
    return (
        box(b"ftyp", b"qt  \x00\x00\x02\x00qt  ")
        + box(b"mdat", MEDIA_DATA)
        + box(b"moov", _mvhd() + xyz + stray)
    )
