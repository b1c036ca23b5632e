"""A sheet's cells as a matrix, for cleaning by columns instead of cell by cell.

Office tables repeat the same values thousands of times (schools, majors, categories, dates, levels). The
cells of a sheet are factorised once (pandas: each distinct value gets a code), every distinct value is
normalised to its text once, and whatever is computed per value (a cell's text, whether it is blank, what it
parses to under a column's spec) is taken for every cell with numpy, by code. The results are the ones the
cell-by-cell functions (`ingest/normalize.py`, `ingest/cells.py`) give, since those are what is applied, once
per distinct value.

`True` equals `1` in Python (and in pandas' hash tables): boolean cells are keyed apart, so a 是/否 cell stored
as TRUE never shares a code with a count of 1.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from annualreport.ingest import normalize as nz


class _Bool:
    """A boolean cell's key: never equal to the number 1 or 0."""

    __slots__ = ("value",)

    def __init__(self, value: bool):
        self.value = value

    def __eq__(self, other) -> bool:
        return isinstance(other, _Bool) and other.value is self.value

    def __hash__(self) -> int:
        return hash(("bool", self.value))


_TRUE, _FALSE = _Bool(True), _Bool(False)
# Python's `\s`: the characters str.isspace() holds true for (tests/ingest/test_matrix.py checks the list), spelled
# out for pyarrow's RE2, whose `\s` is ASCII only
SPACES = (0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028,
          0x2029, 0x202F, 0x205F, 0x3000)  # fmt: skip
_SPACE_RUN = "[" + "".join(f"\\x{{{c:x}}}" for c in SPACES) + "]+"


def texts_of(values: list) -> list[str]:
    """`nz.text` of each value: text cells normalised together (NFKC by Python's own tables, whitespace runs
    to one space and trimmed by pyarrow), other cells (numbers, dates, None) one by one."""
    out = [""] * len(values)
    strings = [n for n, v in enumerate(values) if v.__class__ is str]
    if strings:
        nfkc = pa.array([unicodedata.normalize("NFKC", values[n]) for n in strings], type=pa.large_string())
        spaced = pc.utf8_trim(pc.replace_substring_regex(nfkc, _SPACE_RUN, " "), " ")
        for n, t in zip(strings, spaced.to_pylist(), strict=True):
            out[n] = t
    for n, v in enumerate(values):
        if v.__class__ is not str:
            out[n] = nz.text(v)
    return out


@dataclass
class CellMatrix:
    """The cells of a sheet's rows (padded with None), their codes, each distinct value and its text."""

    values: np.ndarray  # (rows, columns) of the cells as read
    codes: np.ndarray  # (rows, columns) int: the cell's distinct value
    uniques: list  # code -> the cell value as read
    unique_texts: np.ndarray  # code -> its text
    texts: np.ndarray  # (rows, columns) of str: `nz.text` of each cell
    lengths: np.ndarray  # each row's number of cells as read (a CSV line's fields)

    @classmethod
    def of(cls, rows: list[list]) -> CellMatrix:
        n = len(rows)
        lengths = np.fromiter((len(cells) for cells in rows), dtype=np.int64, count=n)
        width = int(lengths.max()) if n else 0
        values = np.empty((n, width), dtype=object)
        for r, cells in enumerate(rows):
            values[r, : len(cells)] = cells
        flat = values.ravel()
        keys = flat
        is_bool = np.frompyfunc(lambda v: v is True or v is False, 1, 1)(flat).astype(bool)
        if is_bool.any():
            keys = flat.copy()
            keys[is_bool] = [_TRUE if v else _FALSE for v in flat[is_bool]]
        codes, keyed = pd.factorize(keys, use_na_sentinel=False)
        uniques = [k.value if isinstance(k, _Bool) else k for k in keyed]
        text = np.array(texts_of(uniques) or [""], dtype=object)
        return cls(values, codes.reshape(n, width), uniques, text, text[codes].reshape(n, width), lengths)

    @property
    def blank(self) -> np.ndarray:
        """(rows, columns) bool: the cell is empty once normalised (None, '', spaces)."""
        return self.texts == ""

    def column_texts(self, rows: np.ndarray, column: int) -> np.ndarray:
        """The texts of one column at the given rows ('' beyond a short row)."""
        return self.texts[rows, column] if column < self.texts.shape[1] else np.full(len(rows), "", dtype=object)

    def per_value(self, rows: np.ndarray, column: int, compute) -> np.ndarray:
        """`compute(raw cell, its text)` for one column at the given rows, computed once per distinct value; an
        object array in the rows' order. Cells beyond a short row are None."""
        if column >= self.codes.shape[1]:
            out = np.empty(len(rows), dtype=object)
            out[:] = [compute(None, "")] * len(rows)
            return out
        used, inverse = np.unique(self.codes[rows, column], return_inverse=True)
        out = np.empty(len(used), dtype=object)
        for n, code in enumerate(used):
            out[n] = compute(self.uniques[code], self.unique_texts[code])
        return out[inverse]


def own_blank(matrix: CellMatrix, filled=()) -> np.ndarray:
    """`matrix.blank`, with the cells `filled` from a merge above them blank again: what the row itself holds."""
    blank = matrix.blank
    if len(filled) and blank.size:
        blank = blank.copy()
        rows, cols = zip(*filled, strict=True)
        blank[list(rows), list(cols)] = True
    return blank


def first_texts(matrix: CellMatrix, blank: np.ndarray | None = None) -> pd.Series:
    """Each row's first non-blank cell (by `blank`, default the matrix's), spaces removed ('' for a blank row): how
    note rows are told apart (a 小计 row under its school's merged cell is still a note: see `own_blank`)."""
    blank = matrix.blank if blank is None else blank
    if not blank.size:
        return pd.Series([""] * blank.shape[0], dtype=object)
    first = np.argmax(~blank, axis=1)
    texts = np.where(blank.all(axis=1), "", matrix.texts[np.arange(blank.shape[0]), first])
    return pd.Series(texts, dtype=object).str.replace(" ", "", regex=False)
