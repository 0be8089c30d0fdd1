"""A fictional unit with its people and an assessment at the consultation stage.

Everything here is invented: "Demo CSI Unit" is no real unit and its scores describe no
real jurisdiction. The unit's self-assessment is complete; an expert has reviewed most
cards (the unit over-rated its management system and methods and under-rated its scene
recording), a consultation was held, findings are classified and the gaps are grouped
into actions. ``full`` reviews and agrees every card: the benchmark's worst case.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.domain.checklist import Checklist, Requirement
from app.domain.scoring import Basis, Scope
from app.extensions import db
from app.models import Assessment, Sop, Unit, User
from app.services.assessment.access import Action
from app.services.assessment.assessments import create_assessment, record_scores, score_sheet
from app.services.assessment.parts import take_part
from app.services.assessment.plans import suggest_actions
from app.services.assessment.responses import ResponseInput, save_response
from app.services.content.checklists import checklist_of, latest_versions, load_checklist_files, shipped_checklist_paths
from app.services.demo.demo_review import review_demo

DEMO_CODE = "DEMO"
DEMO_TITLE = "Self-assessment of scene SOPs with SEESAC review"
FULL_TITLE = "Full assessment (every requirement scored and reviewed)"
SELF_TITLE = "Full self-assessment (every requirement scored, no review yet)"

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
    ("SOP-12", "Electronic devices at scenes", "0.9", dt.date(2025, 3, 3)),
]

#: Which document a section's requirements are usually found in.
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
    "DIG": "SOP-12",
    "FIR": "SOP-03",
    "VEH": "SOP-05",
    "DEC": "SOP-02",
    "DVI": "SOP-02",
    "CBR": "SOP-03",
}

#: The expert's view of each section (typical level) and how the unit rated itself against
#: it: +1 over-rated (management system, methods, 3D-printed firearms), -1 under-rated
#: (scene recording, packaging), 0 about right.
PROFILE = {
    "GOV": (0.5, 1),
    "MGT": (1.1, 1),
    "PER": (1.8, 0),
    "EQP": (2.0, 0),
    "INI": (2.3, 0),
    "HSE": (2.0, 0),
    "STR": (1.5, 0),
    "REC": (2.4, -1),
    "CON": (1.6, 0),
    "RCV": (2.4, -1),
    "CUS": (2.3, 0),
    "MET": (0.5, 1),
    "QAC": (1.1, 0),
    "REP": (1.8, 0),
    "NCW": (1.0, 1),
    "DIG": (1.2, 0),
    "FIR": (1.0, 0),
    "VEH": (1.8, 0),
    "DEC": (1.9, 0),
    "DVI": (0.6, 0),
    "CBR": (0.8, 1),
    "FAS": (2.2, 0),
    "FID": (1.9, 0),
    "FEX": (1.5, 0),
    "FBA": (2.3, 0),
    "FIN": (1.2, 0),
    "FPM": (0.3, 1),
    "FSD": (1.0, 0),
    "FLT": (1.6, 0),
    "FAM": (1.4, 0),
    "FST": (2.0, 0),
}

NOTES = {
    0: [
        "No SOP text on this point. The unit head confirmed that practice depends on the individual CSI.",
        "Nothing on this in the SOPs or the quality manual; none of the three case files sampled shows it either.",
        "Not covered. Staff described an informal habit that is neither written down nor recorded.",
    ],
    1: [
        "{sop} § {sec} mentions this in one sentence; it does not say who does it or what is recorded.",
        "Partly covered in {sop} § {sec}: the principle is there, the steps and the record are not.",
        "{sop} § {sec} covers part of it; the rest is left to the duty CSI.",
    ],
    2: [
        "{sop} § {sec} covers the main points; the record to keep is not specified.",
        "Largely covered by {sop} § {sec}. One element is missing: who checks that it was done.",
        "{sop} § {sec} sets this out clearly; the review of its use is not yet written in.",
    ],
    3: [
        "Fully covered in {sop} § {sec}, with the form to fill in attached as an annex.",
        "{sop} § {sec} sets this out in full: steps, responsibilities and the record.",
    ],
}

NOT_APPLICABLE_HINTS = {
    "drone": "The unit does not operate drones; aerial images are taken by the police air unit under its own procedures.",
    "3d scan": "The unit has no 3D scanner; scans are made by the national forensic laboratory, which holds their validation.",
}

PEOPLE = [
    ("unit_head", "ana.petrovic@demo-csi.example", "Ana Petrović", "Head of the crime scene unit"),
    ("assessor", "luka.horvat@demo-csi.example", "Luka Horvat", "Quality officer"),
    ("expert", "marko.kovac@seesac.example", "Dr Marko Kovač", "SEESAC expert"),
    ("viewer", "director@demo-police.example", "Director Jelena Marić", "Police director"),
]


@dataclass
class DemoOutcome:
    """What ``flask demo`` made or found, with the passwords of the people it created (shown once)."""

    unit: Unit
    assessment: Assessment
    created: bool
    passwords: list[tuple[User, str]] = field(default_factory=list)


def ensure_checklists() -> Checklist:
    """Load the shipped checklists when they are not loaded yet; the newest version of the first."""
    load_checklist_files(shipped_checklist_paths(current_app.config["CHECKLISTS_DIR"]))
    versions = latest_versions()
    if not versions:
        raise RuntimeError("no checklist could be loaded")
    return versions[0]


def ensure_unit() -> Unit:
    """The demo unit with its document register, created once."""
    unit = db.session.scalar(select(Unit).where(Unit.code == DEMO_CODE))
    if unit is None:
        unit = Unit(code=DEMO_CODE, name="Demo CSI Unit", jurisdiction="Demoland (fictional)")
        unit.sops = [Sop(code=c, title=t, version=v, issued_on=d) for c, t, v, d in SOPS]
        db.session.add(unit)
        db.session.flush()
    return unit


def ensure_people(unit: Unit) -> tuple[dict[str, User], list[tuple[User, str]]]:
    """The demo's people by role, and the passwords of those created now."""
    people, created = {}, []
    for role, email, name, _title in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User(email=email, name=name, role=role, password_hash=generate_password_hash(password))
            user.units = [unit]
            db.session.add(user)
            created.append((user, password))
        people[role] = user
    db.session.flush()
    return people, created


def true_level(rng: random.Random, mean: float, criticality: str) -> int:
    """The level the expert finds: units tend to write down the essentials first."""
    nudge = 0.2 if criticality == "essential" else 0.0
    return max(0, min(3, round(rng.gauss(mean + nudge, 0.7))))


def self_answer(rng: random.Random, req: Requirement, sops: dict[str, Sop], level: int) -> ResponseInput:
    """The unit's own answer at ``level``, with a note that matches it."""
    title = str(req.title).lower()
    for hint, justification in NOT_APPLICABLE_HINTS.items():
        if hint in title:
            return ResponseInput(not_applicable=True, na_justification=justification)
    sop = sops.get(SECTION_SOP.get(req.section_id, "SOP-09" if req.module == "firearms" else ""))
    section = f"{rng.randint(2, 9)}.{rng.randint(1, 6)}"
    draw = rng.random()
    if req.needs_site_visit and draw < 0.3:
        return ResponseInput(
            not_evidenced=True,
            evidence_note="The register and the records behind it were not brought to the review; to be shown on site.",
        )
    note = rng.choice(NOTES[level]).format(sop=sop.code if sop else "The SOPs", sec=section)
    # Records were shown for some of what only records can decide; the rest stays to verify on site.
    basis = Basis.RECORDS if req.needs_site_visit and draw > 0.6 else Basis.SOP_TEXT
    if basis is Basis.RECORDS:
        note += " Records for the last quarter were shown."
    return ResponseInput(
        value=level,
        basis=basis,
        citations=[(sop.id, section)] if sop and level > 0 else [],
        evidence_note=note,
    )


def make_demo(full: bool = False, seed: int = 17, reviewed: bool = True) -> DemoOutcome:
    """The demo unit, its people and its assessment at the consultation stage.

    ``full``: every card reviewed and agreed. ``reviewed=False``: the self-assessment alone
    (every requirement scored, with notes, and the suggested action plan).
    """
    version = ensure_checklists()
    unit = ensure_unit()
    people, passwords = ensure_people(unit)
    title = (FULL_TITLE if full else DEMO_TITLE) if reviewed else SELF_TITLE
    existing = db.session.scalar(select(Assessment).where(Assessment.unit_id == unit.id, Assessment.title == title))
    if existing is not None:
        db.session.commit()
        return DemoOutcome(unit, existing, False, passwords)
    checklist = checklist_of(version)
    assessment = create_assessment(
        unit=unit,
        version=version,
        title=title,
        modules=[m.id for m in checklist.modules],
        scope=Scope.DESK,
        assessors="Ana Petrović (unit head), Luka Horvat (quality officer); reviewed by Dr Marko Kovač (SEESAC)",
        assessed_on=dt.date.today() - dt.timedelta(days=30),
        user=people["unit_head"],
    )
    sheet = score_sheet(assessment)
    sops = {s.code: s for s in unit.sops}
    rng = random.Random(seed)
    truth: dict[str, int] = {}
    for section in checklist.sections_for(assessment.modules, assessment.focus):
        mean, bias = PROFILE.get(section.id, (1.5, 0))
        for req in section.requirements:
            truth[req.id] = true_level(rng, mean, req.criticality)
            draw = rng.random()
            # Most self-scores in a biased section are one level off; a few are two.
            own = max(0, min(3, truth[req.id] + (2 * bias if draw < 0.1 else bias if draw < 0.6 else 0)))
            response = sheet.responses[req.id]
            scorer = people["assessor" if rng.random() < 0.5 else "unit_head"]
            save_response(
                sheet, req.id, self_answer(rng, req, sops, own), expected_version=response.version, user=scorer
            )
            take_part(assessment, scorer, Action.SCORE)
    if reviewed:
        review_demo(sheet, people, truth, rng, full=full)
    else:
        suggest_actions(sheet, people["unit_head"])
    sheet.refresh()
    record_scores(assessment, sheet.result)
    db.session.commit()
    return DemoOutcome(unit, assessment, True, passwords)
