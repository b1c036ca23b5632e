"""Targets: last year's plan against this year's figures."""

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from annualreport.base.errors import ParamsError
from annualreport.base.params import load_params
from annualreport.base.targets import check, target_texts
from annualreport.figures.tracking import assess, evaluate, ledger_rows, plan_rows

ROOT = Path(__file__).resolve().parents[2]


def ledger(**values):
    """A ledger of figures: id and value (and the source columns a target's rows copy)."""
    return pd.DataFrame(
        [
            {"id": k, "value": v, "dataset": "d", "rows_used": 1, "inputs": "", "validation": ""}
            for k, v in values.items()
        ],
        columns=["id", "value", "dataset", "rows_used", "inputs", "validation"],
    )


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


CHECKED = {**T[0], "wording": "40门", "reading": "按下限理解：不少于40门"}  # T's targets are not checked


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"id": "x"}, "missing 'label'"),
        ({**CHECKED, "comparison": "~"}, "comparison must be"),
        ({**CHECKED, "colour": 1}, "unknown key"),
        ({**CHECKED, "basis": "ratio"}, "basis must be"),
    ],
)
def test_bad_targets(bad, message):
    with pytest.raises(ParamsError, match=message):
        check([bad], "params/2020.yaml")


# ---------------------------------------------------------------------- the plan's own words and their reading
FULL = {
    "id": "board",
    "label": "再吸引龙头企业",
    "comparison": ">=",
    "target": 3,
    "unit": "家",
    "figure": "board_new_enterprises",
    "wording": "3-4个",
    "reading": "“3-4个”按下限理解：不少于3家",
}


def test_a_full_target_passes_the_check():
    assert check([FULL], "params/2020.yaml") == [FULL]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({k: v for k, v in FULL.items() if k != "wording"}, "missing 'wording'"),
        ({k: v for k, v in FULL.items() if k != "reading"}, "missing 'reading'"),
        ({**FULL, "wording": 3}, "'wording' must be a non-empty string, got 3"),
        ({**FULL, "wording": "  "}, "'wording' must be a non-empty string"),
        ({**FULL, "reading": ["不少于3家"]}, "'reading' must be a non-empty string"),
        ({**FULL, "reading": "按下限理解：不少于4家"}, r"reading must state the target as tracked \('3家'\)"),
        ({**FULL, "target": "三"}, "target must be a number"),
        ({**FULL, "unit": "日期", "target": "5月31日"}, "target must be a date YYYY-MM-DD"),
        ({**FULL, "note": "按下限理解"}, "'note' is now 'reading'"),
    ],
)
def test_wording_and_reading_are_checked(bad, message):
    with pytest.raises(ParamsError, match=message):
        check([bad], "params/2020.yaml")


def test_the_reading_states_the_target_in_its_unit():
    check([{**FULL, "unit": "元", "target": 6000000, "wording": "600万元", "reading": "不低于600万元"}], "x")
    check(
        [{**FULL, "unit": "日期", "target": "2021-05-31", "wording": "5月31日", "reading": "不晚于2021年5月31日"}], "x"
    )
    check([{**FULL, "unit": "个百分点", "target": 3, "wording": "3%以上", "reading": "高出至少3个百分点"}], "x")
    with pytest.raises(ParamsError, match="'2021年5月31日'"):
        check([{**FULL, "unit": "日期", "target": "2021-05-31", "wording": "5月31日", "reading": "不晚于5月31日"}], "x")


def test_plan_rows_print_the_plan_wording_and_keep_the_numeric_target():
    rows = plan_rows([FULL, {**T[2], "wording": "600万元"}, T[0]], ledger(), 2020)
    assert [(r["id"], r["value"], r["display"], r["wording"]) for r in rows] == [
        ("plan.board", "3", "3-4个", "3-4个"),
        ("plan.c", "6000000", "600万元", "600万元"),
        ("plan.a", "40", "40门", "40门"),  # no wording (unchecked input): the number in its unit
    ]
    assert "不低于3家；计划中的表述：3-4个；核对口径：“3-4个”按下限理解：不少于3家" in rows[0]["definition"]
    assert target_texts([FULL]) == {"board": "3-4个"}


def test_tracking_rows_carry_the_wording_and_the_reading():
    cur = ledger(board_new_enterprises="2")
    rows = {r["id"]: r for r in ledger_rows(assess([FULL], cur, None), cur, 2021)}
    plan, target = rows["target.board.plan"], rows["target.board.target"]
    assert (plan["value"], plan["wording"], plan["kind"]) == ("3", "3-4个", "target")
    assert (target["value"], target["display"], target["wording"]) == ("3", "不低于3家", "“3-4个”按下限理解：不少于3家")
    assert (rows["target.board.status"]["wording"], rows["target.board.gap"]["wording"]) == ("未达成", "-1家")
    table = evaluate([FULL], cur, None).set_index("id")
    assert table.loc["board", ["wording", "reading", "target"]].tolist() == ["3-4个", FULL["reading"], "不低于3家"]


def test_the_tracking_table_shows_the_plan_wording_and_the_reading(monkeypatch):
    from annualreport.figures.compute import LEDGER_COLUMNS
    from annualreport.report import captions
    from annualreport.report.views import Report
    from annualreport.typeset.pages import visible_text

    monkeypatch.setattr(Report, "sources", property(lambda self: captions.Sources({}, None)))  # no project here

    cur = ledger(board_new_enterprises="2", patents_filed="24")
    patents = {**T[5], "figure": "patents_filed", "wording": "20项", "reading": "按下限理解：不少于20项"}
    rows = ledger_rows(assess([FULL, patents], cur, None), cur, 2021)
    report = Report(
        params=SimpleNamespace(year=2021),
        outline=SimpleNamespace(sections=[], directory=Path("."), walk=lambda: iter(())),
        ledger=pd.DataFrame([{c: r.get(c, "") for c in LEDGER_COLUMNS} for r in rows], columns=LEDGER_COLUMNS),
        work_dir=Path("."),
    )
    page = report.targets_html()
    cells = [
        [visible_text(c).strip() for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", tr, re.S)]
        for tr in re.findall(r"<tr>.*?</tr>", page, re.S)
    ]
    assert cells == [
        ["目标", "计划表述", "理解为", "实际", "完成情况", "差距"],
        ["再吸引龙头企业", "3-4个", "“3-4个”按下限理解：不少于3家", "2家", "未达成", "-1家"],
        ["专利", "20项", "按下限理解：不少于20项", "24项", "达成", "+4项"],
    ]


# ---------------------------------------------------------------------- the params' targets are the plan's words
def seed_part_three() -> str:
    """Part 三 (三、2021年工作要点) of the seed report, without its line breaks and spaces."""
    seed = (ROOT / "reference" / "seed-2021-work-report.txt").read_text(encoding="utf-8")
    return re.sub(r"\s+", "", seed[seed.index("三、2021") :])


def targets_of(year: int) -> list[dict]:
    return load_params(ROOT / "params" / f"{year}.yaml").data["targets"]


def test_every_2020_target_is_worded_as_the_seed_plan_words_it():
    part3, targets = seed_part_three(), targets_of(2020)
    assert len(targets) == 11
    for t in targets:
        assert t["wording"] in part3, (t["id"], t["wording"])
        # the wording is the number of the plan's own sentence, which the seed carries
        assert t["wording"] in t["seed_wording"] and t["seed_wording"] in part3, t["id"]


@pytest.mark.parametrize("year", [2020, 2021])
def test_the_plan_prose_prints_each_target_in_the_plan_words(year):
    """With `{target.<id>}` printing the wording, each target's sentence reads as the plan's (seed_wording)."""
    targets = targets_of(year)
    texts = target_texts(targets)
    names = {"year": str(year), "next_year": str(year + 1), "prev_year": str(year - 1)}
    prose = "".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "params" / "narrative" / str(year)).glob("*.md"))
    )
    prose = re.sub(r"\{target\.([a-z0-9_]+)\}", lambda m: texts[m.group(1)], prose)
    prose = re.sub(r"\{(year|next_year|prev_year)\}", lambda m: names[m.group(1)], prose)
    for t in targets:
        assert f"{{target.{t['id']}}}" not in prose
        assert t["seed_wording"] in prose, (t["id"], t["seed_wording"])
