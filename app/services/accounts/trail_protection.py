"""Who can rewrite the audit trail, and the database privileges that keep the application from it.

The chain (:mod:`app.services.accounts.chain`) shows tampering; privileges prevent it. On
PostgreSQL a role that owns the ``events`` table can disable its triggers and delete what it
likes, so the application should connect as a role that does not own the tables: a
migration role owns them and runs ``flask init-db``, and grants the application's role what
it needs and, on ``events``, only reading and adding (:func:`grant_runtime_privileges`).
SQLite has no roles: whoever can write the database file can rewrite the trail.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from app.extensions import db

#: A PostgreSQL role name as the grant accepts it (no quoting games).
_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class ProtectionError(Exception):
    """The privileges cannot be granted as asked; the message says why."""


def grant_runtime_privileges(role: str) -> list[str]:
    """Let ``role`` run the application, reading and adding audit events but never changing them.

    PostgreSQL only; run as the role that owns the tables (the one that runs the migrations).
    Returns the statements executed.
    """
    if db.engine.dialect.name != "postgresql":
        raise ProtectionError("roles exist on PostgreSQL only; with SQLite, protect the database file instead")
    if not _ROLE.fullmatch(role):
        raise ProtectionError(f"{role!r} is not a plain PostgreSQL role name (lower case letters, digits, _)")
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        # The trail: read and add, nothing more. The head of the chain moves with each event.
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON events FROM {role}",
    ]
    with db.engine.begin() as connection:
        if connection.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar():
            statements.append(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {role}")
        for statement in statements:
            connection.execute(text(statement))
    return statements


def trail_warnings() -> list[str]:
    """What could let the application's own database account rewrite the trail; empty when nothing."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        return [
            "The audit trail is in a SQLite file: anyone who can write the file can rewrite it. "
            "'flask audit verify' finds changed, removed and inserted events; keep the file readable "
            "by the application's account only, and keep issued reports (they print the chain head)."
        ]
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as connection:
        owns, can_change = connection.execute(
            text(
                "SELECT pg_get_userbyid(c.relowner) = current_user, "
                "has_table_privilege(current_user, 'events', 'DELETE') "
                "OR has_table_privilege(current_user, 'events', 'UPDATE') "
                "OR has_table_privilege(current_user, 'events', 'TRUNCATE') "
                "FROM pg_class c WHERE c.oid = 'events'::regclass"
            )
        ).one()
    if owns:
        return [
            "The application's database role owns the events table: it can disable the append-only "
            "triggers and rewrite the audit trail. Let a migration role own the tables and connect the "
            "application as another role (README, 'A database role that cannot rewrite the trail')."
        ]
    if can_change:
        return [
            "The application's database role may change or delete audit events: revoke UPDATE, DELETE and "
            "TRUNCATE on events ('flask init-db --app-role ROLE' as the owner does it)."
        ]
    return []
