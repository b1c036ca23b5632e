"""The demo writer at scale: workbooks streamed as sheet XML are the workbooks openpyxl writes (same
bytes, so the project's reader returns the same rows), and scaled output is reproducible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from annualreport.base.tables import normalise_zip
from annualreport.ingest.readers import read_xlsx, xlsx_sheet_names
from annualreport_dev.demo import generate as demo_generate
from annualreport_dev.demo import writers

ROOT = Path(__file__).resolve().parents[2]


def _sheets() -> tuple[dict[str, list[list]], dict[str, int]]:
    """Every kind of cell the generators write, and the awkward rows: blank, all-None, empty lists."""
    data = [["2020年测试台账"], [None] * 6, ["学号*", "姓名", "日期", "金额", "备注", "比例"]]
    for i in range(200):
        data.append(
            [
                20170201000 + i if i % 2 else f"2017020{i:04d}",
                f" 张{i} " if i % 7 == 0 else f"李&<{i}>",
                dt.datetime(2020, 8, 31) if i % 3 else dt.date(2020, 1 + i % 12, 1 + i % 28),
                1234.5 + i if i % 5 else 10**17 + i,
                "" if i % 4 == 0 else None,
                0.1 * i,
            ]
        )
    data += [[], [None, None], ["合计", "200人"], ["填表人：王伟", None, None, "联系电话：", "13800000000"]]
    other = [["编号", "时间", "空白"], [1, dt.datetime(2020, 5, 4, 13, 30, 15), "   "], [2, dt.time(8, 30), "a\tb\nc"]]
    return {"台账": data, "其他": other, "空表": []}, {"台账": 6}


def test_streamed_workbook_is_the_openpyxl_workbook(tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "_ROWS_PER_CHUNK", 7)  # many compressed chunks, as at scale
    sheets, merge = _sheets()
    streamed, reference = tmp_path / "streamed.xlsx", tmp_path / "openpyxl.xlsx"
    writers.write_xlsx(streamed, sheets, merge_title=merge)
    writers.write_xlsx_openpyxl(reference, sheets, merge_title=merge)
    # Nothing in these rows needs the fallback: the streaming writer wrote them itself, normalised.
    data = writers.xlsx_bytes_streamed(sheets, merge)
    assert data == normalise_zip(data) == streamed.read_bytes()
    assert xlsx_sheet_names(streamed, "s") == xlsx_sheet_names(reference, "r") == list(sheets)
    for name in sheets:
        got, want = read_xlsx(streamed, "s", name), read_xlsx(reference, "r", name)
        assert got.rows == want.rows, name
    assert read_xlsx(streamed, "s", "台账").rows[4][1][2] == dt.datetime(2020, 8, 31)
    assert streamed.read_bytes() == reference.read_bytes()


def test_values_the_streaming_writer_does_not_know_fall_back_to_openpyxl(tmp_path):
    sheets = {"表": [["标题"], ["=SUM(A1:A2)", True, float("nan"), "#N/A"]]}
    with pytest.raises(writers._Unsupported):
        writers.xlsx_bytes_streamed(sheets, {"表": 4})
    writers.write_xlsx(tmp_path / "a.xlsx", sheets, merge_title={"表": 4})
    writers.write_xlsx_openpyxl(tmp_path / "b.xlsx", sheets, merge_title={"表": 4})
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_committed_workbooks_are_what_the_streaming_writer_writes(tmp_path, monkeypatch):
    """Scale 1 stays byte-identical to data/raw/ with no workbook left to openpyxl."""

    def no_fallback(*args, **kwargs):
        raise AssertionError("a committed demo workbook needed the openpyxl fallback")

    monkeypatch.setattr(writers, "xlsx_bytes_openpyxl", no_fallback)
    demo_generate.generate([2020], tmp_path / "raw", None)
    workbooks = sorted((ROOT / "data" / "raw" / "2020").glob("*.xlsx"))
    assert workbooks
    for path in workbooks:
        assert (tmp_path / "raw" / "2020" / path.name).read_bytes() == path.read_bytes(), path.name


def test_scaled_output_is_byte_identical_between_runs(tmp_path):
    for run in ("a", "b"):
        demo_generate.generate([2020], tmp_path / run / "raw", tmp_path / run / "reference", scale=2)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert any(f.suffix == ".xlsx" for f in files) and any(f.suffix == ".csv" for f in files)
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    # ... and it is bigger than the committed year (the record-level tables doubled).
    assert (tmp_path / "a" / "raw" / "2020" / "graduates.xlsx").stat().st_size > (
        ROOT / "data" / "raw" / "2020" / "graduates.xlsx"
    ).stat().st_size
