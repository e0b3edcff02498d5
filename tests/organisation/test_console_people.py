"""The beheer console's people and BPV edits (issue 11): staff and single students created
with an activation mail, praktijkopleiders and BPV-periodes edited, BPV-periodes deleted
unless exam records depend on them."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutgoingMail
from organisation import services
from organisation.models import BpvPeriode, Enrolment, Praktijkopleider, User
from portfolios import services as portfolio_services

pytestmark = pytest.mark.django_db

NOT_BEHEERDERS = ["student", "praktijkopleider", "docent", "assessor", "outsider"]
PASSWORD = "een-heel-lang-wachtwoord-42"


def _bpv(w):
    return BpvPeriode.objects.get(enrolment=w["enrolment2"])


def _get_views(w):
    po = w["praktijkopleider"].praktijkopleider
    return [
        reverse("console:staff"),
        reverse("console:staff_create"),
        reverse("console:staff_member", args=[w["docent"].pk]),
        reverse("console:student_create"),
        reverse("console:praktijkopleider_edit", args=[po.pk]),
        reverse("console:bpv_edit", args=[_bpv(w).pk]),
        reverse("console:person_edit", args=[w["student"].pk]),
    ]


def _post_only_views(w):
    return [
        reverse("console:staff_set_active", args=[w["docent"].pk]),
        reverse("console:staff_resend_activation", args=[w["docent"].pk]),
        reverse("console:bpv_delete", args=[_bpv(w).pk]),
    ]


def test_beheerder_opens_the_new_pages(client, world):
    client.force_login(world["beheerder"])
    for url in _get_views(world):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", NOT_BEHEERDERS)
def test_everyone_else_gets_404_and_writes_nothing(client, world, role):
    client.force_login(world[role])
    for url in _get_views(world):
        assert client.get(url).status_code == 404, url
    data = {
        "active": "0",
        "role": "beheerder",
        "username": "indringer",
        "first_name": "X",
        "last_name": "Y",
        "email": "x@example.invalid",
        "qualification": world["enrolment"].qualification_id,
        "started_on": "2026-09-01",
        "leerbedrijf": world["leerbedrijf"].sbb_number,
        "praktijkopleider": "praktijkopleider",
        "starts_on": "2020-01-01",
    }
    writes = [_get_views(world)[i] for i in (1, 3, 4, 5, 6)]  # forms; the others are GET-only
    for url in writes + _post_only_views(world):
        assert client.post(url, data).status_code == 404, url
    assert not User.objects.filter(username="indringer").exists()
    assert User.objects.get(pk=world["docent"].pk).is_active
    assert BpvPeriode.objects.filter(enrolment=world["enrolment2"]).count() == 1
    assert _bpv(world).starts_on != datetime.date(2020, 1, 1)
    assert Praktijkopleider.objects.get(user=world["praktijkopleider"]).user.first_name != "X"
    assert not OutgoingMail.objects.exists()
    assert User.objects.get(pk=world["student"].pk).first_name != "X"


def test_anonymous_is_sent_to_login(client, world):
    for url in _get_views(world):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def test_post_only_views_answer_405_to_get(client, world):
    client.force_login(world["beheerder"])
    for url in _post_only_views(world):
        assert client.get(url).status_code == 405, url


def _link(message) -> str:
    return "/" + message.body.split("http://", 1)[1].split()[0].split("/", 1)[1]


def _activate(client, link) -> str:
    """Follow the activation link, choose a password; where the person lands."""
    assert client.get(link).status_code == 200
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    response = client.get(response.url)
    while response.status_code == 302:
        landing = response.url
        response = client.get(landing)
    assert response.status_code == 200
    return response.request["PATH_INFO"]


def test_a_new_docent_gets_a_link_and_lands_on_the_klassen(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["beheerder"])
    data = {
        "role": "docent",
        "first_name": "Daan",
        "last_name": "de Vries",
        "email": "Daan@School.example",
        "username": "dvries",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:staff_create"), data)
    docent = User.objects.get(username="dvries")
    assert response.status_code == 302 and response.url == reverse(
        "console:staff_member", args=[docent.pk]
    )
    assert (docent.role, docent.email, docent.has_usable_password()) == (
        "docent",
        "daan@school.example",
        False,
    )
    row = OutgoingMail.objects.get(recipient=docent)
    assert row.to == "daan@school.example"
    assert len(mail.outbox) == 1
    # The same username again is refused with a message, and nothing more is written.
    response = client.post(reverse("console:staff_create"), data)
    assert response.status_code == 400
    assert "al in gebruik" in response.content.decode()
    assert OutgoingMail.objects.count() == 1
    client.logout()
    assert _activate(client, _link(mail.outbox[0])) == reverse("dashboards:cohorts")
    assert client.get(_link(mail.outbox[0])).status_code == 404  # used once


def test_staff_needs_an_address_and_a_staff_role(client, world):
    client.force_login(world["beheerder"])
    base = {"first_name": "A", "last_name": "B", "username": "ab", "email": ""}
    response = client.post(reverse("console:staff_create"), {**base, "role": "docent"})
    assert response.status_code == 400
    response = client.post(
        reverse("console:staff_create"), {**base, "role": "student", "email": "a@b.example"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="ab").exists()


def test_a_new_beheerder_joins_the_beheerders_group(client, world):
    client.force_login(world["beheerder"])
    client.post(
        reverse("console:staff_create"),
        {
            "role": "beheerder",
            "first_name": "Bea",
            "last_name": "Heer",
            "email": "bea@school.example",
            "username": "bheer",
        },
    )
    beheerder = User.objects.get(username="bheer")
    assert beheerder.is_staff and beheerder.is_beheerder
    assert list(beheerder.groups.values_list("name", flat=True)) == ["Beheerders"]


def test_resending_revokes_the_earlier_link_and_deactivating_stops_it(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["beheerder"])
    assessor = services.user_create(
        username="nieuwe-assessor",
        password=None,
        role=User.Role.ASSESSOR,
        email="assessor@school.example",
    )
    url = reverse("console:staff_resend_activation", args=[assessor.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    first, second = _link(mail.outbox[0]), _link(mail.outbox[1])
    assert first != second
    client.force_login(world["beheerder"])
    client.post(reverse("console:staff_set_active", args=[assessor.pk]), {"active": "0"})
    assessor.refresh_from_db()
    assert not assessor.is_active
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 404  # deactivated
    client.force_login(world["beheerder"])
    client.post(reverse("console:staff_set_active", args=[assessor.pk]), {"active": "1"})
    assessor.refresh_from_db()
    assert assessor.is_active
    client.logout()
    assert client.get(second).status_code == 200


def test_a_beheerder_cannot_deactivate_themselves(client, world):
    client.force_login(world["beheerder"])
    me = world["beheerder"]
    response = client.post(
        reverse("console:staff_set_active", args=[me.pk]), {"active": "0"}, follow=True
    )
    assert "eigen account" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active


def test_a_student_is_not_staff_here(client, world):
    client.force_login(world["beheerder"])
    url = reverse("console:staff_member", args=[world["student"].pk])
    assert client.get(url).status_code == 404


def test_a_new_student_is_enrolled_gets_a_link_and_lands_on_the_portfolio(
    client, world, tree, django_capture_on_commit_callbacks
):
    client.force_login(world["beheerder"])
    data = {
        "username": "500123",
        "first_name": "Sam",
        "last_name": "Smit",
        "email": "sam@student.example",
        "sso_identifier": "500123@school.example",
        "qualification": tree["p1"].pk,
        "cohort": "VZ-2A (2026, Testcollege)",
        "started_on": "2026-09-01",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:student_create"), data)
    student = User.objects.get(username="500123")
    assert response.status_code == 302
    assert (student.role, student.sso_identifier) == ("student", "500123@school.example")
    enrolment = Enrolment.objects.get(student=student)
    assert (enrolment.qualification, enrolment.cohort) == (tree["p1"], world["cohort"])
    assert OutgoingMail.objects.filter(recipient=student).count() == 1
    client.logout()
    landing = _activate(client, _link(mail.outbox[0]))
    assert landing == reverse("portfolios:portfolio", args=[enrolment.pk])


def test_a_refused_student_writes_nothing(client, world, tree):
    client.force_login(world["beheerder"])
    data = {
        "username": "500124",
        "first_name": "Sam",
        "last_name": "Smit",
        "email": "sam@student.example",
        "qualification": tree["p2"].pk,  # the klas follows P1
        "cohort": "vz-2a",  # the name alone, either case, when one klas has it
        "started_on": "2026-09-01",
    }
    response = client.post(reverse("console:student_create"), data)
    assert response.status_code == 400
    assert "andere kwalificatie" in response.content.decode()
    response = client.post(
        reverse("console:student_create"),
        {**data, "username": "student", "qualification": tree["p1"].pk},
    )
    assert response.status_code == 400 and "al in gebruik" in response.content.decode()
    assert not User.objects.filter(username="500124").exists()
    assert not OutgoingMail.objects.exists()


def test_a_student_without_address_gets_no_mail(client, world, tree):
    client.force_login(world["beheerder"])
    response = client.post(
        reverse("console:student_create"),
        {
            "username": "500125",
            "first_name": "Noor",
            "last_name": "Zonder",
            "qualification": tree["p1"].pk,
            "started_on": "2026-09-01",
        },
    )
    assert response.status_code == 302
    assert Enrolment.objects.filter(student__username="500125", cohort=None).exists()
    assert not OutgoingMail.objects.exists()


def test_staff_list_search_and_query_count(client, world, make_user):
    client.force_login(world["beheerder"])
    url = reverse("console:staff")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for i in range(5):
        make_user(f"doc{i}", User.Role.DOCENT)
    few = count()
    for i in range(5, 50):
        make_user(f"doc{i}", User.Role.ASSESSOR if i % 2 else User.Role.DOCENT)
    assert count() == few
    response = client.get(url, {"q": "doc1"})
    names = {row[1][0] for row in response.context["rows"]}
    assert names == {"doc1"} | {f"doc1{i}" for i in range(10)}
    response = client.get(url, {"q": "student"})  # students are not staff
    assert response.context["page"].paginator.count == 0


# --- Praktijkopleiders and BPV-periodes -------------------------------------------------------


def test_edit_a_praktijkopleider_with_old_and_new_values(client, world):
    client.force_login(world["beheerder"])
    po = world["other_po"].praktijkopleider
    other_bedrijf = services.leerbedrijf_create(name="Apotheek Noord")
    response = client.post(
        reverse("console:praktijkopleider_edit", args=[po.pk]),
        {
            "first_name": "Olga",
            "last_name": "Opleider",
            "email": "olga@apotheek.example",
            "leerbedrijf": "Apotheek Noord",
        },
    )
    assert response.status_code == 302
    po.refresh_from_db()
    assert (po.user.first_name, po.user.email, po.leerbedrijf) == (
        "Olga",
        "olga@apotheek.example",
        other_bedrijf,
    )
    # The BPV-periode keeps the leerbedrijf it ran at.
    assert _bpv(world).leerbedrijf == world["leerbedrijf"]
    change = LogEntry.objects.filter(object_pk=str(po.pk), action=LogEntry.Action.UPDATE).get(
        content_type__model="praktijkopleider"
    )
    assert change.changes_dict["leerbedrijf"] == [
        str(world["leerbedrijf"].pk),
        str(other_bedrijf.pk),
    ]
    assert change.actor == world["beheerder"]
    user_change = LogEntry.objects.filter(
        object_pk=str(po.user_id), content_type__model="user", action=LogEntry.Action.UPDATE
    ).get()
    assert user_change.changes_dict["first_name"] == ["", "Olga"]


def test_a_praktijkopleider_cannot_take_anothers_address(client, world):
    client.force_login(world["beheerder"])
    services.user_create(
        username="bezet@example.invalid",
        password=None,
        role=User.Role.DOCENT,
        email="bezet@example.invalid",
    )
    po = world["other_po"].praktijkopleider
    response = client.post(
        reverse("console:praktijkopleider_edit", args=[po.pk]),
        {
            "first_name": "Olga",
            "last_name": "X",
            "email": "bezet@example.invalid",
            "leerbedrijf": world["leerbedrijf"].sbb_number,
        },
    )
    assert response.status_code == 400
    po.user.refresh_from_db()
    assert po.user.first_name != "Olga"


def _edit(client, periode, **changes):
    data = {
        "praktijkopleider": periode.praktijkopleider.user.username,
        "starts_on": periode.starts_on.isoformat(),
        "ends_on": periode.ends_on.isoformat() if periode.ends_on else "",
    }
    data.update(changes)
    return client.post(reverse("console:bpv_edit", args=[periode.pk]), data)


def test_edit_and_delete_a_bpv_without_records(client, world):
    client.force_login(world["beheerder"])
    periode = _bpv(world)
    early = world["early_po"].praktijkopleider
    response = _edit(
        client, periode, praktijkopleider="early_po", starts_on="2026-09-01", ends_on="2026-08-01"
    )
    assert response.status_code == 400  # ends before it starts
    assert _bpv(world).praktijkopleider_id == periode.praktijkopleider_id
    response = _edit(
        client, periode, praktijkopleider="early_po", starts_on="2026-09-01", ends_on="2027-01-31"
    )
    assert response.status_code == 302
    periode.refresh_from_db()
    assert (periode.praktijkopleider, periode.ends_on) == (early, datetime.date(2027, 1, 31))
    change = LogEntry.objects.get(
        content_type__model="bpvperiode", object_pk=str(periode.pk), action=LogEntry.Action.UPDATE
    )
    assert change.changes_dict["ends_on"] == ["None", "2027-01-31"]
    response = client.post(reverse("console:bpv_delete", args=[periode.pk]))
    assert response.status_code == 302
    assert not BpvPeriode.objects.filter(pk=periode.pk).exists()
    assert LogEntry.objects.filter(
        content_type__model="bpvperiode", object_pk=str(periode.pk), action=LogEntry.Action.DELETE
    ).exists()


def test_a_bpv_holding_a_sign_off_is_kept(client, world):
    periode = BpvPeriode.objects.get(
        enrolment=world["enrolment"], praktijkopleider__user=world["praktijkopleider"]
    )
    portfolio_services.werkproces_sign_off(
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        declaration="Gezien op de werkvloer.",
        confirm_without_evidence=True,
    )
    client.force_login(world["beheerder"])
    response = client.post(reverse("console:bpv_delete", args=[periode.pk]), follow=True)
    assert "kan niet weg" in response.content.decode()
    assert BpvPeriode.objects.filter(pk=periode.pk).exists()
    today = timezone.localdate()
    # Another praktijkopleider, or a start after the sign-off: refused, nothing changes.
    response = _edit(client, periode, praktijkopleider="early_po")
    assert response.status_code == 400 and "nieuwe praktijkopleider" in response.content.decode()
    response = _edit(client, periode, starts_on=(today + datetime.timedelta(days=1)).isoformat())
    assert response.status_code == 400
    response = _edit(client, periode, ends_on=(today - datetime.timedelta(days=30)).isoformat())
    assert response.status_code == 400
    assert BpvPeriode.objects.get(pk=periode.pk).ends_on is None
    # Ending it on the day of the sign-off is fine: that is how a periode stops.
    response = _edit(client, periode, ends_on=today.isoformat())
    assert response.status_code == 302
    assert BpvPeriode.objects.get(pk=periode.pk).ends_on == today


def test_another_praktijkopleiders_records_do_not_hold_a_bpv(client, world):
    # The sign-off is by the current praktijkopleider; the early one's periode can still go.
    portfolio_services.werkproces_sign_off(
        actor=world["praktijkopleider"],
        enrolment=world["enrolment"],
        werkproces=world["w1"],
        declaration="Gezien.",
        confirm_without_evidence=True,
    )
    early = BpvPeriode.objects.get(praktijkopleider__user=world["early_po"])
    client.force_login(world["beheerder"])
    assert client.post(reverse("console:bpv_delete", args=[early.pk])).status_code == 302
    assert not BpvPeriode.objects.filter(pk=early.pk).exists()


def test_link_a_school_account_and_correct_a_name(client, world):
    client.force_login(world["beheerder"])
    url = reverse("console:person_edit", args=[world["student"].pk])
    data = {
        "first_name": "Stijn",
        "last_name": "Student",
        "email": "stijn@student.example",
        "sso_identifier": "s1@roc.example",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    student = User.objects.get(pk=world["student"].pk)
    assert (student.first_name, student.sso_identifier) == ("Stijn", "s1@roc.example")
    change = LogEntry.objects.filter(
        content_type__model="user", object_pk=str(student.pk), action=LogEntry.Action.UPDATE
    ).latest("timestamp")
    assert change.changes_dict["sso_identifier"] == ["None", "s1@roc.example"]
    assert change.actor == world["beheerder"]
    # Someone else's school account is refused; nothing changes.
    url = reverse("console:person_edit", args=[world["docent"].pk])
    response = client.post(url, {**data, "first_name": "Dubbel"})
    assert response.status_code == 400
    assert User.objects.get(pk=world["docent"].pk).first_name != "Dubbel"
    # A praktijkopleider is edited with their leerbedrijf, not here.
    url = reverse("console:person_edit", args=[world["praktijkopleider"].pk])
    assert client.get(url).status_code == 404
