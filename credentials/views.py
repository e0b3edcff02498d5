"""The student's badges (claim, download, share) and the public documents a verifier needs:
the school's did:web document, its status list, and a shared badge's page."""

import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from organisation.models import Enrolment, School
from qualifications.models import Qualification
from qualifications.selectors import criteria_for, werkprocessen_of

from . import keys, selectors, services
from .models import Credential


def get_credential_for_user(user, uid) -> Credential:
    """Only the student it was issued to; anyone else gets 404."""
    try:
        return selectors.with_revoked(
            Credential.objects.select_related("werkproces", "school", "enrolment__student")
        ).get(uid=uid, enrolment__student_id=user.pk)
    except (Credential.DoesNotExist, ValidationError) as exc:
        raise Http404 from exc


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def badge_list(request):
    enrolments = Enrolment.objects.filter(student=request.user).select_related(
        "qualification", "cohort__school"
    )
    rows = [
        {
            "enrolment": e,
            "claimable": list(selectors.claimable_vaststellingen(user=request.user, enrolment=e)),
            "sign_offs": list(selectors.claimable_sign_offs(user=request.user, enrolment=e)),
            "credentials": selectors.credentials_for(user=request.user, enrolment=e),
        }
        for e in enrolments
    ]
    for row in rows:
        for credential in row["credentials"]:
            credential.revoked = selectors.is_revoked(credential)
    return render(request, "credentials/list.html", {"rows": rows})


@require_POST
@login_required
def badge_claim(request, enrolment_pk: int):
    enrolment = get_object_or_404(Enrolment, pk=enrolment_pk, student=request.user)

    def number(name: str) -> int:
        try:
            return int(request.POST.get(name, ""))
        except ValueError:
            return 0

    try:
        if "aftekening" in request.POST:
            credential = services.credential_claim_sign_off(
                student=request.user, enrolment=enrolment, sign_off_pk=number("aftekening")
            )
        else:
            credential = services.credential_claim(
                student=request.user, enrolment=enrolment, vaststelling_pk=number("vaststelling")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("credentials:list")
    messages.success(request, f"Je badge voor {credential.werkproces.code} staat klaar.")
    return redirect("credentials:list")


@require_GET
@login_required
def badge_json(request, uid):
    credential = get_credential_for_user(request.user, uid)
    body = {"credential": services.decoded(credential)["vc"], "jwt": credential.token}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _attachment(response, f"badge-{credential.werkproces.code}.json")


def baked_png(credential: Credential) -> bytes:
    """A badge image with the credential baked in (Open Badges 3.0: an iTXt chunk named
    openbadgecredential holding the VC-JWT)."""
    image = Image.new("RGB", (400, 400), "#0b5ed7")
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 360, 360), outline="white", width=8)
    draw.text((200, 170), credential.werkproces.code, fill="white", anchor="mm", font_size=40)
    draw.text((200, 230), credential.school.name[:30], fill="white", anchor="mm", font_size=18)
    info = PngInfo()
    info.add_itxt("openbadgecredential", credential.token)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


@require_GET
@login_required
def badge_png(request, uid):
    credential = get_credential_for_user(request.user, uid)
    response = HttpResponse(baked_png(credential), content_type="image/png")
    return _attachment(response, f"badge-{credential.werkproces.code}.png")


@require_GET
def badge_shared(request, uid):
    """The page a student shares with an employer: what the badge says, and whether it
    still holds. Its address is the badge's random id."""
    try:
        credential = selectors.with_revoked(
            Credential.objects.select_related("werkproces", "school", "enrolment__student")
        ).get(uid=uid)
    except (Credential.DoesNotExist, ValidationError) as exc:
        raise Http404 from exc
    return render(
        request,
        "credentials/shared.html",
        {
            "credential": credential,
            "revoked": selectors.is_revoked(credential),
            "document": services.decoded(credential)["vc"],
        },
    )


@require_GET
def did_document(request, school_pk: int):
    get_object_or_404(School, pk=school_pk)
    response = HttpResponse(
        json.dumps(keys.did_document(school_pk), indent=2), content_type="application/did+json"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def status_list(request, school_pk: int):
    school = get_object_or_404(School, pk=school_pk)
    response = HttpResponse(services.status_list_token(school), content_type="application/jwt")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def achievement(request, qualification_pk: int, code: str):
    """What the achievement means, for anyone who follows a badge's achievement id."""
    qualification = get_object_or_404(
        Qualification.objects.select_related("dossier"), pk=qualification_pk
    )
    werkproces = werkprocessen_of(qualification).filter(code=code).first()
    if werkproces is None:
        raise Http404
    return render(
        request,
        "credentials/achievement.html",
        {
            "qualification": qualification,
            "werkproces": werkproces,
            "gedrag": criteria_for(qualification=qualification, werkproces=werkproces),
        },
    )
