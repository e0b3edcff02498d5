"""``{% status_badge status label %}``: a bewijsstuk's status as text plus a symbol.

The same HTML as includes/evidence_status.html (kept for pages that show one status), built
in Python because the portfolio, werkproces page and inbox show one per row: an include per
row cost the inbox about a tenth of its CPU. tests/portfolios/test_form_fields.py compares
the two.
"""

from django import template
from django.utils.html import format_html

from config import links

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


# ``{% row_url 'portfolios:evidence' as evidence_url %}`` … ``{{ evidence_url|fill:pk }}``:
# one reverse() per page for a URL that every row of a long list links to (config.links).
register.simple_tag(links.open_url, name="row_url")
register.filter("fill", links.fill)
