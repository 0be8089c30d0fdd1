"""The audit trail is a hash chain: a changed, removed or forged event is found and named."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.models import AuditHead, Event
from app.models.audit import GENESIS
from app.services.accounts.audit import record
from app.services.accounts.chain import digest, verify_chain
from tests.conftest import TEST_DATABASE_URL


def write_events(n: int) -> None:
    for i in range(n):
        record("test.event", email=f"person{i}@x.example", summary=f"event {i}", after={"n": i, "note": "žćčđš"})
        db.session.commit()


@pytest.fixture
def chained(app):
    write_events(5)
    return app


def tamper(*statements: str) -> None:
    """Change the events table behind the application's back, as a database owner could."""
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as connection:
        if postgres:
            connection.execute(text("ALTER TABLE events DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS events_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS events_no_delete"))
        for statement in statements:
            connection.execute(text(statement))
        if postgres:
            connection.execute(text("ALTER TABLE events ENABLE TRIGGER USER"))
    db.session.expire_all()


def test_each_event_links_to_the_one_before_and_the_head_follows_the_last(chained):
    events = list(db.session.scalars(select(Event).order_by(Event.seq)))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert all(digest(e) == e.hash for e in events)
    head = db.session.get(AuditHead, 1)
    assert (head.seq, head.hash) == (5, events[-1].hash)


def test_an_intact_chain_verifies(chained, runner):
    assert verify_chain().intact
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.startswith("The audit trail is intact: 5 events")


def test_a_changed_event_is_named(chained, runner):
    tamper("UPDATE events SET summary = 'nothing happened' WHERE seq = 3")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "event 3 (id" in result.output and "was changed after it was written" in result.output


def test_a_removed_event_is_named(chained, runner):
    tamper("DELETE FROM events WHERE seq = 2")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "events 2 are missing" in result.output


def test_removing_the_last_events_is_found_against_the_head(chained, runner):
    tamper("DELETE FROM events WHERE seq >= 4")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "the last events were removed" in result.output


def test_wiping_the_whole_trail_is_found(chained):
    tamper("DELETE FROM events")
    check = verify_chain()
    assert not check.intact and "the last events were removed" in check.broken


def test_a_forged_event_is_found(chained):
    last = db.session.scalar(select(Event).where(Event.seq == 5))
    tamper(
        "INSERT INTO events (at, name, summary, seq, prev_hash, hash) "
        f"VALUES ('2026-12-01 10:00:00', 'report.issued', 'forged', 6, '{last.hash}', '{'1' * 64}')"
    )
    check = verify_chain()
    assert not check.intact and "event 6" in check.broken and "changed" in check.broken


def test_an_event_slipped_in_between_is_found(chained):
    tamper("UPDATE events SET seq = seq + 100 WHERE seq >= 3", "UPDATE events SET seq = seq - 99 WHERE seq >= 103")
    check = verify_chain()
    assert not check.intact


def test_people_writing_events_at_the_same_moment_each_take_their_own_place(tmp_path):
    url = TEST_DATABASE_URL if TEST_DATABASE_URL.startswith("postgresql") else f"sqlite:///{tmp_path / 'chain.sqlite3'}"
    shared = create_app({"TESTING": True, "SECRET_KEY": "chain", "SQLALCHEMY_DATABASE_URI": url})
    with shared.app_context():
        db.drop_all()
        db.create_all()
    barrier, errors = threading.Barrier(4), []

    def writer(n):
        with shared.app_context():
            barrier.wait()
            try:
                for i in range(10):
                    record("test.concurrent", email=f"w{n}@x.example", summary=f"{n}/{i}")
                    db.session.commit()
            except Exception as exc:  # a failed write is the finding
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with shared.app_context():
            assert errors == []
            check = verify_chain()
            assert check.intact, check.broken
            assert check.events == 40
    finally:
        with shared.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_the_migration_chains_the_events_written_before_it(tmp_path):
    from flask_migrate import upgrade

    migrated = create_app(
        {"TESTING": True, "SECRET_KEY": "m", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"}
    )
    with migrated.app_context():
        directory = migrated.extensions["migrate"].directory
        upgrade(directory=directory, revision="f1b6d2a8c4e7")
        with db.engine.begin() as connection:
            for n in range(3):
                connection.execute(
                    text(
                        "INSERT INTO events (at, name, user_email, summary, after) "
                        "VALUES (:at, 'auth.login', :email, '', :after)"
                    ),
                    {"at": f"2026-11-0{n + 1} 08:00:00.000000", "email": f"p{n}@x.example", "after": f'{{"n": {n}}}'},
                )
        upgrade(directory=directory)
        check = verify_chain()
        assert check.intact and check.events == 3, check.broken
        write_events(1)  # and the chain goes on from there
        assert verify_chain().events == 4 and verify_chain().intact
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
            connection.execute(text("DELETE FROM events"))
        db.session.remove()
        db.engine.dispose()


def test_an_issued_report_prints_the_chain_head_and_a_rewritten_chain_no_longer_matches_it(
    app, make_unit, make_user, make_assessment
):
    import io

    from pypdf import PdfReader

    from app.models import IssuedReport
    from app.services.reporting.issuing import issue_report, reports_dir
    from tests.conftest import finalise

    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit])
    write_events(3)
    assessment = make_assessment(unit)
    finalise(assessment, head)
    seq, chain_hash = db.session.get(AuditHead, 1).seq, db.session.get(AuditHead, 1).hash
    report = issue_report(assessment, head)
    assert (report.chain_seq, report.chain_hash) == (seq, chain_hash)
    cover = PdfReader(io.BytesIO((reports_dir() / report.filename).read_bytes())).pages[0].extract_text()
    assert f"event {seq}, hash {chain_hash[:16]}" in " ".join(cover.split())
    assert verify_chain().intact

    # Someone who can write the database rewrites event 2 and every hash after it, and the head:
    # the chain is whole again, but no longer the one the issued report printed.
    tamper("UPDATE events SET summary = 'rewritten' WHERE seq = 2")
    previous = db.session.scalar(select(Event.hash).where(Event.seq == 1))
    rows = list(db.session.scalars(select(Event).where(Event.seq >= 2).order_by(Event.seq)))
    statements = []
    for event in rows:
        event.prev_hash = previous
        previous = digest(event)
        statements.append(
            f"UPDATE events SET prev_hash = '{event.prev_hash}', hash = '{previous}' WHERE id = {event.id}"
        )
    db.session.expire_all()
    tamper(*statements, f"UPDATE audit_head SET hash = '{previous}' WHERE id = 1")
    check = verify_chain()
    assert not check.intact
    assert f"not the one issued report {db.session.scalar(select(IssuedReport.filename))} printed" in check.broken
