"""Writing demo files byte-for-byte reproducibly, in the encodings and formats offices use."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FIXED_ISO = "2020-01-01T00:00:00Z"


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
    path.write_bytes(_normalise_zip(buf.getvalue()))


def _normalise_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" +
                              FIXED_ISO.encode() + rb"\g<3>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()
