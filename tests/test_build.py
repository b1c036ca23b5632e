"""End to end: papermill runs the notebooks on a fixture year in a temp project, nbconvert renders,
and failures (a blocking expectation, a notebook error) leave the earlier report in place."""

import json
import re
import shutil
from pathlib import Path

import pytest

from annualreport.build import build
from annualreport.errors import StageFailed
from annualreport.readers import read_csv, read_xlsx
from annualreport.render import visible_text

from .conftest import ROOT, copy_project

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    dest = copy_project(tmp_path_factory.mktemp("project"), years=(2020,))
    shutil.copytree(ROOT / "data" / "raw" / "2020", dest / "data" / "raw" / "2020")
    return dest


@pytest.fixture(scope="module")
def built(project):
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        result = build(2020, root=project)
    finally:
        mp.undo()
    return result


def test_report_is_built_with_the_slice_figures(project, built):
    out = project / "outputs" / "2020"
    assert built.report == out / "report.html"
    page = built.report.read_text(encoding="utf-8")
    text_only = visible_text(page)
    for text in ("天津轻工职业技术学院", "一、2020年工作回顾", "（四）推进产教深度融合", "2.加强专业群建设",
                 "4001人", "81.24%", "52个贫困县", "41名学生全部就业"):
        assert text in text_only, text
    assert "<svg" in page and "@font-face" in page
    assert "<script" not in page
    # offline: no resource is loaded from the network (XML namespace URIs are names, not requests)
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", page)
    assert "In&nbsp;[" not in page and "jp-InputArea" not in page
    ledger = (out / "figures.csv").read_text(encoding="utf-8-sig")
    assert ledger.splitlines()[0].startswith("id,section,label,value,unit,display,wording,dataset,definition")
    for fid, value in [("enrolled_vocational", "4001"), ("enrolled_joint_bachelor", "100"),
                       ("enrolled_international", "6"), ("employment_rate_initial", "81.24"),
                       ("poverty_counties", "52"), ("poverty_graduates", "41")]:
        assert any(line.startswith(f"{fid},") and f",{value}," in line for line in ledger.splitlines()), fid
    assert (out / "validation" / "admissions.json").exists() and (out / "row_accounting.csv").exists()
    assert (project / "data" / "processed" / "2020" / "admissions.parquet").exists()


def personal_values(project: Path) -> set[str]:
    values = set()
    raw = project / "data" / "raw" / "2020"
    sheets = [read_csv(raw / "admissions.csv", "a"), read_xlsx(raw / "graduates.xlsx", "g", None)]
    for sheet in sheets:
        header_idx = next(i for i, (_, cells) in enumerate(sheet.rows) if "姓名" in [str(c) for c in cells])
        header = [str(c) for c in sheet.rows[header_idx][1]]
        cols = [header.index("姓名"), header.index("身份证号")]
        for _, cells in sheet.rows[header_idx + 1:]:
            for c in cols:
                if c < len(cells) and cells[c] and len(str(cells[c])) >= 2:
                    values.add(str(cells[c]))
    return values


def test_no_personal_data_in_processed_or_outputs(project, built):
    values = personal_values(project)
    assert len(values) > 1000
    ids = {v for v in values if len(v) == 18}
    for folder in (project / "data" / "processed", project / "outputs"):
        for f in folder.rglob("*"):
            if f.is_file():
                text = f.read_bytes().decode("utf-8", errors="ignore")
                assert not any(i in text for i in ids), f
                names = {v for v in values if len(v) >= 3 and len(v) < 18}
                assert not any(n in text for n in names), f


def test_blocking_failure_stops_and_keeps_the_previous_report(project, built, monkeypatch):
    before = built.report.read_bytes()
    suite_path = project / "expectations" / "admissions.json"
    original = suite_path.read_text(encoding="utf-8")
    suite = json.loads(original)
    suite["expectations"].append({"type": "expect_table_row_count_to_be_between",
                                  "kwargs": {"min_value": 10_000_000}, "meta": {"severity": "blocking"}})
    suite_path.write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        with pytest.raises(StageFailed) as exc:
            build(2020, root=project)
    finally:
        suite_path.write_text(original, encoding="utf-8")
    msg = str(exc.value)
    assert "20-validate: ValidationFailed" in msg and "admissions" in msg
    assert "expect_table_row_count_to_be_between" in msg and "build/2020/notebooks/20-validate.ipynb" in msg
    assert built.report.read_bytes() == before


def test_notebook_error_names_the_executed_notebook(project, built, monkeypatch):
    before = built.report.read_bytes()
    talent = project / "params" / "narrative" / "2020" / "talent.md"
    original = talent.read_text(encoding="utf-8")
    talent.write_text(original + "{no_such_figure}", encoding="utf-8")
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        with pytest.raises(StageFailed) as exc:
            build(2020, root=project)
    finally:
        talent.write_text(original, encoding="utf-8")
    assert "40-report: SpecError" in str(exc.value) and "no_such_figure" in str(exc.value)
    assert "build/2020/notebooks/40-report.ipynb" in str(exc.value)
    assert built.report.read_bytes() == before
