"""The bench's per-stage breakdown (annualreport_dev.breakdown): the driver's step times (build/<id>/timings.json)
on the bench's clock, a notebook step split by papermill's record, the start-up before the first step and the
publishing after the last."""

from __future__ import annotations

import json

from annualreport_dev import bench, breakdown


def test_a_build_is_broken_down_step_by_step(tmp_path):
    work = tmp_path / "build" / "2020" / "work"
    (work / "notebooks").mkdir(parents=True)
    spawned = 1000.0
    timings = {
        "build": "2020",
        "started": spawned + 0.5,
        "steps": [
            {"step": "10-clean", "stages": ["clean:a", "clean:b", "accounting"], "began": 0.1, "ended": 4.1},
            {"step": "html", "stages": ["html"], "began": 4.2, "ended": 6.0},
        ],
        "cached": 3,
    }
    (work.parent / "timings.json").write_text(json.dumps(timings), encoding="utf-8")

    def meta(start: str, duration: float | None = None) -> dict:
        return {"papermill": {"start_time": start, **({"duration": duration} if duration is not None else {})}}

    executed = {
        "metadata": meta("2026-12-05T03:00:00+00:00"),
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# 10"]},
            {"cell_type": "code", "metadata": meta("2026-12-05T03:00:01.500000+00:00", 0.2), "source": ["import x"]},
            {
                "cell_type": "code",
                "metadata": meta("2026-12-05T03:00:01.700000+00:00", 2.3),
                "source": ["run(a)\n", "b"],
            },
        ],
    }
    (work / "notebooks" / "10-clean.ipynb").write_text(json.dumps(executed), encoding="utf-8")
    rows = breakdown.timeline(work, spawned, spawned + 7.0)
    assert [r.what for r in rows][1:3] == ["10-clean", "html"]
    assert rows[0].began == 0.0 and abs(rows[0].ended - 0.6) < 1e-9  # start-up: to the first step
    assert rows[1].stages == "clean ×2, accounting" and abs(rows[1].seconds - 4.0) < 1e-9
    assert rows[1].inside == "kernel ready after 1.5 s; longest cell 2.3 s: `run(a)`"
    assert rows[2].inside == ""  # a driver step
    assert abs(rows[-1].began - 6.5) < 1e-9 and abs(rows[-1].ended - 7.0) < 1e-9  # publishing, exit
    text = bench.breakdowns({"raw": [(7.0, rows)], "cold": [(9.0, rows), (8.0, rows), (10.0, rows)]})
    assert "one raw file changed: where the time goes (median run, 7.0 s)" in text
    assert "(median run, 9.0 s)" in text
    assert "| 10-clean | clean ×2, accounting | 0.6 | 4.6 | 4.0 |" in text
