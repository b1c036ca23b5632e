"""Year-before columns as ledger rows: what a report table prints beside each of its figures.

A narrative outline's `table` blocks list figures; the report prints each with its value this year,
the year before's value and the change (同比变化). For every figure some table lists, the figures
stage writes

- `<figure_id>.previous` (kind `previous`): the year before's value, as the `previous` artefact (that
  year's ledger, computed from its raw files) has it, with its wording, rows, inputs and validation;
- `<figure_id>.change` (kind `change`): this year's value minus the year before's, in 个百分点 for rates;
  its `wording` is the table cell as printed: `+289（+7.8%）`, `-1.75个百分点`, `0（0%）` (百分点 to two
  decimals, the rule of `wording.UNIT_DECIMALS`: `+5.00个百分点`);
- `<figure_id>.change_pct` (kind `change`, figures that are not rates): the change as a percentage of
  the year before's value, one decimal, rounded half up (blank when the year before is 0 or missing).

A value that cannot be had (no year before, a figure without data) is blank and its wording 无数据;
the table prints — for it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from annualreport.base.errors import SpecError
from annualreport.base.wording import by_unit, plain, round_half_up

if TYPE_CHECKING:
    import pandas as pd

    from annualreport.base.outline import Outline

RATE_UNITS = {"%"}
POINTS = "个百分点"
NO_DATA = "无数据"


def table_figures(outline: Outline, ledger_ids) -> list[str]:
    """The figures the outline's tables list, in reading order, each once; an unknown id is an error."""
    known = set(ledger_ids)
    out: list[str] = []
    for s in outline.walk():
        for block in s.blocks:
            if not isinstance(block, dict) or "table" not in block:
                continue
            for fid in block["table"].get("figures") or []:
                if fid not in known:
                    raise SpecError(f"{outline.directory / 'sections.yaml'}: table names unknown figure '{fid}'")
                if fid not in out:
                    out.append(fid)
    return out


def _number(v) -> Decimal | None:
    if v in ("", None) or (isinstance(v, float) and v != v):
        return None
    try:
        return Decimal(str(v))
    except InvalidOperation:  # a date: no change to print
        return None


def _sign(d: Decimal) -> str:
    return "+" if d > 0 else ""


def year_before_rows(
    ledger: pd.DataFrame, previous: pd.DataFrame | None, figure_ids: list[str], year: int
) -> list[dict]:
    """`.previous`, `.change` and (not rates) `.change_pct` rows for each figure, in the given order."""
    cur = ledger.set_index("id")
    prev = previous.set_index("id") if previous is not None else None
    rows = []
    for fid in figure_ids:
        r = cur.loc[fid]
        rate = r["unit"] in RATE_UNITS
        p = prev.loc[fid] if prev is not None and fid in prev.index else None
        base = {"section": r["section"], "dataset": r["dataset"]}
        if p is None:
            why = "no ledger of the year before" if prev is None else "not in the year before's ledger"
            rows.append(
                {
                    **base,
                    "id": f"{fid}.previous",
                    "label": f"{r['label']}（上年）",
                    "value": "",
                    "unit": r["unit"],
                    "display": NO_DATA,
                    "wording": NO_DATA,
                    "definition": f"figure {fid} in {year - 1}",
                    "rows_used": 0,
                    "inputs": "",
                    "validation": "",
                    "note": why,
                    "kind": "previous",
                }
            )
        else:
            rows.append(
                {
                    **base,
                    "id": f"{fid}.previous",
                    "label": f"{r['label']}（上年）",
                    "value": p["value"],
                    "unit": r["unit"],
                    "display": p["display"],
                    "wording": p["wording"],
                    "definition": f"figure {fid} in {year - 1}, from that year's raw files: {p['definition']}",
                    "rows_used": p["rows_used"],
                    "inputs": p["inputs"],
                    "validation": p["validation"],
                    "note": p["note"],
                    "kind": "previous",
                }
            )
        v, pv = _number(r["value"]), _number(p["value"] if p is not None else "")
        d = None if v is None or pv is None else v - pv
        pct = None if d is None or rate or pv == 0 else round_half_up(d * 100 / pv, 1)
        common = {
            **base,
            "rows_used": r["rows_used"],
            "inputs": r["inputs"],
            "validation": r["validation"],
            "kind": "change",
        }
        if d is None:
            cell = NO_DATA
        elif rate:
            cell = f"{_sign(d)}{by_unit(d, POINTS)}{POINTS}"
        elif pct is None:
            cell = f"{_sign(d)}{plain(d)}"
        else:
            cell = f"{_sign(d)}{plain(d)}（{_sign(d)}{plain(pct)}%）"
        rows.append(
            {
                **common,
                "id": f"{fid}.change",
                "label": f"{r['label']}（同比变化）",
                "value": "" if d is None else str(d),
                "unit": POINTS if rate else r["unit"],
                "display": NO_DATA if d is None else f"{_sign(d)}{by_unit(d, POINTS) if rate else plain(d)}",
                "wording": cell,
                "definition": f"figure {fid}: this year's value minus {year - 1}'s"
                + (
                    " (percentage points)"
                    if rate
                    else "; wording: the change and, in brackets, the change in percent (.change_pct)"
                ),
                "note": "" if d is not None else "a value of one of the two years is missing",
            }
        )
        if not rate:
            rows.append(
                {
                    **common,
                    "id": f"{fid}.change_pct",
                    "label": f"{r['label']}（同比变化率）",
                    "value": "" if pct is None else str(pct),
                    "unit": "%",
                    "display": NO_DATA if pct is None else f"{_sign(d)}{plain(pct)}",
                    "wording": NO_DATA if pct is None else f"{_sign(d)}{plain(pct)}%",
                    "definition": f"figure {fid}: the change over {year - 1} as a percent of {year - 1}'s "
                    "value, one decimal, rounded half up",
                    "note": ""
                    if pct is not None
                    else (
                        "the year before's value is 0"
                        if d is not None
                        else "a value of one of the two years is missing"
                    ),
                }
            )
    return rows
