"""What every page of the beheer console shares: beheerders only (404 for anyone else),
search, paging, and the generic list and form pages."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import services
from .lookups import matching

PAGE_SIZE = 25


def beheerder_required(view):
    """Login first; then anyone but a beheerder gets 404 (the console does not exist)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_beheerder:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def search_list(request, qs: QuerySet, fields: list[str]) -> tuple[QuerySet, str]:
    q = request.GET.get("q", "").strip()
    return (matching(qs, fields, q) if q else qs), q


def page_of(request, qs: QuerySet):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))


def list_page(
    request, *, title, qs, fields, columns, row, new_url=None, new_label="", extra=None,
    intro="", status=200,
):  # fmt: skip
    """One list page: search, a page of rows (each a list of (text, url|None)), paging."""
    qs, q = search_list(request, qs, fields)
    page = page_of(request, qs)
    return render(
        request,
        "organisation/console/list.html",
        {
            "title": title,
            "intro": intro,
            "q": q,
            "page_query": urlencode({"q": q}) + "&" if q else "",
            "page": page,
            "columns": columns,
            "rows": [row(obj) for obj in page.object_list],
            "new_url": new_url,
            "new_label": new_label,
            "extra": extra or [],
        },
        status=status,
    )


# The name of a form's second submit button, "save and stay on this form" (`again` below).
AGAIN = "nog"


def form_page(request, form, *, title, status=None, intro="", again=""):
    """`again`: the label of a second button that saves and comes back to the form (the view
    redirects there when AGAIN is in the POST)."""
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "organisation/console/form.html",
        {"form": form, "title": title, "intro": intro, "again": again, "again_name": AGAIN},
        status=status,
    )


def lookup_options(request, field: str, suggest):
    """<option>s for a typed field's <datalist> (config.forms.LookupField): `suggest` over
    what is typed in `field`, the input's name, which htmx sends as it is."""
    typed = request.GET.get(field, "").strip()
    return render(request, "includes/lookup_options.html", {"options": suggest(typed)})


def activation_label(user) -> str:
    if not user.is_active:
        return _("gedeactiveerd")
    if user.has_usable_password():
        return _("actief")
    if user.activation_sent_at:
        return _("activatie verstuurd %(when)s") % {
            "when": formats.date_format(timezone.localtime(user.activation_sent_at), "DATE_FORMAT")
        }
    return _("nog niet geactiveerd")


def date_or_dash(d) -> str:
    return formats.date_format(d, "DATE_FORMAT") if d else "—"


def set_active(request, person, back: str):
    """The POST of "deactiveren"/"weer activeren" on a person's console page (student or
    staff): through the service, with its message, back to `back`."""
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=person, active=active, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Het account is weer actief.") if active else _("Het account is gedeactiveerd."),
        )
    return redirect(back, person.pk)


def resend_activation(request, person, back: str):
    """The POST of "activatielink opnieuw sturen": a new link revokes the earlier one."""
    try:
        services.account_activation_send(user=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Een nieuwe activatielink is verstuurd naar %(email)s; de vorige werkt niet meer.")
            % {"email": person.email},
        )
    return redirect(back, person.pk)
