"""Which requirements do not apply to a unit, decided from its jurisdiction profile.

A requirement may declare ``applies_when`` conditions on profile fields (for example
``interpol_direct_access: true``). A new assessment sets a requirement whose conditions the
profile contradicts to N/A, with a justification that starts with :data:`MARKER` so a reader
(and the save path) can tell it was set from the profile and not by a person. A profile that
does not say (a null field) never sets a requirement aside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.checklist import Requirement
from app.domain.jurisdictions import Profile

#: How a justification set from a profile starts: "[jurisdiction profile XK] ...".
MARKER = "[jurisdiction profile {code}]"
_MARKED = re.compile(r"^\[jurisdiction profile ([A-Z]{2}(?:-[A-Z0-9]{1,3})?)\]")


@dataclass(frozen=True)
class NotApplicable:
    """A requirement the profile sets aside, and the justification that says why."""

    requirement_id: str
    #: The profile fields whose values contradict the requirement's conditions.
    fields: tuple[str, ...]
    justification: str


def not_applying(requirements: Iterable[Requirement], profile: Profile | None) -> dict[str, NotApplicable]:
    """The requirements ``profile`` sets aside, by id; none without a profile."""
    if profile is None:
        return {}
    found = {}
    for requirement in requirements:
        decision = decide(requirement, profile)
        if decision is not None:
            found[requirement.id] = decision
    return found


def decide(requirement: Requirement, profile: Profile) -> NotApplicable | None:
    """None when the requirement applies under ``profile`` (or the profile does not say); else why not."""
    rule = requirement.applies_when
    if rule is None:
        return None
    failing = []
    for name, accepted in rule.conditions.items():
        actual = profile.field(name)
        if actual is not None and actual not in accepted:
            failing.append(name)
    if not failing:
        return None
    facts = " ".join(dict.fromkeys(profile.fact(name).strip() for name in failing))
    justification = f"{MARKER.format(code=profile.code)} {str(rule.reason).strip()} {facts}".strip()
    return NotApplicable(requirement.id, tuple(failing), justification)


def set_from_profile(justification: str | None) -> str | None:
    """The profile code when an N/A justification was set from a profile, else None."""
    found = _MARKED.match(justification or "")
    return found.group(1) if found else None
