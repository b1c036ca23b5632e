"""Cells merged down a column belong to every row the merge covers.

An office merges one 二级学院 cell over the rows of its majors, one 项目名称 over its milestones; a workbook
stores the value in the merge's top cell only and leaves the cells below empty. Each merge that spans more
than one row gives its top-left value to the cells below it in its first column, as a reader of the sheet
sees it. Merges within one row (a title across the columns, a group cell over its columns) are left as
they are: the header search reads those rows as they come.
"""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

from annualreport.ingest import xlsb

Range = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first column), (last row, last column)), 0-based


def fill_down(rows: list[list], merges: list[Range] | None) -> list[tuple[int, int]]:
    """Fill, in place, the cells below each multi-row merge's top-left cell (in its first column) with its
    value; the (row, column) indices of the cells filled (a row's own first cell, before the fill, still tells a
    note row such as a school's 小计 under its merged school cell)."""
    filled = []
    for (r0, c0), (r1, _c1) in merges or ():
        if r1 <= r0 or r0 >= len(rows):
            continue
        top = rows[r0]
        value = top[c0] if c0 < len(top) else None
        if value is None or value == "":
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if c0 < len(row) and (row[c0] is None or row[c0] == ""):
                row[c0] = value
                filled.append((r, c0))
    return filled


def merged_ranges(sheet, path: Path) -> list[Range]:
    """A sheet's merged ranges: calamine's, or, for an `.ods` or an `.xlsb` (where calamine keeps none), those
    its content.xml or its records hold."""
    try:
        found = sheet.merged_cell_ranges
    except Exception:  # a format whose reader has no merge information
        found = None
    if found is None and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
        if "content.xml" in names:
            st = path.stat()
            return _ods_merges(str(path), st.st_size, st.st_mtime_ns).get(sheet.name, [])
        if "xl/workbook.bin" in names:  # an .xlsb: calamine keeps none either
            return xlsb.merges(path).get(sheet.name, [])
    return list(found or ())


_ODS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


@lru_cache(maxsize=8)
def _ods_merges(path: str, size: int, mtime_ns: int) -> dict[str, list[Range]]:
    """`ods_merges` once per file version (a split workbook's sheets are read one after another)."""
    return ods_merges(Path(path))


def ods_merges(path: Path) -> dict[str, list[Range]]:
    """The merged ranges of an `.ods` workbook's sheets, read from its content.xml (calamine keeps none for
    this format): a cell's `number-rows-spanned` and `number-columns-spanned`, rows and cells counted with their
    `repeated` attributes."""
    out: dict[str, list[Range]] = {}
    with zipfile.ZipFile(path) as z, z.open("content.xml") as f:
        sheet, row, col, depth = None, 0, 0, 0
        for event, el in ElementTree.iterparse(f, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == _ODS + "table":
                    sheet, row, depth = el.get(_ODS + "name"), 0, depth + 1
                    out.setdefault(sheet, [])
                elif tag == _ODS + "table-row":
                    col = 0
                continue
            if tag == _ODS + "table":
                depth -= 1
            elif tag == _ODS + "table-row":
                row += int(el.get(_ODS + "number-rows-repeated", "1"))
                el.clear()
            elif tag in (_ODS + "table-cell", _ODS + "covered-table-cell") and sheet is not None and depth == 1:
                rows = int(el.get(_ODS + "number-rows-spanned", "1"))
                cols = int(el.get(_ODS + "number-columns-spanned", "1"))
                if rows > 1 or cols > 1:
                    out[sheet].append(((row, col), (row + rows - 1, col + cols - 1)))
                col += int(el.get(_ODS + "number-columns-repeated", "1"))
    return out
