"""A real OpenID Provider for the school sign-in tests, and the settings to use it.

`OpenIDProvider` runs tests/oidc/provider.mjs (the npm package oidc-provider) on 127.0.0.1 on
a free port. `sso_enabled(provider, **env)` turns Bekwaam's school sign-in on for a test,
exactly as a school's environment would (config.sso_settings), and off again afterwards,
including the URLs (they exist only when it is configured).
"""

import contextlib
import importlib
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import clear_url_caches

from config.sso_settings import sso_settings, with_sso_form_action

BASE_DIR = Path(__file__).resolve().parents[1]
SCRIPT = BASE_DIR / "tests" / "oidc" / "provider.mjs"

CLIENT_ID = "bekwaam-test"
CLIENT_SECRET = "een-lang-testgeheim-voor-bekwaam-0123456789"
OTHER_CLIENT_ID = "andere-dienst"
TEST_REDIRECT = "http://testserver/accounts/school/callback/"

# The people the test school knows, with SURFconext's claim names.
ACCOUNTS = {
    "s100001": {
        "eduperson_principal_name": "s100001@roc.example",
        "eduperson_affiliation": ["student", "member"],
        "schac_personal_unique_code": ["urn:schac:personalUniqueCode:nl:local:roc.example:100001"],
        "email": "sanne@student.roc.example",
        "email_verified": True,
        "given_name": "Sanne",
        "family_name": "de Vries",
        "name": "Sanne de Vries",
    },
    "d2001": {
        "eduperson_principal_name": "d2001@roc.example",
        "eduperson_affiliation": ["employee", "member"],
        "email": "d.jansen@roc.example",
        "given_name": "Dirk",
        "family_name": "Jansen",
    },
    "s999999": {
        "eduperson_principal_name": "s999999@roc.example",
        "eduperson_affiliation": ["student"],
        "email": "nieuw@student.roc.example",
        "given_name": "Nora",
        "family_name": "Nieuw",
    },
}


class OpenIDProvider:
    def __init__(self, redirect_uris: list[str]):
        node = shutil.which("node")
        if node is None or not (BASE_DIR / "node_modules" / "oidc-provider").exists():
            pytest.fail("School sign-in tests need Node.js and oidc-provider: run ./scripts/setup")
        config = {
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": redirect_uris,
                    # Where the school's logout may send the browser back: Bekwaam's login.
                    "post_logout_redirect_uris": [
                        uri.replace("/accounts/school/callback/", "/accounts/login/")
                        for uri in redirect_uris
                    ],
                },
                {
                    "client_id": OTHER_CLIENT_ID,
                    "client_secret": CLIENT_SECRET + "-ander",
                    "redirect_uris": ["http://127.0.0.1/elders/"],
                },
            ],
            "accounts": ACCOUNTS,
        }
        self.process = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=BASE_DIR,
            env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self._first_line()
        self.issuer = json.loads(line)["issuer"]
        # The provider warns on stderr (development adapter, Node version); drain it.
        threading.Thread(target=self.process.stderr.read, daemon=True).start()

    def _first_line(self) -> str:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()))
        reader.start()
        reader.join(timeout=30)
        if not result or not result[0].strip():
            self.stop()
            pytest.fail(f"oidc-provider did not start: {self.process.stderr.read()}")
        return result[0]

    def tamper(self, aud: str | None) -> None:
        """From now on, hand out ID tokens for `aud` instead (None: the real audience)."""
        response = requests.post(f"{self.issuer}/_test/tamper", json={"aud": aud}, timeout=5)
        response.raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def sso_env(provider: OpenIDProvider, **extra: str) -> dict[str, str]:
    return {
        "BEKWAAM_OIDC_ISSUER": provider.issuer,
        "BEKWAAM_OIDC_CLIENT_ID": CLIENT_ID,
        "BEKWAAM_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "BEKWAAM_OIDC_SCOPES": "openid email profile eduperson",
        "BEKWAAM_OIDC_ROLE_MAP": "student:student,employee:docent",
        **extra,
    }


def _reload_urls() -> None:
    # config.urls holds the resolver for accounts/ with its patterns cached: reload both.
    import config.urls
    import organisation.account_urls

    importlib.reload(organisation.account_urls)
    importlib.reload(config.urls)
    clear_url_caches()


@contextlib.contextmanager
def sso_enabled(provider: OpenIDProvider, **extra: str):
    values = sso_settings(sso_env(provider, **extra))
    backends = [*settings.AUTHENTICATION_BACKENDS, "organisation.sso.SchoolOIDCBackend"]
    cache.delete("bekwaam:oidc:discovery")
    csp = with_sso_form_action(
        settings.CONTENT_SECURITY_POLICY, values["BEKWAAM_OIDC_LOGOUT_ORIGINS"]
    )
    with override_settings(**values, AUTHENTICATION_BACKENDS=backends, CONTENT_SECURITY_POLICY=csp):
        _reload_urls()
        try:
            yield values
        finally:
            cache.delete("bekwaam:oidc:discovery")
    _reload_urls()


def sign_in_at_provider(
    authorize_url: str, login: str, stop_at: str, session: requests.Session | None = None
) -> str:
    """Do what a person does at the school's sign-in page; return the URL it sends the
    browser back to (which starts with `stop_at`), without following it. Pass `session` to
    keep the provider's cookies, as a browser does."""
    session = session or requests.Session()
    page = session.get(authorize_url, timeout=10)
    page.raise_for_status()
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action, page.text
    response = session.post(
        urljoin(page.url, action.group(1)), data={"login": login}, allow_redirects=False
    )
    for _ in range(10):
        assert response.is_redirect, (response.status_code, response.text)
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(stop_at):
            return location
        response = session.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")
