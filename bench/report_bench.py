"""Benchmark: render time and peak memory of the full gap report beside a reference document.

The reference is a plain 300-row table that WeasyPrint lays out on 17-18 A4 pages; the
target (DESIGN.md) is that the full report of an assessment where every requirement,
core and firearms module, is scored with notes is no slower than that reference, with a
peak memory under 250 MB. Each case runs in its own process, alternately, several times;
the best and the median of each are printed.

    make bench            # or: .venv/bin/python bench/report_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "scene",
    "item",
    "record",
    "seal",
    "custody",
    "photograph",
    "sketch",
    "package",
    "label",
    "transport",
    "storage",
    "review",
]


def _words(start: int, count: int) -> str:
    return " ".join(WORDS[(start * 7 + k) % len(WORDS)] for k in range(count))


def reference_html() -> str:
    """A plain 300-row, four-column table document (17-18 pages on A4)."""
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>Row {i + 1}: {_words(i, 6)}</td><td>{_words(i + 3, 12)}</td><td>{_words(i + 5, 3)}</td></tr>"
        for i in range(300)
    )
    style = (
        "@page { size: A4; margin: 2cm } body { font-family: sans-serif; font-size: 10pt }"
        " table { border-collapse: collapse; width: 100% } td, th { border: 0.5pt solid #999; padding: 3pt; vertical-align: top }"
    )
    return (
        f"<html><head><style>{style}</style></head><body><h1>Reference table</h1><table><thead><tr>"
        f"<th>#</th><th>Item</th><th>Description</th><th>Status</th></tr></thead><tbody>{rows}</tbody></table></body></html>"
    )


def run_one(case: str, database: str) -> dict:
    """Render one case in this process; return seconds, pages, bytes and peak RSS."""
    if case == "reference":
        from weasyprint import HTML

        started = time.perf_counter()
        document = HTML(string=reference_html()).render()
        pdf = document.write_pdf()
        pages = len(document.pages)
    else:
        from sqlalchemy import select

        from app import create_app
        from app.extensions import db
        from app.models import Assessment
        from app.services.reports import render_report_pdf

        app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench"})
        with app.app_context():
            assessment = db.session.scalar(select(Assessment).where(Assessment.title.like("Full assessment%")))
            started = time.perf_counter()
            pdf = render_report_pdf(assessment)
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"case": case, "seconds": elapsed, "pages": pages, "bytes": len(pdf), "peak_mb": peak_mb}


def prepare(database: str) -> None:
    """A fresh database with the shipped checklist and the full demo assessment."""
    from app import create_app
    from app.extensions import db
    from app.services.demo import make_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        outcome = make_demo(full=True)
        print(f"prepared: assessment {outcome.assessment.id}, every requirement scored with notes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", choices=["reference", "full"], help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.database)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        prepare(database)
        results: dict[str, list[dict]] = {"reference": [], "full": []}
        for _ in range(args.runs):
            for case in ("reference", "full"):
                out = subprocess.run(
                    [sys.executable, __file__, "--one", case, "--database", database],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                    env={**os.environ, "PYTHONWARNINGS": "ignore"},
                )
                results[case].append(json.loads(out.stdout.strip().splitlines()[-1]))

    print(f"\n{'case':<26}{'best s':>8}{'median s':>10}{'pages':>7}{'peak MB':>9}")
    best = {}
    for case, label in (("reference", "reference 300-row table"), ("full", "full gap report")):
        runs = results[case]
        seconds = [r["seconds"] for r in runs]
        best[case] = min(seconds)
        print(
            f"{label:<26}{min(seconds):>8.2f}{statistics.median(seconds):>10.2f}{runs[0]['pages']:>7}{max(r['peak_mb'] for r in runs):>9.0f}"
        )
    ratio = best["full"] / best["reference"]
    peak = max(r["peak_mb"] for r in results["full"])
    print(f"\nfull report / reference (best of {args.runs}): {ratio:.2f}  (target <= 1.00)")
    print(f"full report peak memory: {peak:.0f} MB  (target < 250 MB)")


if __name__ == "__main__":
    main()
