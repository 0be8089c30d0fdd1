"""Load benchmark: the app under gunicorn, with a region's worth of data, used by many people at once.

Seeds 50 units, 500 assessments (each a full copy of the shipped checklist, 40 answers each:
20,000 answered responses), starts the app under gunicorn, then runs phases of a fixed time. In
each phase people arrive as on a real morning, spread over the first :data:`RAMP_SECONDS` (each
role's arrivals evenly spread with a seeded jitter, so runs are comparable), and all of them then
work for the phase's time. Before the first phase each worker has served its first scoring pages
(a morning's server has been up since yesterday; how long those took is printed, apart):

- 20 simulated assessors, each saving distinct responses of their own unit's assessment
  (autosave's JSON request, with the version it carries) about once a second, as autosave
  does while someone types, and reading pages between saves;
- 10 administrators loading the dashboard of the whole region every two seconds;
- then the same assessors while five people open draft report PDFs;
- in a last phase, the same assessors while an administrator imports packages near the
  largest a package may be (every note long), one after another: saves must not stall
  while an import writes (the test suite checks that every save succeeds; this measures
  how long they wait);
- then 20 people of one unit saving different cards of ONE assessment about once a second
  each (``--crowd-seconds``, 45 by default): saves of different cards must never refuse
  each other (refusals counted by code: conflict, busy, stage_moved).

Prints requests, errors, median and 95th percentile latency per kind, on SQLite and on
PostgreSQL (the server at 127.0.0.1:5432; skipped with a note when there is none). Each
person's first scoring page is counted apart from later ones ("scoring page (first load)"), and
its 95th percentile over all phases of a database is printed beside its target. A table with
errors is followed by the failed requests by kind, route, status and what the answer said
(``busy``, ``conflict``, a page's heading). After each database, the server is stopped (SIGTERM
to gunicorn's master) and waited for: the time it took, any of its processes still running
(render processes, resource trackers), and the warnings and errors of its log are printed
(``--logs DIR`` keeps its logs, the access log with each request's status and time too).

    make bench-load          # or: .venv/bin/python bench/load_bench.py [--seconds 20] [--only sqlite]
                             #     [--crowd-seconds 45] [--crowd-only | --phase NAME] [--ramp-seconds 10] [--logs DIR]
    LOAD_BENCH_SECONDS=3 LOAD_BENCH_CROWD_SECONDS=3 LOAD_BENCH_RAMP_SECONDS=2 make bench-load   # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS, ASSESSMENTS_PER_UNIT, ANSWERED = 50, 10, 40
ASSESSORS, ADMINS, PREVIEWERS = 20, 10, 5
#: People of the first unit who save different cards of its first assessment at once.
CROWD = 20
#: Seconds between one person's requests: autosave fires about a second after typing stops.
SAVE_PAUSE, PAGE_PAUSE = 1.0, 2.0
#: Seconds over which the people of a phase arrive, as on a morning: not all in the same instant.
RAMP_SECONDS = 10.0
#: The scoring page's 95th percentile at first load (each person's first scoring page), in ms.
FIRST_LOAD_TARGET_MS = 300
FIRST_LOAD = "scoring page (first load)"
#: The status a request is counted with when it ends on the sign-in page (an error whatever its kind).
SIGNED_OUT = 401
#: Where a phase's results keep each failed request (not a kind of request: left out of the table).
FAILURES = "failures"
PASSWORD = "load bench password"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "csi_load_bench"


def seed(database_url: str) -> None:
    """The region's data, written with bulk inserts."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.extensions import db
    from app.models import Assessment, ChecklistRequirement, Response, Unit, User, user_units
    from app.services.assessment.assessments import record_scores, score_sheet
    from app.services.content.checklists import latest_versions, load_checklist_files, shipped_checklist_paths

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "load"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_checklist_files(shipped_checklist_paths(app.config["CHECKLISTS_DIR"]))
        version = latest_versions()[0]
        requirements = db.session.execute(
            select(ChecklistRequirement.id, ChecklistRequirement.code).where(
                ChecklistRequirement.checklist_version_id == version.id
            )
        ).all()
        password = generate_password_hash(PASSWORD)
        rng = random.Random(7)
        units = [Unit(code=f"U{n:02d}", name=f"Unit {n:02d}", jurisdiction=f"Region {n % 6}") for n in range(UNITS)]
        db.session.add_all(units)
        db.session.flush()
        users = [
            User(email=f"admin{n}@load.example", name=f"Admin {n}", role="admin", password_hash=password)
            for n in range(ADMINS)
        ]
        users += [
            User(email=f"assessor{n}@load.example", name=f"Assessor {n}", role="unit_head", password_hash=password)
            for n in range(max(ASSESSORS, PREVIEWERS))
        ]
        db.session.add_all(users)
        db.session.flush()
        crowd = [
            User(email=f"crowd{n}@load.example", name=f"Crowd {n}", role="assessor", password_hash=password)
            for n in range(CROWD)
        ]
        db.session.add_all(crowd)
        db.session.flush()
        db.session.execute(
            insert(user_units),
            [{"user_id": u.id, "unit_id": units[n].id} for n, u in enumerate(users[ADMINS:])]
            + [{"user_id": u.id, "unit_id": units[0].id} for u in crowd],
        )
        for unit in units:
            for k in range(ASSESSMENTS_PER_UNIT):
                assessment = Assessment(
                    unit=unit,
                    checklist_version=version,
                    title=f"{unit.code} assessment {k}",
                    modules=["firearms"],
                    scope="desk",
                )
                db.session.add(assessment)
                db.session.flush()
                answered = set(rng.sample(range(len(requirements)), ANSWERED))
                db.session.execute(
                    insert(Response.__table__),
                    [
                        {
                            "assessment_id": assessment.id,
                            "requirement_id": rid,
                            "value": rng.randint(0, 3) if i in answered else None,
                            "not_applicable": False,
                            "not_evidenced": False,
                            "na_justification": "",
                            "basis": "sop_text" if i in answered else None,
                            "evidence_note": f"Note on {code}." if i in answered else "",
                            "recommendation": "",
                            "reply": "",
                            "dissent": "",
                            "version": 1,
                        }
                        for i, (rid, code) in enumerate(requirements)
                    ],
                )
                record_scores(assessment, score_sheet(assessment).result)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


class Client:
    """A browser stand-in: cookies, CSRF tokens from the pages, timing per kind of request."""

    def __init__(self, base: str, results: dict, lock: threading.Lock):
        self.base, self.results, self.lock = base, results, lock
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(
        self, kind: str, path: str, data: dict | None = None, json_reply: bool = False, files: dict | None = None
    ):
        headers = {}
        if files:
            body, headers["Content-Type"] = multipart(data or {}, files)
        else:
            body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        if json_reply:
            request.add_header("Accept", "application/json")
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, payload = response.status, response.read()
                if urllib.parse.urlsplit(response.geturl()).path == "/login" and (data is not None or path != "/login"):
                    status = SIGNED_OUT  # sent to (or left on) the sign-in page: not signed in
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        except OSError:
            status, payload = 599, b""
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.results[kind].append((elapsed, status))
            if is_error(kind, status):
                self.results[FAILURES].append(Failure(kind, request.get_method(), route(path), status, why(payload)))
        return status, payload

    def sign_in(self, email: str) -> None:
        status, page = self.request("login page", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
        if token is None:  # counted among the failed sign-ins; the person's pages then count as errors
            with self.lock:
                self.results["sign in"].append((0.0, status if status != 200 else SIGNED_OUT))
                if status == 200:  # a page without the form (a failed request is among the failures already)
                    self.results[FAILURES].append(Failure("sign in", "GET", "/login", SIGNED_OUT, "no sign-in form"))
            return
        self.request("sign in", "/login", {"email": email, "password": PASSWORD, "csrf_token": token.group(1).decode()})


class Failure(NamedTuple):
    """A failed request: its kind, method and route (ids left out), status, and what the answer said."""

    kind: str
    method: str
    route: str
    status: int
    why: str


def route(path: str) -> str:
    """``path`` as its route: ids and requirement codes left out, no query (``/assessments/<id>/responses/<code>``)."""
    path = urllib.parse.urlsplit(path).path
    return re.sub(r"/\d+(?=/|$)", "/<id>", re.sub(r"/[A-Z]+-\d+(?=/|$)", "/<code>", path))


def why(payload: bytes) -> str:
    """What a refusal says it was: a JSON refusal's code (conflict, busy, csrf_expired...), else the page's heading."""
    try:
        answer = json.loads(payload)
    except ValueError:
        heading = re.search(rb"<h1[^>]*>\s*([^<]{1,80})", payload)
        return html.unescape(heading.group(1).decode(errors="replace")).strip() if heading else ""
    return str(answer.get("error", "")) if isinstance(answer, dict) else ""


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body (the import page's upload) and its content type."""
    boundary = f"bench{random.getrandbits(64):x}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/json\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def assessor(base, results, lock, n, assessment_id, stop, rng, crowd: bool = False):
    """Save distinct responses of the own assessment, reading pages in between.

    In the crowd (``crowd``), person ``n`` of :data:`CROWD` saves only the cards ``n``,
    ``n + CROWD``, ... of one shared assessment: nobody saves a card another person saves.
    """
    client = Client(base, results, lock)
    client.sign_in(f"crowd{n}@load.example" if crowd else f"assessor{n}@load.example")
    kind = f"save (one assessment, {CROWD} people)" if crowd else "save"
    _status, page = client.request(FIRST_LOAD, f"/assessments/{assessment_id}/score")
    if crowd:  # the cards of the first sections, at least one each for the crowd
        sections = list(dict.fromkeys(re.findall(rb"section=([A-Za-z0-9_-]+)", page)))
        pages = []
        for section in sections:
            _status, more = client.request(
                "scoring page", f"/assessments/{assessment_id}/score?section={section.decode()}"
            )
            pages.append(more)
            if len(set(re.findall(rb'id="req-([A-Z]+-\d+)"', b"".join(pages)))) >= 2 * CROWD:
                break
        page = b"".join(pages)
    cards = re.findall(rb'id="req-([A-Z]+-\d+)"', page)
    versions = {
        c.decode(): int(v) for c, v in re.findall(rb'name="([A-Z]+-\d+)-version" type="hidden" value="(\d+)"', page)
    }
    token = re.search(rb'name="[A-Z]+-\d+-csrf_token" type="hidden" value="([^"]+)"', page)
    codes = list(dict.fromkeys(c.decode() for c in cards)) or list(versions)
    if crowd:
        codes = codes[n::CROWD]
    if not codes or token is None:
        print(f"  {'crowd' if crowd else 'assessor'} {n} found no cards to save on its pages", file=sys.stderr)
        return
    i = 0
    while not stop.is_set():
        code = codes[i % len(codes)]
        i += 1
        data = {
            f"{code}-score": str(i % 4),
            f"{code}-basis": "sop_text",
            f"{code}-evidence_note": f"Load test note {i} by assessor {n}.",
            f"{code}-version": str(versions.get(code, 1)),
            f"{code}-csrf_token": html.unescape(token.group(1).decode()),
        }
        status, payload = client.request(kind, f"/assessments/{assessment_id}/responses/{code}", data, json_reply=True)
        try:
            answer = json.loads(payload)
        except ValueError:
            answer = {}
        if isinstance(answer, dict) and "version" in answer:
            # Saved; or refused as a conflict, which carries the version saved meanwhile: the page's "keep mine"
            # saves again on it. Without it one lost answer would refuse every later save of the card.
            versions[code] = answer["version"]
        if status != 200 and crowd:
            with lock:
                results["refusals"].append(answer.get("error", status) if isinstance(answer, dict) else status)
        if i % 5 == 0:
            client.request("page", f"/assessments/{assessment_id}")
        if i % 7 == 0:
            client.request("page", "/")
        stop.wait(SAVE_PAUSE * rng.uniform(0.5, 1.5))


def admin(base, results, lock, n, stop, rng):
    client = Client(base, results, lock)
    client.sign_in(f"admin{n}@load.example")
    while not stop.is_set():
        client.request("dashboard (admin, 500 assessments)", "/")
        stop.wait(PAGE_PAUSE * rng.uniform(0.5, 1.5))
        client.request("units list", "/units/")
        stop.wait(PAGE_PAUSE * rng.uniform(0.5, 1.5))


def previewer(base, results, lock, n, assessment_id, stop, rng):
    client = Client(base, results, lock)
    client.sign_in(f"assessor{n}@load.example")
    while not stop.is_set():
        client.request("draft PDF", f"/assessments/{assessment_id}/report.pdf")
        stop.wait(PAGE_PAUSE)


def importer(base, results, lock, assessment_id, stop, rng):
    """An administrator importing packages near the size limit, one after another."""
    client = Client(base, results, lock)
    client.sign_in("admin0@load.example")
    _status, raw = client.request("export package", f"/assessments/{assessment_id}/export.json")
    package = json.loads(raw)
    # Edited after export, so no longer signed: it brings the unit's own answers, as any edited package does.
    package.pop("signature", None)
    note = ("A long note from the field, as a consultation produces them. " * 70)[:3900]
    for entry in package["responses"]:
        entry.update(evidence_note=note, recommendation=note, reply=note, dissent=note)
    n = 0
    while not stop.is_set():
        n += 1
        package["assessment"]["title"] = f"Imported while people work {n}"  # a new record each time
        content = json.dumps(package).encode()
        _status, page = client.request("import page", "/assessments/import")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
        kind = f"import ({len(content) / 1e6:.1f} MB package)"
        status, answer = client.request(
            kind, "/assessments/import", {"csrf_token": token}, files={"package": ("p.json", content)}
        )
        if status not in (200, 302) and n == 1:  # say once why, beside the count of errors
            why = re.findall(rb'class="error"[^>]*>([^<]+)<', answer)[:2]
            print(f"  import refused ({status}): {b' / '.join(why).decode(errors='replace')[:300]}", file=sys.stderr)
        stop.wait(PAGE_PAUSE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(database_url: str, port: int, instance: str, logs: Path) -> subprocess.Popen:
    """Gunicorn on ``port``; its error log (the app's log too) and access log go to files in ``logs``."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "load",
        "INSTANCE_PATH": instance,
        "MFA_REQUIRED_ROLES": "",  # simulated administrators sign in with a password
    }
    log = open(logs / f"gunicorn-{port}.log", "wb")  # noqa: SIM115  (closed with the process)
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--config",
            "python:app.serving",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",  # not the shared one in ~/.gunicorn: other servers may run here
            "--access-logfile",
            str(logs / f"access-{port}.log"),
            "--access-logformat",
            '%(t)s %(p)s "%(r)s" %(s)s %(b)s %(M)sms',  # when, which worker, what, status, size, duration
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,  # a file, not a pipe nobody reads: a full pipe would stall the server
        start_new_session=True,  # its own process group: stopped with its workers, nothing else
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    log.close()
    raise SystemExit("gunicorn did not start: " + Path(log.name).read_text(errors="replace")[-2000:])


def stop(name: str, server: subprocess.Popen, instance: Path) -> None:
    """Stop the server as an operator does (SIGTERM to gunicorn's master), wait for it, and say what it left running.

    The master waits for its workers at most its graceful timeout, then kills them; this waits for the
    master as long as that and a margin. Whatever still runs with the server's instance folder in its
    environment afterwards (workers, render processes, resource trackers) was left behind: reported, then ended.
    """
    from app import serving

    started = time.perf_counter()
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=serving.graceful_timeout + 30)
    except subprocess.TimeoutExpired:
        print(f"\n{name}: the server did not stop within its graceful timeout and 30 s: killed")
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    stopped = time.perf_counter() - started
    deadline = time.monotonic() + 5  # a resource tracker ends once the last process writing to it has ended
    while (left := processes_of(instance)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not left:
        print(f"\n{name}: server stopped in {stopped:.1f} s, no process left behind")
        return
    rss = sum(memory for memory, _command in left.values())
    print(f"\n{name}: server stopped in {stopped:.1f} s, left {len(left)} processes behind ({rss / 1024:.0f} MB):")
    for pid, (memory, command) in sorted(left.items()):
        print(f"  {pid} {memory / 1024:.0f} MB  {command[:100]}")
        with contextlib.suppress(ProcessLookupError):  # ours: they carry this run's instance folder
            os.kill(pid, signal.SIGKILL)


#: A line of the server's log with its level: gunicorn's (``[when] [pid] [LEVEL] ...``) or the app's (``when LEVEL name: ...``).
LOG_LINE = re.compile(
    r"^(?:\[[^\]]+\] \[\d+\] \[(?P<server>[A-Z]+)\] |\d{4}-\d\d-\d\d [\d:,.]+ (?P<app>[A-Z]+) [\w.]+: )(?P<message>.*)$"
)
#: The last line of a traceback: the exception and its message.
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Timeout|Exit)\w*: .*")


def server_log_summary(log: Path) -> list[str]:
    """The warnings, errors and exceptions of a server log, alike ones counted together (ids, references, pids left out)."""
    counts: dict[str, int] = defaultdict(int)
    for line in log.read_text(errors="replace").splitlines():
        found = LOG_LINE.match(line)
        if found and (found["server"] or found["app"]) in ("WARNING", "ERROR", "CRITICAL"):
            message = f"{found['server'] or found['app']} {found['message']}"
        elif EXCEPTION_LINE.match(line):
            message = f"exception {line}"
        else:
            continue
        message = re.sub(r"/[\w/.-]+", lambda path: route(path.group()), message)
        message = re.sub(r"\b(?:[0-9a-f]{8}|\d+)\b", "<n>", message)
        counts[message[:200]] += 1
    return [f"{n} x {message}" for message, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def processes_of(instance: Path) -> dict[int, tuple[int, str]]:
    """Live processes whose environment names ``instance`` as the instance folder: pid to (resident kB, command)."""
    marker = f"INSTANCE_PATH={instance}".encode()
    found = {}
    if not Path("/proc").is_dir():  # not Linux: nothing to say
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            status = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line)
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if not status.get("State", "").strip().startswith("Z"):  # a zombie has ended already
            found[int(entry.name)] = (int(status.get("VmRSS", "0 kB").split()[0]), command)
    return found


def assessments_of(database_url: str) -> dict[int, int]:
    """The first assessment of each assessor's unit, by assessor number."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT unit_id, min(id) FROM assessments GROUP BY unit_id ORDER BY unit_id")
        ).all()
    engine.dispose()
    return {n: rows[n][1] for n in range(max(ASSESSORS, PREVIEWERS))}


def arrivals(count: int, over: float, rng: random.Random) -> list[float]:
    """When each of ``count`` people arrives, in seconds from the start: one in each equal slot of ``over``, at a random moment of it."""
    return [(n + rng.random()) * over / count for n in range(count)]


def percentile(values, percent: int) -> float:
    """The nearest-rank ``percent``-th percentile: the smallest value at least ``percent`` % of the values do not exceed."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = -(-percent * len(ordered) // 100)  # ceil, in integers: no rounding of 0.95 * n
    return ordered[max(rank, 1) - 1]


def arriving(delay: float, stop: threading.Event, person, *args) -> None:
    """``person`` with ``args``, once ``delay`` seconds have passed (unless the phase ended first)."""
    if not stop.wait(delay):
        person(*args)


def warm_up(base: str, ids: dict[int, int]) -> list[float]:
    """Each worker's first scoring page, before anyone is timed: a morning's server has been up since yesterday.

    A worker's first scoring page reads and translates the checklist and compiles the templates (seconds,
    not milliseconds); every person's first page is timed on a warm server instead. Rounds of two requests
    per worker at once, until a round's slowest is under a second (at least three rounds, at most ten):
    returns the slowest of each round, in ms.
    """
    from app import serving

    results, lock = defaultdict(list), threading.Lock()
    # Each assessor opens their own unit's assessment: another unit's would answer "not found", not a scoring page.
    clients = [Client(base, results, lock) for _n in range(min(2 * serving.workers, ASSESSORS))]
    for n, client in enumerate(clients):
        client.sign_in(f"assessor{n}@load.example")
    slowest = []
    for _round in range(10):
        threads = [
            threading.Thread(target=client.request, args=("warm-up", f"/assessments/{ids[n]}/score"))
            for n, client in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        answered = results["warm-up"][-len(threads) :]
        if any(status != 200 for _t, status in answered):
            raise SystemExit(f"warm-up: a scoring page answered {sorted({s for _t, s in answered} - {200})}")
        slowest.append(max(t for t, _status in answered))
        if len(slowest) >= 3 and slowest[-1] < 1000:
            break
    return slowest


def run_phase(base, seconds, ids, others: str, ramp: float = RAMP_SECONDS) -> dict:
    """The assessors with ``others`` (administrators, previewers or an importer): arriving over ``ramp``, then ``seconds``.

    Each role's people arrive spread over ``ramp`` seconds; arrival times and each person's pauses come
    from generators seeded by phase, role and person, so two runs send the same morning.
    """
    results, lock, stop = defaultdict(list), threading.Lock(), threading.Event()
    people = {"assessor": [(assessor, (base, results, lock, n, ids[n], stop)) for n in range(ASSESSORS)]}
    if others == "administrators":
        people["administrator"] = [(admin, (base, results, lock, n, stop)) for n in range(ADMINS)]
    elif others == "previewers":
        people["previewer"] = [(previewer, (base, results, lock, n, ids[n], stop)) for n in range(PREVIEWERS)]
    elif others == "crowd":
        people = {"crowd": [(assessor, (base, results, lock, n, ids[0], stop)) for n in range(CROWD)]}
    else:
        people["importer"] = [(importer, (base, results, lock, ids[ASSESSORS - 1], stop))]
    threads = []
    for role, group in people.items():
        for n, ((person, args), delay) in enumerate(
            zip(group, arrivals(len(group), ramp, random.Random(f"{others}/{role}")), strict=True)
        ):
            rng = random.Random(f"{others}/{role}/{n}")
            extra = (True,) if role == "crowd" else ()
            threads.append(threading.Thread(target=arriving, args=(delay, stop, person, *args, rng, *extra)))
    for thread in threads:
        thread.start()
    time.sleep(ramp + seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return results


def is_error(kind: str, status: int) -> bool:
    """Whether a request of ``kind`` answered ``status`` failed: any refusal (4xx: a busy database's 409, an expired
    form's 400, a 404 for a page the person should see...), a server error, no answer (599), signed out (401); and a
    save not saved, an import or a sign-in that did not go through."""
    ok = (200,) if kind.startswith("save") else (200, 302) if kind.startswith(("import", "sign in")) else None
    return status >= 400 or (ok is not None and status not in ok)


def report(title: str, results: dict) -> None:
    statuses: dict[str, list[int]] = {}
    print(f"\n{title}")
    print(f"  {'requests':<40}{'n':>7}{'errors':>8}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    for kind, rows in sorted(results.items()):
        if kind in ("login page", "sign in", "export package", "import page", "refusals", FAILURES):
            continue
        times = sorted(t for t, _ in rows)
        failed = [status for _, status in rows if is_error(kind, status)]
        if failed:
            statuses[kind] = failed
        p95 = percentile(times, 95)
        print(
            f"  {kind:<40}{len(rows):>7}{len(failed):>8}{statistics.median(times):>11.0f}{p95:>9.0f}{times[-1]:>9.0f}"
        )
    refused = [status for _, status in results.get("sign in", []) if status not in (200, 302)]
    if refused:
        statuses["sign in"] = refused
    if statuses:  # which statuses (599: no answer; 401: sent to the sign-in page)
        print(
            "  errors by status: "
            + "; ".join(
                f"{kind} " + ", ".join(f"{code} x{codes.count(code)}" for code in sorted(set(codes)))
                for kind, codes in statuses.items()
            )
        )
    if results.get(FAILURES):
        print("  failed requests by kind, route and status (what the answer said):")
        for line in failures_by_route(results[FAILURES]):
            print(f"    {line}")
    if "refusals" in results or any(kind.startswith("save (one") for kind in results):
        refusals = results.get("refusals", [])
        by_code = ", ".join(f"{code}: {refusals.count(code)}" for code in sorted(set(map(str, refusals))))
        print(f"  refused saves: {len(refusals)}" + (f" ({by_code})" if by_code else ""))


def failures_by_route(failures: list[Failure]) -> list[str]:
    """One line per kind, route, status and reason of the failures, the most frequent first: ``12 x save POST ... 409 (busy)``."""
    counts: dict[tuple, int] = defaultdict(int)
    for failure in failures:
        counts[failure] += 1
    return [
        f"{n} x {f.kind}: {f.method} {f.route} {f.status}" + (f" ({f.why})" if f.why else "")
        for f, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def first_load_line(name: str, rows: list[tuple[float, int]]) -> str:
    """The scoring page's p95 at first load over a database's phases, beside its target (held on PostgreSQL)."""
    if not rows:
        return f"{name}: no scoring page was opened"
    times = [t for t, _ in rows]
    errors = sum(1 for _, status in rows if status != 200)  # a page sent to sign-in (401) too
    p95 = percentile(times, 95)
    target = f"target under {FIRST_LOAD_TARGET_MS} ms on PostgreSQL"
    if name == "PostgreSQL":
        target += ": " + ("met" if p95 < FIRST_LOAD_TARGET_MS and not errors else "not met")
    return (
        f"{name}: scoring page at first load, p95 {p95:.0f} ms over {len(rows)} people "
        f"(median {statistics.median(times):.0f}, max {max(times):.0f}, errors {errors})  ({target})"
    )


def postgres_url() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            connection.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except Exception as exc:
        print(f"\nPostgreSQL skipped: {exc}")
        return None
    return f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    environ = os.environ.get
    parser.add_argument("--seconds", type=int, default=int(environ("LOAD_BENCH_SECONDS", 20)))
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--crowd-seconds", type=int, default=int(environ("LOAD_BENCH_CROWD_SECONDS", 45)))
    parser.add_argument(
        "--ramp-seconds",
        type=float,
        default=float(environ("LOAD_BENCH_RAMP_SECONDS", RAMP_SECONDS)),
        help="seconds over which the people of a phase arrive",
    )
    parser.add_argument("--crowd-only", action="store_true", help="only the phase of one assessment's crowd")
    parser.add_argument(
        "--phase", choices=[*PHASES, "crowd"], help="only this phase (to compare one change on one load)"
    )
    parser.add_argument(
        "--logs",
        type=Path,
        help="keep the servers' logs (gunicorn's and the app's, and the access log) in this folder",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        logs = args.logs or Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        targets = []
        if args.only != "postgresql":
            targets.append(("SQLite", f"sqlite:///{Path(tmp) / 'load.sqlite3'}"))
        if args.only != "sqlite":
            url = postgres_url()
            if url:
                targets.append(("PostgreSQL", url))
        for name, url in targets:
            started = time.perf_counter()
            seed(url)
            print(
                f"\n== {name}: seeded {UNITS} units, {UNITS * ASSESSMENTS_PER_UNIT} assessments, "
                f"{UNITS * ASSESSMENTS_PER_UNIT * ANSWERED:,} answered responses in {time.perf_counter() - started:.0f} s"
            )
            port = free_port()
            instance = str(Path(tmp) / f"instance-{name}")
            server = serve(url, port, instance, logs)
            try:
                base = f"http://127.0.0.1:{port}"
                ids = assessments_of(url)
                rounds = warm_up(base, ids)
                print(
                    f"\n{name}: warmed up (each worker's first scoring pages, untimed below): slowest of each "
                    "round at once " + ", ".join(f"{t:.0f}" for t in rounds) + " ms"
                )
                only = "crowd" if args.crowd_only else args.phase
                runs = phases(name, base, args.seconds, ids, args.ramp_seconds, only)
                if only in (None, "crowd"):
                    runs.append(run_phase(base, args.crowd_seconds, ids, "crowd", args.ramp_seconds))
                    report(
                        f"{name}: {CROWD} people saving different cards of one assessment, "
                        f"{span(args.crowd_seconds, args.ramp_seconds)}",
                        runs[-1],
                    )
                print("\n" + first_load_line(name, [row for results in runs for row in results.get(FIRST_LOAD, [])]))
            finally:
                stop(name, server, Path(instance))
                log = logs / f"gunicorn-{port}.log"
                lines = server_log_summary(log)
                kept = f" (kept in {log})" if args.logs else ""
                print(f"{name}: server log{kept}: " + ("no warning or error" if not lines else "warnings and errors:"))
                for line in lines[:15]:
                    print(f"  {line}")
    print(
        "\nTargets: no errors; save p95 under 200 ms on PostgreSQL and under 500 ms on SQLite; "
        "dashboard under 300 ms with ten administrators; no save slower than 3 s while a package is imported; "
        f"no refused save among {CROWD} people saving different cards of one assessment; "
        f"scoring page p95 at first load under {FIRST_LOAD_TARGET_MS} ms on PostgreSQL."
    )


def span(seconds: int, ramp: float) -> str:
    """A phase's length as its title says it: the arrivals, then the time everyone works."""
    return f"arriving over {ramp:g} s, then {seconds} s" if ramp else f"{seconds} s"


#: The region's phases beside the assessors, by who the others are.
PHASES = {
    "administrators": f"{ASSESSORS} assessors saving and reading, {ADMINS} administrators on the dashboard",
    "previewers": f"{ASSESSORS} assessors saving while {PREVIEWERS} people open draft PDFs",
    "importer": f"{ASSESSORS} assessors saving while an administrator imports large packages",
}


def phases(
    name: str, base: str, seconds: int, ids: dict[int, int], ramp: float = RAMP_SECONDS, only: str | None = None
) -> list[dict]:
    """The region's phases (``only``: that one, if it is one of them), each beside the assessors. Returns their results."""
    runs = []
    for others, title in PHASES.items():
        if only is not None and others != only:
            continue
        runs.append(run_phase(base, seconds, ids, others, ramp))
        report(f"{name}: {title}, {span(seconds, ramp)}", runs[-1])
    return runs


if __name__ == "__main__":
    main()
