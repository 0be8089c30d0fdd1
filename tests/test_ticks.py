"""Ticking a requirement's elements on the card: the unit in its layer, the expert in theirs.

The ticks propose the level by the checklist's rule; another level needs a reason; N/A, not
evidenced and to verify on site clear them. Checklists without elements are unchanged.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.domain.calibration import TickPair, element_agreement
from app.domain.loader import load_checklist_file
from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Event, ReportedReview
from app.services.assessment.assessments import create_assessment, score_sheet
from app.services.assessment.plans import suggest_actions
from app.services.assessment.responses import InvalidResponse, ResponseInput, save_response
from app.services.assessment.upgrades import upgrade_assessment
from app.services.content.checklists import store_checklist
from app.services.exchange.imports import PackageRefused, import_package
from app.services.exchange.packages import build_package, package_bytes
from app.services.exchange.reported import reported_row
from tests.conftest import DATA, answer_the_rest, current_version, move_to, response_of, text_of

TICKS = DATA / "mini-ticks.yaml"  # 1.1.0: AAA-01 has four elements (the first essential), AAA-02 two, BBB-01 three
TICKS_2 = DATA / "mini-ticks-2.yaml"  # 1.2.0: AAA-01's elements unchanged, AAA-02's reworded
REASON_ASKED = "The elements ticked give 2 (Largely addressed); say why you chose 3, or change the ticks."


def _store(path) -> ChecklistVersion:
    checklist, text = load_checklist_file(path)
    store_checklist(checklist, text, path.name)
    db.session.commit()
    return db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == checklist.version))


@pytest.fixture
def ticks_version(mini_version) -> ChecklistVersion:
    return _store(TICKS)


@pytest.fixture
def head(make_unit, make_user, login):
    unit = make_unit("U1")
    user = make_user("unit_head", units=[unit], name="Ana Head")
    login(user)
    return user


@pytest.fixture
def ticking(head, make_assessment, ticks_version) -> Assessment:
    """A self-assessment on the checklist with elements, the unit head signed in."""
    return make_assessment(head.units[0], version=ticks_version)


@pytest.fixture
def tick(post):
    """Post a card's layer with its ticks, as the card's checkboxes do (each ticked box sends its position)."""

    def send(assessment_id, rid, ticks, *, layer="self", json=False, **fields):
        prefix = rid + ("-rv" if layer == "review" else "")
        fields.setdefault("version", current_version(assessment_id, rid, layer))
        data = {f"{prefix}-{name}": "" if value is None else str(value) for name, value in fields.items()}
        data[f"{prefix}-ticks_shown"] = "1"
        data[f"{prefix}-ticks"] = [str(t) for t in ticks]
        kind = "reviews" if layer == "review" else "responses"
        headers = {"Accept": "application/json"} if json else {}
        return post(f"/assessments/{assessment_id}/{kind}/{rid}", data, prefix=prefix, headers=headers)

    return send


# --- the service, through the card's form -------------------------------------------------------


def test_ticks_without_a_score_propose_the_level_the_elements_give(ticking, tick):
    assert tick(ticking.id, "AAA-01", [0, 2]).status_code == 302  # the essential one and half of all: 2
    response = response_of(ticking, "AAA-01")
    assert (response.ticks, response.value, response.level_reason) == ([0, 2], 2, "")


def test_a_score_the_ticks_give_needs_no_reason(ticking, tick):
    assert tick(ticking.id, "AAA-01", [3, 1, 0, 2], score=3).status_code == 302
    assert response_of(ticking, "AAA-01").ticks == [0, 1, 2, 3]  # kept in order


def test_another_level_than_the_ticks_give_needs_a_reason_and_nothing_typed_is_lost(ticking, tick):
    refused = tick(ticking.id, "AAA-01", [0, 2], score=3, evidence_note="Form F-12 is used everywhere.")
    assert refused.status_code == 422
    page = text_of(refused)
    assert REASON_ASKED in page and "Form F-12 is used everywhere." in page
    html = refused.get_data(as_text=True)
    assert 'name="AAA-01-ticks" value="0" data-multi data-essential checked' in html  # the ticks stay ticked
    assert 'name="AAA-01-ticks" value="1" data-multi>' in html
    assert response_of(ticking, "AAA-01").value is None

    saved = tick(ticking.id, "AAA-01", [0, 2], score=3, level_reason="The record is also kept off site.")
    assert saved.status_code == 302
    response = response_of(ticking, "AAA-01")
    assert (response.value, response.ticks, response.level_reason) == (3, [0, 2], "The record is also kept off site.")


def test_autosave_hears_the_missing_reason_on_the_score(ticking, tick):
    refused = tick(ticking.id, "AAA-01", [0], score=2, json=True)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "invalid"
    assert body["errors"]["score"] == [
        "The elements ticked give 1 (Partially addressed); say why you chose 2, or change the ticks."
    ]


@pytest.mark.parametrize(
    ("ticks", "message"),
    [
        ([0, 4], "Tick elements of this requirement only (1 to 4)."),
        ([0, 0], "Each element is ticked once."),
        (["x"], "Tick elements of this requirement only (1 to 4)."),
    ],
)
def test_ticks_out_of_range_or_twice_are_refused(ticking, tick, ticks, message):
    refused = tick(ticking.id, "AAA-01", ticks, score=2, json=True)
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["ticks"] == [message]
    assert response_of(ticking, "AAA-01").ticks is None


def test_the_service_refuses_ticks_on_a_requirement_without_elements(ticking, head):
    sheet = score_sheet(ticking)
    with pytest.raises(InvalidResponse) as refused:
        save_response(sheet, "FFF-01", ResponseInput(value=2, ticks=[0]), expected_version=1, user=head)
    assert refused.value.errors == {"ticks": "FFF-01 lists no elements to tick."}


@pytest.mark.parametrize(
    "fields", [dict(score="na", na_justification="No store at this unit."), dict(score="ne")], ids=["na", "ne"]
)
def test_na_and_not_evidenced_clear_the_ticks(ticking, tick, fields):
    tick(ticking.id, "AAA-01", [0, 2], score=3, level_reason="Kept off site too.")
    assert tick(ticking.id, "AAA-01", [0, 2], **fields).status_code == 302
    response = response_of(ticking, "AAA-01")
    assert (response.ticks, response.level_reason, response.value) == (None, "", None)


def test_a_requirement_to_verify_on_site_keeps_no_ticks_without_a_score(head, make_assessment, ticks_version, tick):
    desk = make_assessment(head.units[0], version=ticks_version, scope="desk")
    assert tick(desk.id, "BBB-02", [0]).status_code == 302  # decided from practice: to verify on site
    response = response_of(desk, "BBB-02")
    assert (response.ticks, response.value) == (None, None)


def test_unticking_every_element_leaves_the_card_unticked(ticking, tick):
    tick(ticking.id, "AAA-01", [0, 2])
    assert tick(ticking.id, "AAA-01", [], score=2).status_code == 302
    assert response_of(ticking, "AAA-01").ticks is None


def test_the_trail_says_which_elements_were_ticked(client, ticking, tick):
    tick(ticking.id, "AAA-01", [0, 2])
    tick(ticking.id, "AAA-01", [0, 1, 2, 3], score=3)
    events = db.session.scalars(select(Event).where(Event.name == "response.changed").order_by(Event.id)).all()
    assert events[0].after["ticks"] == [0, 2] and events[0].after["value"] == 2
    assert (events[1].before["ticks"], events[1].after["ticks"]) == ([0, 2], [0, 1, 2, 3])
    history = text_of(client.get(f"/assessments/{ticking.id}/history/AAA-01"))
    assert "Elements met 1, 3 → 1, 2, 3, 4" in history


def test_a_conflict_gives_the_ticks_as_one_field(ticking, tick):
    tick(ticking.id, "AAA-01", [0, 2])
    stale = current_version(ticking.id, "AAA-01") - 1
    refused = tick(ticking.id, "AAA-01", [0], score=1, version=stale, json=True)
    assert refused.status_code == 409
    theirs = {item["field"]: item for item in refused.get_json()["theirs"]}
    assert (theirs["ticks"]["raw"], theirs["ticks"]["value"]) == ("0,2", "1, 3")


# --- the card -------------------------------------------------------------------------------------


def test_cards_offer_a_checkbox_per_element_only_where_the_requirement_lists_elements(client, ticking, tick):
    tick(ticking.id, "AAA-01", [0, 2])
    html = client.get(f"/assessments/{ticking.id}/score?section=AAA").get_data(as_text=True)
    assert html.count('name="AAA-01-ticks"') == 4 and html.count('name="AAA-02-ticks"') == 2
    assert 'name="AAA-03-ticks"' not in html  # no elements: the card is as before
    assert (
        '<label class="check tick essential"><input type="checkbox" name="AAA-01-ticks" value="0" data-multi '
        "data-essential checked> The SOP names the record form."
    ) in html
    assert 'name="AAA-01-ticks" value="2" data-multi checked>' in html
    page = text_of(client.get(f"/assessments/{ticking.id}/score?section=AAA"))
    assert "The elements ticked give: 2 Largely addressed" in page
    assert "Why another level than the elements ticked give" in page


def test_cards_of_a_checklist_without_elements_are_unchanged(client, head, make_assessment):
    assessment = make_assessment(head.units[0])
    html = client.get(f"/assessments/{assessment.id}/score?section=AAA").get_data(as_text=True)
    assert "data-multi" not in html and "data-ticks" not in html and '-level_reason"' not in html
    assert "What to look for" not in html and "elements ticked" not in text_of(
        client.get(f"/assessments/{assessment.id}/score")
    )


def test_without_javascript_the_ticks_post_and_the_server_answers(client, ticking, tick):
    refused = tick(ticking.id, "AAA-01", [0], score=3)  # no script: the score was chosen by hand
    assert refused.status_code == 422
    assert "The elements ticked give 1 (Partially addressed); say why you chose 3" in text_of(refused)


# --- the expert's layer and calibration ------------------------------------------------------------


@pytest.fixture
def reviewed(ticking, tick, head, make_user, post, login):
    """The unit ticked AAA-01 (all four: 3) and BBB-01 (two of three: 2), submitted; the expert is reviewing."""
    tick(ticking.id, "AAA-01", [0, 1, 2, 3])
    tick(ticking.id, "BBB-01", [0, 1])
    answer_the_rest(ticking)
    suggest_actions(score_sheet(ticking), head)
    move_to(ticking, Move.SUBMIT, head)
    expert = make_user("expert", units=[ticking.unit], name="Dr Marko Expert")
    move_to(ticking, Move.START_REVIEW, expert)
    post("/logout")
    login(expert)
    return ticking


def test_the_expert_ticks_in_their_own_layer_and_the_units_ticks_stay(client, reviewed, tick):
    refused = tick(reviewed.id, "AAA-01", [0, 1], layer="review", score=3, stance="agree")
    assert refused.status_code == 422 and REASON_ASKED in text_of(refused)
    assert (
        tick(reviewed.id, "AAA-01", [0, 1], layer="review", stance="disagree", comment="Not kept.").status_code == 302
    )
    response = response_of(reviewed, "AAA-01")
    assert (response.review.ticks, response.review.value) == ([0, 1], 2)
    assert (response.ticks, response.value) == ([0, 1, 2, 3], 3)
    page = text_of(client.get(f"/assessments/{reviewed.id}/score?section=AAA"))  # the unit's ticks, read-only
    assert "Elements met 4 of 4: The SOP names the record form. · It says who signs the record." in page


def test_calibration_shows_the_element_agreement_with_its_count(client, reviewed, tick):
    tick(reviewed.id, "AAA-01", [0, 1], layer="review", stance="disagree", comment="Not kept.")  # 2 of 4 the same
    tick(reviewed.id, "BBB-01", [0, 1], layer="review", stance="agree")  # 3 of 3 the same
    page = text_of(client.get(f"/assessments/{reviewed.id}/calibration"))
    assert "71 %" in page or "71%" in page  # 5 of 7 elements
    assert "over 7 elements of 2 requirements both ticked" in page
    from app.services.reporting.reports import build_report, render_report_html

    report = " ".join(render_report_html(build_report(reviewed)).split())
    assert "Element agreement: 71 % of 7 elements marked the same by the unit and the expert" in report.replace(
        "71%", "71 %"
    )
    assert "in 2 requirements both ticked" in report


def test_calibration_without_ticks_on_both_sides_shows_no_element_figure(client, reviewed, tick):
    tick(reviewed.id, "AAA-01", [], layer="review", score=2, stance="disagree", comment="Not kept.")
    page = text_of(client.get(f"/assessments/{reviewed.id}/calibration"))
    assert "element agreement" not in page


def test_element_agreement_counts_elements_met_by_both_or_by_neither():
    checklist = checklist_of_file(TICKS)
    aaa, bbb = checklist.requirement("AAA-01"), checklist.requirement("BBB-01")
    figure = element_agreement(
        [TickPair(aaa, frozenset({0, 1, 2, 3}), frozenset({0, 1})), TickPair(bbb, frozenset({0}), frozenset({1}))]
    )
    assert (figure.requirements, figure.elements, figure.same) == (2, 7, 3)  # 2 of 4, then 1 of 3 (none: seal numbers)
    assert figure.share == pytest.approx(3 / 7)
    assert element_agreement([]).share is None


def checklist_of_file(path):
    checklist, _text = load_checklist_file(path)
    return checklist


# --- upgrades ------------------------------------------------------------------------------------


def test_an_answer_carried_onto_elements_proposes_no_ticks_and_asks_for_them(
    client, head, make_assessment, ticks_version
):
    earlier = make_assessment(head.units[0])  # 1.0.0: no elements
    response = response_of(earlier, "AAA-01")
    response.value, response.basis = 3, "sop_text"
    db.session.commit()
    preview = text_of(client.get(f"/assessments/{earlier.id}/upgrade?to=1.1.0"))
    assert "1 carried score lands on a requirement that lists elements" in preview
    new, plan = upgrade_assessment(db.session.get(Assessment, earlier.id), ticks_version, head)
    db.session.commit()
    assert plan.to_tick == ["AAA-01"]
    carried = response_of(new, "AAA-01")
    assert (carried.value, carried.ticks) == (3, None)
    page = text_of(client.get(f"/assessments/{new.id}/score?section=AAA"))
    assert "Tick the elements" in page
    listed = client.get(f"/assessments/{new.id}/score?filter=to_tick").get_data(as_text=True)
    assert 'data-req="AAA-01"' in listed and 'data-req="AAA-02"' not in listed
    assert "Tick the elements" not in text_of(client.get(f"/assessments/{new.id}/score?section=FFF"))


def test_a_later_upgrade_keeps_the_ticks_where_the_elements_are_unchanged(ticking, tick, head):
    tick(ticking.id, "AAA-01", [0, 2], score=3, level_reason="Kept off site too.")
    tick(ticking.id, "AAA-02", [0])  # the essential one of two: 2
    later = _store(TICKS_2)
    new, plan = upgrade_assessment(db.session.get(Assessment, ticking.id), later, head)
    db.session.commit()
    assert plan.to_tick == ["AAA-02"]
    kept = response_of(new, "AAA-01")
    assert (kept.value, kept.ticks, kept.level_reason) == (3, [0, 2], "Kept off site too.")
    reworded = response_of(new, "AAA-02")  # its elements changed: to be ticked again
    assert (reworded.value, reworded.ticks, reworded.level_reason) == (2, None, "")


def test_the_shipped_2_0_0_to_2_1_0_upgrade_asks_for_every_carried_score_to_be_ticked(make_unit, make_user):
    shipped = DATA.parent.parent / "checklists"
    for name in ("csi-sop-enfsi-2.0.0.yaml", "csi-sop-enfsi-2.1.0.yaml"):
        checklist, text = load_checklist_file(shipped / name)
        store_checklist(checklist, text, name)
    versions = {v.version: v for v in db.session.scalars(select(ChecklistVersion))}
    unit = make_unit("BIH")
    head = make_user("unit_head", units=[unit])
    earlier = create_assessment(unit=unit, version=versions["2.0.0"], title="On 2.0", modules=[], user=head)
    for i, response in enumerate(earlier.responses):
        response.value, response.basis = i % 4, "sop_text"
    db.session.commit()
    new, plan = upgrade_assessment(earlier, versions["2.1.0"], head)
    db.session.commit()
    scored = [r for r in new.responses if r.value is not None]
    assert scored and all(r.ticks is None for r in scored)
    assert sorted(plan.to_tick) == sorted(r.requirement.code for r in scored)


# --- packages ------------------------------------------------------------------------------------


def test_a_package_carries_the_ticks_and_its_import_keeps_them(ticking, tick):
    tick(ticking.id, "AAA-01", [0, 2], score=3, level_reason="Kept off site too.")
    tick(ticking.id, "BBB-01", [0, 1])
    package = build_package(db.session.get(Assessment, ticking.id))
    entries = {e["requirement"]: e for e in package["responses"]}
    assert (entries["AAA-01"]["ticks"], entries["AAA-01"]["level_reason"]) == ([0, 2], "Kept off site too.")
    assert "ticks" not in entries["FFF-01"]  # nothing ticked, nothing carried: older records keep their hash
    copy = import_package(package_bytes(package)).assessment
    assert (response_of(copy, "AAA-01").ticks, response_of(copy, "AAA-01").level_reason) == (
        [0, 2],
        "Kept off site too.",
    )
    assert (response_of(copy, "BBB-01").ticks, response_of(copy, "BBB-01").value) == ([0, 1], 2)
    assert response_of(copy, "FFF-01").ticks is None


def test_a_package_without_ticks_still_imports(ticking, tick):
    tick(ticking.id, "AAA-01", [0, 2])
    package = build_package(db.session.get(Assessment, ticking.id))
    for entry in package["responses"]:
        entry.pop("ticks", None)
        entry.pop("level_reason", None)
    copy = import_package(package_bytes(package)).assessment
    assert (response_of(copy, "AAA-01").value, response_of(copy, "AAA-01").ticks) == (2, None)


def test_a_package_ticking_elements_the_requirement_does_not_list_is_refused(ticking, tick):
    tick(ticking.id, "BBB-01", [0, 1])
    package = build_package(db.session.get(Assessment, ticking.id))
    next(e for e in package["responses"] if e["requirement"] == "BBB-01")["ticks"] = [0, 3]
    with pytest.raises(PackageRefused, match=r"BBB-01.*ticks elements the requirement does not list"):
        import_package(json.dumps(package).encode())
    assert db.session.scalar(select(db.func.count(Assessment.id))) == 1


def test_a_reported_review_keeps_the_ticks_its_package_carried(client, ticking):
    entry = {"review": {"value": 2, "ticks": [1, 0], "level_reason": " As ticked there. ", "updated_by": "Dr Far"}}
    row = reported_row(entry)
    assert (row["ticks"], row["level_reason"]) == ([0, 1], "As ticked there.")
    assert "ticks" not in reported_row({"review": {"not_applicable": True, "ticks": [0]}})  # N/A: no ticks
    response = response_of(ticking, "AAA-01")
    response.value = 2
    db.session.add(ReportedReview(response=response, value=2, ticks=[0, 1], reviewed_by="Dr Far"))
    copy_ = db.session.get(Assessment, ticking.id)
    copy_.origin, copy_.imported_record = {"installation": {"name": "Far installation"}}, "0" * 64
    db.session.commit()
    page = text_of(client.get(f"/assessments/{ticking.id}/score?section=AAA"))
    assert "Review reported by Far installation" in page
    assert "Elements met 2 of 4: The SOP names the record form. · It says who signs the record." in page


def test_the_spreadsheet_lists_the_elements_each_layer_found_met(client, ticking, tick):
    tick(ticking.id, "AAA-01", [0, 2], score=3, level_reason="Kept off site too.")
    csv_text = client.get(f"/assessments/{ticking.id}/export.csv").get_data(as_text=True)
    header, *rows = csv_text.lstrip("\ufeff").splitlines()
    assert "Elements the unit found met" in header and "Elements the expert found met" in header
    aaa = next(row for row in rows if ",AAA-01," in row)
    assert "1, 3 of 4" in aaa and "Kept off site too." in aaa
