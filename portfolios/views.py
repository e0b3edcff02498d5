from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config import storage
from config.forms import apply_errors
from organisation.permissions import current_bpv_of, get_enrolment_for_user, is_owner

from . import comments, drafts, selectors, services, working_copy
from . import inbox as inbox_queue
from .changes import changes_since_returned
from .forms import CommentForm, EvidenceForm, ReasonForm, ReviewForm, SignOffForm
from .permissions import (
    can_act,
    can_edit_evidence,
    get_evidence_file_for_user,
    get_evidence_for_user,
    get_werkproces_for_enrolment,
    require_evidence_reviewer,
    require_reviewer,
)
from .thumbnails import can_have_thumbnail, thumbnail_make


@require_GET
@login_required
def portfolio_list(request):
    page, rows = selectors.portfolios_for(user=request.user, page=request.GET.get("pagina"))
    if page.paginator.count == 1 and is_owner(request.user, rows[0].enrolment):
        return redirect("portfolios:portfolio", rows[0].enrolment.pk)
    return render(request, "portfolios/list.html", {"rows": rows, "page_obj": page})


@require_GET
@login_required
def portfolio_detail(request, enrolment_pk: int):
    enrolment = get_enrolment_for_user(request.user, enrolment_pk)
    portfolio = selectors.portfolio_for(user=request.user, enrolment=enrolment)
    return render(
        request,
        "portfolios/portfolio.html",
        {
            "enrolment": enrolment,
            "portfolio": portfolio,
            "terms": enrolment.qualification.dossier.terms,
            "can_sign_off": can_act(request.user, enrolment),
        },
    )


def _werkproces_context(request, enrolment, werkproces, **forms):
    page = selectors.werkproces_page_for(
        user=request.user, enrolment=enrolment, werkproces=werkproces
    )
    # Sign-off forms only while the BPV-periode runs; in the grace period nothing is signed.
    bpv = current_bpv_of(request.user, enrolment)
    reviewer = bpv is not None
    context = {
        "enrolment": enrolment,
        "werkproces": werkproces,
        "page": page,
        "row": page.row,
        "is_owner": is_owner(request.user, enrolment),
        "can_review": reviewer,
        "terms": enrolment.qualification.dossier.terms,
    }
    if reviewer:
        not_feasible = page.row.not_feasible
        context["sign_off_refused"] = bool(
            not_feasible and not_feasible.leerbedrijf_id == bpv.leerbedrijf_id
        )
        context["sign_off_form"] = forms.get("sign_off_form") or SignOffForm(
            without_evidence=not page.row.accepted_count
        )
        context["withdraw_form"] = forms.get("withdraw_form") or ReasonForm(prefix="withdraw")
        context["feasibility_form"] = forms.get("feasibility_form") or ReasonForm(
            prefix="feasibility"
        )
    return context


@require_GET
@login_required
def werkproces_detail(request, enrolment_pk: int, code: str):
    enrolment = get_enrolment_for_user(request.user, enrolment_pk)
    werkproces = get_werkproces_for_enrolment(enrolment, code)
    return render(
        request,
        "portfolios/werkproces.html",
        _werkproces_context(request, enrolment, werkproces),
    )


@require_http_methods(["GET", "POST"])
@login_required
def evidence_create(request, enrolment_pk: int, code: str):
    enrolment = get_enrolment_for_user(request.user, enrolment_pk)
    werkproces = get_werkproces_for_enrolment(enrolment, code)
    if not is_owner(request.user, enrolment):
        raise PermissionDenied
    form = EvidenceForm(
        request.POST or None, request.FILES or None, enrolment=enrolment, werkproces=werkproces
    )
    if request.method == "POST" and form.is_valid():
        try:
            evidence, made = drafts.evidence_create_once(
                form_token=form.cleaned_data["form_token"],
                student=request.user,
                enrolment=enrolment,
                werkproces=werkproces,
                title=form.cleaned_data["title"],
                reflection=form.cleaned_data["reflection"],
                date=form.cleaned_data["date"],
                links=form.cleaned_data["links"],
                werkprocessen=form.werkproces_links(),
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if made:
                messages.success(
                    request, _("Bewijsstuk bewaard als concept. Dien het in als het klaar is.")
                )
            return redirect("portfolios:evidence", evidence.pk)
    return render(
        request,
        "portfolios/evidence_form.html",
        {"form": form, "enrolment": enrolment, "werkproces": werkproces, "evidence": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@login_required
def evidence_detail(request, pk: int):
    evidence = get_evidence_for_user(request.user, pk)
    return _render_evidence(request, evidence)


def _render_evidence(request, evidence, review_form=None, comment_form=None, status=200):
    detail = selectors.evidence_detail_for(user=request.user, evidence=evidence)
    # The order of the inbox the reviewer came from, so the next item is the one after this.
    query = inbox_queue.InboxQuery.from_data(
        request.POST if request.method == "POST" else request.GET
    )
    return render(
        request,
        "portfolios/evidence_detail.html",
        {
            "detail": detail,
            "evidence": detail.evidence,
            "enrolment": detail.evidence.enrolment,
            "review_form": review_form or (ReviewForm() if detail.can_review else None),
            "inbox_query": query,
            "changes": changes_since_returned(detail.versions, detail.events),
            "thread": comments.thread_for(user=request.user, evidence=detail.evidence),
            "comment_form": comment_form or CommentForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def evidence_edit(request, pk: int):
    evidence = get_evidence_for_user(request.user, pk)
    status = working_copy.evidence_current_status(evidence)
    if not can_edit_evidence(request.user, evidence, status):
        raise PermissionDenied
    initial = {
        "title": evidence.title,
        "reflection": evidence.reflection,
        "date": evidence.date,
        "links": "\n".join(evidence.links),
    }
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        enrolment=evidence.enrolment,
        werkproces=evidence.werkproces,
        current_files=working_copy.working_files(evidence),
        current_links=working_copy.working_links(evidence),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_update(
                student=request.user,
                evidence=evidence,
                title=form.cleaned_data["title"],
                reflection=form.cleaned_data["reflection"],
                date=form.cleaned_data["date"],
                links=form.cleaned_data["links"],
                werkprocessen=form.werkproces_links(),
                files=form.cleaned_data["files"],
                remove_files=form.cleaned_data["remove_files"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Wijzigingen bewaard."))
            return redirect("portfolios:evidence", evidence.pk)
    return render(
        request,
        "portfolios/evidence_form.html",
        {
            "form": form,
            "enrolment": evidence.enrolment,
            "werkproces": evidence.werkproces,
            "evidence": evidence,
            "files": working_copy.working_files(evidence),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@login_required
def evidence_submit(request, pk: int):
    evidence = get_evidence_for_user(request.user, pk)
    if not is_owner(request.user, evidence.enrolment):
        raise PermissionDenied
    try:
        services.evidence_submit(student=request.user, evidence=evidence)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Ingediend. Je praktijkopleider beoordeelt het."))
    return redirect("portfolios:evidence", evidence.pk)


@require_POST
@login_required
def evidence_review(request, pk: int):
    evidence = get_evidence_for_user(request.user, pk)
    require_evidence_reviewer(request.user, evidence)
    form = ReviewForm(request.POST)
    query = inbox_queue.InboxQuery.from_data(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == ReviewForm.ACCEPT
        before = inbox_queue.inbox_ids(user=request.user, query=query)
        try:
            services.evidence_review(
                reviewer=request.user,
                evidence=evidence,
                accept=accept,
                feedback=form.cleaned_data["feedback"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            done = _("Goedgekeurd.") if accept else _("Teruggestuurd naar de student.")
            return _next_after_review(request, query, before, evidence, done)
    return _render_evidence(request, evidence, review_form=form, status=400)


def _next_after_review(request, query, before, evidence, done):
    """Open the next waiting item of the same list; back to the inbox when none is left."""
    next_pk = inbox_queue.next_waiting(
        user=request.user, query=query, before=before, current=evidence.pk
    )
    suffix = f"?{query.querystring}" if query.querystring else ""
    if next_pk is None:
        messages.success(request, _("%(done)s Alles beoordeeld.") % {"done": done})
        return redirect(reverse("portfolios:inbox") + suffix)
    messages.success(request, _("%(done)s Dit is het volgende bewijsstuk.") % {"done": done})
    return redirect(reverse("portfolios:evidence", args=[next_pk]) + suffix)


def _werkproces_action(request, enrolment_pk, code, form_name, form, action):
    enrolment = get_enrolment_for_user(request.user, enrolment_pk)
    werkproces = get_werkproces_for_enrolment(enrolment, code)
    require_reviewer(request.user, enrolment)
    if callable(form):
        form = form(enrolment, werkproces)
    if form.is_valid():
        try:
            message = action(enrolment, werkproces, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("portfolios:werkproces", enrolment.pk, werkproces.code)
    return render(
        request,
        "portfolios/werkproces.html",
        _werkproces_context(request, enrolment, werkproces, **{form_name: form}),
        status=400,
    )


@require_POST
@login_required
def sign_off(request, enrolment_pk: int, code: str):
    def form(enrolment, werkproces):
        without = not working_copy.has_accepted_evidence(enrolment=enrolment, werkproces=werkproces)
        return SignOffForm(request.POST, without_evidence=without)

    def action(enrolment, werkproces, data):
        services.werkproces_sign_off(
            actor=request.user,
            enrolment=enrolment,
            werkproces=werkproces,
            declaration=str(services.SIGN_OFF_DECLARATION),
            confirm_without_evidence=data.get("confirm_without_evidence", False),
        )
        return _("Werkproces afgetekend.")

    return _werkproces_action(request, enrolment_pk, code, "sign_off_form", form, action)


@require_POST
@login_required
def sign_off_withdraw(request, enrolment_pk: int, code: str):
    def action(enrolment, werkproces, data):
        services.werkproces_sign_off_withdraw(
            actor=request.user, enrolment=enrolment, werkproces=werkproces, reason=data["reason"]
        )
        return _("Aftekening ingetrokken.")

    return _werkproces_action(
        request,
        enrolment_pk,
        code,
        "withdraw_form",
        ReasonForm(request.POST, prefix="withdraw"),
        action,
    )


@require_POST
@login_required
def feasibility(request, enrolment_pk: int, code: str):
    feasible = request.POST.get("feasible") == "1"

    def action(enrolment, werkproces, data):
        services.werkproces_set_feasibility(
            actor=request.user,
            enrolment=enrolment,
            werkproces=werkproces,
            feasible=feasible,
            reason=data["reason"],
        )
        if feasible:
            return _("Werkproces weer als uitvoerbaar vastgelegd.")
        return _("Vastgelegd als niet uitvoerbaar bij dit leerbedrijf; de mentor ziet dit.")

    return _werkproces_action(
        request,
        enrolment_pk,
        code,
        "feasibility_form",
        ReasonForm(request.POST, prefix="feasibility"),
        action,
    )


@require_GET
@login_required
def inbox(request):
    query = inbox_queue.InboxQuery.from_data(request.GET)
    page, rows, choices = inbox_queue.inbox_page_for(
        user=request.user, query=query, page=request.GET.get("pagina")
    )
    return render(
        request,
        "portfolios/inbox.html",
        {
            "rows": rows,
            "page_obj": page,
            "query": query,
            "choices": choices,
            "sorts": inbox_queue.SORTS,
            "page_query": f"{query.querystring}&" if query.querystring else "",
            "evidence_query": f"?{query.querystring}" if query.querystring else "",
        },
    )


@require_GET
@login_required
def file_download(request, pk: int):
    evidence_file = get_evidence_file_for_user(request.user, pk)
    name = evidence_file.file.name
    if settings.BEKWAAM_X_ACCEL_REDIRECT and storage.on_local_disk(evidence_file.file.storage):
        if not evidence_file.file.storage.exists(name):
            return storage.missing_file_response(request, name)
        # nginx serves the bytes from an internal location; Django has done the access check.
        response = HttpResponse(content_type=evidence_file.content_type)
        response["X-Accel-Redirect"] = "/protected-media/" + quote(name)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=evidence_file.original_name
        )
    else:
        try:
            stream = storage.open_for_download(name, evidence_file.file.storage)
        except FileNotFoundError:
            return storage.missing_file_response(request, name)
        response = FileResponse(
            stream,
            as_attachment=True,
            filename=evidence_file.original_name,
            content_type=evidence_file.content_type,
        )
        response["Content-Length"] = str(stream.size)
    # Never let a browser render an upload inline or guess another type for it.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def file_thumbnail(request, pk: int):
    """A re-encoded preview, under the same access check as the file itself."""
    evidence_file = get_evidence_file_for_user(request.user, pk)
    if not can_have_thumbnail(evidence_file):
        raise Http404
    if not evidence_file.thumbnail:
        # The task has not run yet (or the queue was down): make it now; it is small.
        evidence_file = thumbnail_make(file_id=evidence_file.pk)
        if evidence_file is None or not evidence_file.thumbnail:
            raise Http404
    try:
        stream = storage.open_for_download(
            evidence_file.thumbnail.name, evidence_file.thumbnail.storage
        )
    except FileNotFoundError:
        return storage.missing_file_response(request, evidence_file.thumbnail.name)
    response = FileResponse(stream, content_type="image/jpeg")
    response["Content-Length"] = str(stream.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
