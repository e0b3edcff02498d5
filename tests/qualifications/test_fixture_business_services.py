"""fixtures/business_services.json against the seed it transcribes.

Every expected value below is copied by hand from
/work/shared/seeds/000_5a4499e92bc31262.txt (SBB kwalificatiedossier Business Services, 23296).
"""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from qualifications.models import (
    Criterion,
    Dossier,
    GeneriekOnderdeel,
    Kerntaak,
    KnowledgeItem,
    Qualification,
    TextAddition,
    Werkproces,
    WerkprocesCompetentie,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
COMPETENTIES = str(FIXTURES / "competenties.json")
BUSINESS_SERVICES = str(FIXTURES / "business_services.json")

PROFIELEN = [
    ("P1", "Assistant Business Services"),
    ("P2", "Allround Assistant Business Services"),
    ("P3", "Office & Management Support Specialist"),
    ("P4", "Business Administration & Control Specialist"),
    ("P5", "Legal, Insurance & HR Services Specialist"),
    ("P6", "Marketing & Communication Specialist"),
]

KERNTAKEN = [
    ("B1-K1", "basisdeel", None, "Voert taken uit binnen de zakelijke dienstverlening"),
    (
        "P1-K1",
        "profieldeel",
        "P1",
        "Verricht ondersteunende werkzaamheden in de zakelijke dienstverlening",
    ),
    (
        "P2-K1",
        "profieldeel",
        "P2",
        "Verricht werkzaamheden ten behoeve van bedrijfsprocessen in de zakelijke dienstverlening",
    ),
    ("P3-K1", "profieldeel", "P3", "Voert office & management support uit"),
    ("P4-K1", "profieldeel", "P4", "Verricht activiteiten voor financieel beheer"),
    ("P5-K1", "profieldeel", "P5", "Ondersteunt bij juridische en HR adviestrajecten"),
    ("P6-K1", "profieldeel", "P6", "Verzorgt marketing en (interne) communicatietrajecten"),
]

WERKPROCESSEN = {
    "B1-K1": [
        ("B1-K1-W1", "Treedt op als aanspreekpunt voor klanten"),
        ("B1-K1-W2", "Verzorgt zakelijke communicatie"),
        ("B1-K1-W3", "Verwerkt gegevens"),
        (
            "B1-K1-W4",
            "Werkt aan producten/opdrachten binnen geld-, goederen- en informatie beweging",
        ),
    ],
    "P1-K1": [
        ("P1-K1-W1", "Voert facilitaire werkzaamheden uit"),
        ("P1-K1-W2", "Voert logistieke werkzaamheden uit"),
    ],
    "P2-K1": [
        ("P2-K1-W1", "Ondersteunt bij het leveren van managementinformatie"),
        ("P2-K1-W2", "Voert financiële processen uit"),
        ("P2-K1-W3", "Organiseert planning en voorraadbeheer"),
        ("P2-K1-W4", "Voert marketing en communicatie-werkzaamheden uit"),
    ],
    # The detailed P3 section spells "Levert"; the overview's "Leverd" is a typo there.
    "P3-K1": [
        ("P3-K1-W1", "Levert managementinformatie"),
        ("P3-K1-W2", "Ondersteunt bij ontwikkelen van corporate information"),
        ("P3-K1-W3", "Handelt administratieve en financiële zaken af"),
        ("P3-K1-W4", "Organiseert interne bijeenkomsten"),
    ],
    # P4 is only in the overview, so its spelling stays as printed there.
    "P4-K1": [
        ("P4-K1-W1", "Leverd managementinformatie"),
        ("P4-K1-W2", "Doet verbetervoorstellen m.b.t. geld-, goederen- en informatie beweging"),
        ("P4-K1-W3", "Handelt financieel-administratieve taken af"),
        ("P4-K1-W4", "Verricht werkzaamheden t.b.v. de periodeafsluiting en belastingaangifte"),
    ],
    "P5-K1": [
        ("P5-K1-W1", "Levert managementinformatie"),
        ("P5-K1-W2", "Ondersteunt juridische of hr aanvragen en opdrachten"),
        ("P5-K1-W3", "Stelt standaarddocumenten op of vult ze in"),
    ],
    "P6-K1": [
        ("P6-K1-W1", "Levert managementinformatie"),
        ("P6-K1-W2", "Verzorgt marketing- en communicatieactiviteiten"),
        ("P6-K1-W3", "Voert marktonderzoeken uit"),
    ],
}

# werkproces: (basis gedrag, aanvullend gedrag for P3)
GEDRAG = {
    "B1-K1-W1": (
        [
            "ontvangt klanten/bezoekers gastvrij en passend bij het bedrijf;",
            "staat bezoekers en klanten vriendelijke en correct te woord afgestemd op de "
            "communicatiewijze (face to face, telefonisch, e-mail/chat ed.);",
            "Geeft zorgvuldig en passend binnen de kaders van zijn/haar functie informatie op "
            "standaardvragen;",
            "werkt volgens de in het bedrijf geldende werkwijze en procedures en protocollen.",
        ],
        [
            "stemt communicatie en gedrag af op de klant en de klantrelatie;",
            "geeft zorgvuldig en passend binnen de kaders van de wet informatie en advies;",
            "voert de ondersteunende taken vakbekwaam uit;",
            "investeert in het opbouwen en onderhouden van goede werk-/klantrelaties.",
        ],
    ),
    "B1-K1-W2": (
        [
            "gebruikt correcte taal, afgestemd op klant, product en wijze van correspondentie",
            "verwerkt gegevens nauwkeurig en snel in gebruikte systemen",
            "controleert zorgvuldig zakelijke (concept) teksten",
            "gaat ethisch en integer om met klantgegevens en zakelijke communicatie",
            "werkt volgens procedures en wet- en regelgeving",
        ],
        [
            "stemt de correspondentie zorgvuldig af op de huisstijl en de doelgroep;",
            "bewaakt nauwgezet de voortgang en afhandeling van de correspondentie.",
        ],
    ),
    "B1-K1-W3": (
        [
            "werkt systematisch en zorgvuldig de bestanden, overzichten of administraties "
            "tijdig en correct bij;",
            "controleert nauwkeurig de ingevoerde gegevens;",
            "gebruikt digitale systemen snel en vakkundig voor de verwerking van gegevens en "
            "het archiveren van dossiers;",
            "gaat zorgvuldig om met gevoelige informatie en AVG;",
            "werkt volgens procedures en wet- en regelgeving.",
        ],
        [
            "rapporteert proactief aan leidinggevende/opdrachtgever en andere betrokkenen;",
            "ziet samenhang tussen zaken;",
            "levert volgens planning correcte, consistente en betrouwbare overzichten en "
            "rapportages op en distribueert deze naar betrokkenen.",
        ],
    ),
    "B1-K1-W4": (
        [
            "deelt pro-actief kennis en ervaring binnen de keten;",
            "communiceert helder en afgestemd op de activiteit en de ontvanger;",
            "plant en organiseert activiteiten/bijeenkomsten nauwkeurig en volgens opdracht;",
            "gebruikt correcte taal en grammatica, afgestemd op product en/of presentatie;",
            "denkt kritisch na over de eigen rol en functioneren binnen de samenwerking en de "
            "organisatie als geheel.",
        ],
        [
            "stemt tijdig af met de opdrachtgever;",
            "kiest de juiste informatiebronnen en zoekt grondig naar relevante informatie;",
            "presenteert de plannen afgestemd op de doelgroep;",
            "formuleert helder, duidelijk en bondig;",
            "neemt het initiatief om verbinding te leggen in de samenwerking binnen de keten.",
        ],
    ),
    "P3-K1-W1": (
        [
            "informeert en overlegt regelmatig met de betrokken managers en maakt proactief "
            "melding van belangrijke zaken;",
            "attendeert het management proactief op afwijkingen en bijzonderheden;",
            "formuleert op een logische en gestructureerde wijze en stemt de communicatie af op "
            "de informatievraag of (mogelijke) informatiebehoefte van het management;",
            "zorgt voor nauwkeurige, volledige en taalkundig correcte rapportages;",
            "maakt bij het aanleveren van de managementinformatie gebruik van het model dat "
            "vooraf door het management is vastgesteld;",
            "handelt in lijn met de structuur, het beleid en de doelen van de algehele "
            "organisatie en haar omgevingsinvloeden (bijvoorbeeld veranderingen op de "
            "arbeidsmarkt).",
        ],
        [],
    ),
    "P3-K1-W2": (
        [
            "presenteert content op een manier die de belangstelling trekt en stemt het "
            "taalgebruik af op (het niveau van) de doelgroep;",
            "komt met heldere en werkbare voorstellen om meer traffic en conversie voor de "
            "website te creëren;",
            "werkt conform de afgesproken richtlijnen en procedures voor het schrijven, "
            "plaatsen en actueel houden van de content op internet/intranet en de website;",
            "zorgt voor een goede samenwerking met anderen.",
            "analyseert de inhoud van aangeleverde teksten grondig op de aansluiting op doel en "
            "doelgroep en op een feitelijke juiste inhoud en signaleert eventuele "
            "discrepanties;",
            "signaleert alle afwijkingen van de huisregels/huisstijl en van de officiële "
            "spellingsregels;",
            "redigeert zorgvuldig, zoveel mogelijk volgens beproefde methoden, en conform de "
            "kwaliteitseisen van de organisatie;",
            "koppelt de bevindingen op heldere wijze terug aan de schrijver.",
        ],
        [],
    ),
    "P3-K1-W3": (
        [
            "handelt kostenbewust en zoekt naar de juiste prijs-kwaliteit-verhouding;",
            "informeert actief naar instructies en aanwijzingen en houdt zich aan de "
            "voorgeschreven procedures;",
            "toont zich betrouwbaar en is discreet in het omgaan met informatie van "
            "vertrouwelijke en/of gevoelige aard.",
        ],
        [],
    ),
    "P3-K1-W4": (
        [
            "legt de opdrachtgever helder geformuleerde keuzes voor die passen binnen de "
            "mogelijkheden van de eigen organisatie;",
            "stelt een helder gestructureerd en goed leesbaar plan van aanpak op op basis van "
            "de geformuleerde wensen, het budget en de gemaakte afspraken met de opdrachtgever;",
            "maakt een realistische en efficiënte planning;",
            "overlegt op heldere wijze met betrokkenen en controleert tijdens gesprekken "
            "zorgvuldig of de boodschap goed is overgekomen;",
            "werkt conform de instructies, de procedures en veiligheidsvoorschriften en zorgt "
            "ervoor dat anderen dit ook doen;",
            "controleert systematisch of er volgens het draaiboek wordt gewerkt en grijpt "
            "tijdig in als iets niet goed gaat.",
        ],
        [],
    ),
}

# werkproces: (basis competentie codes, aanvullend for P3), as listed in "De onderliggende
# competenties zijn: ..." (titles resolved through fixtures/competenties.json).
COMPETENTIES_PER_WP = {
    "B1-K1-W1": (["K", "T", "G"], ["G", "K", "R", "T"]),
    "B1-K1-W2": (["F", "J", "K", "S"], ["Q", "R"]),
    "B1-K1-W3": (["F", "K", "S", "T", "L"], ["E", "S", "M"]),
    "B1-K1-W4": (["E", "Q", "R"], ["E", "Q", "J", "A"]),
    "P3-K1-W1": (["E", "J", "T", "Y"], []),
    "P3-K1-W2": (["J", "T", "E", "K", "M", "S"], []),
    "P3-K1-W3": (["F", "T", "Y", "E", "K"], []),
    "P3-K1-W4": (["E", "J", "Q", "S", "T"], []),
}


def load():
    call_command("loaddata", COMPETENTIES, BUSINESS_SERVICES, verbosity=0)


def qualification_counts():
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("qualifications").get_models()
    }


@pytest.fixture
def loaded(db):
    load()


def criteria(wp_code, qualification_code):
    rows = Criterion.objects.filter(
        werkproces__kerntaak__dossier__code="23296", werkproces__code=wp_code
    ).order_by("position")
    if qualification_code is None:
        rows = rows.filter(qualification__isnull=True)
    else:
        rows = rows.filter(qualification__code=qualification_code)
    return list(rows.values_list("text", flat=True))


def competentie_codes(wp_code, qualification_code):
    rows = WerkprocesCompetentie.objects.filter(
        werkproces__kerntaak__dossier__code="23296", werkproces__code=wp_code
    ).order_by("position")
    if qualification_code is None:
        rows = rows.filter(qualification__isnull=True)
    else:
        rows = rows.filter(qualification__code=qualification_code)
    return list(rows.values_list("competentie__code", flat=True))


@pytest.mark.django_db
def test_dossier(loaded):
    dossier = Dossier.objects.get(code="23296", version=1)
    assert dossier.framework == "sbb"
    assert dossier.title == "Business Services"
    assert dossier.status == "vastgesteld"
    assert dossier.opleidingsdomein == "Economie en administratie"
    assert dossier.opleidingsdomein_crebo == "79090"
    assert dossier.sectorkamer == "Sectorkamer zakelijke dienstverlening en veiligheid"
    assert dossier.validated_on == datetime.date(2020, 11, 26)
    assert dossier.valid_from is None
    paragraphs = dossier.typering.split("\n\n")
    assert paragraphs[0] == "Context"
    assert paragraphs[2] == "Typerende beroepshouding"
    assert paragraphs[6] == "Resultaat van de beroepengroep"
    assert paragraphs[-1] == (
        "* Het kan hierbij gaan om directie en/of management, collega's of team (bij "
        "resultaatverantwoordelijke teams), klanten."
    )


@pytest.mark.django_db
def test_six_profielen(loaded):
    rows = Qualification.objects.filter(dossier__code="23296").order_by("position")
    assert [(q.code, q.title) for q in rows] == PROFIELEN
    assert [q.position for q in rows] == [1, 2, 3, 4, 5, 6]
    p3 = rows.get(code="P3")
    assert (p3.crebo, p3.niveau, p3.beroepsvereisten) == ("25728", 4, "Nee")
    assert p3.typering.startswith("De beginnend beroepsbeoefenaar kan werkzaam zijn binnen")
    assert p3.typering.endswith("speelt goed in op mensen en situaties.")
    for q in rows.exclude(code="P3"):
        assert (q.crebo, q.niveau, q.typering) == ("", None, "")


@pytest.mark.django_db
def test_kerntaken(loaded):
    rows = Kerntaak.objects.filter(dossier__code="23296").order_by("position")
    assert [
        (kt.code, kt.part, kt.qualification.code if kt.qualification else None, kt.title)
        for kt in rows
    ] == KERNTAKEN
    b1 = rows.get(code="B1-K1")
    assert b1.complexiteit.startswith("Voor het uitvoeren van de ondersteunende werkzaamheden")
    # The page header "## B1-K1: ..." in the middle of this text is not a new section.
    assert b1.verantwoordelijkheid.split("\n\n") == [
        "De beginnend beroepsbeoefenaar werkt zelfstandig en draagt verantwoordelijkheid voor "
        "een goede uitvoering en tijdige afhandeling van de werkzaamheden. Hij/zij werkt samen "
        "met collega's en neemt, eventueel in opdracht, werkzaamheden over.",
        "Binnen de afdeling of de organisatie valt hij/zij onder de direct leidinggevende of "
        "opdrachtgever. Hij/zij is verantwoordelijk voor een goede relatie met de klanten met "
        "wie hij/zij contact heeft. Hij/zij werkt zelfstandig binnen de gegeven taakstelling "
        "met de daarin geldende vast omschreven opdrachten die van korte en langere duur "
        "kunnen zijn.",
    ]
    p3 = rows.get(code="P3-K1")
    assert len(p3.complexiteit.split("\n\n")) == 2
    assert p3.verantwoordelijkheid.startswith("De beginnend beroepsbeoefenaar verricht")


@pytest.mark.django_db
def test_werkproces_codes_and_titles_per_kerntaak(loaded):
    for kerntaak_code, expected in WERKPROCESSEN.items():
        rows = Werkproces.objects.filter(
            kerntaak__dossier__code="23296", kerntaak__code=kerntaak_code
        ).order_by("position")
        assert [(wp.code, wp.title) for wp in rows] == expected, kerntaak_code
        assert [wp.position for wp in rows] == list(range(1, len(expected) + 1))
    assert Werkproces.objects.filter(kerntaak__dossier__code="23296").count() == 24


@pytest.mark.django_db
def test_werkprocessen_per_profiel(loaded):
    for code, _title in PROFIELEN:
        rows = Werkproces.objects.filter(kerntaak__qualification__code=code).order_by("position")
        assert [wp.code for wp in rows] == [c for c, _ in WERKPROCESSEN[f"{code}-K1"]]


@pytest.mark.django_db
@pytest.mark.parametrize("wp_code", list(GEDRAG))
def test_gedrag(loaded, wp_code):
    basis, p3 = GEDRAG[wp_code]
    assert criteria(wp_code, None) == basis
    assert criteria(wp_code, "P3") == p3
    rows = Criterion.objects.filter(werkproces__code=wp_code).order_by("position")
    # Basis lines first, then the additions, numbered 1.. without gaps.
    assert [c.position for c in rows] == list(range(1, len(basis) + len(p3) + 1))
    assert [c.qualification_id is None for c in rows] == [True] * len(basis) + [False] * len(p3)
    assert {c.skill_type for c in rows} == {""}
    assert "De beginnend beroepsbeoefenaar:" not in [c.text for c in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("wp_code", list(COMPETENTIES_PER_WP))
def test_competenties(loaded, wp_code):
    basis, p3 = COMPETENTIES_PER_WP[wp_code]
    assert competentie_codes(wp_code, None) == basis
    assert competentie_codes(wp_code, "P3") == p3


@pytest.mark.django_db
def test_b1_k1_w2_page_header_does_not_cut_the_list(loaded):
    basis = criteria("B1-K1-W2", None)
    assert len(basis) == 5
    assert basis[-1] == "werkt volgens procedures en wet- en regelgeving"


@pytest.mark.django_db
def test_only_b1_and_p3_werkprocessen_have_gedrag(loaded):
    codes = set(
        Criterion.objects.filter(werkproces__kerntaak__dossier__code="23296").values_list(
            "werkproces__code", flat=True
        )
    )
    assert codes == set(GEDRAG)


@pytest.mark.django_db
def test_omschrijving_and_resultaat(loaded):
    w1 = Werkproces.objects.get(kerntaak__dossier__code="23296", code="B1-K1-W1")
    assert w1.omschrijving.startswith("De beginnend beroepsbeoefenaar ontvangt bezoekers")
    assert w1.omschrijving.endswith("geeft aan wat de verdere procedure is.")
    assert w1.resultaat == (
        "De bezoekers en klanten zijn klantvriendelijk te woord gestaan en geïnformeerd.\n"
        "Klachten zijn volgens procedure in behandeling genomen."
    )
    w2 = Werkproces.objects.get(kerntaak__dossier__code="23296", code="P3-K1-W2")
    assert len(w2.omschrijving.split("\n\n")) == 3
    assert w2.resultaat.split("\n\n") == [
        "Website/intranet/social media zijn actueel en conform richtlijnen ingezet.",
        "Taalkundig en inhoudelijk correcte teksten die voldoen aan de kwaliteitseisen van de "
        "organisatie en afgestemd zijn op doel en doelgroep.",
    ]
    for wp in Werkproces.objects.filter(kerntaak__code__in=["B1-K1", "P3-K1"]):
        assert wp.omschrijving and wp.resultaat, wp.code
        assert "Voor Office & Management Support Specialist" not in wp.omschrijving
        assert "Voor Office & Management Support Specialist" not in wp.resultaat


@pytest.mark.django_db
def test_text_additions(loaded):
    rows = TextAddition.objects.filter(kerntaak__dossier__code="23296").order_by("position")
    assert [
        (a.kerntaak.code, a.werkproces.code if a.werkproces else None, a.field) for a in rows
    ] == [
        ("B1-K1", None, "complexiteit"),
        ("B1-K1", None, "verantwoordelijkheid"),
        ("B1-K1", "B1-K1-W1", "omschrijving"),
        ("B1-K1", "B1-K1-W1", "resultaat"),
        ("B1-K1", "B1-K1-W2", "omschrijving"),
        ("B1-K1", "B1-K1-W2", "resultaat"),
        ("B1-K1", "B1-K1-W3", "omschrijving"),
        ("B1-K1", "B1-K1-W3", "resultaat"),
        ("B1-K1", "B1-K1-W4", "omschrijving"),
        ("B1-K1", "B1-K1-W4", "resultaat"),
    ]
    assert {a.qualification.code for a in rows} == {"P3"}
    assert rows[1].text == "Hij/zij bewaakt de voortgang van de werkzaamheden."
    assert rows[3].text == "De klantrelatie is onderhouden."
    assert rows[9].text == (
        "Werkzaamheden, overleggen en activiteiten voor het team zijn ingepland.\n"
        "Een onderbouwd operationeel plan dat is afgestemd in de keten."
    )


@pytest.mark.django_db
def test_vakkennis(loaded):
    b1 = KnowledgeItem.objects.filter(kerntaak__code="B1-K1").order_by("position")
    assert [(k.category, k.qualification_id is not None) for k in b1] == (
        [("", False)] * 5
        + [("Archiveren", False)] * 2
        + [("Communicatie", False)] * 8
        + [("Digitale vaardigheden", False)] * 2
        + [("", True)] * 9
    )
    assert b1.last().text == (
        "kan regels met betrekking tot beveiliging van gegevens en systemen toepassen"
    )
    assert {k.qualification.code for k in b1 if k.qualification} == {"P3"}
    p3 = KnowledgeItem.objects.filter(kerntaak__code="P3-K1").order_by("position")
    # The page header "### P3-K1 ..." between Communicatie and Archiveren is not a section.
    assert [k.category for k in p3] == (
        [""] * 6 + ["Communicatie"] * 4 + ["Archiveren"] + ["Financiële toepassingen"] * 3
    )
    assert p3.last().text == "kan berekeningen uitvoeren"
    assert not KnowledgeItem.objects.filter(werkproces__isnull=False).exists()


@pytest.mark.django_db
def test_generieke_onderdelen(loaded):
    rows = GeneriekOnderdeel.objects.filter(dossier__code="23296").order_by("position")
    assert [(g.title, g.min_niveau) for g in rows] == [
        ("Nederlandse taal", None),
        ("Rekenen", None),
        ("Loopbaan en burgerschap", None),
        ("Engels (alleen voor niveau 4)", 4),
    ]
    assert "https://wetten.overheid.nl/BWBR0027879 en vormt" in rows[0].text


@pytest.mark.django_db
def test_no_markdown_left(loaded):
    texts = []
    for model in (Dossier, Qualification, Kerntaak, Werkproces, TextAddition, GeneriekOnderdeel):
        for row in model.objects.all():
            texts += [
                getattr(row, f.attname)
                for f in model._meta.concrete_fields
                if isinstance(getattr(row, f.attname), str)
            ]
    texts += list(Criterion.objects.values_list("text", flat=True))
    texts += list(KnowledgeItem.objects.values_list("text", flat=True))
    for text in texts:
        for markup in ("**", "<b>", "\\", "<http", "#"):
            assert markup not in text, (markup, text)
        assert not text.startswith("- ")


@pytest.mark.django_db
def test_loading_twice_adds_nothing(loaded):
    before = qualification_counts()
    pks_before = set(Criterion.objects.values_list("pk", flat=True))
    load()
    assert qualification_counts() == before
    assert set(Criterion.objects.values_list("pk", flat=True)) == pks_before
    expected = {
        "Dossier": 1,
        "Competentie": 25,
        "Qualification": 6,
        "Kerntaak": 7,
        "Werkproces": 24,
        "Criterion": 56,
        "WerkprocesCompetentie": 48,
        "KnowledgeItem": 40,
        "TextAddition": 10,
        "GeneriekOnderdeel": 4,
    }
    assert {name: before[name] for name in expected} == expected
