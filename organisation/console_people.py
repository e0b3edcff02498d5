"""The beheer console's people: staff (docent, assessor, beheerder) and adding one student.

Both get an activation mail with a one-time link (invitations.py); a beheerder can resend
it, deactivate and reactivate. Anyone but a beheerder gets 404.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.forms import apply_errors

from . import lookups, services
from .console_common import (
    activation_label,
    beheerder_required,
    form_page,
    list_page,
    lookup_options,
    resend_activation,
    set_active,
)
from .console_forms import AccountForm, StaffForm, StudentForm
from .invitations import STAFF_ROLES, staff_invite, student_add
from .models import User


@require_GET
@beheerder_required
def docent_suggestions(request):
    """Docenten for the klas form's "Mentor toevoegen" field."""
    return lookup_options(
        request, "mentor", partial(lookups.staff_suggestions, role=User.Role.DOCENT)
    )


@require_GET
@beheerder_required
def assessor_suggestions(request):
    """Assessoren for the klas form's "Assessor toevoegen" field."""
    return lookup_options(
        request, "assessor", partial(lookups.staff_suggestions, role=User.Role.ASSESSOR)
    )


def _staff_qs():
    return User.objects.filter(role__in=STAFF_ROLES)


@require_GET
@beheerder_required
def staff(request):
    return list_page(
        request,
        title=_("Medewerkers"),
        qs=_staff_qs().order_by("sort_name", "username", "pk"),
        fields=["username", "first_name", "last_name", "email"],
        columns=[_("Naam"), _("Gebruikersnaam"), _("Rol"), _("Account")],
        row=lambda u: [
            (u.display_name, reverse("console:staff_member", args=[u.pk])),
            (u.username, None),
            (u.get_role_display(), None),
            (activation_label(u), None),
        ],
        new_url=reverse("console:staff_create"),
        new_label=_("Nieuwe medewerker"),
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def staff_create(request):
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_invite(invited_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is aangemaakt; de activatielink is verstuurd naar %(email)s.")
                % {"name": user.display_name, "email": user.email},
            )
            return redirect("console:staff_member", user.pk)
    return form_page(
        request,
        form,
        title=_("Nieuwe medewerker"),
        intro=_(
            "Docenten, assessoren en beheerders krijgen een e-mail met een eenmalige link om "
            "een wachtwoord te kiezen. Een beheerder kan ook in het Django-beheer."
        ),
    )


def _staff_member(pk: int) -> User:
    return get_object_or_404(_staff_qs(), pk=pk)


@require_GET
@beheerder_required
def staff_member(request, pk: int):
    return _person_page(request, _staff_member(pk))


def _person_page(request, person: User):
    return render(
        request,
        "organisation/console/staff.html",
        {"person": person, "activation": activation_label(person)},
    )


@require_POST
@beheerder_required
def staff_set_active(request, pk: int):
    person = _staff_member(pk)
    return set_active(request, person, "console:staff_member")


@require_POST
@beheerder_required
def staff_resend_activation(request, pk: int):
    person = _staff_member(pk)
    return resend_activation(request, person, "console:staff_member")


@require_http_methods(["GET", "POST"])
@beheerder_required
def student_create(request):
    form = StudentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            student = student_add(
                invited_by=request.user,
                student_number=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                sso_identifier=data["sso_identifier"],
                qualification=data["qualification"],
                cohort=data["cohort"],
                started_on=data["started_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if student.email:
                done = _("%(name)s is ingeschreven; de activatielink is verstuurd naar %(email)s.")
            else:
                done = _("%(name)s is ingeschreven.")
            messages.success(request, done % {"name": student.display_name, "email": student.email})
            return redirect("console:student", student.pk)
    return form_page(
        request,
        form,
        title=_("Nieuwe student"),
        intro=_(
            "Voor veel studenten tegelijk: importeer een CSV-bestand. Kies de kwalificatie met "
            "de dossierversie waarop de student examen doet."
        ),
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def person_edit(request, pk: int):
    """Name, address and school account of a student or a staff member."""
    person = get_object_or_404(
        User.objects.filter(role__in=(User.Role.STUDENT, *STAFF_ROLES)), pk=pk
    )
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "sso_identifier": person.sso_identifier or "",
    }
    form = AccountForm(request.POST or None, initial=initial)
    back = "console:student" if person.role == User.Role.STUDENT else "console:staff_member"
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("De gegevens zijn bewaard."))
            return redirect(back, person.pk)
    return form_page(
        request,
        form,
        title=_("%(name)s bewerken") % {"name": person.display_name},
        intro=_("Gebruikersnaam: %(u)s") % {"u": person.username},
    )
