"""People and units: creating them, signing in, and the first administrator."""

from __future__ import annotations

import re
import secrets
from functools import cache

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.jurisdictions import Profile
from app.domain.limits import LimitError, check_text, unit_code
from app.extensions import db
from app.models import ROLES, Unit, User
from app.services.accounts.audit import record

MIN_PASSWORD_LENGTH = 10


@cache
def _dummy_hash() -> str:
    """Compared against when the email is unknown, so a wrong email costs as long as a wrong password.

    Made by the same method as every stored hash, once per process at the first unknown email
    (not at import: a scrypt hash costs about 0.15 s of CPU, which every command and worker paid)."""
    return generate_password_hash(secrets.token_hex(8))


class UserError(Exception):
    """A user or unit cannot be created as asked; the message says why."""


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


#: Words a guesser tries first against this product's users: the field, the organisations,
#: "password" in the region's languages. With the person's own name and email they make a
#: password weaker in the strength estimate below.
CONTEXT_WORDS = (
    "csi", "sop", "enfsi", "seesac", "undp", "police", "policija", "policia", "polici", "forensic",
    "forenzika", "forenzicki", "kriminalistika", "crime", "scene", "uvidjaj", "password", "lozinka",
    "fjalekalim", "sifra", "admin", "administrator",
)  # fmt: skip
#: The strength estimator reads this many characters; longer passwords are strong by length.
_ESTIMATED_LENGTH = 64


def check_new_password(password: str, about: tuple[str, ...] = ()) -> None:
    """Refuse passwords too short, or easy to guess: common ones, keyboard walks, names and dates,
    this product's words and the person's own name and email (``about``). No composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            ngettext(
                "passwords need at least %(num)s character",
                "passwords need at least %(num)s characters",
                MIN_PASSWORD_LENGTH,
            )
        )
    from zxcvbn import zxcvbn  # its dictionaries take a while to load; only password changes need them

    hints = [*CONTEXT_WORDS, *(part for text in about for part in re.split(r"[\s@._-]+", text.lower()) if part)]
    estimate = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=hints)
    own_words = sum(
        len(match["token"]) for match in estimate["sequence"] if match.get("dictionary_name") == "user_inputs"
    )
    if estimate["score"] < 3 or own_words * 2 >= len(estimate["password"]):
        raise UserError(
            _(
                "This password is too easy to guess: it is common, or built from words like a name, "
                "the unit or the police. A phrase of three or four unrelated words is strong and easy to remember."
            )
        )


def create_unit(code: str, name: str, jurisdiction: str, profile: Profile | None = None) -> Unit:
    """Add a CSI unit; codes follow the one pattern and are unique.

    With a jurisdiction ``profile`` the unit belongs to it (its zone, currency, laws and
    applicability); the free-text ``jurisdiction`` then defaults to the profile's name.
    """
    name, jurisdiction = name.strip(), (jurisdiction or "").strip()
    if profile is not None and not jurisdiction:
        jurisdiction = profile.short_name
    try:
        code = unit_code(code)
        check_text(name, _("the unit's name"), "unit_name")
        check_text(jurisdiction, _("the jurisdiction"), "jurisdiction")
    except LimitError as exc:
        raise UserError(str(exc)) from None
    if not name or not jurisdiction:
        raise UserError(_("a unit needs a code, a name and a jurisdiction"))
    if db.session.scalar(select(Unit).where(Unit.code == code)):
        raise UserError(_("a unit with code %(code)s exists already", code=code))
    unit = Unit(code=code, name=name, jurisdiction=jurisdiction, jurisdiction_code=profile.code if profile else None)
    db.session.add(unit)
    db.session.flush()
    summary = f"{code} {name}" + (f" (jurisdiction profile {profile.code})" if profile else "")
    record("unit.created", object_type="unit", object_id=unit.id, unit_id=unit.id, summary=summary)
    db.session.commit()
    return unit


def set_unit_profile(unit: Unit, profile: Profile | None) -> Unit:
    """Give a unit a jurisdiction profile (None: take it away); audited, committed.

    Its pages and reports follow the new profile at once; assessments already started keep
    their answers (only a new assessment starts with the profile's N/A).
    """
    before = unit.jurisdiction_code
    unit.jurisdiction_code = profile.code if profile else None
    record(
        "unit.jurisdiction_set",
        object_type="unit",
        object_id=unit.id,
        unit_id=unit.id,
        summary=f"{unit.code}: jurisdiction profile {unit.jurisdiction_code or 'none'}",
        before={"jurisdiction_code": before},
        after={"jurisdiction_code": unit.jurisdiction_code},
    )
    db.session.commit()
    return unit


def create_user(
    email: str, password: str | None, role: str, name: str = "", units: list[Unit] | None = None
) -> tuple[User, str | None]:
    """Add a user (flushes; the caller commits); emails are unique.

    Without a ``password`` the user gets a temporary one, returned to be shown once and
    replaced at the first sign-in.
    """
    email = normalise_email(email)
    try:
        check_text(email, _("the email address"), "name")
        check_text(name, _("the name"), "name")
    except LimitError as exc:
        raise UserError(str(exc)) from None
    if "@" not in email:
        raise UserError(_("%(email)s is not an email address", email=repr(email)))
    if role not in ROLES:
        raise UserError(_("role must be one of %(roles)s", roles=", ".join(ROLES)))
    if db.session.scalar(select(User).where(User.email == email)):
        raise UserError(_("a user with email %(email)s exists already", email=email))
    temporary = None
    if password is None:
        password = temporary = secrets.token_urlsafe(12)
    else:
        check_new_password(password, about=(email, name))
    user = User(
        email=email,
        name=name.strip() or email.split("@")[0],
        role=role,
        password_hash=generate_password_hash(password),
        must_change_password=temporary is not None,
        units=list(units or []),
    )
    db.session.add(user)
    db.session.flush()
    record("user.created", object_type="user", object_id=user.id, summary=f"{email} ({role})")
    return user, temporary


def change_password(user: User, current: str, new: str) -> None:
    """Replace the user's password after checking the current one; ends the user's other sessions."""
    if not check_password_hash(user.password_hash, current):
        raise UserError(_("The current password is not right."))
    if current == new:
        raise UserError(_("Choose a password different from the current one."))
    set_password(user, new)


def set_password(user: User, password: str) -> None:
    """Give the user a password they chose (flushes); every session of theirs ends."""
    check_new_password(password, about=(user.email, user.name))
    user.password_hash = generate_password_hash(password)
    user.must_change_password = False
    user.end_sessions()
    db.session.flush()


def reset_password(user: User) -> str:
    """A temporary password, to be replaced at the next sign-in; every session ends. Shown once."""
    temporary = secrets.token_urlsafe(12)
    user.password_hash = generate_password_hash(temporary)
    user.must_change_password = True
    user.end_sessions()
    db.session.flush()
    return temporary


def set_active(user: User, active: bool) -> None:
    """Disable or enable an account, with its audit event; disabling ends its sessions."""
    user.active = active
    if not active:
        user.end_sessions()
    db.session.flush()
    record("user.enabled" if active else "user.disabled", object_type="user", object_id=user.id, summary=user.email)


def update_user(user: User, *, name: str, role: str, units: list[Unit]) -> tuple[dict, dict]:
    """Change name, role and units (flushes); a new role or units end the user's sessions.

    Returns what changed, before and after, for the audit trail.
    """
    if role not in ROLES:
        raise UserError(_("role must be one of %(roles)s", roles=", ".join(ROLES)))
    try:
        check_text(name.strip(), _("the name"), "name")
    except LimitError as exc:
        raise UserError(str(exc)) from None
    if not name.strip():
        raise UserError(_("a user needs a name"))
    before = {"name": user.name, "role": user.role, "units": sorted(u.code for u in user.units)}
    user.name, user.role, user.units = name.strip(), role, list(units)
    after = {"name": user.name, "role": user.role, "units": sorted(u.code for u in user.units)}
    if (before["role"], before["units"]) != (after["role"], after["units"]):
        user.end_sessions()
    db.session.flush()
    keys = [k for k in after if before[k] != after[k]]
    return {k: before[k] for k in keys}, {k: after[k] for k in keys}


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def bootstrap_admin(email: str = "admin@localhost") -> tuple[User, str] | None:
    """Create the first administrator with a random password when there are no users yet.

    Returns the user and the password (shown once, replaced at the first sign-in), or None
    when users exist: no installation has a default account with a known password.
    """
    if db.session.scalar(select(func.count(User.id))):
        return None
    user, password = create_user(email, None, "admin", name="Administrator")
    db.session.commit()
    return user, password
