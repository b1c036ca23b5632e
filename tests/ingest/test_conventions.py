"""The college's conventions (params `conventions:`), counts as platforms write them (10万+), and the stop
when a rule fails almost every row of a file (a convention mismatch, not bad rows)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from annualreport.base import conventions
from annualreport.base.errors import InputError, ParamsError
from annualreport.base.params import load_params
from annualreport.base.paths import expectations_dir
from annualreport.figures.compute import FigureDef, compute
from annualreport.ingest import normalize as nz
from annualreport.ingest.cells import CleanContext
from annualreport.ingest.mismatch import ConventionError
from annualreport.ingest.readers import read_csv
from annualreport.ingest.sheet import clean_sheet
from annualreport.ingest.specs import load_specs
from annualreport.validation.suites import spec_parameters, suite_files
from annualreport_dev.suitegen import scaffold
from tests.helpers import ROOT

MINIMAL = {"year": 2020, "institution": {"name": "某职业学院"}}
STAFF_HEADER = "工号,姓名,部门,岗位类别,变动类型,生效日期\n"


def params_with(tmp_path, conv: dict | None = None):
    data = dict(MINIMAL, **({"conventions": conv} if conv is not None else {}))
    (tmp_path / "params").mkdir(exist_ok=True)
    path = tmp_path / "params" / "2020.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_params(path, root=tmp_path)


def context(conv: dict | None = None, **extra) -> CleanContext:
    return CleanContext(
        year=2020,
        date_min=pd.Timestamp("2020-01-01"),
        date_max=pd.Timestamp("2020-12-31 23:59:59"),
        conventions={**(conv or {}), **extra},
        params_file="params/2020.yaml",
    )


def staff_sheet(tmp_path, ids: list[str]):
    rows = "".join(f"{i},某某,机械工程学院,专任教师,公开招聘,2020-09-01\n" for i in ids)
    path = tmp_path / "staff.csv"
    path.write_text(STAFF_HEADER + rows, encoding="utf-8")
    return read_csv(path, "data/raw/2020/staff.csv")


# ---------------------------------------------------------------------------------------- params
def test_defaults_are_permissive_except_the_contracts_own_formats(tmp_path):
    conv = params_with(tmp_path).data["conventions"]
    assert conv["candidate_id"] == r"\d{14}" and conv["student_id"] == r"\d{10,12}"
    assert conv["mismatch_share"] == 0.9 and conv["mismatch_min_rows"] == 10
    for key in ("staff_id", "teacher_id", "lead_id", "course_code", "major_code", "term", "project_id"):
        pattern = conv[key]
        for ok in ("G00001", "2020302", "KY2020-063", "轻工-01", "2019-2020学年第二学期"):
            assert re.fullmatch(pattern, ok), (key, ok)
        for bad in ("=A1+1", "+1", "@x", "G 0001", ""):
            assert not re.fullmatch(pattern, bad), (key, bad)


def test_params_set_the_colleges_formats(tmp_path):
    conv = params_with(tmp_path, {"staff_id": r"G\d{5}", "student_id": r"S\d{5}"}).data["conventions"]
    assert conv["staff_id"] == r"G\d{5}" and conv["student_id"] == r"S\d{5}" and conv["candidate_id"] == r"\d{14}"
    demo = load_params(ROOT / "params" / "2020.yaml", root=ROOT).data["conventions"]
    assert demo["staff_id"] == r"\d{7}" and demo["teacher_id"] == r"\d{6}"


@pytest.mark.parametrize(
    ("conv", "says"),
    [
        ({"staff_id": r"G(\d{5}"}, "'conventions.staff_id' is not a valid regular expression"),
        ({"teacher_id": r"\d*"}, "'conventions.teacher_id' matches an empty value"),
        ({"mismatch_share": 1.5}, "'conventions.mismatch_share' must be a share"),
        ({"staff_id": 1234567}, "'conventions.staff_id' must be a string"),
        ({"staff_no": r"\d+"}, "unknown key 'conventions.staff_no'"),
    ],
)
def test_a_bad_convention_is_a_params_error_naming_the_key(tmp_path, conv, says):
    with pytest.raises(ParamsError, match=re.escape(says)):
        params_with(tmp_path, conv)


def test_specs_name_a_convention_and_keep_a_pattern_only_where_the_contract_fixes_one():
    specs = load_specs(ROOT)
    patterns = {(s.name, c.name) for s in specs.values() for c in s.canonical if c.pattern}
    assert patterns == {("patents", "application_no")}  # the CN application number
    ids = [c for s in specs.values() for c in s.canonical if c.type == "id" and not c.pattern]
    assert all(c.convention for c in ids), [c.header for c in ids if not c.convention]
    assert specs["staff_changes"].column("staff_id").convention == "staff_id"
    assert specs["admissions"].column("candidate_id").convention == "candidate_id"


# ---------------------------------------------------------------------------------------- cleaning
def test_an_id_follows_the_convention_in_the_params(tmp_path):
    spec = load_specs(ROOT)["staff_changes"]
    sheet = staff_sheet(tmp_path, ["G00001", "G00002", "2020302"])
    assert len(clean_sheet(spec, sheet, context()).frame) == 3  # the default: any code
    r = clean_sheet(spec, sheet, context({"staff_id": r"\d{7}"}))
    assert list(r.frame["staff_id"]) == ["2020302"]
    assert set(r.quarantine["rule"]) == {"bad_id"}
    assert "conventions.staff_id" in r.quarantine["reason"].iloc[0]


def test_a_convention_can_depend_on_another_column(tmp_path):
    spec = load_specs(ROOT)["awards"]
    path = tmp_path / "awards.csv"
    path.write_text(
        "获奖人类型,学号/工号,获奖人,赛事或荣誉名称,级别,奖项,获奖日期\n"
        "学生,S00067,甲,技能大赛,市级,一等奖,2020-05-01\n"
        "教师,G00001,乙,先进教师,院级,荣誉称号,2020-06-01\n"
        "学生,G00002,丙,技能大赛,市级,二等奖,2020-05-01\n",
        encoding="utf-8",
    )
    sheet = read_csv(path, "awards.csv")
    r = clean_sheet(spec, sheet, context({"student_id": r"S\d{5}", "teacher_id": r"G\d{5}"}))
    assert list(r.frame["person_id"]) == ["S00067", "G00001"]
    assert "conventions.student_id" in r.quarantine["reason"].iloc[0]


# ---------------------------------------------------------------------------------------- 10万+
@pytest.mark.parametrize(
    ("raw", "value", "lower"),
    [
        ("10万+", 100_000, True),
        ("1.2万", 12_000, False),
        ("100000+", 100_000, True),
        ("8,253", 8253, False),
        ("１０万＋", 100_000, True),
        (8253.0, 8253, False),
    ],
)
def test_counts_are_read_as_platforms_write_them(raw, value, lower):
    n = nz.count(raw)
    assert n == value and isinstance(n, nz.AtLeast) is lower


@pytest.mark.parametrize("raw", ["待统计", "1.23456万", "约"])
def test_a_count_that_is_not_one_is_a_bad_value(raw):
    with pytest.raises(ValueError, match="expected a"):
        nz.count(raw)


def test_a_lower_bound_is_flagged_and_a_sum_of_it_says_so_in_the_ledger_note(tmp_path):
    spec = load_specs(ROOT)["media_posts"]
    path = tmp_path / "media_posts.csv"
    path.write_text(
        "平台,发布日期,标题,阅读量\n微信公众号,2020-03-01,甲,10万+\n微信公众号,2020-03-02,乙,1.2万\n"
        "微信公众号,2020-03-03,丙,8253\n微信公众号,2020-03-04,丁,待统计\n",
        encoding="utf-8",
    )
    r = clean_sheet(spec, read_csv(path, "media_posts.csv"), context())
    assert list(r.frame["views"]) == [100_000, 12_000, 8253]
    assert list(r.frame["views_at_least"]) == [True, False, False]
    assert list(r.quarantine["rule"]) == ["bad_value"]
    defn = FigureDef(id="views", section="", label="阅读量", dataset="media_posts", unit="次", measure={"sum": "views"})
    fig = compute(defn, r.frame, {}, 2020)
    assert fig.value == 120_253 and fig.note.startswith("下限：其中1行")
    assert compute(defn, r.frame.iloc[1:], {}, 2020).note == ""


# ---------------------------------------------------------------------------------------- mismatch
def test_a_rule_failing_almost_every_row_stops_the_run_with_one_message(tmp_path):
    spec = load_specs(ROOT)["staff_changes"]
    ids = [f"G{n:05d}" for n in range(1, 12)] + ["2020302"]  # 11 of 12 rows (92%) fail \d{7}
    with pytest.raises(ConventionError) as info:
        clean_sheet(spec, staff_sheet(tmp_path, ids), context({"staff_id": r"\d{7}"}))
    msg = str(info.value)
    assert isinstance(info.value, InputError) and info.value.column == "工号"
    assert msg.startswith(
        "file data/raw/2020/staff.csv, column 工号: 11 of 12 data rows (92%) fail the same rule bad_id"
    )
    assert "conventions.staff_id" in msg and "params/2020.yaml" in msg and r"'\d{7}'" in msg
    assert "'G0****', 'G0****', 'G0****'" in msg  # persons' IDs masked
    assert "G00001" not in msg


def test_masking_keeps_the_first_four_and_the_last_two_characters():
    assert conventions.mask("20193092774") == "2019*****74" and conventions.mask("G00001") == "G0****"


def test_small_files_and_most_but_not_almost_all_rows_are_quarantined_as_before(tmp_path):
    spec = load_specs(ROOT)["staff_changes"]
    conv = {"staff_id": r"\d{7}"}
    few = clean_sheet(spec, staff_sheet(tmp_path, [f"G{n:05d}" for n in range(1, 10)]), context(conv))
    assert len(few.quarantine) == 9  # 9 rows: below mismatch_min_rows
    ids = [f"G{n:05d}" for n in range(1, 9)] + [f"20203{n:02d}" for n in range(4)]  # 8 of 12 fail
    assert len(clean_sheet(spec, staff_sheet(tmp_path, ids), context(conv)).quarantine) == 8
    ids = [f"G{n:05d}" for n in range(1, 12)] + ["2020302"]
    relaxed = clean_sheet(spec, staff_sheet(tmp_path, ids), context(conv, mismatch_share=1.0))
    assert len(relaxed.quarantine) == 11


def test_the_message_says_the_contract_fixes_a_format_and_other_rules_are_named(tmp_path):
    spec = load_specs(ROOT)["staff_changes"]
    path = tmp_path / "staff.csv"
    path.write_text(STAFF_HEADER + "".join(f"{2020300 + n},某,部门,专任教师,公开招聘,2019-05-01\n" for n in range(12)))
    with pytest.raises(ConventionError, match=r"12 of 12 data rows \(100%\) fail the same rule date_out_of_range"):
        clean_sheet(spec, read_csv(path, "staff.csv"), context())


# ---------------------------------------------------------------------------------------- suites
RESTATED = ("regex", "value_set", "min_value", "max_value")


def restated(spec, suite: dict) -> list[str]:
    """The suite's literal kwargs that restate a rule the spec (or the college's conventions) holds."""
    out = []
    for i, exp in enumerate(suite["expectations"]):
        kw = exp["kwargs"]
        try:
            col = spec.column(kw.get("column", ""))
        except KeyError:
            continue
        lit = {k: v for k, v in kw.items() if k in RESTATED and v is not None and not isinstance(v, dict)}
        if "regex" in lit and (col.pattern or col.convention):
            out.append(f"{spec.name} #{i + 1}: regex on {col.name}")
        if "value_set" in lit and col.allowed and set(lit["value_set"]) == set(col.allowed):
            out.append(f"{spec.name} #{i + 1}: value_set of {col.name}")
        if lit.get("min_value") is not None and lit["min_value"] == col.min:
            out.append(f"{spec.name} #{i + 1}: min of {col.name}")
        if lit.get("max_value") is not None and lit["max_value"] == col.max:
            out.append(f"{spec.name} #{i + 1}: max of {col.name}")
    return out


def test_no_suite_restates_a_rule_its_spec_holds():
    specs = load_specs(ROOT)
    found = [x for name, suite in suite_files(ROOT).items() for x in restated(specs[name], suite.data)]
    assert not found, found


def test_the_checker_catches_a_restated_rule():
    spec = load_specs(ROOT)["staff_changes"]
    suite = {"expectations": [{"type": "t", "kwargs": {"column": "staff_id", "regex": r"^\d{7}$"}, "meta": {}}]}
    assert restated(spec, suite) == ["staff_changes #1: regex on staff_id"]


def test_every_id_format_is_checked_by_its_suite_through_a_parameter_it_is_given():
    specs = load_specs(ROOT)
    params = load_params(ROOT / "params" / "2020.yaml", root=ROOT)
    for name, suite in suite_files(ROOT).items():
        given = spec_parameters(specs[name], params.data["conventions"])
        used = {v["$PARAMETER"] for e in suite.expectations for v in e["kwargs"].values() if isinstance(v, dict)}
        spec_names = {u for u in used if u.split("_")[0] in ("pattern", "allowed", "min", "max")}
        assert spec_names <= set(given), (name, spec_names - set(given))
        assert {k for k in given if k.startswith("pattern_")} <= used, name
    assert spec_parameters(specs["staff_changes"], params.data["conventions"])["pattern_staff_id"] == r"^(?:\d{7})$"


def test_suitegen_restates_nothing():
    for spec in load_specs(ROOT).values():
        assert not restated(spec, scaffold(spec)), spec.name


def test_suites_are_readable_files():
    text = (expectations_dir(ROOT) / "staff_changes.json").read_text(encoding="utf-8")
    exp = next(
        e
        for e in json.loads(text)["expectations"]
        if e["kwargs"].get("column") == "staff_id" and "regex" in e["kwargs"]
    )
    assert exp["kwargs"]["regex"] == {"$PARAMETER": "pattern_staff_id"}
    assert "conventions.staff_id" in exp["meta"]["description"]


@pytest.mark.slow
def test_the_suites_id_check_follows_the_colleges_convention(tmp_path):
    from annualreport.validation.run import run_suite
    from annualreport.validation.suites import suite_parameters

    spec = load_specs(ROOT)["staff_changes"]
    frame = clean_sheet(spec, staff_sheet(tmp_path, ["G00001", "G00002"]), context()).frame
    demo = load_params(ROOT / "params" / "2020.yaml", root=ROOT)
    suite = suite_files(ROOT)["staff_changes"]
    index = next(i for i, e in enumerate(suite.expectations) if e["kwargs"].get("regex"))
    results = {}
    for name, conv in (("demo", demo.data["conventions"]), ("letters", {"staff_id": r"G\d{5}"})):
        parameters = {**suite_parameters(demo, "staff_changes", {}), **spec_parameters(spec, conv)}
        results[name] = run_suite(suite, frame, parameters)[0]["results"][index]["success"]
    assert results == {"demo": False, "letters": True}
