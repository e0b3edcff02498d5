"""Issuing a badge: an OpenBadgeCredential (Open Badges 3.0) as a VC-JWT signed with EdDSA.

The achievement is the werkproces, aligned to the kwalificatiedossier (the werkproces code in
the dossier, and the kwalificatie by crebo); its criteria narrative is the gedrag that was
assessed. The issuer is the school, as a did:web that Bekwaam serves (keys.py).

What it attests is said in the credential's description and its result: vastgesteld by
assessors (the result), or, where the school turned it on, signed off by the praktijkopleider
(which is not a vaststelling, and the badge says so).
"""

import datetime

import jwt
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Vaststelling
from config.mail import absolute_url
from organisation.models import Enrolment, School, User
from portfolios.models import SignOffEvent
from qualifications.selectors import criteria_for

from . import keys, selectors
from .models import Credential

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _sign(payload: dict, school: School) -> str:
    return jwt.encode(
        payload,
        keys.private_key(),
        algorithm="EdDSA",
        headers={"kid": keys.signing_kid(school.pk), "typ": "JWT"},
    )


def _day(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment).date(), "DATE_FORMAT")


def attestation(
    *, vaststelling: Vaststelling | None = None, sign_off: SignOffEvent | None = None
) -> tuple[str, str]:
    """(result value, description): what this credential attests, in words a reader (an
    employer, another school) understands; a sign-off is not a vaststelling."""
    with translation.override("nl"):
        if sign_off is not None:
            return _("Afgetekend door de praktijkopleider"), _(
                "Afgetekend door praktijkopleider %(name)s op %(date)s: de student heeft dit "
                "werkproces in de beroepspraktijk laten zien. Dit is een aftekening, geen "
                "vaststelling door assessoren."
            ) % {"name": sign_off.actor_name, "date": _day(sign_off.created_at)}
        return vaststelling.get_outcome_display(), _(
            "Vastgesteld door assessoren op %(date)s met het resultaat %(outcome)s."
        ) % {"date": _day(vaststelling.created_at), "outcome": vaststelling.get_outcome_display()}


def credential_document(
    credential: Credential,
    vaststelling: Vaststelling | None = None,
    sign_off: SignOffEvent | None = None,
) -> dict:
    enrolment = credential.enrolment
    qualification = enrolment.qualification
    dossier = qualification.dossier
    werkproces = credential.werkproces
    school = credential.school
    issuer = keys.school_did(school.pk)
    gedrag = [c.text for c in criteria_for(qualification=qualification, werkproces=werkproces)]
    status_url = absolute_url(reverse("credentials:status_list", args=[school.pk]))
    value, description = attestation(vaststelling=vaststelling, sign_off=sign_off)
    return {
        "@context": CONTEXTS,
        "id": f"urn:uuid:{credential.uid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": school.name},
        "validFrom": _iso(credential.issued_at),
        "name": f"{werkproces.code} {werkproces.title}",
        "description": description,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": enrolment.student.display_name,
            "result": [
                {"type": ["Result"], "value": value},
            ],
            "achievement": {
                "id": absolute_url(
                    reverse("credentials:achievement", args=[qualification.pk, werkproces.code])
                ),
                "type": ["Achievement"],
                "achievementType": "Competency",
                "humanCode": werkproces.code,
                "name": werkproces.title,
                "description": werkproces.omschrijving or werkproces.title,
                "criteria": {"narrative": "\n".join(f"- {line}" for line in gedrag)},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetType": "CFItem",
                        "targetCode": werkproces.code,
                        "targetName": werkproces.title,
                        "targetFramework": f"Kwalificatiedossier {dossier.code} {dossier.title}"
                        f" (versie {dossier.version})",
                        "targetUrl": absolute_url(
                            reverse(
                                "qualifications:werkproces",
                                args=[qualification.pk, werkproces.code],
                            )
                        ),
                    },
                    {
                        "type": ["Alignment"],
                        "targetType": "ceterms:Credential",
                        "targetCode": qualification.crebo or qualification.code,
                        "targetName": qualification.title,
                        "targetFramework": dossier.get_framework_display(),
                        "targetUrl": absolute_url(
                            reverse("qualifications:detail", args=[qualification.pk])
                        ),
                    },
                ],
            },
        },
        "credentialStatus": {
            "id": f"{status_url}#{credential.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(credential.status_index),
            "statusListCredential": status_url,
        },
    }


def _token(document: dict, school: School) -> str:
    issued = datetime.datetime.fromisoformat(document["validFrom"].replace("Z", "+00:00"))
    return _sign(
        {
            "iss": document["issuer"]["id"],
            "jti": document["id"],
            "nbf": int(issued.timestamp()),
            "iat": int(issued.timestamp()),
            "vc": document,
        },
        school,
    )


def _issue(
    *,
    enrolment: Enrolment,
    werkproces,
    vaststelling: Vaststelling | None = None,
    sign_off: SignOffEvent | None = None,
) -> Credential:
    cohort = enrolment.cohort
    if cohort is None:
        raise ValidationError(_("Je zit nog niet in een klas van een school; vraag je mentor."))
    credential = Credential.objects.create(
        enrolment=enrolment,
        werkproces=werkproces,
        vaststelling=vaststelling,
        sign_off=sign_off,
        school=cohort.school,
        token="",
    )
    document = credential_document(credential, vaststelling, sign_off)
    credential.token = _token(document, cohort.school)
    # The token is written once, in the transaction that made the row.
    Credential.objects.filter(pk=credential.pk).update(token=credential.token)
    return credential


@transaction.atomic
def credential_claim(*, student: User, enrolment: Enrolment, vaststelling_pk: int) -> Credential:
    if enrolment.student_id != student.pk:
        raise PermissionDenied
    vaststelling = (
        selectors.claimable_vaststellingen(user=student, enrolment=enrolment)
        .select_for_update(of=("self",))
        .filter(pk=vaststelling_pk)
        .first()
    )
    if vaststelling is None:
        raise ValidationError(
            _("Voor dit resultaat kun je geen badge (meer) aanvragen: het is niet voldoende, "
              "al aangevraagd, of vervangen door een nieuwere vaststelling.")
        )  # fmt: skip
    return _issue(
        enrolment=enrolment,
        werkproces=vaststelling.beoordeling.werkproces,
        vaststelling=vaststelling,
    )


@transaction.atomic
def credential_claim_sign_off(
    *, student: User, enrolment: Enrolment, sign_off_pk: int
) -> Credential:
    """A badge for a werkproces the praktijkopleider signed off, if the school gives those
    (School.badges_on_sign_off); a later withdrawal revokes it (selectors.with_revoked)."""
    if enrolment.student_id != student.pk:
        raise PermissionDenied
    if not selectors.sign_off_badges_on(enrolment):
        raise ValidationError(
            _("Je school geeft geen badges voor een aftekening, alleen voor een werkproces "
              "dat voldoende of goed is vastgesteld.")
        )  # fmt: skip
    sign_off = (
        selectors.claimable_sign_offs(user=student, enrolment=enrolment)
        .select_for_update(of=("self",))
        .filter(pk=sign_off_pk)
        .first()
    )
    if sign_off is None:
        raise ValidationError(
            _("Voor deze aftekening kun je geen badge (meer) aanvragen: ze is al aangevraagd "
              "of ingetrokken.")
        )  # fmt: skip
    return _issue(enrolment=enrolment, werkproces=sign_off.werkproces, sign_off=sign_off)


def status_list_token(school: School) -> str:
    """The school's BitstringStatusListCredential, signed like its badges."""
    url = absolute_url(reverse("credentials:status_list", args=[school.pk]))
    now = timezone.now()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.school_did(school.pk),
        "validFrom": _iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": selectors.encoded_status_list(selectors.revoked_indexes(school)),
        },
    }
    return _sign(
        {"iss": document["issuer"], "jti": url, "iat": int(now.timestamp()), "vc": document},
        school,
    )


decoded = selectors.decoded
