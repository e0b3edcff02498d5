"""The school's own settings in the beheer console: name, BRIN and what its badges cover."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.forms import apply_errors

from . import services
from .console_common import beheerder_required, form_page, list_page
from .console_forms import SchoolForm
from .models import School


@require_GET
@beheerder_required
def schools(request):
    return list_page(
        request,
        title=_("Scholen"),
        qs=School.objects.order_by("name", "pk"),
        fields=["name", "brin"],
        columns=[_("School"), _("BRIN-code"), _("Badges ook bij aftekening")],
        row=lambda s: [
            (s.name, reverse("console:school_edit", args=[s.pk])),
            (s.brin or "–", None),
            (_("ja") if s.badges_on_sign_off else _("nee"), None),
        ],
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def school_edit(request, pk: int):
    school = get_object_or_404(School, pk=pk)
    form = SchoolForm(
        request.POST or None,
        initial={
            "name": school.name,
            "brin": school.brin,
            "badges_on_sign_off": school.badges_on_sign_off,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.school_update(school=school, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("De instellingen van de school zijn bewaard."))
            return redirect("console:schools")
    return form_page(request, form, title=_("School %(name)s bewerken") % {"name": school.name})
