"""export_qualification against the seed fixtures; expected texts are copied from the seeds
(/work/shared/seeds/000_... for Business Services, 002_... for the BK Office manager)."""

import copy
import json
from io import StringIO

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from qualifications.export import (
    EXPORT_VERSION,
    SCHEMA_PATH,
    find_qualification,
    qualification_as_dict,
)

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

# --- Business Services (23296), profiel P3 Office & Management Support Specialist (25728) ---

P3_TYPERING = (
    "De beginnend beroepsbeoefenaar kan werkzaam zijn binnen elke organisatie met een directie "
    "of manager(s) van overheids-, profit- en non-profitorganisaties. Hij/zij heeft regelmatig "
    "externe contacten. Hij/zij stelt zich in externe contacten klantgericht op en leeft zich in "
    "in de situatie en de wensen van de klant en komt afspraken na. Doorgaans is hier sprake van "
    "een frontoffice functie. Kenmerkend voor dit beroep is de noodzaak goed inzicht te hebben in "
    "de processen en overzicht te hebben over de secretariële taken. Er wordt verwacht dat "
    "hij/zij proactief meedenkt en het management informeert over ontwikkelingen of zaken die "
    "aandacht behoeven.\n\n"
    "Het werken voor verschillende directeuren en managers kan in geval van naderende deadlines "
    "spanningen veroorzaken, hij/zij moet daarom goed kunnen plannen en stressbestendig zijn. "
    "Hij/zij beschikt over enig cijfermatig inzicht en begrijpt waarom bepaalde handelingen "
    "worden verricht. Hij/zij gaat zorgvuldig om met de verwerking van (vertrouwelijke) "
    "gegevens. Ook verzorgt hij/zij intranet/website/social media. Hij/zij denkt marktgericht "
    "c.q. vanuit de opdrachtgever, is zakelijk, proactief, improviseert zonedig, drukt zich "
    "mondeling en schriftelijk zeer goed uit, speelt goed in op mensen en situaties."
)
DOSSIER_CONTEXT = (
    "Beroepsbeoefenaren zakelijke dienstverlening werken binnen een grote verscheidenheid aan "
    "sectoren c.q. branches (profit, not-for-profit, overheid). Hij/zij voert ondersteunende "
    "werkzaamheden uit in een administratieve omgeving."
)
DOSSIER_RESULTAAT = (
    "De beginnend beroepsbeoefenaar heeft de werkzaamheden voor de "
    "leidinggevende/opdrachtgever*, zorgvuldig binnen de daarvoor gestelde tijd (met de nodige "
    "geheimhouding) binnen de richtlijnen van de organisatie en met oog voor prioriteiten naar "
    "tevredenheid uitgevoerd."
)
B1_K1_COMPLEXITEIT = (
    "Voor het uitvoeren van de ondersteunende werkzaamheden m.b.t. diverse bedrijfsprocessen "
    "verricht de beginnend beroepsbeoefenaar eenvoudige en routinematige handelingen en gebruikt "
    "daarbij taakgerichte kennis en vaardigheden. Hij/zij hanteert een standaardwerkwijze, "
    "gebruikt de bijbehorende hulpmiddelen en volgt de geldende instructies en procedures op. "
    "Bij het ontvangen van bezoekers en het voeren van (telefoon)gesprekken zijn communicatieve "
    "vaardigheden, een goede beheersing van het Nederlands nodig. Hij/zij herkent eenvoudige "
    "problemen in de beroepspraktijk en lost deze problemen planmatig op. Hij/zij schakelt hulp "
    "in of vraagt raad bij wisselende of onverwachte omstandigheden."
)
B1_K1_COMPLEXITEIT_P3 = (
    "Hij/zij lost veel voorkomende problemen planmatig op. Hij zij interpreteert gegevens en "
    "rapporteert. Daarnaast is hij/zij zich bewust van het belang van het onderhouden van een "
    "goede relatie met de klant en handelt hiernaar. Hij/zij heeft in voorkomende gevallen "
    "basiskennis van Engels nodig."
)
# The seed's page header ("## B1-K1: ...") splits this text in two; it is one text.
B1_K1_VERANTWOORDELIJKHEID = (
    "De beginnend beroepsbeoefenaar werkt zelfstandig en draagt verantwoordelijkheid voor een "
    "goede uitvoering en tijdige afhandeling van de werkzaamheden. Hij/zij werkt samen met "
    "collega's en neemt, eventueel in opdracht, werkzaamheden over.\n\n"
    "Binnen de afdeling of de organisatie valt hij/zij onder de direct leidinggevende of "
    "opdrachtgever. Hij/zij is verantwoordelijk voor een goede relatie met de klanten met wie "
    "hij/zij contact heeft. Hij/zij werkt zelfstandig binnen de gegeven taakstelling met de "
    "daarin geldende vast omschreven opdrachten die van korte en langere duur kunnen zijn."
)
B1_K1_VERANTWOORDELIJKHEID_P3 = "Hij/zij bewaakt de voortgang van de werkzaamheden."
B1_K1_VAKKENNIS = [
    ("heeft kennis van basisprincipes van wettelijke regels m.b.t. bescherming "
     "persoonsgegevens", ""),
    ("kan basiskennis over Arbo-regels en aspecten voor gezond en veilig werken toepassen "
     "tijdens de werkzaamheden", ""),
    ("kan berekeningen uitvoeren", ""),
    ("kan gegevens verwerken", ""),
    ("heeft basiskennis van vertrouwelijke en privacygevoelige informatie", ""),
    ("heeft basiskennis van wijze van archiveren", "Archiveren"),
    ("kan dossiers bijhouden", "Archiveren"),
    ("kan bijeenkomsten plannen en organiseren", "Communicatie"),
    ("kan communicatiemiddelen gebruiken", "Communicatie"),
    ("kan communicatieve vaardigheden toepassen tijdens zakelijke contacten met relaties, "
     "klanten en collega's", "Communicatie"),
    ("kan informatie verstrekken en doorverwijzen", "Communicatie"),
    ("kan klachten in ontvangst nemen", "Communicatie"),
    ("kan managementinformatie aanleveren", "Communicatie"),
    ("kan plannen opstellen en presenteren", "Communicatie"),
    ("kan zakelijke correspondentie voeren", "Communicatie"),
    ("kan werken met gangbare computersystemen en (software)pakketten/applicaties",
     "Digitale vaardigheden"),
    ("kan zakelijk gebruikmaken van social media, internet en intranet",
     "Digitale vaardigheden"),
]  # fmt: skip
B1_K1_VAKKENNIS_P3 = [
    "heeft kennis van de principes van projectmatig werken",
    "kan brede kennis van richtlijnen en regels toepassen bij geheimhouding, bewaartermijnen, "
    "brancheafspraken en (overheids)regels",
    "kan gegevens analyseren",
    "kan gesprekstechnieken toepassen",
    "kan in het Engels (telefoon)gesprekken voeren, presentaties geven, informatie zoeken en "
    "lezen en eenvoudige berichten opstellen",
    "kan moeilijke telefoongesprekken voeren met klanten",
    "kan omgaan met diversiteit bij klantcontact",
    "kan rapporteren",
    "kan regels met betrekking tot beveiliging van gegevens en systemen toepassen",
]
B1_K1_W1_OMSCHRIJVING = (
    "De beginnend beroepsbeoefenaar ontvangt bezoekers en klanten en staat hen te woord. Het "
    "contact kan zowel fysiek, telefonisch als online zijn. Hij/zij beantwoordt standaardvragen "
    "en verstrekt informatie en verwijst indien van toepassing door naar de juiste persoon of "
    "locatie. Hij/zij voert de bijbehorende receptie- en administratieve werkzaamheden uit. "
    "Hij/zij neemt klachten/problemen in ontvangst en geeft aan wat de verdere procedure is."
)
B1_K1_W1_OMSCHRIJVING_P3 = (
    "Daarnaast onderhoudt de beginnend beroepsbeoefenaar de klantrelaties. Hij/zij ondersteunt "
    "de klant op het gebied van producten en diensten en geeft informatie en advies."
)
B1_K1_W1_RESULTAAT = (
    "De bezoekers en klanten zijn klantvriendelijk te woord gestaan en geïnformeerd.\n"
    "Klachten zijn volgens procedure in behandeling genomen."
)
B1_K1_W1_RESULTAAT_P3 = "De klantrelatie is onderhouden."
P3_K1_COMPLEXITEIT = (
    "De werkzaamheden van de beginnend beroepsbeoefenaar zijn veelal volgens "
    "standaardwerkwijze, maar hij/zij wordt daarbij veelal met onverwachte situaties "
    "geconfronteerd. Hij/zij moet over voldoende brede kennis beschikken van project-, "
    "contract-, urenadministraties, andere relevante regelgeving en procedures. Hij/zij moet bij "
    "de werkzaamheden de regels en voorschriften kunnen toepassen. Voor de contacten met interne "
    "en externe klanten is speciale aandacht nodig, waarbij de nodige sensitiviteit wordt "
    "gevraagd. Hij/zij moet vaardig zijn in het toepassen van regels voor het in stand houden "
    "van goede contacten met relaties. De werkzaamheden hebben een aanzienlijk afbreukrisico, "
    "met name bij het kloppen van de kas, budgetten, uren en de contractdossiers.\n\n"
    "Hij/zij heeft brede vaardigheden nodig voor de uitoefening van een diversiteit aan taken en "
    "specialistische kennis van projectadministratie."
)
P3_K1_VERANTWOORDELIJKHEID = (
    "De beginnend beroepsbeoefenaar verricht de werkzaamheden vanuit een uitvoerende rol. "
    "Hij/zij past standaardprocedures toe en werkt zelfstandig, maar legt wel tussentijds "
    "verantwoording af over de uitgevoerde werkzaamheden aan de opdrachtgever. Hij/zij is "
    "verantwoordelijk voor de kwaliteit van de eigen werkzaamheden en voor het tijdig opleveren "
    "ervan."
)
P3_K1_W1_OMSCHRIJVING = (
    "De beginnend beroepsbeoefenaar levert in opdracht van het lijnmanagement of de "
    "manager/adviseur managementinformatie aan met betrekking tot bedrijfsprocessen. Hij/zij "
    "signaleert opvallende zaken en attendeert zo nodig het management hierop. Hij/zij maakt op "
    "verzoek (periodiek) rapportages en stelt hierbij, indien nodig, kengetallen en/of andere "
    "managementinformatie op; de key performance indicatoren. Hij/zij inventariseert, "
    "selecteert en verwerkt, bijvoorbeeld door middel van tabellen en grafieken, key "
    "performance indicatoren met betrekking tot organisatie-, personeels- en/of "
    "arbeidsmarktontwikkelingen. Hij/zij levert dit op in een vooraf vastgesteld model en "
    "conform afspraak."
)
P3_K1_W1_RESULTAAT = (
    "De managementinformatie is conform afspraak opgeleverd en helder, volledig en "
    "overzichtelijk weergegeven."
)

# --- Beroepskwalificatie Office manager (BK-0568-1) ---

BK_DEFINITIE = (
    "De office manager beheert de administratieve en organisatorische processen op tactisch, "
    "logistiek en strategisch gebied teneinde een vlotte en efficiënte werking van het "
    "management van de organisatie te garanderen."
)
BK_A1_KENNIS = [
    "Kennis van kantoorsoftware",
    "Kennis van rapporteringstechnieken",
    "Kennis van redactionele normen",
    "Kennis van analysetechnieken",
    "Kennis van auteursrechten",
    "Kennis van Engels: begrijpt en produceert met een vrij grote mate van autonomie vloeiende "
    "mondelinge en schriftelijke teksten over een breed scala van onderwerpen die samenhangen "
    "met zijn of haar vakgebied, opdat een uitwisseling van uitgebreide en gedetailleerde "
    "informatie mogelijk wordt",
    "Kennis van Frans: begrijpt en produceert met een vrij grote mate van autonomie vloeiende "
    "mondelinge en schriftelijke teksten over een breed scala van onderwerpen die samenhangen "
    "met zijn of haar vakgebied, opdat een uitwisseling van uitgebreide en gedetailleerde "
    "informatie mogelijk wordt",
    "Grondige kennis van hedendaagse (interne) communicatie technieken",
    "Grondige kennis van principes, processen, modellen en theorieën over bedrijfsadministratie "
    "-en organisatie",
    "Grondige kennis van managementtechnieken",
]
BK_CONTEXT_OMGEVING = [
    "Dit beroep wordt meestal uitgeoefend in een kantooromgeving en soms op verplaatsing.",
    "De beroepsuitoefening varieert naargelang de grootte van het bedrijf en volgens de "
    "bedrijfsactiviteiten.",
    "Het wordt meestal uitgeoefend in een dag-systeem en soms in het weekend of 's avonds.",
    "De werkdruk kan variëren en pieken bereiken naargelang de noden van en de situatie in het "
    "bedrijf.",
    "De uitvoering van dit beroep vraagt continue strategische, organisatorische en logistieke "
    "afstemming met de verschillende afdelingen en verantwoordelijken in functie van een "
    "optimaal product en proces. Hiervoor is een doeltreffende en diplomatische "
    "(interculturele) communicatie essentieel.",
    "Een multidisciplinaire en soms bedrijfsoverstijgende samenwerking noodzakelijk.",
    "De medewerkers, collega's en verantwoordelijken van andere departementen (vb. "
    "communicatiedienst, HR-dienst, marketing,...) doen beroep op de competenties van de office "
    "manager voor het administratief en organisatorisch beheren van tactische, logistieke en "
    "strategische processen en producten.",
    "De office manager werkt vaak in een stressvolle omgeving en kan verscheidene taken "
    "tegelijk uitvoeren. Er wordt een grote polyvalentie gevraagd in deze conceptuele en zeer "
    "wisselend omgeving. De office manager zal, in functie van de noden van de "
    "verantwoordelijke(n) administratieve en organisatorische procedures en projecten "
    "opstellen, beheren, opvolgen en aanpassen. De grote variatie aan vragen en noden moeten "
    "daarenboven beheerd worden en kaderen in een strategische visie van de organisatie. "
    "Hij/zij zal hiervoor ook zelf opvolgtools ontwikkelen. Dit vergt een grote flexibiliteit, "
    "creativiteit en leergierigheid.",
    "De vaardigheden zijn onderhevig aan evoluties (o.a. digitalisering en automatisering). De "
    "beroepsbeoefenaar heeft een brede interesse in evolutie, trends en uitdagingen die een "
    "impact kunnen hebben op de organisatie.",
    "De office manager heeft daarenboven een coördinerende rol naar het eigen team (van vb. "
    "administratief medewerkers) die hij/zij moet aansturen in functie van de strategische en "
    "operationele doelen. De beroepsbeoefenaar moet prioriteiten stellen, delegeren en "
    "beslissingen nemen.",
    "De office manager handelt volgens de wetgeving en het beleid van de organisatie.",
]
BK_CONTEXT_HANDELING = [
    "De office manager is de spilfiguur binnen de organisatie die (verantwoordelijken van) "
    "verschillende afdelingen administratief en organisatorisch ondersteunt zodat de "
    "verschillende processen in de afdelingen strategisch en logistiek vlot verlopen.",
    "De beroepsbeoefenaar dient tijdens de uitvoering van de opdracht accuraat, efficiënt, "
    "gestructureerd, integer en betrouwbaar te werken. Hij/zij komt in contact met gevoelige "
    "informatie, verschillende strategische belangen, en uiteenlopende persoonlijkheden. De "
    "office manager begrijpt welke informatie (intern en extern) een impact kan hebben op de "
    "activiteiten van de organisatie.",
    "De office manager communiceert efficiënt en helder met leidinggevende(n), collega's, "
    "personeel, sollicitanten en externe dienstverleners. De office manager stelt zich "
    "empathisch en positief assertief op.",
    "De beroepsbeoefenaar analyseert de wensen en werkt steeds proactief, oplossings- en "
    "doelgroepgericht. De beroepsbeoefenaar toont zin voor initiatief binnen bepaalde "
    "situaties, problemen, opdrachten,... Hij/zij dient kritisch en analytisch te handelen.",
    "De office manager werkt zelfstandig en kan vlot prioriteiten stellen. De office manager "
    "respecteert de tijdsschema's voor de realisatie van de projecten en tools en past deze aan "
    "bij problemen. De office manager kan omgaan met plotse veranderingen en vragen en is "
    "leergierig.",
    "De office manager handelt economisch en ecologisch.",
]
BK_AUTONOMIE = {
    "Is zelfstandig in": [
        "het permanent ontwikkelen van de eigen deskundigheid",
        "het onderzoeken van de administratieve en organisatorische processen en producten",
        "het optimaliseren van de administratieve en organisatorische processen en producten "
        "van de organisatie",
        "het beheren van de bedrijfscommunicatie",
        "het behandelen van beslissingen, dienstnota's... zowel intern als extern",
        "het ontwikkelen van bedrijfseigen systemen/tools voor de opvolging van activiteiten, "
        "producten en processen op strategische, organisatorische en logistieke vlak",
        "het beheren de organisatie en coördinatie van de dagelijkse werking van het management",
        "het organiseren van bedrijfsgerelateerde communicatieacties en evenementen",
        "het beheren van de administratie en organisatie van personeelsdossiers",
        "het beheren van budgetten",
        "het coördineren van de activiteiten van een team",
    ],
    "Is gebonden aan": [
        "de bedrijfscultuur en -beleid van de organisatie",
        "de geldende wetgeving",
        "de afspraken met verantwoordelijken en externe dienstverleners",
    ],
    "Doet beroep op": [
        "het team/collega's voor afstemming/afspraken van de uit te voeren "
        "projecten/acties/processen/producten.",
        "externe dienstverleners om projecten/producten te realiseren",
        "de verantwoordelijke indien problemen niet zelf op te lossen zijn",
    ],
}
BK_VERANTWOORDELIJKHEID = [
    "Ontwikkelt permanent de eigen deskundigheid",
    "Onderzoekt de administratieve en organisatorische processen en producten",
    "Optimaliseert de administratieve en organisatorische processen en producten van de "
    "organisatie",
    "Beheert de bedrijfscommunicatie",
    "Beheert dossiers en contracten",
    "Behandelt beslissingen, dienstnota's... zowel intern als extern",
    "Ontwikkelt bedrijfseigen systemen/tools voor de opvolging van activiteiten, producten en "
    "processen op strategische, organisatorische en logistieke vlak",
    "Organiseert bedrijfsgerelateerde communicatieacties en evenementen",
    "Beheert de administratie en organisatie van personeelsdossiers",
    "Beheert budgetten",
    "Coördineert de activiteiten van een team",
    "Beheert de organisatie en coördinatie van de dagelijkse werking van het management",
]


def bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


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
        "typering": P3_TYPERING,
        "beroepsvereisten": "Nee",
        "context": "",
        "autonomie": "",
        "verantwoordelijkheid": "",
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
    # The seed names three competenties for the basisdeel and four in P3's addition, three
    # of them again: each competentie is listed once, in the order it is first named.
    assert wps["B1-K1-W1"]["competenties"] == [
        "Vakdeskundigheid toepassen",
        "Instructies en procedures opvolgen",
        "Relaties bouwen en netwerken",
        'Op de behoeften en verwachtingen van de "klant" richten',
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


# --- The complete export (issue 16): every prose field, additions marked, a schema ---

IDENTIFIERS = ["25728", "BK-0568-1", "23296/P1"]


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_every_export_validates_against_the_schema(seeds, validator, identifier):
    data = export(identifier)
    assert data["version"] == EXPORT_VERSION
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_schema_refuses_what_it_does_not_document(seeds, validator):
    """The schema is closed and strict, so the validation above can fail."""
    data = export("25728")
    wp = data["kerntaken"][0]["werkprocessen"][0]
    broken = []
    for mutate in [
        lambda d: d.pop("version"),
        lambda d: d.__setitem__("version", EXPORT_VERSION + 1),
        lambda d: d["kwalificatie"].__setitem__("undocumented", "x"),
        lambda d: d["kerntaken"][0]["werkprocessen"][0].pop("resultaat"),
        lambda d: d["kerntaken"][0].__setitem__("complexiteit", "plain string"),
        lambda d: d["kerntaken"][0]["werkprocessen"][0]["competenties"].append(
            wp["competenties"][0]
        ),
        lambda d: d["kerntaken"][0]["werkprocessen"][0]["onderliggende_competenties"][0].update(
            source="aanvulling"
        ),
        lambda d: d["dossier"].__setitem__("validated_on", "26-11-2020"),
    ]:
        copy_ = copy.deepcopy(data)
        mutate(copy_)
        broken.append(validator.is_valid(copy_))
    assert broken == [False] * len(broken)


def test_export_p3_holds_every_prose_field_of_the_seed(seeds):
    data = export("25728")
    dossier = data["dossier"]
    assert dossier["opleidingsdomein"] == "Economie en administratie"
    assert dossier["opleidingsdomein_crebo"] == "79090"
    assert dossier["sectorkamer"] == "Sectorkamer zakelijke dienstverlening en veiligheid"
    assert dossier["validated_on"] == "2020-11-26"
    typering = dossier["typering"].split("\n\n")
    assert typering[:2] == ["Context", DOSSIER_CONTEXT]
    assert "Typerende beroepshouding" in typering
    assert typering[typering.index("Resultaat van de beroepengroep") + 1] == DOSSIER_RESULTAAT

    b1, p3 = data["kerntaken"]
    assert b1["complexiteit"] == {
        "text": B1_K1_COMPLEXITEIT,
        "additions": [B1_K1_COMPLEXITEIT_P3],
    }
    assert b1["verantwoordelijkheid"] == {
        "text": B1_K1_VERANTWOORDELIJKHEID,
        "additions": [B1_K1_VERANTWOORDELIJKHEID_P3],
    }
    assert b1["vakkennis"] == [
        {"text": text, "category": category, "addition": False}
        for text, category in B1_K1_VAKKENNIS
    ] + [{"text": text, "category": "", "addition": True} for text in B1_K1_VAKKENNIS_P3]

    assert p3["complexiteit"] == {"text": P3_K1_COMPLEXITEIT, "additions": []}
    assert p3["verantwoordelijkheid"] == {"text": P3_K1_VERANTWOORDELIJKHEID, "additions": []}
    assert [(k["text"], k["category"]) for k in p3["vakkennis"][:2]] == [
        ("heeft specialistische kennis van het verwerken van financiële gegevens in een "
         "(project)administratie", ""),
        ("heeft kennis van prijs/kwaliteitsverhoudingen bij het organiseren van "
         "bijeenkomsten/reizen", ""),
    ]  # fmt: skip
    assert ("heeft basiskennis van budgetteren", "Financiële toepassingen") in [
        (k["text"], k["category"]) for k in p3["vakkennis"]
    ]

    wps = werkprocessen(data)
    w1 = wps["B1-K1-W1"]
    assert w1["omschrijving"] == {
        "text": B1_K1_W1_OMSCHRIJVING,
        "additions": [B1_K1_W1_OMSCHRIJVING_P3],
    }
    assert w1["resultaat"] == {"text": B1_K1_W1_RESULTAAT, "additions": [B1_K1_W1_RESULTAAT_P3]}
    assert [c["addition"] for c in w1["criteria"]] == [False] * 4 + [True] * 4
    assert wps["P3-K1-W1"]["omschrijving"] == {"text": P3_K1_W1_OMSCHRIJVING, "additions": []}
    assert wps["P3-K1-W1"]["resultaat"] == {"text": P3_K1_W1_RESULTAAT, "additions": []}
    # The seed gives P3 an omschrijving and resultaat addition for every werkproces of B1-K1.
    for code in ["B1-K1-W2", "B1-K1-W3", "B1-K1-W4"]:
        assert len(wps[code]["omschrijving"]["additions"]) == 1, code
        assert len(wps[code]["resultaat"]["additions"]) == 1, code
    assert wps["B1-K1-W2"]["resultaat"]["additions"] == [
        "Correspondentie voldoet aan de richtlijnen en de voortgang is bewaakt."
    ]
    for code, wp in wps.items():
        assert wp["omschrijving"]["text"] and wp["resultaat"]["text"], code
        assert wp["kenniselementen"] == [], code

    detail = {g["title"]: g for g in data["generieke_onderdelen_detail"]}
    assert [g["title"] for g in data["generieke_onderdelen_detail"]] == data["generieke_onderdelen"]
    assert detail["Engels (alleen voor niveau 4)"]["min_niveau"] == 4
    assert detail["Nederlandse taal"]["text"].startswith(
        "Het generieke examenonderdeel Nederlandse taal maakt deel uit van elke kwalificatie in "
        "dit kwalificatiedossier."
    )


def test_competenties_once_each_with_their_source(seeds):
    wps = werkprocessen(export("25728"))
    assert wps["B1-K1-W1"]["onderliggende_competenties"] == [
        {"code": "K", "title": "Vakdeskundigheid toepassen", "source": "basis",
         "in_addition": True},
        {"code": "T", "title": "Instructies en procedures opvolgen", "source": "basis",
         "in_addition": True},
        {"code": "G", "title": "Relaties bouwen en netwerken", "source": "basis",
         "in_addition": True},
        {"code": "R", "title": 'Op de behoeften en verwachtingen van de "klant" richten',
         "source": "profiel", "in_addition": True},
    ]  # fmt: skip
    # Seed: P3-K1-W1 names four competenties of its own, no addition.
    assert [
        (c["title"], c["source"], c["in_addition"])
        for c in wps["P3-K1-W1"]["onderliggende_competenties"]
    ] == [
        ("Samenwerken en overleggen", "basis", False),
        ("Formuleren en rapporteren", "basis", False),
        ("Instructies en procedures opvolgen", "basis", False),
        ("Bedrijfsmatig handelen", "basis", False),
    ]
    for code, wp in wps.items():
        codes = [c["code"] for c in wp["onderliggende_competenties"]]
        assert len(codes) == len(set(codes)), code
        assert wp["competenties"] == [c["title"] for c in wp["onderliggende_competenties"]]


def test_other_profiel_export_has_no_addition_anywhere(seeds):
    data = export("23296/P1")
    assert data["kwalificatie"]["typering"] == ""
    b1 = data["kerntaken"][0]
    assert b1["complexiteit"] == {"text": B1_K1_COMPLEXITEIT, "additions": []}
    assert b1["verantwoordelijkheid"] == {"text": B1_K1_VERANTWOORDELIJKHEID, "additions": []}
    assert [k["text"] for k in b1["vakkennis"]] == [text for text, _ in B1_K1_VAKKENNIS]
    wps = werkprocessen(data)
    assert wps["B1-K1-W1"]["omschrijving"] == {"text": B1_K1_W1_OMSCHRIJVING, "additions": []}
    assert wps["B1-K1-W1"]["resultaat"] == {"text": B1_K1_W1_RESULTAAT, "additions": []}
    assert [
        (c["code"], c["source"], c["in_addition"])
        for c in wps["B1-K1-W1"]["onderliggende_competenties"]
    ] == [("K", "basis", False), ("T", "basis", False), ("G", "basis", False)]
    text = json.dumps(data, ensure_ascii=False)
    assert '"addition": true' not in text
    assert '"in_addition": true' not in text
    assert '"source": "profiel"' not in text
    for p3_only in [B1_K1_COMPLEXITEIT_P3, B1_K1_W1_OMSCHRIJVING_P3, B1_K1_VAKKENNIS_P3[0]]:
        assert json.dumps(p3_only, ensure_ascii=False) not in text


def test_export_bk_holds_every_prose_field_of_the_seed(seeds):
    data = export("BK-0568-1")
    assert data["dossier"]["framework"] == "bk"
    assert data["dossier"]["typering"].split("\n\n")[0] == BK_DEFINITIE
    assert data["dossier"]["sectorkamer"] == "Cevora (Cevora vzw - Cefora asbl)"
    kwalificatie = data["kwalificatie"]
    assert kwalificatie["context"] == (
        "Omgevingscontext\n" + bullets(BK_CONTEXT_OMGEVING)
        + "\n\nHandelingscontext\n" + bullets(BK_CONTEXT_HANDELING)
    )  # fmt: skip
    assert kwalificatie["autonomie"] == "\n\n".join(
        f"{heading}\n{bullets(lines)}" for heading, lines in BK_AUTONOMIE.items()
    )
    assert kwalificatie["verantwoordelijkheid"] == bullets(BK_VERANTWOORDELIJKHEID)
    assert kwalificatie["beroepsvereisten"] == (
        "Er zijn geen (wettelijke) attesten of voorwaarden vereist."
    )

    (block,) = data["kerntaken"]
    assert block["vakkennis"] == []
    wps = block["werkprocessen"]
    assert wps[0]["kenniselementen"] == [
        {"text": text, "category": "", "addition": False} for text in BK_A1_KENNIS
    ]
    # Every activiteit has its kenniselementen, 164 in all as in the fixture.
    assert all(wp["kenniselementen"] for wp in wps)
    assert sum(len(wp["kenniselementen"]) for wp in wps) == 164
    assert "Kennis van budgetbeheer" in [k["text"] for k in wps[10]["kenniselementen"]]
    for wp in wps:
        assert wp["onderliggende_competenties"] == [] and wp["competenties"] == []
        assert all(c["vaardigheid"] for c in wp["criteria"])


def test_export_runs_in_constant_queries(seeds, django_assert_max_num_queries):
    qualification = find_qualification("25728")
    with django_assert_max_num_queries(12):
        qualification_as_dict(qualification)
