"""Views of the reviewer's work queue beyond one item: bulk accept from the inbox, bulk
sign-off of one student's werkprocessen, and the conversation on a bewijsstuk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.forms import apply_errors
from organisation.models import User
from organisation.permissions import get_enrolment_for_user

from . import bulk, comments, selectors, services
from .forms import BulkSignOffForm, CommentForm
from .inbox import InboxQuery
from .permissions import (
    get_comment_for_user,
    get_evidence_for_user,
    in_conversation,
    require_reviewer,
)
from .views import _render_evidence


def _report(request, result: bulk.BulkResult, done_text: str) -> None:
    if result.done:
        messages.success(
            request, done_text % {"n": len(result.done), "items": ", ".join(result.done)}
        )
    for item, reason in result.refused:
        messages.error(
            request, _("Niet gelukt bij %(item)s: %(reason)s") % {"item": item, "reason": reason}
        )


@require_POST
@login_required
def inbox_accept(request):
    """Accept the ticked bewijsstukken of the inbox, each as if accepted on its own page."""
    if request.user.role != User.Role.PRAKTIJKOPLEIDER:
        raise Http404
    query = InboxQuery.from_data(request.POST)
    ids = [int(pk) for pk in request.POST.getlist("bewijs") if pk.isdigit()]
    if not ids:
        messages.error(request, _("Kies minstens één bewijsstuk om goed te keuren."))
    else:
        result = bulk.evidence_accept_many(reviewer=request.user, evidence_ids=ids)
        _report(request, result, _("%(n)d goedgekeurd: %(items)s."))
    suffix = f"?{query.querystring}" if query.querystring else ""
    return redirect(reverse("portfolios:inbox") + suffix)


def _choice_label(wp) -> str:
    label = _("%(code)s %(title)s (%(n)d goedgekeurd bewijs)") % {
        "code": wp.werkproces.code,
        "title": wp.werkproces.title,
        "n": wp.accepted_count,
    }
    if wp.not_feasible:  # reported by an earlier leerbedrijf: no bar here
        label += " · " + _("niet uitvoerbaar bij %(bedrijf)s") % {
            "bedrijf": wp.not_feasible.leerbedrijf
        }
    return label


@require_http_methods(["GET", "POST"])
@login_required
def sign_off_many(request, enrolment_pk: int):
    """Sign off several werkprocessen of one student; the declaration is recorded per item,
    and so is each confirmation to sign off without accepted evidence."""
    enrolment = get_enrolment_for_user(request.user, enrolment_pk)
    bpv = require_reviewer(request.user, enrolment)
    portfolio = selectors.portfolio_for(user=request.user, enrolment=enrolment)
    open_rows = [wp for wp in portfolio.werkproces_rows if not wp.sign_off]
    # Reported niet uitvoerbaar by this leerbedrijf: the service refuses it, so not a choice.
    blocked = [
        (wp, wp.not_feasible_at(bpv.leerbedrijf_id))
        for wp in open_rows
        if wp.not_feasible_at(bpv.leerbedrijf_id)
    ]
    selectable = [wp for wp in open_rows if not wp.not_feasible_at(bpv.leerbedrijf_id)]
    form = BulkSignOffForm(
        request.POST or None,
        choices=[(wp.werkproces.code, _choice_label(wp)) for wp in selectable],
        without_evidence=[wp.werkproces.code for wp in selectable if not wp.accepted_count],
    )
    if request.method == "POST" and form.is_valid():
        result = bulk.werkprocessen_sign_off(
            actor=request.user,
            enrolment=enrolment,
            codes=form.cleaned_data["werkprocessen"],
            declaration=str(services.SIGN_OFF_DECLARATION),
            confirmed_without_evidence=form.cleaned_data["confirm_without_evidence"],
        )
        _report(request, result, _("%(n)d werkprocessen afgetekend: %(items)s."))
        if result.refused:  # back to the list, where the refused ones can be confirmed
            return redirect("portfolios:sign_off_many", enrolment.pk)
        return redirect("portfolios:portfolio", enrolment.pk)
    return render(
        request,
        "portfolios/sign_off_many.html",
        {
            "enrolment": enrolment,
            "form": form,
            "rows": open_rows,
            "selectable": selectable,
            "blocked": blocked,
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
def comment_create(request, pk: int):
    evidence = get_evidence_for_user(request.user, pk)
    if not in_conversation(request.user, evidence):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = comments.comment_create(
                author=request.user, evidence=evidence, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Je reactie is geplaatst."))
            return redirect(reverse("portfolios:evidence", args=[pk]) + f"#reactie-{comment.pk}")
    return _render_evidence(request, evidence, comment_form=form, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def comment_edit(request, pk: int):
    comment = get_comment_for_user(request.user, pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    thread = comments.thread_for(user=request.user, evidence=comment.evidence)
    current = next(item for item in thread.comments if item.comment.pk == comment.pk)
    form = CommentForm(request.POST or None, initial={"text": current.text})
    if request.method == "POST" and form.is_valid():
        try:
            comments.comment_edit(
                author=request.user, comment=comment, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Je reactie is aangepast; de vorige tekst blijft bewaard."))
            return redirect(
                reverse("portfolios:evidence", args=[comment.evidence_id])
                + f"#reactie-{comment.pk}"
            )
    return render(
        request,
        "portfolios/comment_edit.html",
        {"comment": current, "evidence": comment.evidence, "form": form},
        status=400 if form.is_bound else 200,
    )
