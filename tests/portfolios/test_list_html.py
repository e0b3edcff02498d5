"""The inbox's rows and options and the portfolio list's rows are built in Python
(portfolios/templatetags/inbox_tags.py, portfolio_list_tags.py) for speed: they must write
the HTML the template markup they replaced wrote, kept here, in Dutch and in English."""

import datetime

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from organisation import services as organisation_services
from organisation.models import Praktijkopleider
from portfolios import inbox, services
from portfolios.selectors import portfolios_for
from portfolios.templatetags.inbox_tags import inbox_groups, inbox_options
from portfolios.templatetags.portfolio_list_tags import portfolio_list_rows
from qualifications.models import Werkproces
from tests.portfolio_fixtures import make_evidence

pytestmark = pytest.mark.django_db

TRICKY = "<b>Wond & \"zorg\"</b> 'x'"

INBOX_ROWS = """{% load i18n evidence_tags %}
    {% regroup rows by evidence.enrolment as groups %}
    {% for group in groups %}
    <tbody>
      <tr class="inbox-group"><th scope="colgroup" colspan="5">{{ group.grouper.student.get_full_name|default:group.grouper.student.username }} <span class="fw-normal text-body-secondary">({{ group.list|length }})</span></th></tr>
      {% for row in group.list %}
      <tr>
        <td class="inbox-select"><input class="form-check-input" type="checkbox" name="bewijs" value="{{ row.evidence.pk }}" id="kies-{{ row.evidence.pk }}"><label class="visually-hidden" for="kies-{{ row.evidence.pk }}">{% blocktranslate with title=row.title %}Kies „{{ title }}”{% endblocktranslate %}</label></td>
        <th scope="row" class="inbox-title"><a href="{% url 'portfolios:evidence' row.evidence.pk %}{% if query.querystring %}?{{ query.querystring }}{% endif %}">{{ row.title }}</a>{% if row.version_count > 1 %} <span class="small text-body-secondary">({% blocktranslate with n=row.version_count %}versie {{ n }}{% endblocktranslate %})</span>{% endif %}</th>
        <td data-label="{% translate 'Werkproces' %}">{{ row.evidence.werkproces_codes }}</td>
        <td data-label="{% translate 'Ingediend' %}">{{ row.evidence.last_event_at|date:"DATETIME_FORMAT" }}</td>
        <td data-label="{% translate 'Status' %}">{% status_badge row.status row.status_label %}</td>
      </tr>
      {% endfor %}
    </tbody>
    {% endfor %}"""  # noqa: E501

INBOX_OPTIONS = """{% for pk, name in choices.students %}<option value="{{ pk }}"{% if query.student == pk %} selected{% endif %}>{{ name }}</option>{% endfor %}|{% for code, title in choices.werkprocessen %}<option value="{{ code }}"{% if query.werkproces == code %} selected{% endif %}>{{ code }} {{ title }}</option>{% endfor %}"""  # noqa: E501

LIST_ROWS = """{% load i18n %}
    {% for row in rows %}
    <tr>
      <th scope="row"><a href="{% url 'portfolios:portfolio' row.enrolment.pk %}">{{ row.enrolment.student.get_full_name|default:row.enrolment.student.username }}</a></th>
      <td>{{ row.enrolment.qualification }}</td>
      <td>{{ row.enrolment.cohort|default:"—" }}</td>
      <td>{% blocktranslate count n=row.signed_off %}{{ n }} werkproces{% plural %}{{ n }} werkprocessen{% endblocktranslate %}</td>
      <td>{% if row.not_feasible %}<span class="badge text-bg-danger"><i class="bi bi-exclamation-triangle" aria-hidden="true"></i> {% blocktranslate count n=row.not_feasible %}{{ n }} niet uitvoerbaar{% plural %}{{ n }} niet uitvoerbaar{% endblocktranslate %}</span>{% else %}—{% endif %}</td>
    </tr>
    {% endfor %}
  """  # noqa: E501


def render(source, context):
    request = RequestFactory().get("/")
    return engines["django"].from_string(source).render(context, request)


@pytest.fixture
def waiting(world):
    """Two students waiting for the praktijkopleider: a tricky name and title, a second
    version, a bewijsstuk linked to two werkprocessen."""
    organisation_services.user_update(
        user=world["student"], first_name="Zoë <&>", last_name='"O\'Zwart"', email=""
    )
    organisation_services.bpv_periode_create(
        enrolment=world["enrolment2"],
        praktijkopleider=Praktijkopleider.objects.get(user=world["praktijkopleider"]),
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    first = make_evidence(world, title=TRICKY, submit=True)
    services.evidence_review(
        reviewer=world["praktijkopleider"], evidence=first, accept=False, feedback="Meer"
    )
    services.evidence_submit(student=world["student"], evidence=first)
    both = make_evidence(world, title="Twee werkprocessen")
    services.evidence_update(
        student=world["student"],
        evidence=both,
        title=both.title,
        reflection=both.reflection,
        date=both.date,
        links=[],
        werkprocessen={
            Werkproces.objects.get(code="B1-K1-W2"): [],
            world["w1"]: [],
        },
        files=[],
        remove_files=[],
    )
    services.evidence_submit(student=world["student"], evidence=both)
    make_evidence(world, student="student2", title="Van de ander", submit=True)
    return world


QUERIES = [
    inbox.InboxQuery(),
    inbox.InboxQuery(sort="student"),
    inbox.InboxQuery(sort="werkproces", werkproces="B1-K1-W1"),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("query", QUERIES)
def test_inbox_rows_and_options_match_the_template(waiting, language, query):
    with translation.override(language):
        _page, rows, choices = inbox.inbox_page_for(user=waiting["praktijkopleider"], query=query)
        assert rows
        evidence_query = f"?{query.querystring}" if query.querystring else ""
        expected = render(INBOX_ROWS, {"rows": rows, "query": query})
        assert "\n    " + inbox_groups(rows, evidence_query) == expected
        chosen = inbox.InboxQuery(student=waiting["enrolment"].pk, werkproces="B1-K1-W2")
        for q in (query, chosen):
            options = render(INBOX_OPTIONS, {"choices": choices, "query": q})
            built = (
                inbox_options(choices.students, q.student)
                + "|"
                + inbox_options(choices.werkproces_options, q.werkproces)
            )
            assert built == options
    assert "&lt;b&gt;Wond &amp; &quot;zorg&quot;&lt;/b&gt; &#x27;x&#x27;" in expected
    assert "versie 2" in expected or "version 2" in expected


def test_inbox_shows_every_werkproces_of_a_bewijsstuk_in_dossier_order(waiting):
    _page, rows, _choices = inbox.inbox_page_for(
        user=waiting["praktijkopleider"], query=inbox.InboxQuery()
    )
    codes = {row.title: row.evidence.werkproces_codes for row in rows}
    assert codes["Twee werkprocessen"] == "B1-K1-W1, B1-K1-W2"
    assert codes["Van de ander"] == "B1-K1-W1"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_portfolio_list_rows_match_the_template(waiting, language):
    services.werkproces_set_feasibility(
        actor=waiting["praktijkopleider"],
        enrolment=waiting["enrolment"],
        werkproces=Werkproces.objects.get(code="B1-K1-W2"),
        feasible=False,
        reason="Niet hier",
    )
    with translation.override(language):
        _page, rows = portfolios_for(user=waiting["praktijkopleider"])
        assert len(rows) == 2 and any(row.not_feasible for row in rows)
        expected = render(LIST_ROWS, {"rows": rows})
        assert "\n    " + portfolio_list_rows(rows) + "\n  " == expected
