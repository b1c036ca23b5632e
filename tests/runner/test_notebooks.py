"""The notebooks an analyst reads: Chinese markdown, thin code cells calling their stage's entry module, no
absolute paths, no log lines in the outputs (a link to the stage's log file instead), and each
stage's summary with Chinese headers. One build of 2020 (with 2019 as the year before) in a
temporary copy of the project serves every test here."""

import json
import os
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from annualreport.base import notebook as nb
from annualreport.base.glossary import RULES_ZH
from annualreport.base.outline import within
from annualreport.figures import previous
from annualreport.figures import stage as figures_stage
from annualreport.ingest import stage as clean_stage
from annualreport.runner.stages import STEPS
from annualreport.validation import stage as validation_stage
from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.build

NOTEBOOKS = ["10-clean", "15-previous-year", "20-validate", "30-figures", "40-report"]
CJK = re.compile(r"[\u4e00-\u9fff]")
PARAMS, WORK = "params/2020.yaml", "build/2020/work"
# What each notebook's outputs show: the summaries' Chinese headers.
HEADERS = {
    "10-clean": ["处室", "数据集", "文件数", "数据行", "清洗后", "隔离", "重复", "是否平衡", "规则", "列", "行数"],
    "15-previous-year": ["上一年度：2019年", "编号", "指标", "报告中的表述", "数值", "单位"],
    "20-validate": ["阻断项未通过", "警告项未通过", "通过", "共计", "校验", "级别", "检查内容", "数据文档"],
    "30-figures": ["层级", "编号", "标题", "章节", "指标", "报告中的表述", "数值", "单位"],
}
# A thin code cell: the imports (the notebooks' shared helpers, the stage's entry module), or one call into
# them (optionally assigned).
THIN = re.compile(
    r"from annualreport\.base import notebook as nb|from annualreport\.\w+(\.\w+)? import \w+"
    r"|(\w+(, \w+)* = )?\w+\.\w+\(.*\)"
)
STEP = {step.notebook: step for step in STEPS if step.notebook}


@pytest.fixture(scope="session")
def project(demo_project) -> Path:
    return demo_project


@pytest.fixture
def at_project(project, monkeypatch) -> Path:
    """The summary functions resolve relative paths against the project, as in a notebook's kernel."""
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    monkeypatch.chdir(project)
    return project


def executed(project: Path, name: str) -> nbformat.NotebookNode:
    return nbformat.read(project / WORK / "notebooks" / f"{name}.ipynb", as_version=4)


def output_text(out) -> str:
    if out.output_type == "stream":
        return out.text
    if out.output_type == "error":
        return "\n".join(out.traceback)
    return "\n".join(v if isinstance(v, str) else json.dumps(v) for v in out.get("data", {}).values())


# ------------------------------------------------------------------------ the committed notebooks
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebooks_are_chinese_thin_without_outputs_or_year(name):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5)
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids) and all(ids)
    assert nb.cells[0].cell_type == "markdown" and CJK.search(nb.cells[0].source)
    assert all(CJK.search(c.source) for c in nb.cells if c.cell_type == "markdown")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    parameters = code[0]
    assert "parameters" in parameters.metadata.get("tags", [])
    assert not re.search(r"^\s*year\s*=", parameters.source, re.M)
    assert (
        'params_file = "params/2020.yaml"' in parameters.source and 'work_dir = "build/2020/work"' in parameters.source
    )
    for cell in nb.cells:
        assert not re.search(r"(?<![\w.])/(home|tmp|work|root|Users)/", cell.source), cell.id
    assert f'nb.start(params_file, work_dir, "{name}")' in code[1].source
    module, _, function = STEP[name].run.partition(":")  # the notebook calls the entry its step declares
    leaf = module.rsplit(".", 1)
    assert f"from annualreport.{leaf[0]} import {leaf[1]}" in code[1].source, name
    assert any(f"{leaf[1]}.{function}" in c.source for c in code[1:]), name
    if name != "40-report":
        for cell in code[1:]:
            for line in filter(None, (line.strip() for line in cell.source.splitlines())):
                assert THIN.fullmatch(line), f"{name} {cell.id}: {line}"


# ------------------------------------------------------------------------ the executed notebooks
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_executed_notebooks_show_summaries_without_logs_or_absolute_paths(project, name):
    nb = executed(project, name)
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    assert CJK.search(first.source)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and not re.search(r"^\s*year\s*=", injected[0].source, re.M)
    outputs = [out for c in nb.cells if c.cell_type == "code" for out in c.outputs]
    assert not [o for o in outputs if o.output_type in ("stream", "error")], (
        f"{name}: log lines or errors in the notebook: "
        + "".join(output_text(o)[:300] for o in outputs if o.output_type in ("stream", "error"))
    )
    text = "\n".join(output_text(o) for o in outputs)
    whole = (project / WORK / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")  # metadata too
    for absolute in {str(project), str(project.resolve()), str(ROOT), str(Path.home())}:
        assert absolute not in text, f"{name}: an output shows the absolute path {absolute}"
        assert absolute not in whole, f"{name}: the executed notebook names the absolute path {absolute}"
    if name == "40-report":
        return
    links = re.findall(r"运行日志：\[`([^`]+)`\]\(([^)]+)\)", text)
    assert links == [(f"{WORK}/logs/{name}.log", f"../logs/{name}.log")], links
    assert (project / WORK / "notebooks" / links[0][1]).is_file()
    for header in HEADERS[name]:
        assert header in text, f"{name}: no {header}"
    assert "<td>...</td>" not in text and "...</td>" not in text, f"{name}: a table is shown shortened"


def test_log_files_hold_the_log_lines_without_glyph_dumps(project):
    log = (project / WORK / "logs" / "20-validate.log").read_text(encoding="utf-8")
    assert "great_expectations" in log and "fontTools.subset" not in log


def test_data_docs_link_opens_from_the_executed_notebook(project):
    text = "\n".join(output_text(o) for c in executed(project, "20-validate").cells for o in c.get("outputs", []))
    href = re.search(r"数据文档：\[`[^`]+`\]\(([^)]+)\)", text).group(1)
    assert not href.startswith("/") and (project / WORK / "notebooks" / href).is_file()


def test_the_report_notebook_shows_only_the_report_and_its_markdown_stays_out_of_the_page(project):
    nb = executed(project, "40-report")
    with_outputs = [c.source for c in nb.cells if c.cell_type == "code" and c.outputs]
    assert with_outputs == ["report.show_all()"]
    page = (project / "outputs" / "2020" / "report.html").read_text(encoding="utf-8")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in filter(None, (s.strip("# ") for s in cell.source.splitlines())):
                assert line not in page, line


# ------------------------------------------------------------------------ the summary functions
def test_clean_and_quarantine_summaries_account_for_every_row(at_project):
    clean = clean_stage.clean_summary(PARAMS, WORK)
    assert list(clean.columns) == ["处室", "数据集", "名称", "文件数", "数据行", "清洗后", "隔离", "重复", "是否平衡"]
    body, total = clean.iloc[:-1], clean.iloc[-1]
    assert total["处室"] == "合计" and total["是否平衡"] == "是"
    assert (body["数据行"] == body["清洗后"] + body["隔离"] + body["重复"]).all()
    assert total["数据行"] == body["数据行"].sum() and total["隔离"] == body["隔离"].sum()
    offices = list(body["处室"])
    assert offices == sorted(offices, key=offices.index), "one office's datasets together"
    assert {"招生就业处", "教务处", "人事处"} <= set(offices)

    quarantine = clean_stage.quarantine_summary(PARAMS, WORK)
    assert list(quarantine.columns) == ["处室", "数据集", "文件", "规则", "列", "行数", "行号（前5个）"]
    per_dataset = quarantine.groupby("数据集")["行数"].sum()
    for _, row in body[body["隔离"] > 0].iterrows():
        assert per_dataset[row["数据集"]] == row["隔离"], row["数据集"]
    assert not quarantine["文件"].str.startswith("/").any()
    assert set(quarantine["规则"]) <= set(RULES_ZH.values())
    admissions = quarantine[quarantine["数据集"] == "admissions"]
    assert (admissions["处室"] == "招生就业处").all() and (admissions["文件"] == "data/raw/2020/admissions.csv").all()


def test_validation_summary_by_dataset(at_project):
    summary = validation_stage.validation_summary(PARAMS, WORK)
    assert list(summary.columns) == ["数据集", "名称", "阻断项未通过", "警告项未通过", "通过", "共计", "校验"]
    assert (summary["共计"] == summary["阻断项未通过"] + summary["警告项未通过"] + summary["通过"]).all()
    assert (summary["阻断项未通过"] == 0).all()  # the build passed the gate
    warned = summary[summary["警告项未通过"] > 0]
    assert not warned.empty and warned["校验"].str.startswith("通过（").all()
    failures = validation_stage.validation_failures(PARAMS, WORK)
    assert list(failures.columns) == ["数据集", "级别", "检查内容", "列", "不符合行数"]
    assert len(failures) == summary["警告项未通过"].sum() and set(failures["级别"]) == {"警告"}
    assert failures["列"].map(lambda c: bool(CJK.search(c))).all(), "columns under the office file's headers"


def test_figures_grouped_by_the_report_sections_in_report_order(at_project):
    sections = figures_stage.report_sections(PARAMS)
    assert list(sections.columns) == ["层级", "编号", "标题"]
    assert sections.iloc[0].tolist() == [1, "一", "2020年工作回顾"]
    assert "（" not in "".join(sections["编号"]) and "{" not in "".join(sections["标题"])
    figures = figures_stage.figures_by_section(PARAMS, WORK)
    assert list(figures.columns) == ["章节", "编号", "指标", "报告中的表述", "数值", "单位"]
    ledger = pd.read_csv(at_project / WORK / "figures.csv", dtype=str, keep_default_na=False)
    computed = ledger[ledger["kind"].isin(("computed", "stated"))]  # derived rows are not listed
    assert len(figures) == len(computed) and figures["编号"].is_unique
    order = list(sections["编号"])
    in_outline = figures["章节"].str.split(" ").str[0].isin(order)  # the rest (appendices, none) is not
    assert in_outline.any() and list(in_outline) == sorted(in_outline, reverse=True), "the outline's first"
    codes = [c.split(" ", 1)[0] for c in figures.loc[in_outline, "章节"]]
    assert all(c in order for c in codes), "every other 2020 figure belongs to a section of the outline"
    positions = [order.index(c) for c in codes]
    assert positions == sorted(positions)
    row = figures[figures["编号"] == "enrolled_vocational"].iloc[0]
    assert (
        row["章节"] == "一(四)2 加强专业群建设，提高人才培养质量"
        and row["报告中的表述"] == "4001人"
        and row["单位"] == "人"
    )
    assert figures[figures["编号"] == "construction_milestones_due"].iloc[0]["章节"].startswith("三(三)7 ")


def test_section_codes_match_whole_numbers_only():
    assert within("三(三)7(3)", "三(三)7") and within("一(四)2", "一(四)2")
    assert not within("一(一)12", "一(一)1") and not within("二十", "二") and not within("一", "")


def test_previous_year_summary(at_project):
    note = previous.previous_summary(PARAMS, WORK).data
    assert note.startswith("上一年度：2019年") and f"`{WORK}/" in note and str(at_project) not in note
    assert list(previous.previous_figures(PARAMS, WORK).columns) == ["编号", "指标", "报告中的表述", "数值", "单位"]


def test_previous_year_summary_without_a_year_before(tmp_path, monkeypatch):
    project = copy_project(tmp_path, years=(2020,))
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    assert previous.previous_summary(PARAMS, WORK).data.startswith("没有上一年度的参数文件（2019年）")
    assert previous.previous_figures(PARAMS, WORK).empty


def test_links_are_relative_to_the_notebook(at_project, monkeypatch):
    log = f"{WORK}/logs/10-clean.log"
    assert nb.link("运行日志", log, WORK).data == f"运行日志：[`{log}`](../logs/10-clean.log)"
    monkeypatch.chdir(at_project / "notebooks")  # Jupyter starts a kernel beside its notebook
    assert nb.link("运行日志", log, WORK).data.endswith(f"(../{log})")
    assert os.path.isabs(str(at_project)) and str(at_project) not in nb.link("x", log, WORK).data
