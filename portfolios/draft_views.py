"""The student's own drafts: delete one (a confirmation page, then a POST), take a file out
of one (a POST). Others get 404 (the draft is not theirs to know of) or 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organisation.permissions import is_owner

from . import drafts, working_copy
from .models import EvidenceStatus
from .permissions import get_evidence_file_for_user, get_evidence_for_user


@require_http_methods(["GET", "POST"])
@login_required
def evidence_delete(request, pk: int):
    evidence = get_evidence_for_user(request.user, pk)
    if not is_owner(request.user, evidence.enrolment):
        raise PermissionDenied
    if request.method == "POST":
        try:
            drafts.evidence_delete_draft(student=request.user, evidence=evidence)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("portfolios:evidence", evidence.pk)
        messages.success(request, _("Concept verwijderd."))
        return redirect("portfolios:werkproces", evidence.enrolment_id, evidence.werkproces.code)
    deletable = (
        working_copy.evidence_current_status(evidence) == EvidenceStatus.DRAFT
        and not evidence.versions.exists()
    )
    return render(
        request,
        "portfolios/evidence_delete.html",
        {
            "evidence": evidence,
            "enrolment": evidence.enrolment,
            "deletable": deletable,
            "files": working_copy.working_files(evidence),
        },
        status=200 if deletable else 400,
    )


@require_POST
@login_required
def file_remove(request, pk: int):
    evidence_file = get_evidence_file_for_user(request.user, pk)
    evidence = evidence_file.evidence
    if not is_owner(request.user, evidence.enrolment):
        raise PermissionDenied
    try:
        drafts.evidence_file_remove(student=request.user, evidence_file=evidence_file)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s is uit het bewijsstuk gehaald.") % {"name": evidence_file.original_name},
        )
    return redirect("portfolios:evidence", evidence.pk)
