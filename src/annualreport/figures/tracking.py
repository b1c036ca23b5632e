"""Targets: last year's plan, tracked against this year's figures.

A year's params carry the next year's measurable targets (`targets:` in `params/<year>.yaml`,
from the plan section of that year's report). The report of the following year reads them from
the previous year's params, looks up each target's figure in this year's ledger and says
达成 / 未达成 / 无数据, with the gap.

A target's fields, their check and the words a target is printed in are `base/targets.py`.
`basis: change` compares the change of the figure over the previous year (in 百分点 for rates):
"初次就业率较上年提升3%以上" is read as +3 percentage points over the previous year's rate.
Date targets (`unit: 日期`) compare the figure's date (e.g. when a milestone was done) with the target date.

The figures stage writes the tracking table (the `targets` artefact) and, for the report, the same numbers as
ledger rows (`ledger_rows`: `target.<id>.plan|target|actual|gap|status` and the counts; `.plan` words the
target as the plan did, `.target` as it is read), and this year's plan as printed (`plan_rows`: `plan.<id>`,
the target's `wording`, what the prose's `{target.<id>}` shows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from annualreport.base.targets import compare, in_words, reading_text, target_text, target_texts, target_value
from annualreport.base.wording import plain

COLUMNS = ["id", "section", "label", "wording", "reading", "target", "actual", "status", "gap", "figure", "note"]

if TYPE_CHECKING:  # params load targets to check them; the build driver stays free of pandas
    import pandas as pd


@dataclass(frozen=True)
class Assessment:
    """One target against this year's figures: the numbers and the texts the tracking table prints."""

    target: dict
    goal: Decimal | dt.date
    actual: Decimal | dt.date | None  # the figure, or its change over the year before (basis: change)
    status: str  # 达成 / 未达成 / 无数据
    gap: Decimal | int | None  # actual - goal, in the target's unit (百分点 for %); days for a date
    target_text: str  # the comparison as the code words it: 不低于3家
    actual_text: str
    gap_text: str
    note: str  # for basis: change, the two years' values

    @property
    def wording(self) -> str:
        """The plan's own words for the target (3-4个)."""
        return target_texts([self.target])[self.target["id"]]

    @property
    def reading(self) -> str:
        """How the plan's words are read for tracking (按下限理解：不少于3家)."""
        return reading_text(self.target, self.target_text)

    @property
    def gap_unit(self) -> str:
        unit = self.target["unit"]
        return "天" if unit == "日期" else ("个百分点" if unit == "%" else unit)


def assess(targets: list[dict], ledger: pd.DataFrame, previous: pd.DataFrame | None) -> list[Assessment]:
    """Each target: this year's actual, 达成/未达成/无数据, the gap."""
    cur = ledger.set_index("id")
    prev = previous.set_index("id") if previous is not None else None
    out = []
    for t in targets:
        unit, fid, op, basis = t["unit"], t["figure"], t["comparison"], t.get("basis", "value")
        goal = target_value(t["target"], unit)
        actual = target_value(cur.loc[fid, "value"], unit) if fid in cur.index else None
        note = ""
        if basis == "change":
            before = target_value(prev.loc[fid, "value"], unit) if prev is not None and fid in prev.index else None
            if actual is not None and before is not None:
                note = f"按较上年提升的百分点计：上年{plain(before)}%，本年{plain(actual)}%"
                actual = actual - before
            else:
                actual = None
        gap = None
        if actual is None:
            status, gap_text = "无数据", ""
        else:
            status = "达成" if compare(actual, op, goal) else "未达成"
            if isinstance(actual, dt.date):
                gap = (actual - goal).days
                gap_text = "按期" if gap == 0 else (f"提前{-gap}天" if gap < 0 else f"延后{gap}天")
            else:
                gap = actual - goal
                gap_text = (
                    "—" if gap == 0 else ("+" if gap > 0 else "") + in_words(gap, "个百分点" if unit == "%" else unit)
                )
        actual_text = (
            "—" if actual is None else (("+" if basis == "change" and actual > 0 else "") + in_words(actual, unit))
        )
        out.append(Assessment(t, goal, actual, status, gap, target_text(op, goal, unit), actual_text, gap_text, note))
    return out


def evaluate(targets: list[dict], ledger: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """One row per target: the target, this year's actual, 达成/未达成/无数据, the gap."""
    import pandas as pd

    rows = [
        {
            "id": a.target["id"],
            "section": a.target.get("section", ""),
            "label": a.target["label"],
            "wording": a.wording,
            "reading": a.reading,
            "target": a.target_text,
            "actual": a.actual_text,
            "status": a.status,
            "gap": a.gap_text,
            "figure": a.target["figure"],
            "note": a.note,
        }
        for a in assess(targets, ledger, previous)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


# ---------------------------------------------------------------------- ledger rows
STATUS_VALUE = {"达成": "1", "未达成": "0", "无数据": ""}
SUMMARY = (
    ("count", "上年报告提出的可量化目标", None),
    ("met", "目标达成", "达成"),
    ("missed", "目标未达成", "未达成"),
    ("nodata", "目标无数据", "无数据"),
)


def _text(v) -> str:
    if v is None:
        return ""
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def _source(ledger: pd.DataFrame, fid: str) -> dict:
    """The ledger columns a target's rows take from its figure (dataset, rows, inputs, validation)."""
    match = ledger[ledger["id"] == fid]
    if match.empty:
        return {"dataset": "", "rows_used": 0, "inputs": "", "validation": ""}
    r = match.iloc[0]
    return {"dataset": r["dataset"], "rows_used": r["rows_used"], "inputs": r["inputs"], "validation": r["validation"]}


def _figure(ledger: pd.DataFrame, t: dict, year: int | None = None) -> str:
    """The figure a target is tracked on, in words: 指标“专利申报” (for `basis: change`, its change over the year
    before: 指标“初次就业率”较上年的变化)."""
    match = ledger[ledger["id"] == t["figure"]]
    label = (None if match.empty else match.iloc[0].get("label")) or t["figure"]
    change = t.get("basis", "value") == "change"
    return f"指标“{label}”" + (("较上年" if year is None else f"较{year - 1}年") + "的变化" if change else "")


def _said(t: dict) -> str:
    """The plan's words and how they are read, for a row's definition."""
    said = f"；计划原文：{t['seed_wording']}" if t.get("seed_wording") else ""
    said += f"；计划中的表述：{t['wording']}" if t.get("wording") else ""
    return said + (f"；核对口径：{t['reading']}" if t.get("reading") else "")


def _goal(t: dict) -> str:
    """The target as tracked, in words: 不低于3家, 不晚于2021年5月31日, 0起."""
    text = target_text(t["comparison"], target_value(t["target"], t["unit"]), t["unit"])
    return ("为" if t["comparison"] == "==" else "") + text


def ledger_rows(assessments: list[Assessment], ledger: pd.DataFrame, year: int) -> list[dict]:
    """The tracking table as ledger rows (kind `target`): per target `target.<id>.plan|target|actual|gap|status`
    (`.plan` words the target as the plan did, `.target` as it is read for tracking), then the counts the
    section's intro gives (`target.count|met|missed|nodata`)."""
    rows = []
    for a in assessments:
        t, tid = a.target, a.target["id"]
        src = _source(ledger, t["figure"])
        base = {"section": t.get("section", ""), "label": t["label"], "kind": "target", **src}
        change = t.get("basis", "value") == "change"
        what = _figure(ledger, t, year)
        goal = {"value": _text(a.goal), "unit": t["unit"], "rows_used": 0, "inputs": "", "validation": "", "note": ""}
        rows += [
            {
                **base,
                **goal,
                "id": f"target.{tid}.plan",
                "display": a.wording,
                "wording": a.wording,
                "definition": f"{year - 1}年度报告提出的{year}年目标，按计划中的表述；核对：{what}{_goal(t)}"
                + _said(t),
            },
            {
                **base,
                **goal,
                "id": f"target.{tid}.target",
                "display": a.target_text,
                "wording": a.reading,
                "definition": f"{year - 1}年度报告提出的{year}年目标，按核对口径：{what}{_goal(t)}" + _said(t),
            },
            {
                **base,
                "id": f"target.{tid}.actual",
                "value": _text(a.actual),
                "unit": t["unit"],
                "display": a.actual_text,
                "wording": a.actual_text,
                "definition": f"{year}年实际：{what}"
                + (f"（{year}年数减{year - 1}年数，单位为百分点）" if change else "的数值"),
                "note": a.note,
            },
            {
                **base,
                "id": f"target.{tid}.gap",
                "value": _text(a.gap),
                "unit": a.gap_unit,
                "display": a.gap_text,
                "wording": a.gap_text,
                "definition": "实际减目标" + ("，以天计（负数为提前）" if t["unit"] == "日期" else ""),
                "note": "",
            },
            {
                **base,
                "id": f"target.{tid}.status",
                "value": STATUS_VALUE[a.status],
                "unit": "",
                "display": a.status,
                "wording": a.status,
                "rows_used": 0,
                "inputs": "",
                "validation": "",
                "definition": f"1：达成（{what}{_goal(t)}），0：未达成，空：无数据",
                "note": "",
            },
        ]
    for key, label, status in SUMMARY:
        n = sum(1 for a in assessments if status is None or a.status == status)
        rows.append(
            {
                "id": f"target.{key}",
                "section": "",
                "label": label,
                "value": str(n),
                "unit": "项",
                "display": str(n),
                "wording": f"{n}项",
                "dataset": "",
                "rows_used": len(assessments),
                "definition": f"{year - 1}年度报告提出的{year}年可量化目标"
                + (f"中完成情况为“{status}”" if status else "")
                + "的项数",
                "inputs": "",
                "validation": "",
                "note": "",
                "kind": "target",
            }
        )
    return rows


def plan_rows(targets: list[dict], ledger: pd.DataFrame, year: int) -> list[dict]:
    """This year's plan for the next year, as its prose prints each target ({target.<id>}): `plan.<id>`, the
    value the numeric target, the wording the plan's own words (the target's `wording`: 3-4个, 3%以上)."""
    texts = target_texts(targets)
    rows = []
    for t in targets:
        src = _source(ledger, t["figure"])
        rows.append(
            {
                "id": f"plan.{t['id']}",
                "section": t.get("section", ""),
                "label": t["label"],
                "value": _text(target_value(t["target"], t["unit"])),
                "unit": t["unit"],
                "display": texts[t["id"]],
                "wording": texts[t["id"]],
                "dataset": src["dataset"],
                "rows_used": 0,
                "inputs": "",
                "validation": "",
                "definition": f"本报告提出的{year + 1}年目标，下一年度按此核对：{_figure(ledger, t)}{_goal(t)}"
                + _said(t),
                "note": "",
                "kind": "plan",
            }
        )
    return rows
