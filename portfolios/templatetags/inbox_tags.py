"""The inbox's repeated parts, built in Python: ``{% inbox_groups rows evidence_query %}`` (a
<tbody> per student, a row per bewijsstuk) and ``{% inbox_options choices selected %}``.

Through the template engine a page of 50 rows and the filter's options were about 1,100 node
renders, half of the inbox's CPU; built here they cost about a third of that. The HTML is
what templates/portfolios/inbox.html wrote before, byte for byte
(tests/portfolios/test_list_html.py renders the old markup and compares).
"""

from functools import cache
from html import escape
from itertools import groupby

from django import template
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from config import links

from .evidence_tags import status_badge

register = template.Library()

GROUP = (
    '\n    <tbody>\n      <tr class="inbox-group"><th scope="colgroup" colspan="5">{} '
    '<span class="fw-normal text-body-secondary">({})</span></th></tr>\n      {}\n    </tbody>'
    "\n    "
)
ROW = (
    "\n      <tr>\n"
    '        <td class="inbox-select"><input class="form-check-input" type="checkbox" '
    'name="bewijs" value="{pk}" id="kies-{pk}"><label class="visually-hidden" '
    'for="kies-{pk}">{choose}</label></td>\n'
    '        <th scope="row" class="inbox-title"><a href="{url}">{title}</a>{version}</th>\n'
    '        <td data-label="{werkproces_label}">{codes}</td>\n'
    '        <td data-label="{submitted_label}">{submitted}</td>\n'
    '        <td data-label="{status_label}">{status}</td>\n'
    "      </tr>\n      "
)
VERSION = ' <span class="small text-body-secondary">({})</span>'


@register.simple_tag
def inbox_groups(rows, evidence_query):
    """rows: EvidenceRows in the inbox's order, each bewijsstuk with `werkproces_codes`
    (inbox_page_for); consecutive rows of one enrolment form its group."""
    shared = {
        "werkproces_label": escape(gettext("Werkproces")),
        "submitted_label": escape(gettext("Ingediend")),
        "status_label": escape(gettext("Status")),
        "query": escape(evidence_query),
        "evidence_url": links.open_url("portfolios:evidence"),
        "datetime_format": get_format("DATETIME_FORMAT"),
        # Nearly every row in the inbox has the same status.
        "badges": cache(status_badge),
    }
    groups = []
    for enrolment, group in groupby(rows, key=lambda row: row.evidence.enrolment):
        group = list(group)
        student = enrolment.student
        groups.append(
            GROUP.format(
                escape(student.get_full_name() or student.username),
                len(group),
                "".join(_row(row, shared) for row in group),
            )
        )
    # Every value above is escaped (plain str.format: format_html's per-value checks were
    # most of this tag's cost).
    return mark_safe("\n    " + "".join(groups))  # noqa: S308


def _row(row, shared) -> str:
    evidence = row.evidence
    version = ""
    if row.version_count > 1:
        # As blocktranslate: the translation is trusted, the number is a number.
        version = VERSION.format(gettext("versie %(n)s") % {"n": row.version_count})
    submitted = evidence.last_event_at
    return ROW.format(
        pk=evidence.pk,
        # The template's blocktranslate msgid, so its translation still applies.
        choose=gettext("Kies „%(title)s”") % {"title": escape(row.title)},
        url=escape(links.fill(shared["evidence_url"], evidence.pk)) + shared["query"],
        title=escape(row.title),
        version=version,
        codes=escape(evidence.werkproces_codes),
        # As {{ value|date:"DATETIME_FORMAT" }}: in the current time zone, empty for none.
        submitted=dateformat.format(template_localtime(submitted), shared["datetime_format"])
        if submitted
        else "",
        status=shared["badges"](row.status, row.status_label),
        **shared,
    )


@register.simple_tag
def inbox_options(choices, selected):
    """<option>s for (value, label) pairs; the one equal to `selected` is selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == selected else "", label)
            for value, label in choices
        ),
    )
