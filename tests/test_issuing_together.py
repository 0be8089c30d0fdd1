"""Three people issuing the same report at the same moment: one report, two clear refusals."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Assessment, Event, IssuedReport, User
from app.services.reporting.issuing import IssueError, issue_report
from tests.conftest import PASSWORD, answer_the_rest, finalise
from tests.test_concurrency import shared_app  # noqa: F401  (the fixture: a database threads really share)

PEOPLE = 3


def test_three_people_issuing_at_once_get_one_report_and_clear_refusals(shared_app, tmp_path):  # noqa: F811
    app = shared_app
    folder = tmp_path / "reports"
    app.config["REPORTS_DIR"] = str(folder)
    with app.app_context():
        assessment = db.session.get(Assessment, app.config["RACE_ASSESSMENT"])
        heads = []
        for n in range(PEOPLE):
            head = User(
                email=f"head{n}@race.example",
                name=f"Head {n}",
                role="unit_head",
                password_hash=generate_password_hash(PASSWORD),
            )
            head.units = [assessment.unit]
            db.session.add(head)
            heads.append(head)
        db.session.commit()
        finalise(answer_the_rest(assessment), heads[0])
        ids = [h.id for h in heads]
    barrier = threading.Barrier(PEOPLE)
    issued, refused, crashed = [], [], []

    def issue(user_id: int) -> None:
        with app.app_context():
            try:
                assessment = db.session.get(Assessment, app.config["RACE_ASSESSMENT"])
                user = db.session.get(User, user_id)
                barrier.wait()
                issued.append(issue_report(assessment, user).id)
            except IssueError as exc:
                refused.append(str(exc))
            except Exception as exc:  # anything else is what a person would see as a server error
                crashed.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue, args=(user_id,)) for user_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert crashed == []
    assert len(issued) == 1 and len(refused) == PEOPLE - 1
    for message in refused:
        assert "issued revision 1 a moment ago" in message or "is issued already" in message, message
    with app.app_context():
        report = db.session.scalar(select(IssuedReport))
        assert db.session.query(IssuedReport).count() == 1 and report.id == issued[0]
        assert sorted(p.name for p in Path(folder).iterdir()) == sorted([report.filename, report.reader_filename])
        assert len(db.session.scalars(select(Event).where(Event.name == "report.issued")).all()) == 1
