"""Who may open which portfolio page and file. Outsiders get 404, never 403; people who may
read but not act get 403; anonymous visitors go to the login page; POST-only views answer a
GET with 405."""

import pytest
from django.urls import reverse

from portfolios import services
from portfolios.models import EvidenceFile
from tests.portfolio_fixtures import make_evidence

OUTSIDERS = ["student2", "outsider", "early_po", "other_po", "other_docent", "assessor"]
READERS = ["student", "praktijkopleider", "docent"]


@pytest.fixture
def setup(world):
    """A submitted bewijsstuk (visible to readers) and a returned one (editable by its owner)."""
    submitted = make_evidence(world, title="Ingediend stuk", submit=True)
    returned = make_evidence(world, title="Teruggestuurd stuk", submit=True)
    services.evidence_review(
        reviewer=world["praktijkopleider"], evidence=returned, accept=False, feedback="Meer"
    )
    enrolment = world["enrolment"].pk
    urls = {
        "portfolio": reverse("portfolios:portfolio", args=[enrolment]),
        "werkproces": reverse("portfolios:werkproces", args=[enrolment, "B1-K1-W1"]),
        "evidence": reverse("portfolios:evidence", args=[submitted.pk]),
        "file": reverse("portfolios:file", args=[submitted.files.get().pk]),
        "create": reverse("portfolios:evidence_create", args=[enrolment, "B1-K1-W1"]),
        "edit": reverse("portfolios:evidence_edit", args=[returned.pk]),
        "submit": reverse("portfolios:evidence_submit", args=[returned.pk]),
        "review": reverse("portfolios:evidence_review", args=[submitted.pk]),
        "sign_off": reverse("portfolios:sign_off", args=[enrolment, "B1-K1-W1"]),
        "withdraw": reverse("portfolios:sign_off_withdraw", args=[enrolment, "B1-K1-W1"]),
        "feasibility": reverse("portfolios:feasibility", args=[enrolment, "B1-K1-W1"]),
    }
    return world, urls


READ_VIEWS = ["portfolio", "werkproces", "evidence", "file"]
POST_VIEWS = ["submit", "review", "sign_off", "withdraw", "feasibility"]
POST_DATA = {
    "submit": {},
    "review": {"decision": "accept"},
    "sign_off": {"confirm": "on", "confirm_without_evidence": "on"},
    "withdraw": {"withdraw-reason": "Vergissing"},
    "feasibility": {"feasible": "0", "feasibility-reason": "Kan hier niet"},
}
# Who may do what; everyone else who can read gets 403.
ACTORS = {"submit": "student", "review": "praktijkopleider", "sign_off": "praktijkopleider",
          "withdraw": "praktijkopleider", "feasibility": "praktijkopleider"}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("view", READ_VIEWS + ["create", "edit"])
def test_anonymous_goes_to_login(client, setup, view):
    _, urls = setup
    response = client.get(urls[view])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("view", POST_VIEWS)
def test_anonymous_post_goes_to_login(client, setup, view):
    _, urls = setup
    response = client.post(urls[view], POST_DATA[view])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("view", READ_VIEWS)
@pytest.mark.parametrize("role", READERS)
def test_readers_may_read(client, setup, view, role):
    world, urls = setup
    client.force_login(world[role])
    assert client.get(urls[view]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("view", READ_VIEWS + ["create", "edit"] + POST_VIEWS)
@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_get_404(client, setup, view, role):
    world, urls = setup
    client.force_login(world[role])
    if view in POST_VIEWS:
        response = client.post(urls[view], POST_DATA[view])
    else:
        response = client.get(urls[view])
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["create", "edit"])
@pytest.mark.parametrize("role", READERS)
def test_only_the_student_writes_evidence(client, setup, view, role):
    world, urls = setup
    client.force_login(world[role])
    assert client.get(urls[view]).status_code == (200 if role == "student" else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("view", POST_VIEWS)
@pytest.mark.parametrize("role", READERS)
def test_post_views_per_role(client, setup, view, role):
    world, urls = setup
    if view == "withdraw":
        services.werkproces_sign_off(
            confirm_without_evidence=True,
            actor=world["praktijkopleider"],
            enrolment=world["enrolment"],
            werkproces=world["w1"],
            declaration="Verklaring",
        )
    client.force_login(world[role])
    response = client.post(urls[view], POST_DATA[view])
    assert response.status_code == (302 if role == ACTORS[view] else 403), view


@pytest.mark.django_db
@pytest.mark.parametrize("view", POST_VIEWS)
def test_get_on_post_only_view_is_405(client, setup, view):
    world, urls = setup
    client.force_login(world[ACTORS[view]])
    assert client.get(urls[view]).status_code == 405


@pytest.mark.django_db
def test_student_cannot_guess_another_students_file(client, setup):
    world, _ = setup
    own = make_evidence(world, student="student2", title="Eigen stuk")
    own_file = own.files.get()
    client.force_login(world["student2"])
    for evidence_file in EvidenceFile.objects.all():
        response = client.get(reverse("portfolios:file", args=[evidence_file.pk]))
        assert response.status_code == (200 if evidence_file == own_file else 404)
    assert client.get(reverse("portfolios:file", args=[99999])).status_code == 404


@pytest.mark.django_db
def test_draft_and_its_files_are_private(client, setup):
    world, _ = setup
    draft = make_evidence(world, title="Geheim concept")
    for role in ["praktijkopleider", "docent"]:
        client.force_login(world[role])
        assert client.get(reverse("portfolios:evidence", args=[draft.pk])).status_code == 404
        file_url = reverse("portfolios:file", args=[draft.files.get().pk])
        assert client.get(file_url).status_code == 404
        page = client.get(reverse("portfolios:portfolio", args=[world["enrolment"].pk]))
        assert "Geheim concept" not in page.content.decode()


@pytest.mark.django_db
def test_lists_show_only_own_students(client, setup):
    world, _ = setup
    for role, sees in [
        ("praktijkopleider", True),
        ("docent", True),
        ("early_po", False),
        ("other_docent", False),
    ]:
        client.force_login(world[role])
        listing = client.get(reverse("portfolios:list"))
        assert listing.status_code == 200
        assert (
            reverse("portfolios:portfolio", args=[world["enrolment"].pk])
            in listing.content.decode()
        ) is sees, role
    # A student with one portfolio goes straight to it.
    client.force_login(world["student"])
    response = client.get(reverse("portfolios:list"))
    assert response["Location"] == reverse("portfolios:portfolio", args=[world["enrolment"].pk])


@pytest.mark.django_db
def test_inbox_lists_only_own_students_submissions(client, setup):
    world, _ = setup
    client.force_login(world["praktijkopleider"])
    inbox = client.get(reverse("portfolios:inbox")).content.decode()
    assert "Ingediend stuk" in inbox
    assert "Teruggestuurd stuk" not in inbox
    for role in ["other_po", "early_po", "docent", "student"]:
        client.force_login(world[role])
        response = client.get(reverse("portfolios:inbox"))
        assert response.status_code == 200
        assert "Ingediend stuk" not in response.content.decode()
