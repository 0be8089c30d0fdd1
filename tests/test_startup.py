"""Start-up: every command, web worker and render process builds the app first, so nothing
expensive happens then. Libraries that only some actions need load when those actions run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from app.services.accounts import users
from tests.conftest import PASSWORD, text_of

ROOT = Path(__file__).resolve().parents[1]

#: Loaded when used, never at start: PDF rendering, spreadsheet export, password strength,
#: migrations, checklist files (YAML and their schema), sign-in throttling rules, QR codes,
#: package signatures.
LOADED_WHEN_USED = (
    "weasyprint",
    "openpyxl",
    "zxcvbn",
    "alembic",
    "flask_migrate",
    "jsonschema",
    "yaml",
    "limits",
    "segno",
    "cryptography",
)


def _in_a_fresh_process(tmp_path: Path, code: str) -> dict:
    """Run ``code`` in a new interpreter (this one has loaded everything) and read the JSON it prints."""
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_building_the_app_loads_none_of_the_libraries_used_later_and_hashes_no_password(tmp_path):
    found = _in_a_fresh_process(
        tmp_path,
        "import json, sys\n"
        "from app import create_app\n"
        "from app.services.accounts import users\n"
        "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'test-secret'})\n"
        f"print(json.dumps({{'loaded': sorted(m for m in {LOADED_WHEN_USED!r} if m in sys.modules),\n"
        "                    'dummy_hashes': users._dummy_hash.cache_info().currsize}))\n",
    )
    assert found == {"loaded": [], "dummy_hashes": 0}


def test_flask_help_lists_the_migration_commands_without_loading_alembic(tmp_path):
    found = _in_a_fresh_process(
        tmp_path,
        "import contextlib, io, json, sys\n"
        "from flask.cli import main\n"
        "sys.argv = ['flask', '--help']\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        "    main()\n"
        "print(json.dumps({'help': out.getvalue(), 'alembic': 'alembic' in sys.modules}))\n",
    )
    assert "db  " in found["help"] and "Perform database migrations." in found["help"]
    assert "init-db" in found["help"]
    assert found["alembic"] is False


def test_flask_db_is_flask_migrate_once_invoked(app, runner):
    help_text = runner.invoke(args=["db", "--help"]).output
    for command in ("upgrade", "downgrade", "current", "history", "check"):
        assert command in help_text
    assert "--directory" in help_text  # the group's own options, parsed by Flask-Migrate's group
    assert app.extensions["migrate"].directory.endswith("migrations")


def test_flask_db_upgrade_and_current_run_the_shipped_migrations(tmp_path):
    database = tmp_path / "scratch.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    app.instance_path = str(tmp_path / "instance")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        heads = db.session.scalars(text("SELECT version_num FROM alembic_version")).all()
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert len(heads) == 1
    assert runner.invoke(args=["db", "current"]).exit_code == 0


def test_an_unknown_email_is_checked_against_the_dummy_hash_made_once(client, make_user, post, monkeypatch):
    checked = []
    real_check = users.check_password_hash

    def check(stored_hash, password):
        checked.append(stored_hash)
        return real_check(stored_hash, password)

    monkeypatch.setattr(users, "check_password_hash", check)
    user = make_user("viewer")

    for _ in range(2):
        response = post("/login", {"email": "nobody@example.org", "password": PASSWORD})
        assert "Email or password is not right." in text_of(response)
    wrong = post("/login", {"email": user.email, "password": "not the password"})
    assert "Email or password is not right." in text_of(wrong)

    dummy = users._dummy_hash()
    assert checked == [dummy, dummy, user.password_hash]
    # Made by the same method and cost as the stored hashes, so a wrong email costs what a wrong password does.
    assert dummy.split("$")[0] == user.password_hash.split("$")[0]
    assert users._dummy_hash.cache_info().currsize == 1
