"""What each translation says of itself, and the reviews an administrator records of it.

Three kinds of translated text are listed, each per language: the interface's message
catalogue (``interface``, its ``.po`` header's X-Translation-Status and X-Translation-Note),
the checklist overlays (``checklists/translations/*.yaml``) and the glossaries
(``checklists/glossary/<code>.yaml``), whose ``status`` and ``note`` keys say the same. The
newest recorded :class:`~app.models.TranslationReview` of a text overrides what its file
states: that is what users of the language are shown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.domain.languages import CODES, LANGUAGES, SOURCE
from app.extensions import db
from app.models import REVIEW_OUTCOMES, TranslationReview, User
from app.services.accounts.audit import record
from app.services.catalogues import catalogue_file, stated_status, translation_roots

INTERFACE = "interface"
GLOSSARY = "glossary"
#: A text with no file yet: its language sees English there.
MISSING = "missing"
#: A file that says nothing of how it was made.
NOT_STATED = "not-stated"
#: The keys read from the top of an overlay or glossary file (the rest of a large file is not parsed).
_HEADER_KEYS = ("language", "status", "note", "checklist", "version")


class ReviewError(ValueError):
    """A review that cannot be recorded as given; the message says why."""


@dataclass
class TranslatedText:
    """One text in one language: what its file states, and the newest review recorded of it."""

    language: str
    catalogue: str
    kind: str  # interface | checklist | glossary
    stated: str  # the file's status (machine-draft, reviewed, ...), or MISSING
    note: str
    source: str  # the file, relative to the repository
    review: TranslationReview | None = None

    @property
    def status(self) -> str:
        """What users are told: the newest review's outcome, else what the file states."""
        return self.review.outcome if self.review is not None else self.stated

    @property
    def key(self) -> str:
        """How a form names it: ``sr-Latn|interface``."""
        return f"{self.language}|{self.catalogue}"


def translated_texts(languages: list[str] | None = None) -> list[TranslatedText]:
    """Every language's interface catalogue, checklist overlays and glossary, with their newest reviews."""
    languages = [c for c in (languages or CODES) if c != SOURCE]
    texts = [_interface(code) for code in languages]
    texts += sorted(_files("translations", None), key=lambda t: (t.catalogue, CODES.index(t.language)))
    texts += sorted(_files("glossary", GLOSSARY), key=lambda t: CODES.index(t.language))
    texts = [t for t in texts if t.language in languages]
    newest = _newest_reviews()
    for text in texts:
        text.review = newest.get((text.language, text.catalogue))
    return texts


def interface_text(code: str) -> TranslatedText | None:
    """The interface catalogue of language ``code`` with its newest review; None for English."""
    if code == SOURCE or code not in LANGUAGES:
        return None
    text = _interface(code)
    text.review = db.session.scalar(
        select(TranslationReview)
        .where(TranslationReview.language == code, TranslationReview.catalogue == INTERFACE)
        .order_by(
            TranslationReview.reviewed_on.desc(), TranslationReview.recorded_at.desc(), TranslationReview.id.desc()
        )
        .limit(1)
    )
    return text


def record_review(
    text: TranslatedText,
    *,
    outcome: str,
    reviewer: str,
    reviewer_role: str,
    reviewed_on: dt.date,
    note: str,
    by: User,
) -> TranslationReview:
    """Record a review of ``text`` (flushed and audited; the caller commits)."""
    if outcome not in REVIEW_OUTCOMES:
        raise ReviewError(f"outcome must be one of {', '.join(REVIEW_OUTCOMES)}")
    if not reviewer.strip():
        raise ReviewError("name the reviewer")
    review = TranslationReview(
        language=text.language,
        catalogue=text.catalogue,
        outcome=outcome,
        reviewer=reviewer.strip(),
        reviewer_role=reviewer_role.strip(),
        reviewed_on=reviewed_on,
        note=note.strip(),
        recorded_by=by,
    )
    db.session.add(review)
    db.session.flush()
    record(
        "translation.reviewed",
        user=by,
        object_type="translation",
        object_id=text.key,
        summary=f"{text.language} {text.catalogue}: {outcome} by {review.reviewer} on {reviewed_on.isoformat()}",
        before={"translation_status": text.status},
        after={
            "translation_status": outcome,
            "reviewer": review.reviewer,
            "reviewer_role": review.reviewer_role,
            "reviewed_on": reviewed_on,
            "note": review.note,
        },
    )
    return review


def _interface(code: str) -> TranslatedText:
    root = translation_roots()[0]
    stated = stated_status(code, root)
    status, note = stated if stated is not None else (MISSING, "")
    return TranslatedText(code, INTERFACE, INTERFACE, status or NOT_STATED, note, _relative(catalogue_file(code, root)))


def _files(folder: str, catalogue: str | None) -> list[TranslatedText]:
    """The overlay or glossary files of ``checklists/<folder>/``, by what their tops say."""
    directory = Path(current_app.config["CHECKLISTS_DIR"]) / folder
    found = []
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        header = yaml_header(path)
        code = header.get("language") or _language_of_name(path.stem)
        if code not in LANGUAGES:
            continue
        name = catalogue or _overlay_name(path.stem, code, header)
        status = str(header.get("status") or NOT_STATED)
        found.append(
            TranslatedText(code, name, catalogue or "checklist", status, str(header.get("note") or ""), _relative(path))
        )
    return found


def yaml_header(path: Path) -> dict:
    """The top-level ``language``, ``status``, ``note``, ``checklist`` and ``version`` of a YAML file,
    read from their lines only: an overlay holds the whole checklist, and listing it must stay quick."""
    kept: list[str] = []
    keeping = False
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line[:1] not in (" ", "\t", "\n", "#", "") and not line.startswith("-"):
                key = line.split(":", 1)[0].strip()
                keeping = key in _HEADER_KEYS
            if keeping:
                kept.append(line)
    import yaml  # PyYAML loads when a file is read, not with the app

    try:
        header = yaml.safe_load("".join(kept)) or {}
    except yaml.YAMLError:
        return {}
    return header if isinstance(header, dict) else {}


def _language_of_name(stem: str) -> str | None:
    """``csi-sop-enfsi.2.1.0.sr-Latn`` -> ``sr-Latn``; ``sq`` -> ``sq``."""
    for code in sorted(CODES, key=len, reverse=True):
        if stem == code or stem.endswith("." + code):
            return code
    return None


def _overlay_name(stem: str, code: str, header: dict) -> str:
    """How an overlay is named in the list: ``csi-sop-enfsi@2.1.0``."""
    checklist, version = header.get("checklist"), header.get("version")
    if isinstance(checklist, dict):
        checklist, version = checklist.get("id"), checklist.get("version", version)
    if isinstance(checklist, str) and version:
        return f"{checklist}@{version}"
    base = stem[: -len(code) - 1] if stem.endswith("." + code) else stem
    match = re.fullmatch(r"(.+?)[.-](\d+\.\d+\.\d+)", base)
    return f"{match.group(1)}@{match.group(2)}" if match else base


def _newest_reviews() -> dict[tuple[str, str], TranslationReview]:
    newest = {}
    rows = db.session.scalars(
        select(TranslationReview).order_by(
            TranslationReview.reviewed_on, TranslationReview.recorded_at, TranslationReview.id
        )
    )
    for review in rows:
        newest[review.language, review.catalogue] = review
    return newest


def _relative(path: Path | None) -> str:
    if path is None:
        return ""
    root = Path(current_app.root_path).parent
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
