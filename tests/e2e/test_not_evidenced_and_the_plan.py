"""The key for "not evidenced", the question a 0 with a "not seen" note asks, and the action
page and the plan's bulk edit saving from the page with their refusals shown."""

from __future__ import annotations

from app.extensions import db
from app.models import Assessment, PlannedAction
from app.services.assessment.assessments import score_sheet
from app.services.assessment.plans import suggest_actions
from app.services.assessment.responses import ResponseInput, save_response
from tests.e2e import stages


def saved(page, form: str):
    page.locator(f"{form} [data-status]").filter(has_text="✓").wait_for(timeout=10000)


def test_e_marks_the_card_in_focus_not_evidenced(server, signed_in):
    assessment_id = stages.draft(server)
    page = signed_in("unit_head")
    page.goto(stages.card_page(server, assessment_id, "GOV-05"))
    assert "E marks not evidenced" in page.locator(".keys").inner_text()
    page.locator("#req-GOV-05 input[type=radio][value='0']").focus()
    page.keyboard.press("e")
    saved(page, "#req-GOV-05 form.layer-self")
    assert stages.stored(server, assessment_id, "GOV-05").not_evidenced


def test_a_zero_whose_note_says_not_seen_asks_and_one_click_marks_it_not_evidenced(server, signed_in):
    assessment_id = stages.draft(server)
    page = signed_in("unit_head")
    page.goto(stages.card_page(server, assessment_id, "GOV-07"))
    card = "#req-GOV-07 form.layer-self"
    page.locator("#req-GOV-07 label.pick-0").click()
    page.fill("textarea[name='GOV-07-evidence_note']", "Quality manual not seen.")
    question = page.locator(f"{card} [data-ask-ne]")
    question.wait_for(timeout=10000)  # asked once the 0 and its note are saved: never blocking the save
    assert stages.stored(server, assessment_id, "GOV-07").value == 0
    question.get_by_role("button", name="Mark as not evidenced").click()
    question.wait_for(state="hidden", timeout=10000)
    stored = stages.stored(server, assessment_id, "GOV-07")
    assert (stored.value, stored.not_evidenced, stored.evidence_note) == (None, True, "Quality manual not seen.")


def planned(server) -> tuple[int, int]:
    """A fresh assessment with two gaps and the actions suggested for them: (assessment, first action)."""
    assessment_id = stages.draft(server)
    with server["app"].app_context():
        head = stages.user("unit_head")
        sheet = score_sheet(db.session.get(Assessment, assessment_id))
        for code in ("GOV-01", "MGT-01"):
            response = sheet.responses[code]
            save_response(sheet, code, ResponseInput(value=0), expected_version=response.version, user=head)
        suggest_actions(sheet, head)
        db.session.commit()
        first = db.session.scalars(
            db.select(PlannedAction).where(PlannedAction.assessment_id == assessment_id).order_by(PlannedAction.id)
        ).first()
        return assessment_id, first.id


def test_an_action_saves_as_it_is_typed_and_says_why_when_it_cannot(server, signed_in):
    assessment_id, action_id = planned(server)
    page = signed_in("unit_head")
    page.goto(f"/assessments/{assessment_id}/plan/{action_id}")
    form = "form[data-autosave]"
    page.fill("input[name='owner']", "Quality manager")
    saved(page, form)
    page.route(
        f"**/plan/{action_id}", lambda route, request: route.abort() if request.method == "POST" else route.continue_()
    )
    page.fill("textarea[name='notes']", "Start with the records procedure.")
    problem = page.locator(f"{form} .save-problem[role=alert]")
    problem.filter(has_text="the server did not answer").wait_for(timeout=10000)
    page.unroute(f"**/plan/{action_id}")
    problem.get_by_role("button", name="Save again").click()
    saved(page, form)
    with server["app"].app_context():
        action = db.session.get(PlannedAction, action_id)
        assert (action.owner, action.notes) == ("Quality manager", "Start with the records procedure.")


def test_the_bulk_edit_says_what_is_missing_and_then_goes_back_to_the_plan(server, signed_in):
    assessment_id, action_id = planned(server)
    page = signed_in("unit_head")
    page.goto(f"/assessments/{assessment_id}/plan")
    page.check(f"input[name=ids][value='{action_id}']")
    page.get_by_role("button", name="Set for all chosen").click()
    page.locator("#bulk .save-problem").filter(has_text="Give an owner").wait_for(timeout=10000)
    assert page.is_checked(f"input[name=ids][value='{action_id}']")  # the choice is kept
    page.fill("#bulk input[name='owner']", "Head of unit")
    page.get_by_role("button", name="Set for all chosen").click()
    page.locator(".flash-success").wait_for(timeout=10000)
    with server["app"].app_context():
        assert db.session.get(PlannedAction, action_id).owner == "Head of unit"
