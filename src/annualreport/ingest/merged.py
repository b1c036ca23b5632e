"""Cells merged down a column belong to every row the merge covers.

An office merges one 二级学院 cell over the rows of its majors, one 项目名称 over its milestones; a workbook
stores the value in the merge's top cell only and leaves the cells below empty. Each merge that spans more
than one row gives its top-left value to the cells below it in its first column, as a reader of the sheet
sees it. Merges within one row (a title across the columns, a group cell over its columns) are left as
they are: the header search reads those rows as they come.
"""

from __future__ import annotations

Range = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first column), (last row, last column)), 0-based


def fill_down(rows: list[list], merges: list[Range] | None) -> int:
    """Fill, in place, the cells below each multi-row merge's top-left cell (in its first column) with its
    value; the number of cells filled."""
    filled = 0
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
                filled += 1
    return filled


def merged_ranges(sheet) -> list[Range]:
    """A calamine sheet's merged ranges; none where its format keeps none the reader can see."""
    try:
        return list(sheet.merged_cell_ranges or ())
    except Exception:  # a format whose reader has no merge information
        return []
