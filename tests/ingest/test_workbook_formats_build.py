"""The 2020 demo year delivered in the older workbook formats: every workbook saved by LibreOffice as `.xls`
(Excel 97–2003) or `.ods`, alternately, builds with the same figures as the `.xlsx` year."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from tests.helpers import ROOT, copy_project
from tests.ingest.convert import convert
from tests.ingest.test_recognise_build import cli


@pytest.mark.build
def test_a_year_of_xls_and_ods_workbooks_builds_the_same_figures(tmp_path, demo_project):
    project = copy_project(tmp_path / "p", years=(2019, 2020))
    shutil.copytree(ROOT / "data" / "raw" / "2019", project / "data" / "raw" / "2019")
    raw = project / "data" / "raw" / "2020"
    shutil.copytree(ROOT / "data" / "raw" / "2020", raw)
    books = sorted(raw.glob("*.xlsx"))
    assert len(books) >= 4
    for n, book in enumerate(books):
        convert(book, ".xls" if n % 2 == 0 else ".ods", raw)
        book.unlink()
    assert {p.suffix for p in raw.iterdir() if p.suffix != ".csv"} == {".xls", ".ods"}

    proc = cli(project, "build", "--year", "2020", "--format", "html", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    cols = ["id", "value", "display", "wording", "rows_used"]
    figures = pd.read_csv(project / "outputs" / "2020" / "figures.csv", dtype=str, keep_default_na=False)
    expected = pd.read_csv(demo_project / "outputs" / "2020" / "figures.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(figures[cols], expected[cols])
    assert "graduates.xls" in "".join(figures["inputs"]) or "graduates.ods" in "".join(figures["inputs"])
