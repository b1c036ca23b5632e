"""A dataset's clean rows as a frame: the columns' dtypes, the empty table, values filled from reference tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from annualreport.ingest import normalize as nz
from annualreport.ingest.cells import CleanContext
from annualreport.ingest.readers import RawSheet
from annualreport.ingest.specs import AT_LEAST, DatasetSpec

DTYPES = {
    "text": "string",
    "id": "string",
    "category": "string",
    "int": "Int64",
    "count": "Int64",
    "number": "Float64",
    "money": "Float64",
    "percent": "Float64",
    "date": "datetime64[us]",
    "datetime": "datetime64[us]",
    "bool": "boolean",
}


def empty_frame(spec: DatasetSpec) -> pd.DataFrame:
    cols = {"source_row": pd.Series([], dtype="Int64"), "source_sheet": pd.Series([], dtype="string")}
    for c in spec.canonical:
        cols[c.name] = pd.Series([], dtype=DTYPES[c.type])
        if c.type == "count":
            cols[c.name + AT_LEAST] = pd.Series([], dtype="boolean")
    if spec.person:
        cols[spec.person["column"]] = pd.Series([], dtype="string")
    return pd.DataFrame(cols)


@dataclass
class Chunk:
    """A sheet's clean rows, by columns."""

    sheet: int  # index of the sheet among the table's sheets
    rows: np.ndarray  # physical row numbers
    positions: np.ndarray  # indices into the sheet's rows
    values: dict[str, np.ndarray]  # canonical (and person) column -> values (objects)


def to_frame(spec: DatasetSpec, chunks: list[Chunk], sheets: list[RawSheet]) -> pd.DataFrame:
    if not sum(len(c.rows) for c in chunks):
        return empty_frame(spec)

    def column(name: str) -> list:
        out: list = []
        for c in chunks:
            v = c.values.get(name)
            out += [None] * len(c.rows) if v is None else v.tolist()
        return out

    data = {
        "source_row": pd.array([int(r) for c in chunks for r in c.rows], dtype="Int64"),
        "source_sheet": pd.array([sheets[c.sheet].sheet or "" for c in chunks for _ in c.rows], dtype="string"),
    }
    for c in spec.canonical:
        values = column(c.name)
        if c.type in ("date", "datetime"):
            data[c.name] = pd.to_datetime(pd.Series(values, dtype="object")).astype(DTYPES[c.type])
        elif c.type == "count":  # the value, and whether the source gave it as a lower bound (10万+)
            data[c.name] = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
            data[c.name + AT_LEAST] = pd.array([isinstance(v, nz.AtLeast) for v in values], dtype="boolean")
        else:
            data[c.name] = pd.array(values, dtype=DTYPES[c.type])
    if spec.person:
        data[spec.person["column"]] = pd.array(column(spec.person["column"]), dtype="string")
    return pd.DataFrame(data)


def fill_from(spec: DatasetSpec, frame: pd.DataFrame, ctx: CleanContext) -> pd.DataFrame:
    for c in spec.canonical:
        if not c.fill_from or frame.empty:
            continue
        ref = ctx.reference.get(c.fill_from["table"])
        if ref is None:
            continue
        lookup = dict(zip(ref[c.fill_from["key"]], ref[c.fill_from["column"]], strict=False))
        blank = frame[c.name].isna()
        frame.loc[blank, c.name] = frame.loc[blank, c.fill_from["match"]].map(lookup)
    return frame
