"""Uploads are scanned by a real clamd, started here on 127.0.0.1 with signatures made
locally by sigtool (freshclam cannot reach its mirror), and refused when it is down."""

import os
import shutil
import socket
import subprocess
import time

import pytest

from portfolios import clamav, uploads
from portfolios.models import Evidence, EvidenceFile
from tests import upload_samples as samples
from tests.portfolio_fixtures import PDF_BYTES, stored_files
from tests.portfolios.test_portfolio_uploads import post_evidence, upload

# The EICAR anti-virus test file: harmless, and every scanner is meant to flag it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)
SIGTOOL = shutil.which("sigtool")

if not (CLAMD and SIGTOOL):
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI must run the clamd tests: install clamav and clamav-daemon")
    pytest.skip(
        "clamd/sigtool are not installed (apt-get install clamav clamav-daemon); "
        "CI installs them and runs these tests",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


def start_clamd(root):
    """A clamd of our own: a body signature (.ndb) and a hash signature (.hdb) for EICAR,
    both written by sigtool, so EICAR is found inside any file and as the file itself."""
    database = root / "db"
    database.mkdir()
    eicar = root / "eicar.com"
    eicar.write_bytes(EICAR)
    hex_dump = (
        subprocess.run([SIGTOOL, "--hex-dump"], input=EICAR, capture_output=True, check=True)
        .stdout.decode()
        .strip()
    )
    (database / "bekwaam-test.ndb").write_text(f"Bekwaam-Test-EICAR:0:*:{hex_dump}\n")
    md5 = subprocess.run([SIGTOOL, "--md5", str(eicar)], capture_output=True, check=True)
    (database / "bekwaam-test.hdb").write_bytes(md5.stdout)
    port = _free_port()
    config = root / "clamd.conf"
    config.write_text(
        f"TCPSocket {port}\nTCPAddr 127.0.0.1\nDatabaseDirectory {database}\n"
        f"Foreground yes\nLogFile {root / 'clamd.log'}\nPidFile {root / 'clamd.pid'}\n"
        "StreamMaxLength 200M\nMaxFileSize 200M\nMaxScanSize 400M\n"
    )
    process = subprocess.Popen(
        [CLAMD, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while not _ping(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = (root / "clamd.log").read_text() if (root / "clamd.log").exists() else ""
            pytest.fail(f"clamd did not start:\n{log}")
        time.sleep(0.2)
    return {"url": f"tcp://127.0.0.1:{port}", "process": process, "port": port}


def stop_clamd(server) -> None:
    if server["process"].poll() is None:
        server["process"].terminate()
        server["process"].wait(timeout=30)


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    server = start_clamd(tmp_path_factory.mktemp("clamd"))
    yield server
    stop_clamd(server)


@pytest.fixture
def scanned(settings, clamd):
    settings.BEKWAAM_CLAMD_URL = clamd["url"]
    return clamd


def pdf_with_eicar() -> bytes:
    return PDF_BYTES + b"% " + EICAR + b"\n"


def jpeg_with_eicar_in_a_comment() -> bytes:
    # exiftool would strip the comment: found only if the scan comes before cleaning.
    photo = samples.photo("JPEG", with_gps=False)
    comment = b"\xff\xfe" + (len(EICAR) + 2).to_bytes(2, "big") + EICAR
    return photo[:2] + comment + photo[2:]


def test_protocol_against_the_real_clamd(scanned):
    import io

    assert clamav.clamd_instream(scanned["url"], io.BytesIO(EICAR), timeout=10) in (
        "Bekwaam-Test-EICAR.UNOFFICIAL",
        "eicar.com.UNOFFICIAL",
    )
    assert clamav.clamd_instream(scanned["url"], io.BytesIO(PDF_BYTES), timeout=10) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [("verslag.pdf", pdf_with_eicar()), ("foto.jpg", jpeg_with_eicar_in_a_comment())],
)
def test_infected_upload_is_refused_and_nothing_stored(
    client, world, media, scanned, name, content
):
    client.force_login(world["student"])
    response = post_evidence(client, world, [upload(name, content)])
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{name} is geweigerd: de virusscanner vond er schadelijke inhoud in" in html
    assert "Bekwaam-Test-EICAR" in html
    assert not Evidence.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_clean_upload_is_accepted(client, world, media, scanned):
    client.force_login(world["student"])
    files = [upload("verslag.pdf", PDF_BYTES), upload("foto.jpg", samples.photo("JPEG"))]
    assert post_evidence(client, world, files).status_code == 302
    assert EvidenceFile.objects.count() == 2
    assert len(stored_files(media)) == 2


@pytest.mark.django_db
def test_large_video_is_scanned_whole(client, world, media, scanned, settings, tmp_path):
    # EICAR behind 3 MB of media data: found only if the stream is sent in full.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    movie = samples.bare_movie(b"isom")
    tail = samples.box(b"free", b"\x00" * (3 * 1024 * 1024) + EICAR)
    client.force_login(world["student"])
    response = post_evidence(client, world, [upload("film.mp4", movie + tail)])
    assert response.status_code == 400
    assert "schadelijke inhoud" in response.content.decode()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_scanner_down_refuses_the_upload(client, world, media, settings, tmp_path):
    server = start_clamd(tmp_path)  # its own clamd, as it stops it
    settings.BEKWAAM_CLAMD_URL = server["url"]
    client.force_login(world["student"])
    assert post_evidence(client, world, [upload("eerst.pdf", PDF_BYTES)]).status_code == 302
    stop_clamd(server)
    assert not _ping(server["port"])
    response = post_evidence(client, world, [upload("verslag.pdf", PDF_BYTES)])
    assert response.status_code == 400
    html = response.content.decode()
    assert "verslag.pdf kon niet op virussen worden gecontroleerd" in html
    assert EvidenceFile.objects.count() == 1  # only the one from before
    assert len(stored_files(media)) == 1


def test_scanning_is_off_when_no_url_is_set(settings, monkeypatch):
    settings.BEKWAAM_CLAMD_URL = ""

    def no_network(*args, **kwargs):
        raise AssertionError("no scan may be attempted")

    monkeypatch.setattr(clamav, "clamd_instream", no_network)
    assert uploads.check_upload(upload("verslag.pdf", PDF_BYTES)).kind is uploads.PDF
