"""Uploads: the type comes from the content, limits hold, and a refusal stores nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolios import clamav, isobmff, uploads
from portfolios.models import Evidence, EvidenceFile
from tests import upload_samples as samples
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


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.bin", PDF_BYTES, uploads.PDF),
        ("a.bin", samples.photo("PNG", with_gps=False), uploads.PNG),
        ("a.bin", samples.photo("WEBP", with_gps=False), uploads.WEBP),
        ("foto", samples.photo("JPEG", with_gps=False), uploads.JPEG),
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


@pytest.mark.parametrize(
    ("fmt", "name", "kind"),
    [
        ("JPEG", "foto.jpg", uploads.JPEG),
        ("PNG", "scherm.png", uploads.PNG),
        ("HEIF", "IMG_0001.HEIC", uploads.HEIC),
    ],
)
def test_photo_location_and_maker_are_removed_and_orientation_kept(
    settings, tmp_path, fmt, name, kind
):
    original = samples.photo(fmt)
    assert samples.GPS_IFD in samples.exif_of(original)
    checked = uploads.check_upload(upload(name, original))
    cleaned = checked.file.read()
    assert checked.kind is kind
    exif = samples.exif_of(cleaned)
    assert samples.GPS_IFD not in exif
    assert samples.MODEL not in exif  # who made it goes too
    # So the photo is not shown sideways (pillow-heif applies a HEIC's orientation itself).
    tags = samples.exiftool_tags(cleaned, tmp_path, "." + kind.extension)
    assert tags.get("IFD0:Orientation") == "Rotate 90 CW"
    assert checked.size == len(cleaned)


def test_webp_location_is_removed(settings, tmp_path):
    original = samples.photo("WEBP")
    assert any("GPS" in tag for tag in samples.exiftool_tags(original, tmp_path, ".webp"))
    checked = uploads.check_upload(upload("plaatje.webp", original))
    cleaned = checked.file.read()
    assert checked.kind is uploads.WEBP
    tags = samples.exiftool_tags(cleaned, tmp_path, ".webp")
    assert not [tag for tag in tags if "GPS" in tag or "Model" in tag]
    assert checked.size == len(cleaned)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "JPEG"])
def test_photo_without_metadata_keeps_its_pixels(settings, fmt):
    from PIL import Image

    content = samples.photo(fmt, with_gps=False)
    cleaned = uploads.check_upload(upload("scherm", content)).file.read()
    before, after = Image.open(io.BytesIO(content)), Image.open(io.BytesIO(cleaned))
    assert after.size == before.size
    assert after.tobytes() == before.tobytes()  # lossless: no re-encoding


@pytest.mark.parametrize(
    ("brand", "name", "kind"),
    [(b"qt  ", "IMG_0002.MOV", uploads.MOV), (b"isom", "film.mp4", uploads.MP4)],
)
def test_video_location_is_removed_without_touching_the_media(
    settings, tmp_path, brand, name, kind
):
    original = samples.movie_with_location(tmp_path, brand)
    checked = uploads.check_upload(upload(name, original))
    cleaned = checked.file.read()
    assert checked.kind is kind
    assert b"52.37" not in cleaned
    assert samples.MEDIA_DATA in cleaned  # the frames are copied, not re-encoded
    tags = samples.exiftool_tags(cleaned, tmp_path, "." + kind.extension)
    assert not [tag for tag in tags if "GPS" in tag or "Model" in tag]


def test_video_whose_location_cannot_be_removed_is_refused(settings):
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(upload("IMG_0003.MOV", samples.handmade_movie_with_location()))
    assert exc.value.code == "not_cleaned"
    assert "IMG_0003.MOV is geweigerd" in exc.value.messages[0]


def test_photo_is_refused_when_the_cleaning_tool_is_missing(settings, monkeypatch, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    monkeypatch.setattr(uploads, "EXIFTOOL", str(tmp_path / "no-exiftool"))
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(upload("foto.jpg", samples.photo("JPEG")))
    assert exc.value.code == "not_cleaned"
    assert list(tmp_path.iterdir()) == []  # the work directory went with the refusal


def test_moov_is_walked_in_small_chunks(settings):
    # A position split across two reads is still found.
    where = b"+52.3702+004.8952/"
    filler = b"\x00" * (isobmff.SCAN_CHUNK_BYTES - 7)
    content = samples.box(b"ftyp", b"isom\x00\x00\x02\x00") + samples.box(b"moov", filler + where)
    assert isobmff.moov_mentions_location(io.BytesIO(content))
    assert not isobmff.moov_mentions_location(io.BytesIO(content.replace(where, b"x" * 18)))


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
        assert fh.seek(0, 2) == stored.size


def test_cleaned_file_has_no_name_on_disk(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    checked = uploads.check_upload(upload("foto.jpg", samples.photo("JPEG")))
    assert list(tmp_path.iterdir()) == []  # only the open file holds the cleaned copy
    assert checked.file.read()[:3] == b"\xff\xd8\xff"
    checked.close()


@pytest.mark.django_db
def test_video_uploaded_through_a_temporary_file_is_stored_without_location(
    client, world, media, settings, tmp_path
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # as for a real, large video
    client.force_login(world["student"])
    video = upload("IMG_0002.MOV", samples.movie_with_location(tmp_path), "video/quicktime")
    assert post_evidence(client, world, [video]).status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored.content_type == "video/quicktime"
    with stored.file.open("rb") as fh:
        content = fh.read()
    assert b"52.37" not in content
    assert samples.MEDIA_DATA in content


@pytest.mark.django_db
def test_video_that_cannot_be_cleaned_stores_nothing(client, world, media, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    client.force_login(world["student"])
    video = upload("IMG_0003.MOV", samples.handmade_movie_with_location(), "video/quicktime")
    assert_refused(post_evidence(client, world, [video]), media, "konden")


class ReadRecorder(io.BytesIO):
    """A file that remembers how much each read asked for."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.reads: list[int] = []

    def read(self, size=-1):
        data = super().read(size)
        self.reads.append(len(data))
        return data


def test_a_large_moov_is_never_read_whole(settings, tmp_path):
    # Issue 14: an upload must not raise a worker's memory by its size.
    content = samples.movie_with_location(tmp_path, b"isom", moov_padding=3 * 1024 * 1024)
    stream = ReadRecorder(content)
    isobmff.moov_mentions_location(stream)
    assert max(stream.reads) <= isobmff.SCAN_CHUNK_BYTES

    recorded = ReadRecorder(content)
    recorded.name, recorded.size = "film.mp4", len(content)
    recorded.chunks = lambda: iter(lambda: recorded.read(64 * 1024), b"")
    checked = uploads.check_upload(recorded)
    assert checked.kind is uploads.MP4
    assert max(recorded.reads) <= clamav.CLAMD_CHUNK_BYTES
