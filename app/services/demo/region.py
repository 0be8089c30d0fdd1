"""``flask demo --region``: a fictional regional programme with six units and two rounds.

Everything here is invented. The six jurisdictions (Northvale, Eastmarch, Silverbrook,
Lakemere, Stonereach, Westfold) are made-up names for no real place, their units and people
are fictional, and their scores describe no real police service: any likeness is chance.
The programme exists so that the regional findings report and the progress reports can be
seen at once, on data shaped like a real programme's:

- round 2025: each unit's assessment scored with its own profile (one strong in recording
  and weak in management, one weak everywhere, one strong, one a first assessment of the
  essential requirements only, ...), reviewed by the programme's expert, agreed, finalised,
  with its action plan;
- round 2026: each unit's follow-up (:func:`app.services.programme.follow_up.start_follow_up`)
  with real progress: gaps closed by actions done, a few new gaps, actions in progress,
  overdue and one dropped per unit; most finalised, one still in review.

Running it again finds the programme and changes nothing.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.domain.checklist import Focus
from app.extensions import db
from app.models import Assessment, Programme, Sop, Unit, User
from app.services.demo.demo import SOPS, ensure_checklists
from app.services.demo.region_rounds import Jurisdiction, first_round, follow_up_round
from app.services.formatting import percent
from app.services.programme.programmes import add_member, add_unit, create_programme, create_round

PROGRAMME_NAME = "Western Balkans CSI SOP assessment (demo)"
ROUNDS = ("2025", "2026")
SEED = 2025

_MANAGEMENT = ("GOV", "MGT", "QAC", "NCW")
_RECORDING = ("REC", "RCV", "CUS")
_SCENE = ("INI", "STR", "CON", "RCV")
_FIREARMS = ("FIR", "FAS", "FID", "FEX", "FBA", "FAM", "FIN", "FSD", "FST", "FLT")

#: The six fictional units: how strong each is, where, and how it rates itself.
JURISDICTIONS = (
    Jurisdiction(
        code="NVL",
        place="Northvale",
        head=("mira.dalen@northvale-csi.example", "Mira Dalen"),
        viewer=("director@northvale-police.example", "Director Aron Vesk"),
        profile="strong in scene recording, weak in its management system",
        base=1.6,
        sections={**dict.fromkeys(_RECORDING, 2.6), **dict.fromkeys(_MANAGEMENT, 0.5)},
        bias=1,
        biased=_MANAGEMENT,
        gains=_MANAGEMENT,
    ),
    Jurisdiction(
        code="EMR",
        place="Eastmarch",
        head=("tomas.greve@eastmarch-csi.example", "Tomas Greve"),
        viewer=("director@eastmarch-police.example", "Director Lena Orsk"),
        profile="weak everywhere, rating itself higher than the expert does",
        base=0.6,
        bias=1,
        modules=("firearms",),
        sops=("QM-01", "SOP-02", "SOP-04", "SOP-05", "SOP-09"),
        gains=("REC", "RCV", "HSE"),
    ),
    Jurisdiction(
        code="SVB",
        place="Silverbrook",
        head=("ines.morrow@silverbrook-csi.example", "Ines Morrow"),
        viewer=("director@silverbrook-police.example", "Director Paul Strand"),
        profile="strong across the checklist, modest about it",
        base=2.5,
        bias=-1,
        biased=_RECORDING + _SCENE,
        gains=("DIG", "FPM"),
    ),
    Jurisdiction(
        code="LKM",
        place="Lakemere",
        head=("jana.holt@lakemere-csi.example", "Jana Holt"),
        viewer=("director@lakemere-police.example", "Director Erik Vale"),
        profile="a first assessment: the essential requirements only",
        base=1.3,
        focus=Focus.ESSENTIALS,
        sops=("QM-01", "SOP-02", "SOP-03", "SOP-04", "SOP-05", "SOP-07", "SOP-08", "SOP-09"),
        gains=("CON", "HSE", "PER"),
    ),
    Jurisdiction(
        code="STN",
        place="Stonereach",
        head=("david.roe@stonereach-csi.example", "David Roe"),
        viewer=("director@stonereach-police.example", "Director Maja Fenn"),
        profile="a working management system, weak contamination control and recovery at scenes",
        base=1.7,
        sections={**dict.fromkeys((*_MANAGEMENT, "PER"), 2.5), **dict.fromkeys(("CON", "RCV", "STR"), 0.8)},
        modules=("firearms", "digital"),
        gains=("CON", "RCV"),
        in_review=True,
    ),
    Jurisdiction(
        code="WFD",
        place="Westfold",
        head=("nora.lind@westfold-csi.example", "Nora Lind"),
        viewer=("director@westfold-police.example", "Director Samir Hale"),
        profile="strong on firearms, weak on digital evidence and 3D-printed firearms",
        base=1.5,
        sections={**dict.fromkeys(_FIREARMS, 2.5), "DIG": 0.4, "FPM": 0.3},
        modules=("firearms", "digital", "vehicles"),
        bias=1,
        biased=("DIG", "FPM"),
        gains=("DIG", "FPM", "MET"),
    ),
)

#: The programme's own people: its staff and the expert assigned to it.
PROGRAMME_PEOPLE = (
    ("programme_staff", "programme.officer@wb-programme.example", "Programme officer Hana Brisk", "Programme staff"),
    ("expert", "expert@wb-programme.example", "Dr Viktor Sand", "Expert assigned to the programme"),
)


@dataclass
class RegionOutcome:
    """What ``flask demo --region`` made or found, and the passwords of the people it created (shown once)."""

    programme: Programme
    created: bool
    #: One line per created unit and assessment (or the line saying what was found).
    lines: list[str] = field(default_factory=list)
    #: (person, password, what they are), for the people created now.
    passwords: list[tuple[User, str, str]] = field(default_factory=list)


def _person(role: str, email: str, name: str, title: str, outcome: RegionOutcome, units=()) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User(email=email, name=name, role=role, password_hash=generate_password_hash(password))
        user.units = list(units)
        db.session.add(user)
        outcome.passwords.append((user, password, title))
    return user


def _unit(place: Jurisdiction) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == place.code))
    if unit is None:
        unit = Unit(code=place.code, name=f"{place.place} CSI Unit", jurisdiction=f"{place.place} (fictional)")
        unit.sops = [Sop(code=c, title=t, version=v, issued_on=d) for c, t, v, d in SOPS if c in place.sops_kept]
        db.session.add(unit)
        db.session.flush()
    return unit


def _figures(assessment: Assessment) -> str:
    """The overall score with its evidence coverage, or "withheld" with it."""
    coverage = percent(assessment.coverage)
    if assessment.coverage is None or assessment.coverage < 0.5 or assessment.score is None:
        return f"overall withheld, evidence coverage {coverage}"
    return f"overall {percent(assessment.score)}, evidence coverage {coverage}"


def make_region_demo(seed: int = SEED) -> RegionOutcome:
    """The fictional programme, its six units and people, and both rounds (once; a second run finds it)."""
    version = ensure_checklists()
    existing = db.session.scalar(select(Programme).where(Programme.name == PROGRAMME_NAME))
    if existing is not None:
        count = db.session.query(Assessment).filter(Assessment.round_id.in_([r.id for r in existing.rounds])).count()
        line = (
            f"Found existing programme {existing.id}: {existing.name} "
            f"({len(existing.units)} units, {len(existing.rounds)} rounds, {count} assessments)"
        )
        return RegionOutcome(existing, False, [line])
    rng = random.Random(seed)
    programme = create_programme(PROGRAMME_NAME)
    outcome = RegionOutcome(programme, True)
    staff_role, expert_role = PROGRAMME_PEOPLE
    staff = _person(*staff_role, outcome)
    expert = _person(*expert_role, outcome)
    db.session.flush()
    add_member(programme, staff)
    add_member(programme, expert)
    rounds = [create_round(programme, label) for label in ROUNDS]
    places = []
    for place in JURISDICTIONS:
        unit = _unit(place)
        head = _person("unit_head", *place.head, f"Head of the {unit.name}", outcome, units=[unit])
        _person("viewer", *place.viewer, f"Police director, {place.place}", outcome, units=[unit])
        add_unit(programme, unit)
        places.append((place, unit, head))
        outcome.lines.append(f"Created unit {unit.code}: {unit.name}, {unit.jurisdiction}: {place.profile}")
    db.session.flush()
    firsts = []
    for n, (place, unit, head) in enumerate(places):
        assessment, truth = first_round(place, unit, head, expert, version, rounds[0], rng, day=n)
        firsts.append((assessment, truth))
        outcome.lines.append(
            f"Created assessment {assessment.id} of {unit.code} in round {rounds[0].label}: "
            f"{assessment.title} ({assessment.stage}; {_figures(assessment)})"
        )
    for n, ((place, unit, head), (previous, truth)) in enumerate(zip(places, firsts, strict=True)):
        follow_up = follow_up_round(place, previous, truth, head, expert, rounds[1], rng, day=n)
        outcome.lines.append(
            f"Created follow-up {follow_up.id} of {unit.code} in round {rounds[1].label} from assessment "
            f"{previous.id}: {follow_up.title} ({follow_up.stage}; {_figures(follow_up)})"
        )
    db.session.commit()
    return outcome
