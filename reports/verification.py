"""Anyone holding a PDF may check it: is this a genuine report of this school, for whom, of
when, and has it been replaced by a newer one? Nothing else is disclosed.

The kenmerk printed on each report (and behind its QR code) is the start of the sha256
fingerprint of the data the report shows (selectors.fingerprint_of). A kenmerk that matches
no finished report gets the same answer shape as one that does, without the details, so the
page cannot be used to learn more than "not ours".
"""

import re
from dataclasses import dataclass

from django.urls import reverse

from config.mail import absolute_url

from .models import ReportJob

PRINTED_LENGTH = 16  # hex characters of the fingerprint on the PDF: 64 bits
KENMERK = re.compile(rf"^[0-9a-f]{{{PRINTED_LENGTH},64}}$")


@dataclass(frozen=True)
class Verification:
    kenmerk: str
    genuine: bool
    kind: str = ""
    school: str = ""
    subject: str = ""  # the student, or the klas of a klasrapport
    made_at: object = None
    superseded_at: object = None  # when a newer report of the same subject was finished


def printed_kenmerk(fingerprint: str) -> str:
    return fingerprint[:PRINTED_LENGTH]


def verify_url(fingerprint: str) -> str:
    return absolute_url(reverse("reports:verify_kenmerk", args=[printed_kenmerk(fingerprint)]))


def normalise(kenmerk: str) -> str:
    return "".join(kenmerk.split()).lower()[:64]


def verify(kenmerk: str) -> Verification:
    kenmerk = normalise(kenmerk)
    if not KENMERK.match(kenmerk):
        return Verification(kenmerk=kenmerk, genuine=False)
    job = (
        ReportJob.objects.filter(fingerprint__startswith=kenmerk, status=ReportJob.Status.DONE)
        .select_related("enrolment__student", "enrolment__cohort__school", "cohort__school")
        .order_by("finished_at", "id")
        .first()
    )
    if job is None:
        return Verification(kenmerk=kenmerk, genuine=False)
    if job.kind == ReportJob.Kind.STUDENT:
        subject = job.enrolment.student.display_name
        cohort = job.enrolment.cohort
        same_subject = {"enrolment_id": job.enrolment_id}
    else:
        cohort = job.cohort
        subject = str(cohort)
        same_subject = {"cohort_id": job.cohort_id}
    newer = (
        ReportJob.objects.filter(
            kind=job.kind,
            status=ReportJob.Status.DONE,
            finished_at__gt=job.finished_at,
            **same_subject,
        )
        .exclude(fingerprint=job.fingerprint)
        .order_by("finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return Verification(
        kenmerk=kenmerk,
        genuine=True,
        kind=job.get_kind_display(),
        school=cohort.school.name if cohort else "",
        subject=subject,
        made_at=job.finished_at,
        superseded_at=newer,
    )
