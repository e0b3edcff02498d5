"""The beheer console at /school/: the beheerder runs the school here, not in /beheer/.

Every page is for beheerders only; anyone else gets 404. Lists are paged and searchable
with a fixed number of queries; every write goes through services.py (or the imports).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.forms import apply_errors
from qualifications.models import Qualification

from . import lookups, services
from .console_common import (
    AGAIN,
    activation_label,
    beheerder_required,
    form_page,
    list_page,
    lookup_options,
    resend_activation,
    set_active,
)
from .console_forms import (
    CohortForm,
    EnrolForm,
    LeerbedrijfForm,
)
from .models import (
    BpvPeriode,
    Cohort,
    Enrolment,
    Leerbedrijf,
    User,
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
    return list_page(
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


# The form adds one mentor and one assessor a save: this button saves and opens the klas's
# form again, for the next one.
ADD_STAFF_AGAIN = gettext_lazy("Bewaren en nog iemand toevoegen")


def _after_cohort_saved(request, cohort):
    if AGAIN in request.POST:
        return redirect("console:cohort_edit", pk=cohort.pk)
    return redirect("console:cohorts")


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
                mentors=form.chosen("mentors", "mentor"),
            )
            services.cohort_set_assessors(
                cohort=cohort, assessors=form.chosen("assessors", "assessor")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Klas %(name)s is aangemaakt.") % {"name": cohort.name})
            return _after_cohort_saved(request, cohort)
    return form_page(request, form, title=_("Nieuwe klas"), again=ADD_STAFF_AGAIN)


@require_http_methods(["GET", "POST"])
@beheerder_required
def cohort_edit(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("qualification"), pk=pk)
    form = CohortForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cohort_update(
                cohort=cohort,
                name=data["name"],
                start_year=data["start_year"],
                mentors=form.chosen("mentors", "mentor"),
                assessors=form.chosen("assessors", "assessor"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Klas %(name)s is bewaard.") % {"name": cohort.name})
            return _after_cohort_saved(request, cohort)
    return form_page(
        request,
        form,
        title=_("Klas %(name)s bewerken") % {"name": cohort.name},
        intro=_("Kwalificatie: %(q)s") % {"q": cohort.qualification},
        again=ADD_STAFF_AGAIN,
    )


@require_GET
@beheerder_required
def cohort_suggestions(request):
    """Klassen for the "Klas" field of the student forms."""
    return lookup_options(request, "cohort", lookups.cohort_suggestions)


# --- Students -------------------------------------------------------------------------------


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
        .order_by("sort_name", "username", "pk")
    )
    return list_page(
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
            (activation_label(u), None),
        ],
        new_url=reverse("console:student_create"),
        new_label=_("Nieuwe student"),
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
            "activation": activation_label(student),
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
    return set_active(request, student, "console:student")


@require_POST
@beheerder_required
def student_resend_activation(request, pk: int):
    student = _student(pk)
    return resend_activation(request, student, "console:student")


# --- Leerbedrijven and praktijkopleiders ------------------------------------------------------


@require_GET
@beheerder_required
def leerbedrijven(request):
    qs = Leerbedrijf.objects.annotate(
        praktijkopleider_count=Count("praktijkopleiders", distinct=True)
    ).order_by("name", "pk")
    return list_page(
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
    return form_page(request, form, title=_("Nieuw leerbedrijf"))


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
    return form_page(
        request, form, title=_("Leerbedrijf %(name)s bewerken") % {"name": bedrijf.name}
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
    return list_page(
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
