"""The audit log in the beheer console: two streams, our own rows (sign-ins, refusals,
downloads) and django-auditlog's model changes with old and new values; filterable, and
exported as CSV."""

import csv
import json

from auditlog.models import LogEntry
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.views.decorators.http import require_GET

from config.replica import reads_from_replica

from .console_common import beheerder_required, page_of
from .console_forms import AuditFilterForm
from .models import AuditEntry


def _audit_entries(form: AuditFilterForm) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.order_by("-at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["username"]:
            qs = qs.filter(username__icontains=data["username"])
        if data["since"]:
            qs = qs.filter(at__date__gte=data["since"])
        if data["until"]:
            qs = qs.filter(at__date__lte=data["until"])
    return qs


def _log_entries(form: AuditFilterForm) -> QuerySet[LogEntry]:
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["username"]:
            qs = qs.filter(actor__username__icontains=data["username"])
        if data["since"]:
            qs = qs.filter(timestamp__date__gte=data["since"])
        if data["until"]:
            qs = qs.filter(timestamp__date__lte=data["until"])
    return qs


def _changes(entry: LogEntry) -> list[tuple[str, str, str]]:
    changes = entry.changes_dict or {}
    out = []
    for field, values in changes.items():
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": ...}
            out.append((field, "", json.dumps(values, ensure_ascii=False)))
        else:
            old, new = (list(values) + ["", ""])[:2]
            out.append((field, str(old), str(new)))
    return out


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


@require_GET
@beheerder_required
@reads_from_replica
def audit(request):
    """Two streams: sign-ins, refusals and downloads (ours), and changes (django-auditlog)."""
    form = AuditFilterForm(request.GET or None)
    show_changes = request.GET.get("log") == "changes"
    if show_changes:
        page = page_of(request, _log_entries(form))
        rows = [
            {
                "when": _when(e.timestamp),
                "who": e.actor.username if e.actor else "—",
                "what": f"{e.get_action_display()}: {e.content_type.name} {e.object_repr}",
                "changes": _changes(e),
            }
            for e in page.object_list
        ]
    else:
        page = page_of(request, _audit_entries(form))
        rows = [
            {
                "when": _when(e.at),
                "who": e.username or "—",
                "what": " ".join(
                    part for part in (e.get_kind_display(), e.object_type, e.object_id) if part
                ),
                "ip": e.ip_address or "",
                "path": e.path,
            }
            for e in page.object_list
        ]
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "organisation/console/audit.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "show_changes": show_changes,
            "query": query.urlencode(),
            "page_query": query.urlencode() + "&" if query else "",
        },
    )


class _Echo:
    def write(self, value):
        return value


@require_GET
@beheerder_required
def audit_csv(request):
    """The filtered audit log as CSV, streamed (it can be long); ISO times for machines."""
    form = AuditFilterForm(request.GET or None)
    writer = csv.writer(_Echo())
    if request.GET.get("log") == "changes":
        header = ["tijdstip", "gebruiker", "actie", "model", "object", "veld", "oud", "nieuw"]

        def rows():
            yield writer.writerow(header)
            for e in _log_entries(form).iterator(chunk_size=500):
                base = [
                    e.timestamp.isoformat(),
                    e.actor.username if e.actor else "",
                    e.get_action_display(),
                    e.content_type.model,
                    e.object_repr,
                ]
                for change in _changes(e) or [("", "", "")]:
                    yield writer.writerow([*base, *change])

        name = "bekwaam-wijzigingen.csv"
    else:
        header = ["tijdstip", "soort", "gebruikersnaam", "ip", "object", "id", "adres"]

        def rows():
            yield writer.writerow(header)
            for e in _audit_entries(form).iterator(chunk_size=500):
                yield writer.writerow(
                    [
                        e.at.isoformat(),
                        e.kind,
                        e.username,
                        e.ip_address or "",
                        e.object_type,
                        e.object_id,
                        e.path,
                    ]
                )

        name = "bekwaam-auditlog.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
