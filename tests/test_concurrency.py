"""Two people saving the same card at the same moment: one success and one conflict, never a crash."""

from __future__ import annotations

import threading

import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import Unit, User
from app.services.assessment.assessments import create_assessment
from app.services.content.checklists import store_checklist
from tests.conftest import MINI, PASSWORD, TEST_DATABASE_URL, csrf_token, stored_response

ROUNDS = 8


@pytest.fixture
def shared_app(tmp_path):
    """An app on a database that several threads really share (a file, or PostgreSQL)."""
    url = TEST_DATABASE_URL if TEST_DATABASE_URL.startswith("postgresql") else f"sqlite:///{tmp_path / 'race.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "race", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        checklist, text = load_checklist_file(MINI)
        version = store_checklist(checklist, text, MINI.name)
        unit = Unit(code="RACE", name="Race unit", jurisdiction="J")
        db.session.add(unit)
        for n in range(2):
            user = User(
                email=f"p{n}@race.example",
                name=f"Person {n}",
                role="assessor",
                password_hash=generate_password_hash(PASSWORD),
            )
            user.units = [unit]
            db.session.add(user)
        from app.models import ChecklistVersion

        assessment = create_assessment(unit=unit, version=db.session.query(ChecklistVersion).one(), title="Race")
        db.session.commit()
        app.config["RACE_ASSESSMENT"] = assessment.id
        assert version.ok
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _signed_in_client(app, n):
    client = app.test_client()
    token = csrf_token(client, app)
    response = client.post("/login", data={"email": f"p{n}@race.example", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client, csrf_token(client, app)


def _race(clients, assessment_id: int, version: int, round_: int) -> tuple[list, list]:
    """Both people save the same card from the same version at the same moment."""
    barrier = threading.Barrier(2)
    statuses, errors = [None, None], []

    def save(n):
        client, token = clients[n]
        data = {
            "AAA-01-score": str(n + 1),
            "AAA-01-evidence_note": f"round {round_} by person {n}",
            "AAA-01-version": str(version),
            "AAA-01-csrf_token": token,
        }
        barrier.wait()
        try:
            response = client.post(
                f"/assessments/{assessment_id}/responses/AAA-01", data=data, headers={"Accept": "application/json"}
            )
            statuses[n] = response.status_code
        except Exception as exc:  # a crash would surface here: TESTING propagates it
            errors.append(repr(exc))

    _together(save)
    return statuses, errors


def _together(save, people: int = 2) -> None:
    """Run ``save(n)`` for each person at once (each waits at the test's barrier) and wait for all."""
    threads = [threading.Thread(target=save, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_simultaneous_saves_give_one_success_and_one_conflict(shared_app):
    assessment_id = shared_app.config["RACE_ASSESSMENT"]
    clients = [_signed_in_client(shared_app, n) for n in range(2)]
    for round_ in range(ROUNDS):
        with shared_app.app_context():
            version = stored_response(assessment_id, "AAA-01").version
        statuses, errors = _race(clients, assessment_id, version, round_)
        assert not errors, errors
        assert sorted(statuses) == [200, 409], (round_, statuses)
        with shared_app.app_context():
            stored = stored_response(assessment_id, "AAA-01")
            winner = statuses.index(200)
            assert (stored.value, stored.evidence_note, stored.version) == (
                winner + 1,
                f"round {round_} by person {winner}",
                version + 1,
            )


def test_simultaneous_saves_of_different_cards_both_land_and_the_kept_scores_count_both(shared_app):
    from app.models import Assessment
    from app.services.assessment.assessments import ensure_scores

    assessment_id = shared_app.config["RACE_ASSESSMENT"]
    clients = [_signed_in_client(shared_app, n) for n in range(2)]
    for round_ in range(ROUNDS):
        barrier = threading.Barrier(2)
        statuses, errors = [None, None], []
        with shared_app.app_context():
            versions = [stored_response(assessment_id, code).version for code in ("AAA-01", "BBB-01")]

        def save(n, barrier=barrier, statuses=statuses, errors=errors, versions=versions, round_=round_):
            client, token = clients[n]
            code = ("AAA-01", "BBB-01")[n]
            data = {
                f"{code}-score": str((round_ + n) % 4),
                f"{code}-version": str(versions[n]),
                f"{code}-csrf_token": token,
            }
            barrier.wait()
            try:
                statuses[n] = client.post(
                    f"/assessments/{assessment_id}/responses/{code}", data=data, headers={"Accept": "application/json"}
                ).status_code
            except Exception as exc:
                errors.append(repr(exc))

        _together(save)
        assert not errors and statuses == [200, 200], (round_, statuses, errors)
        with shared_app.app_context():
            a, b = (stored_response(assessment_id, code).value for code in ("AAA-01", "BBB-01"))
            kept = db.session.get(Assessment, assessment_id)
            ensure_scores([kept])  # as the lists read them: saves leave them stale, the first reader keeps them
            # AAA-01 and BBB-01 are both essential: the kept score is the mean of the two values over 3.
            # Answered: those two, and BBB-02, which a desk review marks to verify on site.
            assert kept.score == pytest.approx((a + b) / 6) and kept.answered == 3, (round_, a, b, kept.score)


def test_autosave_keeps_working_while_the_largest_package_is_imported(shared_app):
    """An import writes in one short transaction: saves made meanwhile wait milliseconds, not the whole import."""
    from pathlib import Path

    from app.models import Assessment
    from app.services.exchange.imports import MAX_PACKAGE_BYTES, import_package
    from app.services.exchange.packages import package_bytes

    assessment_id = shared_app.config["RACE_ASSESSMENT"]
    with shared_app.app_context():
        shipped = Path(shared_app.config["CHECKLISTS_DIR"]) / "csi-sop-enfsi.yaml"
        checklist, text = load_checklist_file(shipped)
        store_checklist(checklist, text, shipped.name)
        from app.services.content.checklists import find_version
        from app.services.exchange.packages import build_package

        full = create_assessment(
            unit=db.session.get(Assessment, assessment_id).unit,
            version=find_version(checklist.id, checklist.version),
            title="Field work",
            modules=["firearms"],
        )
        db.session.commit()
        package = build_package(full)
        note = ("A long note from the field, as a consultation produces them. " * 70)[:3900]
        for entry in package["responses"]:
            entry.update(value=1, basis="sop_text", evidence_note=note, recommendation=note, reply=note, dissent=note)
            entry["review"] = {"value": 1, "stance": "agree", "comment": note}
        raw = package_bytes(package)
        assert MAX_PACKAGE_BYTES * 0.6 < len(raw) <= MAX_PACKAGE_BYTES  # near the largest a package may be
    client, token = _signed_in_client(shared_app, 0)
    saves: list[int] = []
    done = threading.Event()

    def autosave():
        n = 0
        while not done.is_set() or n < 5:
            with shared_app.app_context():
                version = stored_response(assessment_id, "AAA-02").version
            status = client.post(
                f"/assessments/{assessment_id}/responses/AAA-02",
                data={"AAA-02-score": str(n % 4), "AAA-02-version": str(version), "AAA-02-csrf_token": token},
                headers={"Accept": "application/json"},
            ).status_code
            saves.append(status)
            n += 1

    saver = threading.Thread(target=autosave)
    saver.start()
    try:
        with shared_app.app_context():
            for n in range(2):
                package["assessment"]["title"] = f"Imported while people work {n}"  # a new record each time
                outcome = import_package(package_bytes(package))
                assert len(outcome.assessment.responses) == len(package["responses"])
    finally:
        done.set()
        saver.join()
    # How long the saves wait while an import writes is measured by make bench-load, not here.
    assert saves and all(status == 200 for status in saves), saves
