"""The ledger as an auditor's workbook (the `ledger_xlsx` artefact), written by the figures stage beside the
ledger's CSV (the `ledger` artefact), which keeps its English column names for machines; the workbook is for
people:

- sheet 台账: every ledger row, in the report's order (by section, as the ledger annex groups them,
  `base/outline.py` `groups`), Chinese headers, the value a number wherever it is one, kinds in Chinese;
- sheet 所用行: for every computed figure, chart bar and year-before value, the raw file (and sheet) it came
  from and the physical rows of that file it used, as ranges ("3-17, 20"): the clean frames' `source_row`;
- sheet 说明: what the columns and kinds mean.

Header frozen, auto filters, fitted column widths, fixed bytes (`base/tables.write_workbook`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from annualreport.base.glossary import KIND_ZH, KINDS_EXPLAINED
from annualreport.base.outline import groups
from annualreport.figures.sources import compact_rows, rows_of_sheet

if TYPE_CHECKING:
    import pandas as pd

    from annualreport.base.params import Params

# ledger column -> workbook header (the ledger sheet's columns, in this order; 章节标题 is the annex group)
HEADERS = {
    "id": "编号",
    "section": "章节",
    "heading": "章节标题",
    "label": "指标",
    "kind": "类别",
    "value": "数值",
    "unit": "单位",
    "display": "报告中的数字",
    "wording": "报告中的表述",
    "dataset": "数据集",
    "definition": "定义",
    "rows_used": "所用行数",
    "inputs": "原始文件",
    "validation": "校验",
    "note": "说明",
}
ROWS_HEADER = ["编号", "指标", "类别", "数据集", "原始文件", "工作表", "所用行数", "原始文件中的行号"]
ROW_KINDS = ("computed", "chart", "previous")
MAX_CELL = 32000  # Excel holds at most 32767 characters in a cell
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_INPUT = re.compile(r"(?:^|;\s*)(.+?)(?:\[([^\]]*)\])? sha256:[0-9a-f]+")


def number(value):
    """A ledger value as Excel should hold it: int or float where it is a number, else the text (None if empty)."""
    text = "" if value is None else str(value)
    if not text:
        return None
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text


def raw_files(inputs: str) -> list[tuple[str, str]]:
    """[(file, sheet)] from a ledger row's `inputs` ("file[sheet] sha256:…; …")."""
    return [(m.group(1), m.group(2) or "") for m in _INPUT.finditer(inputs or "")]


def ledger_sheet(ledger: pd.DataFrame, params: Params) -> tuple[str, list[str], list[list]]:
    rows = []
    for heading, part in groups(ledger, params):
        for r in part.to_dict("records"):
            r = {**r, "heading": heading, "kind": KIND_ZH.get(r["kind"], r["kind"])}
            rows.append([number(r[c]) if c in ("value", "rows_used") else r[c] for c in HEADERS])
    return "台账", list(HEADERS.values()), rows


def rows_sheet(
    ledger: pd.DataFrame, params: Params, sources: dict[str, tuple], previous: pd.DataFrame | None
) -> tuple[str, list[str], list[list]]:
    """One line per raw file of every computed figure, chart bar and year-before value, in the report's order."""
    prev = (
        {}
        if previous is None or "source_rows" not in previous
        else dict(zip(previous["id"], previous["source_rows"], strict=True))
    )
    rows = []
    for _, part in groups(ledger, params):
        for r in part.to_dict("records"):
            if r["kind"] not in ROW_KINDS:
                continue
            for file, sheet in raw_files(r["inputs"]) or [("", "")]:
                if r["kind"] == "previous":
                    used = str(prev.get(r["id"].removesuffix(".previous"), "") or "")
                else:  # a dataset split over sheets: each sheet's line names its own rows
                    used = compact_rows(rows_of_sheet(sources.get(r["id"], ()), sheet))
                if len(used) > MAX_CELL:
                    used = used[: used.rfind(", ", 0, MAX_CELL)] + ", …"
                rows.append(
                    [r["id"], r["label"], KIND_ZH.get(r["kind"], r["kind"]), r["dataset"], file, sheet,
                     number(r["rows_used"]), used]
                )  # fmt: skip
    return "所用行", ROWS_HEADER, rows


def notes_sheet() -> tuple[str, list[str], list[list]]:
    rows = [
        ["台账", "报告中出现的每一个数字，按报告章节排序；数值为数字时以数字存储（精确值，未经舍入显示）。"],
        ["所用行", "每个计算指标、图表数值和上年数所用的原始文件（及工作表）和其中的行号。"],
        ["原始文件中的行号", "原始文件中的物理行号（第1行为文件首行，含标题行），连续的行写作“3-17”。"],
        ["原始文件", "数据集所依据的原始文件及其 SHA-256。"],
        ["校验", "数据集的 Great Expectations 校验结果。"],
    ]
    rows += [[k, v] for k, v in KINDS_EXPLAINED]
    return "说明", ["项目", "说明"], rows


def write_ledger_workbook(
    at, ledger: pd.DataFrame, params: Params, sources: dict[str, tuple], previous: pd.DataFrame | None
):
    """Write the `ledger_xlsx` artefact (sheets 台账, 所用行, 说明)."""
    sheets = [ledger_sheet(ledger, params), rows_sheet(ledger, params, sources, previous), notes_sheet()]
    return at.write_workbook("ledger_xlsx", sheets)
