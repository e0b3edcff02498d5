"""Fixtures for the portfolio tests: a klas, a leerbedrijf, BPV-periodes and sample files.

Imported by the test_portfolio_* modules (not conftest.py, which other work shares).
"""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from organisation import services as organisation_services
from organisation.models import User
from portfolios import services, uploads

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name="verslag.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def checked_pdf(name="verslag.pdf", content=PDF_BYTES):
    return uploads.check_upload(pdf(name, content))


def office_zip(main_type: str | None = None, mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        if main_type:
            archive.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>'
                "</Types>",
            )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x0110] = "Testtelefoon"  # Model
    exif[0x8825] = {1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.fixture
def world(users, tree, make_user, media):
    """The cast around users["student"] (enrolled on P1):

    - praktijkopleider: their praktijkopleider, BPV started a month ago;
    - early_po: a praktijkopleider whose BPV with the same student starts next month;
    - other_po: praktijkopleider of student2 only;
    - docent: mentor of the student's klas; other_docent: mentor of nothing;
    - student2: another student on P1; outsider: a student of nothing.
    """
    today = timezone.localdate()
    student = users["student"]
    enrolment = student.enrolments.get()
    school = organisation_services.school_create(name="Testcollege")
    cohort = organisation_services.cohort_create(
        school=school,
        name="VZ-2A",
        start_year=2026,
        qualification=tree["p1"],
        mentors=[users["docent"]],
    )
    organisation_services.enrolment_set_cohort(enrolment=enrolment, cohort=cohort)
    bedrijf = organisation_services.leerbedrijf_create(
        name="Zorghuis De Linde", sbb_number="100200300"
    )
    po = organisation_services.praktijkopleider_create(
        user=users["praktijkopleider"], leerbedrijf=bedrijf
    )
    organisation_services.bpv_periode_create(
        enrolment=enrolment, praktijkopleider=po, starts_on=today - datetime.timedelta(days=30)
    )
    early = make_user("early_po", User.Role.PRAKTIJKOPLEIDER)
    early_po = organisation_services.praktijkopleider_create(user=early, leerbedrijf=bedrijf)
    organisation_services.bpv_periode_create(
        enrolment=enrolment,
        praktijkopleider=early_po,
        starts_on=today + datetime.timedelta(days=30),
    )
    student2 = make_user("student2", User.Role.STUDENT)
    enrolment2 = organisation_services.enrolment_create(
        student=student2, qualification=tree["p1"], started_on=datetime.date(2026, 9, 1)
    )
    other = make_user("other_po", User.Role.PRAKTIJKOPLEIDER)
    other_po = organisation_services.praktijkopleider_create(user=other, leerbedrijf=bedrijf)
    organisation_services.bpv_periode_create(
        enrolment=enrolment2, praktijkopleider=other_po, starts_on=today - datetime.timedelta(1)
    )
    other_docent = make_user("other_docent", User.Role.DOCENT)
    return {
        **users,
        "enrolment": enrolment,
        "enrolment2": enrolment2,
        "student2": student2,
        "early_po": early,
        "other_po": other,
        "other_docent": other_docent,
        "cohort": cohort,
        "leerbedrijf": bedrijf,
        "w1": tree["w1"],
    }


def make_evidence(world, *, student="student", title="Verslag wondzorg", files=None, submit=False):
    user = world[student]
    enrolment = world["enrolment"] if student == "student" else world["enrolment2"]
    evidence = services.evidence_create(
        student=user,
        enrolment=enrolment,
        werkproces=world["w1"],
        title=title,
        reflection="Ik heb geleerd om nauwkeurig te werken.",
        date=datetime.date(2026, 10, 1),
        files=[checked_pdf()] if files is None else files,
    )
    if submit:
        services.evidence_submit(student=user, evidence=evidence)
    return evidence
