"""The teachers' dashboard: klassen at a glance, one klas as a matrix, and its exports."""

import csv
import heapq
import io
import re
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from config.replica import reads_from_replica
from organisation.models import User
from organisation.permissions import get_cohort_for_user, is_school_wide, visible_cohorts
from qualifications.models import Qualification

from .selectors import (
    DEFAULT_REVIEW_DAYS,
    ICONS,
    SHORT_LABELS,
    SORTS,
    Filters,
    cohort_overview_page,
    dashboard_for,
    short_label,
)

MATRIX_PAGE_SIZE = 100


def _require_staff(user) -> None:
    # Students, praktijkopleiders and assessors have no klassen here: the page does not exist.
    if not (is_school_wide(user) or user.role == User.Role.DOCENT):
        raise Http404


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
@login_required
@reads_from_replica
def cohort_list(request):
    _require_staff(request.user)
    cohort_pk = _int_or_none(request.GET.get("klas"))
    if cohort_pk is not None:
        # The klas picker on the matrix page works without JavaScript: keep the other filters.
        cohort = get_cohort_for_user(request.user, cohort_pk)
        query = request.GET.copy()
        query.pop("klas")
        url = redirect("dashboards:cohort_dashboard", cohort.pk).url
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    qualification_id = _int_or_none(request.GET.get("kwalificatie"))
    page, summaries = cohort_overview_page(
        user=request.user, qualification_id=qualification_id, page=request.GET.get("pagina")
    )
    qualifications = (
        Qualification.objects.filter(
            pk__in=visible_cohorts(request.user).values("qualification_id")
        )
        .only("title", "crebo")
        .order_by("title")
    )
    return render(
        request,
        "dashboards/cohort_list.html",
        {
            "summaries": summaries,
            "qualifications": qualifications,
            "qualification_id": qualification_id,
            "school_view": False,
            "page_obj": page,
            "page_query": f"kwalificatie={qualification_id}&" if qualification_id else "",
        },
    )


@require_GET
@login_required
@reads_from_replica
def school_overview(request):
    if not is_school_wide(request.user):
        raise Http404
    # Paged: a school of 400 klassen is read (and rendered) 50 at a time.
    page, summaries = cohort_overview_page(user=request.user, page=request.GET.get("pagina"))
    return render(
        request,
        "dashboards/cohort_list.html",
        {"summaries": summaries, "school_view": True, "page_obj": page},
    )


def _matrix_body(dashboard, rows=None) -> SafeString:
    """The <tbody> rows of the matrix. Built here rather than in the template: 300 students
    by 8 werkprocessen are 2,400 cells, and the template engine would take most of the
    page's time on them. Every value is escaped."""
    cell_text = {
        (stage, ""): f'<span aria-hidden="true">{ICONS[stage]}</span> {escape(SHORT_LABELS[stage])}'
        for stage in ICONS
    }
    behind = (
        ' <span class="badge text-bg-danger"><i class="bi bi-clock" aria-hidden="true"></i> '
        f"{escape(_('achter'))}</span>"
    )
    codes = [escape(c.werkproces.code) for c in dashboard.columns]
    out = []
    for row in dashboard.rows if rows is None else rows:
        name = escape(row.name)
        row_url = escape(row.portfolio_url)
        if row_url:
            name = f'<a href="{row_url}">{name}</a>'
        out.append(f'<tr><th scope="row" class="student">{name}{behind if row.behind else ""}</th>')
        for cell, code in zip(row.cells, codes, strict=True):
            stage = cell.stage
            key = (stage, cell.outcome)
            if key not in cell_text:
                cell_text[key] = (
                    f'<span aria-hidden="true">{ICONS[stage]}</span> {escape(short_label(cell))}'
                )
            text = cell_text[key]
            if row_url:
                text = f'<a href="{row_url}{code}/">{text}</a>'
            out.append(f'<td class="stage stage-{int(stage)}">{text}</td>')
        out.append(
            f'<td class="progress-total" data-done="{row.done}">'
            f"{row.done}/{row.total} ({row.percent}%)</td></tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - built from escaped parts above


# A picker of more klassen than this is no help (a beheerder of a ROC sees 400 to 1 600, some
# 100 KB of <option>s on every klas page): the page then links to the klassen list instead,
# which is paged and filters by kwalificatie.
PICKER_KLASSEN = 50


def _cohort_options(user, current: int) -> SafeString | None:
    """The klas picker's <option>s, built here from plain values, or None when this user
    sees more than PICKER_KLASSEN klassen. Every value is escaped."""
    rows = list(
        visible_cohorts(user)
        .order_by("-start_year", "name")
        .values_list("pk", "name", "start_year", "qualification__title")[: PICKER_KLASSEN + 1]
    )
    if len(rows) > PICKER_KLASSEN:
        return None
    out = []
    for pk, name, start_year, title in rows:
        selected = " selected" if pk == current else ""
        out.append(
            f'<option value="{pk}"{selected}>{escape(name)} ({start_year}) – '
            f"{escape(title or '')}</option>"
        )
    return mark_safe("".join(out))  # noqa: S308 - built from escaped parts above


# A signal card names this many students (first in the Dutch name order); the rest are in
# the matrix, which its link filters to that signal.
SIGNAL_NAMES = 5


def _signal_links(dashboard) -> dict[str, str]:
    """Per signal kind, the matrix filtered to the students with that signal."""
    base = reverse("dashboards:cohort_dashboard", args=[dashboard.cohort.pk])
    waiting = {"signaal": "wacht"}
    if dashboard.filters.review_days != DEFAULT_REVIEW_DAYS:
        waiting["wacht"] = dashboard.filters.review_days
    return {
        "behind": f"{base}?achter=1#matrix-heading",
        "waiting": f"{base}?{urlencode(waiting)}#matrix-heading",
        "not_feasible": f"{base}?signaal=niet-uitvoerbaar#matrix-heading",
    }


def _by_name(entry):
    student = entry[0].enrolment.student
    return (student.sort_name, student.username)


def _signals_list(dashboard, links: dict[str, str] | None = None) -> SafeString:
    """The signals as one card per kind: its label, how many students, the first few of them
    (in the Dutch name order, each once with their reasons) and a link to the matrix
    filtered to that signal for the rest. Built here, every value escaped; a klas of 3 000
    can have 1 800 students behind, whose sentences are never written."""
    kinds = {
        "behind": ("danger", "bi-clock", _("Achter op planning")),
        "waiting": ("warning", "bi-hourglass-split", _("Wacht op beoordeling")),
        "not_feasible": ("dark", "bi-exclamation-triangle", _("Niet uitvoerbaar")),
    }
    # kind -> student row id -> [row, first url, signals]
    groups: dict[str, dict[int, list]] = {kind: {} for kind in kinds}
    for signal in dashboard.signals:
        entry = groups[signal.kind].get(signal.row.enrolment.pk)
        if entry is None:
            groups[signal.kind][signal.row.enrolment.pk] = [signal.row, signal.url, [signal]]
        else:
            entry[2].append(signal)
    out = []
    for kind, (colour, icon, label) in kinds.items():
        students = groups[kind]
        if not students:
            continue
        count = ngettext("%(n)d student", "%(n)d studenten", len(students)) % {"n": len(students)}
        items = []
        for row, url, signals in heapq.nsmallest(SIGNAL_NAMES, students.values(), key=_by_name):
            name = escape(row.name)
            who = f'<a href="{escape(url)}">{name}</a>' if url else f"<strong>{name}</strong>"
            why = " ".join(escape(s.text) for s in signals)
            items.append(
                f'<li class="list-group-item">{who}: <span class="signal-reason">{why}</span></li>'
            )
        more = ""
        if links and kind in links:
            rest = len(students) - len(items)
            text = (
                ngettext(
                    "en nog %(n)d student: toon ze allemaal in de tabel",
                    "en nog %(n)d studenten: toon ze allemaal in de tabel",
                    rest,
                )
                % {"n": rest}
                if rest
                else _("Toon ze in de tabel")
            )
            more = (
                f'<div class="card-body py-2"><a class="signal-all" href="{escape(links[kind])}">'
                f"{escape(text)}</a></div>"
            )
        out.append(
            f'<div class="col-lg-4"><section class="card h-100 signal-{kind}" '
            f'aria-labelledby="signals-{kind}"><h3 class="card-header h6" id="signals-{kind}">'
            f'<span class="badge text-bg-{colour}"><i class="bi {icon}" aria-hidden="true"></i> '
            f'{escape(label)}</span> <span class="signal-count">{escape(count)}</span></h3>'
            f'<ul class="list-group list-group-flush">{"".join(items)}</ul>{more}</section></div>'
        )
    return mark_safe("".join(out))  # noqa: S308 - built from escaped parts above


@require_GET
@login_required
@reads_from_replica
def cohort_dashboard(request, pk: int):
    cohort = get_cohort_for_user(request.user, pk)
    dashboard = dashboard_for(
        user=request.user, cohort=cohort, filters=Filters.from_query(request.GET)
    )
    query = request.GET.urlencode()
    # The matrix is paged; the counts, chart, signals and exports cover the whole klas.
    page = Paginator(dashboard.rows, MATRIX_PAGE_SIZE).get_page(request.GET.get("pagina"))
    others = request.GET.copy()
    others.pop("pagina", None)
    return render(
        request,
        "dashboards/cohort.html",
        {
            "d": dashboard,
            "page_obj": page,
            "page_query": f"{others.urlencode()}&" if others else "",
            "matrix_body": _matrix_body(dashboard, page.object_list),
            "signal_items": _signals_list(dashboard, _signal_links(dashboard)),
            "cohort_options": _cohort_options(request.user, cohort.pk),
            "sorts": SORTS.items(),
            "query": f"?{query}" if query else "",
        },
    )


def _table(dashboard) -> tuple[list[str], list[list]]:
    """The matrix as shown (same filters, same order), as header and rows of plain values."""
    header = [
        _("Student"),
        _("Gebruikersnaam"),
        _("Leerbedrijf"),
        *[c.werkproces.code for c in dashboard.columns],
        _("Afgetekend of beoordeeld"),
        _("Aantal werkprocessen"),
        _("Voortgang (%)"),
        _("Achter op planning"),
        _("Laatste activiteit"),
    ]
    rows = []
    for row in dashboard.rows:
        active_on = row.last_active_on
        rows.append(
            [
                row.name,
                row.enrolment.student.username,
                str(row.leerbedrijf) if row.leerbedrijf else "",
                *[cell.label for cell in row.cells],
                row.done,
                row.total,
                row.percent,
                _("ja") if row.behind else _("nee"),
                date_format(active_on) if active_on else "",
            ]
        )
    return header, rows


def _safe(value):
    # Spreadsheet programs run a cell that starts with one of these as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export_name(dashboard, ext: str) -> str:
    date = dashboard.today.isoformat()
    return f"voortgang-{slugify(dashboard.cohort.name) or 'klas'}-{date}.{ext}"


@require_GET
@login_required
@reads_from_replica
def cohort_export_csv(request, pk: int):
    cohort = get_cohort_for_user(request.user, pk)
    dashboard = dashboard_for(
        user=request.user, cohort=cohort, filters=Filters.from_query(request.GET)
    )
    header, rows = _table(dashboard)
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows([[_safe(v) for v in row] for row in rows])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, _export_name(dashboard, "csv"))


@require_GET
@login_required
@reads_from_replica
def cohort_export_xlsx(request, pk: int):
    # Imported here: openpyxl adds 15 MB to every web process, and only this export needs it.
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415

    def _xlsx_safe(value):
        # Control characters (a name imported from a CSV file) are not allowed in XLSX cells.
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    cohort = get_cohort_for_user(request.user, pk)
    dashboard = dashboard_for(
        user=request.user, cohort=cohort, filters=Filters.from_query(request.GET)
    )
    header, rows = _table(dashboard)
    book = Workbook()
    sheet = book.active
    # Excel refuses these in a sheet's name (openpyxl raises), and any klas name may hold them.
    title = re.sub(r"[\\/*?:\[\]]", "_", _xlsx_safe(cohort.name)).strip("'")
    sheet.title = title[:31] or _("klas")
    sheet.append([_xlsx_safe(v) for v in header])
    for row in rows:
        sheet.append([_xlsx_safe(_safe(v)) for v in row])
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, _export_name(dashboard, "xlsx"))
