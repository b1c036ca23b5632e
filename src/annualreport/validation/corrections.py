"""Corrections back to the offices (catalog: `corrections`): one workbook per office listing every
quarantined row of its datasets, so the office can fix its file and deliver it again.

Each line: the dataset, the file, sheet and row number the office knows, the column, the value as
delivered (a person's ID masked: `reasons.shown`), the reason in Chinese and what to change. Chinese
headers, a frozen header row, filters and fixed column widths; every text cell is a text cell (a
value starting with = stays text, never a formula). The bytes depend on the cells only
(fixed workbook dates and zip times: `tables.normalise_zip`), so a rebuild gives the same file.

The office is the spec's `office`. An office with no quarantined row gets no workbook, and one left
from an earlier build is removed: once the office has delivered its rows fixed, its file is gone
(and the report's 附：数据质量 no longer lists it).
"""

from __future__ import annotations

import io
from pathlib import Path

from annualreport.base.glossary import RULES_ZH
from annualreport.base.params import Params
from annualreport.base.places import places
from annualreport.base.tables import atomic_write_bytes, normalise_zip, text_cell
from annualreport.ingest.specs import load_specs
from annualreport.validation.reasons import fix_zh, raw_value, reason_zh

SHEET = "待更正"
# (header, width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("数据集", 22),
    ("文件", 24),
    ("工作表", 14),
    ("行号", 8),
    ("列", 18),
    ("原值", 22),
    ("问题", 48),
    ("规则", 20),
    ("修改建议", 40),
)


def office_rows(params: Params, work: Path, names: list[str]) -> dict[str, list[list]]:
    """{office: lines} for the quarantined rows of the datasets `names`, offices and lines in the
    specs' order, then file, sheet and row."""

    specs = load_specs(params.root)
    titles = {n: s.title for n, s in specs.items()}
    at = places(params, work)
    out: dict[str, list[list]] = {}
    for name in [n for n in specs if n in names]:
        spec = specs[name]
        quarantine = at.read("quarantine", name, missing_ok=True)
        if quarantine is None or not len(quarantine):
            continue
        lines = []
        for q in quarantine.to_dict("records"):
            lines.append(
                [
                    f"{spec.title}（{name}）",
                    str(q.get("file", "")),
                    str(q.get("sheet", "") or ""),
                    int(q["row"]),
                    str(q.get("column", "")),
                    raw_value(spec, q),
                    reason_zh(spec, q, params.year, titles),
                    RULES_ZH.get(q["rule"], q["rule"]),
                    fix_zh(q["rule"]),
                ]
            )
        lines.sort(key=lambda line: (line[1], line[2], line[3]))
        out.setdefault(spec.office or "未注明处室", []).extend(lines)
    return out


def workbook_bytes(lines: list[list]) -> bytes:
    """One office's workbook: Chinese headers, frozen header, filters, widths; reproducible bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([h for h, _ in COLUMNS])
    for line in lines:
        ws.append(line)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
            text_cell(cell)  # text as delivered, never a formula (=, +, -, @ stay text)
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(lines) + 1}"
    wb.properties.creator = "annualreport"
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue())


def write_corrections(params: Params, work: Path, names: list[str]) -> list[Path]:
    """Write one workbook per office with quarantined rows; remove the others' earlier ones."""
    at = places(params, work)
    written = []
    for office, lines in office_rows(params, work, names).items():
        path = at("corrections", office)
        atomic_write_bytes(path, workbook_bytes(lines))
        written.append(path)
    folder = at.folder("corrections")
    if folder.is_dir():
        for old in folder.iterdir():
            if old.is_file() and old not in written:
                old.unlink()
    return written
