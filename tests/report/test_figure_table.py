"""The report's figure tables (report/views.py `Report.figure_table`): each cell as the ledger prints it,
with the figure's own decimals; a figure not compared is left out, a new one reads 新增 (issue 22).
Unit tests on a small ledger; a build test on the demo's 2020 report."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from annualreport.figures.comparisons import year_before_rows
from annualreport.figures.compute import LEDGER_COLUMNS, FigureDef
from annualreport.report import captions
from annualreport.report.views import Report
from annualreport.typeset.pages import visible_text

FIGURES = [  # id, label, unit, this year, the year before, definition's extra fields
    ("plenum", "十九届五中全会集体学习和宣讲", "次", "6", "8", {"compare": False, "compare_reason": "2020年的全会"}),
    ("views", "抖音号和微博号总浏览量", "次", "786420", "0", {"since": 2020}),
    ("posts", "官微发布时政新闻和校内重大活动", "篇", "968", "812", {}),
    ("patents", "专利成果转化率", "%", "75", "70", {}),
    ("satisfied", "学生总体满意度", "%", "96.17", "94.54", {"precision": 2}),
    ("poor", "贫困县毕业生就业率", "%", "100.00", "97.37", {"precision": 2, "wording": {"style": "all"}}),
    ("gone", "无上年数据", "人", "5", None, {}),
]


def cells(page: str) -> list[list[str]]:
    return [
        [visible_text(c).strip() for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", tr, re.S)]
        for tr in re.findall(r"<tr>.*?</tr>", page, re.S)
    ]


def report(monkeypatch, figures=FIGURES, displays=None) -> Report:
    monkeypatch.setattr(Report, "sources", property(lambda self: captions.Sources({}, None)))  # no project here
    displays = displays or {}
    cur = pd.DataFrame(
        [
            {
                **dict.fromkeys(LEDGER_COLUMNS, ""),
                "id": f,
                "label": label,
                "unit": unit,
                "value": now,
                "display": displays.get(f, now),
                "kind": "computed",
            }
            for f, label, unit, now, _, _ in figures
        ],
        columns=LEDGER_COLUMNS,
    )
    prev = pd.DataFrame(
        [{**dict.fromkeys(LEDGER_COLUMNS, ""), "id": f, "value": b} for f, _, _, _, b, _ in figures if b is not None],
        columns=LEDGER_COLUMNS,
    )
    defs = {
        f: FigureDef(id=f, section="", label=label, dataset="d", unit=unit, **extra)
        for f, label, unit, _, _, extra in figures
    }
    rows = year_before_rows(cur, prev, [f[0] for f in figures], 2020, defs)
    ledger = pd.concat([cur, pd.DataFrame(rows, columns=LEDGER_COLUMNS)], ignore_index=True)
    return Report(
        params=SimpleNamespace(year=2020),
        outline=SimpleNamespace(sections=[], directory=Path("."), walk=lambda: iter(())),
        ledger=ledger,
        work_dir=Path("."),
    )


def test_the_table_prints_the_ledger_with_the_figures_decimals(monkeypatch):
    # this year's 100.00 is worded 全部 in prose; the table shows the number, as plain prints it
    page = report(monkeypatch, displays={"posts": "近千", "poor": "全部"}).figure_table(
        {"title": "党建", "figures": [f[0] for f in FIGURES]}, "表1", "table-1"
    )
    assert cells(page) == [
        ["指标", "2020年", "2019年", "同比变化", "单位"],
        ["抖音号和微博号总浏览量", "786420", "新增", "新增", "次"],
        ["官微发布时政新闻和校内重大活动", "968", "812", "+156（+19.2%）", "篇"],
        ["专利成果转化率", "75", "70", "+5个百分点", "%"],
        ["学生总体满意度", "96.17", "94.54", "+1.63个百分点", "%"],
        ["贫困县毕业生就业率", "100", "97.37", "+2.63个百分点", "%"],
    ]  # plenum (not compared) and gone (no year before) are left out
    assert "十九届五中全会" not in page and ".00" not in visible_text(page)


def test_a_table_none_of_whose_rows_compares_shows_this_year_alone(monkeypatch):
    alone = [f for f in FIGURES if f[0] in ("plenum", "gone")]
    page = report(monkeypatch, alone).figure_table({"title": "t", "figures": ["plenum", "gone"]})
    assert cells(page) == [
        ["指标", "2020年", "单位"],
        ["十九届五中全会集体学习和宣讲", "6", "次"],
        ["无上年数据", "5", "人"],
    ]


def test_a_missing_change_prints_a_dash(monkeypatch):
    blank = [("r", "率", "%", "", "70", {}), ("n", "数", "人", "3", "2", {})]
    page = report(monkeypatch, blank).figure_table({"title": "t", "figures": ["r", "n"]})
    assert cells(page)[1:] == [["率", "—", "70", "—", "%"], ["数", "3", "2", "+1（+50%）", "人"]]


@pytest.mark.build
def test_the_2020_tables_compare_what_holds(demo_project):
    """The demo's 2020 report: no 十九届五中全会 against 2019, no +786420, no two decimals where the
    figure rounds otherwise, no 2019 accidents; the new accounts read 新增. The tables are the review copy's."""
    page = (demo_project / "outputs" / "2020" / "review.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table[^>]*class="figtable"[^>]*>.*?</table>', page, re.S)
    rows = {r[0]: r[1:] for t in tables for r in cells(t)}
    text = "\n".join(" | ".join(r) for t in tables for r in cells(t))
    for wrong in ("十九届五中全会", "+786420", "75.00", "100.00", ".00个百分点", "线上教学先进教师", "安全事故"):
        assert wrong not in text, wrong
    assert rows["抖音号和微博号总浏览量"] == ["786420", "新增", "新增", "次"]
    assert rows["智库引入专家"][1:3] == rows["向埃及捐赠口罩"][1:3] == ["新增", "新增"]
    assert rows["专利成果转化率"] == ["75", "70", "+5个百分点", "%"]
    assert rows["贫困县毕业生就业率"] == ["100", "97.37", "+2.63个百分点", "%"]
    assert rows["安全隐患整改率"] == ["100", "94.74", "+5.26个百分点", "%"]
    assert rows["学生总体满意度"] == ["96.17", "94.54", "+1.63个百分点", "%"]
