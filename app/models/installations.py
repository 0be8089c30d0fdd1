"""Other installations whose signed packages this one trusts (an administrator's list)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import User


class TrustedInstallation(db.Model):
    """An installation trusted here: the review a package signed with its key carries is kept, as reported by it."""

    __tablename__ = "trusted_installations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The id the installation names itself by in its packages (instance/installation_id there).
    installation_id: Mapped[str] = mapped_column(String(64), unique=True)
    #: What this installation calls it (its administrator's choice, never the package's).
    name: Mapped[str] = mapped_column(String(200))
    #: Its Ed25519 public key, base64 of the 32 bytes.
    public_key: Mapped[str] = mapped_column(String(44), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    added_by: Mapped[User | None] = relationship()
