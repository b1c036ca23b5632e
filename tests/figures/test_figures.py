"""The figure engine on small frames: filters, measures, exact rounding, dates, per-group minimum."""

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
import pytest

from annualreport.base.errors import SpecError
from annualreport.figures.charts import load_charts
from annualreport.figures.compute import FigureDef, compute, load_definitions

SETS = {"employed": ["协议就业", "升学"]}


def fig(measure, where=None, precision=0, unit="人", dataset="t"):
    return FigureDef(
        id="f",
        section="",
        label="f",
        dataset=dataset,
        unit=unit,
        measure=measure,
        where=where or {},
        precision=precision,
    )


FRAME = pd.DataFrame(
    {
        "id": ["a", "b", "b", "c", "d", "e"],
        "status": ["协议就业", "升学", "升学", "待就业", "协议就业", None],
        "n": pd.array([1, 2, 3, None, 5, 6], dtype="Int64"),
        "on": pd.to_datetime(["2020-01-05", "2020-06-01", "2019-12-31", "2020-12-31", None, "2021-01-01"]),
        "group": ["g1", "g1", "g2", "g2", "g2", "g1"],
        "year": pd.array([2020, 2020, 2019, 2020, 2020, 2020], dtype="Int64"),
    }
)


@pytest.mark.parametrize(
    "measure, where, value",
    [
        ("count", {}, 6),
        ({"distinct": "id"}, {}, 5),
        ({"sum": "n"}, {}, 17),
        ("count", {"status": "升学"}, 2),
        ("count", {"status": ["升学", "待就业"]}, 3),
        ("count", {"status": {"in": "employed"}}, 4),
        ("count", {"status": {"not_in": "employed"}}, 2),
        ("count", {"on": {"within": "year"}}, 3),
        ("count", {"year": {"eq_year": True}}, 5),
        ("count", {"status": {"null": True}}, 1),
        ("count", {"n": {"gte": 3}}, 3),
        ("count", {"on": {"within": "year"}, "status": "升学"}, 1),
    ],
)
def test_filters_and_measures(measure, where, value):
    assert compute(fig(measure, where), FRAME, SETS, 2020).value == Decimal(value)


def test_rates_are_rounded_once_half_up():
    f = compute(fig({"rate": {"status": {"in": "employed"}}}, precision=2, unit="%"), FRAME, SETS, 2020)
    assert f.value == Decimal("66.67") and f.rows_used == 6
    frame = pd.DataFrame({"s": ["y"] * 3136 + ["n"] * 724})
    f = compute(fig({"rate": {"s": "y"}}, precision=2, unit="%"), frame, SETS, 2020)
    assert str(f.value) == "81.24"
    half = pd.DataFrame({"s": ["y"] * 1 + ["n"] * 7})  # 12.5 % -> 13 at precision 0 (half up, not to even)
    assert compute(fig({"rate": {"s": "y"}}, unit="%"), half, SETS, 2020).value == Decimal(13)


def test_rate_of_nothing_is_no_data():
    f = compute(fig({"rate": {"status": "升学"}}, where={"id": "zzz"}, unit="%"), FRAME, SETS, 2020)
    assert f.value is None and f.wording is None and f.note


def test_dates_as_figures():
    f = compute(fig({"max": "on"}, where={"status": "升学"}, unit="日期"), FRAME, SETS, 2020)
    assert f.value == dt.date(2020, 6, 1) and f.ledger_value == "2020-06-01" and f.wording.text == "2020年6月1日"


def test_minimum_count_per_group_counts_empty_groups_as_zero():
    universe = pd.DataFrame({"group": ["g1", "g2", "g3"]})
    m = {"min_count_per": {"column": "group", "universe": {"dataset": "u", "column": "group"}}}
    assert compute(fig(m), FRAME, SETS, 2020, {"u": universe}).value == 0
    assert compute(fig(m), FRAME, SETS, 2020, {"u": universe.iloc[:2]}).value == 3


def test_unknown_column_or_operator_is_a_spec_error():
    with pytest.raises(SpecError, match="column 'nope' is not in the dataset"):
        compute(fig("count", {"nope": 1}), FRAME, SETS, 2020)
    with pytest.raises(SpecError, match="unknown filter operator"):
        compute(fig("count", {"n": {"about": 1}}), FRAME, SETS, 2020)
    with pytest.raises(SpecError, match="unknown measure"):
        compute(fig({"median": "n"}), FRAME, SETS, 2020)


def test_definitions_load_with_unique_ids(root):
    defs, sets = load_definitions(root)
    assert "employment_rate_initial" in defs and "employed" in sets


def test_compare_with_another_column_and_bare_null_key():
    frame = pd.DataFrame(
        {
            "due": pd.to_datetime(["2021-05-31", "2021-08-31", "2021-06-30"]),
            "done": pd.to_datetime(["2021-05-28", "2021-09-20", None]),
        }
    )
    assert compute(fig("count", {"done": {"lte_col": "due"}}), frame, SETS, 2021).value == 1
    assert compute(fig("count", {"done": {None: True}}), frame, SETS, 2021).value == 1


MILESTONES = pd.DataFrame(
    {
        "source_row": [3, 4, 5, 6, 7],
        "project": ["乙楼", "甲楼", "甲楼", "丙楼", "乙楼"],
        "milestone": ["主体2层施工", "主体2层施工", "封顶", "桩基施工", "主体2层施工"],
        "due_on": pd.to_datetime(["2020-10-31", "2020-09-30", "2021-03-31", "2020-11-30", "2020-10-31"]),
    }
)


def test_a_list_names_its_rows_in_order_each_once():
    listed = {"list": {"columns": ["project", "milestone"], "sort": "due_on"}}
    f = compute(fig(listed, {"due_on": {"within": "year"}}, unit="个"), MILESTONES, SETS, 2020)
    # planned order; the repeated 乙楼 row is listed once; the value counts the items, rows_used the rows
    assert (f.value, f.rows_used, f.source_rows) == (Decimal(3), 4, (("", 3), ("", 4), ("", 6), ("", 7)))
    assert f.wording.text == "甲楼主体2层施工、乙楼主体2层施工和丙楼桩基施工" and f.ledger_value == "3"
    # without a sort, the raw file's order (source_row), whatever order the frame is in
    f = compute(fig({"list": "project"}, unit="个"), MILESTONES.iloc[::-1], SETS, 2020)
    assert f.wording.text == "乙楼、甲楼和丙楼"
    assert (
        compute(fig({"list": ["project"]}, {"project": "丁楼"}, unit="个"), MILESTONES, SETS, 2020).wording.text == "无"
    )


@pytest.mark.parametrize(
    ("measure", "wording", "message"),
    [
        ({"list": {"columns": ["project"], "order": "due_on"}}, None, "list is {columns"),
        ({"list": []}, None, "at least one column"),
        ({"list": {"columns": [1]}}, None, "list columns is a column name"),
        ({"list": "project"}, "cn", "takes no wording style"),
    ],
)
def test_a_bad_list_is_a_spec_error(tmp_path, measure, wording, message):
    item = {"id": "f", "label": "f", "dataset": "t", "unit": "个", "measure": measure}
    (tmp_path / "specs" / "figures").mkdir(parents=True)
    spec = json.dumps({"figures": [{**item, **({"wording": wording} if wording else {})}]}, ensure_ascii=False)
    (tmp_path / "specs" / "figures" / "01.yaml").write_text(spec, encoding="utf-8")  # JSON is YAML
    with pytest.raises(SpecError, match=message):
        load_definitions(tmp_path)
    with pytest.raises(SpecError, match=r"list column\(s\) \['nope'\] not in the dataset"):
        compute(fig({"list": ["project", "nope"]}, unit="个"), MILESTONES, SETS, 2020)


def test_a_chart_cannot_list(tmp_path):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "charts.yaml").write_text(
        "charts:\n  - {id: x, title: t, dataset: d, group: g, unit: 个, measure: {list: name}}\n", encoding="utf-8"
    )
    with pytest.raises(SpecError, match="a bar is a number"):
        load_charts(tmp_path)
