"""Tables as programs and spreadsheets read them: a CSV holds its values as they are (only a guarded CSV, the
quarantine, neutralises formulas, and its reader undoes that exactly); a workbook types text as text, so text
starting with "=" opens as text, never as a formula."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pandas as pd
import pytest

from annualreport.base.catalog import ARTEFACTS
from annualreport.base.places import Places
from annualreport.base.tables import neutralise, read_table, unneutralise, write_csv, write_workbook, write_xlsx

HOSTILE = ["=1+1", "+2（+16.7%）", "-2+3", "@SUM(A1)", "\tx", "'=already", "'quoted", "plain", "中文"]


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_a_csv_holds_values_as_they_are(tmp_path):
    frame = pd.DataFrame({"text": HOSTILE, "n": range(len(HOSTILE)), "x": [-3.5] * len(HOSTILE)})
    path = tmp_path / "t.csv"
    write_csv(frame, path)
    rows = _rows(path)
    assert [r[0] for r in rows[1:]] == HOSTILE
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["n"].tolist() == list(range(len(HOSTILE))) and back["x"].tolist() == [-3.5] * len(HOSTILE)
    assert read_table(path)["text"].tolist() == HOSTILE


def test_a_guarded_csv_neutralises_formulas_and_reads_back_exactly(tmp_path):
    frame = pd.DataFrame({"text": [*HOSTILE, "-35", "+2", "12.5"]})
    path = tmp_path / "q.csv"
    write_csv(frame, path, guard=True)
    cells = [r[0] for r in _rows(path)[1:]]
    for cell in cells:  # nothing a spreadsheet would run; plain numbers stay numbers
        assert not cell.startswith(("=", "+", "-", "@", "\t")) or re.fullmatch(r"[+-]?\d+(\.\d+)?", cell), cell
    assert "'=1+1" in cells and "''quoted" in cells and "-35" in cells
    assert read_table(path, guarded=True)["text"].tolist() == frame["text"].tolist()


@pytest.mark.parametrize("value", [*HOSTILE, "-35", "'", "", "''"])
def test_unneutralise_undoes_neutralise(value):
    assert unneutralise(neutralise(value)) == value


def test_only_the_quarantine_is_guarded():
    assert {a.name for a in ARTEFACTS.values() if a.guarded} == {"quarantine"}


def test_places_write_and_read_by_the_catalog(tmp_path):
    at = Places(tmp_path / "work", tmp_path / "processed")
    frame = pd.DataFrame({"rule": ["bad_value"], "value": ["=HYPERLINK(1)"]})
    at.write("quarantine", frame, "x")
    assert _rows(at("quarantine", "x"))[1][1] == "'=HYPERLINK(1)"
    assert at.read("quarantine", "x")["value"].tolist() == ["=HYPERLINK(1)"]
    at.write("targets", frame)
    assert _rows(at("targets"))[1][1] == "=HYPERLINK(1)"
    assert at.read("targets")["value"].tolist() == ["=HYPERLINK(1)"]


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_a_workbook_types_text_as_text_never_a_formula(tmp_path):
    path = tmp_path / "w.xlsx"
    write_workbook([("表", ["文本", "数"], [[v, i] for i, v in enumerate(HOSTILE)])], path)
    xml = _sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml
    assert re.search(r'<c r="A2"[^>]* t="inlineStr"><is><t>=1\+1</t>', xml)  # the text as a string, no apostrophe
    assert re.search(r'<c r="B3"[^>]* t="n"><v>1</v>', xml)  # numbers stay numbers

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(path.read_bytes())).active
    assert [c.value for c in ws["A"][1:]] == HOSTILE
    assert all(c.data_type == "s" and c.number_format == "@" for c in ws["A"][1:])
    again = tmp_path / "again.xlsx"
    write_workbook([("表", ["文本", "数"], [[v, i] for i, v in enumerate(HOSTILE)])], again)
    assert again.read_bytes() == path.read_bytes()


def test_a_frame_as_a_workbook_types_text_as_text(tmp_path):
    path = tmp_path / "f.xlsx"
    write_xlsx(pd.DataFrame({"a": ["=1+1", None], "b": [1.5, float("nan")]}), path, "表")
    xml = _sheet_xml(path)
    assert "<f>" not in xml and "<t>=1+1</t>" in xml and "<v>1.5</v>" in xml
