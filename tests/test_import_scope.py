"""Desk or on site is chosen at import: a package without a scope is never silently on site."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assessment
from app.services.exchange.import_plan import ScopeNeeded
from app.services.exchange.imports import import_package
from app.services.exchange.packages import build_package, package_bytes
from tests.conftest import response_of, text_of


@pytest.fixture
def package(make_unit, make_assessment):
    """An on-site assessment's package, the assessment then removed so that it can come back."""
    unit = make_unit("UA", name="Unit A")
    a = make_assessment(unit, title="Field laptop work", scope="onsite")
    a.responses[0].value, a.responses[0].basis = 2, "records"
    db.session.commit()
    data = build_package(a)
    db.session.delete(a)
    db.session.commit()
    return data


def unscoped(package) -> dict:
    del package["assessment"]["scope"]
    return package


def count() -> int:
    return db.session.scalar(select(func.count(Assessment.id)))


def test_a_package_without_a_scope_is_refused_until_one_is_chosen(package):
    with pytest.raises(ScopeNeeded, match="does not say whether the assessment was a document review"):
        import_package(package_bytes(unscoped(package)))
    db.session.rollback()
    assert count() == 0
    assert import_package(package_bytes(package), scope="desk").assessment.scope == "desk"


def test_a_packages_own_scope_is_the_default_and_a_chosen_one_wins(package):
    assert import_package(package_bytes(package)).assessment.scope == "onsite"
    package["assessment"]["title"] = "Another copy"  # another record, so not "imported already"
    assert import_package(package_bytes(package), scope="desk").assessment.scope == "desk"


def test_the_command_refuses_a_package_without_a_scope_naming_the_option(runner, package, tmp_path):
    path = tmp_path / "package.json"
    path.write_bytes(package_bytes(unscoped(package)))
    refused = runner.invoke(args=["import", str(path)])
    assert refused.exit_code == 1 and "--scope desk or --scope onsite" in refused.output and count() == 0
    done = runner.invoke(args=["import", str(path), "--scope", "desk"])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[0].endswith(", desk)")
    wrong = runner.invoke(args=["import", str(path), "--scope", "remote"])
    assert wrong.exit_code == 2 and "'remote' is not one of 'desk', 'onsite'" in wrong.output


def test_the_import_page_asks_for_the_scope_when_the_package_does_not_say(client, package, make_user, login, post):
    login(make_user("admin", email="admin@example.org"))
    raw = package_bytes(unscoped(package))
    asked = post("/assessments/import", {"package": (io.BytesIO(raw), "p.json"), "scope": ""})
    assert asked.status_code == 400 and count() == 0
    assert "Choose desk or on-site below, then choose the file again and import." in text_of(asked)
    done = post("/assessments/import", {"package": (io.BytesIO(raw), "p.json"), "scope": "desk"})
    assert done.status_code == 302
    assert db.session.scalar(select(Assessment)).scope == "desk"


def test_the_import_page_refuses_a_scope_that_is_neither_desk_nor_onsite(client, package, make_user, login, post):
    login(make_user("admin", email="admin@example.org"))
    raw = package_bytes(package)
    refused = post("/assessments/import", {"package": (io.BytesIO(raw), "p.json"), "scope": "remote"})
    assert refused.status_code == 400 and "Not a valid choice" in text_of(refused) and count() == 0


def test_a_carried_answer_without_a_basis_stays_without_one_through_an_import(package):
    entry = package["responses"][0]
    entry.update(carried_from="1.0.0 AAA-01 (reworded)", recheck=True)
    del entry["basis"]
    copy = import_package(package_bytes(package)).assessment
    carried = response_of(copy, entry["requirement"])
    assert carried.value == 2 and carried.basis is None and carried.recheck
