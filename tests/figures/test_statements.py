"""Statements: status phrases chosen from the data (figures/phrases.py), the milestone status they
read (ingest/derive.py milestone_status), and the year-before rows that hold up (inputs, validation,
rows that compare nothing left out)."""

from __future__ import annotations

import shutil
import types
from pathlib import Path

import pandas as pd
import pytest

from annualreport.base.errors import SpecError
from annualreport.figures.phrases import load_statements, statement_rows
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
    assert f"取情形{case}" in row["definition"] and "due=" in row["definition"]
    assert (row["dataset"], row["inputs"], row["validation"]) == ("construction", "f sha256:x", "通过")


def test_no_data_no_claim(tmp_path):
    sts = load_statements(project(tmp_path), ["due", "late", "open"])
    (row,) = statement_rows(sts, {"due": fig(""), "late": fig(""), "open": fig("")}, 2020, "某学院")
    assert (row["value"], row["wording"]) == ("", "无数据")
    assert "no value for due" in row["note"] and "缺少数据" in row["definition"]


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
    from annualreport.figures.compute import load_definitions

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


@pytest.mark.build
def test_the_reports_say_what_the_data_say(demo_project):
    """2020's milestones: two on time, two late, one open; the sentence says so and the table has a
    status column. The year-before rows name 2019's raw files and validation; 贫困县 (a fixed list) is
    not compared."""
    from annualreport.typeset.pages import visible_text

    out = demo_project / "outputs" / "2020"
    ledger = pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False).set_index("id")
    text = visible_text((out / "report.html").read_text(encoding="utf-8"))
    progress = ledger.loc["construction_progress"]
    assert progress["kind"] == "statement" and progress["value"] == "5"
    assert progress["wording"] in text and "按项目计划推进" not in text
    assert "滞后" in text and "未完成" in text and "状态" in text
    assert ledger.loc["safety_record", "wording"] in text
    prev = ledger[ledger["kind"] == "previous"]
    assert prev["inputs"].str.contains(r"data/(?:raw/2019|reference)/").all()
    assert prev["validation"].str.startswith("通过").all()
    assert "poverty_counties.previous" not in ledger.index
    assert ledger.loc["think_tank_experts.previous", "value"] == "0"  # the 智库 was founded in 2020
