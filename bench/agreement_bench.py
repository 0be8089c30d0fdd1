"""Agreement between two independent scorings of the same SOP, with the checklist version they scored.

Reads the scorings kept in ``tests/data/scorings/`` (one file per SOP and scorer: which SOP,
who, and per requirement the elements ticked and the level, or a state) and prints, per SOP
and pooled, the exact agreement, the weighted kappa (quadratic weights), the element
agreement and where the two differ most. The target (issue 16) is a weighted kappa of at
least 0.8 overall.

    make bench-agreement     # or: .venv/bin/python bench/agreement_bench.py [--folder DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain.agreement import Agreement, Mark, compare  # noqa: E402
from app.domain.loader import load_checklist_file, shipped_file  # noqa: E402

TARGET = 0.8


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _kappa(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "tests" / "data" / "scorings")
    parser.add_argument("--checklist", type=Path, help="default: the version the scorings name")
    args = parser.parse_args()
    if args.checklist is None:
        named = {yaml.safe_load(p.read_text(encoding="utf-8")).get("checklist") for p in args.folder.glob("*.yaml")}
        args.checklist = shipped_file(ROOT / "checklists", sorted(n for n in named if n)[-1])
    checklist, _text = load_checklist_file(args.checklist)
    requirements = list(checklist.requirements([m.id for m in checklist.modules]))
    by_sop: dict[str, dict[str, dict[str, Mark]]] = defaultdict(dict)
    for path in sorted(args.folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("checklist") not in (None, f"{checklist.id}@{checklist.version}"):
            print(f"{path.name}: scored with {data['checklist']}, not {checklist.id}@{checklist.version}; left out")
            continue
        by_sop[data["sop"]][str(data["scorer"])] = {rid: Mark.read(e) for rid, e in data["scores"].items()}
    pooled: Agreement | None = None
    print(f"Agreement of two independent scorers, {checklist.id}@{checklist.version}, from {args.folder}")
    print(f"{'SOP':<10} {'pairs':>5} {'exact':>6} {'kappa':>6} {'elements':>9} {'scored by one':>14}")
    for sop, scorers in sorted(by_sop.items()):
        if len(scorers) != 2:
            print(f"{sop:<10} needs two scorings, has {len(scorers)}")
            continue
        first, second = (scorers[k] for k in sorted(scorers))
        result = compare(requirements, first, second)
        pooled = result if pooled is None else pooled + result
        print(
            f"{sop:<10} {result.count:>5} {_percent(result.exact):>6} {_kappa(result.kappa):>6} "
            f"{_percent(result.elements):>9} {len(result.scored_by_one):>14}"
        )
    if pooled is None:
        print("no pair of scorings found")
        return 1
    print(
        f"{'overall':<10} {pooled.count:>5} {_percent(pooled.exact):>6} {_kappa(pooled.kappa):>6} "
        f"{_percent(pooled.elements):>9} {len(pooled.scored_by_one):>14}"
    )
    print("Largest differences: " + ", ".join(f"{rid} {a}/{b}" for rid, a, b in pooled.largest(15)))
    met = pooled.kappa is not None and pooled.kappa >= TARGET
    print(f"Target weighted kappa >= {TARGET}: {'met' if met else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
