"""A deployment where the application's database role cannot rewrite the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.extensions import db
from app.services.accounts.audit import record
from app.services.accounts.chain import verify_chain
from app.services.accounts.trail_protection import ProtectionError, grant_runtime_privileges
from tests.conftest import TEST_DATABASE_URL

ROLE = "csi_trail_test_app"
postgres_only = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"), reason="roles exist on PostgreSQL (make test-postgres)"
)


@pytest.fixture(scope="module")
def deployment():
    """A fresh database migrated by its owner with `flask init-db --app-role`; the application role's URL."""
    admin_url = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    database = "csi_trail_test"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {database}"))
        if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": ROLE}).scalar():
            connection.execute(text(f"DROP ROLE {ROLE}"))
        connection.execute(text(f"CREATE ROLE {ROLE} LOGIN"))
        connection.execute(text(f"CREATE DATABASE {database}"))
    owner_url = TEST_DATABASE_URL.rsplit("/", 1)[0] + f"/{database}"
    owner = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": owner_url})
    with owner.app_context():
        result = owner.test_cli_runner().invoke(args=["init-db", "--app-role", ROLE])
        assert result.exit_code == 0, result.output
        assert "Granted csi_trail_test_app" in result.output
        owner_warning = owner.test_cli_runner().invoke(args=["audit", "protection"]).output
        db.engine.dispose()
    yield owner_url.replace("//postgres@", f"//{ROLE}@"), owner_warning
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {database} WITH (FORCE)"))
        connection.execute(text(f"DROP ROLE {ROLE}"))
    admin.dispose()


@postgres_only
def test_the_application_role_adds_and_reads_events_but_cannot_change_or_remove_them(deployment):
    url, _owner_warning = deployment
    as_app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with as_app.app_context():
        record("test.event", email="someone@x.example", summary="written by the application")
        db.session.commit()
        assert verify_chain().intact
        for attack in (
            "DELETE FROM events",
            "UPDATE events SET summary = 'nothing happened'",
            "TRUNCATE events",
            "ALTER TABLE events DISABLE TRIGGER USER",
            "DROP TRIGGER events_no_change ON events",
        ):
            with pytest.raises(DBAPIError, match=r"permission denied|must be owner"), db.engine.begin() as c:
                c.execute(text(attack))
        assert (
            as_app.test_cli_runner()
            .invoke(args=["audit", "protection"])
            .output.startswith("The application's database role can read and add audit events")
        )
        db.session.remove()
        db.engine.dispose()


@postgres_only
def test_serving_as_the_owner_of_the_tables_is_warned(deployment):
    _url, owner_warning = deployment
    assert "WARNING: The application's database role owns the events table" in owner_warning


def test_sqlite_says_who_can_rewrite_the_trail(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["audit", "protection"])
        assert "WARNING: The audit trail is in a SQLite file" in result.output
        with pytest.raises(ProtectionError, match="roles exist on PostgreSQL only"):
            grant_runtime_privileges("anyone")
        assert app.test_cli_runner().invoke(args=["init-db", "--app-role", "x"]).exit_code == 1


@postgres_only
@pytest.mark.parametrize("role", ["Robert'); DROP TABLE events;--", "a b", ""])
def test_a_role_name_that_is_not_plain_is_refused(app, role):
    with pytest.raises(ProtectionError, match="not a plain PostgreSQL role name"):
        grant_runtime_privileges(role)
