"""``make profile`` (bench/profile_bench.py): its save is the page's own form, and its lists name what matters."""

from __future__ import annotations

import cProfile
import importlib
import pstats
import sys
from pathlib import Path

import pytest

from tests.conftest import csrf_token, stored_response

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def profile_bench():
    sys.path.insert(0, str(BENCH))  # as when it runs: load_bench beside it
    try:
        yield importlib.import_module("profile_bench")
    finally:
        sys.path.remove(str(BENCH))


def test_the_profiled_save_posts_a_cards_form_as_the_scoring_page_shows_it(
    profile_bench, app, client, make_unit, make_user, make_assessment, login
):
    unit = make_unit("PRF")
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit)
    page = client.get(f"/assessments/{assessment.id}/score").get_data(as_text=True)

    fields = profile_bench.card_form(page, "AAA-01")
    # no score yet: its radio buttons are all unchecked, and FormData leaves them out
    assert {"AAA-01-csrf_token", "AAA-01-version", "AAA-01-evidence_note"} <= set(fields)
    assert "AAA-01-score" not in fields
    fields.update({"AAA-01-score": "2", "AAA-01-basis": "sop_text", "AAA-01-evidence_note": "Profiled."})
    # Here one app context spans the requests, so the page may carry the token cached before sign-in.
    fields["AAA-01-csrf_token"] = csrf_token(client, app)
    answer = client.post(
        f"/assessments/{assessment.id}/responses/AAA-01",
        data=fields,
        headers={"Accept": "application/json"},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 200 and answer.get_json()["ok"], answer.get_data(as_text=True)[:300]
    saved = stored_response(assessment.id, "AAA-01")
    assert (saved.value, saved.evidence_note) == (2, "Profiled.")


def _inner() -> int:
    total = 0
    for i in range(300_000):
        total += i * i
    return total


def _thin() -> int:
    return _inner()


def _other() -> int:
    total = 0
    for i in range(100_000):
        total += i * i
    return total


def _whole() -> None:
    _thin()
    _other()


def test_the_cumulative_list_leaves_out_what_wraps_it_all_and_shows_a_chain_by_its_innermost_link(profile_bench):
    profiler = cProfile.Profile()
    profiler.runcall(_whole)
    stats = pstats.Stats(profiler)

    names = [function[2] for function in profile_bench.by_cumulative_time(stats, 5)]

    assert "_whole" not in names  # all of the profile: says nothing
    assert names == ["_inner", "_other"]  # _thin only passes its time on to _inner: shown by _inner
    assert profile_bench.where(next(f for f in stats.stats if f[2] == "_inner")).startswith(
        "tests/test_profile_bench.py:"
    )
