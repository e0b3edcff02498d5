"""School sign-in (OpenID Connect) settings, read from the environment.

Kept apart from settings.py so that tests build exactly the settings a school's environment
would give (``sso_settings(environ)``), and free of Django imports so settings.py can use it.
Nothing here is on unless BEKWAAM_OIDC_CLIENT_ID and an issuer or discovery URL are set.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit

# The roles a school account may ever be given by the sign-in itself. Beheerders are made in
# Bekwaam, never by a claim; praktijkopleiders are external and come by invite.
PROVISIONABLE_ROLES = ("student", "docent", "assessor")


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_role_map(value: str) -> dict[str, str]:
    """``student:student,employee:docent`` -> {"student": "student", "employee": "docent"}."""
    mapping = {}
    for item in _list(value):
        affiliation, sep, role = item.partition(":")
        if not sep or not affiliation.strip() or not role.strip():
            raise ValueError(f"BEKWAAM_OIDC_ROLE_MAP: '{item}' is not affiliation:role")
        if role.strip() not in PROVISIONABLE_ROLES:
            raise ValueError(
                f"BEKWAAM_OIDC_ROLE_MAP: role '{role.strip()}' cannot come from a school "
                f"account (only {', '.join(PROVISIONABLE_ROLES)})"
            )
        mapping[affiliation.strip().lower()] = role.strip()
    return mapping


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def with_sso_form_action(csp: dict, origins: list[str]) -> dict:
    """The Content-Security-Policy with the school's logout origins added to form-action:
    browsers apply form-action to the redirect after the logout form is posted."""
    directives = dict(csp["DIRECTIVES"])
    directives["form-action"] = [*directives["form-action"], *origins]
    return {**csp, "DIRECTIVES": directives}


def sso_settings(environ: Mapping[str, str]) -> dict:
    """The Django settings (mozilla-django-oidc's OIDC_* and Bekwaam's own) for `environ`."""

    def get(name: str, default: str = "") -> str:
        return (environ.get(name) or default).strip()

    issuer = get("BEKWAAM_OIDC_ISSUER").rstrip("/")
    discovery_url = get("BEKWAAM_OIDC_DISCOVERY_URL") or (
        f"{issuer}/.well-known/openid-configuration" if issuer else ""
    )
    client_id = get("BEKWAAM_OIDC_CLIENT_ID")
    enabled = bool(client_id and discovery_url)
    create_roles = _list(get("BEKWAAM_OIDC_CREATE_USERS"))
    for role in create_roles:
        if role not in PROVISIONABLE_ROLES:
            raise ValueError(
                f"BEKWAAM_OIDC_CREATE_USERS: '{role}' cannot be given by a school account"
            )
    match_field = get("BEKWAAM_OIDC_MATCH_FIELD", "sso_identifier")
    if match_field not in {"sso_identifier", "username", "email"}:
        raise ValueError("BEKWAAM_OIDC_MATCH_FIELD must be sso_identifier, username or email")
    logout_origins = sorted(
        {_origin(url) for url in (issuer, discovery_url, get("BEKWAAM_OIDC_LOGOUT_ORIGIN")) if url}
    )
    return {
        "BEKWAAM_OIDC_ENABLED": enabled,
        "BEKWAAM_OIDC_ISSUER": issuer,
        # The logout form's redirect to the school's end_session_endpoint must pass the
        # Content-Security-Policy's form-action: only these origins (with_sso_form_action).
        "BEKWAAM_OIDC_LOGOUT_ORIGINS": logout_origins if enabled else [],
        "BEKWAAM_OIDC_DISCOVERY_URL": discovery_url,
        # The claim whose value identifies a person, and the User field it is compared with.
        "BEKWAAM_OIDC_IDENTIFIER_CLAIM": get(
            "BEKWAAM_OIDC_IDENTIFIER_CLAIM", "eduperson_principal_name"
        ),
        "BEKWAAM_OIDC_MATCH_FIELD": match_field,
        "BEKWAAM_OIDC_AFFILIATION_CLAIM": get(
            "BEKWAAM_OIDC_AFFILIATION_CLAIM", "eduperson_affiliation"
        ),
        "BEKWAAM_OIDC_ROLE_MAP": parse_role_map(get("BEKWAAM_OIDC_ROLE_MAP")),
        # Roles for which an unknown school account gets a new Bekwaam account: none by default.
        "BEKWAAM_OIDC_CREATE_USERS": create_roles,
        "BEKWAAM_OIDC_DISCOVERY_TIMEOUT": int(get("BEKWAAM_OIDC_TIMEOUT", "10")),
        # mozilla-django-oidc. Endpoints left empty come from the discovery document.
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": get("BEKWAAM_OIDC_CLIENT_SECRET"),
        "OIDC_RP_SIGN_ALGO": get("BEKWAAM_OIDC_SIGN_ALGO", "RS256"),
        "OIDC_RP_SCOPES": get("BEKWAAM_OIDC_SCOPES", "openid"),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": get("BEKWAAM_OIDC_AUTHORIZATION_ENDPOINT"),
        "OIDC_OP_TOKEN_ENDPOINT": get("BEKWAAM_OIDC_TOKEN_ENDPOINT"),
        "OIDC_OP_USER_ENDPOINT": get("BEKWAAM_OIDC_USERINFO_ENDPOINT"),
        "OIDC_OP_JWKS_ENDPOINT": get("BEKWAAM_OIDC_JWKS_ENDPOINT"),
        # SURFconext expects the client secret in a Basic header (client_secret_basic).
        "OIDC_TOKEN_USE_BASIC_AUTH": get("BEKWAAM_OIDC_TOKEN_AUTH", "basic") == "basic",
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_CREATE_USER": bool(create_roles),
        "OIDC_TIMEOUT": int(get("BEKWAAM_OIDC_TIMEOUT", "10")),
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_authentication_callback",
        # Kept in the session as the id_token_hint of the logout at the school's provider.
        "OIDC_STORE_ID_TOKEN": True,
        # mozilla-django-oidc's hook name; Bekwaam's own logout view calls it (organisation.sso).
        "OIDC_OP_LOGOUT_URL_METHOD": "organisation.sso.provider_logout_url",
    }
