"""What becomes of each requirement of an earlier checklist version in a later one.

A later version says it in its own file: a requirement ``replaces`` the earlier ones whose
answers it takes, and ``retired`` lists the earlier ones nothing carries on, with the
reason. A requirement without ``replaces`` takes the answer of the earlier requirement
with its own id, if there is one that nothing else claims.

From that, each requirement of the later version is:

- **same**: one earlier requirement, same statement: its answer holds as it was;
- **reworded**: one earlier requirement, statement changed: the answer is carried, to re-check;
- **split**: an earlier requirement that several later ones replace: each takes its answer, to re-check;
- **merged**: several earlier requirements: it takes the most cautious of their answers, to re-check;
- **new**: no earlier requirement: nothing to carry.

A reworded or split-off requirement whose statement keeps nearly all the earlier words, on
the same basis (``decided_from``), carries its answer without a re-check; an answer carried
onto another basis (a requirement now decided from records or practice) is always re-checked.

A reworded requirement marked ``carried_as: same`` says it is its predecessor (its own id, in the
version just before) in plainer words: same duty, same elements, same criticality and basis. Its
answer carries as the same duty without a re-check, whatever share of the words it keeps. The
mark vouches for that last step only: coming from an older version, the statement must also be
(nearly) the same between that version and the predecessor.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.checklist import Checklist
from app.domain.scoring import Answer
from app.domain.text import Text
from app.domain.wording import similarity

#: Share of the earlier statement's words (in order, ignoring case and punctuation) a later
#: statement must keep to carry its answer without a re-check. Chosen from checklist 1.0.0 to
#: 2.0.0: read one by one, the six flagged statements at 0.95 or more differ by a comma, a
#: plural, a synonym ("defines"/"sets") or "or" spelled out as "and no"; the first below it
#: (EQP-10, 0.946) adds a duty (expiry dates checked), as do FID-06, HSE-04, FID-02 and MGT-03
#: between 0.90 and 0.94. An answer carried onto an added duty must be looked at again.
NEAR_IDENTICAL = 0.95


class Kind(StrEnum):
    SAME = "same"
    REWORDED = "reworded"
    SPLIT = "split"
    MERGED = "merged"
    NEW = "new"


@dataclass(frozen=True)
class Carry:
    """Where one requirement of the later version takes its answer from."""

    requirement_id: str
    earlier: tuple[str, ...]
    kind: Kind
    #: Share of the earlier statement's words the later one keeps (the earlier ones joined,
    #: when merged); 1.0 for the same statement, None for a new requirement.
    similarity: float | None = None
    #: The later requirement is decided from another basis (records, practice) than the earlier.
    basis_changed: bool = False
    #: Reworded in plain words, the same duty (``carried_as: same``, checked against the predecessor).
    plain_words: bool = False

    @property
    def near_identical(self) -> bool:
        """Reworded or split off with nearly the same words, on the same basis: the answer holds."""
        return (
            self.kind in (Kind.REWORDED, Kind.SPLIT)
            and not self.basis_changed
            and self.similarity is not None
            and self.similarity >= NEAR_IDENTICAL
        )

    @property
    def to_recheck(self) -> bool:
        """Whether the person should look again before relying on the carried answer."""
        if self.kind is Kind.NEW:
            return False
        if self.basis_changed:
            return True
        return self.kind is not Kind.SAME and not self.near_identical and not self.plain_words

    @property
    def change(self) -> float:
        """How much the wording changed, 0.0 (the same) to 1.0 (no word in common): re-checks go most first."""
        return 1.0 - (self.similarity if self.similarity is not None else 0.0)


@dataclass(frozen=True)
class Lineage:
    """Every requirement of ``later`` with its origin, and what of ``earlier`` is not carried."""

    earlier: Checklist
    later: Checklist
    carries: dict[str, Carry]
    #: Earlier requirements the later version retires, with the reason.
    retired: dict[str, Text | None]
    #: Earlier requirements the later version neither carries nor retires (a content error).
    unaccounted: tuple[str, ...] = field(default=())

    def successors(self, earlier_id: str) -> list[str]:
        """The later requirements that take this earlier requirement's answer."""
        return [c.requirement_id for c in self.carries.values() if earlier_id in c.earlier]


def _statement(checklist: Checklist, requirement_id: str) -> str:
    return " ".join(checklist.requirement(requirement_id).statement.in_language(checklist.language).split())


def _carry(
    earlier: Checklist, later: Checklist, requirement_id: str, named: tuple[str, ...], kind: Kind, plain: bool = False
) -> Carry:
    if kind is Kind.NEW:
        return Carry(requirement_id, named, kind)
    statement = _statement(later, requirement_id)
    before = " ".join(_statement(earlier, e) for e in named)
    ratio = 1.0 if kind is Kind.SAME else similarity(before, statement)
    basis = later.requirement(requirement_id).decided_from
    changed = any(earlier.requirement(e).decided_from != basis for e in named)
    return Carry(requirement_id, named, kind, ratio, changed, plain and kind is Kind.REWORDED)


def _plain_words(earlier: Checklist, predecessor: Checklist, later: Checklist, rid: str, earlier_id: str) -> bool:
    """``rid`` is marked ``carried_as: same`` and is truly its predecessor's duty, reached from ``earlier_id``.

    The predecessor is the requirement with the same id in the version just before ``later``:
    same elements (text and essential flags), criticality and basis. When the upgrade starts in
    an older version, that version's statement must be the predecessor's, or nearly so.
    """
    req = later.requirement(rid)
    if req.carried_as != "same":
        return False
    try:
        before = predecessor.requirement(rid)
    except KeyError:
        return False
    if (before.elements, before.criticality, before.decided_from) != (req.elements, req.criticality, req.decided_from):
        return False
    if predecessor is earlier:
        return earlier_id == rid
    start = earlier.requirement(earlier_id)
    return start.decided_from == before.decided_from and (
        similarity(_statement(earlier, earlier_id), _statement(predecessor, rid)) >= NEAR_IDENTICAL
    )


def _step(earlier: Checklist, later: Checklist) -> tuple[dict[str, tuple[str, ...]], dict[str, Text | None]]:
    """For one upgrade step: the earlier requirements each later one takes, and those retired."""
    earlier_ids = {r.id for s in earlier.sections for r in s.requirements}
    later_requirements = [r for s in later.sections for r in s.requirements]
    claimed: set[str] = set()
    sources: dict[str, tuple[str, ...]] = {}
    for req in later_requirements:
        named = tuple(old for old in req.replaces if old in earlier_ids)
        sources[req.id] = named
        claimed.update(named)
    for req in later_requirements:  # by id, when the file names nothing and nothing else claims it
        if not req.replaces and req.id in earlier_ids and req.id not in claimed and req.id not in later.retired:
            sources[req.id] = (req.id,)
            claimed.add(req.id)
    retired = {old: later.retired.get(old) for old in sorted(earlier_ids) if old in later.retired}
    return sources, retired


def upgrade_path(earlier_version: str, later: Checklist, find) -> list[Checklist]:
    """The versions an upgrade from ``earlier_version`` to ``later`` goes through, oldest first.

    A version that names the version its ``replaces`` speak of (``carries_from``) is reached
    from anything older through that version. ``find(version)`` returns the stored checklist
    or None; a missing step raises LookupError naming the version to load.
    """
    path: list[Checklist] = []
    current = later
    while current.carries_from and _key(earlier_version) < _key(current.carries_from):
        step = find(current.carries_from)
        if step is None:
            raise LookupError(current.carries_from)
        path.insert(0, step)
        current = step
    return path


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def lineage(earlier: Checklist, later: Checklist, through: Sequence[Checklist] = ()) -> Lineage:
    """How the answers of an assessment on ``earlier`` carry over to ``later``.

    ``through``: the versions in between, oldest first, when ``later`` names its requirements'
    predecessors in one of them (see :func:`upgrade_path`); each answer follows every step.
    """
    chain = [earlier, *through, later]
    sources, retired = _step(chain[0], chain[1])
    last_step = sources  # the later requirements' sources in the version just before it
    for before, after in itertools.pairwise(chain[1:]):
        step_sources, step_retired = _step(before, after)
        last_step = step_sources
        for mid, reason in step_retired.items():  # what reached a retired requirement goes no further
            for old in sources.get(mid, ()):
                retired.setdefault(old, reason)
        sources = {
            rid: tuple(dict.fromkeys(old for mid in named for old in sources.get(mid, ())))
            for rid, named in step_sources.items()
        }
    claimed: dict[str, list[str]] = {}
    for rid, named in sources.items():
        for old in named:
            claimed.setdefault(old, []).append(rid)
    retired = {old: reason for old, reason in sorted(retired.items()) if old not in claimed}
    carries = {}
    for req in (r for s in later.sections for r in s.requirements):
        named = sources[req.id]
        if not named:
            kind = Kind.NEW
        elif len(named) > 1:
            kind = Kind.MERGED
        elif len(claimed[named[0]]) > 1:
            kind = Kind.SPLIT
        elif _statement(earlier, named[0]) == _statement(later, req.id):
            kind = Kind.SAME
        else:
            kind = Kind.REWORDED
        plain = (
            kind is Kind.REWORDED
            and last_step[req.id] == (req.id,)
            and _plain_words(earlier, chain[-2], later, req.id, named[0])
        )
        carries[req.id] = _carry(earlier, later, req.id, named, kind, plain)
    unaccounted = tuple(
        r.id for s in earlier.sections for r in s.requirements if r.id not in claimed and r.id not in retired
    )
    return Lineage(earlier, later, carries, retired, unaccounted)


@dataclass(frozen=True)
class EarlierAnswer:
    """What an earlier response held, as far as carrying it over is concerned."""

    requirement_id: str
    answer: Answer
    na_justification: str = ""
    evidence_note: str = ""
    recommendation: str = ""
    #: Why a gap was left without an action, on purpose (the unit's decision carries with the answer).
    no_action_reason: str = ""


def merge(answers: Sequence[EarlierAnswer], scale: Iterable[int]) -> EarlierAnswer | None:
    """One answer from one or several earlier ones: the most cautious, with every note kept.

    A score carries only if the later scale has it. Among scores the lowest wins (a merged
    duty is met no better than its weakest part); without a score, "not evidenced" wins over
    "not applicable", and N/A carries only when every part was N/A. None when nothing was said.
    """
    given = [a for a in answers if a.answer.given]
    if not given:
        return None
    values = set(scale)
    scored = [a for a in given if a.answer.value is not None and a.answer.value in values]
    if scored:
        answer = min(scored, key=lambda a: a.answer.value).answer
    elif any(a.answer.not_evidenced for a in given):
        answer = Answer(not_evidenced=True)
    elif len(given) == len(answers) and all(a.answer.not_applicable for a in given):
        answer = Answer(not_applicable=True)
    else:
        answer = Answer()  # nothing the later scale can hold; the notes still carry
    return EarlierAnswer(
        "+".join(a.requirement_id for a in answers),
        answer,
        _joined(answers, "na_justification"),
        _joined(answers, "evidence_note"),
        _joined(answers, "recommendation"),
        _joined(answers, "no_action_reason"),
    )


def _joined(answers: Sequence[EarlierAnswer], name: str) -> str:
    """A note field of several answers in one, each part marked with its requirement."""
    parts = [(a.requirement_id, getattr(a, name).strip()) for a in answers if getattr(a, name).strip()]
    if len(answers) == 1:
        return parts[0][1] if parts else ""
    return "\n".join(f"[{requirement_id}] {text}" for requirement_id, text in parts)


def modules_after_upgrade(earlier: Checklist, later: Checklist, chosen: Iterable[str]) -> list[str]:
    """The modules an upgraded assessment takes: those chosen that the later version still has, and
    every module the earlier version did not offer.

    A unit never chose to leave out a module it was not offered: in 2.1.1 the scene-type sections,
    core until then, became modules, and an assessment upgraded from 2.1.0 keeps them (and their
    answers) until the unit leaves one out by choice.
    """
    offered_before = {m.id for m in earlier.modules}
    kept = set(chosen)
    return [m.id for m in later.modules if m.id in kept or m.id not in offered_before]
