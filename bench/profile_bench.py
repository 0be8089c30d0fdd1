"""Profiles: where the time goes in a report render, a scoring page, a save and the dashboard.

Seeds bench-load's region (``bench/load_bench.py``'s ``seed``: 50 units, 500 assessments, 20,000
answered responses) and the demo's full consultation (every card reviewed and agreed: the
heaviest report), then, for each of these, runs it once to warm up (templates, fonts and the
checklist loaded, as in a server that has been up a while), times it without the profiler,
and runs it under cProfile:

- ``report``: the consultation gap report rendered to PDF (in the process, as a render process does);
- ``scoring_page``: the largest section's scoring page, for a signed-in unit head (test client);
- ``save``: an autosave of one card of that section (its form's fields, as the page's script posts them);
- ``dashboard``: the whole region's dashboard, for an administrator.

Writes ``NAME.prof`` (read with ``python -m pstats NAME.prof``) and ``NAME.txt`` (the 30 hottest
functions by own time and by cumulative time, then pstats' own listings) for each into
``bench/profiles/`` (git-ignored), and prints the five hottest of each. The requests run
``--repeat`` times (default 5) in one profile, so that it shows steady work rather than one
request's noise; the render runs once. About a minute and a half.

    make profile            # or: .venv/bin/python bench/profile_bench.py [--repeat N] [--out DIR]
                            #     [--database URL]  (an empty database to seed; default: SQLite in a temp folder)

(Not named profile.py: a script of that name would stand in for the standard library's
``profile`` module, which cProfile imports.)
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import pstats
import re
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load_bench import ANSWERED, ASSESSMENTS_PER_UNIT, PASSWORD, UNITS, seed  # noqa: E402  (beside this file)

OUT = ROOT / "bench" / "profiles"
SITE = sysconfig.get_paths()["purelib"]
STDLIB = sysconfig.get_paths()["stdlib"]


#: Share of a profile above which a function wraps nearly all of it (the test client, Flask's dispatch):
#: left out of the cumulative list, which would otherwise name only these.
WRAPPING = 0.9
#: A function called by one listed function alone, with nearly all of its time, takes its place there.
THIN = 0.95


def where(function: tuple[str, int, str]) -> str:
    """``path:line(name)``, the path short: from site-packages, the standard library or the project's folder."""
    filename, line, name = function
    if filename == "~":  # a built-in (C) function: pstats names it {method 'x' of 'y' objects}
        return name
    for prefix in (SITE + "/", STDLIB + "/", str(ROOT) + "/"):
        if filename.startswith(prefix):
            filename = filename[len(prefix) :]
            break
    return f"{filename}:{line}({name})"


def by_own_time(stats: pstats.Stats, count: int) -> list[tuple]:
    """The ``count`` functions that spent most time in their own code (not in what they called)."""
    return sorted(stats.stats, key=lambda f: stats.stats[f][2], reverse=True)[:count]


def by_cumulative_time(stats: pstats.Stats, count: int) -> list[tuple]:
    """The ``count`` functions that spent most time with what they called, wrappers of nearly all left out.

    Built-in functions are left out too (str.join's time is its generator's: a template's), and a
    chain of thin wrappers (render_template, Jinja's render, the template's root) is shown by its
    innermost link only.
    """
    shown: list[tuple] = []
    for function in sorted(stats.stats, key=lambda f: stats.stats[f][3], reverse=True):
        ct = stats.stats[function][3]
        if len(shown) == count and ct < THIN * min(stats.stats[f][3] for f in shown):
            break
        if function[0] == "~" or ct >= WRAPPING * stats.total_tt:
            continue
        wrapper = next((f for f in shown if ct >= THIN * stats.stats[f][3] and calls(stats, f, function)), None)
        if wrapper is not None:
            shown[shown.index(wrapper)] = function
        elif len(shown) < count:
            shown.append(function)
    return shown


def calls(stats: pstats.Stats, outer: tuple, inner: tuple) -> bool:
    """Whether ``outer`` called ``inner``, directly or through others."""
    seen, todo = set(), [inner]
    while todo:
        function = todo.pop()
        for caller in stats.stats.get(function, (0, 0, 0, 0, {}))[4]:
            if caller == outer:
                return True
            if caller not in seen:
                seen.add(caller)
                todo.append(caller)
    return False


def summary(name: str, stats: pstats.Stats, runs: int, times: tuple[float, float], count: int) -> str:
    plain, profiled = times
    lines = [
        f"{name}: {plain:.0f} ms (best of {runs}, no profiler); {profiled:.0f} ms a run under the profiler, "
        f"{runs} run(s) profiled"
    ]
    for title, functions in (
        ("own time (tottime)", by_own_time(stats, count)),
        (f"cumulative time (cumtime; functions over {WRAPPING:.0%} of it left out)", by_cumulative_time(stats, count)),
    ):
        lines.append(f"  hottest by {title}:")
        lines.append(f"    {'own s':>7} {'cum s':>7} {'calls':>8}  function")
        for function in functions:
            _cc, nc, tt, ct, _callers = stats.stats[function]
            lines.append(f"    {tt:>7.3f} {ct:>7.3f} {nc:>8}  {where(function)}")
    return "\n".join(lines)


def profile(name: str, work: Callable[[], object], runs: int, out: Path) -> str:
    """Run ``work`` once to warm up, ``runs`` times timed, ``runs`` times under cProfile; write NAME.prof and NAME.txt."""
    work()
    plain = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        work()
        plain.append((time.perf_counter() - started) * 1000)
    gc.collect()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(runs):
        work()
    profiler.disable()
    times = (min(plain), (time.perf_counter() - started) * 1000 / runs)
    profiler.dump_stats(out / f"{name}.prof")
    stats = pstats.Stats(profiler)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(30)
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
    (out / f"{name}.txt").write_text(summary(name, stats, runs, times, 30) + "\n\n" + text.getvalue())
    return summary(name, stats, runs, times, 5)


def prepare(database_url: str) -> None:
    """Bench-load's region, and the demo's full consultation beside it."""
    from app import create_app
    from app.extensions import db
    from app.services.demo.demo import make_demo

    started = time.perf_counter()
    log = io.StringIO()
    try:
        with contextlib.redirect_stderr(log):  # the migrations' lines, one per revision
            seed(database_url)
    except BaseException:
        sys.stderr.write(log.getvalue())
        raise
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "profile"})
    with app.app_context():
        make_demo(full=True)
        db.session.remove()
        db.engine.dispose()
    print(
        f"seeded bench-load's region ({UNITS} units, {UNITS * ASSESSMENTS_PER_UNIT} assessments, "
        f"{UNITS * ASSESSMENTS_PER_UNIT * ANSWERED:,} answered responses) and the demo's full consultation "
        f"in {time.perf_counter() - started:.0f} s"
    )


def signed_in(app, email: str):
    """A test client signed in through the real form."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    if answer.status_code != 302:
        raise SystemExit(f"{email} could not sign in ({answer.status_code})")
    return client


class CardForm(HTMLParser):
    """The fields of one form (what FormData posts: inputs, checked boxes, text areas, chosen options)."""

    def __init__(self, action_ending: str):
        super().__init__(convert_charrefs=True)
        self.action_ending, self.inside, self.found = action_ending, False, False
        self.fields: dict[str, str] = {}
        self.text_of: str | None = None  # the text area being read
        self.select: str | None = None  # the select whose options are being read

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").endswith(self.action_ending)
            self.found |= self.inside
        if not self.inside or (tag != "option" and "name" not in a) or "disabled" in a:
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields[a["name"]] = a.get("value", "on" if a.get("type") in ("checkbox", "radio") else "")
        elif tag == "textarea":
            self.text_of = a["name"]
            self.fields[self.text_of] = ""
        elif tag == "select":
            self.select = a["name"]
            self.fields.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")

    def handle_data(self, data):
        if self.text_of:
            self.fields[self.text_of] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.text_of = None
        elif tag == "select":
            self.select = None


def card_form(page: str, code: str) -> dict[str, str]:
    """The fields of card ``code``'s self-assessment form as the scoring page shows them."""
    reader = CardForm(f"/responses/{code}")
    reader.feed(page)
    if not reader.found:
        raise SystemExit(f"no form of card {code} on the scoring page")
    return reader.fields


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="requests per profile (the render runs once)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--database", help="an empty database to seed (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database or f"sqlite:///{Path(tmp) / 'profile.sqlite3'}"
        prepare(database_url)

        from sqlalchemy import func, select

        from app import create_app
        from app.extensions import db
        from app.models import Assessment, Unit
        from app.services.assessment.assessments import score_sheet
        from app.services.demo.demo import FULL_TITLE
        from app.services.reporting.reports import render_report_pdf

        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SECRET_KEY": "profile",
                "MFA_REQUIRED_ROLES": (),  # the seeded administrators sign in with a password
                "REPORTS_DIR": str(Path(tmp) / "reports"),
            }
        )
        app.instance_path = str(Path(tmp) / "instance")
        results = []
        with app.app_context():
            consultation = db.session.scalar(select(Assessment.id).where(Assessment.title == FULL_TITLE))
            # The first assessment of the first seeded unit: assessor0, a unit head, scores it in bench-load too.
            scored = db.session.scalar(select(func.min(Assessment.id)).join(Unit).where(Unit.code == f"U{0:02d}"))
            largest = max(score_sheet(db.session.get(Assessment, scored)).sections, key=lambda s: len(s.requirements))
            code = largest.requirements[0].id
            total = db.session.scalar(select(func.count(Assessment.id)))
            db.session.remove()

            def report():
                db.session.expire_all()
                pdf = render_report_pdf(db.session.get(Assessment, consultation))
                db.session.remove()
                return pdf

            print("profiling the consultation report render ...", flush=True)
            results.append(profile("report", report, 1, args.out))

        head = signed_in(app, "assessor0@load.example")
        page_url = f"/assessments/{scored}/score?section={largest.id}"

        def scoring_page():
            answer = head.get(page_url)
            assert answer.status_code == 200, answer.status_code
            return answer

        print(
            f"profiling the scoring page (section {largest.id}, {len(largest.requirements)} requirements) ...",
            flush=True,
        )
        results.append(profile("scoring_page", scoring_page, args.repeat, args.out))

        fields = card_form(scoring_page().get_data(as_text=True), code)
        saves = iter(range(10**6))

        def save():
            n = next(saves)
            fields.update(
                {
                    f"{code}-score": str(n % 4),
                    f"{code}-basis": "sop_text",
                    f"{code}-evidence_note": f"Profiled note {n}.",
                }
            )
            answer = head.post(
                f"/assessments/{scored}/responses/{code}",
                data=dict(fields),
                headers={"Accept": "application/json"},
                content_type="multipart/form-data",  # FormData, as autosave sends it
            )
            assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
            fields[f"{code}-version"] = str(answer.get_json()["version"])
            return answer

        print(f"profiling a save of card {code} ...", flush=True)
        results.append(profile("save", save, args.repeat, args.out))

        admin = signed_in(app, "admin0@load.example")

        def dashboard():
            answer = admin.get("/")
            assert answer.status_code == 200, answer.status_code
            return answer

        print(f"profiling the dashboard (administrator, {total} assessments) ...", flush=True)
        results.append(profile("dashboard", dashboard, args.repeat, args.out))
        with app.app_context():
            db.engine.dispose()

    for text in results:
        print("\n" + text)
    shown = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"\nProfiles in {shown}/: NAME.prof (python -m pstats {shown}/report.prof) and NAME.txt (top 30).")


if __name__ == "__main__":
    main()
