"""Writes for assessments. Everything exam-relevant is inserted, never updated or deleted:
a submission freezes one assessor's scores, a vaststelling the agreed result, and a
correction is a new vaststelling with its reason (see models.py)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from organisation.models import Enrolment, User
from portfolios.models import SignOffEvent
from qualifications.models import Criterion, Werkproces
from qualifications.selectors import criteria_for, werkprocessen_of

from . import cesuur, notifications
from .models import (
    AssessmentPolicy,
    Beoordeling,
    CrucialCriterion,
    FinalScore,
    RatingScale,
    ScoreDraft,
    Submission,
    SubmittedScore,
    Vaststelling,
)
from .permissions import can_assess
from .policies import levels_of, policy_for


class StaleEdit(Exception):
    """Someone saved this beoordeling after the form was opened. Carries what is stored now
    so the page can show what changed, next to the user's own input (which is kept)."""

    def __init__(
        self, *, current: dict[int, tuple[int | None, str]], by: str, at, revision: int, note=""
    ):
        super().__init__("stale")
        self.revision = revision
        self.current = current
        self.by = by
        self.at = at
        self.note = note


@dataclass
class ScoreInput:
    value: int | None
    comment: str = ""


@dataclass
class Context:
    """Everything a scoring write checks against, loaded once."""

    beoordeling: Beoordeling
    criteria: list[Criterion]
    crucial: set[int]
    levels: list[cesuur.Level] = field(default_factory=list)


def _require_assessor(user: User, enrolment: Enrolment) -> None:
    if not can_assess(user, enrolment):
        raise PermissionDenied


def _context(beoordeling: Beoordeling) -> Context:
    criteria = list(
        criteria_for(
            qualification=beoordeling.enrolment.qualification, werkproces=beoordeling.werkproces
        ).order_by("position")
    )
    crucial = set(
        CrucialCriterion.objects.filter(criterion__in=criteria).values_list(
            "criterion_id", flat=True
        )
    )
    return Context(beoordeling, criteria, crucial, levels_of(beoordeling.scale))


@transaction.atomic
def beoordeling_start(*, assessor: User, enrolment: Enrolment, werkproces: Werkproces):
    """The beoordeling of this werkproces, begun now with today's policy if it is new."""
    _require_assessor(assessor, enrolment)
    if not werkprocessen_of(enrolment.qualification).filter(pk=werkproces.pk).exists():
        raise ValidationError(_("Dit werkproces hoort niet bij de kwalificatie van de student."))
    existing = Beoordeling.objects.filter(enrolment=enrolment, werkproces=werkproces).first()
    if existing:
        return existing
    last_sign_off = SignOffEvent.objects.current_kind(enrolment=enrolment, werkproces=werkproces)
    # Assessing is the last step: the praktijkopleider has declared the student can do it.
    if last_sign_off != SignOffEvent.Kind.SIGNED:
        raise ValidationError(_("Dit werkproces is nog niet afgetekend door de praktijkopleider."))
    policy = policy_for(werkproces)
    beoordeling, _created = Beoordeling.objects.get_or_create(
        enrolment=enrolment,
        werkproces=werkproces,
        defaults={
            "scale": policy.scale,
            "four_eyes": policy.four_eyes,
            "min_share_for_goed": policy.min_share_for_goed,
            "max_onvoldoende": policy.max_onvoldoende,
        },
    )
    return beoordeling


def _lock(beoordeling: Beoordeling) -> Beoordeling:
    # One writer at a time per beoordeling: two hand-ins cannot both think they are first.
    return (
        Beoordeling.objects.select_for_update()
        .select_related("enrolment__qualification", "werkproces", "scale")
        .get(pk=beoordeling.pk)
    )


def _draft_json(scores: Mapping[int, ScoreInput]) -> dict:
    return {str(cid): {"value": s.value, "comment": s.comment.strip()} for cid, s in scores.items()}


def draft_as_inputs(draft: ScoreDraft | None) -> dict[int, tuple[int | None, str]]:
    if draft is None:
        return {}
    return {int(k): (v.get("value"), v.get("comment", "")) for k, v in draft.scores.items()}


@transaction.atomic
def draft_save(
    *, assessor: User, beoordeling: Beoordeling, scores: Mapping[int, ScoreInput], revision: int
) -> ScoreDraft:
    """Keep work in progress. A save based on an older revision is refused (StaleEdit)
    rather than silently overwriting what was saved in between, e.g. from another tab."""
    _require_assessor(assessor, beoordeling.enrolment)
    if Submission.objects.filter(beoordeling=beoordeling, assessor=assessor).exists():
        raise ValidationError(_("Je hebt je scores al ingediend."))
    data = _draft_json(scores)
    if revision == 0:
        try:
            with transaction.atomic():
                return ScoreDraft.objects.create(
                    beoordeling=beoordeling, assessor=assessor, scores=data, revision=1
                )
        except IntegrityError:
            pass  # created meanwhile: fall through to the stale check below
    updated = ScoreDraft.objects.filter(
        beoordeling=beoordeling, assessor=assessor, revision=revision
    ).update(scores=data, revision=revision + 1)
    draft = ScoreDraft.objects.filter(beoordeling=beoordeling, assessor=assessor).first()
    if draft is None:
        # A revision of a draft that was never saved: a stale or hand-made form.
        raise ValidationError(
            _("Dit concept bestaat niet (meer). Laad de pagina opnieuw en bewaar dan.")
        )
    if not updated:
        raise StaleEdit(
            current=draft_as_inputs(draft),
            by=assessor.display_name,
            at=draft.updated_at,
            revision=draft.revision,
        )
    return draft


def _complete(ctx: Context, scores: Mapping[int, ScoreInput]) -> list[cesuur.Score]:
    complete = [
        cesuur.Score(
            criterion_id=cid, value=s.value, comment=s.comment.strip(), crucial=cid in ctx.crucial
        )
        for cid, s in scores.items()
        if s.value is not None
    ]
    try:
        cesuur.check_scores(
            levels=ctx.levels, criterion_ids=[c.pk for c in ctx.criteria], scores=complete
        )
    except cesuur.ScoreError as exc:
        key = f"score_{exc.criterion_id}" if exc.criterion_id else "__all__"
        raise ValidationError({key: exc.message}) from exc
    return complete


def _record(
    *,
    ctx: Context,
    actor: User,
    scores: list[cesuur.Score],
    assessor_names: str,
    reason: str = "",
    feedback: str = "",
) -> Vaststelling:
    b = ctx.beoordeling
    result = cesuur.outcome_of(
        levels=ctx.levels,
        scores=scores,
        min_share_for_goed=b.min_share_for_goed,
        max_onvoldoende=b.max_onvoldoende,
    )
    number = (b.vaststellingen.order_by("-number").values_list("number", flat=True).first()) or 0
    vaststelling = Vaststelling.objects.create(
        beoordeling=b,
        number=number + 1,
        outcome=result.outcome,
        points=result.points,
        max_points=result.max_points,
        reason=reason,
        feedback=feedback.strip(),
        assessor_names=assessor_names,
        recorded_by=actor,
        recorded_by_name=actor.display_name,
    )
    levels = {lv.value: lv for lv in ctx.levels}
    texts = {c.pk: c.text for c in ctx.criteria}
    FinalScore.objects.bulk_create(
        FinalScore(
            vaststelling=vaststelling,
            criterion_id=s.criterion_id,
            criterion_text=texts[s.criterion_id],
            crucial=s.crucial,
            value=s.value,
            level_label=levels[s.value].label,
            passing=levels[s.value].passing,
            comment=s.comment,
        )
        for s in sorted(scores, key=lambda s: list(texts).index(s.criterion_id))
    )
    # In the transaction that records the result: the student is told exactly when it holds.
    notifications.notify_result(vaststelling=vaststelling)
    return vaststelling


def latest_vaststelling(beoordeling: Beoordeling) -> Vaststelling | None:
    return beoordeling.vaststellingen.order_by("-number").first()


def final_as_inputs(vaststelling: Vaststelling | None) -> dict[int, tuple[int | None, str]]:
    if vaststelling is None:
        return {}
    return {s.criterion_id: (s.value, s.comment) for s in vaststelling.scores.all()}


@transaction.atomic
def scores_submit(
    *,
    assessor: User,
    beoordeling: Beoordeling,
    scores: Mapping[int, ScoreInput],
    feedback: str = "",
) -> Submission:
    """Hand in one assessor's scores. With one assessor that is also the vaststelling; with
    two, the result is set once both have handed in (vaststelling_record)."""
    _require_assessor(assessor, beoordeling.enrolment)
    b = _lock(beoordeling)
    ctx = _context(b)
    latest = latest_vaststelling(b)
    if latest is not None:
        # Someone else finalised it while this assessor was scoring: show what was recorded.
        raise StaleEdit(
            current=final_as_inputs(latest),
            by=latest.recorded_by_name,
            at=latest.created_at,
            revision=latest.number,
            note=_("De beoordeling is intussen vastgesteld."),
        )
    if Submission.objects.filter(beoordeling=b, assessor=assessor).exists():
        raise ValidationError(_("Je hebt je scores al ingediend."))
    needed = 2 if b.four_eyes else 1
    if Submission.objects.filter(beoordeling=b).count() >= needed:
        raise ValidationError(_("De assessoren van deze beoordeling hebben al ingediend."))
    complete = _complete(ctx, scores)
    submission = Submission.objects.create(
        beoordeling=b, assessor=assessor, assessor_name=assessor.display_name
    )
    SubmittedScore.objects.bulk_create(
        SubmittedScore(submission=submission, criterion_id=s.criterion_id, value=s.value,
                       comment=s.comment)
        for s in complete
    )  # fmt: skip
    if not b.four_eyes:
        _record(
            ctx=ctx, actor=assessor, scores=complete, assessor_names=assessor.display_name,
            feedback=feedback,
        )  # fmt: skip
    return submission


@transaction.atomic
def vaststelling_record(
    *,
    assessor: User,
    beoordeling: Beoordeling,
    scores: Mapping[int, ScoreInput],
    feedback: str = "",
) -> Vaststelling:
    """4-ogen: one of the two assessors records the scores both agreed on, with both names."""
    _require_assessor(assessor, beoordeling.enrolment)
    b = _lock(beoordeling)
    ctx = _context(b)
    latest = latest_vaststelling(b)
    if latest is not None:
        # The other assessor was quicker: show what they recorded instead of a second v1.
        raise StaleEdit(
            current=final_as_inputs(latest),
            by=latest.recorded_by_name,
            at=latest.created_at,
            revision=latest.number,
            note=_("De beoordeling is intussen vastgesteld."),
        )
    submissions = list(Submission.objects.filter(beoordeling=b))
    if not b.four_eyes or len(submissions) < 2:
        raise ValidationError(_("Beide assessoren moeten eerst hun scores indienen."))
    if assessor.pk not in {s.assessor_id for s in submissions}:
        raise PermissionDenied
    complete = _complete(ctx, scores)
    names = _(" en ").join(s.assessor_name for s in submissions)
    return _record(
        ctx=ctx, actor=assessor, scores=complete, assessor_names=names, feedback=feedback
    )


@transaction.atomic
def vaststelling_correct(
    *,
    assessor: User,
    beoordeling: Beoordeling,
    scores: Mapping[int, ScoreInput],
    reason: str,
    based_on: int,
    feedback: str = "",
) -> Vaststelling:
    """A correction of a vastgestelde beoordeling: a new version with its reason; the old
    version stays, unchanged, in the history."""
    _require_assessor(assessor, beoordeling.enrolment)
    b = _lock(beoordeling)
    ctx = _context(b)
    latest = latest_vaststelling(b)
    if latest is None:
        raise ValidationError(_("Er is nog niets vastgesteld om te corrigeren."))
    if latest.number != based_on:
        raise StaleEdit(
            current=final_as_inputs(latest),
            by=latest.recorded_by_name,
            at=latest.created_at,
            revision=latest.number,
            note=latest.reason,
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Geef de reden van de correctie.")})
    complete = _complete(ctx, scores)
    return _record(
        ctx=ctx,
        actor=assessor,
        scores=complete,
        assessor_names=assessor.display_name,
        reason=reason.strip(),
        feedback=feedback,
    )


# --- Configuration by the beheerder (console at /school/beoordeling/) ------------------------


@transaction.atomic
def assessment_policy_set(
    *,
    dossier=None,
    kerntaak=None,
    scale: RatingScale,
    four_eyes: bool,
    min_share_for_goed: Decimal,
    max_onvoldoende: int,
) -> AssessmentPolicy:
    """Set the policy of a dossier or of one kerntaak (which then wins over the dossier's).

    Beoordelingen already begun keep the rules copied into them; this applies to new ones.
    """
    if (dossier is None) == (kerntaak is None):
        raise ValidationError(_("Kies een dossier of een kerntaak."))
    policy = AssessmentPolicy.objects.filter(dossier=dossier, kerntaak=kerntaak).first()
    if policy is None:
        policy = AssessmentPolicy(dossier=dossier, kerntaak=kerntaak)
    policy.scale = scale
    policy.four_eyes = four_eyes
    policy.min_share_for_goed = min_share_for_goed
    policy.max_onvoldoende = max_onvoldoende
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def crucial_criteria_set(*, kerntaak, criteria) -> None:
    """Which criteria of this kerntaak's werkprocessen are cruciaal (knock-out)."""
    criteria = list(criteria)
    if any(c.werkproces.kerntaak_id != kerntaak.pk for c in criteria):
        raise ValidationError(_("Dit criterium hoort niet bij deze kerntaak."))
    keep = {c.pk for c in criteria}
    CrucialCriterion.objects.filter(criterion__werkproces__kerntaak=kerntaak).exclude(
        criterion_id__in=keep
    ).delete()
    have = set(
        CrucialCriterion.objects.filter(criterion_id__in=keep).values_list(
            "criterion_id", flat=True
        )
    )
    for criterion in criteria:
        if criterion.pk not in have:
            CrucialCriterion(criterion=criterion).save()
