"""Targets: last year's plan, tracked against this year's figures.

A year's params carry the next year's measurable targets (`targets:` in `params/<year>.yaml`,
from the plan section of that year's report). The report of the following year reads them from
the previous year's params, looks up each target's figure in this year's ledger and says
达成 / 未达成 / 无数据, with the gap.

A target is `{id, section, label, comparison (>=, <=, ==), target, unit, figure, basis, seed_wording}`.
`basis: change` compares the change of the figure over the previous year (in 百分点 for rates):
"初次就业率较上年提升3%以上" is read as +3 percentage points over the previous year's rate.
Date targets (`unit: 日期`) compare the figure's date (e.g. when a milestone was done) with the target date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from typing import TYPE_CHECKING

from annualreport.project.errors import ParamsError
from annualreport.figures.wording import plain, round_half_up

if TYPE_CHECKING:  # params load targets to check them; the build driver stays free of pandas
    import pandas as pd

TARGET_KEYS = {"id", "section", "label", "comparison", "target", "unit", "figure", "basis", "seed_wording", "note"}
COMPARISONS = {">=": "不低于", "<=": "不高于", "==": "等于"}
COLUMNS = ["id", "section", "label", "target", "actual", "status", "gap", "figure", "note"]


def check(targets: list[dict], source: str) -> list[dict]:
    for i, t in enumerate(targets):
        where = f"{source}: targets[{i}] ({t.get('id', '?')})"
        unknown = set(t) - TARGET_KEYS
        if unknown:
            raise ParamsError(f"{where}: unknown key(s) {sorted(unknown)}")
        for k in ("id", "label", "comparison", "target", "unit", "figure"):
            if k not in t:
                raise ParamsError(f"{where}: missing '{k}'")
        if t["comparison"] not in COMPARISONS:
            raise ParamsError(f"{where}: comparison must be one of {', '.join(COMPARISONS)}")
        if t.get("basis", "value") not in ("value", "change"):
            raise ParamsError(f"{where}: basis must be 'value' or 'change'")
    return targets


def _value(v: str, unit: str):
    if v in ("", None) or (isinstance(v, float) and v != v):  # NaN
        return None
    if unit == "日期":
        return dt.date.fromisoformat(str(v))
    return Decimal(str(v))


def _compare(actual, op: str, target) -> bool:
    return {">=": actual >= target, "<=": actual <= target, "==": actual == target}[op]


def _fmt(v, unit: str) -> str:
    if isinstance(v, dt.date):
        return f"{v.year}年{v.month}月{v.day}日"
    if unit == "元" and abs(v) >= 10000:
        return f"{plain(round_half_up(v / 10000, 2))}万元"
    return f"{plain(v)}{unit}"


def _target_text(op: str, goal, unit: str) -> str:
    if op == "==":
        return _fmt(goal, unit)
    word = "不晚于" if unit == "日期" and op == "<=" else COMPARISONS[op]
    return f"{word}{_fmt(goal, unit)}"


def target_texts(targets: list[dict]) -> dict[str, str]:
    """Each target as the plan prints it (20项, 600万元, 2021年5月31日, 3个百分点), for {target.<id>}."""
    return {t["id"]: _fmt(_value(t["target"], t["unit"]), t["unit"]) for t in targets}


def evaluate(targets: list[dict], ledger: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """One row per target: the target, this year's actual, 达成/未达成/无数据, the gap."""
    import pandas as pd

    cur = ledger.set_index("id")
    prev = previous.set_index("id") if previous is not None else None
    rows = []
    for t in targets:
        unit, fid, op, basis = t["unit"], t["figure"], t["comparison"], t.get("basis", "value")
        goal = _value(t["target"], unit)
        actual = _value(cur.loc[fid, "value"], unit) if fid in cur.index else None
        note = t.get("note", "")
        if basis == "change":
            before = _value(prev.loc[fid, "value"], unit) if prev is not None and fid in prev.index else None
            if actual is not None and before is not None:
                note = note or f"按较上年提升的百分点计：上年{plain(before)}%，本年{plain(actual)}%"
                actual = actual - before
            else:
                actual = None
        if actual is None:
            status, gap = "无数据", ""
        else:
            status = "达成" if _compare(actual, op, goal) else "未达成"
            if isinstance(actual, dt.date):
                days = (actual - goal).days
                gap = "按期" if days == 0 else (f"提前{-days}天" if days < 0 else f"延后{days}天")
            else:
                diff = actual - goal
                gap = "—" if diff == 0 else ("+" if diff > 0 else "") + _fmt(diff, "个百分点" if unit == "%" else unit)
        rows.append({"id": t["id"], "section": t.get("section", ""), "label": t["label"],
                     "target": _target_text(op, goal, unit),
                     "actual": "—" if actual is None else (("+" if basis == "change" and actual > 0 else "")
                                                           + _fmt(actual, unit)),
                     "status": status, "gap": gap, "figure": fid, "note": note})
    return pd.DataFrame(rows, columns=COLUMNS)
