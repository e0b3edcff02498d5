"""Assessment policies in the beheer console (/school/beoordeling/): scale, cesuur share,
4-ogen per kerntaak and cruciale criteria. Beheerders only; anyone else gets 404.

These pages live here, not in organisation, because organisation may not import
assessments (the one direction of imports)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.forms import IdChoiceField, IdsChoiceField, apply_errors
from organisation.console_common import beheerder_required, page_of, search_list
from qualifications.models import Criterion, Dossier, Kerntaak

from . import policies, services
from .models import AssessmentPolicy, CrucialCriterion, RatingScale


class PolicyForm(forms.Form):
    scale = IdChoiceField(label=gettext_lazy("Schaal"), queryset=None)
    min_share_for_goed = forms.DecimalField(
        label=gettext_lazy("Aandeel punten voor goed (cesuur)"),
        min_value=0,
        max_value=1,
        decimal_places=2,
        help_text=gettext_lazy("Tussen 0 en 1, bijvoorbeeld 0,75."),
    )
    max_onvoldoende = forms.IntegerField(
        label=gettext_lazy("Toegestane onvoldoendes (niet-cruciale criteria)"), min_value=0
    )
    four_eyes = forms.BooleanField(label=gettext_lazy("Twee assessoren (4-ogen)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale"].queryset = RatingScale.objects.order_by("name")


def _policy_initial(policy: AssessmentPolicy | None) -> dict:
    if policy is None:
        default = policies.default_scale()
        return {
            "scale": default,
            "min_share_for_goed": policies.DEFAULT_MIN_SHARE_FOR_GOED,
            "max_onvoldoende": 0,
            "four_eyes": False,
        }
    return {
        "scale": policy.scale,
        "min_share_for_goed": policy.min_share_for_goed,
        "max_onvoldoende": policy.max_onvoldoende,
        "four_eyes": policy.four_eyes,
    }


@require_GET
@beheerder_required
def dossiers(request):
    qs = (
        Dossier.objects.annotate(enrolments=Count("qualifications__enrolments", distinct=True))
        .select_related("assessment_policy__scale")
        .order_by("-enrolments", "title", "code", "-version")
    )
    qs, q = search_list(request, qs, ["title", "code"])
    return render(
        request,
        "assessments/console/dossiers.html",
        {
            "page": page_of(request, qs),
            "q": q,
            "page_query": urlencode({"q": q}) + "&" if q else "",
        },
    )


@require_http_methods(["GET", "POST"])
@beheerder_required
def dossier_policy(request, pk: int):
    dossier = get_object_or_404(Dossier, pk=pk)
    policy = AssessmentPolicy.objects.filter(dossier=dossier).first()
    form = PolicyForm(request.POST or None, initial=_policy_initial(policy))
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_policy_set(dossier=dossier, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("De beoordelingsregel van het dossier is bewaard."))
            return redirect("assessments_console:dossier", dossier.pk)
    kerntaken = (
        Kerntaak.objects.filter(dossier=dossier)
        .select_related("assessment_policy__scale", "qualification")
        .order_by("position", "code")
    )
    return render(
        request,
        "assessments/console/dossier.html",
        {"dossier": dossier, "form": form, "kerntaken": kerntaken, "policy": policy},
        status=400 if form.is_bound and form.errors else 200,
    )


def _criteria_field(kerntaak: Kerntaak) -> IdsChoiceField:
    field = IdsChoiceField(
        label=_("Cruciale criteria"),
        queryset=Criterion.objects.filter(werkproces__kerntaak=kerntaak)
        .select_related("werkproces")
        .order_by("werkproces__position", "werkproces__code", "position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field.label_from_instance = lambda c: f"{c.werkproces.code}: {c.text}"
    return field


class CrucialForm(forms.Form):
    def __init__(self, *args, kerntaak: Kerntaak, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"] = _criteria_field(kerntaak)


def _kerntaak_page(request, kerntaak, form=None, crucial_form=None, status=200):
    policy = AssessmentPolicy.objects.filter(kerntaak=kerntaak).first()
    dossier_policy = AssessmentPolicy.objects.filter(dossier_id=kerntaak.dossier_id).first()
    chosen = CrucialCriterion.objects.filter(criterion__werkproces__kerntaak=kerntaak).values_list(
        "criterion_id", flat=True
    )
    return render(
        request,
        "assessments/console/kerntaak.html",
        {
            "kerntaak": kerntaak,
            "policy": policy,
            "form": form or PolicyForm(initial=_policy_initial(policy or dossier_policy)),
            "crucial_form": crucial_form
            or CrucialForm(kerntaak=kerntaak, initial={"criteria": list(chosen)}),
        },
        status=status,
    )


def _kerntaak(pk: int) -> Kerntaak:
    return get_object_or_404(Kerntaak.objects.select_related("dossier"), pk=pk)


@require_http_methods(["GET", "POST"])
@beheerder_required
def kerntaak_policy(request, pk: int):
    kerntaak = _kerntaak(pk)
    if request.method == "GET":
        return _kerntaak_page(request, kerntaak)
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_policy_set(kerntaak=kerntaak, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("De beoordelingsregel van kerntaak %(code)s is bewaard.")
                % {"code": kerntaak.code},
            )
            return redirect("assessments_console:kerntaak", kerntaak.pk)
    return _kerntaak_page(request, kerntaak, form=form, status=400)


@require_POST
@beheerder_required
def kerntaak_crucial(request, pk: int):
    kerntaak = _kerntaak(pk)
    form = CrucialForm(request.POST, kerntaak=kerntaak)
    if form.is_valid():
        try:
            services.crucial_criteria_set(kerntaak=kerntaak, criteria=form.cleaned_data["criteria"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("De cruciale criteria zijn bewaard."))
            return redirect("assessments_console:kerntaak", kerntaak.pk)
    return _kerntaak_page(request, kerntaak, crucial_form=form, status=400)
