"""Year-before columns as ledger rows: what a report table prints beside each of its figures.

A narrative outline's `table` blocks list figures; the report prints each with its value this year,
the year before's value and the change (同比变化). Whether a figure is compared is part of its definition
(`specs/figures/*.yaml`, `compare`, `compare_reason`, `since`; see `comparison`):

- compared (the default): the figures stage writes
  - `<figure_id>.previous` (kind `previous`): the year before's value, as the `previous` artefact (that
    year's ledger, computed from its raw files) has it, with its rows, inputs and validation;
  - `<figure_id>.change` (kind `change`): this year's value minus the year before's, in 个百分点 for rates;
    its `wording` is the table cell as printed: `+289（+7.8%）`, `-1.75个百分点`, `+5个百分点`, `0（0%）`;
  - `<figure_id>.change_pct` (kind `change`, figures that are not rates): the change as a percentage of
    the year before's value, one decimal, rounded half up (blank when the year before is 0 or missing).

  `value` is exact; `display` and `wording` print the year before's value and the change with the figure's
  own decimals, as its `plain` wording prints this year's value (`figures/compute.py`, `base/wording.py`): a
  figure rounded to whole percent reads 70%, +5个百分点; one kept to two decimals 94.54%, +1.63个百分点. A
  table is where the number stands, so the year before is never in a prose form (近千, 三, 全部, 零).
- new this year (`since: <year>` equal to the report year): the thing did not exist the year before, so the
  three rows say 新增 (value blank) rather than a change from 0;
- not compared (`compare: false` with its `compare_reason`, e.g. a fixed list's size or a label tied to one
  year's event; or a `since` after the report year): no row at all, and report tables leave the figure out.

A value that cannot be had (no year before, a figure without data) is blank and its wording 无数据;
the table prints — for it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from annualreport.base.errors import SpecError
from annualreport.base.refs import NO_DATA
from annualreport.base.wording import plain, round_half_up, word
from annualreport.figures.definitions import rounding_note

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from annualreport.base.outline import Outline
    from annualreport.figures.compute import FigureDef

RATE_UNITS = {"%"}
POINTS = "个百分点"
NEW = "新增"
MISSING = "本年或上年缺少数值"
# How a table treats a figure in a report year (`comparison`).
COMPARED, NEW_THIS_YEAR, NOT_COMPARED = "compared", "new", "not compared"


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


def comparison(defn: FigureDef | None, year: int) -> str:
    """Whether a table compares the figure in `year` with the year before: COMPARED (the default, and a figure
    without a definition), NEW_THIS_YEAR (`since` is this year: 新增) or NOT_COMPARED (`compare: false`, or
    `since` after this year: the thing does not exist yet)."""
    if defn is None:
        return COMPARED
    if not defn.compare:
        return NOT_COMPARED
    if defn.since is not None and year <= defn.since:
        return NEW_THIS_YEAR if year == defn.since else NOT_COMPARED
    return COMPARED


def _number(v) -> Decimal | None:
    if v in ("", None) or (isinstance(v, float) and v != v):
        return None
    try:
        return Decimal(str(v))
    except InvalidOperation:  # a date: no change to print
        return None


def _sign(d: Decimal) -> str:
    return "+" if d > 0 else ""


def _shown(d: Decimal, defn: FigureDef | None) -> str:
    """A number with the figure's own decimals, as its `plain` wording prints its value (75, 96.17, 100)."""
    return plain(d if defn is None else round_half_up(d, defn.precision))


def _value_note(note: str, value: Decimal | None, defn: FigureDef | None) -> str:
    """The year before's note without what its wording style says (the year before prints plain here)."""
    if defn is None or value is None:
        return note
    w = defn.wording
    styled = word(value, defn.unit, w.get("style", "plain"), w.get("step"), w.get("band"))
    rounding = rounding_note(value, defn.unit, w, styled)
    return "；".join(n for n in note.split("；") if n and n != rounding)


def _recomputed(year: int) -> str:
    return f"{year - 1}年的同一指标，按现行指标定义由{year - 1}年的原始数据计算"


def year_before_rows(
    ledger: pd.DataFrame,
    previous: pd.DataFrame | None,
    figure_ids: list[str],
    year: int,
    definitions: Mapping[str, FigureDef] | None = None,
) -> list[dict]:
    """`.previous`, `.change` and (not rates) `.change_pct` rows for each figure a table compares, in the given
    order: none for a figure not compared, 新增 for one new this year (`comparison`, from `definitions`)."""
    cur = ledger.set_index("id")
    prev = previous.set_index("id") if previous is not None else None
    rows: list[dict] = []
    for fid in figure_ids:
        defn = (definitions or {}).get(fid)
        how = comparison(defn, year)
        if how == NOT_COMPARED:
            continue
        r = cur.loc[fid]
        p = prev.loc[fid] if prev is not None and fid in prev.index else None
        if how == NEW_THIS_YEAR:
            rows += _new_rows(fid, r, p, year)
        else:
            rows += _compared_rows(fid, r, p, prev is None, year, defn)
    return rows


def _new_rows(fid: str, r, p, year: int) -> list[dict]:
    """新增: the thing exists since this year (`since`), so the year before has no value and there is no change.
    The `.previous` row still names the year before's files and validation (what that year's ledger has for it),
    so an auditor can see them hold nothing; a value there is noted."""
    rate = r["unit"] in RATE_UNITS
    since = f"本指标自{year}年起才有（上一年度没有此项），表中记为“{NEW}”"
    had = _number(p["value"]) if p is not None else None
    base = {"section": r["section"], "dataset": r["dataset"], "value": "", "display": NEW, "wording": NEW}
    rows = [
        {
            **base,
            "id": f"{fid}.previous",
            "label": f"{r['label']}（上年）",
            "unit": r["unit"],
            "definition": f"{year - 1}年的同一指标：{since}",
            "rows_used": 0 if p is None else p["rows_used"],
            "inputs": "" if p is None else p["inputs"],
            "validation": "" if p is None else p["validation"],
            "note": f"上一年度由原始数据算得此指标为{p['value']}，但指标定义声明其自{year}年起才有" if had else "",
            "kind": "previous",
        }
    ]
    common = {**base, "rows_used": r["rows_used"], "inputs": r["inputs"], "validation": r["validation"]}
    rows.append(
        {
            **common,
            "id": f"{fid}.change",
            "label": f"{r['label']}（同比变化）",
            "unit": POINTS if rate else r["unit"],
            "definition": f"{since}，没有较{year - 1}年的变化",
            "note": "",
            "kind": "change",
        }
    )
    if not rate:
        rows.append(
            {
                **common,
                "id": f"{fid}.change_pct",
                "label": f"{r['label']}（同比变化率）",
                "unit": "%",
                "definition": f"{since}，没有较{year - 1}年的变化率",
                "note": "",
                "kind": "change",
            }
        )
    return rows


def _compared_rows(fid: str, r, p, no_ledger: bool, year: int, defn: FigureDef | None) -> list[dict]:
    rate = r["unit"] in RATE_UNITS
    base = {"section": r["section"], "dataset": r["dataset"]}
    rows: list[dict] = []
    v, pv = _number(r["value"]), _number(p["value"] if p is not None else "")
    if p is None:
        why = f"没有{year - 1}年的原始数据或参数，无法计算上年数" if no_ledger else f"{year - 1}年的数据中没有此指标"
        rows.append(
            {
                **base,
                "id": f"{fid}.previous",
                "label": f"{r['label']}（上年）",
                "value": "",
                "unit": r["unit"],
                "display": NO_DATA,
                "wording": NO_DATA,
                "definition": _recomputed(year),
                "rows_used": 0,
                "inputs": "",
                "validation": "",
                "note": why,
                "kind": "previous",
            }
        )
    else:
        # A number prints with the figure's own decimals; a date or 无数据 as the year before's ledger words it.
        shown = None if pv is None else _shown(pv, defn)
        rows.append(
            {
                **base,
                "id": f"{fid}.previous",
                "label": f"{r['label']}（上年）",
                "value": p["value"],
                "unit": r["unit"],
                "display": p["display"] if shown is None else shown,
                "wording": p["wording"] if shown is None else f"{shown}{r['unit']}",
                "definition": f"{_recomputed(year)}：{p['definition']}",
                "rows_used": p["rows_used"],
                "inputs": p["inputs"],
                "validation": p["validation"],
                "note": _value_note(p["note"], pv, defn),
                "kind": "previous",
            }
        )
    d = None if v is None or pv is None else v - pv
    pct = None if d is None or rate or pv == 0 else round_half_up(d * 100 / pv, 1)
    common = {
        **base,
        "rows_used": r["rows_used"],
        "inputs": r["inputs"],
        "validation": r["validation"],
        "kind": "change",
    }
    step = None if d is None else f"{_sign(d)}{_shown(d, defn)}"
    if step is None:
        cell = NO_DATA
    elif rate:
        cell = f"{step}{POINTS}"
    elif pct is None:
        cell = step
    else:
        cell = f"{step}（{_sign(d)}{plain(pct)}%）"
    rows.append(
        {
            **common,
            "id": f"{fid}.change",
            "label": f"{r['label']}（同比变化）",
            "value": "" if d is None else str(d),
            "unit": POINTS if rate else r["unit"],
            "display": NO_DATA if step is None else step,
            "wording": cell,
            "definition": f"{year}年数减{year - 1}年数（两年按同一指标定义计算）"
            + ("，单位为百分点" if rate else "；报告表述为变化量，括号内为变化率（见同比变化率一行）"),
            "note": "" if d is not None else MISSING,
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
                "definition": f"变化量（{year}年数减{year - 1}年数）占{year - 1}年数的百分比，保留1位小数（四舍五入）",
                "note": "" if pct is not None else (f"{year - 1}年数为0，变化率无从计算" if d is not None else MISSING),
            }
        )
    return rows
