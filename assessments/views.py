from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.forms import apply_errors
from organisation.models import User
from portfolios.permissions import get_werkproces_for_enrolment

from . import lists, selectors, services
from .forms import ScoresForm, initial_for
from .permissions import get_enrolment_for_assessor, get_result_enrolment_for_user


@require_GET
@login_required
def queue(request):
    page, rows = lists.queue_page(user=request.user, page=request.GET.get("pagina"))
    return render(request, "assessments/queue.html", {"rows": rows, "page_obj": page})


def _initial(page) -> tuple[dict, int]:
    """What the form starts from, and the revision it is based on."""
    if page.mode == "final":
        latest = page.latest
        values = {s.criterion_id: (s.value, s.comment) for s in latest.scores}
        return initial_for(values) | {"feedback": latest.vaststelling.feedback}, (
            latest.vaststelling.number
        )
    if page.mode == "agree":
        # Start from the scores where both agree; a difference must be chosen on purpose.
        values = {
            row.criterion.pk: (row.others[0][1] if not row.differs else None, "")
            for row in page.rows
        }
        return initial_for(values), 0
    values = {row.criterion.pk: row.mine for row in page.rows}
    return initial_for(values), page.draft.revision if page.draft else 0


def _conflict(page, exc: services.StaleEdit, form) -> dict:
    """What the other save changed, compared with what this user typed."""
    labels = {lv.value: f"{lv.value} – {lv.label}" for lv in page.levels}
    changes = []
    for row in page.rows:
        stored_value, stored_comment = exc.current.get(row.criterion.pk, (None, ""))
        mine = form.cleaned_data.get(f"score_{row.criterion.pk}")
        my_comment = (form.cleaned_data.get(f"comment_{row.criterion.pk}") or "").strip()
        if stored_value != mine or stored_comment.strip() != my_comment:
            changes.append(
                {
                    "criterion": row.criterion.text,
                    "stored": labels.get(stored_value, "—"),
                    "stored_comment": stored_comment,
                    "mine": labels.get(mine, "—"),
                    "my_comment": my_comment,
                }
            )
    return {"by": exc.by, "at": exc.at, "note": exc.note, "changes": changes}


def _post(request, page, form):
    """Run the chosen action; returns a redirect, or None to show the form again."""
    action = form.cleaned_data["action"]
    scores = form.scores()
    beoordeling = page.beoordeling or services.beoordeling_start(
        assessor=request.user, enrolment=page.enrolment, werkproces=page.werkproces
    )
    if action == "save":
        services.draft_save(
            assessor=request.user,
            beoordeling=beoordeling,
            scores=scores,
            revision=form.cleaned_data["revision"],
        )
        messages.success(request, _("Concept bewaard."))
    elif action == "submit":
        services.scores_submit(
            assessor=request.user,
            beoordeling=beoordeling,
            scores=scores,
            feedback=form.cleaned_data["feedback"],
        )
        messages.success(
            request,
            _("Scores ingediend. Na de tweede assessor stellen jullie de uitslag samen vast.")
            if beoordeling.four_eyes
            else _("De beoordeling is vastgesteld."),
        )
    elif action == "agree":
        services.vaststelling_record(
            assessor=request.user,
            beoordeling=beoordeling,
            scores=scores,
            feedback=form.cleaned_data["feedback"],
        )
        messages.success(request, _("De beoordeling is vastgesteld."))
    else:
        services.vaststelling_correct(
            assessor=request.user,
            beoordeling=beoordeling,
            scores=scores,
            reason=form.cleaned_data["reason"],
            based_on=form.cleaned_data["revision"],
            feedback=form.cleaned_data["feedback"],
        )
        messages.success(request, _("Correctie vastgelegd als nieuwe versie."))
    return redirect("assessments:beoordeling", page.enrolment.pk, page.werkproces.code)


@require_http_methods(["GET", "POST"])
@login_required
def beoordeling(request, enrolment_pk: int, code: str):
    enrolment = get_enrolment_for_assessor(request.user, enrolment_pk)
    werkproces = get_werkproces_for_enrolment(enrolment, code)
    page = selectors.beoordeling_page_for(
        user=request.user, enrolment=enrolment, werkproces=werkproces
    )
    initial, revision = _initial(page)
    form_kwargs = {"rows": page.rows, "levels": page.levels}
    conflict = None
    status = 200
    if request.method == "POST":
        form = ScoresForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                # Starting the beoordeling and the action are one write: a refused action
                # must not leave a new Beoordeling behind (the database keeps it for ever).
                with transaction.atomic():
                    return _post(request, page, form)
            except services.StaleEdit as exc:
                conflict = _conflict(page, exc, form)
                page = selectors.beoordeling_page_for(
                    user=request.user, enrolment=enrolment, werkproces=werkproces
                )
                # Keep the user's input, but base it on what is stored now: saving again is
                # a deliberate choice made after seeing the differences.
                data = request.POST.copy()
                data["revision"] = str(exc.revision)
                form = ScoresForm(data, rows=page.rows, levels=page.levels)
                form.is_valid()
                status = 409
            except ValidationError as exc:
                apply_errors(form, exc)
        if status == 200:
            status = 400
    else:
        form = ScoresForm(initial=initial | {"revision": revision}, **form_kwargs)
    return render(
        request,
        "assessments/beoordeling.html",
        {
            "page": page,
            "enrolment": enrolment,
            "werkproces": werkproces,
            "form": form,
            "items": list(zip(page.rows, form.pairs(), strict=True)),
            "conflict": conflict,
            "terms": enrolment.qualification.dossier.terms,
        },
        status=status,
    )


@require_GET
@login_required
def results_list(request):
    page, rows = lists.results_page(user=request.user, page=request.GET.get("pagina"))
    if page.paginator.count == 1 and request.user.role == User.Role.STUDENT:
        return redirect("assessments:results", rows[0].enrolment.pk)
    return render(request, "assessments/results_list.html", {"rows": rows, "page_obj": page})


@require_GET
@login_required
def results(request, enrolment_pk: int):
    enrolment = get_result_enrolment_for_user(request.user, enrolment_pk)
    rows = selectors.results_for(user=request.user, enrolment=enrolment)
    return render(
        request,
        "assessments/results.html",
        {"enrolment": enrolment, "rows": rows, "is_owner": enrolment.student_id == request.user.pk},
    )
