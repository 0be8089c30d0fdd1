"""Benchmark: re-checking the upgrade of a fully scored 1.0.0 assessment to checklist 2.0.0.

Builds, in a temporary SQLite database, a 1.0.0 self-assessment of a unit with every
requirement (core and the firearms module) answered as a unit head would: scores spread over
the scale with some N/A and "not evidenced", a note saying what the SOP says or lacks, and a
citation of a document in the unit's register. Then upgrades it to 2.0.0 and reports:

- the cards flagged to re-check by the earlier rule (every reworded, split or merged
  requirement) and by the current one (near copies carried, other bases re-checked);
- the words on the flagged cards: earlier and new title and statement, and of those the
  words a reader must take in when the card shows the two side by side (the new wording
  and the words it removed);
- an estimate of the time to re-check them, with the reading speed and the actions per card
  it assumes (``--wpm``, ``--decide``);
- with ``--browser``: the app served locally, the re-check list opened in Chromium and
  "Still holds" pressed with the H key on ``--sample`` cards, timed from the key to the
  card's confirmation (the page's own work, not the reading), and a screenshot of a card.

    .venv/bin/python bench/recheck_bench.py [--browser] [--sample 40] [--shot FILE.png]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench password for the unit head"
CHROMIUM = "/usr/bin/chromium"
REGISTER = [
    ("QM-01", "Quality manual", "3.0"),
    ("SOP-01", "Scene attendance and initial actions", "2.1"),
    ("SOP-02", "Recording the scene: notes, photographs, sketches", "4.0"),
    ("SOP-03", "Recovery and packaging of items", "2.2"),
    ("SOP-04", "Chain of custody and storage", "1.4"),
    ("SOP-05", "Contamination control at scenes", "1.0"),
    ("SOP-06", "Firearms at the scene", "1.1"),
    ("SOP-07", "Equipment, calibration and consumables", "2.0"),
    ("SOP-08", "Training and authorisation of CSIs", "1.3"),
]
SHORTFALLS = [
    "no time of each entry is required",
    "who checks it is not named",
    "the record is not signed off",
    "no interval is set",
    "the form in annex B has no field for it",
    "it applies to major scenes only",
    "the rule is in a circular letter, not in the SOP",
    "the responsible role is not named",
]


def _build(database: str, reports: str):
    """The app with 1.0.0 and 2.0.0 loaded, a unit head, and the fully scored 1.0.0 assessment."""
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.domain.loader import load_checklist_file
    from app.extensions import db
    from app.models import ChecklistVersion, Citation, Sop, Unit, User
    from app.services.assessment.assessments import create_assessment
    from app.services.content.checklists import checklist_of, store_checklist

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database, "REPORTS_DIR": reports})
    with app.app_context():
        db.create_all()
        for name in ("csi-sop-enfsi-1.0.0.yaml", "csi-sop-enfsi.yaml"):
            checklist, text = load_checklist_file(ROOT / "checklists" / name)
            store_checklist(checklist, text, name)
        first = db.session.scalar(db.select(ChecklistVersion).where(ChecklistVersion.version == "1.0.0"))
        unit = Unit(code="BENCH", name="Bench CSI Unit", jurisdiction="Benchland")
        head = User(
            email="head@bench.example",
            name="Una Head",
            role="unit_head",
            password_hash=generate_password_hash(PASSWORD),
        )
        head.units = [unit]
        sops = [Sop(unit=unit, code=c, title=t, version=v) for c, t, v in REGISTER]
        db.session.add_all([unit, head, *sops])
        db.session.flush()
        earlier = checklist_of(first)
        assessment = create_assessment(
            unit=unit, version=first, title="SOP self-assessment 2025", modules=["firearms"], scope="onsite", user=head
        )
        for i, response in enumerate(assessment.responses):
            req = earlier.requirement(response.requirement.code)
            sop = sops[(i * 5) % len(sops)]
            draw = (i * 37) % 100
            if draw < 4:
                response.not_applicable = True
                response.na_justification = "The unit does not do this work; the regional laboratory does."
            elif draw < 12:
                response.not_evidenced = True
                response.evidence_note = f"{sop.code} was not available to the assessors."
            else:
                response.value = (i * 7) % 4
                response.basis = "records" if draw > 90 else "sop_text"
                gap = "" if response.value == 3 else f"; {SHORTFALLS[i % len(SHORTFALLS)]}"
                response.evidence_note = f"{sop.code} s. {1 + i % 9}.{1 + i % 5} covers {str(req.title).lower()}{gap}."
                response.citations.append(Citation(sop=sop, section=f"{1 + i % 9}.{1 + i % 5}", position=0))
        db.session.commit()
        return app, assessment.id


def _before_rule(plan) -> list[str]:
    """Cards the earlier rule flagged: every reworded, split or merged requirement taking an answer."""
    from app.domain.lineage import Kind

    flagged = (Kind.REWORDED, Kind.SPLIT, Kind.MERGED)
    return [
        c.requirement_id
        for rid, c in plan.lineage.carries.items()
        if c.kind in flagged and any(e in plan.answered for e in c.earlier) and rid in _in_scope(plan)
    ]


def _in_scope(plan) -> set[str]:
    return {r.id for r in plan.lineage.later.requirements(plan.modules)}


def _words(plan, ids) -> dict[str, int]:
    """Words on the cards: earlier and new title and statement, and what a side-by-side reader takes in."""
    from app.domain.wording import compare

    earlier, later = plan.lineage.earlier, plan.lineage.later
    both = shown = changed = 0
    for rid in ids:
        carry = plan.lineage.carries[rid]
        new = later.requirement(rid)
        olds = [earlier.requirement(e) for e in carry.earlier]
        for part in ("title", "statement"):
            texts = [str(getattr(o, part)) for o in olds]
            found = compare(texts, str(getattr(new, part)))
            both += sum(len(t.split()) for t in texts) + len(str(getattr(new, part)).split())
            removed = sum(len(p.text.split()) for side in found.earlier for p in side if p.changed)
            added = sum(len(p.text.split()) for p in found.later if p.changed)
            shown += len(str(getattr(new, part)).split()) + removed
            changed += removed + added
    return {"both": both, "side_by_side": shown, "marked": changed}


def measure(args) -> dict:
    """Build, upgrade and count; the figures the report prints."""
    from app.extensions import db
    from app.models import Assessment, ChecklistVersion, User
    from app.services.assessment.upgrades import plan_upgrade, upgrade_assessment

    folder = tempfile.mkdtemp(prefix="recheck-bench-")
    app, assessment_id = _build(f"sqlite:///{folder}/bench.sqlite3", f"{folder}/reports")
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        second = db.session.scalar(db.select(ChecklistVersion).where(ChecklistVersion.version == "2.0.0"))
        plan = plan_upgrade(assessment, second)
        before = _before_rule(plan)
        head = db.session.scalar(db.select(User))
        started = time.perf_counter()
        new, plan = upgrade_assessment(assessment, second, head)
        db.session.commit()
        upgrade_seconds = time.perf_counter() - started
        after = [c.requirement_id for c in plan.to_recheck]
        answers = {r.requirement.code: r for r in new.responses}
        by_answer = {
            kind: [rid for rid in after if test(answers[rid])]
            for kind, test in (
                ("not evidenced", lambda r: r.not_evidenced),
                ("N/A", lambda r: r.not_applicable),
                ("scored", lambda r: r.value is not None),
            )
        }
        return {
            "app": app,
            "draft": new.id,
            "answered": len(plan.answered),
            "requirements": len(assessment.responses),
            "summary": plan.summary,
            "before": before,
            "after": after,
            "near": [c.requirement_id for c in plan.near_identical],
            "onto_site": [c.requirement_id for c in plan.to_recheck if c.basis_changed],
            "words_before": _words(plan, before),
            "words_after": _words(plan, after),
            "upgrade_seconds": upgrade_seconds,
            "by_answer": by_answer,
        }


def estimate(words: int, cards: int, wpm: float, decide: float) -> float:
    """Minutes to read ``words`` at ``wpm`` and spend ``decide`` seconds deciding and acting on each card."""
    return words / wpm + cards * decide / 60


def browse(found: dict, sample: int, shot: str | None) -> dict:
    """Serve the app, open the re-check list and press H on ``sample`` cards; times per card in ms."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    http = make_server("127.0.0.1", 0, found["app"], threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    times, loads = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
            page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base).new_page()
            page.goto("/login")
            page.fill("input[name=email]", "head@bench.example")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url)
            url = f"/assessments/{found['draft']}/score?filter=recheck"
            started = time.perf_counter()
            page.goto(url)
            loads.append(time.perf_counter() - started)
            if shot:  # the first card whose changes are marked (the most changed ones were rewritten whole)
                for number in range(2, 13):
                    marked = page.locator("article.req:has(.wording del)")
                    if marked.count():
                        marked.first.screenshot(path=shot)
                        break
                    page.goto(f"{url}&page={number}")
                page.goto(url)
            done = 0
            while done < sample:
                buttons = page.locator("form[data-still-holds] button")
                if buttons.count() == 0:
                    started = time.perf_counter()
                    page.goto(url)  # the next twenty, most changed first
                    loads.append(time.perf_counter() - started)
                    if page.locator("form[data-still-holds] button").count() == 0:
                        break
                    continue
                button = buttons.first
                card = button.locator("xpath=ancestor::article[1]")
                rid = card.get_attribute("data-req")
                button.focus()
                started = time.perf_counter()
                page.keyboard.press("h")
                page.locator(f"#req-{rid} [data-confirm-status]").filter(has_text="still holds").wait_for(timeout=10000)
                times.append(time.perf_counter() - started)
                done += 1
            browser.close()
    finally:
        http.shutdown()
    return {"times": times, "loads": loads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wpm", type=float, default=180, help="reading speed, words a minute (default 180)")
    parser.add_argument("--decide", type=float, default=6, help="seconds to decide and act on a card (default 6)")
    parser.add_argument(
        "--find", type=float, default=20, help="seconds to find the earlier wording elsewhere (default 20)"
    )
    parser.add_argument(
        "--glance", type=float, default=5, help="seconds to glance at a card's unmarked words (default 5)"
    )
    parser.add_argument("--browser", action="store_true", help="drive 'Still holds' in Chromium")
    parser.add_argument("--sample", type=int, default=40, help="cards to confirm in the browser (default 40)")
    parser.add_argument("--shot", help="save a screenshot of the first re-check card to this PNG")
    args = parser.parse_args()
    found = measure(args)
    before, after = found["before"], found["after"]
    wb, wa = found["words_before"], found["words_after"]
    print(f"1.0.0 assessment: {found['answered']} of {found['requirements']} requirements answered (core and firearms)")
    print(f"upgrade to 2.0.0: {found['summary']} in {found['upgrade_seconds']:.2f} s")
    print(f"cards flagged to re-check, earlier rule: {len(before)}")
    print(
        f"cards flagged to re-check, now: {len(after)} ({len(found['near'])} near copies carried without one: "
        f"{', '.join(found['near'])}; {len(found['onto_site'])} now decided from records or practice)"
    )
    print("flagged cards by carried answer: " + ", ".join(f"{k} {len(v)}" for k, v in found["by_answer"].items()))
    print(
        f"words on the flagged cards, earlier and new title and statement: {wb['both']:,} (earlier rule), "
        f"{wa['both']:,} (now)"
    )
    print(f"words to take in with the two side by side (new wording and the words it removed): {wa['side_by_side']:,}")
    print(f"words marked as removed or added on the flagged cards: {wa['marked']:,}")
    then = estimate(wb["both"], len(before), args.wpm, args.decide + args.find)
    now = estimate(wa["side_by_side"], len(after), args.wpm, args.decide)
    print(
        f"estimate, earlier (read both wordings, find the earlier one elsewhere, {args.find:.0f} s a card, "
        f"{args.decide:.0f} s to decide and save): {then:.0f} min ({then / 60:.1f} h)"
    )
    print(
        f"estimate, now (read the new wording and the marked removals at {args.wpm:.0f} words a minute, "
        f"{args.decide:.0f} s to decide, one key): {now:.0f} min ({now / 60:.1f} h)"
    )
    marked = estimate(wa["marked"], len(after), args.wpm, args.decide + args.glance)
    print(
        f"estimate, now (read only the marked words at {args.wpm:.0f} words a minute, {args.glance:.0f} s to glance "
        f"at the rest of the card, {args.decide:.0f} s to decide, one key): {marked:.0f} min ({marked / 60:.1f} h)"
    )
    if args.browser:
        seen = browse(found, args.sample, args.shot)
        times = [t * 1000 for t in seen["times"]]
        if times:
            print(
                f"'Still holds' with the H key on {len(times)} cards: median {statistics.median(times):.0f} ms, "
                f"slowest {max(times):.0f} ms (key to confirmation, reading not included)"
            )
        loads = [t * 1000 for t in seen["loads"]]
        print(
            f"re-check list pages (20 cards each) opened {len(loads)} times: median {statistics.median(loads):.0f} ms"
        )
        if args.shot:
            print(f"screenshot of the first re-check card: {args.shot}")


if __name__ == "__main__":
    main()
