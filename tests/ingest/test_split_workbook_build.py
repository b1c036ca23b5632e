"""A year whose admissions come as one workbook split over three sheets (with cells merged down a column, a hidden
drop-down sheet and an empty Sheet2) builds with the same figures as the same rows in one file; the row accounting
has a balanced line per sheet; the ledger's 所用行 names each sheet's rows."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from tests.helpers import ROOT, copy_project
from tests.ingest.splitbook import SHEETS, write_split
from tests.ingest.test_recognise_build import cli

BOOK = "2020年招生录取名单（招生就业处）.xlsx"


@pytest.mark.build
def test_a_split_workbook_builds_the_same_figures(tmp_path, demo_project):
    project = copy_project(tmp_path / "p", years=(2019, 2020))
    shutil.copytree(ROOT / "data" / "raw" / "2019", project / "data" / "raw" / "2019")
    raw = project / "data" / "raw" / "2020"
    shutil.copytree(ROOT / "data" / "raw" / "2020", raw)
    (raw / "admissions.csv").unlink()
    write_split(raw / BOOK)

    proc = cli(project, "check-inputs", "--year", "2020")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert out.count(BOOK) == 1, out  # the workbook shown once, with its sheets
    assert f"{BOOK} [普通高职、联合培养本科、留学生]" in out and "one table over 3 sheets" in out
    assert "选项 (a hidden sheet" in out and "Sheet2 (an empty sheet)" in out

    proc = cli(project, "build", "--year", "2020", "--format", "html", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    out, demo = project / "outputs" / "2020", demo_project / "outputs" / "2020"
    cols = ["id", "value", "display", "wording", "rows_used"]
    figures = pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False)
    expected = pd.read_csv(demo / "figures.csv", dtype=str, keep_default_na=False)
    files = figures["id"] == "quality.files"  # the data-quality count of files and sheets read: two sheets more
    assert int(figures[files]["value"].iloc[0]) == int(expected[files]["value"].iloc[0]) + len(SHEETS) - 1
    pd.testing.assert_frame_equal(figures[~files][cols], expected[~files][cols])
    assert (figures["inputs"] != expected["inputs"]).any()  # provenance names the workbook's sheets
    assert f"data/raw/2020/{BOOK}[普通高职] sha256:" in "".join(figures["inputs"])

    (path,) = (project / "build" / "2020").rglob("row_accounting.csv")
    accounting = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    mine = accounting[accounting["dataset"] == "admissions"]
    assert list(mine["sheet"]) == list(SHEETS) and (mine["balanced"] == "True").all()

    used = pd.read_excel(out / "figures.xlsx", sheet_name="所用行", dtype=str, engine="openpyxl").fillna("")
    rows = used[(used["数据集"] == "admissions") & (used["类别"] == "计算")]
    assert set(rows["工作表"]) == set(SHEETS)
