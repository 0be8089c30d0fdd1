"""Saves of different cards never refuse each other; moves still win over saves made after them.

Each save writes its own card and, on the assessment, one UPDATE that checks the stage and
marks the kept figures stale without touching the assessment's version. These tests run the
app on a database that threads really share (a file, or PostgreSQL with TEST_DATABASE_URL).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from werkzeug.security import generate_password_hash

from app import create_app
from app.domain.loader import load_checklist_file
from app.domain.workflow import Move, Stage
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Unit, User
from app.services.assessment import assessments as assessments_service
from app.services.assessment.assessments import create_assessment, ensure_scores, results_of, score_sheet
from app.services.assessment.workflow import MoveRefused, move
from app.services.content.checklists import store_checklist
from tests.conftest import MINI, PASSWORD, TEST_DATABASE_URL, answer_the_rest, csrf_token, stored_response

CARDS = ("AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02", "FFF-01", "FFF-02")
ROUNDS = 4
JSON = {"Accept": "application/json"}


@pytest.fixture
def crowd(tmp_path):
    """An app on a shared database, one assessment, a unit head and an assessor per card."""
    url = TEST_DATABASE_URL if TEST_DATABASE_URL.startswith("postgresql") else f"sqlite:///{tmp_path / 'crowd.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "crowd", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        checklist, text = load_checklist_file(MINI)
        store_checklist(checklist, text, MINI.name)
        unit = Unit(code="CROWD", name="Crowd unit", jurisdiction="J")
        db.session.add(unit)
        people = [("head@crowd.example", "unit_head")] + [
            (f"p{n}@crowd.example", "assessor") for n in range(len(CARDS))
        ]
        for email, role in people:
            user = User(
                email=email, name=email.split("@")[0], role=role, password_hash=generate_password_hash(PASSWORD)
            )
            user.units = [unit]
            db.session.add(user)
        assessment = create_assessment(
            unit=unit, version=db.session.query(ChecklistVersion).one(), title="Crowd", modules=["firearms"]
        )
        db.session.commit()
        app.config["CROWD_ASSESSMENT"] = assessment.id
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _client(app, email: str):
    client = app.test_client()
    token = csrf_token(client, app)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client, csrf_token(client, app)


def _save(app, person, code: str, score: str, version: int | None = None):
    """Post one card's self-assessment as autosave does; the stored version unless given."""
    client, token = person
    assessment_id = app.config["CROWD_ASSESSMENT"]
    if version is None:
        with app.app_context():
            version = stored_response(assessment_id, code).version
    data = {f"{code}-score": score, f"{code}-version": str(version), f"{code}-csrf_token": token}
    return client.post(f"/assessments/{assessment_id}/responses/{code}", data=data, headers=JSON)


def _elsewhere(work) -> None:
    """Run ``work`` as another person's request would: its own thread, its own database session."""
    failures = []

    def run():
        try:
            work()
        except Exception as exc:  # surfaced in the test's own thread
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def _kept(app) -> Assessment:
    db.session.expire_all()
    return db.session.get(Assessment, app.config["CROWD_ASSESSMENT"])


def test_people_saving_different_cards_at_the_same_moment_never_refuse_each_other(crowd):
    people = [_client(crowd, f"p{n}@crowd.example") for n in range(len(CARDS))]
    with crowd.app_context():
        version_before = _kept(crowd).version
    for round_ in range(ROUNDS):
        barrier = threading.Barrier(len(CARDS))
        statuses: dict[str, int] = {}
        with crowd.app_context():
            versions = {code: stored_response(crowd.config["CROWD_ASSESSMENT"], code).version for code in CARDS}

        def save(n, barrier=barrier, statuses=statuses, versions=versions, round_=round_):
            code = CARDS[n]
            barrier.wait()
            statuses[code] = _save(crowd, people[n], code, str((round_ + n) % 4), versions[code]).status_code

        threads = [threading.Thread(target=save, args=(n,)) for n in range(len(CARDS))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == dict.fromkeys(CARDS, 200), (round_, statuses)
    with crowd.app_context():
        assessment_id = crowd.config["CROWD_ASSESSMENT"]
        stored = {code: stored_response(assessment_id, code).value for code in CARDS}
        assert stored == {code: (ROUNDS - 1 + n) % 4 for n, code in enumerate(CARDS)}
        kept = _kept(crowd)
        assert kept.version == version_before  # saves leave the assessment's own version alone
        ensure_scores([kept])  # as the dashboard reads them: kept by the last save, or recomputed
        fresh = results_of([kept])[kept.id].overall
        assert (kept.score, kept.answered) == (pytest.approx(fresh.score), fresh.answered)
        assert _kept(crowd).scored_at is not None  # kept for the next reader


def test_a_move_is_not_refused_because_someone_saved_a_card_meanwhile(crowd):
    person = _client(crowd, "p0@crowd.example")
    with crowd.app_context():
        head = db.session.scalar(select(User).where(User.email == "head@crowd.example"))
        sheet = score_sheet(db.session.get(Assessment, crowd.config["CROWD_ASSESSMENT"]))  # the head's page
        _elsewhere(lambda: _assert_status(_save(crowd, person, "AAA-01", "2"), 200))
        assert move(sheet, Move.FINALISE, head) is Stage.FINALISED
        db.session.commit()
        assert _kept(crowd).stage == Stage.FINALISED
        assert stored_response(crowd.config["CROWD_ASSESSMENT"], "AAA-01").value == 2


def test_a_move_decides_on_what_was_saved_since_its_page_was_read(crowd):
    """A card emptied after the head's page was read keeps the submission back: the move reads it again."""
    person = _client(crowd, "p0@crowd.example")
    with crowd.app_context():
        head = db.session.scalar(select(User).where(User.email == "head@crowd.example"))
        answer_the_rest(db.session.get(Assessment, crowd.config["CROWD_ASSESSMENT"]))
        sheet = score_sheet(db.session.get(Assessment, crowd.config["CROWD_ASSESSMENT"]))
        _elsewhere(lambda: _assert_status(_save(crowd, person, "AAA-02", ""), 200))  # emptied
        with pytest.raises(MoveRefused, match="AAA-02"):
            move(sheet, Move.SUBMIT, head)
        db.session.rollback()
        assert _kept(crowd).stage == Stage.SELF_ASSESSMENT


def test_two_people_moving_the_stage_at_once_still_get_the_conflict_message(crowd):
    head = _client(crowd, "head@crowd.example")
    with crowd.app_context():
        user = db.session.scalar(select(User).where(User.email == "head@crowd.example"))
        sheet = score_sheet(db.session.get(Assessment, crowd.config["CROWD_ASSESSMENT"]))

        def finalise_elsewhere():
            client, token = head
            url = f"/assessments/{crowd.config['CROWD_ASSESSMENT']}/move/finalise"
            assert client.post(url, data={"csrf_token": token, "confirm": "yes"}).status_code in (302, 303)

        _elsewhere(finalise_elsewhere)
        with pytest.raises(MoveRefused, match="at that moment"):
            move(sheet, Move.FINALISE, user)
        db.session.rollback()


def test_a_save_whose_assessment_moves_on_before_it_is_written_is_refused_with_the_stage_message(crowd, monkeypatch):
    """The stage is checked again in the save's own UPDATE: a move landing after the save read
    the page's stage, and before it wrote, wins, and nothing of the save is stored."""
    from app.services.assessment import responses

    person = _client(crowd, "p0@crowd.example")
    real_check = responses.check_response

    def finalise_meanwhile(sheet, data):
        def finalise():
            with crowd.app_context():
                head = db.session.scalar(select(User).where(User.email == "head@crowd.example"))
                move(score_sheet(db.session.get(Assessment, crowd.config["CROWD_ASSESSMENT"])), Move.FINALISE, head)
                db.session.commit()

        _elsewhere(finalise)
        return real_check(sheet, data)

    monkeypatch.setattr(responses, "check_response", finalise_meanwhile)
    answer = _save(crowd, person, "AAA-03", "3")
    body = answer.get_json()
    assert (answer.status_code, body["error"]) == (409, "stage_moved"), body
    assert "finalised" in body["message"] and "Your input is kept" in body["message"]
    monkeypatch.setattr(responses, "check_response", real_check)
    with crowd.app_context():
        assert stored_response(crowd.config["CROWD_ASSESSMENT"], "AAA-03").value is None
        assert _kept(crowd).stage == Stage.FINALISED
    later = _save(crowd, person, "AAA-03", "3").get_json()  # the next save meets the guard at the door
    assert later["error"] == "stage_moved" and "finalised" in later["message"].lower()


def test_a_save_alone_keeps_the_figures_and_one_made_beside_another_leaves_them_to_the_lists(crowd, monkeypatch):
    """A save keeps the overall figures only when nobody saved since its page was read: else its
    figures would miss the other save, and the lists recompute them instead."""
    from app.services.assessment import responses

    people = [_client(crowd, f"p{n}@crowd.example") for n in range(2)]
    _assert_status(_save(crowd, people[0], "AAA-01", "3"), 200)
    with crowd.app_context():
        kept = _kept(crowd)
        assert kept.scored_at is not None and kept.score == pytest.approx(1.0)  # AAA-01 alone, fully met
    real_check = responses.check_response

    def another_save_meanwhile(sheet, data):
        monkeypatch.setattr(responses, "check_response", real_check)
        _elsewhere(lambda: _assert_status(_save(crowd, people[1], "BBB-01", "0"), 200))
        return real_check(sheet, data)

    monkeypatch.setattr(responses, "check_response", another_save_meanwhile)
    _assert_status(_save(crowd, people[0], "AAA-02", "3"), 200)
    with crowd.app_context():
        kept = _kept(crowd)
        assert kept.scored_at is None  # not the figures of a page that missed BBB-01
        ensure_scores([kept])
        assert kept.score == pytest.approx(results_of([kept])[kept.id].overall.score)
        assert kept.score < 1.0  # BBB-01 at 0 counts


def test_kept_figures_are_never_written_over_a_save_made_while_they_were_computed(crowd, monkeypatch):
    person = _client(crowd, "p0@crowd.example")
    _assert_status(_save(crowd, person, "AAA-01", "1"), 200)
    with crowd.app_context():  # stale, as a save made beside another leaves them
        db.session.execute(db.update(Assessment).values(scored_at=None))
        db.session.commit()
    real_results = results_of

    def results_then_a_save(assessments):
        results = real_results(assessments)  # the figures before the save below
        _elsewhere(lambda: _assert_status(_save(crowd, person, "AAA-01", "3"), 200))
        return results

    with crowd.app_context():
        monkeypatch.setattr(assessments_service, "results_of", results_then_a_save)
        ensure_scores([_kept(crowd)])  # computed with AAA-01 at 1; AAA-01 saved at 3 before it could keep them
        monkeypatch.setattr(assessments_service, "results_of", real_results)
        kept = _kept(crowd)
        # The save's own figures stand (AAA-01 at 3, the only one scored: a full score), not the older 1 of 3.
        assert kept.scored_at is not None and kept.score == pytest.approx(1.0)
        ensure_scores([kept])
        assert kept.score == pytest.approx(1.0)


@pytest.mark.parametrize(
    "busy",
    [
        Exception("database is locked"),  # SQLite, after its busy timeout
        type("DeadlockDetected", (Exception,), {"sqlstate": "40P01"})("deadlock detected"),  # PostgreSQL
        type("SerializationFailure", (Exception,), {"sqlstate": "40001"})("could not serialize access"),
    ],
    ids=["sqlite-locked", "pg-deadlock", "pg-serialization"],
)
def test_a_busy_database_is_retried_on_the_server_and_the_save_lands(crowd, monkeypatch, busy):
    from app.services.assessment import responses

    person = _client(crowd, "p0@crowd.example")
    real_claim = responses.claim_for_save
    calls = []

    def busy_once(assessment, stage, **kwargs):
        calls.append(stage)
        if len(calls) == 1:
            raise OperationalError("UPDATE assessments ...", {}, busy)
        return real_claim(assessment, stage, **kwargs)

    monkeypatch.setattr(responses, "claim_for_save", busy_once)
    answer = _save(crowd, person, "BBB-01", "2")
    assert answer.status_code == 200, answer.get_json()
    assert len(calls) == 2
    with crowd.app_context():
        assert stored_response(crowd.config["CROWD_ASSESSMENT"], "BBB-01").value == 2


def test_a_database_busy_on_every_attempt_gets_the_busy_refusal_and_nothing_is_saved(crowd, monkeypatch):
    from app.services.assessment import busy, responses

    person = _client(crowd, "p0@crowd.example")
    calls = []

    def always_busy(assessment, stage, **kwargs):
        calls.append(stage)
        raise OperationalError("UPDATE assessments ...", {}, Exception("database is locked"))

    monkeypatch.setattr(responses, "claim_for_save", always_busy)
    answer = _save(crowd, person, "BBB-01", "2")
    body = answer.get_json()
    assert (answer.status_code, body["error"]) == (409, "busy"), body
    assert "Your input is kept" in body["message"]
    assert len(calls) == busy.ATTEMPTS
    with crowd.app_context():
        assert stored_response(crowd.config["CROWD_ASSESSMENT"], "BBB-01").value is None


def test_a_same_card_conflict_is_never_retried_away(crowd, monkeypatch):
    from app.services.assessment import responses

    people = [_client(crowd, f"p{n}@crowd.example") for n in range(2)]
    _assert_status(_save(crowd, people[0], "FFF-01", "1"), 200)
    claims = []
    real_claim = responses.claim_for_save
    monkeypatch.setattr(responses, "claim_for_save", lambda a, s, **kw: claims.append(s) or real_claim(a, s, **kw))
    answer = _save(crowd, people[1], "FFF-01", "3", version=1)  # the form as it was before the first save
    body = answer.get_json()
    assert (answer.status_code, body["error"]) == (409, "conflict") and body["version"] == 2
    assert claims == []  # refused before anything was written, once
    with crowd.app_context():
        assert stored_response(crowd.config["CROWD_ASSESSMENT"], "FFF-01").value == 1


def _assert_status(answer, status: int) -> None:
    assert answer.status_code == status, answer.get_json()
