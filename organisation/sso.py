"""School sign-in with OpenID Connect (SURFconext), on top of mozilla-django-oidc.

mozilla-django-oidc does the authorization-code flow (state, nonce, PKCE, the token request,
the signature check against the provider's JWKS). What it leaves to us, and this module adds:
- endpoints from the provider's discovery document, fetched when first needed and cached,
  so a provider that is down never stops Bekwaam from starting or serving password users;
- the ID token's issuer and audience (the library skips the audience check), and that the
  userinfo answer is about the same subject as the ID token;
- who a school account is in Bekwaam: an existing account by the configured identifier, or a
  new one only under the explicit rule BEKWAAM_OIDC_CREATE_USERS, with a role taken from the
  affiliation map; never a role nobody gave, never beheerder or staff;
- a clear Dutch page for every refusal instead of the library's redirect or a 400/500;
- logging out at the school too (RP-initiated logout) when the person signed in with their
  school account and the provider's discovery names an end_session_endpoint.
"""

import logging
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import User
from .services import user_link_school_account

log = logging.getLogger(__name__)

# mozilla-django-oidc's endpoint settings and their names in a discovery document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_CACHE_SECONDS = 3600

# Least privilege first: someone who is both student and employee signs in as a student
# unless the school gave their account another role.
ROLE_ORDER = [User.Role.STUDENT, User.Role.DOCENT, User.Role.ASSESSOR]

# What each refusal tells the person, and the HTTP status of the page that says it.
REFUSALS = {
    "state": (
        400,
        _("Deze aanmelding is verlopen of is niet in deze browser begonnen."),
        _("Begin opnieuw bij de inlogpagina van Bekwaam."),
    ),
    "code": (
        400,
        _("Je school heeft deze aanmelding niet bevestigd: de code is verlopen of al gebruikt."),
        _("Begin opnieuw bij de inlogpagina van Bekwaam."),
    ),
    "token": (
        400,
        _("Het bewijs van je school klopt niet: het is niet voor Bekwaam bedoeld of ongeldig."),
        _("Begin opnieuw bij de inlogpagina van Bekwaam."),
    ),
    "unknown": (
        403,
        _("Er is in Bekwaam geen account gekoppeld aan je schoolaccount."),
        _("Vraag de beheerder van Bekwaam op je school om je account te koppelen."),
    ),
    "inactive": (
        403,
        _("Je account in Bekwaam is gedeactiveerd."),
        _("Neem contact op met de beheerder van Bekwaam op je school."),
    ),
    "cancelled": (
        400,
        _("Het inloggen bij je school is afgebroken."),
        _("Probeer het opnieuw, of log in met je gebruikersnaam en wachtwoord."),
    ),
    "unavailable": (
        503,
        _("Inloggen met je schoolaccount lukt op dit moment niet."),
        _("Probeer het later opnieuw, of log in met je gebruikersnaam en wachtwoord."),
    ),
}


class SsoRefused(SuspiciousOperation):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class SsoUnavailable(Exception):
    """The provider (or its discovery document) cannot be reached or makes no sense."""


def discovery() -> dict:
    doc = cache.get("bekwaam:oidc:discovery")
    if doc is not None:
        return doc
    try:
        response = requests.get(
            settings.BEKWAAM_OIDC_DISCOVERY_URL, timeout=settings.BEKWAAM_OIDC_DISCOVERY_TIMEOUT
        )
        response.raise_for_status()
        doc = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoUnavailable(f"discovery: {exc}") from exc
    configured = settings.BEKWAAM_OIDC_ISSUER
    if not isinstance(doc, dict) or (configured and doc.get("issuer") != configured):
        # A document for another issuer would let that issuer sign tokens we accept.
        raise SsoUnavailable(f"discovery: issuer {doc.get('issuer')!r} is not {configured!r}")
    missing = [key for key in DISCOVERED.values() if not doc.get(key)]
    if missing:
        raise SsoUnavailable(f"discovery: no {', '.join(missing)}")
    cache.set("bekwaam:oidc:discovery", doc, DISCOVERY_CACHE_SECONDS)
    return doc


def sso_setting(attr: str, *default):
    """mozilla-django-oidc's settings, with endpoints from discovery when not set."""
    if attr in DISCOVERED and not getattr(settings, attr, ""):
        return discovery()[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def issuer() -> str:
    return settings.BEKWAAM_OIDC_ISSUER or discovery()["issuer"]


def _affiliations(claims: dict) -> set[str]:
    value = claims.get(settings.BEKWAAM_OIDC_AFFILIATION_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    # eduPersonScopedAffiliation reads "student@roc.example"; the map names "student".
    return {str(item).split("@", 1)[0].strip().lower() for item in value}


def role_for(claims: dict) -> str | None:
    """The role a new account gets from these claims, or None when the rules give none."""
    mapped = {settings.BEKWAAM_OIDC_ROLE_MAP.get(a) for a in _affiliations(claims)}
    allowed = [role for role in ROLE_ORDER if role in mapped]
    allowed = [role for role in allowed if role in settings.BEKWAAM_OIDC_CREATE_USERS]
    return allowed[0] if allowed else None


class SchoolOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(sso_setting)

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here, and Django makes a backend for each request
        # of a signed-in user; endpoints are looked up only when a sign-in needs them.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: sso_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: sso_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: sso_setting("OIDC_OP_JWKS_ENDPOINT"))

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password login with ?code=…&state=… in its
        # URL must not start a token request.
        if request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def _refuse(self, reason: str, detail: str = "") -> None:
        self.request.bekwaam_sso_refusal = reason
        log.warning("school sign-in refused (%s) %s", reason, detail)

    def _verify_jws(self, payload, key):
        # The library checks the signature but not audience or issuer (OpenID Connect Core
        # 3.1.3.7); a token the provider made for another service must not let anyone in.
        try:
            header = jwt.get_unverified_header(payload)
            if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise jwt.InvalidAlgorithmError(header.get("alg"))
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer(),
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise SsoRefused("token", str(exc)) from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SsoRefused("token", "azp is not this client")
        return claims

    def verify_token(self, token, **kwargs):
        try:
            return super().verify_token(token, **kwargs)
        except SsoRefused:
            raise
        except SuspiciousOperation as exc:  # nonce, unknown key: all mean "not for us"
            raise SsoRefused("token", str(exc)) from exc

    def get_userinfo(self, access_token, id_token, payload):
        # SURFconext gives most attributes from the userinfo endpoint; the ID token's own
        # claims count too, and both must be about the same person (Core 5.3.2).
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SsoRefused("token", "userinfo sub differs from the ID token")
        return {**payload, **userinfo}

    def verify_claims(self, claims):
        return bool(str(claims.get(settings.BEKWAAM_OIDC_IDENTIFIER_CLAIM) or "").strip())

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
        except SsoRefused as exc:
            self._refuse(exc.reason, str(exc))
            return None
        claim = settings.BEKWAAM_OIDC_IDENTIFIER_CLAIM
        if not self.verify_claims(claims):
            self._refuse("unknown", f"no {claim} claim for sub {claims.get('sub')!r}")
            return None
        identifier = str(claims[claim]).strip()
        user = self._match(identifier)
        if user is None:
            user = self._provision(identifier, claims)
        if user is None:
            return None
        if not user.is_active:
            self._refuse("inactive", f"user {user.pk}")
            return None
        return user

    def _match(self, identifier: str) -> User | None:
        field = settings.BEKWAAM_OIDC_MATCH_FIELD
        lookup = f"{field}__iexact" if field == "email" else field
        users = list(User.objects.filter(**{lookup: identifier})[:2])
        if len(users) != 1:
            if users:  # two accounts with one e-mail address: choosing one would be a guess
                self._refuse("unknown", f"{len(users)} accounts with {field}={identifier!r}")
            return None
        user = users[0]
        if field != "sso_identifier":
            # Linked from now on: a later change of e-mail address cannot move the login.
            try:
                user_link_school_account(user=user, sso_identifier=identifier)
            except ValidationError as exc:
                self._refuse("unknown", f"user {user.pk}: {' '.join(exc.messages)}")
                return None
        return user

    def _provision(self, identifier: str, claims: dict) -> User | None:
        role = role_for(claims) if settings.OIDC_CREATE_USER else None
        if role is None:
            self._refuse(
                "unknown",
                f"no account for {identifier!r}, affiliations {sorted(_affiliations(claims))}",
            )
            return None
        user = User(
            username=identifier[:150],
            sso_identifier=identifier,
            role=role,
            email=str(claims.get("email") or ""),
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        user.refresh_sort_name()
        user.set_unusable_password()  # reset-by-mail is for password accounts only
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            self._refuse("unknown", f"username {identifier!r} belongs to another account")
            return None
        log.info("school sign-in created user %s (%s) as %s", user.pk, identifier, role)
        return user


def refused(request, reason: str):
    status, message, advice = REFUSALS.get(reason, REFUSALS["state"])
    return render(
        request,
        "registration/sso_refused.html",
        {"message": message, "advice": advice, "reason": reason},
        status=status,
    )


class SchoolSignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the school's sign-in page."""

    get_settings = staticmethod(sso_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except SsoUnavailable as exc:
            log.warning("school sign-in unavailable: %s", exc)
            return refused(request, "unavailable")
        return super().get(request)


class SchoolCallbackView(OIDCAuthenticationCallbackView):
    """Where the school sends the browser back; signs in, or says why not."""

    user = None

    def get(self, request):
        try:
            return self._sign_in(request)
        except SsoRefused as exc:
            reason = exc.reason
            log.warning("school sign-in refused: %s", exc)
        except SuspiciousOperation as exc:  # the library's "state not in this session"
            reason = "state"
            log.warning("school sign-in refused (state): %s", exc)
        except requests.HTTPError as exc:  # the token endpoint refused the code
            reason = "code"
            log.warning("school sign-in refused (code): %s", exc)
        except (requests.RequestException, SsoUnavailable, ValueError) as exc:
            reason = "unavailable"
            log.warning("school sign-in unavailable: %s", exc)
        return refused(request, reason)

    def _sign_in(self, request):
        # The library's callback, except that it asks our backend directly instead of
        # django.contrib.auth.authenticate(): that would send user_login_failed for every
        # refused school account, and django-axes would then lock school sign-in for the
        # school's whole (shared) address. The school's provider throttles its own logins.
        if request.GET.get("error") or "code" not in request.GET or "state" not in request.GET:
            return super().get(request)
        states = request.session.get("oidc_states") or {}
        state = request.GET["state"]
        if state not in states:
            raise SsoRefused("state", "not started in this session, or already used")
        # Each state works once: take it out before anything can fail.
        entry = states.pop(state)
        request.session["oidc_states"] = states
        request.session.save()
        backend = SchoolOIDCBackend()
        self.user = backend.authenticate(
            request, nonce=entry["nonce"], code_verifier=entry.get("code_verifier")
        )
        if self.user is None or not self.user.is_active:
            return self.login_failure()
        self.user.backend = f"{SchoolOIDCBackend.__module__}.{SchoolOIDCBackend.__name__}"
        return self.login_success()

    def login_failure(self):
        request = self.request
        if request.GET.get("error"):
            reason = "cancelled"
        elif getattr(request, "bekwaam_sso_refusal", None):
            reason = request.bekwaam_sso_refusal
        elif self.user is not None and not self.user.is_active:
            reason = "inactive"
        else:
            reason = "state"
        return refused(request, reason)


# --- Logging out at the school too (OpenID Connect RP-Initiated Logout 1.0) ----------------


def provider_logout_url(request) -> str | None:
    """Where to send someone who signed in with their school account when they log out of
    Bekwaam, so the school's session ends too and the next person at a shared computer
    is asked to sign in again. None for a password login, or when the provider offers no
    end_session_endpoint or cannot be reached (then only Bekwaam's session ends)."""
    id_token = request.session.get("oidc_id_token")
    if not settings.BEKWAAM_OIDC_ENABLED or not id_token:
        return None
    try:
        endpoint = discovery().get("end_session_endpoint")
    except SsoUnavailable as exc:
        log.warning("logout at the school skipped: %s", exc)
        return None
    if not endpoint:
        return None
    parts = urlsplit(endpoint)
    if f"{parts.scheme}://{parts.netloc}" not in settings.BEKWAAM_OIDC_LOGOUT_ORIGINS:
        # The Content-Security-Policy (form-action) would stop the browser there anyway.
        log.warning(
            "logout at the school skipped: %s is not in BEKWAAM_OIDC_LOGOUT_ORIGINS", endpoint
        )
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(
                resolve_url(settings.LOGOUT_REDIRECT_URL)
            ),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only); after a school sign-in, on to the school's logout."""

    def post(self, request, *args, **kwargs):
        at_school = provider_logout_url(request)  # before the session, and its token, go
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_school) if at_school else response
