"""Coverage of the reference documents: which requirements cite which clause."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.checklist import Checklist, Requirement

#: Sources whose every tracked clause the shipped checklist must cite.
ACCREDITATION_SOURCES = ("ISO17020", "ENFSI-SOC")


@dataclass(frozen=True)
class ClauseCoverage:
    """One clause of a source and the requirements that cite it (or fall under it)."""

    source: str
    clause: str | None
    heading: str | None
    requirements: tuple[Requirement, ...]

    @property
    def cited(self) -> bool:
        """True when at least one requirement cites this clause."""
        return bool(self.requirements)


def _clause_key(clause: str | None) -> tuple:
    """Sort clauses numerically where they are numbers (6.10 after 6.9)."""
    if clause is None:
        return ((0, ""),)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in clause.replace(" ", ".").split("."))


def coverage_matrix(checklist: Checklist, modules: Iterable[str] | None = None) -> list[ClauseCoverage]:
    """Every tracked clause (cited or not) and every other cited clause, source by source.

    A citation of a sub-clause counts for the tracked clause it falls under. ``modules``
    limits the requirements to the core and those modules; None takes every module.
    """
    chosen = [m.id for m in checklist.modules] if modules is None else list(modules)
    citing: dict[tuple[str, str | None], list[Requirement]] = {}
    for req in checklist.requirements(chosen):
        for ref in req.references:
            source = checklist.source(ref.source)
            clause = source.tracked_clause(ref.clause) if source.clauses else ref.clause
            bucket = citing.setdefault((ref.source, clause), [])
            if req not in bucket:
                bucket.append(req)
    rows = []
    for source in checklist.sources:
        clauses = set(source.clauses) | {c for (s, c) in citing if s == source.id}
        for clause in sorted(clauses, key=_clause_key):
            rows.append(
                ClauseCoverage(
                    source=source.id,
                    clause=clause,
                    heading=source.clauses.get(clause) if clause else None,
                    requirements=tuple(citing.get((source.id, clause), ())),
                )
            )
    return rows


def uncited_clauses(checklist: Checklist, sources: Iterable[str] = ACCREDITATION_SOURCES) -> list[ClauseCoverage]:
    """Tracked clauses of ``sources`` that no requirement cites."""
    wanted = set(sources)
    return [row for row in coverage_matrix(checklist) if row.source in wanted and not row.cited]
