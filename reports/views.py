"""Request a report, watch its status, download it. Rendering never happens here: the
views record a job and a worker makes the PDF (tasks.render_report)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from config import storage
from organisation.permissions import get_cohort_for_user, visible_cohorts

from . import selectors, services, verification
from .models import ReportJob

COHORTS_PER_PAGE = 25


@require_GET
@login_required
def report_list(request):
    # A beheerder sees every klas of the school: a page of them at a time.
    cohorts = Paginator(visible_cohorts(request.user).order_by("name", "pk"), COHORTS_PER_PAGE)
    page = cohorts.get_page(request.GET.get("pagina"))
    return render(
        request,
        "reports/list.html",
        {
            "jobs": selectors.jobs_for(user=request.user),
            "jobs_shown": selectors.JOBS_SHOWN,
            "cohorts": page.object_list,
            "page_obj": page,
        },
    )


@require_POST
@login_required
def request_student(request, enrolment_pk: int):
    enrolment = selectors.get_report_enrolment_for_user(request.user, enrolment_pk)
    job = services.report_request(user=request.user, enrolment=enrolment)
    return redirect("reports:job", job.pk)


@require_POST
@login_required
def request_cohort(request, cohort_pk: int):
    cohort = get_cohort_for_user(request.user, cohort_pk)
    job = services.report_request(user=request.user, cohort=cohort)
    return redirect("reports:job", job.pk)


@require_POST
@login_required
def request_export(request, enrolment_pk: int):
    enrolment = selectors.get_export_enrolment_for_user(request.user, enrolment_pk)
    job = services.export_request(user=request.user, enrolment=enrolment)
    return redirect("reports:job", job.pk)


@require_GET
@login_required
def job_detail(request, pk: int):
    job = selectors.get_job_for_user(request.user, pk)
    return render(request, "reports/job.html", {"job": job})


@require_GET
@login_required
def job_status(request, pk: int):
    """The status partial that htmx polls while the job is queued or running."""
    job = selectors.get_job_for_user(request.user, pk)
    return render(request, "reports/_status.html", {"job": job})


@require_POST
@login_required
def job_retry(request, pk: int):
    job = selectors.get_job_for_user(request.user, pk)
    services.report_retry(job=job)
    return redirect("reports:job", job.pk)


def _send(request, job: ReportJob, relative: str, filename: str, content_type: str):
    if job.status != ReportJob.Status.DONE or not relative:
        raise Http404
    try:
        stream = storage.open_for_download(relative)
    except FileNotFoundError:
        return storage.missing_file_response(request, relative)
    response = FileResponse(
        stream, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Content-Length"] = str(stream.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _basename(job: ReportJob) -> str:
    if job.kind == ReportJob.Kind.STUDENT:
        return f"voortgangsrapport-{job.enrolment.student.username}"
    if job.kind == ReportJob.Kind.EXPORT:
        return f"portfolio-{job.enrolment.student.username}"
    return f"klasrapport-{job.cohort.name}-{job.cohort.start_year}"


@require_GET
@login_required
def download(request, pk: int):
    job = selectors.get_job_for_user(request.user, pk)
    return _send(request, job, job.output, f"{_basename(job)}.pdf", "application/pdf")


@require_GET
@login_required
def download_archive(request, pk: int):
    job = selectors.get_job_for_user(request.user, pk)
    return _send(request, job, job.archive, f"{_basename(job)}.zip", "application/zip")


# Public: no login. Guessing kenmerken is slowed to VERIFY_RATE per address.
VERIFY_RATE = "20/m"


@require_GET
def verify(request, kenmerk: str | None = None):
    kenmerk = kenmerk if kenmerk is not None else request.GET.get("kenmerk", "")
    limited = bool(kenmerk) and is_ratelimited(
        request, group="reports.verify", key="ip", rate=VERIFY_RATE, increment=True
    )
    result = None
    if kenmerk and not limited:
        result = verification.verify(kenmerk)
    return render(
        request,
        "reports/verify.html",
        {"result": result, "limited": limited, "kenmerk": verification.normalise(kenmerk)},
        status=429 if limited else 200,
    )
