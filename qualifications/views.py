import dataclasses

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors
from .export import export_filename, qualification_as_json
from .forms import SbbImportForm
from .permissions import (
    can_import_dossiers,
    get_qualification_for_user,
    get_werkproces_for_user,
    qualifications_for,
)
from .sbb.importer import DossierOutcome, ImportReport, SbbImportError, import_sbb_xml
from .sbb.parse import too_large_message

SBB_REPORT_KEY = "bekwaam_sbb_import_report"


@require_GET
@login_required
def qualification_list(request):
    qualifications = qualifications_for(user=request.user)
    return render(request, "qualifications/list.html", {"qualifications": qualifications})


@require_GET
@login_required
def qualification_detail(request, pk: int):
    qualification = get_qualification_for_user(request.user, pk)
    tree = selectors.qualification_tree(qualification=qualification)
    return render(
        request,
        "qualifications/detail.html",
        {
            "qualification": qualification,
            "dossier": qualification.dossier,
            "terms": qualification.dossier.terms,
            "tree": tree,
            "generieke_onderdelen": selectors.generieke_onderdelen_for(qualification=qualification),
        },
    )


@require_GET
@login_required
def qualification_export(request, pk: int):
    """The kwalificatie as JSON, the same as ``export_qualification`` prints."""
    qualification = get_qualification_for_user(request.user, pk)
    response = HttpResponse(
        qualification_as_json(qualification), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export_filename(qualification)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def werkproces_detail(request, pk: int, code: str):
    qualification = get_qualification_for_user(request.user, pk)
    werkproces = get_werkproces_for_user(request.user, qualification, code)
    detail = selectors.werkproces_detail(qualification=qualification, werkproces=werkproces)
    return render(
        request,
        "qualifications/werkproces.html",
        {
            "qualification": qualification,
            "dossier": qualification.dossier,
            "terms": qualification.dossier.terms,
            "kerntaak": werkproces.kerntaak,
            "detail": detail,
        },
    )


# Room for the multipart framing and the other form fields around the file itself.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


# CSRF is checked in _sbb_import_form, after the size check: the CSRF middleware reads the
# whole request body, which for an oversized upload is exactly what we want to avoid.
@login_required
@require_http_methods(["GET", "POST"])
@csrf_exempt
def sbb_import(request):
    """Beheerders upload SBB's XML export. For anyone else the page does not exist."""
    if not can_import_dossiers(request.user):
        raise Http404
    limit = settings.SBB_XML_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if request.method == "POST" and declared > limit + UPLOAD_OVERHEAD_BYTES:
        context = {"form": SbbImportForm(), "upload_error": too_large_message(limit)}
        return render(request, "qualifications/sbb_import.html", context, status=413)
    return _sbb_import_form(request)


@csrf_protect
def _sbb_import_form(request):
    report = None
    if request.method == "POST":
        form = SbbImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = import_sbb_xml(
                    source=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                    user=request.user,
                )
            except SbbImportError as exc:
                form.add_error("file", exc)
            else:
                # Post, redirect, get: the report waits in the session (plain values), so a
                # reload shows it again instead of uploading the file a second time.
                request.session[SBB_REPORT_KEY] = dataclasses.asdict(report)
                return redirect("qualifications:sbb_import")
    else:
        form = SbbImportForm()
        stored = request.session.pop(SBB_REPORT_KEY, None)
        if stored is not None:
            report = ImportReport(
                dry_run=stored["dry_run"],
                dossiers=[DossierOutcome(**outcome) for outcome in stored["dossiers"]],
            )
    return render(request, "qualifications/sbb_import.html", {"form": form, "report": report})
