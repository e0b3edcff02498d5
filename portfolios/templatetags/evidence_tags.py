"""``{% status_badge status label %}``: a bewijsstuk's status as text plus a symbol.

The same HTML as includes/evidence_status.html (kept for pages that show one status), built
in Python because the portfolio, werkproces page and inbox show one per row: an include per
row cost the inbox about a tenth of its CPU. tests/portfolios/test_form_fields.py compares
the two.
"""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS

register = template.Library()

# status: (badge colour, icon); anything else is a draft.
STYLES = {
    "accepted": ("text-bg-success", "bi-check-circle"),
    "returned": ("text-bg-warning", "bi-arrow-return-left"),
    "submitted": ("text-bg-info", "bi-hourglass-split"),
}
DRAFT = ("text-bg-secondary", "bi-pencil")


@register.simple_tag
def status_badge(status, label):
    colour, icon = STYLES.get(status, DRAFT)
    return format_html(
        '<span class="badge status-badge status-{} {}"><i class="bi {}" aria-hidden="true">'
        "</i> {}</span>",
        status,
        colour,
        icon,
        label,
    )


# What reverse() gets for the value a row fills in: it matches both <int:…> and <str:…>.
SLOT = "0000000000"


@register.simple_tag
def row_url(name, *args):
    """``{% row_url 'portfolios:evidence' as evidence_url %}`` … ``{{ evidence_url|fill:pk }}``:
    one reverse() per page for a URL that every row of a long list links to, its last
    argument left open. A reverse() per row was a tenth of the portfolio's template time."""
    return reverse(name, args=[*args, SLOT])


@register.filter
def fill(pattern: str, value) -> str:
    """The row's value in the open slot, quoted as reverse() quotes it."""
    head, _slot, tail = pattern.rpartition(SLOT)
    return head + quote(str(value), safe=RFC3986_SUBDELIMS + "/~:@") + tail
