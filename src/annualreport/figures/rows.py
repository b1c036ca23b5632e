"""The rows the outline's row tables list (`rows:` blocks of `sections.yaml`, e.g. the construction milestones
planned and done): filtered and sorted here, in the figures stage, and written cell by cell as the report prints
them (the `row_tables` artefact), so the report only lays them out.

A row table is `{dataset, columns: {column: 中文标题}, where, sort, title, id}`; `where` filters as a figure's
does (`figures/compute.py`). Dates print as 2021-05-31 (a column of dates, all one width), blanks as —, booleans
as 是/否. A table is keyed by
its `id`, else by its place among the outline's row tables (`rows<n>`).
"""

from __future__ import annotations

import pandas as pd

from annualreport.base.outline import Outline
from annualreport.base.refs import NO_DATA
from annualreport.figures.compute import row_mask

COLUMNS = ["table", "row", "column", "value"]
BLANK = "—"


def row_blocks(outline: Outline) -> list[tuple[str, dict]]:
    """(key, spec) of every row table of the outline, in reading order (a section's children first, as the
    report prints them)."""

    def walk(sections):
        for s in sections:
            yield from walk(s.children)
            yield from (block["rows"] for block in s.blocks if "rows" in block)

    return [(spec.get("id") or f"rows{n}", spec) for n, spec in enumerate(walk(outline.sections), start=1)]


def cell(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return BLANK
    if isinstance(v, pd.Timestamp):
        return f"{v.year}-{v.month:02d}-{v.day:02d}"  # a table's column of dates: short, all the same width
    if isinstance(v, bool):
        return "是" if v else "否"
    return str(v)


def row_tables(outline: Outline, frames: dict[str, pd.DataFrame], sets: dict, year: int) -> pd.DataFrame:
    """Every row table's cells, long form: table key, row number (from 1), column title, printed value."""
    out = []
    for key, spec in row_blocks(outline):
        frame = frames.get(spec["dataset"])
        if frame is None:  # the dataset is absent this year: the table has a row saying so
            out += [[key, 1, title, NO_DATA] for title in spec["columns"].values()]
            continue
        frame = frame[row_mask(frame, spec.get("where") or {}, sets, year, "sections.yaml rows")]
        if spec.get("sort"):
            frame = frame.sort_values(spec["sort"], kind="stable")
        for n, record in enumerate(frame.to_dict("records"), start=1):
            out += [[key, n, title, cell(record[col])] for col, title in spec["columns"].items()]
    return pd.DataFrame(out, columns=COLUMNS)
