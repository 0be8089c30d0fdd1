"""Failed sign-ins, counted where every worker sees them: the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class SignInFailure(db.Model):
    """One failed sign-in (a wrong password, or a wrong second-factor code), kept for a day.

    ``account`` is the email tried (or ``code:<user id>`` for a second-factor code);
    ``source`` is where it came from: ``device:<id>`` for a browser the account signed in
    from before, else ``address:<ip>``.
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_account_at", "account", "at"),
        Index("ix_sign_in_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    account: Mapped[str] = mapped_column(String(260))
    source: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
