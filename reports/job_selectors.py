"""What a worker reads of the job it claimed, in one query (services.job_run)."""

from django.db.models import OuterRef, Q, Subquery

from .models import ReportJob
from .selectors import REPORT_RELATED


def job_for_run(job_id: int) -> ReportJob:
    """A claimed job with all a worker reads of it in one query: the enrolment as the report
    needs it (REPORT_RELATED), the klas, and, as latest_fingerprint and latest_output, the
    latest finished report of the same subject (services._reusable hands its PDF out again
    when the data turns out unchanged)."""
    latest = (
        ReportJob.objects.filter(
            Q(kind=ReportJob.Kind.STUDENT, enrolment=OuterRef("enrolment"))
            | Q(kind=ReportJob.Kind.COHORT, cohort=OuterRef("cohort")),
            kind=OuterRef("kind"),
            status=ReportJob.Status.DONE,
        )
        .exclude(pk=OuterRef("pk"))
        .order_by("-finished_at", "-id")
    )
    return (
        ReportJob.objects.select_related(
            *(f"enrolment__{name}" for name in REPORT_RELATED),
            "cohort__qualification",
            "cohort__school",
        )
        .annotate(
            latest_fingerprint=Subquery(latest.values("fingerprint")[:1]),
            latest_output=Subquery(latest.values("output")[:1]),
        )
        .get(pk=job_id)
    )
