"""Throttling failed sign-ins, across every worker, without locking the owner out.

Failures are counted in the database (every worker of ``make serve`` sees the same counts,
with no Redis needed), by three keys:

- the account *from one source* (``SIGNIN_LIMIT_PER_ACCOUNT``): a browser the account
  signed in from before (a signed cookie) is its own source, anything else its address;
- the address, across accounts (``SIGNIN_LIMIT_PER_ADDRESS``): one machine trying many;
- the account from every source but the browsers it signed in from before
  (``SIGNIN_CEILING_PER_ACCOUNT``, slower): guessing spread over many addresses.

So an attacker elsewhere, or behind the same NAT address, can fill their own counters but
never the owner's: the owner's browser is a source of its own, exempt from the other two.
Only failures count; a refused attempt is not checked, so it cannot be used to guess.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import Event, SignInFailure, User
from app.models.base import utcnow

if TYPE_CHECKING:
    import limits

#: Failures are forgotten after a day: no limit looks further back.
KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Attempt:
    """Who is trying to sign in, and from where."""

    account: str  # the email tried, normalised; or "code:<user id>" for a second-factor code
    address: str
    device: str | None = None  # a browser this account signed in from before, if the attempt comes from one

    @property
    def source(self) -> str:
        return f"device:{self.device}" if self.device else f"address:{self.address}"


def _rules(name: str) -> list[limits.RateLimitItem]:
    import limits  # its parser only; loaded at the first sign-in, not with every process

    return limits.parse_many(current_app.config[name])


def _wait(conditions, rules: list[limits.RateLimitItem], now: dt.datetime) -> int | None:
    """Seconds until the busiest rule allows another attempt, or None when none is full."""
    longest = None
    for rule in rules:
        window = dt.timedelta(seconds=rule.get_expiry())
        since = now - window
        recent = (
            select(SignInFailure.at).where(*conditions, SignInFailure.at >= since).order_by(SignInFailure.at.desc())
        )
        # The oldest of the last `amount` failures decides when the window has room again.
        times = list(db.session.scalars(recent.limit(rule.amount)))
        if len(times) >= rule.amount:
            seconds = int((times[-1] + window - now).total_seconds()) + 1
            longest = max(longest or 0, seconds)
    return longest


def refusal(attempt: Attempt, now: dt.datetime | None = None) -> int | None:
    """Seconds to wait before ``attempt`` may be made, or None when it may be made now."""
    now = now or utcnow()
    waits = [
        _wait(
            (SignInFailure.account == attempt.account, SignInFailure.source == attempt.source),
            _rules("SIGNIN_LIMIT_PER_ACCOUNT"),
            now,
        )
    ]
    if attempt.device is None:  # the owner's own browser is exempt from what others can fill
        waits.append(_wait((SignInFailure.address == attempt.address,), _rules("SIGNIN_LIMIT_PER_ADDRESS"), now))
        waits.append(
            _wait(
                (SignInFailure.account == attempt.account, SignInFailure.source.like("address:%")),
                _rules("SIGNIN_CEILING_PER_ACCOUNT"),
                now,
            )
        )
    found = [w for w in waits if w is not None]
    return max(found) if found else None


def failed(attempt: Attempt) -> None:
    """Count a failed attempt (and forget those older than a day)."""
    now = utcnow()
    db.session.execute(delete(SignInFailure).where(SignInFailure.at < now - KEEP))
    db.session.add(
        SignInFailure(at=now, account=attempt.account[:260], source=attempt.source[:80], address=attempt.address[:64])
    )


def failures_since_last_sign_in(user: User) -> tuple[int, Event | None]:
    """Failed sign-ins to ``user``'s account since they last signed in, and the latest of them.

    Read from the audit trail, which keeps them for good; call it before recording this sign-in.
    """
    last = db.session.scalar(select(func.max(Event.at)).where(Event.name == "auth.login", Event.user_id == user.id))
    query = select(Event).where(Event.name == "auth.login_failed", Event.user_email == user.email)
    if last is not None:
        query = query.where(Event.at > last)
    count = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    latest = db.session.scalar(query.order_by(Event.at.desc()).limit(1)) if count else None
    return count, latest


def account_tag(account: str) -> str:
    """How a known-device cookie names an account without carrying its email."""
    key = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{key}:{account}".encode()).hexdigest()[:20]


def new_device() -> str:
    """A fresh device id for a browser's known-device cookie."""
    return secrets.token_hex(12)
