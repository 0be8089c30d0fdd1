"""Imports flow one way: domain -> models -> services -> web and commands, and inside the
services from the packages that build on others down to those they build on.

A new module is checked without being listed: its folder decides its layer. An import
that runs back up (a lower layer reaching into a higher one) fails here with its file and
line, so the house keeps the shape STYLE.md describes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

#: The application's layers, lowest first: a module may import from its own layer and those below.
APP_LAYERS = ("domain", "models", "services", "interface")
#: Modules every layer above the domain may use.
SHARED = {"app.extensions", "app.config"}
#: Service packages, lowest first. The modules at the root of app/services (the shared
#: vocabulary: labels, formatting) are below them all and import none of them.
SERVICE_PACKAGES = ("accounts", "content", "assessment", "programme", "exchange", "reporting", "demo")


def _app_layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "app" or len(parts) < 2:
        return None
    if parts[1] in ("web", "cli"):
        return APP_LAYERS.index("interface")
    if parts[1] in APP_LAYERS:
        return APP_LAYERS.index(parts[1])
    return None


def _service_rank(module: str) -> int | None:
    """-1 for the shared root modules of app.services, the package's rank otherwise; None outside."""
    parts = module.split(".")
    if parts[:2] != ["app", "services"] or len(parts) < 3:
        return None
    return SERVICE_PACKAGES.index(parts[2]) if parts[2] in SERVICE_PACKAGES else -1


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path):
    """(line, imported module) for every import in the file, those inside functions too."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                # "from app.services import labels" imports the module app.services.labels
                yield node.lineno, f"{node.module}.{alias.name}" if node.module == "app.services" else node.module


def _runs_up(importer: str, imported: str) -> str | None:
    """Why importing ``imported`` from ``importer`` runs back up, or None when it flows down."""
    layer, target_layer = _app_layer(importer), _app_layer(imported)
    if layer is not None and imported in SHARED:
        return "the domain is pure Python" if layer == APP_LAYERS.index("domain") else None
    if layer is not None and target_layer is not None and target_layer > layer:
        return f"{APP_LAYERS[layer]} is below {APP_LAYERS[target_layer]}"
    rank, target_rank = _service_rank(importer), _service_rank(imported)
    if rank is not None and target_rank is not None and target_rank > rank:
        below = "the shared root" if rank == -1 else f"services/{SERVICE_PACKAGES[rank]}"
        return f"{below} is below services/{SERVICE_PACKAGES[target_rank]}"
    return None


def _upward_imports() -> list[str]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        here = _module_name(path)
        for line, target in _imports(path):
            why = _runs_up(here, target)
            if why:
                found.append(f"{path.relative_to(APP.parent)}:{line}: {here} imports {target} ({why})")
    return found


def test_no_import_runs_from_a_lower_layer_or_package_to_a_higher_one():
    assert _upward_imports() == []


def test_every_service_module_belongs_to_a_known_package():
    services = APP / "services"
    strays = [
        str(p.relative_to(APP.parent))
        for p in services.iterdir()
        if p.is_dir() and p.name != "__pycache__" and p.name not in SERVICE_PACKAGES
    ]
    assert strays == [], "add the new package to SERVICE_PACKAGES at its place in the order"


@pytest.mark.parametrize(
    ("importer", "imported", "upward"),
    [
        ("app.services.assessment.workflow", "app.services.reporting.reports", True),
        ("app.services.reporting.reports", "app.services.assessment.workflow", False),
        ("app.services.labels", "app.services.accounts.audit", True),
        ("app.services.demo.demo", "app.services.labels", False),
        ("app.domain.scoring", "app.models", True),
        ("app.web.guards", "app.services.assessment.access", False),
        ("app.services.accounts.users", "app.services.content.sops", True),
        ("app.services.content.sops", "app.services.accounts.audit", False),
        ("app.domain.loader", "app.extensions", True),
        ("app.models.assessments", "app.extensions", False),
    ],
)
def test_the_rule_tells_up_from_down(importer, imported, upward):
    assert (_runs_up(importer, imported) is not None) is upward
