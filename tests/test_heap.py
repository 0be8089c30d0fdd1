"""Long-lived objects left out of garbage collection while a report renders, and only then."""

from __future__ import annotations

import gc

import pytest

from app.services.reporting.heap import frozen_heap


def test_what_is_alive_is_frozen_in_the_block_and_thawed_after():
    assert gc.get_freeze_count() == 0
    kept = [[n] for n in range(1000)]
    with frozen_heap():
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_thawed_when_the_render_fails():
    with pytest.raises(RuntimeError), frozen_heap():
        raise RuntimeError("render failed")
    assert gc.get_freeze_count() == 0


def test_the_report_command_renders_with_the_heap_frozen(
    runner, app, make_unit, make_assessment, tmp_path, monkeypatch
):
    from app.cli import reports as commands

    seen = []

    def render(assessment, **_kwargs):
        seen.append(gc.get_freeze_count())
        return b"%PDF-1.7 report"

    monkeypatch.setattr(commands, "render_report_pdf", render)
    assessment = make_assessment(make_unit())
    out = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "render", str(assessment.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert seen and seen[0] > 10_000 and gc.get_freeze_count() == 0
