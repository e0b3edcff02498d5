"""Who may open which assessment page. Outsiders get 404, never 403; anonymous visitors go
to the login page."""

import pytest
from django.urls import reverse

from assessments import services
from tests.assessment_fixtures import inputs, post_data, start

pytestmark = pytest.mark.django_db

ASSESSORS = ["assessor", "assessor2"]
NOT_ASSESSORS = ["student", "praktijkopleider", "docent", "beheerder", "outsider",
                 "other_assessor", "student2", "other_docent"]  # fmt: skip
RESULT_READERS = ["student", "docent", "assessor", "assessor2"]
RESULT_OUTSIDERS = ["praktijkopleider", "beheerder", "outsider", "other_assessor",
                    "student2", "other_docent"]  # fmt: skip


@pytest.fixture
def urls(aworld):
    enrolment = aworld["enrolment"].pk
    services.scores_submit(
        assessor=aworld["assessor"],
        beoordeling=start(aworld),
        scores=inputs(aworld["criteria"], 1, 2),
    )
    return {
        "queue": reverse("assessments:queue"),
        "beoordeling": reverse("assessments:beoordeling", args=[enrolment, "B1-K1-W1"]),
        "results_list": reverse("assessments:results_list"),
        "results": reverse("assessments:results", args=[enrolment]),
    }


@pytest.mark.parametrize("view", ["queue", "beoordeling", "results_list", "results"])
def test_anonymous_goes_to_login(client, urls, view):
    response = client.get(urls[view])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_post_goes_to_login(client, aworld, urls):
    response = client.post(urls["beoordeling"], post_data(aworld["criteria"], "save", 1, 1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ASSESSORS)
def test_assigned_assessors_open_the_beoordeling(client, aworld, urls, role):
    client.force_login(aworld[role])
    assert client.get(urls["beoordeling"]).status_code == 200


@pytest.mark.parametrize("role", NOT_ASSESSORS)
def test_everyone_else_gets_404_on_the_beoordeling(client, aworld, urls, role):
    client.force_login(aworld[role])
    assert client.get(urls["beoordeling"]).status_code == 404
    response = client.post(
        urls["beoordeling"], post_data(aworld["criteria"], "correct", 2, 2, revision=1,
                                       reason="Poging")
    )  # fmt: skip
    assert response.status_code == 404


def test_werkproces_of_another_kwalificatie_is_404(client, aworld):
    client.force_login(aworld["assessor"])
    url = reverse("assessments:beoordeling", args=[aworld["enrolment"].pk, "P2-K1-W1"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", RESULT_READERS)
def test_result_readers(client, aworld, urls, role):
    client.force_login(aworld[role])
    response = client.get(urls["results"])
    assert response.status_code == 200
    assert "werkt nauwkeurig" in response.content.decode()


@pytest.mark.parametrize("role", RESULT_OUTSIDERS)
def test_result_outsiders_get_404(client, aworld, urls, role):
    client.force_login(aworld[role])
    assert client.get(urls["results"]).status_code == 404


@pytest.mark.parametrize("role", ["student", "docent", "assessor", "outsider", "beheerder"])
def test_results_list_shows_only_own_students(client, aworld, urls, role):
    client.force_login(aworld[role])
    response = client.get(urls["results_list"], follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    if role in ("outsider", "beheerder"):
        assert "Er zijn geen resultaten" in body
    elif role == "student":
        # Sent on to their own results, which show the vastgestelde scores.
        assert response.redirect_chain[-1][0] == urls["results"]
        assert "werkt nauwkeurig" in body and "vastgesteld op" in body
    else:
        assert "Er zijn geen resultaten" not in body
        assert urls["results"] in body  # a link to exactly this student's results


def test_student_is_sent_to_their_results(client, aworld, urls):
    client.force_login(aworld["student"])
    response = client.get(urls["results_list"])
    assert response.status_code == 302
    assert response["Location"] == urls["results"]


@pytest.mark.parametrize("role", ["student", "praktijkopleider", "docent", "other_assessor"])
def test_queue_is_empty_for_others(client, aworld, role):
    client.force_login(aworld[role])
    response = client.get(reverse("assessments:queue"))
    assert response.status_code == 200
    assert "Er wacht niets op beoordeling." in response.content.decode()


def test_assigned_assessor_reads_the_evidence_but_outsider_does_not(client, aworld):
    url = reverse("portfolios:evidence", args=[aworld["evidence"].pk])
    client.force_login(aworld["assessor"])
    assert client.get(url).status_code == 200
    client.force_login(aworld["other_assessor"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_405(client, aworld, urls, method):
    client.force_login(aworld["assessor"])
    assert getattr(client, method)(urls["beoordeling"]).status_code == 405
    assert getattr(client, method)(urls["queue"]).status_code == 405
    assert getattr(client, method)(urls["results"]).status_code == 405


def test_docent_results_list_shows_progress(client, aworld, urls):
    client.force_login(aworld["docent"])
    body = client.get(urls["results_list"]).content.decode()
    # The student's kwalificatie P1 has three werkprocessen; B1-K1-W1 is signed off and assessed.
    assert body.count("1 van 3") == 2
