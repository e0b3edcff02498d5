"""Names sort as Dutch readers expect, in every list of people: by achternaam with the
tussenvoegsel ignored and diacritics folded ("de Boer" under B, "Öztürk" with O)."""

import datetime
import html
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from organisation import services as organisation_services
from organisation.models import AssessorAssignment, User
from organisation.names import sort_key, split_tussenvoegsel
from portfolios import services as portfolio_services
from qualifications.selectors import werkprocessen_of
from reports.selectors import cohort_enrolments

pytestmark = pytest.mark.django_db

# (first, last) in the order a Dutch reader expects.
PEOPLE = [
    ("Kees", "Aalders"),
    ("Piet", "van den Berg"),
    ("Anna", "Bergen"),
    ("Jan", "de Boer"),
    ("Ali", "Öztürk"),
    ("Sanne", "in 't Veld"),
    ("Ece", "Yıldız"),
]
NAMES = [f"{first} {last}" for first, last in PEOPLE]


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("van den Berg", ("van den", "Berg")),
        ("de Boer", ("de", "Boer")),
        ("in 't Veld", ("in 't", "Veld")),
        ("Van der Meer", ("Van der", "Meer")),
        ("Öztürk", ("", "Öztürk")),
        ("de", ("", "de")),  # the last word is always the name itself
    ],
)
def test_tussenvoegsel_detection(last, expected):
    assert split_tussenvoegsel(last) == expected


def test_sort_key_orders_dutch_names():
    shuffled = list(reversed(PEOPLE))
    ordered = sorted(shuffled, key=lambda p: sort_key(first_name=p[0], last_name=p[1], username=""))
    assert ordered == PEOPLE


def test_services_keep_the_key_and_the_migration_fills_it(make_user):
    user = organisation_services.user_create(
        username="vb", password=None, role=User.Role.STUDENT, first_name="Piet",
        last_name="van den Berg",
    )  # fmt: skip
    assert user.sort_name.startswith("berg\x1fpiet")
    User.objects.filter(pk=user.pk).update(sort_name="")
    migration = importlib.import_module("organisation.migrations.0008_user_sort_name")
    migration.fill_sort_names(django_apps, None)
    user.refresh_from_db()
    assert user.sort_name.startswith("berg\x1fpiet")


@pytest.fixture
def klas(aworld, make_user):
    """The seven people above as students of the world's klas, with a BPV at its
    praktijkopleider; the seven again as praktijkopleiders."""
    today = timezone.localdate()
    po = aworld["praktijkopleider"].praktijkopleider
    for i, (first, last) in reversed(list(enumerate(PEOPLE))):
        student = organisation_services.user_create(
            username=f"s{i}", password=None, role=User.Role.STUDENT,
            first_name=first, last_name=last,
        )  # fmt: skip
        enrolment = organisation_services.enrolment_create(
            student=student,
            qualification=aworld["cohort"].qualification,
            started_on=datetime.date(2026, 9, 1),
        )
        organisation_services.enrolment_set_cohort(enrolment=enrolment, cohort=aworld["cohort"])
        organisation_services.bpv_periode_create(
            enrolment=enrolment, praktijkopleider=po, starts_on=today - datetime.timedelta(5)
        )
        po_user = organisation_services.user_create(
            username=f"po{i}", password=None, role=User.Role.PRAKTIJKOPLEIDER,
            first_name=first, last_name=last,
        )  # fmt: skip
        organisation_services.praktijkopleider_create(
            user=po_user, leerbedrijf=aworld["leerbedrijf"]
        )
    assert AssessorAssignment.objects.filter(assessor=aworld["assessor"]).exists()
    return aworld


def assert_in_dutch_order(text: str, where: str):
    text = html.unescape(text)
    positions = [text.find(name) for name in NAMES]
    assert -1 not in positions, (where, dict(zip(NAMES, positions, strict=True)))
    assert positions == sorted(positions), (where, dict(zip(NAMES, positions, strict=True)))


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("beheerder", lambda w: reverse("console:students")),
        ("beheerder", lambda w: reverse("console:praktijkopleiders")),
        ("beheerder", lambda w: reverse("dashboards:cohort_dashboard", args=[w["cohort"].pk])),
        ("docent", lambda w: reverse("dashboards:cohort_dashboard", args=[w["cohort"].pk])),
        ("docent", lambda w: reverse("portfolios:list")),
        ("praktijkopleider", lambda w: reverse("portfolios:list")),
        ("docent", lambda w: reverse("assessments:results_list")),
        ("assessor", lambda w: reverse("assessments:results_list")),
    ],
)
def test_every_list_of_people_is_in_dutch_order(client, klas, who, url):
    client.force_login(klas[who])
    response = client.get(url(klas) + "?per_page=100")
    assert response.status_code == 200
    assert_in_dutch_order(response.content.decode(), f"{who} {url(klas)}")


def test_the_klas_report_lists_students_in_dutch_order(klas):
    names = [e.student.display_name for e in cohort_enrolments(klas["cohort"])]
    assert [n for n in names if n in NAMES] == NAMES


def test_the_inbox_sorted_by_student_is_in_dutch_order(client, klas):
    werkproces = werkprocessen_of(klas["cohort"].qualification).order_by("code").first()
    for enrolment in klas["cohort"].enrolments.select_related("student"):
        if enrolment.student.display_name not in NAMES:
            continue
        evidence = portfolio_services.evidence_create(
            student=enrolment.student, enrolment=enrolment, werkproces=werkproces,
            title="Bewijs", reflection="Gedaan.", date=datetime.date(2026, 10, 1),
            links=["https://example.org/bewijs"],
        )  # fmt: skip
        portfolio_services.evidence_submit(student=enrolment.student, evidence=evidence)
    client.force_login(klas["praktijkopleider"])
    response = client.get(reverse("portfolios:inbox") + "?sorteer=student&per_page=100")
    assert response.status_code == 200
    assert_in_dutch_order(response.content.decode(), "praktijkopleider inbox")
