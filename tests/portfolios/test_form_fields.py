"""``|bs_field`` writes the same HTML as crispy-forms' ``|as_crispy_field``, field by field."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.template.loader import render_to_string

from portfolios.forms import EvidenceForm
from portfolios.models import EvidenceFile
from portfolios.templatetags.evidence_tags import status_badge
from portfolios.templatetags.form_fields import bs_field


def normalised(html) -> str:
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def forms_for(world, *, data=None, edit=False):
    enrolment = world["student"].enrolments.get()
    kwargs = {"enrolment": enrolment, "werkproces": world["tree"]["w1"]}
    if edit:
        kwargs.update(current_files=EvidenceFile.objects.none(), current_links={})
    return EvidenceForm(data, **kwargs), EvidenceForm(data, **kwargs)


@pytest.fixture
def world(users, tree):
    return {"student": users["student"], "tree": tree}


BAD = {
    "title": "",
    "date": "gisteren",
    "reflection": "",
    "links": "\n".join(f"https://example.org/{i}" for i in range(30)),
    "criteria": ["999"],
}


@pytest.mark.parametrize(
    "data, edit",
    [
        (None, False),
        (None, True),
        (
            {
                "title": "Een <b>titel</b> & meer",
                "reflection": 'a < b & "c"\n',
                "date": "2026-10-01",
            },
            False,
        ),
        (BAD, False),
    ],
    ids=["new", "edit", "bound-valid-ish", "errors"],
)
def test_every_field_matches_crispy(world, data, edit):
    ours, theirs = forms_for(world, data=data, edit=edit)
    if data:
        ours.is_valid(), theirs.is_valid()
    names = [name for name in ours.fields if name != "form_token"]  # a new uuid per form
    assert {"title", "date", "reflection", "files", "links", "criteria"} <= set(names)
    for name in names:
        assert normalised(bs_field(ours[name])) == normalised(as_crispy_field(theirs[name])), name


def test_errors_on_a_checkbox_and_a_checkbox_list_match_crispy(world):
    ours, theirs = forms_for(world, data={"title": "x"})
    linked, gedrag = next((f"wp_{wp.pk}", f"gedrag_{wp.pk}") for wp, *_ in ours.other_werkprocessen)
    for form in (ours, theirs):
        form.data = {**form.data, gedrag: ["999"]}
        form.is_valid()
        form.add_error(linked, "Vink ook dit <werkproces> aan.")
    assert ours[linked].errors and ours[gedrag].errors
    for name in (linked, gedrag):
        assert normalised(bs_field(ours[name])) == normalised(as_crispy_field(theirs[name]))


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "accepted", ""])
def test_status_badge_matches_the_include(status):
    label = "Ingediend & <klaar>"
    included = render_to_string("includes/evidence_status.html", {"status": status, "label": label})
    assert normalised(status_badge(status, label)) == normalised(included)
