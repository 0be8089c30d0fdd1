"""Helpers for tests of signed packages: another installation's key, and packages signed with it."""

from __future__ import annotations

import base64
import copy
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.services.exchange.signing import ALGORITHM, signed_bytes


class OtherInstallation:
    """An installation elsewhere: its id, name and key, signing packages as its export would."""

    def __init__(self, installation_id: str = "0a1b2c3d4e5f6071", name: str = "SEESAC field laptop") -> None:
        self.installation_id, self.name = installation_id, name
        self.key = Ed25519PrivateKey.generate()

    @property
    def public_key(self) -> str:
        return base64.b64encode(self.key.public_key().public_bytes_raw()).decode("ascii")

    def sign(self, package: dict[str, Any], installation_id: str | None = None) -> dict[str, Any]:
        """The package as this installation would export it (naming itself ``installation_id`` if given)."""
        signed = {k: v for k, v in copy.deepcopy(package).items() if k != "signature"}
        signed["installation"] = {
            "id": installation_id or self.installation_id,
            "name": self.name,
            "public_key": self.public_key,
        }
        value = self.key.sign(signed_bytes(signed))
        signed["signature"] = {"algorithm": ALGORITHM, "value": base64.b64encode(value).decode("ascii")}
        return signed


def with_review(package: dict[str, Any], expert: str = "Dr Invented Expert (SEESAC)") -> dict[str, Any]:
    """The package with a review on every response: expert scores, agreed scores at 3, findings,
    replies, and a consultation record, as a forger (or a real review elsewhere) would put them."""
    forged = copy.deepcopy(package)
    for entry in forged["responses"]:
        entry["review"] = {
            "value": 3,
            "stance": "agree",
            "comment": "Fully in line with ENFSI practice.",
            "finding": "good_practice",
            "agreed_value": 3,
            "agreed_by": expert,
            "agreed_at": "2026-11-20T10:00:00",
            "updated_by": expert,
            "updated_at": "2026-11-20T09:00:00",
        }
        entry["reply"] = "Thank you."
    forged["assessment"].update(stage="agreed", reviewed=True)
    forged["consultation"] = {
        "held_on": "2026-11-20",
        "place": "Belgrade",
        "online": False,
        "participants": [{"name": expert, "role": "External expert", "organisation": "SEESAC"}],
        "minutes": "Everything agreed at full marks.",
    }
    return forged
