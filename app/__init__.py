"""CSI SOP compliance: score a unit's SOPs against ENFSI-aligned checklists and report the gaps."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import DEFAULTS, REPOSITORY_ROOT, from_environment, instance_secret_key
from app.extensions import babel, csrf, db, login_manager


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: defaults, then instance/config.py and the environment, or ``test_config``."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("INSTANCE_PATH") or None,
        template_folder=str(REPOSITORY_ROOT / "templates"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'csi.sqlite3'}"
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(from_environment())
    else:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)

    # Compiled templates survive restarts: the report template is large, and commands
    # such as `flask report render` run in a fresh process each time.
    cache = Path(app.instance_path) / "template-cache"
    cache.mkdir(exist_ok=True)
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(cache))

    db.init_app(app)
    from app.cli.migrations import init_migrations

    init_migrations(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    if app.config.get("PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    from app.web.sessions import SessionsOverHttps

    app.session_interface = SessionsOverHttps()

    from app.web.i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    from app.services.catalogues import install as install_catalogues

    install_catalogues(app)

    from app import models  # noqa: F401  (register the tables)
    from app.cli import register_commands
    from app.services.formatting import register_formatting
    from app.web import register_web

    register_formatting(app)
    register_web(app)
    register_commands(app)
    _configure_logging(app)
    return app


#: How long a SQLite writer waits for another's lock before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 10_000


@event.listens_for(Engine, "connect")
def _sqlite_settings(dbapi_connection, _record) -> None:
    """Per SQLite connection: enforce foreign keys; let readers and a writer work at once.

    Write-ahead logging lets pages be read while someone saves; the busy timeout makes a
    second writer wait its turn instead of failing with "database is locked".
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _configure_logging(app: Flask) -> None:
    """Log to stderr once, in production only; Flask's default covers debug and tests."""
    if app.debug or app.testing:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.INFO)
