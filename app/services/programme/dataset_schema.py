"""The tables of a round's data set, as Frictionless Table Schemas: every column's type, meaning, unit and limits.

The descriptions are the data set's documentation and stay in English, like the seizure
record's schema: a partner's tools read the column names and codes, not the interface's
language. Columns marked ``named`` exist in the named form only (they name the unit or point
at its records); the anonymised form leaves them out of the files and of the schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.checklist import CONSEQUENCES, COST_BANDS, CRITICALITIES, DECIDED_FROM, EFFORT_BANDS, Focus
from app.domain.scoring import Basis, Scope, State
from app.domain.workflow import Stage
from app.models.plans import ACTION_STATUSES

SHARE = "share 0-1"
#: Shares are rounded to this many decimals; the counts beside them give the exact fractions.
DECIMALS = 4
COUNT = "requirements"

#: Why a score is left empty (the ``..._withheld`` columns).
WITHHELD_REASONS = {
    "coverage_below_half": "fewer than half of the applicable requirements were scored from evidence",
    "nothing_applicable": "every requirement in scope was marked not applicable",
    "no_assessment": "the unit has no assessment in this round",
}
#: Whose answer a layer column reports: a level of the scale, not applicable, or not evidenced.
ANSWERS = ("level", "not_applicable", "not_evidenced")
#: Where the counted answer comes from.
COUNTED_FROM = ("agreed", "reported_agreed", "self")


@dataclass(frozen=True)
class Column:
    """One column of a table: its Frictionless field, and whether only the named form has it."""

    name: str
    type: str
    description: str
    unit: str | None = None
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    named: bool = False

    def field(self) -> dict:
        """The Frictionless field descriptor."""
        field: dict = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "number":
            field["decimalChar"] = "."
        if self.unit:
            field["unit"] = self.unit  # not in the Frictionless spec: the description says it too
            field["description"] += f" Unit: {self.unit}."
        constraints: dict = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            field["constraints"] = constraints
        return field


def _share(name: str, description: str) -> Column:
    return Column(name, "number", description, unit=SHARE, minimum=0, maximum=1)


def _count(name: str, description: str, unit: str = COUNT) -> Column:
    return Column(name, "integer", description, unit=unit, minimum=0)


def _withheld(name: str, what: str) -> Column:
    listed = "; ".join(f"{code}: {meaning}" for code, meaning in WITHHELD_REASONS.items())
    return Column(
        name, "string", f"Why {what} is empty (empty when it is given). {listed}.", enum=tuple(WITHHELD_REASONS)
    )


def _unit_key(anonymised: bool) -> Column:
    said = (
        "The unit's letter in this round (A, B, ...): the same letters as the round's anonymised regional "
        "report, drawn so that they follow neither codes, names nor scores, and differ from round to round."
        if anonymised
        else "The unit's code."
    )
    return Column("unit", "string", said, required=True)


def _state_counts() -> list[Column]:
    return [
        _count("requirements", "Requirements in scope (the core, the chosen modules, narrowed by the focus)."),
        _count("not_applicable", "Requirements marked not applicable (with a written justification)."),
        _count("scored", "Applicable requirements scored from evidence: what the score rests on."),
        _count("not_evidenced", "Requirements whose document or record was not available (not a zero)."),
        _count("to_verify", "Requirements a desk review cannot decide: only records or practice on site can."),
        _count("open", "Applicable requirements not answered yet."),
        _count("gaps", "Scored requirements below the top of the scale."),
        _count("major_gaps", "Essential requirements scored 0 or 1."),
    ]


def units_columns(anonymised: bool) -> list[Column]:
    """One row per unit of the programme, with or without an assessment in the round."""
    return [
        _unit_key(anonymised),
        Column("unit_name", "string", "The unit's name.", named=True),
        Column("jurisdiction", "string", "The jurisdiction the unit serves.", named=True),
        Column("assessment_id", "integer", "The assessment that stands for the unit, in the installation.", named=True),
        Column("assessed_on", "date", "The date the assessment gives for itself.", named=True),
        Column(
            "has_assessment",
            "boolean",
            "True when the unit has an assessment in this round; false rows leave the other columns empty.",
            required=True,
        ),
        Column(
            "stage",
            "string",
            "Where the assessment stands: self-assessment, submitted, in review, consultation held, agreed, finalised.",
            enum=tuple(Stage),
        ),
        Column("finalised", "boolean", "True when the assessment is finalised (locked)."),
        Column(
            "reviewed",
            "boolean",
            "True when it was finalised after an external expert's review was agreed; false for a "
            "self-assessment finalised as an internal check, or one not finalised yet.",
        ),
        Column("checklist", "string", "The checklist version it is scored against, as id@version (see checklists)."),
        Column(
            "scope", "string", "desk: from documents alone; onsite: with records and practice seen.", enum=tuple(Scope)
        ),
        Column(
            "focus",
            "string",
            "full: the whole checklist; essentials: the essential requirements only (a first assessment).",
            enum=tuple(Focus),
        ),
        Column("modules", "string", "The optional modules it includes, by id, separated by spaces."),
        _share(
            "overall_score",
            "Weighted mean of the scored requirements (each value over the top of the scale, weights by "
            "criticality), from the counted answers. Empty when withheld: see overall_withheld.",
        ),
        _withheld("overall_withheld", "overall_score"),
        _share("evidence_coverage", "Share of the applicable requirements scored from evidence."),
        _share(
            "completeness", "Share of the applicable requirements gone through (scored, not evidenced or to verify)."
        ),
        *_state_counts(),
    ]


def sections_columns(anonymised: bool) -> list[Column]:
    """One row per unit and section in its assessment's scope."""
    return [
        _unit_key(anonymised),
        Column("section", "string", "The section's id in the unit's checklist version.", required=True),
        Column("section_title", "string", "The section's title, in the checklist's language."),
        Column("module", "string", "The optional module the section belongs to; empty for the core."),
        _share("score", "Weighted mean of the section's scored requirements. Empty when withheld: see withheld."),
        _withheld("withheld", "score"),
        _share("evidence_coverage", "Share of the section's applicable requirements scored from evidence."),
        _share("completeness", "Share of the section's applicable requirements gone through."),
        *_state_counts(),
    ]


def requirements_columns(anonymised: bool, top: int) -> list[Column]:
    """One row per unit and requirement in its assessment's scope."""
    level = f"level 0-{top}"
    answers = ", ".join(ANSWERS)

    def layer(name: str, whose: str) -> list[Column]:
        return [
            Column(f"{name}_answer", "string", f"What {whose} said: {answers}; empty when nothing.", enum=ANSWERS),
            Column(f"{name}_value", "integer", f"The level {whose} gave.", unit=level, minimum=0, maximum=top),
        ]

    return [
        _unit_key(anonymised),
        Column("requirement", "string", "The requirement's id in the unit's checklist version.", required=True),
        Column("section", "string", "The id of the section it belongs to.", required=True),
        Column("criticality", "string", "essential (weight 3), important (2) or desirable (1).", enum=CRITICALITIES),
        Column("consequence", "string", "The forensic consequence at risk when it is not met.", enum=CONSEQUENCES),
        Column(
            "decided_from",
            "string",
            "What decides it: the document text, records, or practice (the last two need a site visit).",
            enum=DECIDED_FROM,
        ),
        Column(
            "state",
            "string",
            "scored; not_applicable; not_evidenced (no document or record to judge, not a zero); "
            "to_verify (a desk review cannot decide it); open (not answered yet). From the counted answer.",
            required=True,
            enum=tuple(State),
        ),
        Column(
            "counted_value",
            "integer",
            "The level the figures count: the agreed level where one was agreed, else the unit's own. "
            "Empty unless the state is scored.",
            unit=level,
            minimum=0,
            maximum=top,
        ),
        Column(
            "counted_from",
            "string",
            "Whose answer counts: agreed (agreed after the expert's review here), reported_agreed (agreed on "
            "an installation this one trusts, for an imported copy no expert here has reviewed yet), or self "
            "(the unit's own). Empty when nothing was said.",
            enum=COUNTED_FROM,
        ),
        Column("basis", "string", "What the counted level rests on.", enum=tuple(Basis)),
        Column("gap", "boolean", "True when it is scored below the top of the scale; empty unless scored."),
        Column("major_gap", "boolean", "True when an essential requirement is scored 0 or 1; empty unless scored."),
        *layer("self", "the unit's self-assessment"),
        *layer("expert", "the external expert's review"),
        *layer("agreed", "the agreement after the consultation"),
    ]


def actions_columns(anonymised: bool) -> list[Column]:
    """One row per action of the plan of each unit's assessment; no free text (see the package description)."""
    return [
        _unit_key(anonymised),
        Column(
            "action", "integer", "The action's number within the unit's plan (1, 2, ...).", required=True, minimum=1
        ),
        Column("status", "string", "Where the action stands.", enum=ACTION_STATUSES),
        Column("due_on", "date", "The date it is due by."),
        Column("effort", "string", "The effort band.", enum=EFFORT_BANDS),
        Column("cost", "string", "The cost band (what each band means is set by the programme).", enum=COST_BANDS),
        Column("remedy", "string", "The checklist remedy it was suggested from, by id; empty when none."),
        Column("requirements", "string", "The requirements whose gaps it closes, by id, separated by spaces."),
        Column("carried_over", "boolean", "True when it was carried over from an earlier assessment of the unit."),
    ]


#: Each table: file name, title, what a row is, primary key, foreign keys (field, table, its field).
TABLES = {
    "units": ("units.csv", "Units", ["unit"], []),
    "sections": ("sections.csv", "Sections", ["unit", "section"], [(["unit"], "units", ["unit"])]),
    "requirements": (
        "requirements.csv",
        "Requirements",
        ["unit", "requirement"],
        [(["unit"], "units", ["unit"]), (["unit", "section"], "sections", ["unit", "section"])],
    ),
    "actions": ("actions.csv", "Actions", ["unit", "action"], [(["unit"], "units", ["unit"])]),
}


def columns_of(table: str, anonymised: bool, top: int) -> list[Column]:
    """The columns of ``table`` in the named or anonymised form (``top``: the top of the scale)."""
    found = requirements_columns(anonymised, top) if table == "requirements" else _BUILDERS[table](anonymised)
    return [c for c in found if not (anonymised and c.named)]


_BUILDERS = {"units": units_columns, "sections": sections_columns, "actions": actions_columns}


def table_schema(table: str, anonymised: bool, top: int) -> dict:
    """The Frictionless Table Schema of ``table``."""
    _path, _title, key, foreign = TABLES[table]
    return {
        "fields": [c.field() for c in columns_of(table, anonymised, top)],
        "missingValues": [""],
        "primaryKey": key,
        "foreignKeys": [
            {"fields": fields, "reference": {"resource": resource, "fields": theirs}}
            for fields, resource, theirs in foreign
        ],
    }
