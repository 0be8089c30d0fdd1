"""Which installations this one trusts, and what that makes of a package's review.

An administrator lists the installations whose packages may carry their review here (id,
name, public key; checked by reading the key's fingerprint with the other installation's
administrator). A package signed by one of them keeps its review, as *reported by a trusted
installation*; an unsigned package, or one signed by an installation not on the list, brings
only the unit's own answers. Every change of the list is on the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.domain.limits import CONTROL
from app.extensions import db
from app.models import TrustedInstallation, User
from app.services.accounts.audit import record
from app.services.exchange.signing import Signer, fingerprint, own_public_key, public_key_bytes, verified_signer

#: Installation ids as this product makes them (16 hex digits), or any short plain name.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class TrustError(Exception):
    """A change to the trusted installations that cannot be made; the message says why."""


class SignatureStatus(StrEnum):
    """What this installation makes of a package's signature."""

    TRUSTED = "trusted"  # verified, and the signer is on the trusted list
    UNTRUSTED = "untrusted"  # verified, but the signer is not on the list (or named with another key)
    UNSIGNED = "unsigned"


@dataclass(frozen=True)
class Provenance:
    """Where a package comes from, as far as this installation can tell."""

    status: SignatureStatus
    #: The installation's id and name: the trusted list's name when trusted, else as the package names it.
    installation_id: str | None
    name: str | None
    fingerprint: str | None = None
    #: Why a verified signer is not trusted, for the person importing.
    why_not: str = ""

    @property
    def trusted(self) -> bool:
        return self.status is SignatureStatus.TRUSTED

    def as_origin(self) -> dict[str, Any]:
        """What an imported copy keeps of it (in ``Assessment.origin["signature"]``)."""
        return {
            "status": self.status.value,
            "installation": self.installation_id,
            "name": self.name,
            "fingerprint": self.fingerprint,
        }


def trusted_installations() -> list[TrustedInstallation]:
    """The list, by name."""
    return list(db.session.scalars(select(TrustedInstallation).order_by(TrustedInstallation.name)))


def _check(installation_id: str, name: str, public_key: str) -> tuple[str, str, str]:
    installation_id, name, public_key = installation_id.strip(), name.strip(), public_key.strip()
    if not _ID.fullmatch(installation_id):
        raise TrustError(
            _("The installation id is the one its packages name (for example 3f9c0a12b4d5e6f7): letters and digits.")
        )
    if not name or len(name) > 200 or CONTROL.search(name) or any(c in name for c in "\t\r\n"):
        raise TrustError(_("Give the installation a name of up to 200 characters, as people here call it."))
    try:
        public_key_bytes(public_key)
    except ValueError:
        raise TrustError(
            _(
                "That is not an installation's public key: it is 44 characters of base64, ending in '=', as "
                "'flask installations this' prints it there."
            )
        ) from None
    return installation_id, name, public_key


def trust_installation(installation_id: str, name: str, public_key: str, user: User | None) -> TrustedInstallation:
    """Add an installation to the trusted list (flushed, recorded); TrustError when it cannot be."""
    installation_id, name, public_key = _check(installation_id, name, public_key)
    if public_key == own_public_key():
        raise TrustError(_("That is this installation's own key; only other installations are listed."))
    existing = db.session.scalar(
        select(TrustedInstallation).where(
            (TrustedInstallation.installation_id == installation_id) | (TrustedInstallation.public_key == public_key)
        )
    )
    if existing is not None:
        raise TrustError(
            _(
                "%(name)s (%(id)s) is trusted already with that id or key. To change its key, remove it from "
                "the list first, then add it again.",
                name=existing.name,
                id=existing.installation_id,
            )
        )
    trusted = TrustedInstallation(installation_id=installation_id, name=name, public_key=public_key, added_by=user)
    db.session.add(trusted)
    db.session.flush()
    record(
        "installation.trusted",
        user=user,
        object_type="installation",
        object_id=installation_id,
        summary=f"{name}, key {fingerprint(public_key)}",
        after={"name": name, "fingerprint": fingerprint(public_key)},
    )
    return trusted


def untrust_installation(installation_id: str, user: User | None) -> TrustedInstallation:
    """Remove an installation from the list (recorded): its later packages bring only the unit's answers.

    Copies imported before keep what they were imported with; their reports say it was trusted then.
    """
    trusted = db.session.scalar(
        select(TrustedInstallation).where(TrustedInstallation.installation_id == installation_id.strip())
    )
    if trusted is None:
        raise TrustError(
            _("No trusted installation has the id %(id)s; the list shows them.", id=installation_id.strip()[:64])
        )
    record(
        "installation.untrusted",
        user=user,
        object_type="installation",
        object_id=trusted.installation_id,
        summary=f"{trusted.name}, key {fingerprint(trusted.public_key)}",
        before={"name": trusted.name, "fingerprint": fingerprint(trusted.public_key)},
    )
    db.session.delete(trusted)
    db.session.flush()
    return trusted


def _provenance_of_signer(signer: Signer) -> Provenance:
    by_key = db.session.scalar(select(TrustedInstallation).where(TrustedInstallation.public_key == signer.public_key))
    if by_key is not None and by_key.installation_id == signer.installation_id:
        return Provenance(SignatureStatus.TRUSTED, by_key.installation_id, by_key.name, signer.fingerprint)
    named = signer.name or signer.installation_id
    if by_key is not None:
        why = _(
            "It is signed with the key trusted here for %(trusted)s, but names itself %(id)s.",
            trusted=by_key.name,
            id=signer.installation_id,
        )
    elif (
        same_id := db.session.scalar(
            select(TrustedInstallation).where(TrustedInstallation.installation_id == signer.installation_id)
        )
    ) is not None:
        why = _(
            "%(name)s is trusted here with another key (%(trusted)s), not the one that signed this package "
            "(%(key)s). Ask its administrator which key it uses now.",
            name=same_id.name,
            trusted=fingerprint(same_id.public_key),
            key=signer.fingerprint,
        )
    else:
        why = _(
            "%(name)s (%(id)s, key %(key)s) is not on this installation's list of trusted installations.",
            name=named,
            id=signer.installation_id,
            key=signer.fingerprint,
        )
    return Provenance(SignatureStatus.UNTRUSTED, signer.installation_id, named, signer.fingerprint, why)


def provenance_of(package: dict[str, Any]) -> Provenance:
    """Verify a read package's signature and look its signer up; a bad signature is refused (PackageRefused)."""
    signer = verified_signer(package)
    if signer is None:
        claimed = package.get("installation") or {}
        return Provenance(SignatureStatus.UNSIGNED, claimed.get("id"), claimed.get("name"))
    return _provenance_of_signer(signer)
