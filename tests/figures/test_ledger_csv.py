"""The built 2020 ledger as a program reads it: figures.csv holds every value as it is (no apostrophe before
"+2（+16.7%）"), and reading it back gives the numbers and texts figures.xlsx holds, whose text cells are typed
as text (no formula anywhere)."""

from __future__ import annotations

import csv
import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from annualreport.base.catalog import ARTEFACTS

pytestmark = pytest.mark.build


def _out(project, name: str):
    return project / "outputs" / "2020" / ARTEFACTS[name].pattern.removeprefix("{work}/")


def test_no_value_of_a_published_csv_starts_with_an_apostrophe(demo_project):
    published = [a.name for a in ARTEFACTS.values() if a.published and a.pattern.endswith(".csv")]
    assert {"ledger", "previous", "targets", "accounting", "validation_summary", "reread"} <= set(published)
    signed = 0
    for name in published:
        path = _out(demo_project, name)
        if not path.exists():
            continue
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                assert not [c for c in row if c.startswith("'")], (name, row)
                signed += sum(c.startswith(("+", "-")) for c in row)
    assert signed > 50  # the year-on-year changes ("+2（+16.7%）") are there, as they are


def test_figures_csv_reads_back_as_the_workbook_holds_it(demo_project):
    ledger = pd.read_csv(_out(demo_project, "ledger"), encoding="utf-8-sig", keep_default_na=False)
    sheet = load_workbook(_out(demo_project, "ledger_xlsx"), read_only=True)["台账"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    book = {r[header.index("编号")]: r for r in rows[1:]}
    assert set(book) == set(ledger["id"])
    numbers = 0
    for r in ledger.to_dict("records"):
        cell = book[r["id"]][header.index("数值")]
        if isinstance(cell, int | float):
            assert float(r["value"]) == pytest.approx(cell), r["id"]
            numbers += 1
        else:
            assert str(r["value"]) == (cell or ""), r["id"]
        for column, zh in (("display", "报告中的数字"), ("wording", "报告中的表述")):
            assert str(r[column]) == str(book[r["id"]][header.index(zh)] or ""), (r["id"], column)
    assert numbers > 300
    changes = ledger[ledger["id"].str.endswith(".change")]
    assert changes["wording"].str.match(r"^[+-]\d").any()  # "+2（+16.7%）", not "'+2（+16.7%）"


def test_the_workbook_has_no_formula(demo_project):
    with zipfile.ZipFile(_out(demo_project, "ledger_xlsx")) as z:
        for member in z.namelist():
            if member.startswith("xl/worksheets/"):
                xml = z.read(member).decode("utf-8")
                assert not re.search(r"<f[ >]", xml), member
