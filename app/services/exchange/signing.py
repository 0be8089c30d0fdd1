"""Signed packages: each installation signs what it exports with an Ed25519 key of its own.

The key is made on first use in the instance folder (``instance/installation_key``, beside
``instance/secret_key``: keep it with the backups, readable by the app's user only). A
signed package names its installation (id, name and public key) under ``installation`` and
carries a detached signature under ``signature``, made over the canonical bytes of the whole
package except the signature itself, so every field (who exported it, when, the
installation's name) is covered. Whether a signer is *trusted* is never the package's word:
:mod:`app.services.exchange.trust` looks the key up in this installation's own list.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext as _

from app.config import installation_signing_seed
from app.services.exchange.import_plan import PackageRefused
from app.services.exchange.packages import this_installation

if TYPE_CHECKING:  # cryptography loads when a package is signed or checked, not with the app
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALGORITHM = "Ed25519"
#: Put before the signed bytes, so that a signature over a package is never good for anything else.
CONTEXT = b"csi-sop-assessment package signature 1\n"


def _private_key() -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(installation_signing_seed(current_app.instance_path)))


def _text(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def own_public_key() -> str:
    """This installation's public key (base64 of its 32 bytes), as packages and the trusted lists carry it."""
    return _text(_private_key().public_key().public_bytes_raw())


def public_key_bytes(text: str) -> bytes:
    """The 32 bytes of a public key given as base64, or ValueError."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    Ed25519PublicKey.from_public_bytes(raw)
    return raw


def fingerprint(public_key: str) -> str:
    """What two administrators read to each other to check a key: SHA-256 of it, 32 hex digits in groups of 4."""
    digest = hashlib.sha256(public_key_bytes(public_key)).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def signed_bytes(package: dict[str, Any]) -> bytes:
    """What the signature covers: the package without its signature, keys sorted, no spaces, ASCII only."""
    unsigned = {k: v for k, v in package.items() if k != "signature"}
    return CONTEXT + json.dumps(unsigned, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def sign_package(package: dict[str, Any]) -> dict[str, Any]:
    """The package as this installation exports it: its id, name and public key, then the signature over it all.

    Sign last: any change after this makes the signature fail.
    """
    signed = {k: v for k, v in package.items() if k != "signature"}
    signed["installation"] = {**this_installation(), "public_key": own_public_key()}
    signed["signature"] = {"algorithm": ALGORITHM, "value": _text(_private_key().sign(signed_bytes(signed)))}
    return signed


@dataclass(frozen=True)
class Signer:
    """Who signed a package whose signature verified: the installation it names and its key."""

    installation_id: str
    name: str
    public_key: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def verified_signer(package: dict[str, Any]) -> Signer | None:
    """The signer of a package whose signature verifies; None for an unsigned package.

    A package that claims a signature which does not verify is refused outright
    (:class:`PackageRefused`): it was changed after it was signed, or the signature is not one.
    """
    signature = package.get("signature")
    if signature is None:
        return None
    installation = package.get("installation") or {}
    claimed = str(installation.get("name") or installation.get("id") or _("another installation"))
    refused = PackageRefused(
        _(
            "The package carries a signature of %(where)s that does not verify: it was changed after it was "
            "signed, or the signature is damaged. Nothing was imported. Ask for the package again, exactly as "
            "that installation exported it.",
            where=claimed,
        )
    )
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        raise refused
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(public_key_bytes(str(installation.get("public_key") or "")))
        value = base64.b64decode(str(signature.get("value") or ""), validate=True)
        key.verify(value, signed_bytes(package))
    except (ValueError, binascii.Error, InvalidSignature):
        raise refused from None
    if not installation.get("id"):
        raise refused
    return Signer(str(installation["id"]), str(installation.get("name") or ""), str(installation["public_key"]))
