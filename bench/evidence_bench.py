"""How well and how fast evidence suggestions find the sections that answer each requirement.

For each labelled SOP (a Markdown file ``NAME.md`` with ``NAME.labels.yaml`` beside it, mapping a
section number to the requirement ids it answers) in the evaluation set
``tests/data/sops/evidence/`` and, reported apart as "dev", the development set
``tests/data/sops/evidence-dev/``, prints from the requirement's side: recall at 1 and at 3
(a labelled section among its top 1 / 3 suggestions) and the mean reciprocal rank of the first
labelled section (over the top 10), with the time to import the SOP (read as ``flask sops import``
reads it, split into sections, indexed) and to suggest for every requirement of the checklist.
Then the same timings for a synthetic 80-page SOP per language (about 300 sections, 40,000 words,
made by varying the sets' sections), printed to a PDF and imported from it.
Targets (issue 17): recall at 3 of at least 0.8 in English and in the regional languages;
suggestions for every requirement of an 80-page SOP in under 5 seconds.

    make bench-evidence     # or: .venv/bin/python bench/evidence_bench.py
"""

from __future__ import annotations

import argparse
import html
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain.evidence_language import ENGLISH, detect_family, detect_language  # noqa: E402
from app.domain.evidence_match import EvidenceIndex, Passage, sentence_spans, suggest_all  # noqa: E402
from app.domain.evidence_query import queries_for, read_terms  # noqa: E402
from app.domain.loader import load_checklist_file  # noqa: E402
from app.domain.sop_sections import split_sections  # noqa: E402
from app.services.content.sop_extraction import extract  # noqa: E402

RECALL_TARGET, SECONDS_TARGET = 0.8, 5.0
SYNTHETIC_SECTIONS, SYNTHETIC_WORDS = 300, 40_000
DEPTH = 10


def import_sections(code: str, data: bytes, filename: str) -> list[Passage]:
    """The SOP as the importer reads it (``flask sops import``): extracted in a child process with
    the importer's limits, split into numbered sections, each section a passage."""
    sectioning = split_sections(extract(data, filename).paragraphs)
    return [Passage(code, s.number, s.heading, s.text) for s in sectioning.sections]


@dataclass
class Result:
    """Recall and reciprocal ranks of one labelled SOP."""

    name: str
    language: str
    sections: int
    words: int
    import_s: float
    suggest_s: float
    ranks: list[int | None]

    def recall(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= k) / len(self.ranks) if self.ranks else 0.0

    @property
    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks if r is not None) / len(self.ranks) if self.ranks else 0.0


def measure(md: Path, checklist, terms) -> Result:
    """Index one labelled SOP, suggest for every requirement and rank the labelled sections."""
    labels = yaml.safe_load(md.with_name(md.stem + ".labels.yaml").read_text(encoding="utf-8")) or {}
    wanted: dict[str, set[str]] = defaultdict(set)
    for section, ids in labels.items():
        for rid in ids or ():
            wanted[str(rid)].add(str(section))
    text = md.read_text(encoding="utf-8")
    started = time.perf_counter()
    index = EvidenceIndex(import_sections(md.stem, md.read_bytes(), md.name))
    indexed = time.perf_counter()
    suggestions = suggest_all(index, checklist, terms, n=DEPTH)
    done = time.perf_counter()
    ranks = []
    for rid in sorted(wanted):
        found = [i for i, s in enumerate(suggestions.get(rid, []), 1) if s.passage.section in wanted[rid]]
        ranks.append(found[0] if found else None)
    missing = sorted(set(wanted) - set(suggestions))
    if missing:
        print(f"  {md.name}: labels name requirements the checklist lacks: {', '.join(missing)}")
    language = detect_language(text)
    return Result(md.stem, language, len(index.passages), len(text.split()), indexed - started, done - indexed, ranks)


def synthetic(passages: list[Passage], seed: int) -> list[Passage]:
    """An 80-page SOP from the given sections: renumbered, sentences shuffled and mixed."""
    rng = random.Random(seed)
    sentences = [p.text[s:e] for p in passages for s, e in sentence_spans(p.text)]
    per_section = SYNTHETIC_WORDS // SYNTHETIC_SECTIONS + 1
    result = []
    for number in range(SYNTHETIC_SECTIONS):
        model = passages[number % len(passages)]
        own = [model.text[s:e] for s, e in sentence_spans(model.text)]
        rng.shuffle(own)
        body = list(own)
        while sum(len(s.split()) for s in body) < per_section:
            body.append(rng.choice(sentences))
        result.append(Passage("SYN-80", f"{number // 10 + 1}.{number % 10 + 1}", model.heading, " ".join(body)))
    return result


def as_pdf(passages: list[Passage]) -> bytes:
    """The passages as a printed SOP: A4, 11 pt, one numbered heading per section."""
    from weasyprint import HTML

    body = "".join(
        f"<h2>{html.escape(p.section)} {html.escape(p.heading)}</h2><p>{html.escape(p.text)}</p>" for p in passages
    )
    style = "@page { size: A4; margin: 2.5cm } body { font: 11pt/1.5 sans-serif } h2 { font-size: 12pt }"
    return HTML(string=f"<html><head><style>{style}</style></head><body>{body}</body></html>").write_pdf()


def time_synthetic(passages: list[Passage], checklist, terms, label: str) -> tuple[float, float]:
    """Import (from a PDF, as ``flask sops import`` reads it) and suggestion times for a synthetic
    80-page SOP; prints one line."""
    data = as_pdf(synthetic(passages, seed=17))
    started = time.perf_counter()
    extracted = extract(data, "synthetic.pdf")
    sop = [Passage("SYN-80", s.number, s.heading, s.text) for s in split_sections(extracted.paragraphs).sections]
    index = EvidenceIndex(sop)
    indexed = time.perf_counter()
    suggest_all(index, checklist, terms, n=3)
    done = time.perf_counter()
    words = sum(len(p.text.split()) for p in sop)
    met = "met" if done - indexed < SECONDS_TARGET else "not met"
    print(
        f"{label:<27} PDF {extracted.pages:>3} pages {len(sop):>4} sections {words:>6} words  "
        f"import {indexed - started:5.2f} s  suggest {done - indexed:5.2f} s  (target < {SECONDS_TARGET:.0f} s: {met})"
    )
    return indexed - started, done - indexed


def _sets(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.with_name(p.stem + ".labels.yaml").exists())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "tests" / "data" / "sops" / "evidence")
    parser.add_argument("--dev", type=Path, default=ROOT / "tests" / "data" / "sops" / "evidence-dev")
    parser.add_argument("--checklist", type=Path, default=ROOT / "checklists" / "csi-sop-enfsi.yaml")
    parser.add_argument("--terms", type=Path, default=ROOT / "checklists" / "data" / "evidence-terms.yaml")
    args = parser.parse_args()
    checklist, _text = load_checklist_file(args.checklist)
    terms = read_terms(args.terms)
    started = time.perf_counter()
    queries_for(checklist, terms)
    print(
        f"Evidence suggestions, {checklist.id}@{checklist.version}: queries for "
        f"{sum(1 for _ in checklist.requirements([m.id for m in checklist.modules]))} requirements built in "
        f"{time.perf_counter() - started:.2f} s (once per checklist version)"
    )
    groups = []
    if args.folder.is_dir() and _sets(args.folder):
        groups.append(("eval", _sets(args.folder)))
    else:
        print(f"No labelled evaluation set in {args.folder}: measuring the dev set only")
    if args.dev.is_dir():
        groups.append(("dev", _sets(args.dev)))
    header = f"{'set':<5} {'SOP':<18} {'lang':<8} {'sect':>4} {'labels':>6} {'R@1':>5} {'R@3':>5} {'MRR':>5} {'import':>8} {'suggest':>8}"
    print(header)
    by_language: dict[tuple[str, str], list[Result]] = defaultdict(list)
    passages: dict[str, list[Passage]] = defaultdict(list)
    for kind, files in groups:
        for md in files:
            result = measure(md, checklist, terms)
            print(
                f"{kind:<5} {result.name:<18} {result.language:<8} {result.sections:>4} {len(result.ranks):>6} "
                f"{result.recall(1):5.2f} {result.recall(3):5.2f} {result.mrr:5.2f} "
                f"{result.import_s * 1000:6.0f} ms {result.suggest_s * 1000:6.0f} ms"
            )
            family = "English" if result.language == ENGLISH else "regional"
            by_language[(kind, family)].append(result)
            sections = import_sections(md.stem, md.read_bytes(), md.name)
            passages["en" if detect_family(md.read_text(encoding="utf-8")) == ENGLISH else "regional"] += sections
    for (kind, family), results in sorted(by_language.items()):
        ranks = [r for result in results for r in result.ranks]
        pooled = Result(family, family, 0, 0, 0, 0, ranks)
        met = "met" if pooled.recall(3) >= RECALL_TARGET else "not met"
        print(
            f"{kind:<5} {family:<9} pooled: R@1 {pooled.recall(1):.2f}  R@3 {pooled.recall(3):.2f}  "
            f"MRR {pooled.mrr:.2f}  over {len(ranks)} labelled requirements  (target R@3 >= {RECALL_TARGET}: {met})"
        )
    for language, sections in sorted(passages.items()):
        time_synthetic(sections, checklist, terms, f"synthetic 80 pages {language}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
