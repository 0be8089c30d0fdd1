"""Coverage of the reference documents: which requirements cite which clause."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.checklist import Checklist, Focus, Requirement

#: Sources whose every tracked clause the shipped checklist must cite.
ACCREDITATION_SOURCES = ("ISO17020", "ENFSI-SOC")


@dataclass(frozen=True)
class ClauseCoverage:
    """One clause of a source and the requirements that cite it (or fall under it)."""

    source: str
    clause: str | None
    heading: str | None
    requirements: tuple[Requirement, ...]
    #: How a reader finds the clause: ``ISO17020 7.1.5 Review of requests``, ``ENFSI-SOC Recording the scene (5.3 in v1.0)``.
    label: str = ""

    @property
    def cited(self) -> bool:
        """True when at least one requirement cites this clause."""
        return bool(self.requirements)


def _clause_key(clause: str | None) -> tuple:
    """Sort clauses numerically where they are numbers (6.10 after 6.9)."""
    if clause is None:
        return ((0, ""),)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in clause.replace(" ", ".").split("."))


def coverage_matrix(
    checklist: Checklist, modules: Iterable[str] | None = None, focus: str = Focus.FULL
) -> list[ClauseCoverage]:
    """Every tracked clause (cited or not) and every other cited clause, source by source.

    A citation of a sub-clause counts for the tracked clause it falls under. ``modules``
    limits the requirements to the core and those modules; None takes every module.
    """
    chosen = [m.id for m in checklist.modules] if modules is None else list(modules)
    citing: dict[tuple[str, str | None], list[Requirement]] = {}
    for req in checklist.requirements(chosen, focus):
        for ref in req.references:
            source = checklist.source(ref.source)
            clause = source.tracked_clause(ref.clause) if source.clauses else ref.clause
            bucket = citing.setdefault((ref.source, clause), [])
            if req not in bucket:
                bucket.append(req)
    rows = []
    for source in checklist.sources:
        declared = list(source.clauses)  # in the order the source entry gives them
        others = sorted({c for (s, c) in citing if s == source.id and c not in source.clauses}, key=_clause_key)
        for clause in sorted(declared, key=_clause_key) if _numbered(declared) else declared:
            rows.append(_row(source, clause, citing))
        rows.extend(_row(source, clause, citing) for clause in others)
    return rows


def _numbered(clauses: list[str]) -> bool:
    return all(c[:1].isdigit() for c in clauses)


def _row(source, clause: str | None, citing: dict) -> ClauseCoverage:
    heading = source.clauses.get(clause) if clause else None
    label = source.cite(clause)
    if heading and heading not in label:
        label = f"{label} {heading}"
    return ClauseCoverage(
        source=source.id,
        clause=clause,
        heading=heading,
        requirements=tuple(citing.get((source.id, clause), ())),
        label=label,
    )


def uncited_clauses(checklist: Checklist, sources: Iterable[str] = ACCREDITATION_SOURCES) -> list[ClauseCoverage]:
    """Tracked clauses of ``sources`` that no requirement cites."""
    wanted = set(sources)
    return [row for row in coverage_matrix(checklist) if row.source in wanted and not row.cited]
