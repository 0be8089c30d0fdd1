"""A regional programme: the units it works with, the people who run it, and its rounds.

A programme (for example "Western Balkans CSI SOP assessment") returns to its units round
after round (2026, 2027, ...); each assessment may belong to one round. Programme staff and
the experts assigned to a programme see the data of its units; the access rules are in
:mod:`app.services.assessment.access`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Unit, User

programme_units = Table(
    "programme_units",
    db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)

#: The programme's staff and the experts assigned to the whole programme.
programme_members = Table(
    "programme_members",
    db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(db.Model):
    """Units assessed together, round after round, by one body."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    units: Mapped[list[Unit]] = relationship(secondary=programme_units, order_by=Unit.code)
    members: Mapped[list[User]] = relationship(
        secondary=programme_members, back_populates="programmes", order_by=User.name
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="programme", order_by="Round.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Programme {self.name}>"


class Round(db.Model):
    """One pass of a programme over its units (for example "2026")."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("programme_id", "label", name="uq_rounds_programme_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="rounds")

    @property
    def name(self) -> str:
        """``Western Balkans CSI SOP assessment, round 2026``: how pages and reports name it."""
        return f"{self.programme.name}, round {self.label}"

    def __repr__(self) -> str:
        return f"<Round {self.programme_id}/{self.label}>"
