"""The evidence and sign-off journey, through the views."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organisation import services as organisation_services
from portfolios import services, working_copy
from portfolios.models import EvidenceEvent, EvidenceStatus, FeasibilityEvent, SignOffEvent
from tests.portfolio_fixtures import checked_pdf, make_evidence, pdf, stored_files


def evidence_url(evidence, name="evidence"):
    return reverse(f"portfolios:{name}", args=[evidence.pk])


def wp_url(world, name="werkproces"):
    return reverse(f"portfolios:{name}", args=[world["enrolment"].pk, "B1-K1-W1"])


@pytest.mark.django_db
def test_student_adds_submits_and_praktijkopleider_returns_then_accepts(client, world, media):
    client.force_login(world["student"])
    response = client.post(
        wp_url(world, "evidence_create"),
        {
            "title": "Wondverzorging",
            "date": "2026-10-02",
            "reflection": "Eerst handen gewassen.",
            "criteria": [world["w1"].criteria.get(position=1).pk],
            "links": "https://example.org/video",
            "files": [pdf("wond.pdf"), pdf("logboek.pdf")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = world["enrolment"].evidence.get()
    assert evidence.files.count() == 2
    assert len(stored_files(media)) == 2
    # Stored under random names, not the student's.
    assert all("wond" not in f.name for f in stored_files(media))
    assert evidence.links == ["https://example.org/video"]

    # A draft is private: the praktijkopleider cannot see it yet.
    client.force_login(world["praktijkopleider"])
    assert client.get(evidence_url(evidence)).status_code == 404
    assert "Wondverzorging" not in client.get(reverse("portfolios:inbox")).content.decode()

    client.force_login(world["student"])
    assert client.post(evidence_url(evidence, "evidence_submit")).status_code == 302

    client.force_login(world["praktijkopleider"])
    inbox = client.get(reverse("portfolios:inbox")).content.decode()
    assert "Wondverzorging" in inbox
    # Returning needs feedback.
    response = client.post(evidence_url(evidence, "evidence_review"), {"decision": "return"})
    assert response.status_code == 400
    assert "wat de student moet verbeteren" in response.content.decode()
    response = client.post(
        evidence_url(evidence, "evidence_review"),
        {"decision": "return", "feedback": "Beschrijf ook de nazorg."},
    )
    assert response.status_code == 302
    assert "Wondverzorging" not in client.get(reverse("portfolios:inbox")).content.decode()

    client.force_login(world["student"])
    page = client.get(reverse("portfolios:portfolio", args=[world["enrolment"].pk]))
    text = page.content.decode()
    assert "Teruggestuurd" in text and "Beschrijf ook de nazorg." in text
    response = client.post(
        evidence_url(evidence, "evidence_edit"),
        {
            "title": "Wondverzorging met nazorg",
            "date": "2026-10-02",
            "reflection": "Ook de nazorg beschreven.",
            "links": "",
        },
    )
    assert response.status_code == 302
    client.post(evidence_url(evidence, "evidence_submit"))

    client.force_login(world["praktijkopleider"])
    detail = client.get(evidence_url(evidence)).content.decode()
    # Both versions stay readable, with the earlier feedback.
    assert "Versie 1" in detail and "Versie 2" in detail
    assert "Beschrijf ook de nazorg." in detail
    assert "Wondverzorging met nazorg" in detail
    client.post(evidence_url(evidence, "evidence_review"), {"decision": "accept"})
    assert working_copy.evidence_current_status(evidence) == EvidenceStatus.ACCEPTED
    kinds = list(evidence.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "returned", "submitted", "accepted"]

    # Accepted evidence is final for the student.
    client.force_login(world["student"])
    assert client.get(evidence_url(evidence, "evidence_edit")).status_code == 403
    with pytest.raises(ValidationError):
        services.evidence_update(
            student=world["student"],
            evidence=evidence,
            title="Stiekem",
            reflection="",
            date=datetime.date(2026, 10, 2),
            files=[checked_pdf()],
        )
    assert "Dit bewijsstuk is goedgekeurd" in client.get(evidence_url(evidence)).content.decode()


@pytest.mark.django_db
def test_create_form_renders_with_labels_and_multiple_file_input(client, world):
    client.force_login(world["student"])
    html = client.get(wp_url(world, "evidence_create")).content.decode()
    assert 'type="file"' in html and "multiple" in html
    for label in ["Titel", "Datum", "Reflectie", "Bestanden", "Links", "werkt nauwkeurig;"]:
        assert label in html
    assert "GEHEIM-P2" not in html  # gedrag of another profiel is not offered
    assert 'style="' not in html


@pytest.mark.django_db
def test_evidence_on_another_profiels_werkproces_is_refused(client, world):
    client.force_login(world["student"])
    url = reverse("portfolios:evidence_create", args=[world["enrolment"].pk, "P2-K1-W1"])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_sign_off_withdraw_with_reason_and_history(client, world):
    client.force_login(world["praktijkopleider"])
    response = client.post(wp_url(world, "sign_off"), {})
    assert response.status_code == 400  # the declaration must be confirmed
    assert not SignOffEvent.objects.exists()
    confirmed = {"confirm": "on", "confirm_without_evidence": "on"}  # no evidence yet
    assert client.post(wp_url(world, "sign_off"), confirmed).status_code == 302
    event = SignOffEvent.objects.get()
    assert event.actor_name == "praktijkopleider"
    assert event.actor_role == "praktijkopleider"
    assert "Ik verklaar" in event.declaration

    response = client.post(wp_url(world, "sign_off_withdraw"), {"withdraw-reason": ""})
    assert response.status_code == 400
    response = client.post(
        wp_url(world, "sign_off_withdraw"), {"withdraw-reason": "Te vroeg afgetekend."}
    )
    assert response.status_code == 302
    # Never deleted: both events remain and the page shows them.
    assert list(SignOffEvent.objects.values_list("kind", flat=True)) == ["signed", "withdrawn"]
    client.force_login(world["student"])
    page = client.get(wp_url(world)).content.decode()
    assert "Te vroeg afgetekend." in page
    assert "Nog niet afgetekend" in page


@pytest.mark.django_db
def test_portfolio_shows_sign_off_and_progress(client, world):
    services.werkproces_sign_off(
        confirm_without_evidence=True,
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        declaration="Verklaring",
    )
    client.force_login(world["student"])
    page = client.get(reverse("portfolios:portfolio", args=[world["enrolment"].pk]))
    text = page.content.decode()
    assert "1 van 3 werkprocessen afgetekend" in text  # B1-K1-W1, B1-K1-W2, P1-K1-W1
    assert 'max="3" value="1"' in text
    assert "Afgetekend" in text
    assert "Voeg bewijs toe bij B1-K1-W2." in text  # what to do next


@pytest.mark.django_db
def test_not_feasible_is_shown_to_mentor(client, world):
    client.force_login(world["praktijkopleider"])
    response = client.post(wp_url(world, "feasibility"), {"feasible": "0"})
    assert response.status_code == 400
    response = client.post(
        wp_url(world, "feasibility"),
        {"feasible": "0", "feasibility-reason": "Wij doen geen wondzorg."},
    )
    assert response.status_code == 302
    event = FeasibilityEvent.objects.get()
    assert event.leerbedrijf == world["leerbedrijf"]

    client.force_login(world["docent"])
    page = client.get(reverse("portfolios:portfolio", args=[world["enrolment"].pk]))
    text = page.content.decode()
    assert "Niet uitvoerbaar bij dit leerbedrijf" in text
    assert "Wij doen geen wondzorg." in text
    assert "zoek een andere plek" in text


@pytest.mark.django_db
def test_services_only_append(world):
    evidence = make_evidence(world, submit=True)
    services.evidence_review(
        reviewer=world["praktijkopleider"], evidence=evidence, accept=False, feedback="Meer"
    )
    with pytest.raises(ValidationError):  # not waiting for review any more
        services.evidence_review(reviewer=world["praktijkopleider"], evidence=evidence, accept=True)
    assert EvidenceEvent.objects.count() == 2
    with pytest.raises(ValidationError):
        services.werkproces_sign_off_withdraw(
            actor=world["praktijkopleider"],
            enrolment=world["enrolment"],
            werkproces=world["w1"],
            reason="Niets afgetekend",
        )


@pytest.mark.django_db
def test_download_headers(client, world, settings):
    evidence = make_evidence(world, submit=True)
    evidence_file = evidence.files.get()
    client.force_login(world["praktijkopleider"])
    response = client.get(reverse("portfolios:file", args=[evidence_file.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="verslag.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    settings.BEKWAAM_X_ACCEL_REDIRECT = True
    response = client.get(reverse("portfolios:file", args=[evidence_file.pk]))
    assert response["X-Accel-Redirect"] == f"/protected-media/{evidence_file.file.name}"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b""


@pytest.mark.django_db
def test_removing_files_from_the_working_copy(
    client, world, media, django_capture_on_commit_callbacks
):
    evidence = make_evidence(world, files=[checked_pdf("fout.pdf"), checked_pdf("goed.pdf")])
    wrong, right = evidence.files.order_by("original_name")
    assert wrong.original_name == "fout.pdf"
    client.force_login(world["student"])
    edit = {"title": "Verslag", "date": "2026-10-02", "reflection": "R", "links": ""}
    # Removing every file with nothing new is refused.
    response = client.post(
        evidence_url(evidence, "evidence_edit"), {**edit, "remove_files": [wrong.pk, right.pk]}
    )
    assert response.status_code == 400
    assert "minstens één bestand of link" in response.content.decode()

    # A file that was never submitted is really gone, from the database and the disk.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            evidence_url(evidence, "evidence_edit"), {**edit, "remove_files": [wrong.pk]}
        )
    assert response.status_code == 302
    assert list(evidence.files.values_list("original_name", flat=True)) == ["goed.pdf"]
    assert len(stored_files(media)) == 1

    # A submitted file leaves only the working copy; version 1 still shows it.
    services.evidence_submit(student=world["student"], evidence=evidence)
    services.evidence_review(
        reviewer=world["praktijkopleider"],
        evidence=evidence,
        accept=False,
        feedback="Ander bestand",
    )
    client.post(
        evidence_url(evidence, "evidence_edit"),
        {**edit, "remove_files": [right.pk], "files": [pdf("nieuw.pdf")]},
    )
    services.evidence_submit(student=world["student"], evidence=evidence)
    v1, v2 = evidence.versions.order_by("number")
    assert [f.original_name for f in v1.files.all()] == ["goed.pdf"]
    assert [f.original_name for f in v2.files.all()] == ["nieuw.pdf"]
    client.force_login(world["praktijkopleider"])
    response = client.get(reverse("portfolios:file", args=[right.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_organisation_services_validate(world, tree, make_user):
    from organisation.models import User

    with pytest.raises(ValidationError):
        organisation_services.cohort_create(
            school=world["cohort"].school,
            name="X",
            start_year=2026,
            qualification=tree["p1"],
            mentors=[world["student"]],
        )
    p2_cohort = organisation_services.cohort_create(
        school=world["cohort"].school, name="P2", start_year=2026, qualification=tree["p2"]
    )
    with pytest.raises(ValidationError):
        organisation_services.enrolment_set_cohort(enrolment=world["enrolment"], cohort=p2_cohort)
    with pytest.raises(ValidationError):
        organisation_services.praktijkopleider_create(
            user=make_user("geen_po", User.Role.DOCENT), leerbedrijf=world["leerbedrijf"]
        )
    po = world["praktijkopleider"].praktijkopleider
    with pytest.raises(ValidationError):
        organisation_services.bpv_periode_create(
            enrolment=world["enrolment"],
            praktijkopleider=po,
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2026, 8, 1),
        )


ORGANISATION_MODELS = {"school", "cohort", "leerbedrijf", "praktijkopleider", "bpvperiode"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [
        "school",
        "cohort",
        "leerbedrijf",
        "praktijkopleider",
        "bpvperiode",
        "evidence",
        "evidencefile",
        "evidenceversion",
        "evidenceevent",
        "signoffevent",
        "feasibilityevent",
    ],
)
def test_admin_pages_load_and_history_is_read_only(admin_client, world, model):
    make_evidence(world, submit=True)
    services.werkproces_sign_off(
        confirm_without_evidence=True,
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        declaration="Verklaring",
    )
    app = "organisation" if model in ORGANISATION_MODELS else "portfolios"
    assert admin_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    if model.endswith("event") or model.startswith("evidence"):
        assert admin_client.get(reverse(f"admin:portfolios_{model}_add")).status_code == 403


@pytest.mark.django_db
def test_future_date_is_refused_next_to_the_field(client, world, media):
    client.force_login(world["student"])
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client.post(
        wp_url(world, "evidence_create"),
        {"title": "Morgen", "date": tomorrow.isoformat(), "reflection": "R", "files": [pdf()]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "De datum ligt in de toekomst." in html
    assert 'id="id_date_error"' in html or "error_1_id_date" in html
    assert not world["enrolment"].evidence.exists()
    assert stored_files(media) == []
