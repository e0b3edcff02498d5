import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualifications.models import Criterion, Kerntaak, Werkproces
from qualifications.selectors import criteria_for

STAFF = ["docent", "assessor", "beheerder"]


def urls(tree, profiel="p1"):
    q = tree[profiel]
    return [
        reverse("qualifications:list"),
        reverse("qualifications:detail", args=[q.pk]),
        reverse("qualifications:werkproces", args=[q.pk, "B1-K1-W1"]),
        reverse("qualifications:export", args=[q.pk]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_anonymous_is_sent_to_login(client, tree, index):
    response = client.get(urls(tree)[index])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF)
def test_staff_browse_every_kwalificatie(client, users, tree, role):
    client.force_login(users[role])
    for profiel in ["p1", "p2"]:
        for url in urls(tree, profiel):
            assert client.get(url).status_code == 200, url
    listing = client.get(reverse("qualifications:list")).content.decode()
    assert "Eerste profiel" in listing and "Tweede profiel" in listing


@pytest.mark.django_db
def test_staff_see_profiel_additions_marked(client, users, tree):
    client.force_login(users["docent"])
    page = client.get(urls(tree, "p2")[2]).content.decode()
    assert "GEHEIM-P2: adviseert de klant;" in page
    assert "aanvulling profiel P2" in page
    assert "OMSCHRIJVING-P2 aanvulling" in page
    assert "Samenwerken en overleggen" in page


@pytest.mark.django_db
def test_student_sees_only_own_kwalificatie(client, users, tree):
    client.force_login(users["student"])
    for url in urls(tree, "p1"):
        assert client.get(url).status_code == 200
    listing = client.get(reverse("qualifications:list")).content.decode()
    assert "Eerste profiel" in listing
    assert "Tweede profiel" not in listing
    for url in urls(tree, "p2")[1:]:
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_student_of_other_profiel_never_sees_additions(client, users, tree):
    client.force_login(users["student"])
    page = client.get(urls(tree, "p1")[2]).content.decode()
    assert "werkt nauwkeurig;" in page
    assert "GEHEIM-P2" not in page
    assert "OMSCHRIJVING-P2" not in page
    assert "Samenwerken en overleggen" not in page
    # Another profiel's own werkproces does not exist in this kwalificatie's context.
    response = client.get(reverse("qualifications:werkproces", args=[tree["p1"].pk, "P2-K1-W1"]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["outsider", "praktijkopleider"])
def test_outsiders_get_404(client, users, tree, role):
    client.force_login(users[role])
    listing = client.get(reverse("qualifications:list")).content.decode()
    assert "Eerste profiel" not in listing
    for url in urls(tree)[1:]:
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_unknown_werkproces_is_404(client, users, tree):
    client.force_login(users["docent"])
    url = reverse("qualifications:werkproces", args=[tree["p1"].pk, "B9-K9-W9"])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_views_are_get_only(client, users, tree):
    client.force_login(users["docent"])
    for url in urls(tree):
        assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_criteria_for_is_one_query_in_document_order(users, tree):
    with CaptureQueriesContext(connection) as ctx:
        texts = [c.text for c in criteria_for(qualification=tree["p2"], werkproces=tree["w1"])]
    assert len(ctx.captured_queries) == 1
    assert texts == ["werkt nauwkeurig;", "communiceert helder.", "GEHEIM-P2: adviseert de klant;"]
    texts = [c.text for c in criteria_for(qualification=tree["p1"], werkproces=tree["w1"])]
    assert texts == ["werkt nauwkeurig;", "communiceert helder."]


def _grow(tree, n):
    b1 = tree["b1"]
    for k in range(n):
        kt = Kerntaak.objects.create(
            dossier=tree["dossier"], part="basisdeel", code=f"B1-K{k + 2}", title="Extra"
        )
        for w in range(3):
            wp = Werkproces.objects.create(kerntaak=kt, code=f"B1-K{k + 2}-W{w + 1}", title="x")
            for c in range(4):
                Criterion.objects.create(werkproces=wp, position=c + 1, text=f"c{c}")
    return b1


@pytest.mark.django_db
def test_pages_run_constant_queries(client, users, tree):
    client.force_login(users["docent"])
    page_urls = urls(tree, "p2")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = [count(url) for url in page_urls]
    _grow(tree, 6)
    after = [count(url) for url in page_urls]
    assert before == after


def download(client, qualification):
    response = client.get(reverse("qualifications:export", args=[qualification.pk]))
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*STAFF, "student"])
def test_download_as_json_from_the_kwalificatie_page(client, users, tree, role):
    client.force_login(users[role])
    page = client.get(reverse("qualifications:detail", args=[tree["p1"].pk])).content.decode()
    url = reverse("qualifications:export", args=[tree["p1"].pk])
    assert f'href="{url}"' in page and "Download als JSON" in page
    response = download(client, tree["p1"])
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="kwalificatie-90011-v1.json"')
    assert response["X-Content-Type-Options"] == "nosniff"
    data = json.loads(response.content)
    assert data["kwalificatie"]["crebo"] == "90011"
    wp = data["kerntaken"][0]["werkprocessen"][0]
    assert wp["omschrijving"] == {"text": "Basisomschrijving", "additions": []}
    # Another profiel's additions never leave through the download.
    assert "P2" not in response.content.decode()


@pytest.mark.django_db
def test_download_is_the_command_output_with_profiel_additions(client, users, tree):
    client.force_login(users["docent"])
    response = download(client, tree["p2"])
    out = StringIO()
    call_command("export_qualification", "90012", stdout=out)
    assert response.content.decode() == out.getvalue().rstrip("\n")
    wp = json.loads(response.content)["kerntaken"][0]["werkprocessen"][0]
    assert wp["omschrijving"] == {
        "text": "Basisomschrijving",
        "additions": ["OMSCHRIJVING-P2 aanvulling"],
    }
    assert wp["criteria"][-1] == {"text": "GEHEIM-P2: adviseert de klant;", "addition": True}
    assert [(c["code"], c["source"]) for c in wp["onderliggende_competenties"]] == [
        ("K", "basis"),
        ("E", "profiel"),
    ]


@pytest.mark.django_db
def test_praktijkopleider_downloads_once_the_bpv_has_started(client, world, tree):
    """The download follows the page: a praktijkopleider reads the kwalificatie of a student
    whose BPV with them has started, and no other."""
    p1 = reverse("qualifications:export", args=[tree["p1"].pk])
    p2 = reverse("qualifications:export", args=[tree["p2"].pk])
    client.force_login(world["praktijkopleider"])
    assert client.get(p1).status_code == 200
    assert client.get(p2).status_code == 404
    client.force_login(world["early_po"])
    assert client.get(p1).status_code == 404
