"""Statements: status phrases chosen from the data (figures/phrases.py), the milestone status they
read (ingest/derive.py milestone_status), construction_progress on construction ledgers of its own (on plan,
late, unfinished, not yet due), and the year-before rows that hold up (inputs, validation, rows that compare
nothing left out)."""

from __future__ import annotations

import re
import shutil
import types
from pathlib import Path

import pandas as pd
import pytest

from annualreport.base.errors import SpecError
from annualreport.base.outline import load_outline
from annualreport.figures.compute import compute_all, load_definitions
from annualreport.figures.phrases import load_statements, statement_rows
from annualreport.figures.rows import row_tables
from annualreport.ingest.derive import milestone_status

ROOT = Path(__file__).resolve().parents[2]

SPEC = """
figures:
  - {id: due, label: 计划, dataset: construction, unit: 个}
  - {id: late, label: 滞后, dataset: construction, unit: 个}
  - {id: open, label: 未完成, dataset: construction, unit: 个}
statements:
  - id: progress
    section: 一(九)
    label: 推进情况
    cases:
      - when: {due: {gt: 0}, late: 0, open: 0}
        text: 按项目计划推进
      - when: {open: 0}
        text: 有序推进，{due}节点中{late}滞后
      - text: 持续推进，{open}节点尚未完成
"""


def project(tmp_path: Path, spec: str = SPEC) -> Path:
    (tmp_path / "specs" / "figures").mkdir(parents=True)
    shutil.copy(ROOT / "specs" / "terms.yaml", tmp_path / "specs" / "terms.yaml")
    (tmp_path / "specs" / "figures" / "01.yaml").write_text(spec, encoding="utf-8")
    return tmp_path


def fig(value, unit="个", dataset="construction") -> dict:
    from annualreport.base.wording import word

    text = "无数据" if value == "" else word(value, unit).text
    return {
        "value": str(value),
        "unit": unit,
        "wording": text,
        "dataset": dataset,
        "inputs": "f sha256:x",
        "validation": "通过",
    }


@pytest.mark.parametrize(
    ("values", "case", "text"),
    [
        ({"due": 5, "late": 0, "open": 0}, "1", "按项目计划推进"),
        ({"due": 5, "late": 2, "open": 0}, "2", "有序推进，5个节点中2个滞后"),
        ({"due": 5, "late": 2, "open": 1}, "3", "持续推进，1个节点尚未完成"),
        ({"due": 0, "late": 0, "open": 0}, "2", "有序推进，0个节点中0个滞后"),
    ],
)
def test_the_first_case_that_holds_is_printed(tmp_path, values, case, text):
    sts = load_statements(project(tmp_path), ["due", "late", "open"])
    (row,) = statement_rows(sts, {k: fig(v) for k, v in values.items()}, 2020, "某学院")
    assert (row["id"], row["kind"], row["value"], row["wording"]) == ("progress", "statement", case, text)
    assert f"取情形{case}" in row["definition"] and "“due”=" in row["definition"]
    assert (row["dataset"], row["inputs"], row["validation"]) == ("construction", "f sha256:x", "通过")


def test_no_data_no_claim(tmp_path):
    sts = load_statements(project(tmp_path), ["due", "late", "open"])
    (row,) = statement_rows(sts, {"due": fig(""), "late": fig(""), "open": fig("")}, 2020, "某学院")
    assert (row["value"], row["wording"]) == ("", "无数据")
    assert "缺少数值：“due”" in row["note"] and "缺少数据" in row["definition"]


@pytest.mark.parametrize(
    ("cases", "message"),
    [
        ("- {when: {due: 0}, text: 甲}\n      - {when: {due: 1}, text: 乙}", "the last case has no `when`"),
        ("- {text: 甲}\n      - {text: 乙}", "only the last case may omit"),
        ("- {when: {nope: 0}, text: 甲}\n      - {text: 乙}", "unknown figure"),
        ("- {when: {due: {about: 1}}, text: 甲}\n      - {text: 乙}", "must be one of"),
        ("- {when: {due: many}, text: 甲}\n      - {text: 乙}", "is not a number"),
        ("- {when: {due: 0}, text: 完成3个}\n      - {text: 乙}", "typed digits"),
        ("- {when: {due: 0}}\n      - {text: 乙}", "text required"),
    ],
)
def test_a_bad_statement_is_an_error(tmp_path, cases, message):
    spec = SPEC.split("    cases:")[0] + "    cases:\n      " + cases + "\n"
    with pytest.raises(SpecError, match=message):
        load_statements(project(tmp_path, spec), ["due", "late", "open"])


def test_a_statement_id_may_not_be_a_figure_id(tmp_path):
    with pytest.raises(SpecError, match="already a figure"):
        load_statements(project(tmp_path), ["due", "late", "open", "progress"])


def test_the_specs_statements_load():
    defs, _ = load_definitions(ROOT)
    sts = load_statements(ROOT, defs)
    assert {"construction_progress", "safety_record", "poverty_graduates_employment"} <= set(sts)


def test_milestone_status_at_the_end_of_the_report_year():
    frame = pd.DataFrame(
        {
            "due_on": pd.to_datetime(["2020-05-31", "2020-05-31", "2020-12-31", "2021-03-31", "2021-03-31"]),
            "done_on": pd.to_datetime(["2020-05-31", "2020-06-12", None, None, "2020-12-01"]),
        }
    )
    out = milestone_status(frame, types.SimpleNamespace(year=2020))
    assert list(out["status"]) == ["按期", "滞后", "未完成", "未到期", "按期"]
    assert "status" not in frame


# --------------------------------------------------------------------------------------------
# construction_progress (specs/figures/09-construction.yaml) on construction ledgers of its own: the demo's
# 2020 milestones are all done on plan (as the seed says), so the late, unfinished and not-yet-due cases are
# held here, through the real figures, statement and row table, on small frames as the clean stage gives them.

PLAN_2020 = [  # (project, milestone, planned, done): what every case starts from, all on plan
    ("甲楼", "基础施工", "2019-12-31", "2020-01-10"),  # planned for the year before: not this year's statement
    ("甲楼", "主体一次结构2层施工", "2020-09-30", "2020-09-25"),
    ("乙楼", "主体一次结构2层施工", "2020-10-31", "2020-10-28"),
    ("丙楼、地下工程", "桩基施工及验收", "2020-11-30", "2020-11-26"),
    ("甲楼", "整体竣工交付", "2021-05-31", None),  # planned for the next year: not due
]
COUNTS = (
    "construction_milestones_due",
    "construction_milestones_on_time",
    "construction_milestones_late",
    "construction_milestones_open",
    "construction_milestones_due_done",
)


def construction_frame(changes: dict[int, tuple] | None = None, year: int = 2020) -> pd.DataFrame:
    """PLAN_2020 with rows replaced (index -> (project, milestone, planned, done)) as the clean stage gives it,
    its status derived at the end of `year`."""
    plan = [(changes or {}).get(i, row) for i, row in enumerate(PLAN_2020)]
    frame = pd.DataFrame(
        {
            "source_row": range(3, 3 + len(plan)),
            "project": pd.array([r[0] for r in plan], dtype="string"),
            "milestone": pd.array([r[1] for r in plan], dtype="string"),
            "due_on": pd.to_datetime([r[2] for r in plan]),
            "done_on": pd.to_datetime([r[3] for r in plan]),
        }
    )
    return milestone_status(frame, types.SimpleNamespace(year=year))


def construction_ledger(changes: dict[int, tuple] | None = None, year: int = 2020) -> dict[str, dict]:
    """The ledger rows (figures and statements, by id) of `construction_frame(changes)`, from the real specs."""
    frames = {"construction": construction_frame(changes, year)}
    ledger = compute_all(frames, year, {"construction": "f sha256:x"}, {"construction": "通过"}, ROOT)
    figures = {r["id"]: r for r in ledger.to_dict("records")}
    defs, _ = load_definitions(ROOT)
    for row in statement_rows(load_statements(ROOT, defs), figures, year, "某学院"):
        figures[row["id"]] = row
    return figures


@pytest.mark.parametrize(
    ("changes", "counts", "case", "text"),
    [
        (
            {},
            (3, 3, 0, 0, 3),
            "1",
            "已按项目计划完成甲楼主体一次结构2层施工、乙楼主体一次结构2层施工和丙楼、地下工程桩基施工及验收工作",
        ),
        (  # one late
            {3: ("丙楼、地下工程", "桩基施工及验收", "2020-11-30", "2020-12-10")},
            (3, 2, 1, 0, 3),
            "3",
            "持续推进，本年度计划完成的3个节点均已完成，其中1个滞后于计划",
        ),
        (  # one not done at the year's end
            {3: ("丙楼、地下工程", "桩基施工及验收", "2020-11-30", None)},
            (3, 2, 0, 1, 2),
            "4",
            "持续推进，本年度计划完成的3个节点中，按期完成2个、尚未完成1个",
        ),
        (  # one late and one not done
            {
                2: ("乙楼", "主体一次结构2层施工", "2020-10-31", "2020-11-20"),
                3: ("丙楼、地下工程", "桩基施工及验收", "2020-11-30", None),
            },
            (3, 1, 1, 1, 2),
            "5",
            "持续推进，本年度计划完成的3个节点中，按期完成1个、滞后完成1个、尚未完成1个",
        ),
        (  # nothing planned for the year: every milestone of the year re-planned for the next, none due
            {i: (p, m, "2021-06-30", None) for i, (p, m, _, _) in enumerate(PLAN_2020) if i in (1, 2, 3)},
            (0, 0, 0, 0, 0),
            "2",
            "持续推进",
        ),
    ],
    ids=["on-plan", "late", "unfinished", "late-and-unfinished", "none-due"],
)
def test_construction_progress_says_what_its_milestones_say(changes, counts, case, text):
    ledger = construction_ledger(changes)
    assert tuple(int(ledger[f]["value"]) for f in COUNTS) == counts
    progress = ledger["construction_progress"]
    assert (progress["kind"], progress["value"], progress["wording"]) == ("statement", case, text)
    assert f"取情形{case}" in progress["definition"] and progress["inputs"] == "f sha256:x"
    assert ("按项目计划" in text) is (case == "1")


def test_the_milestones_done_on_plan_are_listed_in_their_planned_order():
    listed = construction_ledger({1: ("甲楼", "主体一次结构2层施工", "2020-11-15", "2020-11-10")})
    row = listed["construction_milestones_on_time_list"]
    assert (row["value"], row["unit"], row["rows_used"]) == ("3", "个", 3)
    assert row["wording"] == "乙楼主体一次结构2层施工、甲楼主体一次结构2层施工和丙楼、地下工程桩基施工及验收"
    late = construction_ledger({3: ("丙楼、地下工程", "桩基施工及验收", "2020-11-30", "2020-12-10")})
    assert late["construction_milestones_on_time_list"]["wording"] == "甲楼主体一次结构2层施工和乙楼主体一次结构2层施工"


def test_the_milestone_table_shows_each_status():
    late, open_ = (
        ("乙楼", "主体一次结构2层施工", "2020-10-31", "2020-11-20"),
        ("丙楼、地下工程", "桩基施工及验收", "2020-11-30", None),
    )
    frame = construction_frame({2: late, 3: open_})
    cells = row_tables(load_outline(ROOT / "params" / "narrative" / "2020"), {"construction": frame}, {}, 2020)
    table = cells[cells["table"] == "construction_table"]
    assert table[table["column"] == "状态"]["value"].tolist() == ["滞后", "按期", "滞后", "未完成", "未到期"]  # by plan
    assert table[(table["row"] == 4) & (table["column"] == "实际完成日期")]["value"].tolist() == ["—"]


def seed_sentence(start: str) -> str:
    """The sentence of the seed report (reference/seed-2021-work-report.txt) that starts with `start`, without the
    spaces and line breaks of its text layer."""
    seed = re.sub(r"\s+", "", (ROOT / "reference" / "seed-2021-work-report.txt").read_text(encoding="utf-8"))
    at = seed.index(start)
    return seed[at : seed.index("。", at) + 1]


@pytest.mark.build
def test_the_reports_say_what_the_data_say(demo_project):
    """2020's milestones are all done on plan, so 一（九） prints the seed's sentence, the milestones it names
    taken from the data (the other cases: construction ledgers of their own, above); 2021's one late milestone
    is said so. The year-before rows name 2019's raw files and validation; 贫困县 (a fixed list) is not
    compared."""
    from annualreport.typeset.pages import visible_text

    out = demo_project / "outputs" / "2020"
    ledger = pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False).set_index("id")
    text = visible_text((out / "report.html").read_text(encoding="utf-8"))
    progress = ledger.loc["construction_progress"]
    assert progress["kind"] == "statement" and progress["value"] == "1"
    assert progress["wording"] in text
    assert seed_sentence("目前学院产教融合工程中心") in re.sub(r"\s+", "", text)  # to its 。: no 见表N after it
    assert ledger.loc["construction_milestones_on_time_list", "value"] == "3"
    later = pd.read_csv(demo_project / "outputs" / "2021" / "figures.csv", dtype=str, keep_default_na=False)
    later = later.set_index("id")
    assert (
        later.loc["construction_progress", "wording"] == "持续推进，本年度计划完成的9个节点均已完成，其中1个滞后于计划"
    )
    assert ledger.loc["safety_record", "wording"] in text
    prev = ledger[ledger["kind"] == "previous"]
    assert prev["inputs"].str.contains(r"data/(?:raw/2019|reference)/").all()
    assert prev["validation"].str.startswith("通过").all()
    assert "poverty_counties.previous" not in ledger.index
    # the 智库 was founded in 2020 (since: 2020): its year before reads 新增, not a change from 0
    assert tuple(ledger.loc["think_tank_experts.previous", ["value", "display"]]) == ("", "新增")
