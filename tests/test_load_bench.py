"""The load bench's own arithmetic (make bench-load): its percentiles and when its people arrive."""

import importlib.util
import random
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("load_bench", Path(__file__).parent.parent / "bench" / "load_bench.py")
load_bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load_bench)


def test_the_95th_percentile_of_twenty_is_the_nineteenth_value_not_the_largest():
    times = [float(n) for n in range(1, 21)]
    random.Random(1).shuffle(times)
    assert load_bench.percentile(times, 95) == 19.0
    assert load_bench.percentile(times, 50) == 10.0
    assert load_bench.percentile(times, 100) == 20.0


def test_percentiles_of_few_values_and_of_one():
    assert load_bench.percentile([300.0, 100.0, 200.0], 95) == 300.0
    assert load_bench.percentile([120.0], 95) == 120.0
    assert load_bench.percentile([5.0, 1.0], 0) == 1.0
    assert load_bench.percentile(range(1, 101), 95) == 95
    assert load_bench.percentile(range(1, 102), 95) == 96  # 95.95 values fall under it: the 96th
    with pytest.raises(ValueError):
        load_bench.percentile([], 95)


def test_people_arrive_one_in_each_slot_of_the_ramp_and_the_same_way_each_run():
    first = load_bench.arrivals(20, 10.0, random.Random("administrators/assessor"))
    again = load_bench.arrivals(20, 10.0, random.Random("administrators/assessor"))
    assert first == again
    assert all(n * 0.5 <= t < (n + 1) * 0.5 for n, t in enumerate(first))
    assert load_bench.arrivals(1, 0.0, random.Random(1)) == [0.0]


def test_the_first_load_line_holds_postgresql_to_its_target_and_counts_errors():
    fast = [(float(t), 200) for t in range(100, 300, 10)]
    assert load_bench.first_load_line("PostgreSQL", fast).endswith("(target under 300 ms on PostgreSQL: met)")
    assert "p95 280 ms over 20 people" in load_bench.first_load_line("PostgreSQL", fast)
    one_slow = [*fast[1:], (5000.0, 200)]  # one in twenty is the 5 % a p95 leaves out
    assert load_bench.first_load_line("PostgreSQL", one_slow).endswith(": met)")
    two_slow = [*fast[2:], (5000.0, 200), (5000.0, 200)]
    assert load_bench.first_load_line("PostgreSQL", two_slow).endswith(": not met)")
    failed = [*fast[:-1], (50.0, 500)]
    assert "errors 1" in load_bench.first_load_line("PostgreSQL", failed)
    assert load_bench.first_load_line("PostgreSQL", failed).endswith(": not met)")
    assert load_bench.first_load_line("SQLite", fast).endswith("(target under 300 ms on PostgreSQL)")


def test_errors_are_refusals_server_errors_no_answer_signed_out_and_refused_saves():
    assert load_bench.is_error("save", 409)
    assert not load_bench.is_error("save", 200)
    assert load_bench.is_error("page", 599)
    assert load_bench.is_error("page", load_bench.SIGNED_OUT)
    # A page answered "the database was busy" (409) or "not found" failed too: every page the bench asks is there.
    assert load_bench.is_error("scoring page (first load)", 409)
    assert load_bench.is_error("page", 404)
    assert not load_bench.is_error("page", 200)
    assert not load_bench.is_error("import (4.3 MB package)", 302)
    assert load_bench.is_error("import (4.3 MB package)", 400)
    assert not load_bench.is_error("sign in", 200)
    assert load_bench.is_error("sign in", 429)


def test_failures_are_told_by_kind_route_status_and_reason_the_most_frequent_first():
    failure = load_bench.Failure
    busy = failure("save", "POST", load_bench.route("/assessments/12/responses/GOV-02"), 409, "busy")
    assert busy.route == "/assessments/<id>/responses/<code>"
    assert load_bench.route("/assessments/7/score?section=GOV") == "/assessments/<id>/score"
    throttled = failure("sign in", "POST", "/login", 429, "Too many sign-in attempts.")
    assert load_bench.failures_by_route([throttled, busy, busy]) == [
        "2 x save: POST /assessments/<id>/responses/<code> 409 (busy)",
        "1 x sign in: POST /login 429 (Too many sign-in attempts.)",
    ]


def test_what_a_refusal_says_it_was():
    assert load_bench.why(b'{"ok": false, "error": "conflict", "version": 3}') == "conflict"
    assert load_bench.why(b"<html><h1 class='title'>The database was busy &amp; nothing saved</h1>") == (
        "The database was busy & nothing saved"
    )
    assert load_bench.why(b"") == ""


def test_the_server_log_is_summed_up_by_message_with_ids_left_out(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text(
        "[2026-12-07 16:38:20 +0000] [12331] [INFO] Starting gunicorn 27.0.1\n"
        "2026-12-07 16:39:01,123 WARNING app: Database busy on POST /assessments/3/responses/GOV-02: database is locked\n"
        "2026-12-07 16:39:02,456 WARNING app: Database busy on POST /assessments/9/responses/MGT-11: database is locked\n"
        "[2026-12-07 16:39:03 +0000] [12331] [CRITICAL] WORKER TIMEOUT (pid:12334)\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in <module>\n'
        "sqlite3.OperationalError: database is locked\n"
    )
    assert load_bench.server_log_summary(log) == [
        "2 x WARNING Database busy on POST /assessments/<id>/responses/<code>: database is locked",
        "1 x CRITICAL WORKER TIMEOUT (pid:<n>)",
        "1 x exception sqlite3.OperationalError: database is locked",
    ]


def test_one_phase_alone_runs_only_that_phase(monkeypatch):
    ran = []
    monkeypatch.setattr(load_bench, "run_phase", lambda base, seconds, ids, others, ramp: ran.append(others) or {})
    monkeypatch.setattr(load_bench, "report", lambda title, results: None)
    assert len(load_bench.phases("PostgreSQL", "http://x", 1, {}, 0, "previewers")) == 1
    assert ran == ["previewers"]
    load_bench.phases("PostgreSQL", "http://x", 1, {}, 0)
    assert ran[1:] == ["administrators", "previewers", "importer"]
