"""Bekwaam says "je" throughout: our own texts, and the Django texts users meet (password
rules, the password change form, the CSRF page), which Django's Dutch puts as "u"/"uw"."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.test import Client
from django.urls import reverse

from organisation.passwords import PasswordChangeForm

BASE = Path(__file__).resolve().parents[1]
FORMAL = re.compile(r"(?<![\w%(.{-])(u|uw|Uw|U)(?![\w)=.:\[\]}-])")


def test_no_formal_address_in_templates_or_messages():
    offenders = []
    for path in [*BASE.glob("templates/**/*.html"), *BASE.glob("templates/**/*.txt")]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "{% url" in line and " as u " in line:
                continue
            text = re.sub(r"{[{%#].*?[%}#]}", " ", line)  # template code, not words
            if FORMAL.search(text):
                offenders.append(f"{path.relative_to(BASE)}:{n}: {line.strip()[:80]}")
    assert not offenders, "\n".join(offenders)


def test_no_formal_address_in_the_messages_of_our_code():
    # The msgids of the English catalogue are every Dutch string our Python and templates
    # mark for translation (makemessages), mails and form messages included.
    po = (BASE / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    msgids = re.findall(r'^msgid "(.+)"$', po, re.M)
    formal = [m for m in msgids if FORMAL.search(re.sub(r"%\(\w+\)\w", " ", m))]
    assert not formal, formal


def test_password_rules_and_change_form_say_je(settings):
    settings.LANGUAGE_CODE = "nl"
    texts = " ".join(str(t) for t in password_validators_help_texts())
    assert "Je wachtwoord" in texts and not FORMAL.search(texts)
    message = str(PasswordChangeForm.error_messages["password_incorrect"])
    assert message.startswith("Je huidige wachtwoord")


@pytest.mark.django_db
def test_csrf_page_says_je():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Dit formulier is verlopen" in body and not FORMAL.search(re.sub(r"<[^>]+>", " ", body))
