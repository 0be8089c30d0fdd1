"""The data set's ``datapackage.json``: what it holds, how its figures were counted, its licence and checklists.

Written in English, like the tables' schemas (:mod:`app.services.programme.dataset_schema`). In
the anonymised form the programme's name and the round's label appear only where they name no
unit: a round labelled after a unit's town would undo the letters.
"""

from __future__ import annotations

import hashlib
import re

from flask import current_app

from app.domain.scoring import SUFFICIENT_COVERAGE
from app.models import ChecklistVersion, Round, Unit
from app.models.base import utcnow
from app.services.content.checklists import checklist_of
from app.services.programme.anonymity import SMALLEST_GROUP
from app.services.programme.dataset_schema import DECIMALS, TABLES, WITHHELD_REASONS, table_schema

#: Licences a configuration may name by id alone (DATASET_LICENCE); any other id is written as given.
KNOWN_LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": ("Creative Commons Zero 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODC-BY-1.0": ("Open Data Commons Attribution License 1.0", "https://opendatacommons.org/licenses/by/1-0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}


def licence() -> dict:
    """The licence the data sets are published under (``DATASET_LICENCE``: an id such as CC-BY-4.0, or a Frictionless licence)."""
    configured = current_app.config.get("DATASET_LICENCE") or "CC-BY-4.0"
    if isinstance(configured, dict):
        return dict(configured)
    title, path = KNOWN_LICENCES.get(configured, (None, None))
    return {"name": configured, **({"title": title, "path": path} if title else {})}


def mentions(text: str, units: list[Unit]) -> bool:
    """True when ``text`` holds any unit's code, or any word of four letters or more of its name or jurisdiction.

    Words, not whole names: a round labelled after a unit's town names the unit as surely as its
    full name. A generic word (Unit, Forensic) leaves a name out needlessly, which costs nothing.
    """
    lowered = text.casefold()
    words = set(re.findall(r"\w+", lowered))
    for unit in units:
        code = (unit.code or "").strip().casefold()
        if code and re.search(rf"(?<!\w){re.escape(code)}(?!\w)", lowered):
            return True
        named = {w for part in (unit.name, unit.jurisdiction) for w in re.findall(r"\w+", (part or "").casefold())}
        if words & {w for w in named if len(w) >= 4}:
            return True
    return False


def _description(anonymised: bool, programme: str | None, label: str | None) -> str:
    where = f"{programme}, round {label}" if programme and label else f"round {label}" if label else "this round"
    form = (
        "Anonymised form: units are keyed by their letter in this round, the letters of the round's "
        "anonymised regional report; no unit name, code, jurisdiction, assessment id, date, person or "
        "document title appears in the tables, this description or the file names. It is made only for a "
        f"round with at least {SMALLEST_GROUP} units with an assessment (a letter among two is nearly a "
        f"name), and holds no figure for a group of fewer than {SMALLEST_GROUP} units: it has no aggregate "
        "rows, only one row per unit, section, requirement or action."
        if anonymised
        else "Named form, for the programme's staff: units are keyed by their code, with their name, "
        "jurisdiction and the id of the assessment that stands for them."
    )
    return "\n\n".join(
        [
            f"SOP assessment results of the CSI units in {where}: one row per unit of the programme "
            "(with or without an assessment in the round), then per section, requirement and action of "
            "the assessment that stands for each unit (its finalised one, else the one furthest along, else "
            "the newest), scored against the checklist versions listed under checklists.",
            "How figures are counted: for each requirement the counted answer is the level agreed after the "
            "external expert's review where one was agreed, else the unit's own (requirements.csv "
            "counted_from says which). A score is the weighted mean of the scored requirements (each level "
            "over the top of the scale; weights by criticality: essential 3, important 2, desirable 1). Not "
            "evidenced and to verify on site are answers, not zeros: they count towards completeness, not "
            "towards the score or the evidence coverage.",
            "Withheld figures: a score resting on fewer than half of the applicable requirements scored from "
            "evidence (evidence coverage under 50 %) is left empty, and the withheld column beside it says "
            f"why ({', '.join(WITHHELD_REASONS)}). Counts (requirements by state, gaps, major gaps) are "
            "always given, and every score stands beside its evidence coverage.",
            "No free text is exported, in either form: notes, justifications, comments, replies, dissent, "
            "recommendations, assessment titles, assessors, action titles, owners and notes, SOP codes and "
            "titles, citations and the consultation record stay in the installation, since they may name "
            "people, places or documents.",
            form,
            f"Shares are rounded to {DECIMALS} decimals; the counts beside them give the exact fractions. The "
            "checklists' requirements rest on reference documents cited by their id only (checklists, "
            "references); their text is not part of this data set and stays under its owners' terms. The "
            "licence covers this data set.",
        ]
    )


def public_names(found: Round, units: list[Unit]) -> tuple[str | None, str | None]:
    """The programme's name and the round's label, each None where it names a unit or jurisdiction.

    The anonymised form never carries one that does: it would undo the letters.
    """
    programme, label = found.programme.name, found.label
    return (None if mentions(programme, units) else programme, None if mentions(label, units) else label)


def package_descriptor(
    found: Round,
    anonymised: bool,
    versions: list[ChecklistVersion],
    files: dict[str, bytes],
    top: int,
    programme: str | None,
    label: str | None,
) -> dict:
    title = f"{programme}, round {label}" if programme and label else f"Round {label or found.id}"
    resources = []
    for table, (path, table_title, _key, _foreign) in TABLES.items():
        content = files[path]
        resources.append(
            {
                "name": table,
                "path": path,
                "title": table_title,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
                "schema": table_schema(table, anonymised, top),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": f"csi-sop-round-{found.id}{'-anonymised' if anonymised else ''}",
        "title": f"{title}: assessment results{' (anonymised)' if anonymised else ''}",
        "description": _description(anonymised, programme, label),
        "created": utcnow().replace(microsecond=0).isoformat() + "Z",
        "licenses": [licence()],
        "keywords": ["CSI", "crime scene", "SOP", "ENFSI", "ISO/IEC 17020", "assessment"],
        "form": "anonymised" if anonymised else "named",
        **({"programme": programme} if programme else {}),
        **({"round": label} if label else {}),
        "counting": {
            "counted_answer": "agreed where agreed, else the unit's own",
            "withheld_below_evidence_coverage": SUFFICIENT_COVERAGE,
            "share_decimals": DECIMALS,
            **({"smallest_group": SMALLEST_GROUP} if anonymised else {}),
        },
        "checklists": [
            {
                "id": version.checklist_id,
                "version": version.version,
                "title": version.title,
                "language": version.language,
                "content_hash": version.content_hash,
                "content_hash_algorithm": "SHA-256 of the checklist's canonical JSON content",
                "references": sorted(source.id for source in checklist_of(version).sources),
            }
            for version in versions
        ],
        "resources": resources,
    }
