""".xlsb workbooks as calamine needs them: cells in their full form, merged ranges read from the records.

An `.xlsb` sheet is a stream of binary records ([MS-XLSB] 2.1.4: a record type and a size, each a 7-bit varint,
then the payload). A cell record comes in two forms: the full one (`BrtCellIsst`, `BrtCellReal`, …: a 4-byte
column, then the style and the value) and the short one (`BrtShortIsst`, `BrtShortReal`, …, [MS-XLSB] 2.5.10
ShortCell: the same without the column, which is the previous cell's plus one). Excel writes the full form;
SheetJS (the spreadsheet library behind many web systems' "导出" buttons) and Aspose write the short form for
every cell after the first of a row, and calamine reads only the full form: such a sheet comes back one column
wide, without a word. `conformed` rewrites each short record to its full form (its type less 11, the column put
back), in memory, so calamine reads every cell; the file itself is never changed.

Calamine keeps no merged ranges for `.xlsb` either: `merges` reads them from the `BrtMergeCell` records, by
sheet name (the workbook's `BrtBundleSh` records and their relationships).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

ROW_HEADER = 0x00  # BrtRowHdr: a new row; its first cell is in the full form
FULL_CELLS = range(0x01, 0x0C)  # BrtCellBlank .. BrtFmlaError: the column in the first 4 bytes
SHORT_CELLS = range(0x0C, 0x13)  # BrtShortBlank .. BrtShortIsst: the column is the previous cell's plus one
SHORT_TO_FULL = 11  # BrtShortBlank 0x0C -> BrtCellBlank 0x01, …, BrtShortIsst 0x12 -> BrtCellIsst 0x07
MERGE_CELL = 0xB0  # BrtMergeCell: first row, last row, first column, last column (4 bytes each)
BUNDLE_SHEET = 0x9C  # BrtBundleSh: a sheet's state, tab id, relationship id and name
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

Range = tuple[tuple[int, int], tuple[int, int]]


def _varint(data: bytes, at: int, most: int) -> tuple[int, int]:
    value = shift = 0
    for _ in range(most):
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, at


def records(data: bytes):
    """(type, start of the record, start of its payload, end) of every record of a binary part."""
    at, end = 0, len(data)
    while at < end:
        start = at
        kind, at = _varint(data, at, 2)
        size, at = _varint(data, at, 4)
        yield kind, start, at, at + size
        at += size


def encode_varint(n: int) -> bytes:
    """`n` as a record type or size is written: 7 bits a byte, low bits first, the high bit saying more follow."""
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def full_cells(data: bytes) -> bytes | None:
    """A sheet part with every short cell record in its full form; None when it has none."""
    out, copied, column, changed = [], 0, -1, False
    for kind, start, body, end in records(data):
        if kind == ROW_HEADER:
            column = -1
        elif kind in FULL_CELLS:
            column = int.from_bytes(data[body : body + 4], "little")
        elif kind in SHORT_CELLS:
            column += 1
            payload = column.to_bytes(4, "little") + data[body:end]
            out += [data[copied:start], bytes([kind - SHORT_TO_FULL]), encode_varint(len(payload)), payload]
            copied, changed = end, True
    if not changed:
        return None
    out.append(data[copied:])
    return b"".join(out)


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: its part in the zip}, from workbook.bin's BrtBundleSh records and the workbook's rels."""
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.bin.rels"))
    target = {}
    for r in rels.iter(RELS):
        t = r.get("Target", "")
        target[r.get("Id")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
    data, out = z.read("xl/workbook.bin"), {}
    for kind, _, body, _ in records(data):
        if kind != BUNDLE_SHEET:
            continue
        at = body + 8  # hsState, iTabID
        n = int.from_bytes(data[at : at + 4], "little")
        rel = "" if n == 0xFFFFFFFF else data[at + 4 : at + 4 + 2 * n].decode("utf-16-le")
        at += 4 + (0 if n == 0xFFFFFFFF else 2 * n)
        n = int.from_bytes(data[at : at + 4], "little")
        name = data[at + 4 : at + 4 + 2 * n].decode("utf-16-le")
        if rel in target:
            out[name] = target[rel]
    return out


def conformed(path: Path) -> io.BytesIO | None:
    """The workbook with its short cell records in the full form, in memory; None when it has none."""
    st = path.stat()
    data = _conformed(str(path), st.st_size, st.st_mtime_ns)
    return io.BytesIO(data) if data is not None else None


@lru_cache(maxsize=4)
def _conformed(path: str, size: int, mtime_ns: int) -> bytes | None:
    """Once per file version (a workbook is opened for its headers, then once per sheet read)."""
    with zipfile.ZipFile(path) as z:
        parts = set(_sheet_parts(z).values())
        fixed = {name: full_cells(z.read(name)) for name in parts if name in z.NameToInfo}
        fixed = {name: data for name, data in fixed.items() if data is not None}
        if not fixed:
            return None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in z.infolist():
                out.writestr(info, fixed.get(info.filename) or z.read(info.filename))
    return buffer.getvalue()


def merges(path: Path) -> dict[str, list[Range]]:
    """{sheet name: its merged ranges ((first row, first column), (last row, last column)), 0-based}."""
    st = path.stat()
    return _merges(str(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=8)
def _merges(path: str, size: int, mtime_ns: int) -> dict[str, list[Range]]:
    out: dict[str, list[Range]] = {}
    with zipfile.ZipFile(path) as z:
        for name, part in _sheet_parts(z).items():
            data = z.read(part) if part in z.NameToInfo else b""
            found = out.setdefault(name, [])
            for kind, _, body, _ in records(data):
                if kind == MERGE_CELL:
                    r0, r1, c0, c1 = (int.from_bytes(data[body + 4 * i : body + 4 * i + 4], "little") for i in range(4))
                    found.append(((r0, c0), (r1, c1)))
    return out
