"""The auditor's ledger workbook (figures.xlsx): Chinese headers, numbers as numbers, text typed as text, frozen
header, auto filters, rows in the report's order, a sheet of the raw-file rows each figure used; the same bytes
twice. The ledger's CSV beside it reads back as written."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from annualreport.base.params import load_params, previous_params
from annualreport.base.places import places
from annualreport.figures import ledger as figures_ledger
from annualreport.figures.compute import compute_all
from annualreport.figures.sources import compact_rows
from annualreport.figures.workbook import number, raw_files
from annualreport.ingest.year import clean_in_memory
from annualreport.validation.run import SUMMARY_COLUMNS

ROOT = Path(__file__).resolve().parents[2]


def test_compact_rows_and_values():
    assert compact_rows([20, 3, 4, 5, 17, 21, 4]) == "3-5, 17, 20-21"
    assert compact_rows([]) == ""
    assert number("12") == 12 and isinstance(number("12"), int)
    assert number("93.50") == 93.5 and number("-3") == -3
    assert number("2020-12-01") == "2020-12-01" and number("") is None
    assert raw_files("data/raw/2020/safety.xlsx[安全事故] sha256:ab12; data/raw/2020/b.csv sha256:cd") == [
        ("data/raw/2020/safety.xlsx", "安全事故"),
        ("data/raw/2020/b.csv", ""),
    ]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    params = load_params(ROOT / "params" / "2020.yaml", root=ROOT)
    work = tmp_path_factory.mktemp("ledger-work")
    at = places(params, work)
    frames, accounting = clean_in_memory(params)
    at.write("accounting", accounting)
    at.write("validation_summary", pd.DataFrame([], columns=SUMMARY_COLUMNS))
    prev = previous_params(params)
    prev_frames, prev_accounting = clean_in_memory(prev)
    sources: dict = {}
    previous = compute_all(prev_frames, prev.year, figures_ledger.input_digests(prev_accounting), {}, ROOT, sources)
    previous["source_rows"] = [compact_rows(sources.get(i, ())) for i in previous["id"]]
    at.write("previous", previous)
    ledger = figures_ledger.build(params, at, frames, {})
    first = at("ledger_xlsx").read_bytes()
    figures_ledger.build(params, at, frames, {})
    return ledger, at("ledger_xlsx"), first


def test_the_workbook_is_for_auditors(workbook):
    ledger, path, _ = workbook
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["台账", "所用行", "说明"]
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    for name in (
        "编号",
        "章节",
        "指标",
        "数值",
        "单位",
        "报告中的表述",
        "数据集",
        "定义",
        "所用行数",
        "原始文件",
        "校验",
        "说明",
        "类别",
    ):
        assert name in header, name
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    assert ws.max_row == len(ledger) + 1
    assert ws.column_dimensions["A"].width > 8
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    t = rows["training_person_times"]
    assert isinstance(t["数值"], (int, float)) and not isinstance(t["数值"], bool)
    assert t["数值"] == number(ledger.set_index("id").loc["training_person_times", "value"])
    assert isinstance(t["所用行数"], int) and t["类别"] == "计算"
    # the report's order: the rows' headings come in the annex's order, each once
    headings = [r["章节标题"] for r in rows.values()]
    assert list(dict.fromkeys(headings)) == [h for i, h in enumerate(headings) if i == 0 or headings[i - 1] != h]
    assert headings[-1] == "附：数据质量"


def test_the_rows_sheet_names_the_raw_file_and_its_rows(workbook):
    _, path, _ = workbook
    ws = openpyxl.load_workbook(path)["所用行"]
    header = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    lines = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    t = [x for x in lines if x["编号"] == "training_person_times"]
    assert len(t) == 1 and t[0]["原始文件"] == "data/raw/2020/training.csv"
    used = t[0]["原始文件中的行号"]
    numbers = [n for part in used.split(", ") for n in range(int(part.split("-")[0]), int(part.split("-")[-1]) + 1)]
    assert len(numbers) == t[0]["所用行数"] and min(numbers) >= 2
    kinds = {x["类别"] for x in lines}
    assert {"计算", "图表数值", "上年数"} <= kinds
    prev = [x for x in lines if x["类别"] == "上年数" and x["原始文件中的行号"]]
    assert prev and all("/2019/" in x["原始文件"] for x in prev)
    bars = [x for x in lines if x["类别"] == "图表数值"]
    assert all(x["原始文件中的行号"] for x in bars if x["所用行数"])


def test_the_workbook_has_the_same_bytes_when_rebuilt(workbook):
    _, path, first = workbook
    assert path.read_bytes() == first


def test_the_ledger_csv_reads_back_as_written_and_the_workbook_types_text_as_text(workbook):
    """figures.csv is a table for programs: no value altered (no apostrophe before +2（+16.7%）or -3), every number
    reads back as the same number; figures.xlsx, the spreadsheet copy, holds the same values, its text cells typed
    as text (a spreadsheet never runs them) and nothing added to them."""
    ledger, path, _ = workbook
    with open(path.with_name(path.stem + ".csv"), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert not [(r["id"], k, v) for r in rows for k, v in r.items() if v.startswith("'")]
    expected = ledger.astype(str).to_dict("records")
    assert [{k: r[k] for k in ledger.columns} for r in rows] == expected  # read back: the same values
    signed = [r for r in rows if r["kind"] == "change" and r["wording"][:1] in "+-"]
    assert signed and all(r["display"][:1] in "+-" for r in signed)  # the report's signs, not a guard
    by_id = {r["id"]: r for r in rows}
    ws = openpyxl.load_workbook(path)["台账"]
    header = [c.value for c in ws[1]]
    numbers = 0
    for cells in ws.iter_rows(min_row=2):
        cell = dict(zip(header, cells, strict=True))
        written = by_id[cell["编号"].value]
        if isinstance(cell["数值"].value, (int, float)):  # a number in the workbook is the CSV's number
            assert Decimal(written["value"]) == Decimal(str(cell["数值"].value)), written["id"]
            numbers += 1
        for c in cells:
            if isinstance(c.value, str):
                assert c.data_type == "s" and c.number_format == "@" and not c.value.startswith("'"), c.value
        assert (cell["报告中的表述"].value or "") == written["wording"]
    assert numbers > 300
