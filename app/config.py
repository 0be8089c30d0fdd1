"""Configuration: defaults, then ``instance/config.py``, then the environment."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from app.domain.languages import CODES

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,  # a long scoring session must not lose its work to an expired token
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Belgrade",
    #: The interface's languages (app/domain/languages.py), offered in this order.
    "LANGUAGES": list(CODES),
    "CHECKLISTS_DIR": str(REPOSITORY_ROOT / "checklists"),
    "REPORTS_DIR": str(REPOSITORY_ROOT / "reports"),
    #: Where imported SOP originals are filed, once each (None: ``sops/`` in the instance folder).
    "SOPS_DIR": None,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    #: How this installation names itself in the packages it exports (default: "installation" and its id;
    #: never the server's host name, which says where the server is).
    "INSTALLATION_NAME": None,
    # Failed sign-ins, counted in the database (app.services.accounts.sign_in_throttle): per account
    # from one source (a browser it signed in from before, else an address), per address, and
    # per account from every address (slower; the account's own browsers are exempt).
    "SIGNIN_LIMIT_PER_ACCOUNT": "5 per 5 minutes;20 per hour",
    "SIGNIN_LIMIT_PER_ADDRESS": "30 per 10 minutes",
    "SIGNIN_CEILING_PER_ACCOUNT": "60 per hour;200 per day",
    #: A session ends after this long without a request (autosave counts), and this long after sign-in.
    "SESSION_IDLE_MINUTES": 60,
    "SESSION_MAX_HOURS": 12,
    #: Behind a reverse proxy: how many proxies set X-Forwarded-For and X-Forwarded-Proto.
    "PROXIES": 0,
    #: What the cost bands of actions mean here: a currency (ISO 4217 code) and, for each band,
    #: its range in that currency, from and to (None: no upper end). Plans and reports print
    #: the bands and the totals of actions with them; set both in instance/config.py.
    "COST_CURRENCY": "EUR",
    "COST_BAND_RANGES": {"none": (0, 0), "low": (0, 5_000), "medium": (5_000, 50_000), "high": (50_000, None)},
    #: Ranges in other currencies, by ISO 4217 code ({"RSD": {"none": (0, 0), "low": ...}}): a unit whose
    #: jurisdiction profile has such a currency sees its costs in it; a unit whose currency has none
    #: set sees COST_CURRENCY (amounts are never converted).
    "COST_BAND_RANGES_BY_CURRENCY": {},
    #: Where the jurisdiction profiles are (None: checklists/jurisdictions).
    "JURISDICTIONS_DIR": None,
    #: Roles that must sign in with a second factor (an authenticator app's code); others may.
    "MFA_REQUIRED_ROLES": ("admin", "expert", "programme_staff"),
    #: Changing roles and issuing a report ask for a code again when the last was longer ago.
    "MFA_STEP_UP_MINUTES": 15,
    #: How this installation names itself in authenticator apps.
    "MFA_ISSUER": "CSI SOP compliance",
    #: The licence of a round's data set (flask export dataset, the round page): an id such as
    #: "CC-BY-4.0", "CC0-1.0", "ODC-BY-1.0", or a Frictionless licence {"name", "path", "title"}.
    "DATASET_LICENCE": "CC-BY-4.0",
}


def database_url(raw: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def from_environment() -> dict:
    """Settings taken from environment variables, when they are set."""
    settings = {}
    if os.environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = database_url(os.environ["DATABASE_URL"])
    if os.environ.get("PROXIES"):
        settings["PROXIES"] = int(os.environ["PROXIES"])
    if os.environ.get("INSTALLATION_NAME"):
        settings["INSTALLATION_NAME"] = os.environ["INSTALLATION_NAME"]
    if "MFA_REQUIRED_ROLES" in os.environ:  # empty: no role must (a test or demo installation)
        settings["MFA_REQUIRED_ROLES"] = tuple(
            r.strip() for r in os.environ["MFA_REQUIRED_ROLES"].split(",") if r.strip()
        )
    if os.environ.get("REPORTS_DIR"):
        settings["REPORTS_DIR"] = os.environ["REPORTS_DIR"]
    if os.environ.get("SOPS_DIR"):
        settings["SOPS_DIR"] = os.environ["SOPS_DIR"]
    return settings


def instance_secret_key(instance_path: str) -> str:
    """The installation's secret key, generated into the instance folder on first use."""
    return _instance_value(instance_path, "secret_key", lambda: secrets.token_hex(32))


def installation_id(instance_path: str) -> str:
    """A random id naming this installation in the packages it exports, made on first use."""
    return _instance_value(instance_path, "installation_id", lambda: secrets.token_hex(8))


def installation_signing_seed(instance_path: str) -> str:
    """The seed of this installation's Ed25519 key, which signs the packages it exports, made on first use."""
    return _instance_value(instance_path, "installation_key", lambda: secrets.token_hex(32))


def _instance_value(instance_path: str, name: str, make) -> str:
    """The value kept in the instance folder under ``name``, made by ``make`` on first use.

    Gunicorn's workers start together and may all find it missing: each writes its own to a file of
    its own, and only the first linked under ``name`` counts (the others read that one). A file
    appears under ``name`` whole, so no process reads one half-written, as an empty secret key
    (every sign-in of that worker refused) or an empty signing seed (every export refused).
    """
    path = Path(instance_path) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = make()
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-")  # readable by the owner alone
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key)
        os.link(draft, path)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    finally:
        os.unlink(draft)
    return key
