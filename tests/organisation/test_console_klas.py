"""A klas's mentors and assessors in the console: a large ROC has a thousand docenten, so the
form never lists them all. The klas's own staff are ticked to keep; one more of each is
typed (e-mail address or username) with suggestions. A refused key writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation import lookups
from organisation.models import AssessorAssignment, Cohort, User
from organisation.services import user_create

pytestmark = pytest.mark.django_db


def staff(role: str, n: int, start: int = 0) -> list[User]:
    return [
        user_create(
            username=f"{role}-{i:03d}",
            password=None,
            role=role,
            email=f"{role}-{i:03d}@school.example",
            first_name="Docent" if role == User.Role.DOCENT else "Assessor",
            last_name=f"Nummer {i:03d}",
        )
        for i in range(start, start + n)
    ]


def edit(client, cohort, **data):
    return client.post(
        reverse("console:cohort_edit", args=[cohort.pk]),
        {"name": cohort.name, "start_year": cohort.start_year, **data},
    )


def test_a_new_klas_gets_a_typed_mentor_and_assessor(client, world):
    client.force_login(world["beheerder"])
    docent = staff(User.Role.DOCENT, 1)[0]
    response = client.post(
        reverse("console:cohort_create"),
        {
            "school": world["cohort"].school_id,
            "name": "VZ-1A",
            "start_year": 2026,
            "qualification": world["cohort"].qualification_id,
            "mentor": docent.email.upper(),  # either case
            "assessor": world["assessor"].username,
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="VZ-1A")
    assert list(cohort.mentors.all()) == [docent]
    assert list(
        AssessorAssignment.objects.filter(cohort=cohort).values_list("assessor", flat=True)
    ) == [world["assessor"].pk]


def test_the_edit_page_shows_the_klas_staff_ticked_and_not_every_docent(client, world):
    client.force_login(world["beheerder"])
    cohort = world["cohort"]
    url = reverse("console:cohort_edit", args=[cohort.pk])
    staff(User.Role.DOCENT, 5)
    with CaptureQueriesContext(connection) as few:
        small = client.get(url)
    others = staff(User.Role.DOCENT, 60, start=5)
    with CaptureQueriesContext(connection) as many:
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(large.content) == len(small.content)
    html = large.content.decode()
    # The klas's mentor, ticked; no box for the other docenten; the typed field with its list.
    assert f'value="{world["docent"].pk}"' in html and "checked" in html
    assert all(o.last_name not in html for o in others)
    assert 'name="mentor"' in html and 'list="docent-suggesties"' in html
    assert 'name="assessors"' not in html  # the klas has no assessor to keep


def test_untick_one_and_add_another_in_one_save(client, world):
    client.force_login(world["beheerder"])
    cohort = world["cohort"]
    new = staff(User.Role.DOCENT, 1)[0]
    assert edit(client, cohort, mentors=[], mentor=new.username).status_code == 302
    assert list(cohort.mentors.all()) == [new]
    # Typing someone the klas has already keeps them once.
    assert edit(client, cohort, mentors=[new.pk], mentor=new.email).status_code == 302
    assert list(cohort.mentors.all()) == [new]
    # Assessors the same way.
    response = edit(client, cohort, mentors=[new.pk], assessor=world["assessor"].username)
    assert response.status_code == 302
    assert list(
        AssessorAssignment.objects.filter(cohort=cohort).values_list("assessor", flat=True)
    ) == [world["assessor"].pk]
    assert edit(client, cohort, mentors=[new.pk], assessors=[]).status_code == 302
    assert not AssessorAssignment.objects.filter(cohort=cohort).exists()


@pytest.mark.parametrize(
    ("field", "key", "message"),
    [
        ("mentor", "niemand", "Er is geen actieve docent"),
        ("mentor", "student", "Er is geen actieve docent"),  # a student's username
        ("mentor", "assessor", "Er is geen actieve docent"),  # another role
        ("mentor", "inactief", "Er is geen actieve docent"),
        ("assessor", "docent", "Er is geen actieve assessor"),
        ("mentor", "x" * 5000, "niet meer dan 254 tekens"),
        ("mentor", "%", "Er is geen actieve docent"),
    ],
)
def test_a_refused_key_says_why_and_writes_nothing(client, world, field, key, message):
    client.force_login(world["beheerder"])
    user_create(username="inactief", password=None, role=User.Role.DOCENT)
    User.objects.filter(username="inactief").update(is_active=False)
    cohort = world["cohort"]
    response = edit(client, cohort, name="Anders", mentors=[], **{field: key})
    assert response.status_code == 400
    assert message in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.name == "VZ-2A"
    assert list(cohort.mentors.all()) == [world["docent"]]
    # Nor is a new klas made.
    response = client.post(
        reverse("console:cohort_create"),
        {
            "school": cohort.school_id,
            "name": "VZ-9Z",
            "start_year": 2026,
            "qualification": cohort.qualification_id,
            field: key,
        },
    )
    assert response.status_code == 400
    assert not Cohort.objects.filter(name="VZ-9Z").exists()


def test_suggestions_are_active_staff_of_that_role_by_name(client, world):
    client.force_login(world["beheerder"])
    docenten = staff(User.Role.DOCENT, 25)
    staff(User.Role.ASSESSOR, 3)
    User.objects.filter(pk=docenten[0].pk).update(is_active=False)
    html = client.get(reverse("console:docent_suggestions"), {"mentor": "nummer"}).content.decode()
    assert html.count("<option") == lookups.SUGGESTIONS
    assert docenten[0].email not in html  # inactive
    assert "assessor-" not in html
    # By name; the value is the key the field takes.
    assert html.index("Nummer 001") < html.index("Nummer 002")
    assert f'value="{docenten[1].email}"' in html
    html = client.get(reverse("console:assessor_suggestions"), {"assessor": "nummer"}).content
    assert html.decode().count("<option") == 3
    # One typed character suggests nothing.
    assert (
        b"<option" not in client.get(reverse("console:docent_suggestions"), {"mentor": "n"}).content
    )


def test_save_and_add_another_comes_back_to_the_klas_form(client, world):
    """One mentor is typed a save; "Bewaren en nog iemand toevoegen" opens the form again for
    the next one, with the first one ticked, on a new klas and on an existing one."""
    client.force_login(world["beheerder"])
    first, second, third = staff(User.Role.DOCENT, 3)
    response = client.post(
        reverse("console:cohort_create"),
        {
            "school": world["cohort"].school_id,
            "name": "VZ-1B",
            "start_year": 2026,
            "qualification": world["cohort"].qualification_id,
            "mentor": first.username,
            "nog": "1",
        },
    )
    cohort = Cohort.objects.get(name="VZ-1B")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:cohort_edit", args=[cohort.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Klas VZ-1B is aangemaakt." in page
    assert f'value="{first.pk}"' in page and "checked" in page
    response = edit(client, cohort, mentors=[first.pk], mentor=second.email, nog="1")
    assert response["Location"] == reverse("console:cohort_edit", args=[cohort.pk])
    response = edit(client, cohort, mentors=[first.pk, second.pk], mentor=third.username)
    assert response["Location"] == reverse("console:cohorts")
    assert set(cohort.mentors.all()) == {first, second, third}
    # A refused key stays on the form with its message, whichever button was pressed.
    response = edit(client, cohort, mentors=[first.pk], mentor="niemand", nog="1")
    assert response.status_code == 400
    assert set(cohort.mentors.all()) == {first, second, third}
