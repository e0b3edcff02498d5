"""Inviting praktijkopleiders by e-mail, the one-time link, and what they may browse."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from organisation import invitations, tokens
from organisation import services as organisation_services
from organisation.models import Praktijkopleider, User
from qualifications.permissions import visible_qualifications

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Stage-begeleider-2026!"


def _link(message) -> str:
    return re.search(r"https?://\S+(/account/uitnodiging/\S+/)", message.body).group(1)


def _invite(client, beheerder, leerbedrijf, django_capture_on_commit_callbacks, **extra):
    client.force_login(beheerder)
    data = {
        "first_name": "Piet",
        "last_name": "Praktijk",
        "email": "Piet@Bedrijf.example",
        "leerbedrijf": leerbedrijf.sbb_number or leerbedrijf.name,
        **extra,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("organisation:invite"), data)


def test_beheerder_invites_and_praktijkopleider_sets_password_once(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    response = _invite(
        client, world["beheerder"], world["leerbedrijf"], django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    po = Praktijkopleider.objects.get(user__username="piet@bedrijf.example")
    assert po.user.role == User.Role.PRAKTIJKOPLEIDER
    assert not po.user.has_usable_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["piet@bedrijf.example"]
    assert "Zorghuis De Linde" in mailoutbox[0].body
    link = _link(mailoutbox[0])

    client.logout()
    assert client.get(link).status_code == 200
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    # To their own work: "home" sends a praktijkopleider to the inbox.
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("portfolios:inbox")
    assert client.get(reverse("portfolios:inbox")).status_code == 200  # logged in

    client.logout()
    used = client.get(link)
    assert used.status_code == 404
    assert "verlopen of al gebruikt" in used.content.decode()
    response = client.post(
        reverse("login"), {"username": "piet@bedrijf.example", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_invite_link_expires(
    client, world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(client, world["beheerder"], world["leerbedrijf"], django_capture_on_commit_callbacks)
    link = _link(mailoutbox[0])
    user = User.objects.get(username="piet@bedrijf.example")
    settings.BEKWAAM_INVITE_MAX_AGE = 60
    later = tokens.invite_token_generator._now() + datetime.timedelta(seconds=120)
    generator = tokens.InviteTokenGenerator()
    generator._now = lambda: later
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert tokens.invite_token_generator.check_token(user, token)
    assert not generator.check_token(user, token)
    # A password-reset token for the same user is not an invite token.
    from django.contrib.auth.tokens import default_token_generator

    assert not tokens.invite_token_generator.check_token(
        user, default_token_generator.make_token(user)
    )


def test_tampered_link_shows_message(client, db):
    response = client.get(reverse("organisation:invite_accept", args=["MQ", "abc-def"]))
    assert response.status_code == 404
    assert "verlopen of al gebruikt" in response.content.decode()


def test_reinvite_sends_fresh_link_but_existing_account_refused(
    client, world, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(client, world["beheerder"], world["leerbedrijf"], django_capture_on_commit_callbacks)
    _invite(client, world["beheerder"], world["leerbedrijf"], django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert Praktijkopleider.objects.filter(user__username="piet@bedrijf.example").count() == 1
    # An account that already has a password is not taken over by an invite.
    make_user("bestaand@bedrijf.example", User.Role.STUDENT)
    response = _invite(
        client,
        world["beheerder"],
        world["leerbedrijf"],
        django_capture_on_commit_callbacks,
        email="bestaand@bedrijf.example",
    )
    assert response.status_code == 400
    assert "bestaat al een account" in response.content.decode()
    assert len(mailoutbox) == 2


def test_invite_task_is_safe_to_run_twice_after_password_set(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.models import OutgoingMail
    from organisation import tasks

    with django_capture_on_commit_callbacks(execute=True):
        po = invitations.praktijkopleider_invite(
            invited_by=world["beheerder"],
            first_name="A",
            last_name="B",
            email="a@b.example",
            leerbedrijf=world["leerbedrijf"],
        )
    assert len(mailoutbox) == 1
    po.user.set_password(NEW_PASSWORD)
    po.user.save()
    # A send_invite message queued before the outbox, delivered now: no fresh link.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_invite(po.user_id)
    assert len(mailoutbox) == 1
    assert OutgoingMail.objects.count() == 1


@pytest.mark.parametrize("who", ["student", "docent", "praktijkopleider", "outsider"])
def test_only_beheerders_may_invite(client, world, who):
    client.force_login(world[who])
    assert client.get(reverse("organisation:invite")).status_code == 404
    assert client.get(reverse("organisation:import_students")).status_code == 404


def test_praktijkopleider_sees_kwalificaties_of_started_bpv_students(client, world, tree):
    assert list(visible_qualifications(world["praktijkopleider"])) == [tree["p1"]]
    # early_po's BPV starts next month, other_po supervises a P1 student too.
    assert list(visible_qualifications(world["early_po"])) == []
    assert list(visible_qualifications(world["other_po"])) == [tree["p1"]]
    client.force_login(world["praktijkopleider"])
    listing = client.get(reverse("qualifications:list"))
    assert listing.status_code == 200
    assert "Eerste profiel" in listing.content.decode()
    assert "Tweede profiel" not in listing.content.decode()
    assert client.get(reverse("qualifications:detail", args=[tree["p1"].pk])).status_code == 200
    assert client.get(reverse("qualifications:detail", args=[tree["p2"].pk])).status_code == 404
    client.force_login(world["early_po"])
    assert client.get(reverse("qualifications:detail", args=[tree["p1"].pk])).status_code == 404


def test_praktijkopleider_without_students_sees_no_kwalificaties(make_user, tree):
    lonely = make_user("lonely", User.Role.PRAKTIJKOPLEIDER)
    assert not visible_qualifications(lonely).exists()
    bedrijf = organisation_services.leerbedrijf_create(name="Leeg bv")
    organisation_services.praktijkopleider_create(user=lonely, leerbedrijf=bedrijf)
    assert timezone.localdate()  # no BPV at all
    assert not visible_qualifications(lonely).exists()


def test_invite_page_query_count_does_not_grow_with_pending_invites(
    client, world, django_assert_max_num_queries
):
    def invite(n):
        for i in range(n):
            invitations.praktijkopleider_invite(
                invited_by=world["beheerder"],
                first_name="P",
                last_name=str(i),
                email=f"p{i}-{n}@bedrijf.example",
                leerbedrijf=world["leerbedrijf"],
            )

    client.force_login(world["beheerder"])
    invite(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("organisation:invite")).status_code == 200
    invite(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("organisation:invite"))
    assert response.content.decode().count("@bedrijf.example") == 17
    # Many never accept: they come a page at a time, each once.
    invite(20)
    first = client.get(reverse("organisation:invite")).content.decode()
    second = client.get(reverse("organisation:invite"), {"pagina": "2"}).content.decode()
    shown = re.findall(r"&lt;([^&]+@bedrijf\.example)&gt;", first + second)
    assert len(shown) == len(set(shown)) == 37
    assert first.count("@bedrijf.example") == 25 and "Pagina 1 van 2" in first
