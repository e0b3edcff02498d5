"""The issuer's signing key and its did:web identity.

One Ed25519 key per installation signs for every school (each school its own did:web
issuer). BEKWAAM_BADGE_SIGNING_KEY holds the 32-byte private seed, base64; without it the
embedded default makes one in var/ (like the secret key). Rotation: set a new key and put the
old public key (base64, see `manage.py shell -c "from credentials.keys import *;
print(public_b64())"`) in BEKWAAM_BADGE_RETIRED_KEYS, so credentials signed before stay
verifiable: their kid names the old key, which did.json keeps listing.
"""

import base64
import hashlib
import os
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _seed() -> bytes:
    configured = os.environ.get("BEKWAAM_BADGE_SIGNING_KEY", "").strip()
    if configured:
        return base64.b64decode(configured)
    path = settings.VAR_DIR / "badge_signing_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
    return base64.b64decode(path.read_text().strip())


def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_seed())


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_b64() -> str:
    return base64.b64encode(_raw(private_key().public_key())).decode()


def key_id(raw_public: bytes) -> str:
    return "key-" + hashlib.sha256(raw_public).hexdigest()[:16]


def public_jwk(raw_public: bytes) -> dict:
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw_public)}


def published_keys() -> list[bytes]:
    """The current public key first, then retired ones that old credentials still name."""
    keys = [_raw(private_key().public_key())]
    for item in os.environ.get("BEKWAAM_BADGE_RETIRED_KEYS", "").split(","):
        if item.strip():
            keys.append(base64.b64decode(item.strip()))
    return keys


def school_did(school_pk: int) -> str:
    """did:web:<host>:badges:scholen:<pk>, which resolves to /badges/scholen/<pk>/did.json."""
    host = urlsplit(settings.BEKWAAM_BASE_URL).netloc
    return f"did:web:{quote(host, safe='')}:badges:scholen:{school_pk}"


def did_document(school_pk: int) -> dict:
    did = school_did(school_pk)
    methods = [
        {
            "id": f"{did}#{key_id(raw)}",
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": public_jwk(raw),
        }
        for raw in published_keys()
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def signing_kid(school_pk: int) -> str:
    return f"{school_did(school_pk)}#{key_id(_raw(private_key().public_key()))}"
