"""The public verification page: a real kenmerk is confirmed, a changed one is not, a newer
report marks the older one as superseded, and guessing is rate-limited."""

import random
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import cache
from django.urls import reverse

from reports import verification
from reports.models import ReportJob
from tests.portfolio_fixtures import make_evidence
from tests.reports.test_report_pdf import request_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def changed(kenmerk: str) -> str:
    return kenmerk[:-1] + ("0" if kenmerk[-1] != "0" else "1")


def test_genuine_report_is_confirmed_without_login(
    client, rworld, django_capture_on_commit_callbacks
):
    job = request_report(
        client, rworld["student"], rworld["enrolment"], django_capture_on_commit_callbacks
    )
    assert job.status == ReportJob.Status.DONE
    client.logout()
    kenmerk = verification.printed_kenmerk(job.fingerprint)
    response = client.get(reverse("reports:verify_kenmerk", args=[kenmerk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Echt Bekwaam-rapport" in body
    assert "Sanne Jansen" in body and "Voortgangsrapport" in body
    assert "Ja: er is geen nieuwer rapport." in body
    # Nothing of the report's content is disclosed.
    assert "B1-K1-W1" not in body and "Mooi werk" not in body

    other = client.get(reverse("reports:verify"), {"kenmerk": changed(kenmerk)})
    assert other.status_code == 200
    assert "Niet gevonden" in other.content.decode()
    assert "Sanne" not in other.content.decode()


def test_newer_report_marks_the_old_one_superseded(
    client, rworld, django_capture_on_commit_callbacks
):
    first = request_report(
        client, rworld["student"], rworld["enrolment"], django_capture_on_commit_callbacks
    )
    make_evidence(rworld, title="Nieuw verslag", submit=True)
    second = request_report(
        client, rworld["student"], rworld["enrolment"], django_capture_on_commit_callbacks
    )
    second.refresh_from_db()
    assert second.fingerprint != first.fingerprint
    old = verification.verify(verification.printed_kenmerk(first.fingerprint))
    new = verification.verify(verification.printed_kenmerk(second.fingerprint))
    assert old.genuine and old.superseded_at == second.finished_at
    assert new.genuine and new.superseded_at is None


@pytest.mark.parametrize(
    "kenmerk", ["", "xyz", "0" * 15, "g" * 16, "1234 5678 9abc def0", "a" * 200]
)
def test_odd_input_gets_the_same_answer_shape(client, kenmerk):
    response = client.get(reverse("reports:verify"), {"kenmerk": kenmerk})
    assert response.status_code == 200
    body = response.content.decode()
    assert ("Niet gevonden" in body) == bool(kenmerk)
    assert "Echt Bekwaam-rapport" not in body


def test_nul_bytes_are_refused_before_the_page(client):
    # config.middleware.RefuseNulMiddleware answers every NUL in a request with a 400.
    response = client.get(reverse("reports:verify"), {"kenmerk": "\x00" * 16})
    assert response.status_code == 400


def test_unknown_and_genuine_answer_with_the_same_fields():
    unknown = verification.verify("0123456789abcdef")
    assert not unknown.genuine and unknown.subject == "" and unknown.school == ""


def test_guessing_is_rate_limited(client, monkeypatch):
    # The limit counts per minute: 25 requests that straddle the turn of a minute start
    # counting again (it failed in CI so). The limiter's clock stands still here, at a
    # minute no other run uses (a shared Redis keeps counts between runs).
    frozen = 1_800_000_000 + 60 * random.randrange(10**6) + 30
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: frozen))
    url = reverse("reports:verify")
    statuses = [client.get(url, {"kenmerk": f"{i:016x}"}).status_code for i in range(25)]
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 5
    assert "Even wachten" in client.get(url, {"kenmerk": "0" * 16}).content.decode()


def test_post_is_not_allowed(client):
    assert client.post(reverse("reports:verify")).status_code == 405


def test_the_qr_code_reads_back_for_any_kenmerk(settings):
    """The report's QR code uses a fixed mask (rendering.QR_MASK, to save the time of
    choosing one): it must still read back, whatever the kenmerk."""
    import hashlib
    import io

    import segno
    import zxingcpp
    from PIL import Image

    from reports import rendering

    settings.BEKWAAM_BASE_URL = "https://bekwaam.voorbeeld-school.nl"
    for n in range(25):
        url = verification.verify_url(hashlib.sha256(str(n).encode()).hexdigest())
        png = io.BytesIO()
        segno.make(url, error="m", mask=rendering.QR_MASK).save(png, kind="png", scale=4)
        codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.getvalue())))
        assert [code.text for code in codes] == [url]
