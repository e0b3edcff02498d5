"""The Office manager beroepskwalificatie fixture against the seed (BK-0568-1, seed 002).

Every literal below is read from /work/shared/seeds/002_740421209f091a2f.txt: the table in
section 2.1 for the activiteiten, deelactiviteiten and kenniselementen, and the lists in
section 2.2 for the cognitive and problem-solving skills as a second opinion on the skill types.
"""

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

FIXTURES = ("fixtures/competenties.json", "fixtures/bk_office_manager.json")

C = "cognitief"
P = "probleemoplossend"

ENGELS = (
    "Kennis van Engels: begrijpt en produceert met een vrij grote mate van autonomie vloeiende "
    "mondelinge en schriftelijke teksten over een breed scala van onderwerpen die samenhangen "
    "met zijn of haar vakgebied, opdat een uitwisseling van uitgebreide en gedetailleerde "
    "informatie mogelijk wordt"
)
FRANS = (
    "Kennis van Frans: begrijpt en produceert met een vrij grote mate van autonomie vloeiende "
    "mondelinge en schriftelijke teksten over een breed scala van onderwerpen die samenhangen "
    "met zijn of haar vakgebied, opdat een uitwisseling van uitgebreide en gedetailleerde "
    "informatie mogelijk wordt"
)
PRINCIPES = (
    "Grondige kennis van principes, processen, modellen en theorieën over "
    "bedrijfsadministratie -en organisatie"
)

ACTIVITEITEN = [
    "Ontwikkelt permanent de eigen deskundigheid",
    "Onderzoekt de administratieve en organisatorische processen en producten",
    "Optimaliseert de administratieve en organisatorische processen en producten van de "
    "organisatie",
    "Beheert de bedrijfscommunicatie",
    "Beheert dossiers en contracten",
    "Behandelt beslissingen, dienstnota's... zowel intern als extern",
    "Ontwikkelt bedrijfseigen systemen/tools voor de opvolging van activiteiten, producten en "
    "processen op strategische, organisatorische en logistieke vlak",
    "Beheert de organisatie en coördinatie van de dagelijkse werking van het management",
    "Organiseert bedrijfsgerelateerde communicatieacties en evenementen",
    "Beheert de administratie en organisatie van personeelsdossiers",
    "Beheert budgetten",
    "Coördineert de activiteiten van een team",
]

DEELACTIVITEITEN = {
    "A1": [
        (
            "Informeert zich over de ontwikkelingen in administratieve en organisatorische "
            "bedrijfsprocessen",
            C,
        ),
        ("Identificeert de behoefte aan verdere ontwikkeling in relatie tot andere vakgebieden", C),
        ("Volgt nieuwe evoluties op in relatie tot andere vakgebieden", C),
        ("Verwerft nieuwe kennis en vaardigheden in relatie tot andere vakgebieden", C),
        ("Deelt verworven kennis met medewerkers en collega's van andere departementen", C),
    ],
    "A2": [
        (
            "Analyseert de administratieve en organisatorische processen op strategische, "
            "tactische of logistieke vlak",
            C,
        ),
        (
            "Analyseert de administratieve en organisatorische producten op strategische, "
            "tactische of logistieke vlak",
            C,
        ),
        (
            "Raadpleegt marktonderzoeksrapporten, vaktijdschriften, nieuwsbrieven van "
            "brancheorganisaties, internetfora...",
            C,
        ),
        ("Synthetiseert alle bevindingen uit de analyses in een rapport", C),
        (
            "Formuleert voorstellen ter verbetering van de processen en producten o.b.v. de "
            "analyseresultaten",
            P,
        ),
        (
            "Stelt de verbetervoorstellen aan de leidinggevende voor en neemt actief deel aan de "
            "bespreking ervan",
            P,
        ),
    ],
    "A3": [
        (
            "Analyseert hoe de administratieve en organisatorische processen en producten "
            "bijgestuurd kunnen worden",
            P,
        ),
        ("Detecteert probleemsituaties", P),
        ("Stelt een actieplan op", C),
        ("Communiqueert over het uit te voeren actieplan met de medewerkers", C),
        ("Vertaalt het actieplan in concrete activiteiten", C),
        ("Coördineert de uitvoering van de verbeteractiviteiten", C),
        ("Stuurt systematisch het actieplan bij", P),
    ],
    "A4": [
        ("Filtert inkomende en uitgaande communicatie", C),
        ("Verzamelt, registreert, archiveert briefwisseling en e-mailberichten", C),
        ("Verzekert de opvolging van inkomende en uitgaande communicatie", C),
        ("Verzekert een goede informatiedoorstroom", C),
        ("Optimaliseert bestaande communicatieprocessen", P),
        ("Werkt memo's, brieven, verslagen, nota's, rapporten... uit", C),
        ("Redigeert teksten", C),
        ("Vertaalt of laat teksten vertalen", C),
        ("Gaat vertrouwelijk om met informatie", C),
    ],
    "A5": [
        (
            "Onderhandelt over de voorwaarden van onderhoudscontracten van kantoor materiaal, "
            "technische keuringen van voertuigen... en legt schriftelijk een overeenkomst vast",
            C,
        ),
        ("Analyseert probleemsituaties", P),
        ("Lost probleemsituaties op en zoekt alternatieven", P),
        ("Ziet toe op de uitvoering van de opdrachten", C),
        ("Wisselt informatie uit met interne en externe diensten", C),
        ("Controleert en vervolledigt dossiers", C),
        ("Actualiseert en archiveert dossiers in functie van de (bewaar)termijnen", C),
        ("Werkt professionele informatie en reglementering bij", C),
    ],
    "A6": [
        ("Coördineert de informatiedoorstroom", C),
        ("Voert gemaakte beslissingen uit of ziet er op toe dat ze uitgevoerd worden", C),
        (
            "Volgt de uitvoering, afspraken, stand van zaken... van beslissingen, "
            "dienstnota's...op",
            C,
        ),
        ("Onderhoudt interne en externe relatienetwerken", C),
    ],
    "A7": [
        ("Analyseert het doel van het/de bedrijfseigen systeem/tool", C),
        ("Ontwerpt een bedrijfseigen systeem/tool voor de opvolging", C),
        ("Optimaliseert het/de bedrijfseigen systeem/tool voor de opvolging", P),
    ],
    "A8": [
        ("Beheert de afspraken en planning van één of meerdere verantwoordelijken", C),
        ("Beheert de organisatie van besprekingen, vergaderingen en conferenties", C),
        (
            "Beheert de organisatie van verplaatsingen en reizen voor één of meerdere "
            "verantwoordelijken",
            C,
        ),
        ("Coördineert alle processen", C),
        ("Stuurt tussentijds de processen bij waar nodig", P),
        ("Evalueert het/de gelopen proces(sen)", P),
        ("Maakt een overzicht van mogelijke bijstellingen en de invloed op andere afdelingen", P),
        ("Voert optimalisaties in logistieke en administratieve processen door", P),
    ],
    "A9": [
        ("Werkt een concept uit dat beantwoordt aan de doelstelling(en)", C),
        ("Overlegt hierover met de verantwoordelijke van andere departementen", C),
        ("Stelt een actieplan op (timing, locatie, budget, personeel, catering, ...)", C),
        (
            "Voert de administratie uit (formaliteiten, toestemmingen, ...) of laat deze uitvoeren",
            C,
        ),
        (
            "Selecteert dienstverleners, leveranciers en onderaannemers voor de catering, de "
            "animatie, verhuring, ...",
            C,
        ),
        ("Stelt contracten op", C),
        ("Volgt de uitwerking van het actieplan op", C),
        ("Stelt een planning op en past ze aan wijzigende omstandigheden aan", P),
        ("Verdeelt taken en verantwoordelijkheden", C),
        ("Controleert de uitvoering van de opdrachten en het naleven van procedures", C),
    ],
    "A10": [
        ("Houdt aan- en afwezigheden van medewerkers bij", C),
        ("Reserveert lokalen en toebehoren voor opleidingen en aanwervingen", C),
        ("Maakt afspraken met de opleider over praktische regelingen en behoeftigheden", C),
        ("Stelt vacatures op volgens richtlijnen en laat ze verspreiden", C),
        ("Beheert de documenten van de personeelsdossiers", C),
        ("Stuurt bij waar nodig", P),
    ],
    "A11": [
        ("Beoordeelt offertes en leveringscontracten en stelt leveringscondities op", C),
        ("Houdt een projectadministratie bij en controleert deze", C),
        ("Beheert en controleert een urenregistratie", C),
        ("Handelt financiële zaken af", C),
    ],
    "A12": [
        # Cognitief here (the ✓ stands in the first column); the same text is
        # probleemoplossend in A9, and section 2.2 lists it under both.
        ("Stelt een planning op en past ze aan wijzigende omstandigheden aan", C),
        ("Verdeelt taken en verantwoordelijkheden", C),
        ("Informeert, begeleidt, stuurt en motiveert (nieuwe) medewerkers", C),
        ("Controleert de uitvoering van de opdrachten en het naleven van procedures", C),
        ("Organiseert en leidt teamvergaderingen", C),
        (
            "Volgt competenties van medewerkers op en bespreekt opleidingsmogelijkheden met de "
            "betrokkenen",
            C,
        ),
        ("Voert plannings-, functionerings- en evaluatiegesprekken", C),
    ],
}

KENNIS = {
    "A1": [
        "Kennis van kantoorsoftware",
        "Kennis van rapporteringstechnieken",
        "Kennis van redactionele normen",
        "Kennis van analysetechnieken",
        "Kennis van auteursrechten",
        ENGELS,
        FRANS,
        "Grondige kennis van hedendaagse (interne) communicatie technieken",
        PRINCIPES,
        "Grondige kennis van managementtechnieken",
    ],
    "A5": [
        "Basiskennis van arbeidsrecht",
        "Kennis van kantoorsoftware",
        "Kennis van registratietechnieken",
        "Kennis van rapporteringstechnieken",
        "Kennis van dossierbeheer",
        "Kennis van klassement- en archiveringsmethodes",
        "Kennis van analysetechnieken",
        ENGELS,
        FRANS,
        "Kennis van contractenrecht",
        "Kennis van bedrijfsprocessen (HR, logistiek, commercieel, communicatie...)",
        "Kennis van werkprocessen",
        "Kennis van onderhandelstechnieken",
        "Grondige kennis van bedrijfsadministratie",
        PRINCIPES,
        "Grondige kennis van zakelijk communicatie",
        "Grondige kennis van planningstechnieken",
    ],
    "A7": [
        "Kennis van ICT",
        "Kennis van kantoorsoftware",
        "Kennis van rapporteringstechnieken",
        "Kennis van dossierbeheer",
        "Kennis van analysetechnieken",
        "Kennis van communicatietools",
        "Kennis van SMART-principe",
        PRINCIPES,
        "Grondige kennis van zakelijk communicatie",
        "Grondige kennis van planningstechnieken",
        "Grondige kennis van procesmanagement",
    ],
    "A10": [
        "Basiskennis van sociale wetgeving",
        "Basiskennis van arbeidsrecht",
        "Kennis van kantoorsoftware",
        "Kennis van registratietechnieken",
        "Kennis van rapporteringstechnieken",
        "Kennis van technieken voor administratief beheer",
        "Kennis van dossierbeheer",
        # Sic: the table spells it "klassemment" here and "klassement" everywhere else.
        "Kennis van klassemment- en archiveringsmethodes",
        "Kennis van elektronische archiefsystemen",
        "Kennis van contractenrecht",
        PRINCIPES,
        "Grondige kennis van zakelijk communicatie",
    ],
    "A11": [
        "Kennis van ICT",
        "Kennis van kantoorsoftware",
        "Kennis van dossierbeheer",
        "Kennis van budgetbeheer",
        "Grondige kennis van bedrijfsadministratie",
        PRINCIPES,
        "Grondige kennis van zakelijk communicatie",
    ],
    "A12": [
        "Kennis van kantoorsoftware",
        "Kennis van technieken voor het leiden van een team",
        ENGELS,
        FRANS,
        "Kennis van bedrijfsprocessen (HR, logistiek, commercieel, communicatie...)",
        "Kennis van werkprocessen",
        "Kennis van onderhandelstechnieken",
        "Grondige kennis van zakelijk communicatie",
        "Grondige kennis van managementtechnieken",
        "Grondige kennis van procesmanagement",
    ],
}

KENNIS_COUNTS = {
    "A1": 10,
    "A2": 13,
    "A3": 14,
    "A4": 13,
    "A5": 17,
    "A6": 19,
    "A7": 11,
    "A8": 28,
    "A9": 10,
    "A10": 12,
    "A11": 7,
    "A12": 10,
}

# Section 2.2 "Cognitieve vaardigheden", as a set (the list repeats a few lines).
COGNITIEF_2_2 = {
    "Informeert zich over de ontwikkelingen in administratieve en organisatorische "
    "bedrijfsprocessen",
    "Identificeert de behoefte aan verdere ontwikkeling in relatie tot andere vakgebieden",
    "Volgt nieuwe evoluties op in relatie tot andere vakgebieden",
    "Verwerft nieuwe kennis en vaardigheden in relatie tot andere vakgebieden",
    "Deelt verworven kennis met medewerkers en collega's van andere departementen",
    "Analyseert de administratieve en organisatorische processen op strategische, tactische of "
    "logistieke vlak",
    "Raadpleegt marktonderzoeksrapporten, vaktijdschriften, nieuwsbrieven van "
    "brancheorganisaties, internetfora...",
    "Synthetiseert alle bevindingen uit de analyses in een rapport",
    "Stelt een actieplan op",
    "Communiqueert over het uit te voeren actieplan met de medewerkers",
    "Vertaalt het actieplan in concrete activiteiten",
    "Coördineert de uitvoering van de verbeteractiviteiten",
    "Filtert inkomende en uitgaande communicatie",
    "Verzamelt, registreert, archiveert briefwisseling en e-mailberichten",
    "Verzekert de opvolging van inkomende en uitgaande communicatie",
    "Verzekert een goede informatiedoorstroom",
    "Werkt memo's, brieven, verslagen, nota's, rapporten... uit",
    "Redigeert teksten",
    "Vertaalt of laat teksten vertalen",
    "Gaat vertrouwelijk om met informatie",
    "Onderhandelt over de voorwaarden van onderhoudscontracten van kantooormateriaal, technische "
    "keuringen van voertuigen... en legt schriftelijk een overeenkomst vast",
    "Ziet toe op de uitvoering van de opdrachten",
    "Wisselt informatie uit met interne en externe diensten",
    "Controleert en vervolledigt dossiers",
    "Actualiseert en archiveert dossiers in functie van de (bewaar)termijnen",
    "Werkt professionele informatie en reglementering bij",
    "Coördineert de informatiedoorstroom",
    "Voert gemaakte beslissingen uit of ziet er op toe dat ze uitgevoerd worden",
    "Volgt de uitvoering, afspraken, stand van zaken... van beslissingen, dienstnota's...op",
    "Onderhoudt interne en externe relatienetwerken",
    "Analyseert het doel van het/de bedrijfseigen systeem/tool",
    "Ontwerpt een bedrijfseigen systeem/tool voor de opvolging",
    "Werkt een concept uit dat beantwoordt aan de doelstelling(en)",
    "Overlegt hierover met de verantwoordelijke van andere departementen",
    "Stelt een actieplan op (timing, locatie, budget, personeel, catering, ...)",
    "Voert de administratie uit (formaliteiten, toestemmingen, ...) of laat deze uitvoeren",
    "Selecteert dienstverleners, leveranciers en onderaannemers voor de catering, de animatie, "
    "verhuring, ...",
    "Stelt contracten op",
    "Houdt aan- en afwezigheden van medewerkers bij",
    "Reserveert lokalen en toebehoren voor opleidingen en aanwervingen",
    "Maakt afspraken met de opleider over praktische regelingen en benodigdheden",
    "Stelt vacatures op volgens richtlijnen en laat ze verspreiden",
    "Beheert de documenten van de personeelsdossiers",
    "Beoordeelt offertes en leveringscontracten en stelt leveringscondities op",
    "Houdt een projectadministratie bij en controleert deze",
    "Beheert en controleert een urenregistratie",
    "Handelt financiële zaken af",
    "Stelt een planning op en past ze aan wijzigende omstandigheden aan",
    "Verdeelt taken en verantwoordelijkheden",
    "Informeert, begeleidt, stuurt en motiveert (nieuwe) medewerkers",
    "Controleert de uitvoering van de opdrachten en het naleven van procedures",
    "Organiseert en leidt teamvergaderingen",
    "Volgt competenties van medewerkers op en bespreekt opleidingsmogelijkheden met de betrokkenen",
    "Voert plannings-, functionerings- en evaluatiegesprekken",
    "Volgt de uitwerking van het actieplan op",
    "Beheert de afspraken en planning van één of meerdere verantwoordelijken",
    "Beheert de organisatie van besprekingen, vergaderingen en conferenties",
    "Beheert de organisatie van verplaatsingen en reizen voor één of meerdere verantwoordelijken",
    "Coördineert alle processen",
    "Analyseert de administratieve en organisatorische producten op strategische, tactische of "
    "logistieke vlak",
}

# Section 2.2 "Probleemoplossende vaardigheden".
PROBLEEMOPLOSSEND_2_2 = {
    "Formuleert voorstellen ter verbetering van de processen en producten o.b.v. de "
    "analyseresultaten",
    "Stelt de verbetervoorstellen aan de leidinggevende voor en neemt actief deel aan de "
    "bespreking ervan",
    "Analyseert hoe de administratieve en organisatorische processen en producten bijgestuurd "
    "kunnen worden",
    "Stuurt systematisch het actieplan bij",
    "Optimaliseert bestaande communicatieprocessen",
    "Lost probleemsituaties op en zoekt alternatieven",
    "Optimaliseert het/de bedrijfseigen systeem/tool voor de opvolging",
    "Stuurt bij waar nodig",
    "Detecteert probleemsituaties",
    "Analyseert probleemsituaties",
    "Stelt een planning op en past ze aan wijzigende omstandigheden aan",
    "Stuurt tussentijds de processen bij waar nodig",
    "Evalueert het/de gelopen proces(sen)",
    "Maakt een overzicht van mogelijke bijstellingen en de invloed op andere afdelingen",
    "Voert optimalisaties in logistieke en administratieve processen door",
}

# Where section 2.2 spells a deelactiviteit differently from the table in 2.1. The fixture
# keeps the table's wording; this maps 2.2's spelling onto it.
SPELLING_2_2_TO_2_1 = {
    "Onderhandelt over de voorwaarden van onderhoudscontracten van kantooormateriaal, technische "
    "keuringen van voertuigen... en legt schriftelijk een overeenkomst vast": (
        "Onderhandelt over de voorwaarden van onderhoudscontracten van kantoor materiaal, "
        "technische keuringen van voertuigen... en legt schriftelijk een overeenkomst vast"
    ),
    "Maakt afspraken met de opleider over praktische regelingen en benodigdheden": (
        "Maakt afspraken met de opleider over praktische regelingen en behoeftigheden"
    ),
}

KERNTAAK_KEY = ("BK-0568-1", 1, "A")


def _load():
    call_command("loaddata", *FIXTURES, verbosity=0)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("qualifications").get_models()
    }


@pytest.fixture
def loaded(db):
    _load()


def _werkproces(code):
    return Werkproces.objects.get_by_natural_key(*KERNTAAK_KEY, code)


@pytest.mark.django_db
def test_dossier_qualification_and_kerntaak(loaded):
    dossier = Dossier.objects.get_by_natural_key("BK-0568-1", 1)
    assert dossier.framework == "bk"
    assert dossier.title == "Office manager"
    assert dossier.status == "vastgesteld"
    assert dossier.sectorkamer == "Cevora (Cevora vzw - Cefora asbl)"
    assert "VDAB-Studiedienst" in dossier.source
    assert dossier.typering.startswith("De office manager beheert de administratieve en ")
    assert dossier.typering.endswith("\n\nSectoren\n- Overige (PC200 Aanvullend PC bedienden)")

    qualification = Qualification.objects.get(dossier=dossier)
    assert (qualification.code, qualification.crebo) == ("BK-0568-1", "BK-0568-1")
    assert qualification.niveau is None
    assert qualification.context.startswith("Omgevingscontext\n- Dit beroep wordt meestal ")
    assert "\n\nHandelingscontext\n- De office manager is de spilfiguur" in qualification.context
    assert qualification.autonomie.startswith("Is zelfstandig in\n- het permanent ontwikkelen")
    assert "\n\nIs gebonden aan\n- de bedrijfscultuur" in qualification.autonomie
    assert "\n\nDoet beroep op\n- het team/collega's" in qualification.autonomie
    assert qualification.verantwoordelijkheid.split("\n") == [
        f"- {title}" for title in ACTIVITEITEN[:7] + ACTIVITEITEN[8:] + ACTIVITEITEN[7:8]
    ]

    kerntaak = Kerntaak.objects.get(dossier=dossier)
    assert (kerntaak.code, kerntaak.title, kerntaak.part) == (
        "A",
        "Activiteiten",
        "beroepskwalificatie",
    )
    assert kerntaak.qualification is None


@pytest.mark.django_db
def test_activiteiten_in_order(loaded):
    werkprocessen = Werkproces.objects.filter(kerntaak__dossier__code="BK-0568-1")
    assert [(wp.code, wp.position, wp.title) for wp in werkprocessen] == [
        (f"A{n}", n, title) for n, title in enumerate(ACTIVITEITEN, start=1)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(DEELACTIVITEITEN))
def test_deelactiviteiten_with_skill_type(loaded, code):
    criteria = _werkproces(code).criteria.order_by("position")
    assert [(c.text, c.skill_type) for c in criteria] == DEELACTIVITEITEN[code]
    assert [c.position for c in criteria] == list(range(1, len(criteria) + 1))
    assert all(c.qualification_id is None for c in criteria)


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(KENNIS))
def test_kenniselementen_in_full(loaded, code):
    items = KnowledgeItem.objects.filter(werkproces=_werkproces(code)).order_by("position")
    assert [item.text for item in items] == KENNIS[code]


@pytest.mark.django_db
def test_kenniselementen_per_activiteit_and_positions(loaded):
    items = list(KnowledgeItem.objects.filter(kerntaak__dossier__code="BK-0568-1"))
    assert {code: sum(1 for i in items if i.werkproces.code == code) for code in KENNIS_COUNTS} == (
        KENNIS_COUNTS
    )
    # One running sequence over the kerntaak, in activiteit order.
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    codes = [int(i.werkproces.code[1:]) for i in items]
    assert codes == sorted(codes)
    assert all(i.category == "" and i.qualification_id is None for i in items)


@pytest.mark.django_db
def test_skill_types_agree_with_section_2_2(loaded):
    def as_table(texts):
        return {SPELLING_2_2_TO_2_1.get(text, text) for text in texts}

    criteria = Criterion.objects.filter(werkproces__kerntaak__dossier__code="BK-0568-1")
    cognitief = {c.text for c in criteria if c.skill_type == C}
    probleemoplossend = {c.text for c in criteria if c.skill_type == P}
    assert cognitief == as_table(COGNITIEF_2_2)
    assert probleemoplossend == as_table(PROBLEEMOPLOSSEND_2_2)
    assert not criteria.exclude(skill_type__in=[C, P]).exists()  # 2.2: motorisch "/"


@pytest.mark.django_db
def test_no_rows_the_bk_does_not_have(loaded):
    assert not GeneriekOnderdeel.objects.exists()
    assert not TextAddition.objects.exists()
    assert not WerkprocesCompetentie.objects.exists()


@pytest.mark.django_db
def test_loading_twice_adds_nothing(loaded):
    before = _counts()
    assert before["Criterion"] == 77
    assert before["KnowledgeItem"] == 164
    _load()
    assert _counts() == before
