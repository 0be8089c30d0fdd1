"""The dashboard lists assessments newest first from an index, not by sorting all of a region's assessments."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, inspect

from app import create_app
from app.extensions import db

INDEX = "ix_assessments_updated_at_id"


def _index_columns(engine) -> dict[str, list[str]]:
    return {index["name"]: index["column_names"] for index in inspect(engine).get_indexes("assessments")}


def test_the_migrations_build_the_index_of_the_dashboards_order(tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}"}
    )
    app.instance_path = str(tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _index_columns(db.engine)[INDEX] == ["updated_at", "id"]
        db.engine.dispose()


def test_a_database_made_from_the_models_has_it_too(app):
    assert _index_columns(db.engine)[INDEX] == ["updated_at", "id"]


def test_the_dashboards_page_of_assessments_is_read_in_the_indexs_order(
    client, make_unit, make_user, make_assessment, login
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the query plan is read with SQLite's EXPLAIN QUERY PLAN")
    login(make_user("admin"))
    unit = make_unit("IDX")
    made = [make_assessment(unit, title=f"Assessment {n}") for n in range(3)]
    made[0].updated_at = dt.datetime(2030, 1, 1)  # changed last: first on the page
    db.session.commit()
    statements = []

    def listener(_connection, _cursor, statement, parameters, _context, _executemany):
        if "ORDER BY assessments.updated_at DESC" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)

    assert page.index("Assessment 0") < page.index("Assessment 2") < page.index("Assessment 1")
    assert len(statements) == 1, statements
    with db.engine.connect() as connection:
        plan = [
            row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statements[0][0], statements[0][1])
        ]
    assert any(f"USING INDEX {INDEX}" in step for step in plan), plan
    assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan  # no sort of all assessments
