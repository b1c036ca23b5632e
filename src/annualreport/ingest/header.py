"""Finding a sheet's header row: the first row whose cells name the spec's columns (by header or
alias), below any title rows; notes under the table (合计, 填表人, 说明 ...) are told apart from data."""

from __future__ import annotations

from annualreport.base.errors import InputError
from annualreport.ingest import normalize as nz
from annualreport.ingest.readers import RawSheet
from annualreport.ingest.specs import ColumnSpec, DatasetSpec

NOTE_MARKERS = (
    "合计",
    "总计",
    "小计",
    "填表人",
    "制表人",
    "审核人",
    "负责人签字",
    "说明",
    "备注",
    "注:",
    "联系人",
    "联系电话",
    "填报单位",
    "填报日期",
    "数据截至",
)


def is_note(cells: list) -> bool:
    first = next((nz.compact(c) for c in cells if not nz.is_blank(c)), "")
    return first.startswith(NOTE_MARKERS)


def find_header(sheet: RawSheet, spec: DatasetSpec) -> tuple[int, dict[int, ColumnSpec], list[str]]:
    """Index (into sheet.rows) of the header row, column index -> spec, ignored header names."""
    lookup = spec.header_lookup()
    required = {c.header for c in spec.columns if c.required}
    best: tuple[int, int] | None = None
    for idx, (_, cells) in enumerate(sheet.rows[:30]):
        found = {lookup[nz.header(c)].header for c in cells if nz.header(c) in lookup}
        if required <= found and found:
            best = (idx, len(found))
            break
        if len(found) >= 2 and (best is None or len(found) > best[1]):
            best = (idx, len(found))
    if best is None:
        expected = "、".join(c.header for c in spec.columns)
        hint = ""
        if sheet.sheet is None:  # a CSV read as one column per line: another delimiter?
            single = [cells[0] for _, cells in sheet.rows[:30] if len([c for c in cells if not nz.is_blank(c)]) == 1]
            for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
                if any(str(c).count(sep) >= 2 for c in single):
                    hint = f"; the lines look separated by {name}, not commas: save it as CSV (comma-separated)"
                    break
        raise InputError(
            f"no header row found in the first 30 rows (expected headers such as {expected}){hint}",
            file=sheet.file,
            sheet=sheet.sheet,
        )
    idx = best[0]
    row_no, cells = sheet.rows[idx]
    mapping: dict[int, ColumnSpec] = {}
    seen: dict[str, int] = {}
    ignored = []
    for i, cell in enumerate(cells):
        h = nz.header(cell)
        if not h:
            continue
        col = lookup.get(h)
        if col is None:
            ignored.append(nz.text(cell))
            continue
        if col.header in seen:
            raise InputError(
                f"the header '{col.header}' appears twice (columns {seen[col.header] + 1} and {i + 1})",
                file=sheet.file,
                sheet=sheet.sheet,
                row=row_no,
                column=nz.text(cell),
            )
        seen[col.header] = i
        mapping[i] = col
    for col in spec.columns:
        if col.required and col.header not in seen:
            names = "、".join(col.headers)
            raise InputError(
                f"required column missing: no header named {names}",
                file=sheet.file,
                sheet=sheet.sheet,
                row=row_no,
                column=col.header,
            )
    return idx, mapping, ignored
