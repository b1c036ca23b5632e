"""Cleaning by columns (`ingest/matrix.py`): each distinct cell value normalised and parsed once, with the results
the cell-by-cell functions give; the demo years and the second institution clean to the same bytes as before
the cleaner read by columns (digests in tests/ingest/clean_digests.json)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from annualreport.base.params import load_params
from annualreport.ingest import normalize as nz
from annualreport.ingest.matrix import SPACES, CellMatrix, first_texts, texts_of
from annualreport.ingest.personal import salt
from annualreport.ingest.specs import load_specs
from annualreport.ingest.year import clean_dataset, context_for
from tests.helpers import ROOT

DIGESTS = Path(__file__).with_name("clean_digests.json")


def test_the_spaces_are_pythons_whitespace():
    assert set(SPACES) == {c for c in range(sys.maxunicode + 1) if chr(c).isspace()}


VALUES = [
    None, "", "  ", " a  b ", "a\u3000b", "x\u2028\u2029y", "\t１２３\n", "（测试）：", "ﾊﾝｶｸ", "e\u0301", "\x85z\xa0",
    "\u200a\u205f", 0, 1, 1.0, 2.5, float("nan"), True, False, dt.datetime(2020, 9, 1, 14, 30), "2020年9月1日",
    "a" * 40000, "\u2000lead", "trail\u3000",
]  # fmt: skip


def test_texts_are_the_cell_by_cell_texts():
    assert texts_of(VALUES) == [nz.text(v) for v in VALUES]


def test_true_is_not_one_and_each_distinct_value_is_computed_once():
    m = CellMatrix.of([[True, 1], [1, True], [1.0, None], [False, 0]])
    assert m.texts.tolist() == [["True", "1"], ["1", "True"], ["1", ""], ["False", "0"]]
    calls = []
    out = m.per_value(np.arange(4), 0, lambda raw, text: calls.append(raw) or text)
    assert out.tolist() == ["True", "1", "1", "False"]
    assert len(calls) == 3  # True, 1 (the same as 1.0), False
    assert m.blank.tolist() == [[False, False], [False, False], [False, True], [False, False]]


def test_short_rows_are_padded_blank_and_keep_their_length():
    m = CellMatrix.of([["a", "b", "c"], ["x"], []])
    assert m.lengths.tolist() == [3, 1, 0] and m.texts.shape == (3, 3)
    assert m.blank.tolist() == [[False] * 3, [False, True, True], [True] * 3]
    assert first_texts(m).tolist() == ["a", "x", ""]


def test_nan_cells_are_blank():
    m = CellMatrix.of([[float("nan"), "a"]])
    assert m.blank.tolist() == [[True, False]] and math.isnan(m.values[0, 0])


def digest(frame: pd.DataFrame) -> str:
    text = str(list(frame.columns)) + str(list(map(str, frame.dtypes))) + frame.to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@contextmanager
def fixed_salt():
    """Person keys salted with a fixed test salt, not this checkout's random `.salt` (the digests hold on any clone)."""
    before = os.environ.get("ANNUALREPORT_SALT")
    os.environ["ANNUALREPORT_SALT"] = "clean-digests"
    salt.cache_clear()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("ANNUALREPORT_SALT")
        else:
            os.environ["ANNUALREPORT_SALT"] = before
        salt.cache_clear()


def current_digests() -> dict[str, list]:
    """{year/dataset: [digest of the clean frame, of the quarantine, of the accounting, rows, quarantined]}."""
    with fixed_salt():
        return _digests()


def _digests() -> dict[str, list]:
    got = {}
    files = [ROOT / f"params/{y}.yaml" for y in (2019, 2020, 2021)]
    files.append(ROOT / "params/institutions/binhai-demo/2020.yaml")
    for f in files:
        params = load_params(f, root=ROOT)
        ctx = context_for(params)
        for name, spec in load_specs(ROOT).items():
            out = clean_dataset(spec, params, ctx)
            if out is None:
                continue
            res = out[0]
            if spec.reference:
                ctx.reference[name] = res.frame
            accounting = pd.DataFrame([a.as_row() for a in res.accounts])
            got[f"{f.parent.name}/{f.stem}/{name}"] = [
                digest(res.frame), digest(res.quarantine), digest(accounting), len(res.frame), len(res.quarantine)
            ]  # fmt: skip
    return got


@pytest.mark.slow
def test_the_demo_years_clean_to_the_same_bytes():
    """Regenerate the digests only for an intended change of the clean tables: `python tools/clean_digests.py`."""
    assert current_digests() == json.loads(DIGESTS.read_text(encoding="utf-8"))


def test_a_cleaned_sheet_is_not_held_by_the_errors_kept_from_it():
    """Quarantined rows keep their errors as values; an error raised from another (a date that is not real, a value
    not in its set) must not keep the frames it was raised in, whose locals are the sheet's whole cell matrix: at
    100x, that held about 1 GB a dataset until the end of the clean stage."""
    import gc
    import types

    from annualreport.ingest.cells import RowError, kept

    try:
        try:
            raise ValueError("day is out of range for month")
        except ValueError as exc:
            raise RowError("bad_date", "日期", "not a real date") from exc
    except RowError as err:
        error = kept(err)
    assert error.__traceback__ is None and error.__context__ is None and error.__cause__ is None
    assert (error.rule, error.column, error.reason) == ("bad_date", "日期", "not a real date")

    params = load_params(ROOT / "params" / "2020.yaml", ROOT)
    specs, ctx = load_specs(ROOT), context_for(params)
    for name in ("majors", "poverty_counties"):
        ctx.reference[name] = clean_dataset(specs[name], params, ctx)[0].frame
    result, _ = clean_dataset(specs["admissions"], params, ctx)
    assert len(result.quarantine)  # the demo's admissions has bad rows (a bad ID, 2020-02-30, an unknown level)
    del result
    gc.collect()
    alive = [f.f_code.co_name for f in gc.get_objects() if isinstance(f, types.FrameType)]
    alive = [n for n in alive if n in ("_read_rows", "_parse", "per_value", "clean_sheets", "parse_cell")]
    assert alive == []
    assert not [m for m in gc.get_objects() if isinstance(m, CellMatrix)]
