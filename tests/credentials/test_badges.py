"""Open Badges 3.0: a student claims a badge for a vastgesteld werkproces; an implementation
that is not ours (the npm package jose, in verify_vc_jwt.mjs) verifies it offline from the
DID document and status list Bekwaam serves; a tampered badge and, after a correction of the
result, a revoked one fail."""

import json
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from assessments import services as assessment_services
from credentials import services
from credentials.models import Credential
from portfolios import services as portfolio_services
from portfolios.models import SignOffEvent
from tests.assessment_fixtures import inputs

pytestmark = pytest.mark.django_db
VERIFIER = Path(__file__).with_name("verify_vc_jwt.mjs")


@pytest.fixture
def claimed(client, rworld):
    client.force_login(rworld["student"])
    response = client.get(reverse("credentials:list"))
    assert "Badge aanvragen voor B1-K1-W1" in response.content.decode()
    response = client.post(
        reverse("credentials:claim", args=[rworld["enrolment"].pk]),
        {"vaststelling": rworld["vaststelling"].pk},
    )
    assert response.status_code == 302
    return Credential.objects.get()


def verify(client, credential: Credential, tmp_path, token: str | None = None) -> dict:
    """Run the independent verifier on files fetched from Bekwaam's public URLs."""
    school = credential.school_id
    did = client.get(reverse("credentials:did", args=[school]))
    status = client.get(reverse("credentials:status_list", args=[school]))
    assert did.status_code == 200 and status.status_code == 200
    (tmp_path / "badge.jwt").write_text(token or credential.token)
    (tmp_path / "did.json").write_bytes(did.content)
    (tmp_path / "status.jwt").write_bytes(status.content)
    node = shutil.which("node")
    assert node, "node is needed for the independent verifier"
    result = subprocess.run(
        [
            node,
            str(VERIFIER),
            *(str(tmp_path / n) for n in ("badge.jwt", "did.json", "status.jwt")),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert result.stdout, result.stderr
    outcome = json.loads(result.stdout)
    assert (result.returncode == 0) == (outcome["verified"] and outcome["revoked"] is False)
    return outcome


def test_claimed_badge_verifies_independently(client, claimed, tmp_path):
    outcome = verify(client, claimed, tmp_path)
    assert outcome == {"verified": True, "revoked": False, "achievement": "B1-K1-W1"}
    vc = json.loads(client.get(reverse("credentials:json", args=[claimed.uid])).content)[
        "credential"
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["humanCode"] == "B1-K1-W1"
    assert "werkt nauwkeurig" in achievement["criteria"]["narrative"]
    codes = [a["targetCode"] for a in achievement["alignment"]]
    assert codes == ["B1-K1-W1", "90011"]  # the werkproces, and the kwalificatie by crebo
    assert vc["issuer"]["id"].startswith("did:web:") and vc["issuer"]["name"]


def test_tampered_badge_fails(client, claimed, tmp_path):
    header, payload, signature = claimed.token.split(".")
    forged = payload[:40] + ("A" if payload[40] != "A" else "B") + payload[41:]
    outcome = verify(client, claimed, tmp_path, token=".".join([header, forged, signature]))
    assert outcome["verified"] is False and "signature" in outcome["error"].lower()


def test_correction_of_the_result_revokes_the_badge(client, rworld, claimed, tmp_path):
    assert verify(client, claimed, tmp_path)["revoked"] is False
    assessment_services.vaststelling_correct(
        assessor=rworld["assessor"],
        beoordeling=rworld["vaststelling"].beoordeling,
        scores=inputs(rworld["criteria"], 0, 0),
        reason="Verkeerd student beoordeeld",
        based_on=rworld["vaststelling"].number,
    )
    outcome = verify(client, claimed, tmp_path)
    assert outcome["verified"] is True and outcome["revoked"] is True
    page = client.get(reverse("credentials:list")).content.decode()
    assert "Ingetrokken" in page
    assert (
        "Ingetrokken"
        in client.get(reverse("credentials:shared", args=[claimed.uid])).content.decode()
    )


def test_baked_png_carries_the_credential(client, claimed):
    response = client.get(reverse("credentials:png", args=[claimed.uid]))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(BytesIO(response.content))
    assert image.text["openbadgecredential"] == claimed.token


def test_cannot_claim_twice_or_for_someone_else(client, rworld, claimed):
    again = client.post(
        reverse("credentials:claim", args=[rworld["enrolment"].pk]),
        {"vaststelling": rworld["vaststelling"].pk},
        follow=True,
    )
    assert "kun je geen badge" in again.content.decode()
    assert Credential.objects.count() == 1
    client.force_login(rworld["outsider"])
    refused = client.post(
        reverse("credentials:claim", args=[rworld["enrolment"].pk]),
        {"vaststelling": rworld["vaststelling"].pk},
    )
    assert refused.status_code == 404
    assert Credential.objects.count() == 1


@pytest.mark.parametrize(
    "role", ["docent", "assessor", "praktijkopleider", "beheerder", "outsider"]
)
def test_only_the_student_downloads(client, rworld, claimed, role):
    client.force_login(rworld[role])
    for name in ("json", "png"):
        assert client.get(reverse(f"credentials:{name}", args=[claimed.uid])).status_code == 404
    assert client.get(reverse("credentials:shared", args=[claimed.uid])).status_code == 200


def test_anonymous_and_wrong_methods(client, rworld, claimed):
    client.logout()
    assert client.get(reverse("credentials:list")).status_code == 302
    assert client.get(reverse("credentials:json", args=[claimed.uid])).status_code == 302
    assert client.get(reverse("credentials:claim", args=[rworld["enrolment"].pk])).status_code in (
        302,
        405,
    )
    client.force_login(rworld["student"])
    assert (
        client.get(reverse("credentials:claim", args=[rworld["enrolment"].pk])).status_code == 405
    )
    assert client.get("/badges/00000000-0000-0000-0000-000000000000/").status_code == 404


# --- Badges on sign-off, when the school turns it on (School.badges_on_sign_off) -------------


def _sign_off_switch(rworld, on: bool):
    school = rworld["cohort"].school
    school.badges_on_sign_off = on
    school.save(update_fields=["badges_on_sign_off"])


def _current_sign_off(rworld):
    return SignOffEvent.objects.filter(
        enrolment=rworld["enrolment"], werkproces=rworld["w1"]
    ).latest("created_at", "id")


def test_sign_off_badge_is_refused_when_the_school_has_not_turned_it_on(client, rworld):
    client.force_login(rworld["student"])
    sign_off = _current_sign_off(rworld)
    assert sign_off.kind == SignOffEvent.Kind.SIGNED
    assert "Aftekenbadge aanvragen" not in client.get(reverse("credentials:list")).content.decode()
    response = client.post(
        reverse("credentials:claim", args=[rworld["enrolment"].pk]),
        {"aftekening": sign_off.pk},
        follow=True,
    )
    assert "geeft geen badges voor een aftekening" in response.content.decode()
    assert not Credential.objects.exists()


def test_sign_off_badge_says_what_it_attests_and_a_withdrawal_revokes_it(client, rworld, tmp_path):
    _sign_off_switch(rworld, True)
    client.force_login(rworld["student"])
    sign_off = _current_sign_off(rworld)
    page = client.get(reverse("credentials:list")).content.decode()
    assert "Aftekenbadge aanvragen voor B1-K1-W1" in page
    response = client.post(
        reverse("credentials:claim", args=[rworld["enrolment"].pk]), {"aftekening": sign_off.pk}
    )
    assert response.status_code == 302
    badge = Credential.objects.get()
    assert badge.sign_off == sign_off and badge.vaststelling is None
    assert verify(client, badge, tmp_path) == {
        "verified": True,
        "revoked": False,
        "achievement": "B1-K1-W1",
    }
    vc = json.loads(client.get(reverse("credentials:json", args=[badge.uid])).content)["credential"]
    assert vc["credentialSubject"]["result"][0]["value"] == "Afgetekend door de praktijkopleider"
    assert "Afgetekend door praktijkopleider Petra de Vries" in vc["description"]
    assert "geen vaststelling door assessoren" in vc["description"]
    # The vaststelling badge of the same werkproces says the other thing.
    client.post(
        reverse("credentials:claim", args=[rworld["enrolment"].pk]),
        {"vaststelling": rworld["vaststelling"].pk},
    )
    other = Credential.objects.get(vaststelling=rworld["vaststelling"])
    assert "Vastgesteld door assessoren" in services.decoded(other)["vc"]["description"]
    # Claiming the same sign-off again is refused.
    client.post(
        reverse("credentials:claim", args=[rworld["enrolment"].pk]), {"aftekening": sign_off.pk}
    )
    assert Credential.objects.filter(sign_off__isnull=False).count() == 1

    portfolio_services.werkproces_sign_off_withdraw(
        actor=rworld["praktijkopleider"],
        enrolment=rworld["enrolment"],
        werkproces=rworld["w1"],
        reason="Toch nog niet zelfstandig.",
    )
    outcome = verify(client, badge, tmp_path)
    assert outcome["verified"] is True and outcome["revoked"] is True
    assert verify(client, other, tmp_path)["revoked"] is False  # only what was withdrawn
    assert (
        "de aftekening is ingetrokken" in client.get(reverse("credentials:list")).content.decode()
    )
    # Signed again: a new sign-off, a new badge to claim; the old one stays revoked.
    portfolio_services.werkproces_sign_off(
        actor=rworld["praktijkopleider"],
        enrolment=rworld["enrolment"],
        werkproces=rworld["w1"],
        declaration="Nu wel.",
    )
    assert "Aftekenbadge aanvragen voor B1-K1-W1" in (
        client.get(reverse("credentials:list")).content.decode()
    )
    assert verify(client, badge, tmp_path)["revoked"] is True


def test_only_the_student_claims_a_sign_off_badge(client, rworld):
    _sign_off_switch(rworld, True)
    sign_off = _current_sign_off(rworld)
    url = reverse("credentials:claim", args=[rworld["enrolment"].pk])
    for role in ["docent", "assessor", "praktijkopleider", "beheerder", "outsider"]:
        client.force_login(rworld[role])
        assert client.post(url, {"aftekening": sign_off.pk}).status_code == 404, role
    client.force_login(rworld["student"])
    assert client.post(url, {"aftekening": "niets"}, follow=True).status_code == 200
    assert not Credential.objects.exists()
