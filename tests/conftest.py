"""Fixtures: a fresh app and database per test, factories, sign-in and CSRF helpers."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from html import unescape
from pathlib import Path

import pytest
from flask import g
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.routing.rules import Rule
from werkzeug.security import generate_password_hash

from app import create_app
from app.domain.loader import load_checklist_file
from app.domain.workflow import Move
from app.extensions import db
from app.models import (
    Assessment,
    ChecklistRequirement,
    ChecklistVersion,
    Programme,
    Response,
    Round,
    Sop,
    Unit,
    User,
)
from app.services.assessment.assessments import create_assessment, record_scores, score_sheet
from app.services.assessment.workflow import move as workflow_move
from app.services.content.checklists import store_checklist
from tests.catalogue_files import use_catalogues, write_catalogue

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
PASSWORD = "correct horse battery staple"
# Hashing is slow on purpose; hash the shared test password once.
PASSWORD_HASH = generate_password_hash(PASSWORD)


def _database_of_this_worker(url: str) -> str:
    """The test database: with pytest-xdist's workers on PostgreSQL, one database each (test_gw0,
    test_gw1, ...: every test drops and creates the tables), made when missing."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    shared = make_url(url)
    name = f"{shared.database}_{worker}"
    admin = create_engine(shared.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return shared.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = _database_of_this_worker(os.environ.get("TEST_DATABASE_URL", "sqlite://"))


# --- a fresh app per test, quickly ---------------------------------------------------------
#
# Each test builds its own app and database: about 2,000 of them in a run. Two things made that
# cost a tenth of a second per test, a third of `make test`:
#
# - Werkzeug compiles two URL builder functions for each of the app's 90 rules (Python source
#   generated, parsed and compiled), again for every app. The generated function reads the rule
#   it is bound to only through its first argument, so the same code serves every app: it is
#   kept here by what it is generated from (the rule's parsed parts and defaults).
# - Creating the schema (tables, indexes, the audit trail's triggers) on an in-memory SQLite
#   database: the first test's schema is kept in a template database and copied into each new
#   one with SQLite's backup API. On PostgreSQL the tables are dropped and created as before.

_compile_builder = Rule._compile_builder
_builders: dict[tuple, object] = {}


def _kept_builder(rule: Rule, append_unknown: bool = True):
    defaults = tuple(sorted((key, repr(value)) for key, value in (rule.defaults or {}).items()))
    key = (rule.rule, tuple(rule._trace), defaults, append_unknown)
    if key not in _builders:
        _builders[key] = _compile_builder(rule, append_unknown)
    return _builders[key]


Rule._compile_builder = _kept_builder

_schema_template: list[sqlite3.Connection] = []


def _create_schema() -> None:
    """The app's tables in its (empty) database: copied from the first test's on in-memory SQLite."""
    if TEST_DATABASE_URL != "sqlite://":
        db.drop_all()
        db.create_all()
        return
    if not _schema_template:
        db.create_all()
    connection = db.engine.raw_connection()  # the one connection of an in-memory database
    try:
        if _schema_template:
            _schema_template[0].backup(connection.driver_connection)
        else:
            template = sqlite3.connect(":memory:", check_same_thread=False)
            connection.driver_connection.backup(template)
            _schema_template.append(template)
    finally:
        connection.close()


@pytest.fixture
def app(tmp_path):
    """The application with an empty database of its own."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "REPORTS_DIR": str(tmp_path / "reports"),
            # Drafts render in the request here, so that tests see the PDF at once
            # (tests/test_drafts.py covers the background render).
            "DRAFTS_IN_BACKGROUND": False,
            # Administrators and experts sign in with a password alone here; the second factor
            # has tests of its own (tests/test_second_factor.py) with the shipped setting.
            "MFA_REQUIRED_ROLES": (),
        }
    )
    app.instance_path = str(tmp_path / "instance")  # drafts and other files stay out of the checkout

    def _fresh_user_per_request():
        # The test keeps one app context open, so g outlives a request here; in production
        # each request loads its user afresh. Do the same in tests, before anything else
        # looks at the user (the sign-in guard runs as a before_request function too), and
        # read the user from the database, not from the session's identity map.
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)  # the request's language, decided afresh as in production
        db.session.expire_all()

    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_user_per_request)

    with app.app_context():
        _create_schema()
        yield app
        db.session.remove()
        if TEST_DATABASE_URL != "sqlite://":  # an in-memory database goes with its connection
            db.drop_all()
        db.engine.dispose()  # close pooled connections now, not when garbage collected


@pytest.fixture(scope="session")
def shipped_validation(tmp_path_factory):
    """What ``flask checklists validate`` says of everything shipped (checklists, overlays, profiles):
    run once per run, for the tests that read different lines of it (it takes seconds)."""
    folder = tmp_path_factory.mktemp("validate")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.instance_path = str(folder / "instance")
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["checklists", "validate"])
        db.session.remove()
        db.engine.dispose()
    return result


# --- the demo, built once per run ---------------------------------------------------------


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """A SQLite file holding the demo (the shipped checklists, the demo unit, its people and its
    consultation), built once per run: building it takes seconds. Use ``demo_app``, which copies it."""
    from app.services.demo.demo import make_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        make_demo()
        for user in db.session.scalars(select(User)):
            user.password_hash = PASSWORD_HASH  # every demo person signs in with the tests' password
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return path


def demo_app(demo_database: Path, folder: Path, **config):
    """An app on a copy of the demo database in ``folder``: change it as you like."""
    copy = folder / "demo.sqlite3"
    shutil.copyfile(demo_database, copy)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}",
            "REPORTS_DIR": str(folder / "reports"),
            "MFA_REQUIRED_ROLES": (),
            **config,
        }
    )
    app.instance_path = str(folder / "instance")
    return app


def demo_assessment_id() -> int:
    """The demo consultation's id (in an app context of a demo copy)."""
    from app.services.demo.demo import DEMO_TITLE

    return db.session.scalar(select(Assessment.id).where(Assessment.title == DEMO_TITLE))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------------------


@pytest.fixture
def make_unit(app):
    def make(code="U1", name=None, jurisdiction="Testland") -> Unit:
        unit = Unit(code=code, name=name or f"Unit {code}", jurisdiction=jurisdiction)
        db.session.add(unit)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def make_user(app):
    def make(role="unit_head", units=(), email=None, name=None, active=True) -> User:
        email = email or f"{role}-{len(db.session.query(User).all())}@example.org"
        user = User(
            email=email,
            name=name or role.replace("_", " ").title(),
            role=role,
            password_hash=PASSWORD_HASH,
            active=active,
        )
        user.units = list(units)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_programme(app):
    """A regional programme with units, people (staff or experts) and rounds (labels)."""

    def make(name="Western Balkans", units=(), members=(), rounds=("2026",)) -> Programme:
        programme = Programme(name=name, units=list(units), members=list(members))
        programme.rounds = [Round(label=label) for label in rounds]
        db.session.add(programme)
        db.session.commit()
        return programme

    return make


@pytest.fixture
def mini_version(app) -> ChecklistVersion:
    """The small test checklist, stored."""
    checklist, text = load_checklist_file(MINI)
    store_checklist(checklist, text, MINI.name)
    return db.session.query(ChecklistVersion).one()


@pytest.fixture
def make_assessment(app, mini_version):
    def make(unit: Unit, modules=("firearms",), title="Test assessment", version=None, scope="onsite") -> Assessment:
        assessment = create_assessment(
            unit=unit, version=version or mini_version, title=title, modules=modules, scope=scope
        )
        db.session.commit()
        return assessment

    return make


def move_to(assessment: Assessment, move: Move | str, user: User) -> Assessment:
    """Make a stage move as ``user`` (through the one workflow service) and commit."""
    workflow_move(score_sheet(assessment), Move(move), user)
    db.session.commit()
    return assessment


def finalise(assessment: Assessment, user: User) -> Assessment:
    """Finalise a self-assessment (an internal check) as ``user``."""
    return move_to(assessment, Move.FINALISE, user)


def answer_the_rest(assessment: Assessment, value: int = 3) -> Assessment:
    """Score every requirement nobody answered yet at ``value`` (3: no gap), so the stage guards let it pass."""
    sheet = score_sheet(assessment)
    for response in sheet.responses.values():
        if response.value is None and not (response.not_applicable or response.not_evidenced):
            response.value, response.basis = value, "sop_text"
    sheet.refresh()
    record_scores(assessment, sheet.result)
    db.session.commit()
    return assessment


@pytest.fixture
def make_sop(app):
    def make(unit: Unit, code="SOP-01", title="Scene work", version="1.0") -> Sop:
        sop = Sop(unit=unit, code=code, title=title, version=version)
        db.session.add(sop)
        db.session.commit()
        return sop

    return make


# --- HTTP helpers ------------------------------------------------------------------------


def csrf_token(client, app) -> str:
    """A valid CSRF token for this client's session (as Flask-WTF would sign it)."""
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", "0123456789abcdef0123456789abcdef01234567")
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture
def post(client, app):
    """POST form data with a valid CSRF token (also under a prefix, for per-requirement forms)."""

    def send(url, data=None, prefix=None, **kwargs):
        data = dict(data or {})
        token = csrf_token(client, app)
        data.setdefault("csrf_token", token)
        if prefix:
            data.setdefault(f"{prefix}-csrf_token", token)
        return client.post(url, data=data, **kwargs)

    return send


@pytest.fixture
def login(client, post):
    """Sign a user in through the real form."""

    def sign_in(user: User):
        response = post("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


def stored_response(assessment_id: int, requirement_id: str) -> Response | None:
    """The response to a requirement as stored now (nothing cached)."""
    db.session.expire_all()
    return db.session.scalar(
        select(Response)
        .join(ChecklistRequirement)
        .where(Response.assessment_id == assessment_id, ChecklistRequirement.code == requirement_id)
    )


def response_of(assessment: Assessment, code: str) -> Response | None:
    """The stored response to requirement ``code`` of ``assessment``."""
    return stored_response(assessment.id, code)


def current_version(assessment_id: int, requirement_id: str, layer: str = "self") -> int | None:
    """The stored version of a card's layer, as the form carries it."""
    response = stored_response(assessment_id, requirement_id)
    if response is None:
        return None
    if layer == "review":
        return response.review.version if response.review else None
    return response.version


#: Short names tests use for the self-assessment form's citation rows.
CITATION_FIELDS = {"sop_id": "citations-0-sop_id", "sop_section": "citations-0-section"}


def _layer_post(post, kind: str, prefix_suffix: str, layer: str):
    def send(assessment_id: int, requirement_id: str, json=False, **fields):
        prefix = requirement_id + prefix_suffix
        if "version" not in fields:
            fields["version"] = current_version(assessment_id, requirement_id, layer)
        data = {
            f"{prefix}-{CITATION_FIELDS.get(name, name)}": "" if value is None else str(value)
            for name, value in fields.items()
        }
        headers = {"Accept": "application/json"} if json else {}
        return post(f"/assessments/{assessment_id}/{kind}/{requirement_id}", data, prefix=prefix, headers=headers)

    return send


@pytest.fixture
def save_response(post):
    """Post one requirement's self-assessment as the card's form does (with the stored version unless given)."""
    return _layer_post(post, "responses", "", "self")


@pytest.fixture
def save_review(post):
    """Post the expert's review of one requirement as the card's form does."""
    return _layer_post(post, "reviews", "-rv", "review")


@pytest.fixture
def save_reply(post):
    """Post the unit's reply (or dissent) on one requirement as the card's form does."""
    return _layer_post(post, "replies", "-re", "self")


def text_of(response) -> str:
    """The visible text of an HTML response, tags removed and spaces collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def catalogues(app, tmp_path):
    """Small message catalogues the app reads instead of the real ones: ``catalogues(code, {msgid: msgstr})``."""
    root = tmp_path / "translations"
    root.mkdir()
    use_catalogues(app, root)

    def add(code, messages, **header):
        path = write_catalogue(root, code, messages, **header)
        use_catalogues(app, root)
        return path

    return add
