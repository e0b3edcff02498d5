import datetime

import pytest

from organisation.models import User
from organisation.services import enrolment_create, user_create
from qualifications.models import (
    Competentie,
    Criterion,
    Dossier,
    Framework,
    Kerntaak,
    Qualification,
    TextAddition,
    Werkproces,
    WerkprocesCompetentie,
)

ROLES = ["student", "praktijkopleider", "docent", "assessor", "beheerder"]

# Fixtures for the portfolio tests (klas, leerbedrijf, BPV-periodes, sample files).
# The processes fixture (subprocesses stopped at the end) and the S3 server, for the tests that
# start real servers.
pytest_plugins = [
    "tests.portfolio_fixtures",
    "tests.assessment_fixtures",
    "tests.report_fixtures",
    "tests.processes",
    "tests.s3",
]


@pytest.fixture(autouse=True)
def celery_in_process(request):
    """Run Celery tasks in the test process, also when CELERY_BROKER_URL points at Redis.

    The suite runs twice in CI, once with a real broker; without a worker there, a task that
    sends a mail or makes a thumbnail would sit in Redis and the test would see nothing. The
    tests that exercise the real broker and real workers are marked and keep it.
    """
    from config.celery import app

    if request.node.get_closest_marker("smoke") or request.node.get_closest_marker(
        "celery_integration"
    ):
        yield
        return
    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def bell_count_uncached(settings):
    """The bell's count uncached, so every query-count guard counts its query the same way
    whatever ran before; tests/notifications/test_outbox.py tests the cache itself."""
    settings.BEKWAAM_UNREAD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    def make(username: str, role: str = User.Role.STUDENT, password: str = "geheim-wachtwoord-1"):
        return user_create(username=username, password=password, role=role)

    return make


@pytest.fixture
def tree(db):
    """A small dossier: basisdeel B1-K1 with two werkprocessen, profielen P1 and P2 with one
    kerntaak each; P2 adds a gedrag line, an omschrijving and a competentie to B1-K1-W1."""
    comp_k = Competentie.objects.create(code="K", title="Vakdeskundigheid toepassen")
    comp_e = Competentie.objects.create(code="E", title="Samenwerken en overleggen")
    dossier = Dossier.objects.create(
        framework=Framework.SBB, code="90001", title="Testdossier", opleidingsdomein="Test"
    )
    p1 = Qualification.objects.create(
        dossier=dossier, code="P1", crebo="90011", title="Eerste profiel", niveau=2, position=1
    )
    p2 = Qualification.objects.create(
        dossier=dossier, code="P2", crebo="90012", title="Tweede profiel", niveau=4, position=2
    )
    b1 = Kerntaak.objects.create(
        dossier=dossier, part=Kerntaak.Part.BASISDEEL, code="B1-K1", title="Basistaak", position=1
    )
    w1 = Werkproces.objects.create(
        kerntaak=b1, code="B1-K1-W1", title="Eerste werkproces", omschrijving="Basisomschrijving"
    )
    Werkproces.objects.create(kerntaak=b1, code="B1-K1-W2", title="Tweede werkproces", position=2)
    Criterion.objects.create(werkproces=w1, position=1, text="werkt nauwkeurig;")
    Criterion.objects.create(werkproces=w1, position=2, text="communiceert helder.")
    Criterion.objects.create(
        werkproces=w1, position=3, text="GEHEIM-P2: adviseert de klant;", qualification=p2
    )
    WerkprocesCompetentie.objects.create(werkproces=w1, position=1, competentie=comp_k)
    WerkprocesCompetentie.objects.create(
        werkproces=w1, position=2, competentie=comp_e, qualification=p2
    )
    TextAddition.objects.create(
        kerntaak=b1,
        werkproces=w1,
        position=1,
        field=TextAddition.Field.OMSCHRIJVING,
        qualification=p2,
        text="OMSCHRIJVING-P2 aanvulling",
    )
    for position, profiel in enumerate([p1, p2], start=2):
        kt = Kerntaak.objects.create(
            dossier=dossier,
            part=Kerntaak.Part.PROFIELDEEL,
            qualification=profiel,
            code=f"{profiel.code}-K1",
            title=f"Profieltaak {profiel.code}",
            position=position,
        )
        Werkproces.objects.create(
            kerntaak=kt, code=f"{profiel.code}-K1-W1", title=f"Profielwerk {profiel.code}"
        )
    return {"dossier": dossier, "p1": p1, "p2": p2, "b1": b1, "w1": w1}


@pytest.fixture
def users(make_user, tree):
    """One user per role. The student is enrolled on P1; 'outsider' is a student of nothing."""
    cast = {role: make_user(role, role) for role in ROLES}
    cast["outsider"] = make_user("outsider", User.Role.STUDENT)
    enrolment_create(
        student=cast["student"], qualification=tree["p1"], started_on=datetime.date(2026, 9, 1)
    )
    return cast


@pytest.fixture(autouse=True)
def default_scales(request):
    """Tests that flush the database (live server, transactional) lose the rating scales that
    migration 0004 made; make them again as that migration does."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from assessments.models import RatingLevel, RatingScale
        from assessments.scales import ensure_default_scales

        request.getfixturevalue("transactional_db")
        ensure_default_scales(RatingScale, RatingLevel)
