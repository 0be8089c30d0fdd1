"""What an import keeps of the review a package carries, and where the copy starts.

A package's review (the expert's scores, stances, comments and findings, agreed scores, the
unit's replies and dissent, the consultation record) was made somewhere else. It is kept as
a read-only *reported* layer (:class:`app.models.ReportedReview`, the consultation in the
copy's ``origin``) only when an installation trusted here signed the package; otherwise it
is left out, and the person importing is told what was left out and why.

Where the copy starts: as a self-assessment when the package's unit had not submitted it
(or finalised it as an internal check); else *submitted*, when its answers are whole: the
answers exactly as they were reviewed there, the reported review beside them, waiting for an
expert here. The unit withdraws it to change an answer (a move on the trail). A copy never
starts beyond *submitted*: being reviewed, consulted, agreed or finalised after a review is
what experts of this installation do here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from app.domain.workflow import Stage
from app.models import REVIEW_FIELDS
from app.services.exchange.import_plan import package_datetime
from app.services.exchange.trust import Provenance, SignatureStatus


def landing_stage(reported: Stage, reported_reviewed: bool) -> Stage:
    """Where an imported copy starts, before its answers are checked whole (see the module's note)."""
    if reported is Stage.SELF_ASSESSMENT or (reported is Stage.FINALISED and not reported_reviewed):
        return Stage.SELF_ASSESSMENT
    return Stage.SUBMITTED


def _said(text: Any) -> bool:
    return bool((text or "").strip()) if isinstance(text, str) else False


def reported_row(entry: dict[str, Any]) -> dict[str, Any] | None:
    """One response's reported layer (review, agreed score, reply, dissent), or None when it carries none."""
    review = entry.get("review") or {}
    row: dict[str, Any] = {k: review[k] for k in REVIEW_FIELDS if review.get(k) is not None}
    row.update(
        reviewed_by=(review.get("updated_by") or "").strip(),
        reviewed_at=package_datetime(review.get("updated_at")),
        agreed_by=(review.get("agreed_by") or "").strip(),
        agreed_at=package_datetime(review.get("agreed_at")),
        reply=(entry.get("reply") or "").strip(),
        dissent=(entry.get("dissent") or "").strip(),
    )
    if review.get("ticks") is not None and review.get("value") is not None:
        row.update(ticks=sorted(review["ticks"]), level_reason=(review.get("level_reason") or "").strip())
    if not (review or row["reply"] or row["dissent"]):
        return None
    return row


def reported_consultation(data: dict[str, Any]) -> dict[str, Any] | None:
    """The package's consultation record, as reported (None when it has none worth keeping)."""
    minutes = data.get("consultation") or {}
    kept = {
        "held_on": minutes.get("held_on"),
        "place": (minutes.get("place") or "").strip(),
        "online": bool(minutes.get("online")),
        "participants": [
            {
                "name": p["name"].strip(),
                "role": (p.get("role") or "").strip(),
                "organisation": p.get("organisation") or "",
            }
            for p in minutes.get("participants") or []
        ],
        "minutes": (minutes.get("minutes") or "").strip(),
    }
    return kept if (kept["held_on"] or kept["participants"] or kept["minutes"] or kept["place"]) else None


def carried_review(data: dict[str, Any]) -> dict[str, Any]:
    """What review a package carries, counted: for the copy's origin and for what an import tells."""
    reviews = [entry.get("review") or {} for entry in data["responses"]]
    return {
        "reviewed": sum(
            1 for r in reviews if r.get("value") is not None or r.get("not_applicable") or r.get("not_evidenced")
        ),
        "agreed": sum(
            1
            for r in reviews
            if r.get("agreed_value") is not None or r.get("agreed_not_applicable") or r.get("agreed_not_evidenced")
        ),
        "findings": sum(1 for r in reviews if r.get("finding")),
        "comments": sum(1 for r in reviews if _said(r.get("comment"))),
        "replies": sum(1 for e in data["responses"] if _said(e.get("reply")) or _said(e.get("dissent"))),
        "consultation": reported_consultation(data) is not None,
    }


def _what(carried: dict[str, Any]) -> str:
    parts = []
    if carried["reviewed"]:
        parts.append(
            ngettext(
                "the expert's score on %(num)s requirement",
                "the expert's scores on %(num)s requirements",
                carried["reviewed"],
            )
        )
    if carried["agreed"]:
        parts.append(ngettext("%(num)s agreed score", "%(num)s agreed scores", carried["agreed"]))
    if carried["findings"]:
        parts.append(ngettext("%(num)s finding", "%(num)s findings", carried["findings"]))
    if carried["comments"]:
        parts.append(ngettext("%(num)s comment", "%(num)s comments", carried["comments"]))
    if carried["replies"]:
        parts.append(
            ngettext(
                "the unit's reply or dissent on %(num)s requirement",
                "the unit's replies or dissent on %(num)s requirements",
                carried["replies"],
            )
        )
    if carried["consultation"]:
        parts.append(_("the consultation record"))
    return "; ".join(parts)


def carries_review(carried: dict[str, Any]) -> bool:
    """True when the package carries anything of a review."""
    return bool(_what(carried))


def import_notes(provenance: Provenance, carried: dict[str, Any], claims_reviewed: bool) -> list[str]:
    """What the person importing must be told about the review: what was kept as reported, or left out and why."""
    notes = []
    what = _what(carried)
    if what and provenance.trusted:
        notes.append(
            _(
                "Signed by %(name)s, a trusted installation: its review is kept beside the unit's answers as "
                "reported by it, not reviewed here (%(what)s).",
                name=provenance.name,
                what=what,
            )
        )
    elif what and provenance.status is SignatureStatus.UNSIGNED:
        notes.append(
            _(
                "The package is not signed, so its review was left out (%(what)s): only the unit's own answers "
                "were imported. To keep a review, import the package exactly as an installation trusted here "
                "exported it.",
                what=what,
            )
        )
    elif what:
        notes.append(
            _(
                "The package is signed by %(name)s, which is not trusted here, so its review was left out "
                "(%(what)s): only the unit's own answers were imported. %(why)s An administrator can add it "
                "under Trusted installations after reading its key's fingerprint with its administrator; "
                "trust it before importing, as a package is imported once.",
                name=provenance.name or provenance.installation_id,
                what=what,
                why=provenance.why_not,
            )
        )
    if claims_reviewed and not (carried["reviewed"] or carried["agreed"]):
        notes.append(
            _(
                "The package says the assessment was reviewed by an expert, but it carries no review: "
                "here it is the unit's own answers, not reviewed."
            )
        )
    return notes
