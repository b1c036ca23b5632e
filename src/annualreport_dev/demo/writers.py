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

from annualreport.base.tables import normalise_zip


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
        data = xlsx_bytes_streamed(sheets, merge_title)  # normalised as it is written
    except _Unsupported:
        data = normalise_zip(xlsx_bytes_openpyxl(sheets, merge_title))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


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
_SHEET_FILE = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
_ROWS_PER_CHUNK = 2000  # rows encoded and compressed at a time: memory stays flat at any scale


def _column_letters(n: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [""] + [get_column_letter(i) for i in range(1, n + 1)]


def xlsx_bytes_streamed(sheets: dict[str, list[list]], merge_title: dict[str, int] | None = None) -> bytes:
    """The normalised workbook (`normalise_zip(...)`) openpyxl would write for these rows, each sheet's
    XML written as text and compressed a few thousand rows at a time.

    openpyxl saves the same sheets with no rows (this gives every other member, and the styles of the
    date cells, registered in the order openpyxl would meet them); each sheet's `<dimension>` and
    `<sheetData>` are then written as openpyxl writes them: cells in row order, None left out, text
    inline (`inlineStr`, xml:space="preserve" around outer spaces), numbers as `%.16g`, dates as
    Excel serials with their style, the merged title's cells right of A1 left out."""
    import openpyxl

    from annualreport.base.tables import FIXED_ZIP_TIME, fixed_core_dates

    merge_title = merge_title or {}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    styles: dict[type, int] = {}  # date type: its cell style id
    plans: list[tuple[list[list], int, str | None]] = []  # (rows, merged columns, dimension)
    width = max([len(r) for rows in sheets.values() for r in rows] + list(merge_title.values()) + [1])
    letters = _column_letters(width)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        merged = merge_title.get(title) or 0
        if merged:
            if not rows or not rows[0] or any(v is not None for v in rows[0][1:merged]):
                raise _Unsupported("a merged title row that is missing or has cells under the merge")
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=merged)
        min_row = max_row = max_col = 0
        for i, row in enumerate(rows, 1):
            if row:  # an empty list is a row number with no cell: no <row>, not in the dimension
                min_row = min_row or i
                max_row = i
                max_col = max(max_col, len(row))
        for row in rows:  # the date cells' styles, in the order openpyxl meets them
            if len(styles) == len(_DATE_TYPES):
                break
            for v in row:
                t = type(v)
                if t in _DATE_TYPES and t not in styles:
                    probe = ws.cell(row=1, column=1)
                    probe.value = v
                    styles[t] = probe.style_id
                    del ws._cells[(1, 1)]
        dims = f"A{min_row}:{letters[max(max_col, merged)]}{max_row}" if max_row else None
        plans.append((rows, merged, dims))
    buf = io.BytesIO()
    wb.save(buf)
    skeleton = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in skeleton.infolist():  # as normalise_zip writes them
            body = skeleton.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            m = _SHEET_FILE.fullmatch(info.filename)
            if info.filename == "docProps/core.xml":
                body = fixed_core_dates(body)
            elif m and plans[int(m.group(1)) - 1][2] is not None:
                rows, merged, dims = plans[int(m.group(1)) - 1]
                text = body.decode("utf-8")
                text = re.sub(r'<dimension ref="[^"]*" />', f'<dimension ref="{dims}" />', text, count=1)
                found = _SHEET_DATA.search(text)
                if found is None:
                    raise _Unsupported("sheet layout")
                with dst.open(zi, "w") as f:
                    f.write((text[: found.start()] + "<sheetData>").encode("utf-8"))
                    for chunk in _sheet_rows(rows, merged, letters, styles):
                        f.write(chunk.encode("utf-8"))
                    f.write(("</sheetData>" + text[found.end() :]).encode("utf-8"))
                continue
            dst.writestr(zi, body)
    return out.getvalue()


def _sheet_rows(rows: list[list], merged: int, letters: list[str], styles: dict[type, int]):
    """The `<row>` elements of one sheet as openpyxl writes them, a few thousand rows per string."""
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.compat import safe_string
    from openpyxl.utils.datetime import to_excel

    out: list[str] = []
    add = out.append
    for row_idx, row in enumerate(rows, 1):
        if not row:
            continue
        cells = [f'<row r="{row_idx}">']
        cell = cells.append
        for c, v in enumerate(row if not (merged and row_idx == 1) else row[:1]):
            if v is None:
                continue
            ref = f"{letters[c + 1]}{row_idx}"
            t = type(v)
            if t is str:
                v = v[:32767]
                if ILLEGAL_CHARACTERS_RE.search(v) or (len(v) > 1 and v[0] == "=") or v in ERROR_CODES:
                    raise _Unsupported(v)
                if v == "":
                    cell(f'<c r="{ref}" t="inlineStr" />')
                    continue
                stripped = v.strip()
                space = ' xml:space="preserve"' if stripped and stripped != v else ""
                cell(f'<c r="{ref}" t="inlineStr"><is><t{space}>{v.translate(_ESCAPE)}</t></is></c>')
            elif t in _NUMBER_TYPES:
                if v != v or v in (float("inf"), float("-inf")):
                    raise _Unsupported(v)
                cell(f'<c r="{ref}" t="n"><v>{safe_string(v)}</v></c>')
            elif t in _DATE_TYPES:
                if getattr(v, "tzinfo", None) is not None:
                    raise _Unsupported(v)
                cell(f'<c r="{ref}" s="{styles[t]}" t="n"><v>{safe_string(to_excel(v))}</v></c>')
            else:
                raise _Unsupported(v)
        cell("</row>")
        add("".join(cells))
        if len(out) >= _ROWS_PER_CHUNK:
            yield "".join(out)
            out.clear()
    if out:
        yield "".join(out)
