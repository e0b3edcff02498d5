"""Passwords: reset by e-mail, change, the length rule, and when a session ends."""

import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.sessions import SessionStore
from config.sso_settings import sso_settings
from organisation.models import User
from organisation.services import user_create

pytestmark = pytest.mark.django_db

OLD = "Oud-wachtwoord-2026"
NEW = "Nieuw-wachtwoord-2026!"


@pytest.fixture
def po(db):
    return user_create(
        username="piet@bedrijf.example",
        password=OLD,
        role=User.Role.PRAKTIJKOPLEIDER,
        email="piet@bedrijf.example",
        first_name="Piet",
    )


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)


def request_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def password_login(client, username, password) -> bool:
    """Through the login form (django-axes needs the request that client.login lacks)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and SESSION_KEY in client.session


def test_django_url_names_exist():
    for name in [
        "password_reset",
        "password_reset_done",
        "password_reset_complete",
        "password_change",
        "password_change_done",
    ]:
        assert reverse(name).startswith("/accounts/")
    assert reverse("password_reset_confirm", args=["MQ", "set-password"]).startswith("/accounts/")


def test_login_page_links_to_password_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Wachtwoord vergeten?" in page


def test_reset_pages_are_in_dutch_in_bekwaam_layout(client):
    page = client.get(reverse("password_reset")).content.decode()
    assert "<title>Wachtwoord vergeten · Bekwaam</title>" in page
    assert "Stuur me een link" in page
    assert 'class="navbar' in page  # base.html
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "Kijk in je e-mail" in done


def test_praktijkopleider_resets_a_forgotten_password(
    client, po, mailoutbox, django_capture_on_commit_callbacks
):
    response = request_reset(client, "PIET@bedrijf.example", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["piet@bedrijf.example"]
    assert mail.subject == "Een nieuw wachtwoord voor Bekwaam"
    assert "Beste Piet" in mail.body
    link = reset_link(mail)

    # Django swaps the token for a session marker and redirects to the set-password form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Nieuw wachtwoord kiezen" in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")

    po.refresh_from_db()
    assert po.check_password(NEW)
    # The link works once.
    again = client.get(link, follow=True).content.decode()
    assert "Deze link werkt niet meer" in again
    assert password_login(Client(), "piet@bedrijf.example", NEW)


def test_no_mail_for_unknown_address_or_account_without_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user_create(
        username="s1", password=None, role=User.Role.STUDENT, email="school@student.example"
    )
    for email in ["niemand@example.org", "school@student.example"]:
        response = request_reset(client, email, django_capture_on_commit_callbacks)
        # The same answer either way: nobody learns which addresses have an account.
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_reset_mail_is_an_outbox_row_sent_after_commit(
    client, po, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.models import OutgoingMail

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("password_reset"), {"email": po.email})
    assert mailoutbox == []  # nothing leaves inside the request's transaction
    row = OutgoingMail.objects.get(to=po.email)
    assert "/accounts/reset/" in row.body
    assert callbacks
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "password, message",
    [
        ("Kort-2026!", "te kort"),  # 10 characters: ASVS wants at least 12
        ("password1234", "te algemeen"),  # on Django's common-password list
    ],
)
def test_new_password_rules(client, po, password, message):
    client.force_login(po)
    response = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    po.refresh_from_db()
    assert po.check_password(OLD)


def test_twelve_characters_are_enough(client, po):
    client.force_login(po)
    response = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": "Tulp-Fiets-9", "new_password2": "Tulp-Fiets-9"},
    )
    assert response.status_code == 302


def test_password_change_ends_the_other_sessions(client, po):
    assert password_login(client, po.username, OLD)
    other = Client()
    assert password_login(other, po.username, OLD)
    assert other.get(reverse("password_change")).status_code == 200

    response = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "Je wachtwoord is gewijzigd" in client.get(response["Location"]).content.decode()
    # This browser stays in (update_session_auth_hash); the other one is out.
    assert client.get(reverse("password_change")).status_code == 200
    response = other.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_reset_ends_existing_sessions(
    client, po, mailoutbox, django_capture_on_commit_callbacks
):
    laptop = Client()
    assert password_login(laptop, po.username, OLD)
    request_reset(client, po.email, django_capture_on_commit_callbacks)
    form_page = client.get(reset_link(mailoutbox[0]), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert laptop.get(reverse("password_change")).status_code == 302


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_school_account_without_password_is_told_so(client):
    student = user_create(username="s2", password=None, role=User.Role.STUDENT)
    client.force_login(student)
    page = client.get(reverse("password_change")).content.decode()
    assert "Je hebt nog geen wachtwoord in Bekwaam" in page
    assert 'name="old_password"' not in page


# --- Idle sessions ----------------------------------------------------------------------


def test_idle_timeout_defaults_to_eight_hours(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_idle_timeout_from_the_environment():
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; django.setup(); from django.conf import settings; "
            "print(settings.SESSION_COOKIE_AGE)",
        ],
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "BEKWAAM_SESSION_IDLE_SECONDS": "900",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "900"


def test_each_request_moves_the_idle_deadline_on(client, po, settings):
    settings.SESSION_COOKIE_AGE = 600
    client.force_login(po)
    session = Session.objects.get()
    # Pretend the last request was 9 minutes ago.
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    assert client.get(reverse("password_change")).status_code == 200
    session.refresh_from_db()
    assert session.expire_date > timezone.now() + datetime.timedelta(minutes=9)


def test_session_ends_after_the_idle_time(client, po, settings):
    settings.SESSION_COOKIE_AGE = 600
    client.force_login(po)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_request_within_the_minute_does_not_write_the_session(client, po, settings):
    settings.SESSION_COOKIE_AGE = 600
    client.force_login(po)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    assert client.get(reverse("password_change")).status_code == 200  # moves it on
    moved = Session.objects.get().expire_date
    assert moved > timezone.now() + datetime.timedelta(minutes=9)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("password_change")).status_code == 200
    writes = [q["sql"] for q in ctx.captured_queries if "UPDATE" in q["sql"].upper()]
    assert not [sql for sql in writes if "django_session" in sql]
    assert Session.objects.get().expire_date == moved


def test_a_changed_session_is_written_at_once(client, po):
    client.force_login(po)
    key = Session.objects.get().session_key
    store = SessionStore(session_key=key)
    store["chosen"] = "ja"  # a fresh deadline, but the data changed
    store.save()
    assert SessionStore(session_key=key)["chosen"] == "ja"


def test_sso_settings_do_not_touch_sessions():
    # The idle rule holds for school sign-in too: no library session refresh replaces it.
    assert "SESSION_COOKIE_AGE" not in sso_settings({"BEKWAAM_OIDC_CLIENT_ID": "x"})
