"""Storing checklist versions and getting their domain model back."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.domain.checklist import Checklist
from app.domain.lineage import Lineage, lineage, upgrade_path
from app.domain.loader import (
    ChecklistInvalid,
    Problem,
    checklist_from_document,
    load_checklist_file,
    parse_checklist,
)
from app.extensions import db
from app.models import ChecklistRequirement, ChecklistSection, ChecklistVersion
from app.services.accounts.audit import record
from app.services.content.checklist_translations import translated


@dataclass(frozen=True)
class LoadOutcome:
    """What happened to one checklist file on load."""

    path: str
    status: str  # stored | unchanged | refused | invalid
    message: str

    @property
    def ok(self) -> bool:
        """True unless the file was refused or invalid."""
        return self.status in ("stored", "unchanged")


def shipped_checklist_paths(directory: str | Path) -> list[Path]:
    """The checklist files in a folder, in name order."""
    return sorted(Path(directory).glob("*.yaml")) + sorted(Path(directory).glob("*.yml"))


def load_checklist_files(paths: Iterable[str | Path]) -> list[LoadOutcome]:
    """Validate each file and store it as a new version when it is one."""
    outcomes = []
    for path in paths:
        try:
            checklist, text = load_checklist_file(path)
        except ChecklistInvalid as exc:
            outcomes.append(LoadOutcome(str(path), "invalid", str(exc)))
            continue
        outcomes.append(store_checklist(checklist, text, Path(path).name, path=str(path)))
    return outcomes


def store_checklist(checklist: Checklist, source_text: str, source_name: str, path: str | None = None) -> LoadOutcome:
    """Store a checklist version unless it is there already.

    The same id and version with other content is refused: a content change must bump
    the version, because assessments are pinned to what a version says.
    """
    path = path or source_name
    existing = db.session.scalar(
        select(ChecklistVersion).where(
            ChecklistVersion.checklist_id == checklist.id, ChecklistVersion.version == checklist.version
        )
    )
    if existing is not None:
        if existing.content_hash == checklist.content_hash:
            return LoadOutcome(
                path, "unchanged", f"{checklist.ref} is already loaded (content {checklist.content_hash[:12]})"
            )
        return LoadOutcome(
            path,
            "refused",
            f"{checklist.ref} is already loaded with different content "
            f"({existing.content_hash[:12]} loaded, {checklist.content_hash[:12]} in this file); "
            "raise checklist.version in the file to load the change as a new version",
        )
    version = ChecklistVersion(
        checklist_id=checklist.id,
        version=checklist.version,
        title=str(checklist.title)[:300],
        language=checklist.language,
        content_hash=checklist.content_hash,
        source_text=source_text,
        source_name=source_name,
        document=checklist.document,
    )
    for section in checklist.sections:
        row = ChecklistSection(
            code=section.id, title=str(section.title)[:300], module=section.module, position=section.position
        )
        row.requirements = [
            ChecklistRequirement(
                checklist_version=version,
                code=req.id,
                title=str(req.title)[:300],
                criticality=req.criticality,
                consequence=req.consequence,
                module=req.module,
                position=req.position,
            )
            for req in section.requirements
        ]
        version.sections.append(row)
    db.session.add(version)
    db.session.flush()
    record(
        "checklist.loaded",
        object_type="checklist",
        object_id=checklist.ref,
        summary=f"{checklist.ref} from {source_name}",
        after={"content_hash": checklist.content_hash},
    )
    db.session.commit()
    count = sum(len(s.requirements) for s in checklist.sections)
    return LoadOutcome(
        path, "stored", f"{checklist.ref} stored: {len(checklist.sections)} sections, {count} requirements"
    )


_cache: dict[str, Checklist] = {}
_cache_lock = threading.Lock()


def checklist_of(version: ChecklistVersion) -> Checklist:
    """The domain model of a stored version, parsed once per process, with its translation overlays merged in.

    The overlays add languages to its texts and change nothing else: the content and its hash
    are what the version stored (see :mod:`app.services.content.checklist_translations`).
    """
    cached = _cache.get(version.content_hash)
    if cached is None:
        # Checked when it was stored; the hash tells whether the content is still that content.
        if version.document is not None:
            cached = checklist_from_document(version.document)
        else:
            cached = parse_checklist(version.source_text, version.source_name, trusted=True)
        if cached.content_hash != version.content_hash:
            raise ChecklistInvalid(
                [Problem(version.source_name, 0, version.ref, "stored text no longer matches its content hash")]
            )
        with _cache_lock:
            _cache[version.content_hash] = cached
    return translated(cached)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def latest_versions() -> list[ChecklistVersion]:
    """The newest stored version of each checklist."""
    newest: dict[str, ChecklistVersion] = {}
    for row in db.session.scalars(select(ChecklistVersion)):
        current = newest.get(row.checklist_id)
        if current is None or version_key(row.version) > version_key(current.version):
            newest[row.checklist_id] = row
    return sorted(newest.values(), key=lambda r: r.checklist_id)


def find_version(checklist_id: str, version: str) -> ChecklistVersion | None:
    """The stored version with this id and version, if any."""
    return db.session.scalar(
        select(ChecklistVersion).where(
            ChecklistVersion.checklist_id == checklist_id, ChecklistVersion.version == version
        )
    )


class UpgradeStepMissing(LookupError):
    """An upgrade goes through a version that is not loaded; ``version`` names it."""

    def __init__(self, checklist_id: str, version: str) -> None:
        super().__init__(f"{checklist_id}@{version}")
        self.checklist_id = checklist_id
        self.version = version


def stored_lineage(earlier: ChecklistVersion, later: ChecklistVersion) -> Lineage:
    """The lineage between two stored versions, through every version the later one names as its step."""

    def find(version: str) -> Checklist | None:
        row = find_version(later.checklist_id, version)
        return checklist_of(row) if row is not None else None

    try:
        path = upgrade_path(earlier.version, checklist_of(later), find)
    except LookupError as missing:
        raise UpgradeStepMissing(later.checklist_id, str(missing.args[0])) from None
    return lineage(checklist_of(earlier), checklist_of(later), path)
