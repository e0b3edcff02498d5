"""The optional `schoolaccount` column of the student import links school sign-in."""

import pytest

from organisation.models import User
from organisation.services import user_create
from organisation.student_import import StudentImportError, students_import

pytestmark = pytest.mark.django_db

HEADER = "gebruikersnaam;voornaam;achternaam;email;crebo;klas;startjaar;startdatum;schoolaccount\n"


def _import(text: str):
    return students_import(data=text.encode(), school_name="Testcollege")


def test_new_students_get_their_school_account(tree):
    _import(
        HEADER
        + "100001;Sanne;de Vries;;90011;ZW-2A;2026;2026-09-01;s100001@roc.example\n"
        + "100002;Mo;El Amrani;;90011;ZW-2A;2026;2026-09-01;\n"
    )
    assert User.objects.get(username="100001").sso_identifier == "s100001@roc.example"
    assert User.objects.get(username="100002").sso_identifier is None


def test_reimport_links_existing_students_and_changes_nothing_else(tree):
    without = HEADER.replace(";schoolaccount", "")
    _import(without + "100001;Sanne;de Vries;;90011;ZW-2A;2026;2026-09-01\n")
    assert User.objects.get(username="100001").sso_identifier is None
    result = _import(HEADER + "100001;Sanne;de Vries;;90011;ZW-2A;2026;2026-09-01;s1@roc.example\n")
    assert result.users_created == 0
    assert User.objects.get(username="100001").sso_identifier == "s1@roc.example"


def test_school_account_twice_in_a_file_is_reported(tree):
    with pytest.raises(StudentImportError) as caught:
        _import(
            HEADER
            + "100001;A;B;;90011;ZW-2A;2026;2026-09-01;s1@roc.example\n"
            + "100002;A;B;;90011;ZW-2A;2026;2026-09-01;S1@roc.example\n"
        )
    assert caught.value.errors[0][0] == 3
    assert "staat ook op regel 2" in caught.value.errors[0][1]
    assert not User.objects.filter(username__in=["100001", "100002"]).exists()


def test_a_linked_account_is_never_moved_to_another_school_account(tree):
    _import(HEADER + "100001;A;B;;90011;ZW-2A;2026;2026-09-01;s1@roc.example\n")
    with pytest.raises(StudentImportError) as caught:
        _import(HEADER + "100001;A;B;;90011;ZW-2A;2026;2026-09-01;iemand-anders@roc.example\n")
    assert "al gekoppeld" in caught.value.errors[0][1]
    assert User.objects.get(username="100001").sso_identifier == "s1@roc.example"


def test_a_school_account_of_someone_else_is_refused(tree):
    docent = user_create(username="d1", password=None, role=User.Role.DOCENT)
    docent.sso_identifier = "d1@roc.example"
    docent.save()
    with pytest.raises(StudentImportError):
        _import(HEADER + "100001;A;B;;90011;ZW-2A;2026;2026-09-01;d1@roc.example\n")
    assert not User.objects.filter(username="100001").exists()
