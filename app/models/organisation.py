"""Units, their people and their SOP register."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from app.models.programmes import Programme

from app.extensions import db
from app.models.base import utcnow

ROLES = ("admin", "expert", "programme_staff", "unit_head", "assessor", "viewer")
#: Roles that may belong to a programme (and so see the data of all its units).
PROGRAMME_ROLES = ("expert", "programme_staff")

user_units = Table(
    "user_units",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(db.Model):
    """A CSI unit of one jurisdiction."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str] = mapped_column(String(120))
    #: The jurisdiction profile it belongs to (checklists/jurisdictions/<code>.yaml): its zone,
    #: currency, laws and how the region names it. None: no profile chosen yet.
    jurisdiction_code: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    sops: Mapped[list[Sop]] = relationship(back_populates="unit", order_by="Sop.code", cascade="all, delete-orphan")
    members: Mapped[list[User]] = relationship(secondary=user_units, back_populates="units", order_by="User.name")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class User(UserMixin, db.Model):
    """A person who signs in: admin, expert, unit head, assessor or viewer."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Part of every session cookie: a new token ends all of the user's sessions at once
    #: (sign-out, password change or reset, disabling, a change of role or units).
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    #: Set by a reset: the temporary password must be replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: The second factor: the authenticator's secret (base32), set once a first code confirmed it.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[dt.datetime | None]
    #: The last 30-second step a code was taken for: one code never signs in twice.
    totp_last_step: Mapped[int | None]
    #: SHA-256 of each recovery code not used yet.
    recovery_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The language the person chose for the interface (a code of LANGUAGES); None: the browser's.
    language: Mapped[str | None] = mapped_column(String(10))

    units: Mapped[list[Unit]] = relationship(secondary=user_units, back_populates="members", order_by="Unit.code")
    #: The programmes this user runs (staff) or is assigned to as an expert.
    programmes: Mapped[list[Programme]] = relationship(
        secondary="programme_members", back_populates="members", order_by="Programme.name"
    )

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What the session keeps: the id and the current session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def has_second_factor(self) -> bool:
        """True once an authenticator is set up and confirmed."""
        return self.totp_secret is not None and self.totp_confirmed_at is not None

    def end_sessions(self) -> None:
        """Make every session of this user invalid (the caller may sign the current one in again)."""
        self.session_token = secrets.token_hex(16)

    @property
    def unit_ids(self) -> frozenset[int]:
        """Ids of the units this user belongs to or is assigned to, directly or through a programme."""
        own = frozenset(unit.id for unit in self.units)
        if self.role not in PROGRAMME_ROLES:
            return own
        return own | frozenset(unit.id for programme in self.programmes for unit in programme.units)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Sop(db.Model):
    """One entry of a unit's SOP register: a procedure document at a version."""

    __tablename__ = "sops"
    __table_args__ = (UniqueConstraint("unit_id", "code", name="uq_sops_unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[dt.date | None]
    notes: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship(back_populates="sops")

    @property
    def label(self) -> str:
        """``SOP-03 v2.1``: how the SOP is named in responses and reports."""
        return f"{self.code} v{self.version}"
