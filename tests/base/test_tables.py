"""Tables people and programs open (base/tables.py): a guarded CSV neutralises formula starts, an unguarded one (the
ledgers) reads back as written, numbers as numbers; a workbook types text as text, so a spreadsheet never runs it
and nothing is added to it."""

from __future__ import annotations

import csv
import zipfile

import openpyxl
import pandas as pd

from annualreport.base.catalog import ARTEFACTS
from annualreport.base.tables import read_table, write_csv, write_workbook, write_xlsx

VALUES = ["+2（+16.7%）", "-3", "=SUM(1,2)", "@A1", "4001", "95.50", "2021-05-31", "", "甲院"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"id": [f"f{i}" for i in range(len(VALUES))], "wording": VALUES})


def _read(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_an_unguarded_csv_reads_back_as_written_numbers_as_numbers(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(_frame(), path, guard=False)
    assert [r["wording"] for r in _read(path)] == VALUES  # any CSV reader, no apostrophe
    assert read_table(path)["wording"].tolist() == VALUES
    numbers = pd.read_csv(path, encoding="utf-8-sig", skiprows=lambda i: i not in (0, 2, 5, 6))["wording"]
    assert numbers.dtype == float and numbers.tolist() == [-3, 4001, 95.5]  # a program reads numbers as numbers


def test_a_guarded_csv_neutralises_formula_starts_and_reads_back(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(_frame(), path)
    raw = [r["wording"] for r in _read(path)]
    assert raw[:4] == ["'+2（+16.7%）", "'-3", "'=SUM(1,2)", "'@A1"] and raw[4:] == VALUES[4:]
    assert read_table(path)["wording"].tolist() == VALUES


def test_the_ledgers_are_unguarded_and_the_office_data_guarded():
    assert {n for n, a in ARTEFACTS.items() if not a.guarded} == {
        "ledger",
        "previous",
        "handover",
        "targets",
    }  # handover: previous, handed on
    assert ARTEFACTS["quarantine"].guarded and ARTEFACTS["validation_summary"].guarded


def _formulas(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


def test_a_workbook_types_text_as_text(tmp_path):
    path = tmp_path / "t.xlsx"
    write_workbook([("表", ["编号", "表述", "数值"], [[f"f{i}", v, i] for i, v in enumerate(VALUES)])], path)
    ws = openpyxl.load_workbook(path)["表"]
    cells = list(ws.iter_rows(min_row=2))
    assert [r[1].value or "" for r in cells] == VALUES  # nothing added: no apostrophe
    assert {r[1].data_type for r in cells if r[1].value} == {"s"}
    assert {r[1].number_format for r in cells if r[1].value} == {"@"}  # edited, the cell stays text
    assert [r[2].value for r in cells] == list(range(len(VALUES))) and cells[3][2].data_type == "n"
    assert not _formulas(path)
    frame_path = tmp_path / "f.xlsx"
    write_xlsx(_frame(), frame_path, "表")
    assert pd.read_excel(frame_path, engine="openpyxl", dtype=str, keep_default_na=False)["wording"].tolist() == VALUES
    assert not _formulas(frame_path)
