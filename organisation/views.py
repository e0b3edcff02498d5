"""Pages around accounts: inviting praktijkopleiders, accepting an invite, mail settings,
and importing students. Beheerder pages do not exist (404) for anyone else."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.forms import apply_errors
from organisation.models import ImportJob, Praktijkopleider, School, User

from . import import_jobs, invitations, student_import, tokens
from .forms import InviteForm, NotificationSettingsForm, StudentImportForm
from .permissions import get_import_job_for_user
from .services import praktijkopleider_set_digest

PENDING_PER_PAGE = 25

# Where each role's own work is (issue 11, item 6); names only, so no import of those apps.
LANDING = {
    User.Role.STUDENT: "portfolios:list",
    User.Role.PRAKTIJKOPLEIDER: "portfolios:inbox",
    User.Role.ASSESSOR: "assessments:queue",
    User.Role.DOCENT: "dashboards:cohorts",
    User.Role.BEHEERDER: "console:home",
}


@require_GET
def home(request):
    """After login (LOGIN_REDIRECT_URL) and at "/": each role lands on its own work."""
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.is_beheerder:
        return redirect(LANDING[User.Role.BEHEERDER])
    return redirect(LANDING.get(request.user.role, "qualifications:list"))


def _require_beheerder(user) -> None:
    if not (user.is_authenticated and user.is_beheerder):
        raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def invite(request):
    _require_beheerder(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            po = invitations.praktijkopleider_invite(invited_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Uitnodiging verstuurd naar %(email)s.") % {"email": po.user.email},
            )
            return redirect("organisation:invite")
    pending = (
        Praktijkopleider.objects.filter(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .select_related("user", "leerbedrijf")
        .order_by("user__email", "pk")
    )
    # Many never accept: a page of them at a time.
    page = Paginator(pending, PENDING_PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "organisation/invite.html",
        {"form": form, "pending": page.object_list, "page_obj": page},
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invite_accept(request, uidb64: str, token: str):
    user = tokens.user_for_invite(uidb64, token)
    if user is None:
        return render(request, "organisation/invite_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()  # a new password hash: the link no longer works
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Je wachtwoord is ingesteld. Welkom bij Bekwaam."))
        return redirect("home")
    return render(
        request,
        "organisation/invite_accept.html",
        {"form": form, "invitee": user},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def notification_settings(request):
    po = Praktijkopleider.objects.filter(user=request.user).first()
    if po is None:
        raise Http404
    # An unticked checkbox posts nothing at all, so bind on the method, not on the data.
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"daily_digest": po.daily_digest},
    )
    if request.method == "POST" and form.is_valid():
        praktijkopleider_set_digest(
            praktijkopleider=po, daily_digest=form.cleaned_data["daily_digest"]
        )
        messages.success(request, _("Je meldingsinstellingen zijn bewaard."))
        return redirect("organisation:notification_settings")
    return render(request, "organisation/notification_settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def import_students(request):
    _require_beheerder(request.user)
    schools = list(School.objects.values_list("name", flat=True)[:2])
    initial = {"school": schools[0]} if len(schools) == 1 else {}
    form = StudentImportForm(request.POST or None, request.FILES or None, initial=initial)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > student_import.MAX_BYTES:
            errors = [(0, _("Het bestand is te groot (hoogstens 5 MB)."))]
        else:
            try:
                job = import_jobs.job_start(
                    kind=ImportJob.Kind.STUDENTS,
                    user=request.user,
                    data=upload.read(),
                    name=upload.name,
                    school_name=form.cleaned_data["school"],
                )
            except student_import.StudentImportError as exc:
                errors = exc.errors
            else:
                # A worker imports it; its page shows how far it is, and then the result.
                return redirect("organisation:import_job", pk=job.pk)
    return render(
        request,
        "organisation/import_students.html",
        {
            "form": form,
            "errors": errors,
            "columns": student_import.COLUMNS,
            "jobs": import_jobs.recent_jobs(ImportJob.Kind.STUDENTS),
        },
        status=400 if (form.is_bound and form.errors) or errors else 200,
    )


def _job_context(job) -> dict:
    progress = import_jobs.job_progress(job)
    return {
        "job": job,
        "progress": progress,
        "can_retry": import_jobs.can_retry(job, progress),
        "keep_file_days": import_jobs.KEEP_FILE_DAYS,
        # Where its file was uploaded: the page to go back to.
        "back_url": reverse(
            "console:bpv_import"
            if job.kind == ImportJob.Kind.BPV
            else "organisation:import_students"
        ),
    }


@require_GET
@login_required
def import_job(request, pk: int):
    job = get_import_job_for_user(request.user, pk)
    return render(request, "organisation/import_job.html", _job_context(job))


@require_GET
@login_required
def import_job_status(request, pk: int):
    """The status card alone, which the page asks for every few seconds (htmx)."""
    job = get_import_job_for_user(request.user, pk)
    return render(request, "organisation/_import_status.html", _job_context(job))


@require_POST
@login_required
def import_job_retry(request, pk: int):
    job = get_import_job_for_user(request.user, pk)
    if import_jobs.job_retry(job=job):
        messages.success(request, _("De import staat opnieuw in de wachtrij."))
    elif job.status == ImportJob.Status.FAILED and not job.file:
        messages.error(
            request, _("Het bestand van deze import is er niet meer. Importeer het opnieuw.")
        )
    else:
        messages.error(request, _("Deze import loopt nog of is al afgerond."))
    return redirect("organisation:import_job", pk=job.pk)
