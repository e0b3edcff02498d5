"""The beheer console's praktijkopleiders and BPV-periodes: list, edit and delete (the
rules on exam records are in bpv_services.py), one at a time and by CSV."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.forms import apply_errors

from . import bpv_import, bpv_services, import_jobs, lookups, services
from .console_common import (
    activation_label,
    beheerder_required,
    date_or_dash,
    form_page,
    list_page,
    lookup_options,
)
from .console_forms import BpvEditForm, BpvForm, CsvUploadForm, PraktijkopleiderForm
from .models import BpvPeriode, Enrolment, ImportJob, Praktijkopleider


@require_GET
@beheerder_required
def praktijkopleiders(request):
    qs = Praktijkopleider.objects.select_related("user", "leerbedrijf").order_by(
        "user__sort_name", "user__username", "pk"
    )
    return list_page(
        request,
        title=_("Praktijkopleiders"),
        qs=qs,
        fields=["user__first_name", "user__last_name", "user__email", "leerbedrijf__name"],
        columns=[_("Naam"), _("E-mailadres"), _("Leerbedrijf"), _("Account")],
        row=lambda p: [
            (p.user.display_name, reverse("console:praktijkopleider_edit", args=[p.pk])),
            (p.user.email or "—", None),
            (p.leerbedrijf.name, None),
            (activation_label(p.user), None),
        ],
        new_url=reverse("organisation:invite"),
        new_label=_("Praktijkopleider uitnodigen"),
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def praktijkopleider_edit(request, pk: int):
    po = get_object_or_404(Praktijkopleider.objects.select_related("user", "leerbedrijf"), pk=pk)
    initial = {
        "first_name": po.user.first_name,
        "last_name": po.user.last_name,
        "email": po.user.email,
        "leerbedrijf": po.leerbedrijf,
    }
    form = PraktijkopleiderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bpv_services.praktijkopleider_update(praktijkopleider=po, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("De praktijkopleider is bewaard."))
            return redirect("console:praktijkopleiders")
    return form_page(
        request,
        form,
        title=_("Praktijkopleider %(name)s bewerken") % {"name": po.user.display_name},
        intro=_(
            "Een praktijkopleider logt in met het e-mailadres. Bestaande BPV-periodes houden "
            "het leerbedrijf waar ze liepen."
        ),
    )


@require_GET
@beheerder_required
def praktijkopleider_suggestions(request):
    """<option>s for the praktijkopleider field's <datalist> (config.forms.LookupField)."""
    return lookup_options(request, "praktijkopleider", lookups.praktijkopleider_suggestions)


@require_GET
@beheerder_required
def leerbedrijf_suggestions(request):
    """<option>s for the leerbedrijf field's <datalist> (config.forms.LookupField)."""
    return lookup_options(request, "leerbedrijf", lookups.leerbedrijf_suggestions)


# --- BPV-periodes ---------------------------------------------------------------------------


@require_GET
@beheerder_required
def bpv_periodes(request):
    qs = BpvPeriode.objects.select_related(
        "enrolment__student", "enrolment__qualification", "leerbedrijf", "praktijkopleider__user"
    ).order_by("-starts_on", "pk")
    return list_page(
        request,
        title=_("BPV-periodes"),
        qs=qs,
        fields=[
            "enrolment__student__username",
            "enrolment__student__last_name",
            "leerbedrijf__name",
            "praktijkopleider__user__last_name",
            "praktijkopleider__user__email",
        ],
        columns=[_("Periode"), _("Student"), _("Leerbedrijf"), _("Praktijkopleider")],
        row=lambda b: [
            (
                f"{date_or_dash(b.starts_on)} – {date_or_dash(b.ends_on)}",
                reverse("console:bpv_edit", args=[b.pk]),
            ),
            (
                b.enrolment.student.display_name,
                reverse("console:student", args=[b.enrolment.student_id]),
            ),
            (b.leerbedrijf.name, None),
            (b.praktijkopleider.user.display_name, None),
        ],
        new_url=reverse("console:bpv_create"),
        new_label=_("Nieuwe BPV-periode"),
        extra=[(reverse("console:bpv_import"), _("BPV-periodes importeren (CSV)"))],
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def bpv_create(request):
    """First the student (a search over every inschrijving, a page at a time, or the link on
    the student's page: ?inschrijving=<id>), then the praktijkopleider and the dates."""
    if request.method == "POST":
        form = BpvForm(request.POST)
        if form.is_valid():
            try:
                services.bpv_periode_create(**form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("De BPV-periode is toegevoegd."))
                return redirect("console:bpv")
        chosen = form.cleaned_data.get("enrolment")
        if chosen is None:
            messages.error(request, _("Kies eerst de student voor wie de BPV-periode is."))
            return _bpv_student_page(request, status=400)
        return _bpv_form_page(request, form, chosen, status=400)
    chosen = _enrolment_or_none(request.GET.get("inschrijving"))
    if chosen is None:
        return _bpv_student_page(request)
    return _bpv_form_page(request, BpvForm(initial={"enrolment": chosen}), chosen)


def _enrolment_or_none(value) -> Enrolment | None:
    try:
        return BpvForm().fields["enrolment"].clean(value)
    except ValidationError:
        return None


def _bpv_form_page(request, form, chosen, status=200):
    return render(
        request,
        "organisation/console/bpv_create.html",
        {"form": form, "chosen": chosen},
        status=status,
    )


def _bpv_student_page(request, status=200):
    qs = Enrolment.objects.select_related("student", "qualification", "cohort").order_by(
        "student__sort_name", "student__username", "pk"
    )
    return list_page(
        request,
        title=_("Nieuwe BPV-periode"),
        intro=_("Kies eerst de student: zoek op naam, gebruikersnaam of klas."),
        qs=qs,
        fields=["student__username", "student__first_name", "student__last_name", "cohort__name"],
        columns=[_("Student"), _("Kwalificatie"), _("Klas")],
        row=lambda e: [
            (f"{e.student.display_name} ({e.student.username})", f"?inschrijving={e.pk}"),
            (e.qualification.title, None),
            (e.cohort.name if e.cohort else "—", None),
        ],
        status=status,
    )


def _bpv(pk: int) -> BpvPeriode:
    return get_object_or_404(
        BpvPeriode.objects.select_related(
            "enrolment__student", "enrolment__qualification", "praktijkopleider__user"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def bpv_edit(request, pk: int):
    periode = _bpv(pk)
    initial = {
        "praktijkopleider": periode.praktijkopleider,
        "starts_on": periode.starts_on,
        "ends_on": periode.ends_on,
    }
    form = BpvEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bpv_services.bpv_periode_update(periode=periode, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("De BPV-periode is bewaard."))
            return redirect("console:bpv")
    return render(
        request,
        "organisation/console/bpv_edit.html",
        {"form": form, "periode": periode},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@beheerder_required
def bpv_delete(request, pk: int):
    periode = _bpv(pk)
    try:
        bpv_services.bpv_periode_delete(periode=periode)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("console:bpv_edit", periode.pk)
    messages.success(request, _("De BPV-periode is verwijderd."))
    return redirect("console:bpv")


@require_http_methods(["GET", "POST"])
@beheerder_required
def bpv_import_view(request):
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_jobs.job_start(
                    kind=ImportJob.Kind.BPV,
                    user=request.user,
                    data=upload.read(),
                    name=upload.name,
                )
            except bpv_import.StudentImportError as exc:  # BpvImportError, or unreadable
                errors, status = exc.errors, 400
            else:
                # A worker looks every row up and imports it; its page shows how far it is.
                return redirect("organisation:import_job", pk=job.pk)
        else:
            status = 400
    return render(
        request,
        "organisation/console/bpv_import.html",
        {
            "form": form,
            "errors": errors,
            "columns": bpv_import.COLUMNS,
            "jobs": import_jobs.recent_jobs(ImportJob.Kind.BPV),
        },
        status=status,
    )
