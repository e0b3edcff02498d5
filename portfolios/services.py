"""Writes for evidence, files, review, sign-off and feasibility."""

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.tasks import enqueue_on_commit
from organisation.models import (
    Enrolment,
    User,
)
from organisation.permissions import current_bpv_of, review_bpv_of
from qualifications.models import Criterion, Werkproces
from qualifications.selectors import applies_to, werkprocessen_of

from . import notifications, previews, tasks, thumbnails, uploads
from .events import actor_fields
from .models import (
    Evidence,
    EvidenceEvent,
    EvidenceFile,
    EvidenceLink,
    EvidenceStatus,
    EvidenceVersion,
    EvidenceVersionLink,
    FeasibilityEvent,
    SignOffEvent,
)
from .working_copy import (
    evidence_current_status,
    has_accepted_evidence,
    student_used_bytes,
    working_files,
)

MAX_LINKS = 10


def _check_date(date: datetime.date) -> None:
    # Evidence records something that happened; a future date is a typo.
    if date > timezone.localdate():
        raise ValidationError({"date": _("De datum ligt in de toekomst.")})


def _clean_links(links: Sequence[str]) -> list[str]:
    links = [link.strip() for link in links if link.strip()]
    if len(links) > MAX_LINKS:
        raise ValidationError(
            {"links": _("Voeg hoogstens %(max)d links toe.") % {"max": MAX_LINKS}}
        )
    validate = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            validate(link)
        except ValidationError as exc:
            raise ValidationError(
                {"links": _("%(link)s is geen geldige webadres (http of https).") % {"link": link}}
            ) from exc
    return links


WerkprocesLinks = Mapping[Werkproces, Iterable[Criterion]]


def _clean_werkprocessen(
    *, enrolment: Enrolment, werkprocessen: WerkprocesLinks, main: Werkproces | None
) -> tuple[Werkproces, dict[Werkproces, list[Criterion]]]:
    """Check the werkprocessen (and the gedrag per werkproces) against the student's
    kwalificatie; return the main werkproces and the links in dossier order."""
    chosen = {wp.pk: (wp, list(criteria)) for wp, criteria in werkprocessen.items()}
    if not chosen:
        raise ValidationError(
            {"werkprocessen": _("Kies minstens één werkproces waar dit bewijsstuk bij hoort.")}
        )
    ordered = list(
        werkprocessen_of(enrolment.qualification)
        .filter(pk__in=chosen)
        .order_by("kerntaak__position", "kerntaak__code", "position", "code")
        .values_list("pk", flat=True)
    )
    if len(ordered) != len(chosen):
        raise ValidationError(
            {"werkprocessen": _("Dit werkproces hoort niet bij jouw kwalificatie.")}
        )
    allowed = set(
        Criterion.objects.filter(werkproces_id__in=ordered)
        .filter(applies_to(enrolment.qualification))
        .values_list("werkproces_id", "pk")
    )
    for wp_pk, (_wp, criteria) in chosen.items():
        if any((wp_pk, c.pk) not in allowed for c in criteria):
            raise ValidationError({"criteria": _("Dit gedrag hoort niet bij dit werkproces.")})
    links = {chosen[pk][0]: chosen[pk][1] for pk in ordered}
    main = main if main is not None and main.pk in chosen else chosen[ordered[0]][0]
    return main, links


def _set_links(*, evidence: Evidence, links: dict[Werkproces, list[Criterion]]) -> None:
    existing = {link.werkproces_id: link for link in evidence.wp_links.all()}
    wanted = {wp.pk for wp in links}
    evidence.wp_links.exclude(werkproces_id__in=wanted).delete()
    for werkproces, criteria in links.items():
        link = existing.get(werkproces.pk) or EvidenceLink.objects.create(
            evidence=evidence, werkproces=werkproces
        )
        link.criteria.set(criteria)


def _store_files(
    *, evidence: Evidence, student: User, files: Sequence[uploads.CheckedUpload]
) -> list[EvidenceFile]:
    quota = settings.BEKWAAM_STUDENT_QUOTA_BYTES
    # Two uploads at once from one student must not both fit in the same remaining space.
    User.objects.select_for_update().filter(pk=student.pk).first()
    used = student_used_bytes(student)
    incoming = sum(f.size for f in files)
    if used + incoming > quota:
        raise ValidationError(
            {
                "files": _(
                    "Er is niet genoeg opslagruimte: je gebruikt %(used)s van %(quota)s en deze "
                    "bestanden zijn samen %(incoming)s. Verwijder of verklein bestanden."
                )
                % {
                    "used": filesizeformat(used),
                    "quota": filesizeformat(quota),
                    "incoming": filesizeformat(incoming),
                }
            }
        )
    stored: list[EvidenceFile] = []
    try:
        for checked in files:
            evidence_file = EvidenceFile(
                evidence=evidence,
                original_name=checked.original_name,
                content_type=checked.kind.content_type,
                size=checked.size,
            )
            uploads.save_to(evidence_file.file, checked)
            evidence_file.save()
            stored.append(evidence_file)
            if thumbnails.can_have_thumbnail(evidence_file):
                enqueue_on_commit(tasks.make_thumbnail, evidence_file.pk)
            if previews.needs_preview(evidence_file):
                enqueue_on_commit(tasks.make_preview, evidence_file.pk)
    except BaseException:
        # The rows roll back with the transaction; the files on disk would not.
        for evidence_file in stored:
            evidence_file.file.delete(save=False)
        raise
    return stored


def _lock_evidence(evidence: Evidence) -> Evidence:
    # One writer at a time per bewijsstuk: a double click must not submit or judge twice.
    return Evidence.objects.select_for_update().select_related("enrolment").get(pk=evidence.pk)


def _require_owner(student: User, enrolment: Enrolment) -> None:
    if enrolment.student_id != student.pk:
        raise PermissionDenied


@transaction.atomic
def evidence_create(
    *,
    student: User,
    enrolment: Enrolment,
    werkproces: Werkproces,
    title: str,
    reflection: str,
    date: datetime.date,
    links: Sequence[str] = (),
    criteria: Iterable[Criterion] = (),
    werkprocessen: WerkprocesLinks | None = None,
    files: Sequence[uploads.CheckedUpload] = (),
    form_token: uuid.UUID | None = None,
) -> Evidence:
    """A new draft. `werkprocessen` maps every werkproces it shows to the gedrag it shows
    there; without it, the bewijsstuk serves `werkproces` alone with `criteria`."""
    _require_owner(student, enrolment)
    if werkprocessen is None:
        werkprocessen = {werkproces: criteria}
    main, wp_links = _clean_werkprocessen(
        enrolment=enrolment, werkprocessen=werkprocessen, main=werkproces
    )
    _check_date(date)
    links = _clean_links(links)
    if not files and not links:
        raise ValidationError({"files": _("Voeg minstens één bestand of link toe.")})
    evidence = Evidence(
        enrolment=enrolment,
        werkproces=main,
        title=title,
        reflection=reflection,
        date=date,
        links=links,
        form_token=form_token,
    )
    evidence.full_clean(validate_unique=False)  # the token's uniqueness: the INSERT decides
    evidence.save()
    _set_links(evidence=evidence, links=wp_links)
    _store_files(evidence=evidence, student=student, files=files)
    return evidence


@transaction.atomic
def evidence_update(
    *,
    student: User,
    evidence: Evidence,
    title: str,
    reflection: str,
    date: datetime.date,
    links: Sequence[str] = (),
    criteria: Iterable[Criterion] = (),
    werkprocessen: WerkprocesLinks | None = None,
    files: Sequence[uploads.CheckedUpload] = (),
    remove_files: Iterable[EvidenceFile] = (),
) -> Evidence:
    """Change the working copy. Submitted versions are snapshots and stay as they were.

    `werkprocessen` replaces every link; without it the other links stay and `criteria`
    becomes the gedrag of the main werkproces."""
    evidence = _lock_evidence(evidence)
    _require_owner(student, evidence.enrolment)
    status = evidence_current_status(evidence)
    if status not in {EvidenceStatus.DRAFT, EvidenceStatus.RETURNED}:
        raise ValidationError(
            _("Een ingediend of goedgekeurd bewijsstuk kun je niet meer wijzigen.")
        )
    _check_date(date)
    links = _clean_links(links)
    current = list(working_files(evidence))
    remove_ids = {f.pk for f in remove_files}
    if not remove_ids <= {f.pk for f in current}:
        raise ValidationError({"remove_files": _("Dat bestand hoort niet bij dit bewijsstuk.")})
    if not files and not links and len(current) == len(remove_ids):
        raise ValidationError({"files": _("Voeg minstens één bestand of link toe.")})
    if werkprocessen is None:
        werkprocessen = {
            link.werkproces: list(link.criteria.all())
            for link in evidence.wp_links.select_related("werkproces")
        }
        werkprocessen[evidence.werkproces] = criteria
    main, wp_links = _clean_werkprocessen(
        enrolment=evidence.enrolment, werkprocessen=werkprocessen, main=evidence.werkproces
    )
    evidence.werkproces = main
    evidence.title = title
    evidence.reflection = reflection
    evidence.date = date
    evidence.links = links
    evidence.full_clean()
    evidence.save()
    _set_links(evidence=evidence, links=wp_links)
    _remove_working_files(evidence=evidence, files=[f for f in current if f.pk in remove_ids])
    _store_files(evidence=evidence, student=student, files=files)
    return evidence


def _remove_working_files(*, evidence: Evidence, files: Sequence[EvidenceFile]) -> None:
    for evidence_file in files:
        if evidence_file.versions.exists():
            # Part of a submitted version, which must stay readable: only leave the draft.
            evidence_file.removed_at = timezone.now()
            evidence_file.save(update_fields=["removed_at"])
        else:
            # Never submitted, so nobody else has seen it: free the space for real, once
            # the row is gone for sure.
            _delete_file(evidence_file)


def _delete_file(evidence_file: EvidenceFile) -> None:
    """Delete a never-submitted file's row, then (once that is committed) its bytes and
    everything made from them, so the quota and the storage are freed for real."""
    names = [(evidence_file.file.storage, evidence_file.file.name)]
    names += previews.stored_names([evidence_file])
    evidence_file.delete()
    for storage, name in names:
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


@transaction.atomic
def evidence_submit(*, student: User, evidence: Evidence) -> EvidenceEvent:
    """Freeze the working copy into a new version and put it in the praktijkopleider's inbox."""
    evidence = _lock_evidence(evidence)
    _require_owner(student, evidence.enrolment)
    status = evidence_current_status(evidence)
    if status not in {EvidenceStatus.DRAFT, EvidenceStatus.RETURNED}:
        raise ValidationError(_("Dit bewijsstuk is al ingediend."))
    number = evidence.versions.count() + 1
    version = EvidenceVersion.objects.create(
        evidence=evidence,
        number=number,
        title=evidence.title,
        reflection=evidence.reflection,
        date=evidence.date,
        links=list(evidence.links),
    )
    # What it was submitted for stays readable, whatever the working copy says later.
    for link in evidence.wp_links.prefetch_related("criteria"):
        frozen = EvidenceVersionLink.objects.create(
            version=version, werkproces_id=link.werkproces_id
        )
        frozen.criteria.set(link.criteria.all())
    version.files.set(working_files(evidence))
    event = EvidenceEvent.objects.create(
        evidence=evidence,
        version=version,
        kind=EvidenceEvent.Kind.SUBMITTED,
        **actor_fields(student),
    )
    # In the event's transaction: the notifications commit (or roll back) with it.
    notifications.notify_submitted(event=event)
    return event


@transaction.atomic
def evidence_review(
    *, reviewer: User, evidence: Evidence, accept: bool, feedback: str = ""
) -> EvidenceEvent:
    evidence = _lock_evidence(evidence)
    latest = evidence.versions.order_by("-number").first()
    submitted_on = timezone.localdate(latest.submitted_at) if latest else None
    if review_bpv_of(reviewer, evidence.enrolment, submitted_on) is None:
        raise PermissionDenied
    if evidence_current_status(evidence) != EvidenceStatus.SUBMITTED:
        raise ValidationError(_("Dit bewijsstuk wacht niet (meer) op beoordeling."))
    feedback = feedback.strip()
    if not accept and not feedback:
        raise ValidationError(
            {"feedback": _("Schrijf bij het terugsturen wat de student moet verbeteren.")}
        )
    version = evidence.versions.order_by("-number").first()
    event = EvidenceEvent.objects.create(
        evidence=evidence,
        version=version,
        kind=EvidenceEvent.Kind.ACCEPTED if accept else EvidenceEvent.Kind.RETURNED,
        feedback=feedback,
        **actor_fields(reviewer),
    )
    notifications.notify_reviewed(event=event)
    return event


# --- Sign-off and "niet uitvoerbaar" ---------------------------------------------------------

SIGN_OFF_DECLARATION = gettext_lazy(
    "Ik verklaar dat de student dit werkproces in de beroepspraktijk heeft uitgevoerd op het "
    "niveau dat de kwalificatie vraagt."
)


def _require_werkproces(enrolment: Enrolment, werkproces: Werkproces) -> None:
    if not werkprocessen_of(enrolment.qualification).filter(pk=werkproces.pk).exists():
        raise ValidationError(_("Dit werkproces hoort niet bij de kwalificatie van de student."))


def _latest_kind(model, *, enrolment: Enrolment, werkproces: Werkproces, **more) -> str | None:
    return model.objects.current_kind(enrolment=enrolment, werkproces=werkproces, **more)


def _lock_enrolment(enrolment: Enrolment) -> Enrolment:
    # Serialises concurrent sign-offs of one student, so two clicks make one event.
    return Enrolment.objects.select_for_update().get(pk=enrolment.pk)


@transaction.atomic
def werkproces_sign_off(
    *,
    actor: User,
    enrolment: Enrolment,
    werkproces: Werkproces,
    declaration: str,
    confirm_without_evidence: bool = False,
) -> SignOffEvent:
    """Sign off a werkproces. Refused where this leerbedrijf reported it niet uitvoerbaar;
    without accepted evidence only with `confirm_without_evidence`, which the event keeps."""
    enrolment = _lock_enrolment(enrolment)
    bpv = current_bpv_of(actor, enrolment)
    if bpv is None:
        raise PermissionDenied
    _require_werkproces(enrolment, werkproces)
    if not declaration.strip():
        raise ValidationError(_("Een aftekening vraagt een verklaring."))
    kind = _latest_kind(SignOffEvent, enrolment=enrolment, werkproces=werkproces)
    if kind == SignOffEvent.Kind.SIGNED:
        raise ValidationError(_("Dit werkproces is al afgetekend."))
    feasibility = _latest_kind(
        FeasibilityEvent, enrolment=enrolment, werkproces=werkproces, leerbedrijf=bpv.leerbedrijf
    )
    if feasibility == FeasibilityEvent.Kind.NOT_FEASIBLE:
        raise ValidationError(
            _(
                "Je hebt dit werkproces gemeld als niet uitvoerbaar bij dit leerbedrijf, dus "
                "je kunt het niet aftekenen. Heeft de student het toch gedaan? Meld het dan "
                "eerst weer als uitvoerbaar."
            )
        )
    without_evidence = not has_accepted_evidence(enrolment=enrolment, werkproces=werkproces)
    if without_evidence and not confirm_without_evidence:
        raise ValidationError(
            {
                "confirm_without_evidence": _(
                    "Er is nog geen goedgekeurd bewijs voor dit werkproces. Bevestig dat je "
                    "toch aftekent, of keur eerst bewijs goed."
                )
            }
        )
    event = SignOffEvent.objects.create(
        enrolment=enrolment,
        werkproces=werkproces,
        kind=SignOffEvent.Kind.SIGNED,
        declaration=declaration.strip(),
        without_evidence=without_evidence,
        **actor_fields(actor),
    )
    notifications.notify_sign_off(event=event)
    return event


@transaction.atomic
def werkproces_sign_off_withdraw(
    *, actor: User, enrolment: Enrolment, werkproces: Werkproces, reason: str
) -> SignOffEvent:
    enrolment = _lock_enrolment(enrolment)
    if current_bpv_of(actor, enrolment) is None:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden voor het intrekken.")})
    kind = _latest_kind(SignOffEvent, enrolment=enrolment, werkproces=werkproces)
    if kind != SignOffEvent.Kind.SIGNED:
        raise ValidationError(_("Dit werkproces is niet afgetekend."))
    event = SignOffEvent.objects.create(
        enrolment=enrolment,
        werkproces=werkproces,
        kind=SignOffEvent.Kind.WITHDRAWN,
        reason=reason.strip(),
        **actor_fields(actor),
    )
    notifications.notify_sign_off(event=event)
    return event


@transaction.atomic
def werkproces_set_feasibility(
    *, actor: User, enrolment: Enrolment, werkproces: Werkproces, feasible: bool, reason: str
) -> FeasibilityEvent:
    """Mark a werkproces "niet uitvoerbaar bij dit leerbedrijf" (or undo that), with a reason
    the mentor reads when looking for another place to do it."""
    enrolment = _lock_enrolment(enrolment)
    bpv = current_bpv_of(actor, enrolment)
    if bpv is None:
        raise PermissionDenied
    _require_werkproces(enrolment, werkproces)
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden.")})
    kind = _latest_kind(FeasibilityEvent, enrolment=enrolment, werkproces=werkproces)
    currently_feasible = kind != FeasibilityEvent.Kind.NOT_FEASIBLE
    if currently_feasible == feasible:
        raise ValidationError(_("Dit is al zo vastgelegd."))
    return FeasibilityEvent.objects.create(
        enrolment=enrolment,
        werkproces=werkproces,
        leerbedrijf=bpv.leerbedrijf,
        kind=FeasibilityEvent.Kind.FEASIBLE if feasible else FeasibilityEvent.Kind.NOT_FEASIBLE,
        reason=reason.strip(),
        **actor_fields(actor),
    )
