"""The beheer console at /school/: the beheerder runs the school here, not in /beheer/.

Every page is for beheerders only; anyone else gets 404. Lists are paged and searchable
with a fixed number of queries; every write goes through services.py (or the imports).
"""

import csv
import json
from functools import wraps
from urllib.parse import urlencode

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.forms import apply_errors
from qualifications.models import Qualification

from . import bpv_import, services
from .console_forms import (
    AuditFilterForm,
    BpvForm,
    CohortForm,
    CsvUploadForm,
    EnrolForm,
    LeerbedrijfForm,
)
from .models import (
    AuditEntry,
    BpvPeriode,
    Cohort,
    Enrolment,
    Leerbedrijf,
    Praktijkopleider,
    User,
)

PAGE_SIZE = 25


def beheerder_required(view):
    """Login first; then anyone but a beheerder gets 404 (the console does not exist)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_beheerder:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def search_list(request, qs: QuerySet, fields: list[str]) -> tuple[QuerySet, str]:
    q = request.GET.get("q", "").strip()
    if q:
        cond = Q()
        for name in fields:
            cond |= Q(**{f"{name}__icontains": q})
        qs = qs.filter(cond)
    return qs, q


def page_of(request, qs: QuerySet):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _list(request, *, title, qs, fields, columns, row, new_url=None, new_label="", extra=None):
    """One list page: search, a page of rows (each a list of (text, url|None)), paging."""
    qs, q = search_list(request, qs, fields)
    page = page_of(request, qs)
    return render(
        request,
        "organisation/console/list.html",
        {
            "title": title,
            "q": q,
            "query": urlencode({"q": q}) if q else "",
            "page": page,
            "columns": columns,
            "rows": [row(obj) for obj in page.object_list],
            "new_url": new_url,
            "new_label": new_label,
            "extra": extra or [],
        },
    )


def _form_page(request, form, *, title, status=None, intro=""):
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "organisation/console/form.html",
        {"form": form, "title": title, "intro": intro},
        status=status,
    )


# --- Home -----------------------------------------------------------------------------------


@require_GET
@beheerder_required
def home(request):
    return render(request, "organisation/console/home.html")


# --- Klassen --------------------------------------------------------------------------------


@require_GET
@beheerder_required
def cohorts(request):
    qs = (
        Cohort.objects.select_related("qualification", "school")
        .annotate(students=Count("enrolments", distinct=True))
        .order_by("-start_year", "name", "pk")
    )
    return _list(
        request,
        title=_("Klassen"),
        qs=qs,
        fields=["name", "qualification__title", "qualification__crebo"],
        columns=[_("Klas"), _("Startjaar"), _("Kwalificatie"), _("Studenten")],
        row=lambda c: [
            (c.name, reverse("console:cohort_edit", args=[c.pk])),
            (str(c.start_year), None),
            (c.qualification.title, None),
            (str(c.students), None),
        ],
        new_url=reverse("console:cohort_create"),
        new_label=_("Nieuwe klas"),
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def cohort_create(request):
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.cohort_create(
                school=data["school"],
                name=data["name"],
                start_year=data["start_year"],
                qualification=data["qualification"],
                mentors=data["mentors"],
            )
            services.cohort_set_assessors(cohort=cohort, assessors=data["assessors"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Klas %(name)s is aangemaakt.") % {"name": cohort.name})
            return redirect("console:cohorts")
    return _form_page(request, form, title=_("Nieuwe klas"))


@require_http_methods(["GET", "POST"])
@beheerder_required
def cohort_edit(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("qualification"), pk=pk)
    initial = {
        "name": cohort.name,
        "start_year": cohort.start_year,
        "mentors": list(cohort.mentors.all()),
        "assessors": list(User.objects.filter(assessor_assignments__cohort=cohort).order_by("pk")),
    }
    form = CohortForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cohort_update(
                cohort=cohort,
                name=data["name"],
                start_year=data["start_year"],
                mentors=data["mentors"],
                assessors=data["assessors"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Klas %(name)s is bewaard.") % {"name": cohort.name})
            return redirect("console:cohorts")
    return _form_page(
        request,
        form,
        title=_("Klas %(name)s bewerken") % {"name": cohort.name},
        intro=_("Kwalificatie: %(q)s") % {"q": cohort.qualification},
    )


# --- Students -------------------------------------------------------------------------------


def _activation_label(user: User) -> str:
    if not user.is_active:
        return _("gedeactiveerd")
    if user.has_usable_password():
        return _("actief")
    if user.activation_sent_at:
        return _("activatie verstuurd %(when)s") % {
            "when": formats.date_format(timezone.localtime(user.activation_sent_at), "DATE_FORMAT")
        }
    return _("nog niet geactiveerd")


@require_GET
@beheerder_required
def students(request):
    qs = (
        User.objects.filter(role=User.Role.STUDENT)
        .prefetch_related(
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.select_related("qualification", "cohort"),
            )
        )
        .order_by("last_name", "username", "pk")
    )
    return _list(
        request,
        title=_("Studenten"),
        qs=qs,
        fields=["username", "first_name", "last_name", "email"],
        columns=[_("Naam"), _("Gebruikersnaam"), _("Inschrijvingen"), _("Account")],
        row=lambda u: [
            (u.display_name, reverse("console:student", args=[u.pk])),
            (u.username, None),
            (
                ", ".join(
                    f"{e.qualification.title}{f' ({e.cohort.name})' if e.cohort else ''}"
                    for e in u.enrolments.all()
                )
                or "—",
                None,
            ),
            (_activation_label(u), None),
        ],
        extra=[(reverse("organisation:import_students"), _("Studenten importeren (CSV)"))],
    )


def _student(pk: int) -> User:
    return get_object_or_404(User, pk=pk, role=User.Role.STUDENT)


def _student_page(request, student: User, enrol_form=None, status=200):
    enrolments = student.enrolments.select_related(
        "qualification__dossier", "cohort"
    ).prefetch_related(
        Prefetch(
            "bpv_periodes",
            queryset=BpvPeriode.objects.select_related("leerbedrijf", "praktijkopleider__user"),
        )
    )
    return render(
        request,
        "organisation/console/student.html",
        {
            "student": student,
            "enrolments": enrolments,
            "activation": _activation_label(student),
            "enrol_form": enrol_form or EnrolForm(),
        },
        status=status,
    )


@require_GET
@beheerder_required
def student_detail(request, pk: int):
    return _student_page(request, _student(pk))


@require_POST
@beheerder_required
def student_enrol(request, pk: int):
    student = _student(pk)
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_create(student=student, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("De inschrijving is toegevoegd."))
            return redirect("console:student", student.pk)
    return _student_page(request, student, enrol_form=form, status=400)


@require_POST
@beheerder_required
def student_set_active(request, pk: int):
    student = _student(pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=student, active=active, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Het account is weer actief.") if active else _("Het account is gedeactiveerd."),
        )
    return redirect("console:student", student.pk)


@require_POST
@beheerder_required
def student_resend_activation(request, pk: int):
    student = _student(pk)
    try:
        services.account_activation_send(user=student)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Een nieuwe activatielink is verstuurd naar %(email)s; de vorige werkt niet meer.")
            % {"email": student.email},
        )
    return redirect("console:student", student.pk)


# --- Leerbedrijven and praktijkopleiders ------------------------------------------------------


@require_GET
@beheerder_required
def leerbedrijven(request):
    qs = Leerbedrijf.objects.annotate(
        praktijkopleider_count=Count("praktijkopleiders", distinct=True)
    ).order_by("name", "pk")
    return _list(
        request,
        title=_("Leerbedrijven"),
        qs=qs,
        fields=["name", "sbb_number"],
        columns=[_("Naam"), _("SBB-erkenningsnummer"), _("Praktijkopleiders")],
        row=lambda b: [
            (b.name, reverse("console:leerbedrijf_edit", args=[b.pk])),
            (b.sbb_number or "—", None),
            (str(b.praktijkopleider_count), None),
        ],
        new_url=reverse("console:leerbedrijf_create"),
        new_label=_("Nieuw leerbedrijf"),
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def leerbedrijf_create(request):
    form = LeerbedrijfForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leerbedrijf_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Het leerbedrijf is toegevoegd."))
            return redirect("console:leerbedrijven")
    return _form_page(request, form, title=_("Nieuw leerbedrijf"))


@require_http_methods(["GET", "POST"])
@beheerder_required
def leerbedrijf_edit(request, pk: int):
    bedrijf = get_object_or_404(Leerbedrijf, pk=pk)
    form = LeerbedrijfForm(
        request.POST or None, initial={"name": bedrijf.name, "sbb_number": bedrijf.sbb_number}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.leerbedrijf_update(leerbedrijf=bedrijf, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Het leerbedrijf is bewaard."))
            return redirect("console:leerbedrijven")
    return _form_page(
        request, form, title=_("Leerbedrijf %(name)s bewerken") % {"name": bedrijf.name}
    )


@require_GET
@beheerder_required
def praktijkopleiders(request):
    qs = Praktijkopleider.objects.select_related("user", "leerbedrijf").order_by(
        "user__last_name", "user__username", "pk"
    )
    return _list(
        request,
        title=_("Praktijkopleiders"),
        qs=qs,
        fields=["user__first_name", "user__last_name", "user__email", "leerbedrijf__name"],
        columns=[_("Naam"), _("E-mailadres"), _("Leerbedrijf"), _("Account")],
        row=lambda p: [
            (p.user.display_name, None),
            (p.user.email or "—", None),
            (p.leerbedrijf.name, None),
            (_activation_label(p.user), None),
        ],
        new_url=reverse("organisation:invite"),
        new_label=_("Praktijkopleider uitnodigen"),
    )


# --- BPV-periodes ---------------------------------------------------------------------------


def _date(d) -> str:
    return formats.date_format(d, "DATE_FORMAT") if d else "—"


@require_GET
@beheerder_required
def bpv_periodes(request):
    qs = BpvPeriode.objects.select_related(
        "enrolment__student", "enrolment__qualification", "leerbedrijf", "praktijkopleider__user"
    ).order_by("-starts_on", "pk")
    return _list(
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
        columns=[_("Student"), _("Leerbedrijf"), _("Praktijkopleider"), _("Van"), _("Tot en met")],
        row=lambda b: [
            (
                b.enrolment.student.display_name,
                reverse("console:student", args=[b.enrolment.student_id]),
            ),
            (b.leerbedrijf.name, None),
            (b.praktijkopleider.user.display_name, None),
            (_date(b.starts_on), None),
            (_date(b.ends_on), None),
        ],
        new_url=reverse("console:bpv_create"),
        new_label=_("Nieuwe BPV-periode"),
        extra=[(reverse("console:bpv_import"), _("BPV-periodes importeren (CSV)"))],
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def bpv_create(request):
    form = BpvForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bpv_periode_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("De BPV-periode is toegevoegd."))
            return redirect("console:bpv")
    return _form_page(request, form, title=_("Nieuwe BPV-periode"))


@require_http_methods(["GET", "POST"])
@beheerder_required
def bpv_import_view(request):
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    errors, result, status = [], None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = bpv_import.bpv_periodes_import(data=form.cleaned_data["file"].read())
            except bpv_import.BpvImportError as exc:
                errors, status = exc.errors, 400
        else:
            status = 400
    return render(
        request,
        "organisation/console/bpv_import.html",
        {"form": form, "errors": errors, "result": result, "columns": bpv_import.COLUMNS},
        status=status,
    )


# --- Dossier versions -----------------------------------------------------------------------


@require_GET
@beheerder_required
def dossiers(request):
    qs = (
        Qualification.objects.select_related("dossier")
        .annotate(enrolment_count=Count("enrolments", distinct=True))
        .filter(enrolment_count__gt=0)
        .order_by("dossier__code", "dossier__version", "code")
    )
    return _list(
        request,
        title=_("Dossierversies in gebruik"),
        qs=qs,
        fields=["title", "crebo", "dossier__code", "dossier__title"],
        columns=[_("Kwalificatie"), _("Crebo"), _("Dossier"), _("Versie"), _("Inschrijvingen")],
        row=lambda q: [
            (q.title, reverse("qualifications:detail", args=[q.pk])),
            (q.crebo or "—", None),
            (q.dossier.code, None),
            (str(q.dossier.version), None),
            (str(q.enrolment_count), None),
        ],
        extra=[(reverse("qualifications:sbb_import"), _("Een SBB-dossier importeren"))],
    )


# --- Audit log ------------------------------------------------------------------------------


def _audit_entries(form: AuditFilterForm) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.order_by("-at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["username"]:
            qs = qs.filter(username__icontains=data["username"])
        if data["since"]:
            qs = qs.filter(at__date__gte=data["since"])
        if data["until"]:
            qs = qs.filter(at__date__lte=data["until"])
    return qs


def _log_entries(form: AuditFilterForm) -> QuerySet[LogEntry]:
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["username"]:
            qs = qs.filter(actor__username__icontains=data["username"])
        if data["since"]:
            qs = qs.filter(timestamp__date__gte=data["since"])
        if data["until"]:
            qs = qs.filter(timestamp__date__lte=data["until"])
    return qs


def _changes(entry: LogEntry) -> list[tuple[str, str, str]]:
    changes = entry.changes_dict or {}
    out = []
    for field, values in changes.items():
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": ...}
            out.append((field, "", json.dumps(values, ensure_ascii=False)))
        else:
            old, new = (list(values) + ["", ""])[:2]
            out.append((field, str(old), str(new)))
    return out


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


@require_GET
@beheerder_required
def audit(request):
    """Two streams: sign-ins, refusals and downloads (ours), and changes (django-auditlog)."""
    form = AuditFilterForm(request.GET or None)
    show_changes = request.GET.get("log") == "changes"
    if show_changes:
        page = page_of(request, _log_entries(form))
        rows = [
            {
                "when": _when(e.timestamp),
                "who": e.actor.username if e.actor else "—",
                "what": f"{e.get_action_display()}: {e.content_type.name} {e.object_repr}",
                "changes": _changes(e),
            }
            for e in page.object_list
        ]
    else:
        page = page_of(request, _audit_entries(form))
        rows = [
            {
                "when": _when(e.at),
                "who": e.username or "—",
                "what": " ".join(
                    part for part in (e.get_kind_display(), e.object_type, e.object_id) if part
                ),
                "ip": e.ip_address or "",
                "path": e.path,
            }
            for e in page.object_list
        ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisation/console/audit.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "show_changes": show_changes,
            "query": query.urlencode(),
        },
    )


class _Echo:
    def write(self, value):
        return value


@require_GET
@beheerder_required
def audit_csv(request):
    """The filtered audit log as CSV, streamed (it can be long); ISO times for machines."""
    form = AuditFilterForm(request.GET or None)
    writer = csv.writer(_Echo())
    if request.GET.get("log") == "changes":
        header = ["tijdstip", "gebruiker", "actie", "model", "object", "veld", "oud", "nieuw"]

        def rows():
            yield writer.writerow(header)
            for e in _log_entries(form).iterator(chunk_size=500):
                base = [
                    e.timestamp.isoformat(),
                    e.actor.username if e.actor else "",
                    e.get_action_display(),
                    e.content_type.model,
                    e.object_repr,
                ]
                for change in _changes(e) or [("", "", "")]:
                    yield writer.writerow([*base, *change])

        name = "bekwaam-wijzigingen.csv"
    else:
        header = ["tijdstip", "soort", "gebruikersnaam", "ip", "object", "id", "adres"]

        def rows():
            yield writer.writerow(header)
            for e in _audit_entries(form).iterator(chunk_size=500):
                yield writer.writerow(
                    [
                        e.at.isoformat(),
                        e.kind,
                        e.username,
                        e.ip_address or "",
                        e.object_type,
                        e.object_id,
                        e.path,
                    ]
                )

        name = "bekwaam-auditlog.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
