"""Writing demo files byte-for-byte reproducibly, in the encodings and formats offices use."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from annualreport.project.tables import normalise_zip


def write_csv(path: Path, rows: list[list], encoding: str) -> None:
    """`encoding`: 'gbk' (GB18030 bytes), 'utf-8-sig' (with BOM) or 'utf-8'. CRLF like Excel."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buf.getvalue().encode("gb18030" if encoding == "gbk" else encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_xlsx(path: Path, sheets: dict[str, list[list]], merge_title: dict[str, int] | None = None) -> None:
    """Write a workbook with one sheet per entry; rows are lists of cell values (str, int, float, datetime).

    `merge_title[sheet] = n` merges the first row across n columns, like an office's title banner.
    The zip and its timestamps are normalised so the same rows give the same bytes.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        if merge_title and merge_title.get(title):
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=merge_title[title])
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalise_zip(buf.getvalue()))
