"""Upgrading an assessment to a later checklist version keeps every answer that maps."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.lineage import lineage
from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Citation, Event, PlannedAction
from app.services.assessment.assessments import create_assessment
from app.services.assessment.upgrades import UpgradeRefused, plan_upgrade, upgrade_assessment
from app.services.content.checklists import checklist_of, store_checklist
from tests.conftest import DATA, finalise, response_of, text_of

MINI_2 = DATA / "mini-2.yaml"


@pytest.fixture
def mini_2(mini_version) -> ChecklistVersion:
    checklist, text = load_checklist_file(MINI_2)
    store_checklist(checklist, text, MINI_2.name)
    return db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == "2.0.0"))


@pytest.fixture
def scored(make_unit, make_user, make_assessment, make_sop):
    """A finalised 1.0.0 assessment with every requirement answered, notes, a citation and an action."""
    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit], email="head@u1.example")
    sop = make_sop(unit)
    assessment = make_assessment(unit, modules=("firearms",))
    answers = {
        "AAA-01": dict(value=3, basis="sop_text", evidence_note="SOP-01 s. 2"),
        "AAA-02": dict(value=2, basis="sop_text", evidence_note="Role named in 3.1"),
        "AAA-03": dict(not_applicable=True, na_justification="No such review here"),
        "BBB-01": dict(value=1, basis="sop_text", recommendation="Add dates to seals"),
        "BBB-02": dict(value=0, basis="sop_text", evidence_note="Store open"),
        "FFF-01": dict(value=3, basis="sop_text"),
        "FFF-02": dict(not_evidenced=True),
    }
    responses = {r.requirement.code: r for r in assessment.responses}
    for code, fields in answers.items():
        for name, value in fields.items():
            setattr(responses[code], name, value)
    responses["BBB-01"].citations.append(Citation(sop=sop, section="4.2"))
    db.session.add(
        PlannedAction(assessment=assessment, title="Write the seal rule", owner="Ana", gaps=[responses["BBB-01"]])
    )
    db.session.commit()
    finalise(assessment, head)
    return assessment, head


def test_the_plan_counts_what_carries_what_is_left_and_what_to_recheck(scored, mini_2):
    assessment, _head = scored
    plan = plan_upgrade(assessment, mini_2)
    assert plan.summary == "carried over 6 of 7 answers"
    assert [rid for rid, _why in plan.left] == ["AAA-03"] and "retired: A desirable review" in plan.left[0][1]
    assert [c.requirement_id for c in plan.to_recheck] == ["BBB-12", "CCC-01", "BBB-11", "FFF-02"]  # most changed first


def test_upgrading_makes_a_new_draft_carrying_answers_notes_citations_and_actions(scored, mini_2):
    assessment, head = scored
    new, plan = upgrade_assessment(assessment, mini_2, head)
    db.session.commit()
    assert plan.summary == "carried over 6 of 7 answers"
    assert new.stage == "self_assessment" and new.checklist_version.version == "2.0.0"
    assert new.predecessor_id == assessment.id and new.modules == ["firearms"]
    same = response_of(new, "AAA-01")
    assert (same.value, same.evidence_note, same.recheck, same.carried_from) == (
        3,
        "SOP-01 s. 2",
        False,
        "1.0.0 AAA-01",
    )
    for split in ("BBB-11", "BBB-12"):
        response = response_of(new, split)
        assert (response.value, response.recheck, response.carried_from) == (1, True, "1.0.0 BBB-01 (split)")
        assert [(c.sop.code, c.section) for c in response.citations] == [("SOP-01", "4.2")]
    merged = response_of(new, "CCC-01")
    assert merged.value == 0 and merged.recheck and merged.carried_from == "1.0.0 AAA-02, BBB-02 (merged)"
    assert merged.evidence_note == "[AAA-02] Role named in 3.1\n[BBB-02] Store open"
    reworded = response_of(new, "FFF-02")
    assert reworded.not_evidenced and reworded.recheck
    assert response_of(new, "CCC-02").value is None and response_of(new, "CCC-02").carried_from is None
    (action,) = db.session.scalars(select(PlannedAction).where(PlannedAction.assessment_id == new.id))
    assert action.title == "Write the seal rule" and [g.requirement.code for g in action.gaps] == ["BBB-11", "BBB-12"]
    assert new.answered == 6 and new.score is not None
    event = db.session.scalar(select(Event).where(Event.name == "assessment.upgraded"))
    assert event.user_email == head.email and "carried over 6 of 7 answers" in event.summary


def test_a_gap_left_without_an_action_keeps_its_reason_through_the_upgrade(scored, mini_2):
    """The unit decided not to act on a gap and said why: the new draft still says so, merged
    answers with each reason marked by the requirement it came from, so readiness does not ask again."""
    assessment, head = scored
    responses = {r.requirement.code: r for r in assessment.responses}
    responses["FFF-02"].no_action_reason = "The ministry funds firearms storage in 2027"
    responses["BBB-02"].no_action_reason = "Store is being rebuilt"
    db.session.commit()
    new, _plan = upgrade_assessment(assessment, mini_2, head)
    db.session.commit()
    assert response_of(new, "FFF-02").no_action_reason == "The ministry funds firearms storage in 2027"
    assert response_of(new, "CCC-01").no_action_reason == "[BBB-02] Store is being rebuilt"
    assert response_of(new, "AAA-01").no_action_reason == ""


def test_the_earlier_assessment_is_left_as_it_was(scored, mini_2):
    assessment, head = scored
    before = {r.requirement.code: (r.value, r.version) for r in assessment.responses}
    upgrade_assessment(assessment, mini_2, head)
    db.session.commit()
    db.session.expire_all()
    earlier = db.session.get(Assessment, assessment.id)
    assert (
        earlier.stage == "finalised" and {r.requirement.code: (r.value, r.version) for r in earlier.responses} == before
    )


def test_an_upgrade_to_the_same_or_an_earlier_version_is_refused(scored, mini_version):
    assessment, _head = scored
    with pytest.raises(UpgradeRefused, match=r"is not later than 1\.0\.0"):
        plan_upgrade(assessment, mini_version)


def test_the_command_prints_what_it_carried(runner, scored, mini_2):
    assessment, head = scored
    result = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "2.0.0", "--by", head.email])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Created assessment ") and "mini@2.0.0" in lines[0]
    assert lines[1] == "carried over 6 of 7 answers"
    assert lines[2] == "4 to re-check, most changed first: BBB-12, CCC-01, BBB-11, FFF-02"
    assert lines[3].startswith("not carried: AAA-03 (retired: ")
    missing = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "9.9.9"])
    assert missing.exit_code == 1 and "mini@9.9.9 is not loaded" in missing.output


def test_the_unit_head_sees_what_carries_then_starts_the_new_draft_in_the_browser(
    client, scored, mini_2, login, post, save_response
):
    assessment, head = scored
    login(head)
    results = text_of(client.get(f"/assessments/{assessment.id}"))
    assert "Checklist version 2.0.0 is loaded." in results
    preview = text_of(client.get(f"/assessments/{assessment.id}/upgrade"))
    assert "Carried over 6 of 7 answers" in preview and "AAA-03 : retired: A desirable review" in preview
    assert "CCC-01 from AAA-02, BBB-02 (merged, now decided from the documents; 41 % of the words kept)" in preview
    done = post(f"/assessments/{assessment.id}/upgrade", {"to": "2.0.0"})
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id))
    assert done.status_code == 302 and done.location.endswith(f"/assessments/{new.id}/score?filter=recheck")
    cards = client.get(done.location).get_data(as_text=True)
    assert cards.count('class="tag tag-recheck"') == 4
    assert "Carried over from 1.0.0 BBB-01 (split)" in text_of(client.get(done.location))
    results = text_of(client.get(f"/assessments/{new.id}"))
    assert "4 answers were carried over from checklist version 1.0.0 and not re-checked." in results
    assert save_response(new.id, "BBB-11", score=2).status_code == 302
    assert response_of(new, "BBB-11").recheck is False and response_of(new, "BBB-12").recheck is True


def test_upgrading_needs_the_right_to_start_assessments_in_that_unit(
    client, scored, mini_2, make_user, make_unit, login, post
):
    assessment, _head = scored
    login(make_user("viewer", units=[assessment.unit]))
    assert client.get(f"/assessments/{assessment.id}/upgrade").status_code == 403
    assert "Checklist version 2.0.0" not in text_of(client.get(f"/assessments/{assessment.id}"))
    post("/logout")
    login(make_user("unit_head", units=[make_unit("U2")]))
    assert post(f"/assessments/{assessment.id}/upgrade", {"to": "2.0.0"}).status_code == 404
    assert db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id)) is None


def test_without_a_later_version_the_page_says_so(client, scored, login):
    assessment, head = scored
    login(head)
    response = client.get(f"/assessments/{assessment.id}/upgrade", follow_redirects=True)
    assert "No later version of this checklist is loaded." in text_of(response)


def test_a_fully_scored_assessment_on_the_shipped_1_0_0_upgrades_to_1_1_0_with_every_answer(
    runner, make_unit, make_user
):
    shipped = DATA.parent.parent / "checklists"
    for name in (
        "csi-sop-enfsi-1.0.0.yaml",
        "csi-sop-enfsi-1.1.0.yaml" if (shipped / "csi-sop-enfsi-1.1.0.yaml").exists() else "csi-sop-enfsi.yaml",
    ):
        checklist, text = load_checklist_file(shipped / name)
        store_checklist(checklist, text, name)
    first = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == "1.0.0"))
    later = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == "1.1.0"))
    unit = make_unit("BIH")
    head = make_user("unit_head", units=[unit])
    modules = [m.id for m in checklist_of(first).modules]
    assessment = create_assessment(unit=unit, version=first, title="Full", modules=modules, user=head)
    for i, response in enumerate(assessment.responses):
        response.value, response.basis, response.evidence_note = i % 4, "sop_text", f"note {i}"
    db.session.commit()
    result = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", later.version])
    total = len(assessment.responses)
    assert f"carried over {total} of {total} answers" in result.output.splitlines()
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id))
    carried = {r.requirement.code: (r.value, r.evidence_note) for r in new.responses}
    assert carried == {r.requirement.code: (r.value, r.evidence_note) for r in assessment.responses}


def test_a_fully_scored_assessment_on_the_shipped_1_0_0_upgrades_to_2_0_0(runner, make_unit, make_user):
    """Every answer that maps is carried (merged ones at their most cautious), changed ones to re-check."""
    shipped = DATA.parent.parent / "checklists"
    for name in ("csi-sop-enfsi-1.0.0.yaml", "csi-sop-enfsi-2.0.0.yaml"):
        checklist, text = load_checklist_file(shipped / name)
        store_checklist(checklist, text, name)
    first = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == "1.0.0"))
    second = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == "2.0.0"))
    earlier, later = checklist_of(first), checklist_of(second)
    unit = make_unit("MNE")
    head = make_user("unit_head", units=[unit])
    assessment = create_assessment(unit=unit, version=first, title="Full", modules=["firearms"], user=head)
    for i, response in enumerate(assessment.responses):
        response.value, response.basis, response.evidence_note = (i * 7) % 4, "sop_text", f"note-{i}."
    db.session.commit()
    before = {r.requirement.code: r.value for r in assessment.responses}

    result = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "2.0.0"])

    found = lineage(earlier, later)
    total = len(before)
    assert f"carried over {total - len(found.retired)} of {total} answers" in result.output.splitlines()
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id))
    assert new.checklist_version.version == "2.0.0" and new.modules == ["firearms"]
    by_code = {r.requirement.code: r for r in new.responses}
    assert set(by_code) == {r.id for r in later.requirements(["firearms"])}
    for code, carry in found.carries.items():
        response = by_code[code]
        if carry.kind == "new":
            assert response.value is None and not response.carried_from, code
            continue
        assert response.value == min(before[e] for e in carry.earlier), code
        assert all(f"note-{list(before).index(e)}." in response.evidence_note for e in carry.earlier), code
        assert response.recheck == carry.to_recheck, code


def test_an_upgraded_draft_exported_and_imported_keeps_what_to_recheck(scored, mini_2):
    from app.services.exchange.imports import import_package
    from app.services.exchange.packages import build_package, package_bytes

    assessment, head = scored
    new, _plan = upgrade_assessment(assessment, mini_2, head)
    db.session.commit()
    package = build_package(new)
    entries = {e["requirement"]: e for e in package["responses"]}
    assert entries["BBB-11"]["carried_from"] == "1.0.0 BBB-01 (split)" and entries["BBB-11"]["recheck"] is True
    assert "carried_from" not in build_package(assessment)["responses"][0]  # nothing changes for other packages

    copy = import_package(package_bytes(package)).assessment
    assert (response_of(copy, "BBB-11").carried_from, response_of(copy, "BBB-11").recheck) == (
        "1.0.0 BBB-01 (split)",
        True,
    )
    assert (response_of(copy, "AAA-01").carried_from, response_of(copy, "AAA-01").recheck) == ("1.0.0 AAA-01", False)
    assert response_of(copy, "CCC-02").carried_from is None


def test_a_second_upgrade_to_the_same_version_is_refused_and_leads_to_the_first_draft(
    runner, client, login, post, scored, mini_2
):
    assessment, head = scored
    first, _plan = upgrade_assessment(assessment, mini_2, head)
    db.session.commit()
    result = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "2.0.0"])
    assert result.exit_code == 1
    assert f"was upgraded to version 2.0.0 already: assessment {first.id}" in result.output
    login(head)
    page = text_of(client.get(f"/assessments/{assessment.id}"))
    assert "Upgraded to checklist version 2.0.0 as" in page and "See what an upgrade" not in page
    response = client.get(f"/assessments/{assessment.id}/upgrade")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/assessments/{first.id}")
    assert post(f"/assessments/{assessment.id}/upgrade", {"to": "2.0.0"}).status_code == 302
    drafts = db.session.scalars(select(Assessment).where(Assessment.predecessor_id == assessment.id)).all()
    assert [a.id for a in drafts] == [first.id]


def test_when_two_people_upgrade_at_once_the_database_keeps_one_draft(scored, mini_2, monkeypatch):
    """The check before creating can pass for both; the unique index then refuses the second."""
    from app.services.assessment import upgrades

    assessment, head = scored
    first, _plan = upgrade_assessment(assessment, mini_2, head)
    db.session.commit()
    real = upgrades._already_upgraded
    calls = []

    def not_yet_on_the_first_look(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)  # the second caller's check ran before the first commit

    monkeypatch.setattr(upgrades, "_already_upgraded", not_yet_on_the_first_look)
    with pytest.raises(UpgradeRefused, match=f"already: assessment {first.id}"):
        upgrade_assessment(db.session.get(Assessment, assessment.id), mini_2, head)
    assert db.session.scalars(select(Assessment.id).where(Assessment.predecessor_id == assessment.id)).all() == [
        first.id
    ]


def test_after_an_upgrade_to_the_newest_version_no_older_later_version_is_offered(make_unit, make_user):
    from app.services.assessment.upgrades import later_versions

    shipped = DATA.parent.parent / "checklists"
    for name in ("csi-sop-enfsi-1.0.0.yaml", "csi-sop-enfsi-1.1.0.yaml", "csi-sop-enfsi-2.0.0.yaml"):
        checklist, text = load_checklist_file(shipped / name)
        store_checklist(checklist, text, name)
    versions = {v.version: v for v in db.session.scalars(select(ChecklistVersion))}
    unit = make_unit("ALB")
    head = make_user("unit_head", units=[unit])
    assessment = create_assessment(unit=unit, version=versions["1.0.0"], title="Old", modules=[], user=head)
    assert [v.version for v in later_versions(assessment)] == ["2.0.0", "1.1.0"]
    upgrade_assessment(assessment, versions["2.0.0"], head)
    db.session.commit()
    assert later_versions(assessment) == []


def _store_shipped(*names: str) -> dict[str, ChecklistVersion]:
    shipped = DATA.parent.parent / "checklists"
    for name in names:
        checklist, text = load_checklist_file(shipped / name)
        store_checklist(checklist, text, name)
    return {v.version: v for v in db.session.scalars(select(ChecklistVersion))}


def _answer_everything(assessment) -> dict[str, tuple]:
    for i, response in enumerate(assessment.responses):
        response.value, response.basis, response.evidence_note = (i * 7) % 4, "sop_text", f"note-{i}."
    db.session.commit()
    return {r.requirement.code: (r.value, r.evidence_note) for r in assessment.responses}


def test_an_assessment_on_2_0_0_upgrades_to_2_1_0_keeping_every_answer(runner, make_unit, make_user):
    """Same ids carry; changed citations alone are no re-check; MET-09's answer goes to both halves."""
    versions = _store_shipped("csi-sop-enfsi-2.0.0.yaml", "csi-sop-enfsi-2.1.0.yaml")
    unit = make_unit("BIH")
    head = make_user("unit_head", units=[unit])
    assessment = create_assessment(
        unit=unit, version=versions["2.0.0"], title="On 2.0", modules=["firearms"], user=head
    )
    before = _answer_everything(assessment)

    result = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "2.1.0"])

    assert f"carried over {len(before)} of {len(before)} answers" in result.output.splitlines(), result.output
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id))
    after = {r.requirement.code: r for r in new.responses}
    assert {code: (after[code].value, after[code].evidence_note) for code in before} == before
    assert (after["MET-15"].value, after["MET-15"].evidence_note) == before["MET-09"]
    assert after["MET-15"].carried_from == "2.0.0 MET-09 (split)" and after["MET-15"].recheck
    # CUS-01 now cites 7.2.4 instead of 7.2.3, REP-07 7.4.2 e) instead of 7.4.3: the same duty, nothing to re-check
    for code in ("CUS-01", "REP-07", "EQP-04"):
        assert after[code].carried_from == f"2.0.0 {code}" and not after[code].recheck, code
    changed = {c for c in before if c != "MET-09"}
    earlier, later = checklist_of(versions["2.0.0"]), checklist_of(versions["2.1.0"])
    reworded = {c for c in changed if earlier.requirement(c).statement != later.requirement(c).statement}
    assert {c for c in changed if after[c].recheck} == reworded


def test_an_assessment_on_1_0_0_upgrades_to_2_1_0_through_2_0_0(runner, make_unit, make_user):
    versions = _store_shipped("csi-sop-enfsi-1.0.0.yaml", "csi-sop-enfsi-2.0.0.yaml", "csi-sop-enfsi-2.1.0.yaml")
    unit = make_unit("SRB")
    head = make_user("unit_head", units=[unit])
    assessment = create_assessment(unit=unit, version=versions["1.0.0"], title="Old", modules=["firearms"], user=head)
    before = _answer_everything(assessment)
    earlier, middle, latest = (checklist_of(versions[v]) for v in ("1.0.0", "2.0.0", "2.1.0"))

    result = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "2.1.0"])

    direct = lineage(earlier, middle)  # what 1.0.0 -> 2.0.0 carried; 2.1.0 keeps every 2.0.0 answer
    assert f"carried over {len(before) - len(direct.retired)} of {len(before)} answers" in result.output.splitlines()
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id))
    assert new.checklist_version.version == "2.1.0"
    after = {r.requirement.code: r for r in new.responses}
    chained = lineage(earlier, latest, [middle])
    for code, carry in chained.carries.items():
        if carry.kind == "new":
            assert after[code].value is None, code
            continue
        assert after[code].value == min(before[e][0] for e in carry.earlier), code
        assert after[code].carried_from.startswith("1.0.0 "), code
    assert set(chained.successors("MET-09")) == {"MET-09", "MET-15"}
    assert chained.carries["MET-15"].earlier == direct.carries["MET-09"].earlier


def test_an_upgrade_through_a_version_that_is_not_loaded_is_refused_in_words(make_unit, make_user):
    versions = _store_shipped("csi-sop-enfsi-1.0.0.yaml", "csi-sop-enfsi-2.1.0.yaml")
    unit = make_unit("MKD")
    head = make_user("unit_head", units=[unit])
    assessment = create_assessment(unit=unit, version=versions["1.0.0"], title="Old", modules=[], user=head)
    db.session.commit()
    with pytest.raises(UpgradeRefused, match=r"goes through version 2\.0\.0, which is not loaded"):
        plan_upgrade(assessment, versions["2.1.0"])
    assert db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id)) is None


def test_flask_checklists_load_stores_every_shipped_version(runner):
    result = runner.invoke(args=["checklists", "load"])
    assert result.exit_code == 0, result.output
    stored = sorted(v.version for v in db.session.scalars(select(ChecklistVersion)))
    assert {"1.0.0", "1.1.0", "2.0.0", "2.1.0", "2.1.1"} <= set(stored)
    again = runner.invoke(args=["checklists", "load"])  # loading twice stores nothing new
    assert again.exit_code == 0 and sorted(v.version for v in db.session.scalars(select(ChecklistVersion))) == stored


def test_an_assessment_on_2_0_0_upgrades_to_the_latest_through_2_1_0(runner, make_unit, make_user):
    """The chain goes on: 2.0.0 -> 2.1.0 -> 2.1.1 carries every answer, MET-09's to both halves."""
    versions = _store_shipped("csi-sop-enfsi-2.0.0.yaml", "csi-sop-enfsi-2.1.0.yaml", "csi-sop-enfsi.yaml")
    unit = make_unit("MNE")
    head = make_user("unit_head", units=[unit])
    assessment = create_assessment(
        unit=unit, version=versions["2.0.0"], title="On 2.0", modules=["firearms"], user=head
    )
    before = _answer_everything(assessment)

    result = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "2.1.1"])

    assert f"carried over {len(before)} of {len(before)} answers" in result.output.splitlines(), result.output
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id))
    assert new.checklist_version.version == "2.1.1"
    after = {r.requirement.code: r for r in new.responses}
    assert {code: (after[code].value, after[code].evidence_note) for code in before} == before
    assert after["MET-15"].value == before["MET-09"][0]


SCENE_TYPES = ["fire-explosion", "vehicles", "deceased", "dvi-graves", "cbrn-labs", "digital"]


def test_an_assessment_on_2_1_0_upgrades_to_2_1_1_with_the_scene_types_it_had_as_core(runner, make_unit, make_user):
    """In 2.1.0 DIG, FIR, VEH, DEC, DVI and CBR were core: the upgraded draft takes their modules and answers."""
    versions = _store_shipped("csi-sop-enfsi-2.1.0.yaml", "csi-sop-enfsi.yaml")
    unit = make_unit("KOS")
    head = make_user("unit_head", units=[unit])
    assessment = create_assessment(unit=unit, version=versions["2.1.0"], title="No firearms", modules=[], user=head)
    before = _answer_everything(assessment)
    assert {"DIG-01", "FIR-01", "VEH-01", "DEC-01", "DVI-01", "CBR-01"} <= set(before)

    result = runner.invoke(args=["assessments", "upgrade", str(assessment.id), "--to", "2.1.1"])

    assert f"carried over {len(before)} of {len(before)} answers" in result.output.splitlines(), result.output
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id))
    assert sorted(new.modules) == sorted(SCENE_TYPES)  # firearms stays left out, as the unit chose
    after = {r.requirement.code: r for r in new.responses}
    assert {code: (after[code].value, after[code].evidence_note) for code in before} == before
    assert not any(code.startswith("FLT-") for code in after)


def test_a_first_assessment_upgrades_as_a_first_assessment(make_unit, make_user):
    versions = _store_shipped("csi-sop-enfsi-2.1.0.yaml", "csi-sop-enfsi.yaml")
    unit = make_unit("ALB")
    head = make_user("unit_head", units=[unit])
    assessment = create_assessment(
        unit=unit, version=versions["2.1.0"], title="First", modules=["firearms"], user=head, focus="essentials"
    )
    before = _answer_everything(assessment)
    new, plan = upgrade_assessment(assessment, versions["2.1.1"], head)
    db.session.commit()
    later = checklist_of(versions["2.1.1"])
    assert new.focus == "essentials"
    assert {r.requirement.code for r in new.responses} == {
        r.id for r in later.requirements(new.modules) if r.criticality == "essential"
    }
    after = {r.requirement.code: r.value for r in new.responses}
    kept = [code for code in before if code in after]
    assert kept and all(after[code] == before[code][0] for code in kept)
    assert all("not essential" in why for _rid, why in plan.left)


MINI_PLAIN = DATA / "mini-plain.yaml"


@pytest.fixture
def mini_plain(mini_version) -> ChecklistVersion:
    """Version 1.1.0: AAA-01 reworded in plain words and marked the same duty; BBB-01 reworded, unmarked."""
    checklist, text = load_checklist_file(MINI_PLAIN)
    store_checklist(checklist, text, MINI_PLAIN.name)
    return db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == "1.1.0"))


def test_a_plain_words_rewording_marked_the_same_duty_carries_without_a_recheck(scored, mini_plain):
    assessment, head = scored
    plan = plan_upgrade(assessment, mini_plain)
    assert [c.requirement_id for c in plan.plain_words] == ["AAA-01"]
    assert [c.requirement_id for c in plan.to_recheck] == ["BBB-01", "BBB-02"]  # unmarked; marked onto records
    new, _plan = upgrade_assessment(assessment, mini_plain, head)
    db.session.commit()
    marked = response_of(new, "AAA-01")
    assert (marked.value, marked.recheck) == (3, False)
    assert marked.carried_from == "1.0.0 AAA-01 (reworded in plain words, same duty)"
    unmarked = response_of(new, "BBB-01")
    assert (unmarked.value, unmarked.recheck, unmarked.carried_from) == (1, True, "1.0.0 BBB-01 (reworded)")


def test_the_upgrade_page_and_the_card_say_reworded_in_plain_words_same_duty(client, scored, mini_plain, login, post):
    assessment, head = scored
    login(head)
    preview = text_of(client.get(f"/assessments/{assessment.id}/upgrade?to=1.1.0"))
    assert "1 requirement reworded in plain words, same duty: its answer carries without a re-check" in preview
    assert "2 requirements to re-check" in preview
    post(f"/assessments/{assessment.id}/upgrade", {"to": "1.1.0"})
    new = db.session.scalar(select(Assessment).where(Assessment.predecessor_id == assessment.id))
    cards = text_of(client.get(f"/assessments/{new.id}/score"))
    assert "Carried over from 1.0.0 AAA-01 (reworded in plain words, same duty) without a re-check" in cards
    beta = text_of(client.get(f"/assessments/{new.id}/score?section=BBB"))
    assert "Carried over from 1.0.0 BBB-01 (reworded). The requirement changed" in beta


def test_the_plain_words_of_2_1_1_ask_nothing_to_be_checked_again(make_unit, make_user):
    """2.1.1 rewords 280 statements in plain words with the same duties and elements: an upgrade from
    2.1.0 carries every answer and asks only FSD-01, whose elements follow the seizure record now,
    to be checked again."""
    versions = _store_shipped("csi-sop-enfsi-2.1.0.yaml", "csi-sop-enfsi.yaml")
    unit = make_unit("CRO")
    head = make_user("unit_head", units=[unit])
    modules = [m.id for m in checklist_of(versions["2.1.0"]).modules]
    assessment = create_assessment(unit=unit, version=versions["2.1.0"], title="All", modules=modules, user=head)
    before = _answer_everything(assessment)
    plan = plan_upgrade(assessment, versions["2.1.1"])
    assert [c.requirement_id for c in plan.to_recheck] == ["FSD-01"] and len(plan.plain_words) == 280
    new, _plan = upgrade_assessment(assessment, versions["2.1.1"], head)
    db.session.commit()
    after = {r.requirement.code: r for r in new.responses}
    assert {code: (after[code].value, after[code].evidence_note) for code in before} == before
    assert [r.requirement.code for r in new.responses if r.recheck] == ["FSD-01"]
