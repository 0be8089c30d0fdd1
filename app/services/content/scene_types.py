"""The scene types (optional modules) a unit chooses from when an assessment starts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.text import Text
from app.models import ChecklistVersion
from app.services.content.checklists import checklist_of
from app.services.labels import module_title


@dataclass(frozen=True)
class SceneType:
    """A module offered on the create form: what it covers and how many requirements it adds."""

    id: str
    title: str
    description: Text | None
    size: int


def scene_types_offered(versions: Iterable[ChecklistVersion]) -> list[SceneType]:
    """The modules the given versions declare, each once (as the first version declaring it has it)."""
    offered: dict[str, SceneType] = {}
    for version in versions:
        checklist = checklist_of(version)
        for m in checklist.modules:
            offered.setdefault(m.id, SceneType(m.id, module_title(m), m.description, checklist.module_size(m.id)))
    return list(offered.values())
