"""Definitions in Chinese, written from the figure's spec (figures/definitions.py): every filter and measure kind the
engine computes has its words, each measure kind reads as a reader of the ledger would say it, and every figure and
chart of the project's specs is defined without a Latin word."""

from __future__ import annotations

import ast
import re
from decimal import Decimal

import pytest

from annualreport.base.errors import SpecError
from annualreport.base.wording import word
from annualreport.figures.charts import load_charts
from annualreport.figures.compute import describe, load_definitions
from annualreport.figures.definitions import FILTER_ZH, MEASURE_ZH, Words, define, rounding_note
from annualreport.ingest.specs import ColumnSpec, DatasetSpec
from tests.helpers import ROOT

LATIN = re.compile(r"[A-Za-z]+")


def _spec(name: str, title: str, columns, person=None) -> DatasetSpec:
    return DatasetSpec(
        name=name,
        title=title,
        office="",
        file=name,
        sheet=None,
        reference=False,
        key=(),
        columns=tuple(ColumnSpec(header=h, name=n, type=t) for h, n, t in columns),
        person=person,
    )


SPECS = {
    "admissions": _spec(
        "admissions",
        "招生录取名单",
        [
            ("考生号", "candidate_id", "id"),
            ("培养层次", "level", "category"),
            ("录取日期", "admitted_on", "date"),
            ("二级学院", "school", "text"),
            ("分数", "score", "number"),
            ("是否报到", "reported", "bool"),
        ],
    ),
    "experts": _spec(
        "experts",
        "专家与特派员",
        [("工号", "staff_id", "id"), ("身份类别", "role", "category"), ("专业群", "group", "text")],
        person={"column": "person", "id": "staff_id", "fallback": ["证件后四位", "姓名"]},
    ),
    "majors": _spec("majors", "专业目录", [("专业群", "group", "text")]),
}
WORDS = Words(SPECS, {"employed": ["协议就业", "升学"], "levels": ["高职(专科)", "留学生"]}, 2020)


def _ops(function: str) -> set[str]:
    """The string constants compute.py compares `op` (or the measure `m`) with inside `function`."""
    tree = ast.parse((ROOT / "src" / "annualreport" / "figures" / "compute.py").read_text(encoding="utf-8"))
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
    found = set()
    for cmp in (n for n in ast.walk(node) if isinstance(n, ast.Compare)):
        if isinstance(cmp.left, ast.Name) and cmp.left.id in ("op", "m"):
            for c in ast.walk(cmp.comparators[0]):
                if isinstance(c, ast.Constant) and isinstance(c.value, str):
                    found.add(c.value)
    return found


def test_every_filter_and_measure_kind_the_engine_computes_has_chinese_words():
    filters, measures = _ops("row_mask"), _ops("compute")
    assert {"in", "within", "lte_col"} <= filters and {"count", "distinct", "list"} <= measures  # the scan works
    assert filters - {"year"} <= set(FILTER_ZH), filters - set(FILTER_ZH)  # `within: year`: "year" is its argument
    assert measures <= set(MEASURE_ZH), measures - set(MEASURE_ZH)


@pytest.mark.parametrize(
    ("measure", "where", "unit", "precision", "words"),
    [
        ("count", {}, "条", 0, "《招生录取名单》的记录数"),
        (
            "count",
            {"level": "高职(专科)", "admitted_on": {"within": "year"}},
            "人",
            0,
            "《招生录取名单》中培养层次为“高职(专科)”的记录数，录取日期在2020年内",
        ),
        (
            {"distinct": "candidate_id"},
            {"level": "高职(专科)"},
            "人",
            0,
            "《招生录取名单》中培养层次为“高职(专科)”的人数，按考生号去重（同一考生号只计一次）",
        ),
        (
            {"distinct": "person"},
            {"role": "智库专家"},
            "人",
            0,
            "《专家与特派员》中身份类别为“智库专家”的人数，按人员去重"
            "（有工号的按工号，无工号的按证件后四位和姓名识别，同一人员只计一次）",
        ),
        (
            {"sum": "score"},
            {"level": ["高职(专科)", "留学生"]},
            "分",
            0,
            "《招生录取名单》中培养层次为“高职(专科)”或“留学生”的分数之和",
        ),
        (
            {"rate": {"reported": True}},
            {"level": {"in": "levels"}},
            "%",
            2,
            "《招生录取名单》中培养层次为“高职(专科)”或“留学生”的记录里，是否报到为“是”的记录所占百分比，"
            "保留2位小数（四舍五入）",
        ),
        (
            {"rate": {"level": {"not_in": "levels"}}},
            {},
            "%",
            0,
            "《招生录取名单》的全部记录中，培养层次不为“高职(专科)”或“留学生”的记录所占百分比，取整数（四舍五入）",
        ),
        (
            {"max": "admitted_on"},
            {"school": "甲院"},
            "日期",
            0,
            "《招生录取名单》中二级学院为“甲院”的录取日期（有多条时取最晚者）",
        ),
        ({"min": "admitted_on"}, {}, "日期", 0, "《招生录取名单》的录取日期（有多条时取最早者）"),
        ({"max": "score"}, {"score": {"gte": 60}}, "分", 0, "《招生录取名单》中分数不小于60的分数的最大值"),
        (
            {"min": "score"},
            {"score": {"lt": 90, "gt": 0}},
            "分",
            0,
            "《招生录取名单》中分数小于90、分数大于0的分数的最小值",
        ),
        (
            {"min_count_per": {"column": "group", "universe": {"dataset": "majors", "column": "group"}}},
            {"role": "兼职教师"},
            "人",
            0,
            "《专家与特派员》中身份类别为“兼职教师”的记录数，按专业群分组计数，取《专业目录》所列各专业群中最少的一组"
            "（没有记录的专业群计为0）",
        ),
        (
            {"list": {"columns": ["school", "level"], "sort": "admitted_on"}},
            {"admitted_on": {"within": "year"}},
            "个",
            0,
            "《招生录取名单》中录取日期在2020年内的记录，逐条列出二级学院和培养层次（每条记录连写为一项，按录取日期排序，"
            "重复的只列一次）；数值为列出的项数",
        ),
    ],
)
def test_each_measure_kind_in_words(measure, where, unit, precision, words):
    dataset = "experts" if "role" in where else "admissions"
    assert define(dataset, measure, where, unit, precision, WORDS) == words


@pytest.mark.parametrize(
    ("cond", "words"),
    [
        ({"admitted_on": {"eq_year": True}}, "录取日期为2020年"),
        ({"score": {"eq_year": True}}, "分数为2020"),
        ({"admitted_on": {"null": True}}, "录取日期为空"),
        ({"admitted_on": {None: False}}, "录取日期已填写"),  # YAML reads a bare `null:` key as None
        ({"admitted_on": {"gte": "2020-09-01"}}, "录取日期不早于2020-09-01"),
        ({"admitted_on": {"lte": "2020-09-30"}}, "录取日期不晚于2020-09-30"),
        ({"score": {"lte": 100}}, "分数不大于100"),
        ({"score": {"eq": 0}}, "分数等于0"),
        ({"level": {"not_in": "levels"}}, "培养层次不为“高职(专科)”或“留学生”"),
        ({"admitted_on": {"lte_col": "admitted_on"}}, "录取日期不晚于同一行的录取日期"),
        ({"score": {"gte_col": "score"}}, "分数不小于同一行的分数"),
        ({"reported": False}, "是否报到为“否”"),
    ],
)
def test_each_filter_kind_in_words(cond, words):
    assert define("admissions", "count", cond, "条", 0, WORDS) == f"《招生录取名单》中{words}的记录数"


def test_a_kind_or_column_without_words_is_an_error_not_english():
    with pytest.raises(SpecError, match="measure 'median' has no Chinese words"):
        define("admissions", {"median": "score"}, {}, "分", 0, WORDS)
    with pytest.raises(SpecError, match="filter operator 'like' has no Chinese words"):
        define("admissions", "count", {"level": {"like": "高"}}, "条", 0, WORDS)
    with pytest.raises(SpecError, match="column 'nope' has no Chinese name"):
        define("admissions", "count", {"nope": 1}, "条", 0, WORDS)
    with pytest.raises(SpecError, match="dataset 'nowhere' has no spec"):
        define("nowhere", "count", {}, "条", 0, WORDS)


def test_every_figure_and_chart_of_the_project_is_defined_in_chinese():
    defs, sets = load_definitions(ROOT)
    words = Words.load(ROOT, sets, 2020)
    texts = {d.id: describe(d, words) for d in defs.values()}
    for chart in load_charts(ROOT).values():
        texts[f"chart.{chart.id}"] = define(
            chart.dataset, chart.measure, chart.where, chart.unit, chart.precision, words
        )
    latin = {fid: LATIN.findall(text) for fid, text in texts.items() if LATIN.search(text)}
    assert not latin, latin
    assert texts["enrolled_vocational"] == (
        "《招生录取名单》中培养层次为“高职(专科)”的人数，按考生号去重（同一考生号只计一次）"
    )
    assert texts["poverty_graduates"].startswith("《毕业生就业去向》中生源县在贫困县名单中的人数")  # a derived column
    assert "节点状态" in texts["construction_milestones_late"]


@pytest.mark.parametrize(
    ("value", "wording", "note"),
    [
        (34, {"style": "plus", "step": 10}, "报告表述“30余次”：实际数在31至39之间"),
        (968, {"style": "near", "step": 1000, "band": 100}, "报告表述“近千次”：实际数在900至999之间"),
        (786420, {"style": "near", "step": 100000, "band": 50000}, "报告表述“近80万次”：实际数在750000至799999之间"),
        (21621, {"style": "over", "step": 1000, "band": 999}, "报告表述“超过2.1万次”：实际数在21001至21999之间"),
        (246543, {"style": "wan"}, "报告表述“24.65万次”：以万为单位，保留两位小数（四舍五入）"),
        (250000, {"style": "wan"}, ""),  # exact in 万: nothing to say
        (812, {"style": "near", "step": 1000, "band": 100}, "数值不符合“近”的表述条件，报告按实际数表述"),
        (250, {"style": "cn"}, "数值不符合“汉字数字”的表述条件，报告按实际数表述"),
        (4, {"style": "cn"}, ""),
        (0, {"style": "zero"}, ""),
        (12, {"style": "plain"}, ""),
    ],
)
def test_the_rounding_note_says_what_the_wording_stands_for(value, wording, note):
    shown = word(Decimal(value), "次", wording["style"], wording.get("step"), wording.get("band"))
    assert rounding_note(Decimal(value), "次", wording, shown) == note
