"""One bewijsstuk, several werkprocessen: linked through the form, shown under each
werkproces, counted for each once accepted, frozen in every version, and only werkprocessen
(and gedrag) of the student's own kwalificatie."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assessments.selectors import Stage, progress_for
from dashboards.selectors import cohort_overview
from portfolios import services
from portfolios.models import Evidence, EvidenceLink, EvidenceVersionLink
from qualifications.models import Criterion, Werkproces

pytestmark = pytest.mark.django_db


def photo(name="balie.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "steelblue").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def wp(code):
    return Werkproces.objects.get(code=code)


def post_photo_for_two(client, world, **extra):
    w1, w2 = world["w1"], wp("B1-K1-W2")
    client.force_login(world["student"])
    data = {
        "title": "Foto van de balie",
        "date": "2026-10-02",
        "reflection": "Klant geholpen en het dossier bijgewerkt.",
        "criteria": [w1.criteria.get(position=1).pk],
        f"wp_{w2.pk}": "on",
        "links": "",
        "files": [photo()],
        **extra,
    }
    return client.post(
        reverse("portfolios:evidence_create", args=[world["enrolment"].pk, w1.code]), data
    )


def test_one_photo_for_two_werkprocessen_shows_on_both_and_counts_for_both(client, world):
    response = post_photo_for_two(client, world)
    assert response.status_code == 302, response.content.decode()[:3000]
    evidence = Evidence.objects.get()
    w1, w2 = world["w1"], wp("B1-K1-W2")
    assert {link.werkproces_id for link in evidence.wp_links.all()} == {w1.pk, w2.pk}
    assert list(
        evidence.wp_links.get(werkproces=w1).criteria.values_list("position", flat=True)
    ) == [1]

    services.evidence_submit(student=world["student"], evidence=evidence)
    services.evidence_review(reviewer=world["praktijkopleider"], evidence=evidence, accept=True)

    client.force_login(world["praktijkopleider"])
    for werkproces in (w1, w2):
        page = client.get(
            reverse("portfolios:werkproces", args=[world["enrolment"].pk, werkproces.code])
        ).content.decode()
        assert "Foto van de balie" in page, werkproces.code
    third = client.get(
        reverse("portfolios:werkproces", args=[world["enrolment"].pk, "P1-K1-W1"])
    ).content.decode()
    assert "Foto van de balie" not in third

    progress = progress_for(enrolments=[world["enrolment"]])
    assert progress[(world["enrolment"].pk, w1.pk)].stage == Stage.ACCEPTED
    assert progress[(world["enrolment"].pk, w2.pk)].stage == Stage.ACCEPTED
    assert progress[(world["enrolment"].pk, wp("P1-K1-W1").pk)].stage == Stage.NO_EVIDENCE
    # The portfolio counts it under both, the school overview too (as two accepted cells).
    portfolio = client.get(reverse("portfolios:portfolio", args=[world["enrolment"].pk]))
    assert "2 van 3 werkprocessen hebben goedgekeurd bewijs" in portfolio.content.decode()
    summary = next(
        s for s in cohort_overview(user=world["beheerder"]) if s.cohort == world["cohort"]
    )
    assert summary.stages[Stage.ACCEPTED] == 2

    # Signing off stays per werkproces: one of the two, the other stays "accepted".
    services.werkproces_sign_off(
        confirm_without_evidence=True,
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=w2,
        declaration="Verklaring",
    )
    progress = progress_for(enrolments=[world["enrolment"]])
    assert progress[(world["enrolment"].pk, w1.pk)].stage == Stage.ACCEPTED
    assert progress[(world["enrolment"].pk, w2.pk)].stage == Stage.SIGNED_OFF


def test_the_version_freezes_its_werkprocessen(client, world):
    assert post_photo_for_two(client, world).status_code == 302
    evidence = Evidence.objects.get()
    services.evidence_submit(student=world["student"], evidence=evidence)
    services.evidence_review(
        reviewer=world["praktijkopleider"], evidence=evidence, accept=False, feedback="Meer"
    )
    # The student drops the second werkproces from the working copy ...
    client.force_login(world["student"])
    response = client.post(
        reverse("portfolios:evidence_edit", args=[evidence.pk]),
        {"title": "Foto", "date": "2026-10-02", "reflection": "Nu alleen W1.", "links": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(evidence.wp_links.values_list("werkproces__code", flat=True)) == ["B1-K1-W1"]
    # ... but version 1 still says what it was submitted for, and shows it.
    version = evidence.versions.get(number=1)
    assert set(version.wp_links.values_list("werkproces__code", flat=True)) == {
        "B1-K1-W1",
        "B1-K1-W2",
    }
    frozen = EvidenceVersionLink.objects.get(version=version, werkproces=world["w1"])
    assert list(frozen.criteria.values_list("position", flat=True)) == [1]
    client.force_login(world["praktijkopleider"])
    page = client.get(reverse("portfolios:evidence", args=[evidence.pk])).content.decode()
    assert "B1-K1-W2" in page and "werkt nauwkeurig;" in page


def test_a_werkproces_outside_the_kwalificatie_is_refused(client, world):
    other = wp("P2-K1-W1")  # the student follows P1
    with pytest.raises(ValidationError):
        services.evidence_create(
            student=world["student"],
            enrolment=world["enrolment"],
            werkproces=world["w1"],
            werkprocessen={world["w1"]: [], other: []},
            title="Te breed",
            reflection="",
            date=datetime.date(2026, 10, 1),
            links=["https://example.org/x"],
        )
    # Nor gedrag of another profiel, nor gedrag under a werkproces it does not belong to.
    p2_gedrag = world["w1"].criteria.get(position=3)
    for mapping in (
        {world["w1"]: [p2_gedrag]},
        {world["w1"]: [], wp("B1-K1-W2"): [world["w1"].criteria.get(position=1)]},
    ):
        with pytest.raises(ValidationError):
            services.evidence_create(
                student=world["student"],
                enrolment=world["enrolment"],
                werkproces=world["w1"],
                werkprocessen=mapping,
                title="Te breed",
                reflection="",
                date=datetime.date(2026, 10, 1),
                links=["https://example.org/x"],
            )
    assert not Evidence.objects.exists()
    # Through the form: there is no box for it, and a forged one is ignored, not linked.
    response = post_photo_for_two(client, world, **{f"wp_{other.pk}": "on"})
    assert response.status_code == 302
    assert not EvidenceLink.objects.filter(werkproces=other).exists()


def test_form_offers_each_werkproces_in_a_fieldset_and_refuses_gedrag_without_its_box(
    client, world
):
    client.force_login(world["student"])
    url = reverse("portfolios:evidence_create", args=[world["enrolment"].pk, "B1-K1-W1"])
    html = client.get(url).content.decode()
    assert html.count('<fieldset class="border rounded p-3 mb-3 evidence-werkproces"') == 3
    assert "<details" in html and "P2-K1-W1" not in html
    w2 = wp("B1-K1-W2")
    criterion = Criterion.objects.create(werkproces=w2, position=1, text="plant zijn werk;")
    response = client.post(
        url,
        {
            "title": "X",
            "date": "2026-10-02",
            "reflection": "Y",
            "links": "https://example.org/x",
            # gedrag ticked under W2 without saying the bewijsstuk belongs to W2:
            f"gedrag_{w2.pk}": [str(criterion.pk)],
        },
    )
    assert response.status_code == 400
    assert "vink ook aan dat het bewijsstuk bij" in response.content.decode()
    assert not Evidence.objects.exists()
