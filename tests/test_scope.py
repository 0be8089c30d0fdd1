"""The scope of a draft (desk or on site) can be changed, by whom and when the policy says, audited,
and the page says which requirements the change moves before it is made."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.workflow import Stage
from app.extensions import db
from app.models import Assessment, Event
from tests.conftest import text_of


@pytest.fixture
def desk(make_unit, make_user, make_assessment):
    """A desk review where BBB-02 (decided from practice) is scored from the SOP text, so counts as to verify."""
    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit], email="head@u1.example")
    assessment = make_assessment(unit, scope="desk")
    for response in assessment.responses:
        if response.requirement.code in ("AAA-01", "BBB-02"):
            response.value, response.basis = 2, "sop_text"
    db.session.commit()
    return assessment, head


def test_the_page_says_which_requirements_the_change_moves_before_it_is_made(client, desk, login):
    assessment, head = desk
    login(head)
    results = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert f'href="/assessments/{assessment.id}/scope"' in results
    page = text_of(client.get(f"/assessments/{assessment.id}/scope"))
    assert "Change the scope to: On-site assessment?" in page
    assert "1 requirement counted as to verify on site would need a score: BBB-02" in page
    assert db.session.get(Assessment, assessment.id).scope == "desk"  # nothing changed by looking


def test_a_unit_head_changes_a_drafts_scope_and_the_change_is_audited_with_before_and_after(client, desk, login, post):
    assessment, head = desk
    login(head)
    done = post(f"/assessments/{assessment.id}/scope", {"scope": "onsite"}, follow_redirects=True)
    assert done.status_code == 200
    assert "The scope is now: On-site assessment. 1 requirement no longer counts as to verify on site" in text_of(done)
    changed = db.session.get(Assessment, assessment.id)
    assert changed.scope == "onsite" and changed.coverage == pytest.approx(2 / 7)  # BBB-02's score now counts
    event = db.session.scalar(select(Event).where(Event.name == "assessment.scope_changed"))
    assert event.user_email == head.email and event.before == {"scope": "desk"} and event.after == {"scope": "onsite"}
    back = post(f"/assessments/{assessment.id}/scope", {"scope": "desk"}, follow_redirects=True)
    assert "1 requirement now counts as to verify on site." in text_of(back)


@pytest.mark.parametrize("role", ["expert", "admin"])
def test_the_expert_and_an_administrator_may_change_the_scope_too(client, desk, login, post, make_user, role):
    assessment, _head = desk
    login(make_user(role, units=[assessment.unit]))
    assert post(f"/assessments/{assessment.id}/scope", {"scope": "onsite"}).status_code == 302
    assert db.session.get(Assessment, assessment.id).scope == "onsite"


@pytest.mark.parametrize("role", ["assessor", "viewer"])
def test_an_assessor_or_a_viewer_cannot_change_the_scope(client, desk, login, post, make_user, role):
    assessment, _head = desk
    login(make_user(role, units=[assessment.unit]))
    assert client.get(f"/assessments/{assessment.id}/scope").status_code == 403
    assert post(f"/assessments/{assessment.id}/scope", {"scope": "onsite"}).status_code == 403
    assert "(change the scope)" not in text_of(client.get(f"/assessments/{assessment.id}"))
    assert db.session.get(Assessment, assessment.id).scope == "desk"


def test_another_units_head_learns_nothing(client, desk, login, post, make_user, make_unit):
    assessment, _head = desk
    login(make_user("unit_head", units=[make_unit("U2")]))
    assert post(f"/assessments/{assessment.id}/scope", {"scope": "onsite"}).status_code == 404


def test_the_scope_is_fixed_once_the_self_assessment_is_submitted(client, desk, login, post):
    assessment, head = desk
    assessment.stage = Stage.SUBMITTED  # as after submitting (whatever the submission's own guards ask)
    db.session.commit()
    login(head)
    refused = post(f"/assessments/{assessment.id}/scope", {"scope": "onsite"})
    assert refused.status_code == 409 and "where no one can change the scope" in text_of(refused)
    assert db.session.get(Assessment, assessment.id).scope == "desk"


def test_a_scope_that_is_neither_desk_nor_onsite_or_a_missing_csrf_token_is_refused(client, desk, login, post):
    assessment, head = desk
    login(head)
    bad = post(f"/assessments/{assessment.id}/scope", {"scope": "remote"})
    assert bad.status_code == 400 and "Choose the scope: desk (a document review) or onsite." in text_of(bad)
    assert client.post(f"/assessments/{assessment.id}/scope", data={"scope": "onsite"}).status_code == 400
    assert db.session.get(Assessment, assessment.id).scope == "desk"
