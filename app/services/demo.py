"""A fictional unit with a realistic assessment, for trying the product and for benchmarks.

Everything here is invented: "Demo CSI Unit" is no real unit and its scores describe no
real jurisdiction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.domain.checklist import Checklist, Requirement
from app.extensions import db
from app.models import Assessment, Sop, Unit
from app.models.base import utcnow
from app.services.assessments import ResponseInput, create_assessment, save_response, score_sheet
from app.services.checklists import checklist_of, latest_versions, load_checklist_files, shipped_checklist_paths

DEMO_CODE = "DEMO"
DEMO_TITLE = "Self-assessment of scene SOPs with SEESAC review"
FULL_TITLE = "Full assessment (every requirement scored)"

SOPS = [
    ("QM-01", "Quality manual of the crime scene unit", "2.0", dt.date(2023, 3, 1)),
    ("SOP-02", "Scene attendance, first response and scene control", "1.3", dt.date(2022, 11, 15)),
    ("SOP-03", "Health and safety at scenes", "1.1", dt.date(2021, 6, 1)),
    ("SOP-04", "Scene photography, notes and sketches", "3.0", dt.date(2024, 2, 12)),
    ("SOP-05", "Recovery, packaging and labelling of items", "2.2", dt.date(2024, 5, 20)),
    ("SOP-06", "Development and lifting of fingermarks at scenes", "1.4", dt.date(2023, 9, 4)),
    ("SOP-07", "Biological traces, DNA sampling and contamination avoidance", "1.2", dt.date(2022, 4, 8)),
    ("SOP-08", "Custody, transport and storage of items", "2.0", dt.date(2024, 1, 10)),
    ("SOP-09", "Firearms and ammunition at scenes", "1.0", dt.date(2020, 10, 1)),
    ("SOP-10", "Equipment, consumables and the scene kit", "1.1", dt.date(2022, 1, 25)),
    ("SOP-11", "Training and authorisation of crime scene investigators", "1.0", dt.date(2021, 12, 1)),
]

#: Which SOP a section's requirements are usually found in.
SECTION_SOP = {
    "GOV": "QM-01",
    "MGT": "QM-01",
    "PER": "SOP-11",
    "EQP": "SOP-10",
    "INI": "SOP-02",
    "HSE": "SOP-03",
    "STR": "SOP-02",
    "REC": "SOP-04",
    "CON": "SOP-07",
    "RCV": "SOP-05",
    "CUS": "SOP-08",
    "MET": "SOP-06",
    "QAC": "QM-01",
    "REP": "QM-01",
    "NCW": "QM-01",
}

#: The demo unit's profile: typical level per section (strong on recording and packaging,
#: weak on governance, validation and 3D-printed firearms), and how much of it is scored.
PROFILE = {
    "GOV": (0.9, 1.0),
    "MGT": (1.3, 1.0),
    "PER": (1.8, 1.0),
    "EQP": (2.0, 1.0),
    "INI": (2.3, 1.0),
    "HSE": (2.0, 1.0),
    "STR": (1.5, 1.0),
    "REC": (2.8, 1.0),
    "CON": (1.7, 1.0),
    "RCV": (2.7, 1.0),
    "CUS": (2.3, 1.0),
    "MET": (0.7, 1.0),
    "QAC": (1.1, 0.8),
    "REP": (1.8, 0.6),
    "NCW": (1.0, 0.0),
    "DIG": (1.0, 0.5),
    "FAS": (2.2, 1.0),
    "FID": (1.9, 1.0),
    "FEX": (1.5, 1.0),
    "FBA": (2.3, 1.0),
    "FIN": (1.2, 1.0),
    "FPM": (0.3, 1.0),
    "FSD": (1.0, 0.0),
}

NOTES = {
    0: [
        "No SOP text on this point. The unit head confirmed that practice depends on the individual CSI.",
        "Nothing found in the SOPs or the quality manual; no record of it in the three case files sampled.",
        "Not covered. Staff described an informal practice that is not written down or recorded.",
    ],
    1: [
        "{sop} {sec} mentions this in one sentence; no form or record shows it is done. Two of three sampled case files had nothing.",
        "Partly covered in {sop} {sec}: the principle is stated but who does what, and what is recorded, is not.",
        "{sop} {sec} covers part of it; the rest depends on the duty CSI. Records were incomplete in the case files reviewed.",
    ],
    2: [
        "{sop} {sec} covers the main points; records were complete in two of the three case files sampled.",
        "Largely covered by {sop} {sec}. The remaining gap is the record: the form exists but is not always filled in.",
        "{sop} {sec} sets this out clearly; review of its use is not yet part of the administrative review.",
    ],
    3: [
        "Fully covered in {sop} {sec}; confirmed in the case files sampled.",
        "{sop} {sec} sets this out in full and the records match it.",
    ],
}

#: A consultation remark per section, added to the first response whose level fits it
#: (weak sections: a low score; strong sections: a high one).
SPECIFIC_NOTES = {
    "GOV": (
        False,
        "The quality manual names the unit's legal basis but has no impartiality risk analysis or code of conduct signed by staff.",
    ),
    "MET": (
        False,
        "No validation or verification records exist for any scene technique; the unit relies on manufacturers' instructions.",
    ),
    "FPM": (
        False,
        "No SOP text on 3D-printed or privately made firearms; the unit has not yet met such a case but neighbouring jurisdictions have.",
    ),
    "REC": (
        True,
        "Photography and notes are the unit's strength: photo logs are complete and cross-referenced to item numbers.",
    ),
    "RCV": (
        True,
        "Packaging and sealing are consistently done; sealed packages inspected in the store were intact and signed.",
    ),
}

OWNERS = ["Head of CSI unit", "Quality manager", "Technical manager", "Training officer", "Firearms coordinator"]

NOT_APPLICABLE_HINTS = {
    "drone": "The unit does not operate drones; aerial images are taken by the police air unit under its own procedures.",
    "3d scan": "The unit has no 3D scanner; scans are made by the national forensic laboratory, which holds their validation.",
}


@dataclass(frozen=True)
class DemoOutcome:
    """What ``flask demo`` made or found."""

    unit: Unit
    assessment: Assessment
    created: bool


def ensure_checklists() -> Checklist:
    """Load the shipped checklists when they are not loaded yet; the newest version of the first."""
    load_checklist_files(shipped_checklist_paths(current_app.config["CHECKLISTS_DIR"]))
    versions = latest_versions()
    if not versions:
        raise RuntimeError("no checklist could be loaded")
    return versions[0]


def ensure_unit() -> Unit:
    """The demo unit with its SOP register, created once."""
    unit = db.session.scalar(select(Unit).where(Unit.code == DEMO_CODE))
    if unit is None:
        unit = Unit(code=DEMO_CODE, name="Demo CSI Unit", jurisdiction="Demoland (fictional)")
        unit.sops = [Sop(code=c, title=t, version=v, issued_on=d) for c, t, v, d in SOPS]
        db.session.add(unit)
        db.session.commit()
    return unit


def _level(rng: random.Random, mean: float, criticality: str) -> int:
    # Units tend to write down the essentials first: nudge essential requirements up a little.
    nudge = 0.2 if criticality == "essential" else 0.0
    return max(0, min(3, round(rng.gauss(mean + nudge, 0.7))))


def _answer(rng: random.Random, req: Requirement, sops: dict[str, Sop], level: int, remark: str = "") -> ResponseInput:
    title = str(req.title).lower()
    for hint, justification in NOT_APPLICABLE_HINTS.items():
        if hint in title:
            return ResponseInput(not_applicable=True, na_justification=justification)
    prefix = req.section_id
    sop = sops.get(SECTION_SOP.get(prefix, "SOP-09" if req.module == "firearms" else ""))
    section = f"section {rng.randint(2, 9)}.{rng.randint(1, 6)}"
    note = rng.choice(NOTES[level]).format(sop=sop.code if sop else "The SOPs", sec=section if sop else "")
    if remark:
        note = remark + " " + note
    data = ResponseInput(
        value=level,
        sop_id=sop.id if sop and level > 0 else None,
        sop_section=section if sop and level > 0 else "",
        evidence_note=note,
    )
    if level <= 1 and req.criticality == "essential":
        data.action_owner = rng.choice(OWNERS)
        data.action_due = utcnow().date() + dt.timedelta(days=rng.choice([60, 90, 120, 180]))
        if rng.random() < 0.4:
            data.recommendation = (
                "Agree the wording at the next consultation and pilot it on the following five scenes before approval."
            )
    return data


def make_demo(full: bool = False, seed: int = 17) -> DemoOutcome:
    """The demo unit and its assessment (partly scored; ``full``: every requirement scored)."""
    version = ensure_checklists()
    unit = ensure_unit()
    title = FULL_TITLE if full else DEMO_TITLE
    existing = db.session.scalar(select(Assessment).where(Assessment.unit_id == unit.id, Assessment.title == title))
    if existing is not None:
        return DemoOutcome(unit, existing, False)
    checklist = checklist_of(version)
    modules = [m.id for m in checklist.modules]
    assessment = create_assessment(
        unit=unit,
        version=version,
        title=title,
        modules=modules,
        kind="consultation",
        assessors="Ana Petrović (unit head), Dr Marko Kovač (SEESAC expert)",
        assessed_on=utcnow().date(),
    )
    sheet = score_sheet(assessment)
    sops = {s.code: s for s in unit.sops}
    rng = random.Random(seed)
    for section in checklist.sections_for(modules):
        mean, share = PROFILE.get(section.id, (1.5, 1.0))
        strong, remark = SPECIFIC_NOTES.get(section.id, (False, ""))
        for req in section.requirements:
            if not full and rng.random() >= share:
                continue
            level = _level(rng, mean, req.criticality)
            fits = bool(remark) and (level >= 2) == strong
            data = _answer(rng, req, sops, level, remark if fits else "")
            if fits:
                remark = ""
            save_response(sheet, req.id, data, expected_version=None, user=None, commit=False)
    db.session.commit()
    return DemoOutcome(unit, assessment, True)
