"""Uploads: the type comes from the content, limits hold, and a refusal stores nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolios import uploads
from portfolios.models import Evidence, EvidenceFile
from tests.portfolio_fixtures import (
    PDF_BYTES,
    jpeg_with_gps,
    make_evidence,
    office_zip,
    pdf,
    stored_files,
)

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def ftyp(brand: bytes) -> bytes:
    return b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x02\x00" + b"\x00" * 32


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.bin", PDF_BYTES, uploads.PDF),
        ("a.bin", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, uploads.PNG),
        ("a.bin", b"RIFF\x10\x00\x00\x00WEBPVP8 ", uploads.WEBP),
        ("IMG_0001.HEIC", ftyp(b"heic"), uploads.HEIC),
        ("film.mp4", ftyp(b"isom"), uploads.MP4),
        ("film.mov", ftyp(b"qt  "), uploads.MOV),
        ("verslag", office_zip(DOCX_MAIN), uploads.DOCX),
        ("cijfers.zip", office_zip(XLSX_MAIN), uploads.XLSX),
        ("tekst.odt", office_zip(mimetype="application/vnd.oasis.opendocument.text"), uploads.ODT),
    ],
)
def test_allowed_types_are_recognised_by_content(settings, name, content, kind):
    checked = uploads.check_upload(upload(name, content))
    assert checked.kind is kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("verslag.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML"),
        ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
        ("plaatje.svg", b"<svg onload='alert(1)'></svg>", "SVG"),
        ("macro.docx", office_zip(DOCM_MAIN), "niet toegestaan"),
        ("archief.docx", office_zip(), "niet toegestaan"),
        ("prog.pdf", b"MZ\x90\x00" + b"\x00" * 60, "niet toegestaan"),
        ("film.mp4", ftyp(b"XXXX"), "niet toegestaan"),
    ],
)
def test_refused_types_say_why(settings, name, content, message):
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(upload(name, content, "application/pdf"))
    assert message in exc.value.messages[0]
    assert name in exc.value.messages[0]


def test_size_limit(settings):
    settings.BEKWAAM_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(upload("groot.pdf", PDF_BYTES + b"x" * 200))
    assert "te groot" in exc.value.messages[0]


def test_photo_location_is_removed(settings):
    from PIL import Image

    original = jpeg_with_gps()
    assert 0x8825 in Image.open(io.BytesIO(original)).getexif()
    checked = uploads.check_upload(upload("foto.jpg", original, "image/jpeg"))
    cleaned = checked.file.read()
    exif = Image.open(io.BytesIO(cleaned)).getexif()
    assert 0x8825 not in exif
    assert exif.get(0x0110) == "Testtelefoon"  # the rest of the EXIF stays
    assert checked.size == len(cleaned)


def test_photo_without_location_is_kept_as_is(settings):
    content = png()
    assert uploads.check_upload(upload("scherm.png", content)).file.read() == content


def create_url(world):
    return reverse("portfolios:evidence_create", args=[world["enrolment"].pk, "B1-K1-W1"])


def post_evidence(client, world, files):
    return client.post(
        create_url(world),
        {
            "title": "Mijn titel blijft staan",
            "date": "2026-10-02",
            "reflection": "Mijn reflectie blijft ook staan.",
            "links": "",
            "files": files,
        },
    )


def assert_refused(response, media, message):
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Mijn titel blijft staan" in html
    assert "Mijn reflectie blijft ook staan." in html
    assert "Kies de bestanden opnieuw" in html or "opslagruimte" in html
    assert not Evidence.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_html_renamed_pdf_is_refused(client, world, media):
    client.force_login(world["student"])
    evil = upload("verslag.pdf", b"<html><body>hoi</body></html>", "application/pdf")
    assert_refused(post_evidence(client, world, [evil]), media, "HTML-bestanden zijn niet")


@pytest.mark.django_db
def test_svg_is_refused(client, world, media):
    client.force_login(world["student"])
    svg = upload("tekening.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")
    assert_refused(post_evidence(client, world, [svg]), media, "SVG-afbeeldingen zijn niet")


@pytest.mark.django_db
def test_one_bad_file_refuses_the_whole_upload(client, world, media):
    client.force_login(world["student"])
    svg = upload("tekening.svg", b"<svg/>", "image/svg+xml")
    assert_refused(post_evidence(client, world, [pdf(), svg]), media, "SVG")


@pytest.mark.django_db
def test_file_over_size_limit_is_refused(client, world, media, settings):
    settings.BEKWAAM_UPLOAD_MAX_BYTES = 1000
    client.force_login(world["student"])
    big = pdf("groot.pdf", PDF_BYTES + b"x" * 2000)
    assert_refused(post_evidence(client, world, [big]), media, "is te groot")


@pytest.mark.django_db
def test_file_over_quota_is_refused(client, world, media, settings):
    settings.BEKWAAM_STUDENT_QUOTA_BYTES = 1000
    make_evidence(world, files=[uploads.check_upload(pdf("eerste.pdf", PDF_BYTES + b"x" * 600))])
    before = stored_files(media)
    client.force_login(world["student"])
    response = post_evidence(client, world, [pdf("tweede.pdf", PDF_BYTES + b"y" * 600)])
    assert response.status_code == 400
    html = response.content.decode()
    assert "niet genoeg opslagruimte" in html
    assert "Mijn titel blijft staan" in html
    assert Evidence.objects.count() == 1
    assert EvidenceFile.objects.count() == 1
    assert stored_files(media) == before


@pytest.mark.django_db
def test_quota_counts_only_this_students_files(client, world, media, settings):
    settings.BEKWAAM_STUDENT_QUOTA_BYTES = 1000
    make_evidence(
        world,
        student="student2",
        files=[uploads.check_upload(pdf("ander.pdf", PDF_BYTES + b"x" * 900))],
    )
    client.force_login(world["student"])
    response = post_evidence(client, world, [pdf("mijn.pdf", PDF_BYTES + b"y" * 600)])
    assert response.status_code == 302


@pytest.mark.django_db
def test_uploaded_photo_is_stored_without_location(client, world, media):
    from PIL import Image

    client.force_login(world["student"])
    response = post_evidence(client, world, [upload("foto.jpg", jpeg_with_gps(), "image/jpeg")])
    assert response.status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored.content_type == "image/jpeg"
    assert stored.file.name.endswith(".jpg")
    with stored.file.open("rb") as fh:
        assert 0x8825 not in Image.open(fh).getexif()


def heic_with_gps(byte_order: str = "big") -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0110] = "iPhone"
    exif[0x8825] = {1: "N", 2: (52.0, 5.0, 7.5), 3: "E", 4: (4.0, 53.0, 1.25)}
    blob = exif.tobytes()
    if byte_order == "little":
        blob = blob[:6] + _to_little_endian(blob[6:])
    # ftyp box, some "image data", the Exif item as HEIF stores it (offset word + blob).
    return ftyp(b"heic") + b"\x11" * 100 + b"\x00\x00\x00\x06" + blob + b"\x22" * 100


def _to_little_endian(tiff: bytes) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif.load(b"Exif\x00\x00" + tiff)
    gps = dict(exif.get_ifd(0x8825))
    out = Image.Exif()
    out.endian = "<"
    out[0x0110] = exif[0x0110]
    out[0x8825] = gps
    return out.tobytes()[6:]


@pytest.mark.parametrize("byte_order", ["big", "little"])
def test_heic_location_is_blanked_in_place(settings, byte_order):
    from PIL import Image

    original = heic_with_gps(byte_order)
    checked = uploads.check_upload(upload("IMG_0001.HEIC", original, "image/heic"))
    cleaned = checked.file.read()
    assert checked.kind is uploads.HEIC
    assert len(cleaned) == len(original)  # nothing moved
    assert cleaned.startswith(original[:112])
    exif = Image.Exif()
    exif.load(cleaned[cleaned.index(b"Exif\x00\x00") :])
    assert exif.get(0x0110) == "iPhone"
    assert not exif.get_ifd(0x8825)


def test_heic_without_exif_is_unchanged(settings):
    content = ftyp(b"heic") + b"\x11" * 200
    assert uploads.check_upload(upload("a.heic", content)).file.read() == content


def box(box_type: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + box_type + payload


def video_with_location() -> bytes:
    where = b"+52.3702+004.8952+001.234/"
    xyz = box(b"\xa9xyz", len(where).to_bytes(2, "big") + b"\x15\xc7" + where)
    apple = box(b"data", b"\x00\x00\x00\x01\x00\x00\x00\x00" + b"+52.3702+004.8952/")
    moov = box(b"moov", box(b"mvhd", b"\x00" * 100) + box(b"udta", xyz) + box(b"meta", apple))
    return ftyp(b"qt  ")[:24] + box(b"mdat", b"\x01\x02+52.3702+004.8952/" * 10) + moov


def test_video_location_is_blanked_in_place(settings):
    original = video_with_location()
    checked = uploads.check_upload(upload("IMG_0002.MOV", original, "video/quicktime"))
    cleaned = checked.file.read()
    assert checked.kind is uploads.MOV
    assert len(cleaned) == len(original)
    moov_at = original.index(b"moov") - 4
    assert cleaned[:moov_at] == original[:moov_at]  # media data untouched
    assert b"52.3702" not in cleaned[moov_at:]
    assert b"+00.0000+000.0000+000.000/" in cleaned
    assert b"+00.0000+000.0000/" in cleaned[moov_at:]


def test_video_without_location_is_unchanged(settings):
    content = ftyp(b"isom")[:24] + box(b"moov", box(b"mvhd", b"\x00" * 100))
    assert uploads.check_upload(upload("film.mp4", content)).file.read() == content


@pytest.mark.django_db
def test_video_uploaded_through_a_temporary_file_is_stored_without_location(
    client, world, media, settings
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # as for a real, large video
    client.force_login(world["student"])
    video = upload("IMG_0002.MOV", video_with_location(), "video/quicktime")
    assert post_evidence(client, world, [video]).status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored.content_type == "video/quicktime"
    with stored.file.open("rb") as fh:
        assert b"52.3702+004" not in fh.read().split(b"moov", 1)[1]
