"""CSV import of students, klassen and inschrijvingen: all or nothing, idempotent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from organisation.models import Cohort, Enrolment, ImportJob, School, User
from organisation.student_import import StudentImportError, students_import

pytestmark = pytest.mark.django_db

HEADER = "gebruikersnaam;voornaam;achternaam;email;crebo;klas;startjaar;startdatum\n"
GOOD = (
    HEADER
    + "s1001;Sanne;de Vries;s1001@school.example;90011;ZW-2A;2026;2026-09-01\n"
    + "s1002;Mo;El Amrani;;90011;ZW-2A;2026;01-09-2026\n"
    + "s1003;Lotte;Jansen;s1003@school.example;90012;ZW-4A;2026;2026-09-01\n"
)


def _import(text: str, *, bom=False, school="Testcollege"):
    data = text.encode("utf-8")
    return students_import(data=(b"\xef\xbb\xbf" + data) if bom else data, school_name=school)


def test_import_creates_students_cohorts_and_enrolments(tree):
    result = _import(GOOD)
    assert (result.rows, result.users_created, result.cohorts_created) == (3, 3, 2)
    assert result.enrolments_created == 3
    s1002 = User.objects.get(username="s1002")
    assert s1002.role == User.Role.STUDENT
    assert not s1002.has_usable_password()
    enrolment = Enrolment.objects.get(student=s1002)
    assert enrolment.qualification == tree["p1"]
    assert enrolment.cohort.name == "ZW-2A"
    assert enrolment.started_on.isoformat() == "2026-09-01"
    assert Cohort.objects.get(name="ZW-4A").qualification == tree["p2"]


def test_reimport_is_idempotent_with_bom_and_commas(tree):
    _import(GOOD)
    result = _import(GOOD.replace(";", ","), bom=True)
    assert (result.users_created, result.cohorts_created, result.enrolments_created) == (0, 0, 0)
    assert User.objects.filter(username__startswith="s100").count() == 3
    assert Cohort.objects.count() == 2
    assert Enrolment.objects.filter(student__username__startswith="s100").count() == 3
    assert School.objects.count() == 1


def test_any_bad_row_imports_nothing_and_reports_each_line(tree):
    text = (
        HEADER
        + "s1;A;B;a@b.example;90011;ZW-2A;2026;2026-09-01\n"
        + "s2;A;B;a@b.example;99999;ZW-2A;2026;2026-09-01\n"
        + "s1;A;B;;90011;ZW-2A;2026;2026-09-01\n"
        + "s4;A;B;geen-mail;90011;ZW-2A;twintig;31-31-2026\n"
    )
    with pytest.raises(StudentImportError) as caught:
        _import(text)
    errors = dict(caught.value.errors)
    assert set(errors) == {3, 4, 5}
    assert "onbekend crebo 99999" in errors[3]
    assert "regel 2" in errors[4]
    assert "e-mailadres" in errors[5]
    assert "startjaar" in errors[5]
    assert "startdatum" in errors[5]
    assert not User.objects.filter(username="s1").exists()
    assert not Cohort.objects.exists()


def test_conflicts_with_the_database_roll_back_everything(tree, make_user):
    make_user("docent1", User.Role.DOCENT)
    text = (
        HEADER
        + "s1;A;B;;90011;ZW-2A;2026;2026-09-01\n"
        + "docent1;A;B;;90011;ZW-2A;2026;2026-09-01\n"
        + "s3;A;B;;90012;ZW-2A;2026;2026-09-01\n"
    )
    with pytest.raises(StudentImportError) as caught:
        _import(text)
    errors = dict(caught.value.errors)
    assert "al in gebruik" in errors[3]
    assert "andere kwalificatie" in errors[4]
    assert not User.objects.filter(username="s1").exists()
    assert not Cohort.objects.exists()


def test_missing_columns_and_non_utf8(tree):
    with pytest.raises(StudentImportError) as caught:
        _import("gebruikersnaam;voornaam\ns1;A\n")
    assert "Kolommen ontbreken" in caught.value.errors[0][1]
    with pytest.raises(StudentImportError):
        students_import(data=GOOD.encode("utf-16"), school_name="X")


def test_management_command(tree, tmp_path, capsys):
    path = tmp_path / "studenten.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_students", str(path), "--school", "Testcollege")
    assert "3 nieuwe studenten" in capsys.readouterr().out
    call_command("import_students", str(path))  # the only school is the default
    assert "0 nieuwe studenten" in capsys.readouterr().out
    path.write_text(HEADER + "s9;A;B;;99999;X;2026;2026-09-01\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_students", str(path))
    assert "regel 2: onbekend crebo 99999" in capsys.readouterr().err


def test_beheerder_imports_through_the_page(client, users, django_capture_on_commit_callbacks):
    client.force_login(users["beheerder"])
    assert client.get(reverse("organisation:import_students")).status_code == 200
    upload = SimpleUploadedFile("studenten.csv", GOOD.encode("utf-8"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation:import_students"), {"file": upload, "school": "Testcollege"}
        )
    # Post, redirect, get: the import's own page, which a reload does not post again.
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation:import_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "3 regels verwerkt: 3 nieuwe studenten" in page
    assert "3 nieuwe studenten" in client.get(response["Location"]).content.decode()
    # A file with problems of its own is refused on the page itself: no job, nothing stored.
    bad = SimpleUploadedFile("s.csv", (HEADER + "x;A;B;;1;K;2026;2026-09-01\n").encode())
    response = client.post(
        reverse("organisation:import_students"), {"file": bad, "school": "Testcollege"}
    )
    assert response.status_code == 400
    assert "Regel 2" in response.content.decode()
    assert ImportJob.objects.count() == 1
