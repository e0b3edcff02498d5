"""``{% portfolio_list_rows rows %}``: the rows of the portfolio list (/portfolio/), built in
Python as the inbox's (inbox_tags): through the template engine its 50 rows were about half
of the page's CPU. The HTML is what templates/portfolios/list.html wrote before, byte for byte
(tests/portfolios/test_list_html.py compares the two).
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

register = template.Library()

ROW = (
    "\n    <tr>\n"
    '      <th scope="row"><a href="{url}">{name}</a></th>\n'
    "      <td>{qualification}</td>\n"
    "      <td>{cohort}</td>\n"
    "      <td>{signed_off}</td>\n"
    "      <td>{not_feasible}</td>\n"
    "    </tr>\n    "
)
NOT_FEASIBLE = (
    '<span class="badge text-bg-danger"><i class="bi bi-exclamation-triangle" '
    'aria-hidden="true"></i> {}</span>'
)


@register.simple_tag
def portfolio_list_rows(rows):
    """rows: PortfolioListRows (portfolios_for)."""
    return mark_safe("".join(_row(row) for row in rows))  # noqa: S308 - every value escaped


def _row(row) -> str:
    enrolment = row.enrolment
    student = enrolment.student
    # As the template's blocktranslate count: the same msgids, the translation trusted.
    signed_off = ngettext("%(n)s werkproces", "%(n)s werkprocessen", row.signed_off)
    not_feasible = "—"
    if row.not_feasible:
        label = ngettext("%(n)s niet uitvoerbaar", "%(n)s niet uitvoerbaar", row.not_feasible)
        not_feasible = NOT_FEASIBLE.format(label % {"n": row.not_feasible})
    return ROW.format(
        url=escape(reverse("portfolios:portfolio", args=[enrolment.pk])),
        name=escape(student.get_full_name() or student.username),
        qualification=escape(str(enrolment.qualification)),
        cohort=escape(str(enrolment.cohort)) if enrolment.cohort else "—",
        signed_off=signed_off % {"n": row.signed_off},
        not_feasible=not_feasible,
    )
