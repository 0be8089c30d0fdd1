"""Translatable names for the fixed vocabularies, shared by pages, reports and exports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask import current_app
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.domain.checklist import COST_BANDS
from app.domain.jurisdictions import active_jurisdiction
from app.domain.plan_totals import CostRange

CRITICALITY = {
    "essential": _l("Essential"),
    "important": _l("Important"),
    "desirable": _l("Desirable"),
}

CONSEQUENCE = {
    "integrity": _l("Integrity and continuity"),
    "contamination": _l("Contamination"),
    "safety": _l("Safety"),
    "admissibility": _l("Admissibility"),
    "quality": _l("Quality"),
}

STAGE = {
    "self_assessment": _l("Self-assessment"),
    "submitted": _l("Submitted for review"),
    "in_review": _l("In review"),
    "consultation_held": _l("Consultation held"),
    "agreed": _l("Agreed"),
    "finalised": _l("Finalised"),
}

MOVE = {
    "submit": _l("Submit for expert review"),
    "withdraw": _l("Withdraw the submission"),
    "start_review": _l("Start the review"),
    "return": _l("Return to the unit for rework"),
    "hold_consultation": _l("Mark the consultation as held"),
    "confirm_agreement": _l("Accept the agreed scores"),
    "revise_agreement": _l("Reopen the agreed scores"),
    "finalise": _l("Finalise and lock"),
    "reopen": _l("Reopen as a new revision"),
}

#: What each action means, as the assessment page explains who may do what.
ACTION = {
    "view": _l("read the assessment and download reports"),
    "create": _l("start assessments"),
    "manage_sops": _l("keep the document register"),
    "import": _l("import packages"),
    "export": _l("export the responses"),
    "score": _l("score the self-assessment"),
    "reply": _l("answer the expert's comments"),
    "review": _l("review scores, comment and record findings"),
    "agree": _l("record the agreed scores"),
    "dissent": _l("note dissent from an agreed score"),
    "consult": _l("write the consultation record"),
    "plan": _l("edit the action plan"),
    "issue": _l("issue the report"),
    "set_scope": _l("change the scope (desk or on-site)"),
    "widen": _l("widen a first assessment to the full checklist"),
    "submit": _l("submit for expert review"),
    "withdraw": _l("withdraw the submission"),
    "start_review": _l("start the review"),
    "return": _l("return it to the unit for rework"),
    "hold_consultation": _l("mark the consultation as held"),
    "confirm_agreement": _l("accept the agreed scores"),
    "revise_agreement": _l("reopen the agreed scores"),
    "finalise_internal": _l("finalise without external review (internal check)"),
    "finalise": _l("finalise"),
    "reopen": _l("reopen as a new revision"),
}

#: What someone did on one side of an assessment, as a refusal of the other side recalls it.
PART_DONE = {
    "score": _l("scored the unit's self-assessment"),
    "reply": _l("answered the expert's comments for the unit"),
    "dissent": _l("noted the unit's dissent"),
    "submit": _l("submitted the self-assessment for review"),
    "withdraw": _l("withdrew the unit's submission"),
    "confirm_agreement": _l("accepted the agreed scores for the unit"),
    "finalise_internal": _l("finalised the unit's internal check"),
    "review": _l("wrote the expert's review"),
    "agree": _l("recorded the agreed scores"),
    "consult": _l("wrote the consultation record"),
    "start_review": _l("started the expert's review"),
    "return": _l("returned the assessment to the unit"),
    "hold_consultation": _l("marked the consultation as held"),
}

#: Who did each part of an assessment, as the report names them.
PART_BY = {
    "score": _l("Self-assessment by"),
    "review": _l("Review by"),
    "hold_consultation": _l("Consultation held by"),
    "confirm_agreement": _l("Agreement confirmed by"),
    "finalise": _l("Finalised by"),
}

SCOPE = {"desk": _l("Document review (desk)"), "onsite": _l("On-site assessment")}

BASIS = {
    "sop_text": _l("SOP text"),
    "records": _l("Records seen"),
    "interview": _l("Interview"),
    "observation": _l("Observation"),
    "not_recorded": _l("Basis not recorded"),
}

STATE = {
    "open": _l("Not yet assessed"),
    "not_applicable": _l("Not applicable"),
    "not_evidenced": _l("Not evidenced"),
    "to_verify": _l("To verify on site"),
    "scored": _l("Scored"),
}

STANCE = {"agree": _l("Agree"), "disagree": _l("Disagree"), "query": _l("Query")}

FINDING = {
    "major_nc": _l("Major nonconformity"),
    "minor_nc": _l("Minor nonconformity"),
    "observation": _l("Observation"),
    "good_practice": _l("Good practice"),
}

#: What an imported copy's package signature showed ("legacy": imported before packages were signed).
SIGNATURE = {
    "trusted": _l("signature verified, trusted"),
    "untrusted": _l("signature verified, not trusted"),
    "unsigned": _l("unsigned"),
    "legacy": _l("imported before packages were signed, not verified"),
}

EFFORT = {"days": _l("Days"), "weeks": _l("Weeks"), "months": _l("Months")}

#: The names of the cost bands; what each costs is the installation's setting (see cost_ranges).
COST_NAME = {
    "none": _l("Staff time only"),
    "low": _l("Low"),
    "medium": _l("Medium"),
    "high": _l("High"),
}


def cost_currency() -> str:
    """The currency costs print in: the unit's (its jurisdiction profile's) where the installation
    set band ranges in it, else the installation's ``COST_CURRENCY``.

    The ranges are amounts, so they are never carried over from one currency into another: a unit
    whose currency has no ranges set keeps the installation's currency and ranges.
    """
    fallback = current_app.config.get("COST_CURRENCY") or "EUR"
    profile = active_jurisdiction.get()
    if profile is None or profile.currency == fallback:
        return fallback
    return (
        profile.currency
        if profile.currency in (current_app.config.get("COST_BAND_RANGES_BY_CURRENCY") or {})
        else fallback
    )


def cost_ranges() -> dict[str, CostRange]:
    """Each cost band's range in :func:`cost_currency` (``COST_BAND_RANGES``, or
    ``COST_BAND_RANGES_BY_CURRENCY[currency]`` for another currency), checked."""
    currency = cost_currency()
    if currency == (current_app.config.get("COST_CURRENCY") or "EUR"):
        setting, configured = "COST_BAND_RANGES", current_app.config.get("COST_BAND_RANGES") or {}
    else:
        setting = f"COST_BAND_RANGES_BY_CURRENCY[{currency!r}]"
        configured = current_app.config["COST_BAND_RANGES_BY_CURRENCY"][currency] or {}
    ranges = {}
    for band in COST_BANDS:
        try:
            low, high = configured[band]
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{setting} needs a (from, to) pair for the band {band!r}") from None
        if not isinstance(low, int) or low < 0 or (high is not None and (not isinstance(high, int) or high < low)):
            raise ValueError(f"{setting}[{band!r}] = {configured[band]!r}: from 0 up, and to None or from up")
        ranges[band] = (low, high)
    return ranges


def money(amount: int) -> str:
    """An amount in :func:`cost_currency`, without decimals: '€ 12,000'."""
    return format_currency(amount, cost_currency(), format="¤\u00a0#,##0", currency_digits=False)


def cost_range(low: int, high: int | None) -> str:
    """A range of money as people say it: 'under € 5,000', '€ 5,000 – € 50,000', 'over € 50,000'."""
    if high is None:
        return _("over %(amount)s", amount=money(low))
    if low == 0:
        return _("under %(amount)s", amount=money(high))
    return _("%(low)s – %(high)s", low=money(low), high=money(high))


def cost_label(band: str) -> str:
    """A cost band with what it costs here: 'Low (under € 5,000)'; 'Staff time only' costs nothing more."""
    low, high = cost_ranges()[band]
    if high == 0:
        return str(COST_NAME[band])
    return _("%(band)s (%(range)s)", band=COST_NAME[band], range=cost_range(low, high))


class _CostLabels(Mapping):
    """The cost bands' labels, read from the installation's settings when asked for."""

    def __getitem__(self, band: str) -> str:
        if band not in COST_NAME:
            raise KeyError(band)
        return cost_label(band)

    def __iter__(self) -> Iterator[str]:
        return iter(COST_NAME)

    def __len__(self) -> int:
        return len(COST_NAME)


COST: Mapping[str, str] = _CostLabels()

ACTION_STATUS = {
    "proposed": _l("Proposed"),
    "agreed": _l("Agreed"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
}

ROLE = {
    "admin": _l("Administrator"),
    "expert": _l("Expert"),
    "programme_staff": _l("Programme staff"),
    "unit_head": _l("Unit head"),
    "assessor": _l("Assessor"),
    "viewer": _l("Viewer"),
}

KAPPA = {
    "poor": _l("poor"),
    "slight": _l("slight"),
    "fair": _l("fair"),
    "moderate": _l("moderate"),
    "substantial": _l("substantial"),
    "almost_perfect": _l("almost perfect"),
}

#: How a requirement of a later checklist version came from the earlier ones (app.domain.lineage).
CARRY = {
    "same": _l("unchanged"),
    "reworded": _l("reworded"),
    "split": _l("split"),
    "merged": _l("merged"),
    "new": _l("new"),
}
#: The region's languages by tag, as glossary equivalents name them.
LANGUAGE = {
    "bs": _l("Bosnian"),
    "hr": _l("Croatian"),
    "sr-Latn": _l("Serbian"),
    "sr-Cyrl": _l("Serbian, Cyrillic"),
    "cnr": _l("Montenegrin"),
    "sq": _l("Albanian"),
    "mk": _l("Macedonian"),
    "en": _l("English"),
}

#: What a translation says of itself (its file's X-Translation-Status or ``status``), or its newest review's outcome.
TRANSLATION_STATUS = {
    "machine-draft": _l("drafted with machine assistance, not yet reviewed by a native-speaking CSI practitioner"),
    "reviewed": _l("reviewed by a native-speaking CSI practitioner"),
    "reviewed_with_changes_needed": _l("reviewed by a native-speaking CSI practitioner, who found changes needed"),
    "missing": _l("not translated yet: shown in English"),
    "not-stated": _l("how it was made is not stated"),
}

#: What an administrator records a review concluded (app.models.REVIEW_OUTCOMES).
REVIEW_OUTCOME = {
    "reviewed": _l("Reviewed: fit to use"),
    "reviewed_with_changes_needed": _l("Reviewed: changes needed"),
}

PRIORITY_BAND = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}

#: The scoring scale's levels by their key in the checklist (``scale[].key``), in the reader's language.
SCALE = {
    "not_addressed": _l("Not addressed"),
    "partial": _l("Partially addressed"),
    "largely": _l("Largely addressed"),
    "full": _l("Fully addressed"),
}


#: The checklist's optional modules (scene types) by id, in the reader's language.
MODULE = {
    "firearms": _l("Firearms, ammunition and explosives"),
    "fire-explosion": _l("Fire and explosion scenes"),
    "vehicles": _l("Vehicles"),
    "deceased": _l("Deceased persons"),
    "dvi-graves": _l("Victim identification and graves"),
    "cbrn-labs": _l("CBRN scenes and clandestine laboratories"),
    "digital": _l("Digital devices"),
}


def module_title(module) -> str:
    """A module's title in the reader's language (a Module); the checklist's own words for a module we do not know."""
    known = MODULE.get(module.id)
    return str(known) if known is not None else str(module.title)


def level_label(level) -> str:
    """A scale level's name in the reader's language (a ScaleLevel); the checklist's own words for a key we do not know."""
    known = SCALE.get(level.key)
    return str(known) if known is not None else str(level.label)


def priority_band(priority: float) -> str:
    """High from 2.5 (an essential requirement missing, or barely met where safety or evidence is at risk), medium from 1.2."""
    if priority >= 2.5:
        return "high"
    if priority >= 1.2:
        return "medium"
    return "low"


#: Whether EU rules bind a jurisdiction (its profile's eu.status).
EU_STATUS = {
    "member": _l("EU member"),
    "candidate": _l("EU candidate"),
    "potential_candidate": _l("Potential EU candidate"),
    "neither": _l("Neither member nor candidate"),
}

#: The national laws a jurisdiction profile names.
LAW = {
    "criminal_procedure": _l("Criminal procedure"),
    "weapons": _l("Weapons"),
    "data_protection": _l("Data protection"),
}
