"""The ledger annex (附件：数据来源与指标台账) is its own file beside the report: every number the report
shows, by section in the report's order, each row the target of the report's figure links; the report
keeps only a short 附：数据质量 with what remains open per office."""

import re
import shutil

import pytest

from annualreport.base.catalog import ARTEFACTS
from annualreport.base.outline import groups
from annualreport.base.params import load_params
from annualreport.base.tables import read_table
from annualreport.report.appendices import open_items, open_table, quality_html
from annualreport.typeset.pages import visible_text
from tests.helpers import ROOT, copy_project

LISTED = ("computed", "stated", "previous", "change", "chart", "target", "plan")


def _quality(rid: str, value: str, label: str = "") -> tuple[str, dict]:
    return rid, {"kind": "quality", "value": value, "display": value, "label": label}


def test_the_quality_part_lists_only_what_is_open_per_office():
    base = dict(
        _quality(f"quality.{k}", "0")
        for k in (
            "datasets",
            "files",
            "data_rows",
            "clean_rows",
            "quarantined_rows",
            "duplicate_rows",
            "checks",
            "checks_passed",
            "warnings",
        )
    )
    rows = dict(base)
    rows.update(
        [_quality("quality.admissions.quarantined_rows", "0"), _quality("quality.awards.quarantined_rows", "0")]
    )
    assert open_items(rows, ROOT) == []
    page = quality_html(rows, ROOT, "v.html", "a.html")
    assert "没有需要核对的问题" in page and "<table" not in page
    rows.update(
        [
            _quality("quality.awards.quarantined_rows", "7"),
            _quality("quality.awards.set_aside.bad_id", "7", "awards：编号格式不符"),
            _quality("quality.teaching_survey.check_13", "27", "teaching_survey：提交时间已填写"),
        ]
    )
    items = open_items(rows, ROOT)
    assert [(i["data"], visible_text(i["left_out"]), visible_text(i["flagged"])) for i in items] == [
        ("师生获奖", "编号格式不符7行", "—"),
        ("线上教学满意度调查", "—", "“提交时间已填写”未满足27行"),
    ]
    assert 'href="ledger.html#fig-quality.awards.set_aside.bad_id">7</a>' in items[0]["left_out"]
    assert items[0]["action"].startswith("按更正清单") and items[1]["action"].startswith("核对") and items[0]["office"]
    page = quality_html(rows, ROOT, "v.html", "a.html")
    assert page.count("<tr>") == 3 and 'href="a.html"' in page and 'href="v.html"' in page
    # for the office heads: no dataset codes, no internal words (the links name ledger rows, not the text)
    for word in ("awards", "teaching_survey", "隔离", "核对平衡", "校验警告"):
        assert word not in visible_text(page), word


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from annualreport.runner.driver import build

    project = copy_project(tmp_path_factory.mktemp("annex"), years=(2019, 2020))
    for year in (2019, 2020):
        shutil.copytree(ROOT / "data" / "raw" / str(year), project / "data" / "raw" / str(year))
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        build(2020, root=project)
    finally:
        mp.undo()
    return project


@pytest.mark.build
class TestBuiltAnnex:
    @staticmethod
    def out(project, name: str):
        return project / "outputs" / "2020" / ARTEFACTS[name].pattern.removeprefix("{work}/")

    def test_the_annex_is_published_as_html_and_pdf(self, project):
        assert self.out(project, "ledger_annex").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert self.out(project, "ledger_annex_pdf").read_bytes().startswith(b"%PDF")

    def test_every_figure_link_of_the_review_copy_has_its_row_in_the_annex(self, project):
        report = self.out(project, "review_html").read_text(encoding="utf-8")
        page = self.out(project, "ledger_annex").read_text(encoding="utf-8")
        links = re.findall(r'href="ledger\.html#fig-([^"]+)"', report)
        assert len(links) > 50
        assert not re.findall(r'href="#fig-', report)
        ids = set(re.findall(r'\bid="fig-([^"]+)"', page))
        assert set(links) <= ids, set(links) - ids
        assert 'href="ledger.html"' in report  # the table of contents names the annex file

    def test_the_review_copy_holds_no_ledger_table(self, project):
        report = self.out(project, "review_html").read_text(encoding="utf-8")
        text = visible_text(report)
        assert "附二" not in text and "附一" not in text and "附：数据质量" in text
        assert 'class="ledger' not in report and 'id="ledger"' not in report and 'id="fig-' not in report
        assert "各处室核对或重新报送的数据" in text  # the demo data leaves quarantined rows open

    def test_the_annex_lists_every_row_by_section(self, project):
        ledger = read_table(self.out(project, "ledger"))
        page = self.out(project, "ledger_annex").read_text(encoding="utf-8")
        ids = re.findall(r'<tr id="fig-([^"]+)"', page)
        assert len(ids) == len(set(ids))
        wanted = set(ledger.loc[ledger["kind"].isin(LISTED), "id"])
        assert wanted <= set(ids), wanted - set(ids)
        assert {"chart", "previous", "change", "plan"} <= set(ledger["kind"])
        params = load_params(project / "params" / "2020.yaml", root=project)
        headings = [h for h, _ in groups(ledger, params)]
        shown = re.findall(r'<h2 class="sec annex-sec"[^>]*>([^<]+)</h2>', page)
        assert shown == headings and headings[0].startswith("一") and headings[-1] == "附：数据质量"
        # each section's table holds the rows of that section
        for heading, rows in groups(ledger, params):
            start = page.index(f">{heading}</h2>")
            table = page[start : page.index("</table>", start)]
            assert re.findall(r'<tr id="fig-([^"]+)"', table) == list(rows["id"]), heading
        assert "附件：数据来源与指标台账" in visible_text(page)
        for zh in ("编号", "指标", "类别", "报告中的表述", "数值", "单位", "数据集", "定义", "所用行数", "校验"):
            assert f"<th>{zh}</th>" in page

    def test_the_annex_is_the_same_bytes_when_rebuilt(self, project):
        from annualreport.runner.driver import build

        before = self.out(project, "ledger_annex").read_bytes()
        mp = pytest.MonkeyPatch()
        mp.setenv("ANNUALREPORT_ROOT", str(project))
        try:
            build(2020, root=project, force=True, formats=("html",))
        finally:
            mp.undo()
        assert self.out(project, "ledger_annex").read_bytes() == before


def test_an_offices_lines_stand_together_in_the_quality_table():
    """admissions and graduates (招生就业处) come before and after awards in the specs' order: the table keeps the
    office's two lines together, under one spanning cell."""
    rows = dict(
        _quality(f"quality.{name}.set_aside.bad_id", "1", f"{name}：编号格式不符")
        for name in ("admissions", "awards", "graduates")
    )
    items = open_items(rows, ROOT)
    offices = [i["office"] for i in items]
    assert offices == sorted(offices, key=offices.index) and len(set(offices)) == 2
    assert open_table(items).count("rowspan") == 2
