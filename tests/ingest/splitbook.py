"""The 2020 demo admissions, delivered as offices split them: one workbook with a sheet per 培养层次 (普通高职,
联合培养本科, 留学生), each with its own title row and 合计 line; 二级学院 cells merged down over runs of one
school; a hidden sheet holding the drop-down lists (under the table's own headers) and an empty Sheet2."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

from tests.helpers import ROOT

SOURCE = ROOT / "data" / "raw" / "2020" / "admissions.csv"
SHEETS = ("普通高职", "联合培养本科", "留学生")
SCHOOL = "所属学院"


def admissions() -> tuple[list[str], list[list[str]]]:
    """The 2020 demo file's header and data rows (its title row and note rows left out)."""
    rows = list(csv.reader(io.StringIO(SOURCE.read_bytes().decode("gb18030"), newline="")))
    header_at = next(i for i, r in enumerate(rows) if any("考生" in c for c in r))
    data = [r for r in rows[header_at + 1 :] if any(c.strip() for c in r) and not r[0].startswith(("合计", "填表"))]
    return rows[header_at], data


def level_sheet(row: list[str], header: list[str]) -> str:
    level = row[next(i for i, h in enumerate(header) if "培养层次" in h)]
    return "联合培养本科" if "本科" in level else "留学生" if "留学" in level else "普通高职"


def write_split(path: Path, merge: bool = True) -> dict[str, int]:
    """Write the workbook; the number of data rows per sheet."""
    header, data = admissions()
    school = header.index(SCHOOL)
    wb = Workbook()
    wb.remove(wb.active)
    counts = {}
    for name in SHEETS:
        rows = [r for r in data if level_sheet(r, header) == name]
        counts[name] = len(rows)
        ws = wb.create_sheet(name)
        ws.append([f"2020年招生录取名单（{name}）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(header)
        first = 3
        for r in rows:
            ws.append([c if c != "" else None for c in r])
        ws.append([f"合计：{len(rows)}人"])
        if merge:  # a run of one school: its name in the run's top cell only, the cells merged down
            n = 0
            while n < len(rows):
                m = n
                while m + 1 < len(rows) and rows[m + 1][school] and rows[m + 1][school] == rows[n][school]:
                    m += 1
                if m > n:
                    for k in range(n + 1, m + 1):
                        ws.cell(row=first + k, column=school + 1).value = None
                    ws.merge_cells(
                        start_row=first + n, start_column=school + 1, end_row=first + m, end_column=school + 1
                    )
                n = m + 1
        if name == "联合培养本科":  # the drop-down lists, under the table's headers, in a hidden sheet
            lists = wb.create_sheet("选项")
            lists.append(header)
            lists.append(["", "", "", "男", "", "", "高职(专科)"])
            lists.append(["", "", "", "女", "", "", "联合培养本科"])
            lists.sheet_state = "hidden"
    wb.create_sheet("Sheet2")
    wb.save(path)
    return counts


def merged_runs(path: Path) -> int:
    """How many 二级学院 merges the workbook holds (a check that the fixture merges anything)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return sum(1 for ws in wb.worksheets for r in ws.merged_cells.ranges if r.max_row > r.min_row)
