"""What an assessment covers: the scene types it takes and leaves out, and its focus.

Every figure of an assessment counts only what is in scope, so every page and report says
what that is: a figure is never read as covering a scene type the unit does not serve, nor
the full checklist when a first assessment took the essentials only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.checklist import Checklist, Focus, Module


@dataclass(frozen=True)
class InScope:
    """The modules an assessment takes and leaves out, and how many requirements its focus takes."""

    served: tuple[Module, ...]
    left_out: tuple[Module, ...]
    focus: str
    #: Essential requirements of the core and the served modules (N of "N of M").
    essentials: int
    #: All requirements of the core and the served modules (M).
    total: int

    @property
    def essentials_only(self) -> bool:
        """True for a first assessment that takes the essential requirements only."""
        return self.focus == Focus.ESSENTIALS

    @property
    def counted(self) -> int:
        """How many requirements the figures count."""
        return self.essentials if self.essentials_only else self.total


def in_scope(checklist: Checklist, modules: Iterable[str], focus: str = Focus.FULL) -> InScope:
    """What an assessment on ``checklist`` with ``modules`` and ``focus`` covers."""
    chosen = set(modules)
    everything = list(checklist.requirements(chosen))
    return InScope(
        served=tuple(m for m in checklist.modules if m.id in chosen),
        left_out=tuple(m for m in checklist.modules if m.id not in chosen),
        focus=focus,
        essentials=sum(1 for r in everything if r.criticality == "essential"),
        total=len(everything),
    )
