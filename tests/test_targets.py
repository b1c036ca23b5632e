"""Targets: last year's plan against this year's figures."""

import pandas as pd
import pytest

from annualreport.figures.targets import check, evaluate
from annualreport.project.errors import ParamsError


def ledger(**values):
    return pd.DataFrame([{"id": k, "value": v} for k, v in values.items()])


T = [
    {"id": "a", "label": "课程", "comparison": ">=", "target": 40, "unit": "门", "figure": "courses"},
    {
        "id": "b",
        "label": "就业率提升",
        "comparison": ">=",
        "target": 3,
        "unit": "个百分点",
        "figure": "rate",
        "basis": "change",
    },
    {"id": "c", "label": "培训收入", "comparison": ">=", "target": 6000000, "unit": "元", "figure": "income"},
    {"id": "d", "label": "公寓竣工", "comparison": "<=", "target": "2021-05-31", "unit": "日期", "figure": "dorm"},
    {"id": "e", "label": "事故", "comparison": "==", "target": 0, "unit": "起", "figure": "acc"},
    {"id": "f", "label": "专利", "comparison": ">=", "target": 20, "unit": "项", "figure": "missing"},
]


def test_status_and_gap():
    cur = ledger(courses="42", rate="85.09", income="5230000.00", dorm="2021-05-28", acc="0")
    prev = ledger(rate="81.24")
    r = evaluate(T, cur, prev).set_index("id")
    assert list(r["status"]) == ["达成", "达成", "未达成", "达成", "达成", "无数据"]
    assert r.loc["a", "gap"] == "+2门"
    assert r.loc["b", "actual"] == "+3.85个百分点" and "上年81.24%" in r.loc["b", "note"]
    assert r.loc["c", "target"] == "不低于600万元" and r.loc["c", "gap"] == "-77万元"
    assert r.loc["d", "target"] == "不晚于2021年5月31日" and r.loc["d", "gap"] == "提前3天"
    assert r.loc["e", "target"] == "0起" and r.loc["e", "gap"] == "—"


def test_late_date_and_missing_previous_year():
    r = evaluate([T[3], T[1]], ledger(dorm="2021-09-20", rate="85"), None).set_index("id")
    assert r.loc["d", "status"] == "未达成" and r.loc["d", "gap"] == "延后112天"
    assert r.loc["b", "status"] == "无数据"


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"id": "x"}, "missing 'label'"),
        ({**T[0], "comparison": "~"}, "comparison must be"),
        ({**T[0], "colour": 1}, "unknown key"),
        ({**T[0], "basis": "ratio"}, "basis must be"),
    ],
)
def test_bad_targets(bad, message):
    with pytest.raises(ParamsError, match=message):
        check([bad], "params/2020.yaml")
