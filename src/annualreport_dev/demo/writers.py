"""Writing demo files byte-for-byte reproducibly, in the encodings and formats offices use.

Workbooks are streamed: the sheet XML is written row by row as text (a few microseconds a cell,
so the 100× benchmark data take minutes, not the better part of an hour as with openpyxl building
a cell object for each value). Everything around the sheets (workbook, styles, theme, properties)
comes from openpyxl saving a workbook with the same sheets and no rows, and each sheet's XML is
written exactly as openpyxl writes it, so the bytes are those of the plain openpyxl path
(`write_xlsx_openpyxl`, kept as the reference and as the fallback for any value the streaming
writer does not know, e.g. a formula or a bool).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
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
    try:
        data = xlsx_bytes_streamed(sheets, merge_title)
    except _Unsupported:
        data = xlsx_bytes_openpyxl(sheets, merge_title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalise_zip(data))


def write_xlsx_openpyxl(path: Path, sheets: dict[str, list[list]], merge_title: dict[str, int] | None = None) -> None:
    """The same workbook built cell by cell by openpyxl (the reference the streaming writer matches)."""
    data = xlsx_bytes_openpyxl(sheets, merge_title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalise_zip(data))


def xlsx_bytes_openpyxl(sheets: dict[str, list[list]], merge_title: dict[str, int] | None = None) -> bytes:
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
    return buf.getvalue()


# ----------------------------------------------------------------------------- streaming
class _Unsupported(Exception):
    """A value the streaming writer does not write the way openpyxl would: use openpyxl."""


_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_DATE_TYPES = (dt.datetime, dt.date, dt.time)
_NUMBER_TYPES = (int, float)
_SHEET_DATA = re.compile(r"<sheetData />|<sheetData>.*?</sheetData>", re.S)


def _column_letters(n: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [""] + [get_column_letter(i) for i in range(1, n + 1)]


def xlsx_bytes_streamed(sheets: dict[str, list[list]], merge_title: dict[str, int] | None = None) -> bytes:
    """The workbook openpyxl would write for these rows, with each sheet's XML written as text."""
    import openpyxl
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.compat import safe_string
    from openpyxl.utils.datetime import to_excel

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    merge_title = merge_title or {}
    styles: dict[type, int] = {}  # date type: its cell style id, registered in the order openpyxl meets them
    bodies: list[tuple[str, tuple[int, int, int, int] | None]] = []
    width = max((len(r) for rows in sheets.values() for r in rows), default=0)
    letters = _column_letters(max(width, *merge_title.values(), 1) if merge_title else max(width, 1))
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        merged = merge_title.get(title) or 0
        if merged:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=merged)
        out: list[str] = []
        add = out.append
        min_row = max_row = max_col = 0
        row_idx = 0
        for row in rows:
            row_idx += 1
            n = len(row)
            if n == 0:
                continue  # openpyxl counts the row but makes no cell: no <row>
            if not min_row:
                min_row = row_idx
            max_row = row_idx
            max_col = max(max_col, n)
            add(f'<row r="{row_idx}">')
            cols = range(n) if not (merged and row_idx == 1) else range(min(n, 1))
            for c in cols:
                v = row[c]
                if v is None:
                    continue
                ref = f"{letters[c + 1]}{row_idx}"
                t = type(v)
                if t is str:
                    v = v[:32767]
                    if ILLEGAL_CHARACTERS_RE.search(v) or (len(v) > 1 and v[0] == "=") or v in ERROR_CODES:
                        raise _Unsupported(v)
                    if v == "":
                        add(f'<c r="{ref}" t="inlineStr" />')
                        continue
                    stripped = v.strip()
                    space = ' xml:space="preserve"' if stripped and stripped != v else ""
                    add(f'<c r="{ref}" t="inlineStr"><is><t{space}>{v.translate(_ESCAPE)}</t></is></c>')
                elif t in _NUMBER_TYPES:
                    if v != v or v in (float("inf"), float("-inf")):
                        raise _Unsupported(v)
                    add(f'<c r="{ref}" t="n"><v>{safe_string(v)}</v></c>')
                elif t in _DATE_TYPES:
                    if getattr(v, "tzinfo", None) is not None:
                        raise _Unsupported(v)
                    if t not in styles:
                        probe = ws.cell(row=1, column=1)
                        probe.value = v
                        styles[t] = probe.style_id
                        del ws._cells[(1, 1)]
                    add(f'<c r="{ref}" s="{styles[t]}" t="n"><v>{safe_string(to_excel(v))}</v></c>')
                else:
                    raise _Unsupported(v)
            add("</row>")
        if merged and (not rows or not rows[0]):
            raise _Unsupported("merged title without a title row")
        dims = (min_row, max_row, 1, max(max_col, merged)) if max_row else None
        bodies.append(("".join(out), dims))
    buf = io.BytesIO()
    wb.save(buf)
    skeleton = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out_buf = io.BytesIO()
    with zipfile.ZipFile(out_buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in skeleton.infolist():
            body = skeleton.read(info.filename)
            m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if m:
                rows_xml, dims = bodies[int(m.group(1)) - 1]
                text = body.decode("utf-8")
                if dims is not None:
                    ref = f"{letters[dims[2]]}{dims[0]}:{letters[dims[3]]}{dims[1]}"
                    text = re.sub(r'<dimension ref="[^"]*" />', f'<dimension ref="{ref}" />', text, count=1)
                if rows_xml:
                    text, n = _SHEET_DATA.subn(lambda _m, x=rows_xml: f"<sheetData>{x}</sheetData>", text, count=1)
                    if n != 1:
                        raise _Unsupported("sheet layout")
                body = text.encode("utf-8")
            dst.writestr(info, body)
    return out_buf.getvalue()
