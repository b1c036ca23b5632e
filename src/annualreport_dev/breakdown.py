"""Where a build's wall time goes, stage by stage, for `make bench` (`annualreport_dev.bench`).

The driver writes `build/<id>/timings.json` at the end of every build (`runner/scheduler.py`: when each step that
ran began and ended, in seconds since the build started, and that start as a Unix time). A notebook step's time is
split with papermill's own record in its executed notebook: the wait for its kernel (started, or started ahead
and finishing the heavy imports queued in it) before the first cell ran, and its longest cell. Before the first
step: the interpreter, the driver's imports and the plan; after the last: publishing and the process's exit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    what: str
    stages: str
    began: float  # seconds since the build's process was started
    ended: float
    inside: str = ""

    @property
    def seconds(self) -> float:
        return self.ended - self.began


def _stamp(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


def stage_names(names: list[str]) -> str:
    """`clean:a, clean:b, accounting` -> `clean ×2, accounting`."""
    counts: dict[str, int] = {}
    for n in names:
        base = n.partition(":")[0]
        counts[base] = counts.get(base, 0) + 1
    return ", ".join(f"{b} ×{n}" if n > 1 else b for b, n in counts.items())


def notebook_split(path: Path) -> str:
    """What papermill recorded: the kernel's start (and its queued imports) before the first cell, and the
    longest cell."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        start = _stamp(nb["metadata"]["papermill"]["start_time"])
        cells = [
            c for c in nb["cells"] if c["cell_type"] == "code" and c["metadata"].get("papermill", {}).get("start_time")
        ]
        first = min(_stamp(c["metadata"]["papermill"]["start_time"]) for c in cells)
        longest = max(cells, key=lambda c: c["metadata"]["papermill"].get("duration") or 0)
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    code = "".join(longest["source"]).strip().splitlines()[0][:60]
    took = longest["metadata"]["papermill"].get("duration") or 0
    return f"kernel ready after {first - start:.1f} s; longest cell {took:.1f} s: `{code}`"


def timeline(work: Path, spawned: float, ended: float) -> list[Row]:
    """The build whose work folder is `work` (build/<id>/work), run from `spawned` to `ended` (Unix times)."""
    data = json.loads((work.parent / "timings.json").read_text(encoding="utf-8"))
    offset = data["started"] - spawned
    steps = data["steps"]
    rows = []
    for s in steps:
        executed = work / "notebooks" / f"{s['step']}.ipynb"  # a notebook step's executed copy
        inside = notebook_split(executed) if executed.is_file() else ""
        rows.append(Row(s["step"], stage_names(s["stages"]), offset + s["began"], offset + s["ended"], inside))
    first = min((r.began for r in rows), default=offset)
    last = max((r.ended for r in rows), default=offset)
    return [
        Row("start-up: interpreter, the driver's imports, the plan", "", 0.0, first),
        *sorted(rows, key=lambda r: (r.began, r.ended)),
        Row("after the last stage: publishing, the process's exit", "", last, ended - spawned),
    ]


def table(rows: list[Row]) -> str:
    lines = ["| step | stages that ran | from s | to s | wall s | inside |", "|---|---|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r.what} | {r.stages} | {r.began:.1f} | {r.ended:.1f} | {r.seconds:.1f} | {r.inside} |")
    return "\n".join(lines)
