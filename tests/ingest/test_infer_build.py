"""Starting from a year whose 工号 formats changed (人事处: `RS-00012` for staff, `N2020013` for new hires; 教务处:
`JS112307` for teachers), in that year's files and the year before's: `check-inputs` proposes the params lines,
`check-inputs --accept` writes them into both years' params, and the report builds with the same figures, with no
regular expression written by hand."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.helpers import ROOT, copy_project
from tests.ingest.test_recognise_build import cli

YEARS = (2019, 2020)
STAFF = ("工号", "职工号", "教工号")  # the spec's header and aliases


def staff_ids(raw_dirs) -> dict[str, str]:
    """Every 工号 of both years' staff workbooks -> its new form (one person keeps one number)."""
    old = set()
    for raw in raw_dirs:
        wb = load_workbook(raw / "staff.xlsx")
        for ws in wb.worksheets:
            old.update(str(c.value) for (c,) in _column(ws, STAFF) if re.fullmatch(r"\d{7}", str(c.value)))
    return {v: (f"RS-{n:05d}" if n % 2 else f"N{2020000 + n}") for n, v in enumerate(sorted(old))}


def _column(ws, header: tuple[str, ...]):
    """The cells under the first header named one of `header` (a list of one-cell rows)."""
    for row in ws.iter_rows(min_row=1, max_row=5):
        for cell in row:
            if str(cell.value or "").strip().rstrip("*") in header:
                return list(ws.iter_rows(min_row=cell.row + 1, min_col=cell.column, max_col=cell.column))
    return []


def rewrite(raw, ids: dict[str, str]) -> None:
    wb = load_workbook(raw / "staff.xlsx")
    for ws in wb.worksheets:
        for (cell,) in _column(ws, STAFF):
            if str(cell.value) in ids:  # a number the old format took; the offices' mistakes stay as they were
                cell.value = ids[str(cell.value)]
    wb.save(raw / "staff.xlsx")
    path = raw / "online_courses.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    at = rows[0].index("主讲教师工号")
    for r in rows[1:]:
        if len(r) > at and re.fullmatch(r"\d{6}", r[at].strip()):
            r[at] = "JS" + r[at].strip()
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    wb = load_workbook(raw / "awards.xlsx")
    ws = wb.worksheets[0]
    kinds = _column(ws, ("获奖人类型",))
    for (kind,), (pid,) in zip(kinds, _column(ws, ("学号/工号",)), strict=False):
        if str(kind.value or "").strip() == "教师" and re.fullmatch(r"\d{6}", str(pid.value).strip()):
            pid.value = "JS" + str(pid.value).strip()
    wb.save(raw / "awards.xlsx")


@pytest.mark.build
def test_changed_id_formats_are_proposed_accepted_and_build(tmp_path, demo_project):
    project = copy_project(tmp_path / "p", years=YEARS)
    raws = [project / "data" / "raw" / str(y) for y in YEARS]
    for y, raw in zip(YEARS, raws, strict=True):
        shutil.copytree(ROOT / "data" / "raw" / str(y), raw)
    ids = staff_ids(raws)
    for raw in raws:
        rewrite(raw, ids)
    before = {y: (project / "params" / f"{y}.yaml").read_text(encoding="utf-8") for y in YEARS}

    proc = cli(project, "check-inputs", "--year", "2020")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert r"staff_id: 'N\d{7}|RS-\d{5}'" in out and r"teacher_id: 'JS\d{6}'" in out, out
    assert "formats proposed for params/2020.yaml" in out and "formats proposed for params/2019.yaml" in out
    assert "make check-inputs YEAR=2020 ACCEPT=1" in out
    assert {y: (project / "params" / f"{y}.yaml").read_text(encoding="utf-8") for y in YEARS} == before

    proc = cli(project, "check-inputs", "--year", "2020", "--accept")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "wrote params/2020.yaml" in out and "wrote params/2019.yaml" in out
    for y in YEARS:
        text = (project / "params" / f"{y}.yaml").read_text(encoding="utf-8")
        assert r"staff_id: 'N\d{7}|RS-\d{5}'" in text and r"teacher_id: 'JS\d{6}'" in text

    proc = cli(project, "build", "--year", "2020", "--format", "html", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    cols = ["id", "value", "display", "wording"]
    figures = pd.read_csv(project / "outputs" / "2020" / "figures.csv", dtype=str, keep_default_na=False)
    expected = pd.read_csv(demo_project / "outputs" / "2020" / "figures.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(figures[cols], expected[cols])
    assert not any(
        v in (project / "outputs" / "2020" / "figures.csv").read_text(encoding="utf-8") for v in ids.values()
    )
