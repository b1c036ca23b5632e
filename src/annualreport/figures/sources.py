"""Which rows of the raw files a figure used: each clean row keeps its sheet and physical row (`source_sheet`,
`source_row`, set by the clean stage), so the ledger's 所用行 names them ("3-17, 20"; for a dataset split
over a workbook's sheets, "普通高职：3-17；联合培养本科：4-9")."""

from __future__ import annotations

import pandas as pd

__all__ = ["compact_rows", "in_source_order", "rows_of_sheet", "source_rows", "with_source_rows"]


def _sheets(rows: pd.DataFrame) -> pd.Series:
    if "source_sheet" in rows:
        return rows["source_sheet"].fillna("").astype(str)
    return pd.Series([""] * len(rows), index=rows.index, dtype=object)


def in_source_order(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows as the raw file holds them: by sheet (in the order the sheets first appear, the workbook's)
    then by physical row."""
    if "source_row" not in rows.columns:
        return rows
    sheets = _sheets(rows)
    rank = {s: n for n, s in enumerate(dict.fromkeys(sheets))}
    order = pd.DataFrame({"sheet": sheets.map(rank), "row": rows["source_row"]}, index=rows.index)
    return rows.loc[order.sort_values(["sheet", "row"], kind="stable").index]


def source_rows(rows: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    """The (sheet, physical row) of the raw file each of `rows` came from, in source order."""
    if "source_row" not in rows:
        return ()
    ordered = in_source_order(rows[rows["source_row"].notna()])
    return tuple(zip(_sheets(ordered), (int(r) for r in ordered["source_row"]), strict=True))


def rows_of_sheet(pairs, sheet: str) -> tuple[tuple[str, int], ...]:
    """The rows of one sheet (all of them where every row is of one sheet)."""
    pairs = tuple(_pair(p) for p in pairs)
    if len({s for s, _ in pairs}) < 2:
        return pairs
    return tuple(p for p in pairs if p[0] == sheet)


def _pair(p) -> tuple[str, int]:
    return ("", int(p)) if not isinstance(p, tuple) else (str(p[0]), int(p[1]))


def _ranges(nums: list[int]) -> str:
    out: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ", ".join(out)


def compact_rows(rows) -> str:
    """Row numbers as ranges: (3, 4, 5, 17, 20, 21) -> "3-5, 17, 20-21"; (sheet, row) pairs of several
    sheets -> each sheet's ranges after its name, in source order ("普通高职：3-5；联合培养本科：4")."""
    by_sheet: dict[str, set[int]] = {}
    for sheet, row in (_pair(p) for p in rows):
        by_sheet.setdefault(sheet, set()).add(row)
    if len(by_sheet) < 2:
        return _ranges(sorted(next(iter(by_sheet.values()), set())))
    return "；".join(f"{sheet}：{_ranges(sorted(nums))}" for sheet, nums in by_sheet.items())


def with_source_rows(figures: pd.DataFrame, sources: dict[str, tuple]) -> pd.DataFrame:
    """The computed figures with the raw-file rows each used (`source_rows`, compact): the year-before table
    (`figures/previous.py`), whether the year after computes it or takes it from this year's own build."""
    return figures.assign(source_rows=[compact_rows(sources.get(i, ())) for i in figures["id"]])
