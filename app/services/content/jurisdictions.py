"""The installation's jurisdiction profiles (checklists/jurisdictions/), read once per process."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app

from app.domain.jurisdictions import Profile, load_profiles
from app.models import Unit

_cache: dict[str, dict[str, Profile]] = {}
_lock = threading.Lock()


def profiles_dir() -> Path:
    """Where the profiles are: ``JURISDICTIONS_DIR``, else ``jurisdictions/`` beside the checklists."""
    configured = current_app.config.get("JURISDICTIONS_DIR")
    return Path(configured) if configured else Path(current_app.config["CHECKLISTS_DIR"]) / "jurisdictions"


def profiles() -> dict[str, Profile]:
    """Every profile by code (raises ProfileInvalid, naming file and line, when one is wrong)."""
    key = str(profiles_dir())
    found = _cache.get(key)
    if found is None:
        found = load_profiles(key) if Path(key).is_dir() else {}
        with _lock:
            _cache[key] = found
    return found


def profile(code: str | None) -> Profile | None:
    """The profile with this code, if there is one."""
    return profiles().get(code) if code else None


def profile_of(unit: Unit | None) -> Profile | None:
    """The unit's profile; None for a unit without one (its free-text jurisdiction stands)."""
    return profile(unit.jurisdiction_code) if unit is not None else None


def profile_choices() -> list[tuple[str, str]]:
    """(code, "CODE: name") for a form's list, entities after their state."""
    return [(code, f"{code}: {p.printed_name}") for code, p in profiles().items()]
