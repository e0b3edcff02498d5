"""Leerbedrijven are typed, not picked from a <select> of all of them (a school works with
thousands): by SBB-erkenningsnummer or by name, with suggestions as the beheerder types
(config.forms.LookupField, organisation.lookups). Praktijkopleiders likewise: see
test_console_bpv_create.py."""

import re

import pytest
from django.urls import reverse

from organisation import services
from organisation.models import Praktijkopleider

pytestmark = pytest.mark.django_db

SUGGESTIONS = reverse("console:leerbedrijf_suggestions")


def add_leerbedrijven(count: int) -> None:
    for i in range(count):
        services.leerbedrijf_create(name=f"Bakkerij {i:03d}", sbb_number=f"9{i:08d}")


def edit(client, po, leerbedrijf):
    return client.post(
        reverse("console:praktijkopleider_edit", args=[po.pk]),
        {"first_name": "Piet", "last_name": "Opleider", "email": po.user.email or "p@x.invalid",
         "leerbedrijf": leerbedrijf},
    )  # fmt: skip


@pytest.mark.parametrize("typed", ["900000007", "Bakkerij 007", "BAKKERIJ 007"])
def test_a_leerbedrijf_by_sbb_number_or_name(client, world, typed):
    client.force_login(world["beheerder"])
    add_leerbedrijven(10)
    po = world["praktijkopleider"].praktijkopleider
    assert edit(client, po, typed).status_code == 302
    assert Praktijkopleider.objects.get(pk=po.pk).leerbedrijf.name == "Bakkerij 007"


def test_an_unknown_or_ambiguous_leerbedrijf_is_refused_and_nothing_changes(client, world):
    client.force_login(world["beheerder"])
    services.leerbedrijf_create(name="Apotheek")
    services.leerbedrijf_create(name="apotheek")
    po = world["praktijkopleider"].praktijkopleider
    before = po.leerbedrijf_id
    response = edit(client, po, "Nergens B.V.")
    assert response.status_code == 400
    assert "Er is geen leerbedrijf met dit SBB-erkenningsnummer of deze naam." in (
        response.content.decode()
    )
    response = edit(client, po, "Apotheek")
    assert response.status_code == 400
    assert "Meer dan één leerbedrijf heet zo" in response.content.decode()
    assert Praktijkopleider.objects.get(pk=po.pk).leerbedrijf_id == before


def test_invite_and_edit_pages_hold_no_select_of_every_leerbedrijf(client, world):
    client.force_login(world["beheerder"])
    add_leerbedrijven(30)
    po = world["praktijkopleider"].praktijkopleider
    for url in (reverse("organisation:invite"),
                reverse("console:praktijkopleider_edit", args=[po.pk])):  # fmt: skip
        html = client.get(url).content.decode()
        assert "Bakkerij 0" not in html, url
        field = re.search(r"<input[^>]*name=\"leerbedrijf\"[^>]*>", html).group(0)
        assert 'list="leerbedrijf-suggesties"' in field and f'hx-get="{SUGGESTIONS}"' in field
        assert '<datalist id="leerbedrijf-suggesties"></datalist>' in html
    edit_page = client.get(reverse("console:praktijkopleider_edit", args=[po.pk]))
    assert f'value="{world["leerbedrijf"].sbb_number}"' in edit_page.content.decode()


def test_suggestions_match_name_or_number_twenty_at_most(client, world):
    client.force_login(world["beheerder"])
    add_leerbedrijven(30)

    def options(typed):
        html = client.get(SUGGESTIONS, {"leerbedrijf": typed}).content.decode()
        return re.findall(r'<option value="([^"]+)">([^<]+)</option>', html)

    assert len(options("bakkerij")) == 20
    assert options("Bakkerij 012") == [("900000012", "Bakkerij 012 (SBB 900000012)")]
    assert options("900000013") == [("900000013", "Bakkerij 013 (SBB 900000013)")]
    assert options("B") == []
    services.leerbedrijf_create(name="Garage Zonder Nummer")
    assert options("zonder") == [("Garage Zonder Nummer", "Garage Zonder Nummer")]


@pytest.mark.parametrize("role", ["student", "praktijkopleider", "docent", "assessor", "outsider"])
def test_suggestions_are_for_beheerders_only(client, world, role):
    client.force_login(world[role])
    assert client.get(SUGGESTIONS, {"leerbedrijf": "zorg"}).status_code == 404
