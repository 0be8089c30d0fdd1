"""Stopping the server (gunicorn, as `make serve` runs it) while draft reports render leaves nothing running.

The server starts on a file database in an instance folder of its own; people ask for more draft
PDFs than the render processes can finish at once; once the first draft is there (renders are
running and more are waiting) the server is told to stop. Every process it started carries its
instance folder in its environment: the workers, their render processes and multiprocessing's
resource trackers. None of them may be alive after the server has exited, no claim on a render may
be left for the next server to wait out, the drafts still waiting were not rendered first, and the
database is one file again (the worker closed its connections).
A render process whose server process is killed (gunicorn kills a worker past its timeouts) ends too.
"""

from __future__ import annotations

import http.cookiejar
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import ChecklistVersion, Unit, User
from app.services.assessment.assessments import create_assessment
from app.services.content.checklists import store_checklist
from tests.conftest import MINI, PASSWORD

ROOT = Path(__file__).resolve().parent.parent
#: People asking for drafts, each for as many as one person may have waiting (drafts.MAX_PER_PERSON).
PEOPLE, DRAFTS_EACH = 4, 3
#: Generous, yet under gunicorn's graceful timeout (30 s): a worker killed at that timeout fails here.
STOP_DEADLINE = 25.0

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")


def seed(database: Path) -> list[int]:
    """One unit, its people and an assessment for each draft to be asked for (the small test checklist)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "stop"})
    app.instance_path = str(database.parent / "seeding")
    with app.app_context():
        db.create_all()
        checklist, text = load_checklist_file(MINI)
        store_checklist(checklist, text, MINI.name)
        version = db.session.query(ChecklistVersion).one()
        unit = Unit(code="STP", name="Stopping unit", jurisdiction="J")
        password = generate_password_hash(PASSWORD)
        people = [
            User(email=f"head{n}@stp.example", name=f"Head {n}", role="unit_head", password_hash=password)
            for n in range(PEOPLE)
        ]
        for person in people:
            person.units = [unit]
        db.session.add_all([unit, *people])
        assessments = [
            create_assessment(unit=unit, version=version, title=f"Draft {n}") for n in range(PEOPLE * DRAFTS_EACH)
        ]
        db.session.commit()
        ids = [a.id for a in assessments]
        db.session.remove()
        db.engine.dispose()
    return ids


# The load bench starts and stops the same server: its helpers find a free port and the processes of an instance.
_spec = importlib.util.spec_from_file_location("load_bench", Path(__file__).parent.parent / "bench" / "load_bench.py")
load_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load_bench)
free_port = load_bench.free_port


def processes_of(instance: Path) -> dict[int, str]:
    """Live processes (pid: command line) whose environment names ``instance`` as their instance folder."""
    return {pid: command for pid, (_rss, command) in load_bench.processes_of(instance).items()}


class Person:
    """A browser stand-in: cookies, and the CSRF token of the sign-in page."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, data: dict | None = None) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def sign_in(self, email: str) -> None:
        _status, page = self.get("/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
        status, _page = self.get("/login", {"email": email, "password": PASSWORD, "csrf_token": token})
        assert status == 200 and b"Sign out" in _page, "the person could not sign in"


def gone(instance: Path, seconds: float = 10) -> dict[int, str]:
    """The processes of ``instance`` still alive after waiting up to ``seconds`` for them all to end."""
    deadline = time.monotonic() + seconds
    while (left := processes_of(instance)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"{what} within {seconds:.0f} s")


def test_stopping_the_server_while_drafts_render_leaves_no_process_behind(tmp_path):
    ids = seed(tmp_path / "serve.sqlite3")
    instance = tmp_path / "instance"
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SECRET_KEY": "stop",
        "INSTANCE_PATH": str(instance),
        "MFA_REQUIRED_ROLES": "",
        "WORKERS": "1",
    }
    with log.open("wb") as errors:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "--config", "python:app.serving", "--bind", f"127.0.0.1:{port}"),
                "--no-control-socket",  # not the shared one in ~/.gunicorn: other servers may run here
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                urllib.request.urlopen(f"{base}/login", timeout=2).close()
            except OSError:
                return server.poll() is not None  # ended: the assertion below says so
            return True

        wait_for(up, 60, "the server did not start")
        assert server.poll() is None, log.read_text(errors="replace")[-2000:]
        asked = 0
        for n in range(PEOPLE):
            person = Person(base)
            person.sign_in(f"head{n}@stp.example")
            for assessment_id in ids[n * DRAFTS_EACH : (n + 1) * DRAFTS_EACH]:
                status, _page = person.get(f"/assessments/{assessment_id}/report.pdf")
                assert status == 202, f"draft {assessment_id}: {status}"  # queued, not rendered in the request
                asked += 1
        drafts = instance / "drafts"

        def rendered() -> list[Path]:  # full copies ({id}-r{revision}-{hash}.pdf), not the readers' nor temporary files
            return list(drafts.glob("[0-9]*-r*[0-9a-f].pdf"))

        wait_for(rendered, 60, "no draft was rendered")
        rendering = [p for p in processes_of(instance).values() if "multiprocessing" in p]
        assert rendering, "render processes and their resource trackers run while drafts wait"

        os.kill(server.pid, signal.SIGTERM)  # to gunicorn's master alone: it stops its workers
        try:
            server.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the server did not stop within {STOP_DEADLINE:.0f} s")

        assert gone(instance) == {}  # a resource tracker ends once the last process writing to it has ended
        assert not list(drafts.glob("*.rendering")), "a claim left behind would hold up the next server's render"
        # The worker closed its connections as it left: SQLite folded its log back, the database is one file again.
        assert not (tmp_path / "serve.sqlite3-wal").exists()
        assert len(rendered()) < asked, "the queued drafts were rendered before the server stopped: it waited for them"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        for pid in processes_of(instance):  # this test's own processes only: they carry its instance folder
            os.kill(pid, signal.SIGKILL)


#: A server process with a render running, as a worker has: started, then killed (gunicorn's timeouts kill).
SERVER_WITH_A_RENDER = """
import time
from app.services.reporting import drafts

pool = drafts._pool()
pool.submit(print, "rendering", flush=True)
pool.submit(time.sleep, 600)
time.sleep(600)
"""


def test_a_render_process_ends_when_its_server_process_is_killed(tmp_path):
    instance = tmp_path / "instance"
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER_WITH_A_RENDER],
        cwd=ROOT,
        env={**os.environ, "INSTANCE_PATH": str(instance)},
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert server.stdout.readline() == b"rendering\n"
        assert any("spawn_main" in p for p in processes_of(instance).values())
        server.kill()  # no exit hook runs: the render process must notice by itself
        server.wait()
        assert gone(instance) == {}
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stdout.close()
        for pid in processes_of(instance):
            os.kill(pid, signal.SIGKILL)
