"""A round's data set: CSV tables with a Frictionless datapackage.json, named and anonymised."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from frictionless import Package, validate
from sqlalchemy import select

from app.extensions import db
from app.models import Citation, Event, PlannedAction, Review
from app.services.programme.anonymity import anonymous_labels
from app.services.programme.dataset import FILES, DatasetRefused, build_dataset
from tests.conftest import answer_the_rest, finalise, text_of

PROGRAMME = "Western Balkans CSI SOP assessment"
#: Everything the anonymised form must never hold: names, codes, jurisdictions, people, titles.
UNITS = (
    ("WBT1", "Tirana Scene Unit", "Albania"),
    ("WBP2", "Podgorica Forensic Centre", "Montenegro"),
    ("WBS3", "Skopje Crime Scene Department", "North Macedonia"),
    ("WBB4", "Banja Luka Technical Unit", "Bosnia and Herzegovina"),
)
PEOPLE = ("Marta Kovač", "Ivana Petrović", "Dragan Jović")
DOCUMENTS = ("Crime scene handling manual", "SOP-PG-07", "Podgorica self-assessment 2026")


def responses(assessment) -> dict:
    return {r.requirement.code: r for r in assessment.responses}


def read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.fixture
def round_world(make_unit, make_user, make_programme, make_assessment, make_sop):
    """Four units: one with an agreed score and an action, one finalised, one barely evidenced, one without an assessment."""
    tirana, podgorica, skopje, banja_luka = (make_unit(code, name, place) for code, name, place in UNITS)
    staff = make_user("programme_staff", email="staff@wb.example", name="Programme Staff")
    head = make_user("unit_head", units=[podgorica], email="marta@wb.example", name=PEOPLE[0])
    programme = make_programme(PROGRAMME, units=[tirana, podgorica, skopje, banja_luka], members=[staff])
    found = programme.rounds[0]

    # Tirana: AAA-01 at 1 (a major gap), AAA-02 at 2 by the unit, 3 by the expert and agreed; the rest at 3.
    first = make_assessment(tirana, title="Tirana self-assessment 2026")
    first.round = found
    own = responses(first)
    own["AAA-01"].value, own["AAA-01"].basis = 1, "sop_text"
    agreed = own["AAA-02"]
    agreed.value, agreed.basis, agreed.evidence_note = 2, "sop_text", f"Checked with {PEOPLE[2]} at the HQ"
    db.session.add(Review(response=agreed, value=3, agreed_value=3, comment=f"{PEOPLE[1]} showed the role list"))
    sop = make_sop(podgorica, code=DOCUMENTS[1], title=DOCUMENTS[0])
    db.session.add(
        PlannedAction(
            assessment_id=first.id,
            title=f"{PEOPLE[2]} to rewrite the {DOCUMENTS[0]}",
            owner=PEOPLE[1],
            notes="Podgorica HQ",
            remedy="records-procedure",
            due_on=dt.date(2026, 9, 30),
            status="agreed",
            effort="weeks",
            cost="low",
            gaps=[own["AAA-01"]],
        )
    )
    db.session.commit()
    answer_the_rest(first, 3)

    # Podgorica: every requirement at 2, finalised as an internal check by its unit head, citing an SOP.
    second = make_assessment(podgorica, title=DOCUMENTS[2])
    second.round, second.assessors = found, PEOPLE[0]
    responses(second)["AAA-01"].citations.append(Citation(sop=sop, section="4.2"))
    db.session.commit()
    answer_the_rest(second, 2)
    finalise(second, head)

    # Skopje: one requirement scored, the others not evidenced: too little to show any score.
    third = make_assessment(skopje, title="Skopje draft")
    third.round = found
    for code, response in responses(third).items():
        if code == "AAA-01":
            response.value, response.basis = 3, "sop_text"
        else:
            response.not_evidenced = True
    db.session.commit()
    return {"round": found, "staff": staff, "head": head, "assessments": (first, second, third)}


def rows_of(dataset, table: str) -> list[dict]:
    return read_csv(dataset.files[f"{table}.csv"])


def by_unit(rows: list[dict]) -> dict[str, dict]:
    return {row["unit"]: row for row in rows}


# --- the package and its schema -------------------------------------------------------------


@pytest.mark.parametrize("anonymise", [False, True], ids=["named", "anonymised"])
def test_the_package_is_valid_and_every_table_matches_its_schema(round_world, runner, tmp_path, anonymise):
    out = tmp_path / "out"
    result = runner.invoke(args=["export", "dataset", "2026", "-o", str(out), *(["--anonymise"] if anonymise else [])])
    assert result.exit_code == 0, result.output
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])
    package = Package(str(out / "datapackage.json"))
    assert [r.name for r in package.resources] == ["units", "sections", "requirements", "actions"]
    for resource in package.resources:
        assert resource.validate().valid, resource.name
        for field in resource.schema.fields:
            assert field.description, (resource.name, field.name)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)


def test_a_figure_out_of_its_range_or_a_changed_file_fails_validation(round_world, runner, tmp_path):
    out = tmp_path / "out"
    runner.invoke(args=["export", "dataset", "2026", "-o", str(out)])
    units = out / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace(",0.875,", ",1.875,"), encoding="utf-8")
    errors = validate(str(out / "datapackage.json")).flatten(["type"])
    assert ["constraint-error"] in errors and ["hash-count"] in errors


def test_the_package_says_what_it_holds_how_it_was_counted_and_under_which_licence(round_world, mini_version):
    descriptor = json.loads(build_dataset(round_world["round"]).files["datapackage.json"])
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "title": "Creative Commons Attribution 4.0 International",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]
    assert descriptor["checklists"] == [
        {
            "id": "mini",
            "version": "1.0.0",
            "title": "Mini checklist",
            "language": "en",
            "content_hash": mini_version.content_hash,
            "content_hash_algorithm": "SHA-256 of the checklist's canonical JSON content",
            "references": ["GUIDE", "ISO17020"],
        }
    ]
    assert descriptor["programme"] == PROGRAMME and descriptor["round"] == "2026"
    assert descriptor["form"] == "named" and descriptor["created"].endswith("Z")
    description = descriptor["description"]
    assert "agreed after the external expert's review where one was agreed, else the unit's own" in description
    assert "evidence coverage under 50 %" in description and "No free text is exported" in description
    fields = {(r["name"], f["name"]): f for r in descriptor["resources"] for f in r["schema"]["fields"]}
    assert fields[("units", "overall_score")]["unit"] == "share 0-1"
    assert fields[("units", "overall_score")]["constraints"] == {"minimum": 0, "maximum": 1}
    assert fields[("requirements", "counted_value")]["unit"] == "level 0-3"
    assert fields[("requirements", "counted_value")]["constraints"] == {"minimum": 0, "maximum": 3}
    assert "coverage_below_half" in fields[("units", "overall_withheld")]["constraints"]["enum"]


def test_the_licence_follows_the_configuration(app, round_world):
    app.config["DATASET_LICENCE"] = "CC0-1.0"
    descriptor = json.loads(build_dataset(round_world["round"]).files["datapackage.json"])
    assert descriptor["licenses"][0]["name"] == "CC0-1.0"
    assert descriptor["licenses"][0]["path"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    app.config["DATASET_LICENCE"] = {"name": "other", "title": "The programme's own terms"}
    descriptor = json.loads(build_dataset(round_world["round"]).files["datapackage.json"])
    assert descriptor["licenses"] == [{"name": "other", "title": "The programme's own terms"}]


# --- the figures, checked by hand -----------------------------------------------------------


def test_the_figures_count_the_agreed_level_where_agreed_else_the_units_own(round_world):
    dataset = build_dataset(round_world["round"])
    units = by_unit(rows_of(dataset, "units"))
    assert list(units) == ["WBB4", "WBP2", "WBS3", "WBT1"]  # by code in the named form
    tirana = units["WBT1"]
    # AAA: (3 x 1/3 + 2 x 3/3 + 1 x 1) / 6 = 4/6; BBB and FFF full: (4 + 5 + 5) / 16 = 0.875.
    assert tirana["overall_score"] == "0.875" and tirana["overall_withheld"] == ""
    assert (tirana["evidence_coverage"], tirana["completeness"]) == ("1.0", "1.0")
    assert (tirana["requirements"], tirana["scored"], tirana["gaps"], tirana["major_gaps"]) == ("7", "7", "1", "1")
    assert (tirana["stage"], tirana["finalised"], tirana["reviewed"]) == ("self_assessment", "false", "false")
    assert (tirana["checklist"], tirana["scope"], tirana["focus"], tirana["modules"]) == (
        "mini@1.0.0",
        "onsite",
        "full",
        "firearms",
    )
    assert tirana["unit_name"] == "Tirana Scene Unit" and tirana["jurisdiction"] == "Albania"
    assert tirana["assessment_id"] == str(round_world["assessments"][0].id)

    podgorica = units["WBP2"]
    assert podgorica["overall_score"] == "0.6667"  # every requirement at 2 of 3
    assert (podgorica["finalised"], podgorica["gaps"], podgorica["major_gaps"]) == ("true", "7", "0")

    sections = {(r["unit"], r["section"]): r for r in rows_of(dataset, "sections")}
    assert sections[("WBT1", "AAA")]["score"] == "0.6667"
    assert sections[("WBT1", "AAA")]["section_title"] == "Alpha section"
    assert sections[("WBT1", "FFF")]["module"] == "firearms" and sections[("WBT1", "AAA")]["module"] == ""

    requirements = {(r["unit"], r["requirement"]): r for r in rows_of(dataset, "requirements")}
    agreed = requirements[("WBT1", "AAA-02")]
    assert (agreed["counted_value"], agreed["counted_from"]) == ("3", "agreed")
    assert (agreed["self_answer"], agreed["self_value"]) == ("level", "2")
    assert (agreed["expert_value"], agreed["agreed_value"]) == ("3", "3")
    assert (agreed["gap"], agreed["major_gap"]) == ("false", "false")
    major = requirements[("WBT1", "AAA-01")]
    assert (major["counted_value"], major["counted_from"], major["gap"], major["major_gap"]) == (
        "1",
        "self",
        "true",
        "true",
    )
    assert (major["criticality"], major["section"], major["state"], major["basis"]) == (
        "essential",
        "AAA",
        "scored",
        "sop_text",
    )
    assert major["expert_answer"] == "" and major["agreed_value"] == ""

    (action,) = rows_of(dataset, "actions")
    assert action == {
        "unit": "WBT1",
        "action": "1",
        "status": "agreed",
        "due_on": "2026-09-30",
        "effort": "weeks",
        "cost": "low",
        "remedy": "records-procedure",
        "requirements": "AAA-01",
        "carried_over": "false",
    }


def test_a_score_under_half_evidence_coverage_is_left_empty_with_the_reason(round_world):
    dataset = build_dataset(round_world["round"])
    skopje = by_unit(rows_of(dataset, "units"))["WBS3"]
    assert skopje["overall_score"] == "" and skopje["overall_withheld"] == "coverage_below_half"
    assert skopje["evidence_coverage"] == "0.1429"  # 1 of 7 scored from evidence
    assert (skopje["scored"], skopje["not_evidenced"], skopje["completeness"]) == ("1", "6", "1.0")
    sections = {r["section"]: r for r in rows_of(dataset, "sections") if r["unit"] == "WBS3"}
    assert sections["AAA"]["score"] == "" and sections["AAA"]["withheld"] == "coverage_below_half"
    requirement = next(
        r for r in rows_of(dataset, "requirements") if (r["unit"], r["requirement"]) == ("WBS3", "BBB-01")
    )
    assert (requirement["state"], requirement["counted_value"], requirement["gap"]) == ("not_evidenced", "", "")


def test_a_unit_without_an_assessment_has_a_row_that_says_so(round_world):
    dataset = build_dataset(round_world["round"])
    banja_luka = by_unit(rows_of(dataset, "units"))["WBB4"]
    assert banja_luka["has_assessment"] == "false" and banja_luka["overall_withheld"] == "no_assessment"
    assert banja_luka["overall_score"] == banja_luka["stage"] == ""
    assert not [r for r in rows_of(dataset, "requirements") if r["unit"] == "WBB4"]
    assert (dataset.units, dataset.assessed, dataset.tables) == (4, 3, 4)


# --- the anonymised form --------------------------------------------------------------------


def test_the_anonymised_form_names_no_unit_code_jurisdiction_person_or_document(round_world, runner, tmp_path):
    out = tmp_path / "anonymised"
    result = runner.invoke(args=["export", "dataset", "2026", "-o", str(out), "--anonymise"])
    assert result.exit_code == 0, result.output
    texts = {path.name: path.read_text(encoding="utf-8").casefold() for path in out.iterdir()}
    forbidden = [term for unit in UNITS for term in unit] + list(PEOPLE) + list(DOCUMENTS)
    for name, text in texts.items():
        for term in forbidden:
            assert term.casefold() not in text, (term, name)
            assert term.casefold() not in name, (term, name)
    units = read_csv((out / "units.csv").read_bytes())
    assert "assessment_id" not in units[0] and "unit_name" not in units[0] and "jurisdiction" not in units[0]
    assert "assessed_on" not in units[0]
    descriptor = json.loads(texts["datapackage.json"])
    names = {f["name"] for r in descriptor["resources"] for f in r["schema"]["fields"]}
    assert not names & {"unit_name", "jurisdiction", "assessment_id", "assessed_on"}


def test_the_anonymised_form_keys_units_by_the_rounds_letters_in_their_order(round_world):
    found = round_world["round"]
    dataset = build_dataset(found, anonymise=True)
    units = rows_of(dataset, "units")
    letters = anonymous_labels(found, found.programme.units)
    assert [row["unit"] for row in units] == ["A", "B", "C", "D"]  # by letter, never by code
    skopje = next(u for u in found.programme.units if u.code == "WBS3")
    assert by_unit(units)[letters[skopje.id]]["overall_withheld"] == "coverage_below_half"
    assert {r["unit"] for r in rows_of(dataset, "requirements")} <= set("ABCD")


def test_a_programme_or_round_named_after_a_unit_or_jurisdiction_is_not_named_in_the_anonymised_form(round_world):
    found = round_world["round"]
    found.programme.name = "Albania and neighbours pilot"
    descriptor = json.loads(build_dataset(found, anonymise=True).files["datapackage.json"])
    assert "programme" not in descriptor and "albania" not in json.dumps(descriptor).casefold()
    assert descriptor["round"] == "2026"
    found.label = "Tirana pilot"
    dataset = build_dataset(found, anonymise=True)
    descriptor = json.loads(dataset.files["datapackage.json"])
    assert "round" not in descriptor and "tirana" not in json.dumps(descriptor).casefold()
    assert dataset.zip_name == f"dataset-round-{found.id}-anonymised.zip"
    assert build_dataset(found).zip_name == "dataset-round-Tirana-pilot.zip"  # the named form names it


def test_the_anonymised_form_is_refused_for_fewer_than_three_assessed_units(
    make_unit, make_programme, make_assessment, runner, tmp_path
):
    first, second, third = make_unit("XA1"), make_unit("XA2"), make_unit("XA3")
    found = make_programme("Pair", units=[first, second, third]).rounds[0]
    for unit in (first, second):
        make_assessment(unit).round = found
    db.session.commit()
    with pytest.raises(DatasetRefused, match="2 units with an assessment; an anonymised data set needs at least 3"):
        build_dataset(found, anonymise=True)
    out = tmp_path / "pair"
    result = runner.invoke(args=["export", "dataset", "2026", "-o", str(out), "--anonymise"])
    assert result.exit_code == 1 and "a letter among so few is nearly a name" in result.output
    assert not out.exists()
    assert runner.invoke(args=["export", "dataset", "2026", "-o", str(out)]).exit_code == 0  # the named form is fine


# --- the command line -----------------------------------------------------------------------


def test_the_command_says_what_it_wrote_and_audits_it(round_world, runner, tmp_path):
    out = tmp_path / "new" / "folder"
    result = runner.invoke(args=["export", "dataset", "2026", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"Wrote {out}/datapackage.json and 4 tables (4 units, round {PROGRAMME}, round 2026, named)"
    )
    result = runner.invoke(args=["export", "dataset", "2026", "-o", str(out), "--anonymise"])  # over an earlier export
    assert result.exit_code == 0 and result.output.strip().endswith("round 2026, anonymised)")
    events = db.session.scalars(select(Event).where(Event.name == "round.dataset_exported")).all()
    assert [e.summary.split(": ")[1].split(",")[0] for e in events] == ["named data set", "anonymised data set"]
    assert all(e.object_id == str(round_world["round"].id) for e in events)


def test_the_command_refuses_an_unknown_round_and_a_folder_with_other_files(round_world, runner, tmp_path):
    result = runner.invoke(args=["export", "dataset", "1999", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1 and "No round '1999'" in result.output
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    (busy / "units.csv").write_text("an earlier export")
    result = runner.invoke(args=["export", "dataset", "2026", "-o", str(busy)])
    assert result.exit_code == 1 and "files this export does not write (notes.txt)" in result.output
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt", "units.csv"]
    assert (busy / "units.csv").read_text() == "an earlier export"
    afile = tmp_path / "plain"
    afile.write_text("")
    result = runner.invoke(args=["export", "dataset", "2026", "-o", str(afile)])
    assert result.exit_code == 1 and "is a file, not a folder" in result.output


# --- the web --------------------------------------------------------------------------------


def test_programme_staff_download_both_forms_as_a_zip_of_the_same_files(round_world, client, login, tmp_path):
    found = round_world["round"]
    login(round_world["staff"])
    page = client.get(f"/rounds/{found.id}")
    assert "Data set (CSV, named)" in text_of(page) and "Data set (CSV, anonymised)" in text_of(page)
    for path, name in (
        ("dataset.zip", "dataset-round-2026.zip"),
        ("dataset-anonymised.zip", "dataset-round-2026-anonymised.zip"),
    ):
        response = client.get(f"/rounds/{found.id}/{path}")
        assert response.status_code == 200 and response.mimetype == "application/zip"
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        assert sorted(archive.namelist()) == sorted(FILES)
        saved = tmp_path / name
        saved.write_bytes(response.data)
        report = validate(str(saved))
        assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "note"])
    units = read_csv(archive.read("units.csv"))
    assert {row["unit"] for row in units} == set("ABCD")
    events = db.session.scalars(select(Event).where(Event.name == "round.dataset_exported")).all()
    assert len(events) == 2 and all(e.user_email == "staff@wb.example" for e in events)


def test_a_unit_head_of_a_programme_unit_gets_404(round_world, client, login):
    login(round_world["head"])
    found = round_world["round"]
    assert client.get(f"/rounds/{found.id}/dataset.zip").status_code == 404
    assert client.get(f"/rounds/{found.id}/dataset-anonymised.zip").status_code == 404


def test_the_anonymised_download_of_a_small_round_goes_back_to_the_round_saying_why(
    make_unit, make_user, make_programme, make_assessment, client, login
):
    unit = make_unit("XA1")
    staff = make_user("programme_staff")
    found = make_programme("Small", units=[unit], members=[staff]).rounds[0]
    make_assessment(unit).round = found
    db.session.commit()
    login(staff)
    response = client.get(f"/rounds/{found.id}/dataset-anonymised.zip", follow_redirects=True)
    assert response.request.path == f"/rounds/{found.id}"
    assert "1 unit with an assessment; an anonymised data set needs at least 3" in text_of(response)
    assert db.session.scalar(select(Event).where(Event.name == "round.dataset_exported")) is None
