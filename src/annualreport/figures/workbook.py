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

from annualreport.base.glossary import COLUMN_ZH, KIND_ZH, kinds_explained, status_shown
from annualreport.base.outline import groups
from annualreport.figures.sources import compact_rows, rows_of_sheet

if TYPE_CHECKING:
    import pandas as pd

    from annualreport.base.params import Params

# ledger column -> workbook header (the ledger sheet's columns, in this order; 章节标题 is the annex group), in the
# glossary's words (base/glossary.py), as the annex and the notebooks name them
COLUMNS = (
    "id", "section", "heading", "label", "kind", "value", "unit", "display", "wording", "dataset", "definition",
    "rows_used", "inputs", "validation", "note",
)  # fmt: skip
HEADERS = {c: COLUMN_ZH[c] for c in COLUMNS}
ROWS_HEADER = [
    *(COLUMN_ZH[c] for c in ("id", "label", "kind", "dataset", "inputs")), "工作表", COLUMN_ZH["rows_used"], "原始文件中的行号"
]  # fmt: skip
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
            r = {
                **r,
                "heading": heading,
                "kind": KIND_ZH.get(r["kind"], r["kind"]),
                "validation": status_shown(r["validation"]),
            }
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


def notes_sheet(kinds, page: str) -> tuple[str, list[str], list[list]]:
    """What the sheets and columns mean, and the kinds the ledger has (`kinds`), in the glossary's words; `page`
    is the auditor's page (its file name, beside the workbook)."""
    c = COLUMN_ZH
    rows = [
        ["台账", "报告中出现的每一个数字，按报告章节排序。"],
        ["所用行", "每个计算指标、图表数值和上年数所用的原始文件（及工作表）和其中的行号。"],
        [c["id"], "每一行的代码（指标编号），报告审阅稿中的数字链接到台账附件中同一编号的行。"],
        [c["value"], "精确值，未按报告中的表述取整；为数字时以数字存储。"],
        [c["dataset"], "数值所依据的数据集的代码；数据集的中文名称写在定义中。"],
        [c["definition"], "数值如何得出：数据集、筛选条件、计数或计算方式、去重依据和日期范围。"],
        [c["note"], "读者需要知道的说明：报告表述的取整规则、没有数值的原因、陈述数字的来源日期等。"],
        [c["inputs"], "数据集所依据的原始文件及其 SHA-256 摘要。"],
        [c["validation"], f"数据集的自动校验结果（各项规则和不符合规则的行见 {page}）。"],
        ["原始文件中的行号", "原始文件中的物理行号（第1行为文件首行，含标题行），连续的行写作“3-17”。"],
    ]
    rows += [[k, v] for k, v in kinds_explained(kinds)]
    return "说明", ["项目", "说明"], rows


def write_ledger_workbook(
    at, ledger: pd.DataFrame, params: Params, sources: dict[str, tuple], previous: pd.DataFrame | None
):
    """Write the `ledger_xlsx` artefact (sheets 台账, 所用行, 说明)."""
    sheets = [
        ledger_sheet(ledger, params),
        rows_sheet(ledger, params, sources, previous),
        notes_sheet(ledger["kind"], at.relative("validation_page")),
    ]
    return at.write_workbook("ledger_xlsx", sheets)
