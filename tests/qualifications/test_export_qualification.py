"""export_qualification against the seed fixtures; expected texts are copied from the seeds."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

B1_K1_W1_BASIS = [
    "ontvangt klanten/bezoekers gastvrij en passend bij het bedrijf;",
    "staat bezoekers en klanten vriendelijke en correct te woord afgestemd op de "
    "communicatiewijze (face to face, telefonisch, e-mail/chat ed.);",
    "Geeft zorgvuldig en passend binnen de kaders van zijn/haar functie informatie op "
    "standaardvragen;",
    "werkt volgens de in het bedrijf geldende werkwijze en procedures en protocollen.",
]
B1_K1_W1_P3 = [
    "stemt communicatie en gedrag af op de klant en de klantrelatie;",
    "geeft zorgvuldig en passend binnen de kaders van de wet informatie en advies;",
    "voert de ondersteunende taken vakbekwaam uit;",
    "investeert in het opbouwen en onderhouden van goede werk-/klantrelaties.",
]


@pytest.fixture
def seeds(db):
    call_command("loaddata", "competenties", "business_services", "bk_office_manager", verbosity=0)


def export(identifier: str) -> dict:
    out = StringIO()
    call_command("export_qualification", identifier, stdout=out)
    return json.loads(out.getvalue())


def werkprocessen(data):
    return {wp["code"]: wp for kt in data["kerntaken"] for wp in kt["werkprocessen"]}


def test_export_p3_matches_seed(seeds):
    data = export("25728")
    assert data["kwalificatie"] == {
        "crebo": "25728",
        "code": "P3",
        "title": "Office & Management Support Specialist",
        "niveau": 4,
    }
    assert data["dossier"]["crebo"] == "23296"
    assert data["dossier"]["title"] == "Business Services"
    assert [(kt["code"], kt["part"]) for kt in data["kerntaken"]] == [
        ("B1-K1", "basisdeel"),
        ("P3-K1", "profieldeel"),
    ]
    wps = werkprocessen(data)
    assert list(wps) == [
        "B1-K1-W1",
        "B1-K1-W2",
        "B1-K1-W3",
        "B1-K1-W4",
        "P3-K1-W1",
        "P3-K1-W2",
        "P3-K1-W3",
        "P3-K1-W4",
    ]
    assert wps["B1-K1-W1"]["gedrag"] == B1_K1_W1_BASIS + B1_K1_W1_P3
    assert wps["B1-K1-W1"]["competenties"] == [
        "Vakdeskundigheid toepassen",
        "Instructies en procedures opvolgen",
        "Relaties bouwen en netwerken",
        "Relaties bouwen en netwerken",
        "Vakdeskundigheid toepassen",
        'Op de behoeften en verwachtingen van de "klant" richten',
        "Instructies en procedures opvolgen",
    ]
    # A page header in the middle of the list must not cut B1-K1-W2's fifth line off.
    assert wps["B1-K1-W2"]["gedrag"][4] == "werkt volgens procedures en wet- en regelgeving"
    assert len(wps["B1-K1-W2"]["gedrag"]) == 7
    assert len(wps["P3-K1-W2"]["gedrag"]) == 8
    assert wps["P3-K1-W1"]["title"] == "Levert managementinformatie"
    assert wps["P3-K1-W4"]["gedrag"][-1] == (
        "controleert systematisch of er volgens het draaiboek wordt gewerkt en grijpt tijdig "
        "in als iets niet goed gaat."
    )
    assert "Engels (alleen voor niveau 4)" in data["generieke_onderdelen"]


def test_other_profiel_never_gets_p3_additions(seeds):
    data = export("23296/P1")
    wps = werkprocessen(data)
    assert list(wps) == ["B1-K1-W1", "B1-K1-W2", "B1-K1-W3", "B1-K1-W4", "P1-K1-W1", "P1-K1-W2"]
    assert wps["B1-K1-W1"]["gedrag"] == B1_K1_W1_BASIS
    all_lines = {line for wp in wps.values() for line in wp["gedrag"]}
    assert not all_lines & set(B1_K1_W1_P3)


def test_export_bk_matches_seed(seeds):
    data = export("BK-0568-1")
    assert data["kwalificatie"]["crebo"] == "BK-0568-1"
    assert data["kwalificatie"]["title"] == "Office manager"
    assert [kt["part"] for kt in data["kerntaken"]] == ["beroepskwalificatie"]
    wps = data["kerntaken"][0]["werkprocessen"]
    assert len(wps) == 12
    assert wps[0]["title"] == "Ontwikkelt permanent de eigen deskundigheid"
    assert wps[0]["gedrag"] == [
        "Informeert zich over de ontwikkelingen in administratieve en organisatorische "
        "bedrijfsprocessen",
        "Identificeert de behoefte aan verdere ontwikkeling in relatie tot andere vakgebieden",
        "Volgt nieuwe evoluties op in relatie tot andere vakgebieden",
        "Verwerft nieuwe kennis en vaardigheden in relatie tot andere vakgebieden",
        "Deelt verworven kennis met medewerkers en collega's van andere departementen",
    ]
    assert wps[11]["title"] == "Coördineert de activiteiten van een team"
    assert len(wps[11]["gedrag"]) == 7
    skills = {c["text"]: c["vaardigheid"] for wp in wps for c in wp["criteria"]}
    assert skills["Stuurt bij waar nodig"] == "probleemoplossend"
    assert skills["Werkt professionele informatie en reglementering bij"] == "cognitief"


def test_unknown_identifier_is_a_clear_error(seeds):
    with pytest.raises(CommandError, match="Geen kwalificatie"):
        export("99999")
