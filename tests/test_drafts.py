"""Draft PDFs: rendered once per state of the assessment, in a separate process, kept until it changes."""

from __future__ import annotations

import time
from concurrent.futures import Future

import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Unit, User
from app.services.assessment.assessments import create_assessment, score_sheet
from app.services.content.checklists import store_checklist
from app.services.reporting.drafts import draft_pdf
from tests.conftest import MINI, PASSWORD, csrf_token


@pytest.fixture
def file_app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "drafts",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'drafts.sqlite3'}",
            "REPORTS_DIR": str(tmp_path / "reports"),
        }
    )
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        db.create_all()
        checklist, text = load_checklist_file(MINI)
        store_checklist(checklist, text, MINI.name)
        unit = Unit(code="DRF", name="Draft unit", jurisdiction="J")
        user = User(
            email="head@drf.example", name="Head", role="unit_head", password_hash=generate_password_hash(PASSWORD)
        )
        user.units = [unit]
        db.session.add_all([unit, user])
        assessment = create_assessment(unit=unit, version=db.session.query(ChecklistVersion).one(), title="Draft")
        db.session.commit()
        app.config["DRAFT_ASSESSMENT"] = assessment.id
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _poll(client, url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(url)
        if response.status_code == 200:
            return response
        assert response.status_code == 202 and b"Preparing the draft report" in response.data
        time.sleep(0.5)
    pytest.fail("the draft was not rendered in time")


def test_a_draft_renders_in_the_background_once_and_again_only_after_a_change(file_app, tmp_path):
    client = file_app.test_client()
    token = csrf_token(client, file_app)
    client.post("/login", data={"email": "head@drf.example", "password": PASSWORD, "csrf_token": token})
    assessment_id = file_app.config["DRAFT_ASSESSMENT"]
    url = f"/assessments/{assessment_id}/report.pdf"
    first = client.get(url)
    assert first.status_code == 202  # the page is not held up by the render
    ready = _poll(client, url)
    assert ready.data.startswith(b"%PDF") and ready.mimetype == "application/pdf"
    again = client.get(url)  # served from the file kept: no new render (bench-load times draft PDFs)
    assert again.status_code == 200 and again.data == ready.data
    drafts = sorted(p.name for p in (tmp_path / "instance" / "drafts").glob("*.pdf"))
    assert len(drafts) == 2 and drafts[0] == drafts[1].replace(".pdf", "-reader.pdf")  # the reader's copy and the full
    saved = client.post(
        f"/assessments/{assessment_id}/responses/AAA-01",
        data={"AAA-01-score": "2", "AAA-01-version": "1", "AAA-01-csrf_token": csrf_token(client, file_app)},
    )
    assert saved.status_code == 302
    assert client.get(url).status_code == 202  # changed: a new draft is rendered
    changed = _poll(client, url)
    assert changed.data != ready.data
    assert len(list((tmp_path / "instance" / "drafts").glob("*.pdf"))) == 2  # the stale drafts are gone


class WaitingPool:
    """A render pool whose renders wait until the test starts them."""

    def __init__(self):
        self.submitted = []

    def submit(self, _fn, *args):
        future = Future()
        self.submitted.append((args[2], future))  # (assessment id, future)
        return future


def test_the_queue_holds_one_render_per_assessment_and_a_few_per_person(file_app, monkeypatch):
    from app.services.reporting import drafts

    pool = WaitingPool()
    monkeypatch.setattr(drafts, "_pool", lambda: pool)
    monkeypatch.setattr(drafts, "_pending", {})
    monkeypatch.setattr(drafts, "_asked_by", {})
    with file_app.app_context():
        first = db.session.get(Assessment, file_app.config["DRAFT_ASSESSMENT"])
        others = [
            create_assessment(unit=first.unit, version=first.checklist_version, title=f"Other {n}") for n in range(3)
        ]
        db.session.commit()

        def change(assessment, value):
            score_sheet(assessment).responses["AAA-01"].value = value
            db.session.commit()

        assert draft_pdf(first, person=1).pdf is None
        change(first, 1)
        draft_pdf(first, person=1)  # a newer state replaces the render still waiting
        assert [f.cancelled() for _a, f in pool.submitted] == [True, False]
        pool.submitted[1][1].set_running_or_notify_cancel()
        change(first, 2)
        draft_pdf(first, person=1)  # one is rendering: it finishes first, nothing more is queued
        assert len(pool.submitted) == 2
        assert not draft_pdf(others[0], person=1).busy and not draft_pdf(others[1], person=1).busy
        assert draft_pdf(others[2], person=1).busy  # three waiting for this person already
        assert not draft_pdf(others[2], person=2).busy  # someone else is not held up


def test_the_render_process_leaves_out_of_collection_only_while_it_renders(file_app, tmp_path, monkeypatch):
    """The app's objects are frozen during a draft render, and thawed after: the process renders again and again."""
    import gc

    from app.services.reporting import drafts, reports

    frozen_while_rendering = []

    def counting_render(assessment, **_kwargs):
        frozen_while_rendering.append(gc.get_freeze_count())
        return reports.RenderedReport(b"%PDF-full", "0" * 64, b"%PDF-reader")

    monkeypatch.setattr(reports, "render_report", counting_render)
    assessment_id = file_app.config["DRAFT_ASSESSMENT"]
    (tmp_path / "instance" / "drafts").mkdir(parents=True)
    for _ in range(2):
        drafts._render(drafts._child_config(file_app), file_app.instance_path, assessment_id, f"{assessment_id}-r1-x")
        assert gc.get_freeze_count() == 0
    assert len(frozen_while_rendering) == 2 and min(frozen_while_rendering) > 10_000
