"""Staff (人事处), safety (保卫处) and construction (基建处): the committed demo files, cleaned in-process,
give the published 2020 figures and the planned 2021 outcomes; every file's rows add up; every kind
of mess and every quarantined row written by demo/gen_staff_safety.py is handled as the contract says."""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from decimal import Decimal

import pandas as pd
import pytest

from annualreport.figures.compute import compute, load_definitions
from annualreport.ingest.cells import CleanContext
from annualreport.ingest.readers import read_xlsx
from annualreport.ingest.sheet import clean_sheet
from annualreport.ingest.specs import load_specs
from annualreport_dev.demo import gen_staff_safety as gen
from annualreport_dev.demo import generate as demo_generate
from annualreport_dev.demo.common import YearFiles
from annualreport_dev.demo.writers import write_xlsx

DATASETS = ("staff_changes", "experts", "accidents", "hazards", "construction")
YEARS = (2019, 2020, 2021)
# Published datasets -> the tables of this project that hold them (the safety workbook has two).
PUBLISHED_DATASETS = {"staff_changes", "experts", "safety"}
FILES = {
    "staff.xlsx": ("staff_changes", "experts"),
    "safety.xlsx": ("accidents", "hazards"),
    "construction.xlsx": ("construction",),
}


@pytest.fixture(scope="module")
def cleaned(cleaned_years):
    """This group's datasets of every demo year, from the session's cleaned demo years: {dataset: CleanResult}."""
    return {year: {name: cleaned_years[year].results[name] for name in DATASETS} for year in YEARS}


@pytest.fixture(scope="module")
def definitions(root):
    return load_definitions(root)


def figure(definitions, results, fid, year):
    defs, sets = definitions
    frames = {name: r.frame for name, r in results.items()}
    return compute(defs[fid], frames[defs[fid].dataset], sets, year, frames)


# --------------------------------------------------------------------------------------------
# (a) the published 2020 figures


def published_rows(root):
    with open(root / "reference" / "published-2020.csv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["dataset"] in PUBLISHED_DATASETS]


def test_every_published_figure_of_the_group_is_defined(root, definitions):
    defs, _ = definitions
    rows = published_rows(root)
    assert len(rows) == 12
    for r in rows:
        assert r["figure_id"] in defs, r["figure_id"]
        d = defs[r["figure_id"]]
        assert d.unit == r["unit"] and d.label == r["label_zh"] and d.section == r["section"], r["figure_id"]
        expected = {"accidents", "hazards"} if r["dataset"] == "safety" else {r["dataset"]}
        assert d.dataset in expected, r["figure_id"]


def test_published_2020_figures_match(root, cleaned, definitions):
    for r in published_rows(root):
        fig = figure(definitions, cleaned[2020], r["figure_id"], 2020)
        assert fig.value == Decimal(r["value"]), (r["figure_id"], fig.value, r["value"])
        seed = r["seed_wording"].replace(" ", "")
        w = fig.wording
        assert w.text in seed or w.display in seed, (r["figure_id"], w, seed)
        assert not w.note, (r["figure_id"], w.note)


def test_2020_safety_words(cleaned, definitions):
    """零 for the zero-accident figures, 百分之百 for the full rectification rate, as the seed prints."""
    r2020 = cleaned[2020]
    assert figure(definitions, r2020, "safety_accidents", 2020).wording.display == "零"
    assert figure(definitions, r2020, "special_equipment_accidents", 2020).wording.display == "零"
    rate = figure(definitions, r2020, "hazard_rectification_rate", 2020)
    assert rate.wording.text == "百分之百" and rate.rows_used == 43  # the two carried-over hazards excluded


# --------------------------------------------------------------------------------------------
# (b) row accounting


@pytest.mark.parametrize("year", YEARS)
def test_row_accounting_balances_for_every_file(cleaned, year):
    for name, r in cleaned[year].items():
        a = r.accounting
        assert a.balanced, a
        assert a.header_row, a
        if (name, year) == ("accidents", 2020):
            assert a.data_rows == 0 and a.clean_rows == 0  # header and no rows: zero accidents, valid
        else:
            assert a.data_rows > 0 and a.clean_rows > 0, a


def test_empty_accidents_sheet_is_a_valid_year(cleaned):
    r = cleaned[2020]["accidents"]
    assert r.frame.empty and r.quarantine.empty
    assert list(r.frame.columns) == ["source_row", "source_sheet", "occurred_on", "category"]
    assert str(r.frame["occurred_on"].dtype).startswith("datetime64")


# --------------------------------------------------------------------------------------------
# (c) quarantine rules and accepted mess

QUARANTINE = {  # dataset -> (sorted rule ids of the quarantined rows, exact duplicates dropped)
    "staff_changes": (
        ["bad_id", "bad_value", "date_out_of_range", "key_conflict", "key_conflict", "missing_required", "not_in_set"],
        2,
    ),
    "experts": (["bad_id", "bad_value", "missing_required", "missing_required", "not_in_set"], 1),
    "hazards": (["bad_value", "key_conflict", "key_conflict", "missing_required", "not_in_set"], 2),
    "construction": (["bad_value", "missing_required"], 1),
}


@pytest.mark.parametrize("year", YEARS)
def test_quarantine_rules_per_file(cleaned, year):
    for name, (rules, dups) in QUARANTINE.items():
        r = cleaned[year][name]
        assert sorted(r.quarantine["rule"]) == rules, (name, year)
        assert r.accounting.duplicate_rows == dups, (name, year)
    accidents = cleaned[year]["accidents"].quarantine
    assert list(accidents["rule"]) == (["not_in_set"] if year == 2019 else [])


def test_quarantine_names_the_column(cleaned):
    q = cleaned[2020]["staff_changes"].quarantine.set_index("rule")
    assert q.loc["date_out_of_range", "column"] == "生效日期"
    assert q.loc["bad_id", "column"] == "工号"
    assert q.loc["not_in_set", "column"] == "变动类型"
    experts = cleaned[2020]["experts"].quarantine
    unknown = experts[experts["column"] == "证件后四位、姓名"]
    assert list(unknown["rule"]) == ["missing_required"]  # neither 工号 nor name: the person is unknown
    hazards = cleaned[2020]["hazards"].quarantine
    assert set(hazards.loc[hazards["rule"] == "key_conflict", "hazard_id"]) == {"YH2020-904"}


def test_manifest_entries_of_the_group_are_handled(root, cleaned):
    with open(root / "data" / "raw" / "mess-manifest.csv", encoding="utf-8") as f:
        entries = [r for r in csv.DictReader(f) if r["file"] in FILES]
    kinds = {r["mess"] for r in entries}
    assert {
        "empty_sheet",
        "fullwidth_brackets",
        "numbers_as_text",
        "excel_serial_dates",
        "stray_spaces",
        "quarantine:date_out_of_range",
        "quarantine:bad_id",
        "quarantine:key_conflict",
    } <= kinds
    for e in entries:
        results = [cleaned[int(e["year"])][n] for n in FILES[e["file"]]]
        kind = e["mess"]
        if kind.startswith("quarantine:"):
            assert any(kind.split(":")[1] in set(r.quarantine["rule"]) for r in results), e
        elif kind == "empty_sheet":
            assert any(r.accounting.data_rows == 0 and r.accounting.header_row for r in results), e
        elif kind == "unknown_column":
            assert any(r.ignored_columns for r in results), e
        elif kind in ("title_row", "merged_title"):
            assert any(r.accounting.title_rows for r in results), e
        elif kind == "note_rows":
            assert any(r.accounting.note_rows for r in results), e
        elif kind == "blank_rows":
            assert any(r.accounting.blank_rows for r in results), e


@pytest.mark.parametrize("year", YEARS)
def test_clean_values_are_canonical(cleaned, year):
    spec = load_specs()
    res = cleaned[year]
    sc = res["staff_changes"].frame
    assert sc["staff_id"].str.fullmatch(r"\d{7}").all()  # numbers, text and full-width digits alike
    assert set(sc["post"]) <= set(spec["staff_changes"].column("post").allowed)
    assert set(sc["change"]) <= set(spec["staff_changes"].column("change").allowed)
    assert sc["effective_on"].dt.year.eq(year).all()
    assert "马克思主义学院(思政部)" in set(sc["unit"])  # full-width brackets normalised
    hz = res["hazards"].frame
    assert hz["hazard_id"].str.fullmatch(r"YH\d{4}-\d{3}").all()
    assert set(hz["status"]) <= {"已整改", "整改中", "未整改"}
    projects = set(res["construction"].frame["project"])
    same_every_year = {"学生公寓", "学生活动中心", "产教融合实训基地", "产教融合实训基地、地下人防工程"}
    assert projects == ({"图书馆改造"} if year == 2019 else set()) | same_every_year
    acc = res["accidents"].frame
    assert set(acc["category"]) <= {"特种设备", "消防", "交通", "实验室", "其他"}


def test_personal_columns_are_dropped(cleaned):
    for results in cleaned.values():
        for r in results.values():
            for col in ("姓名", "证件后四位", "身份证后四位", "描述"):
                assert col not in r.frame.columns and col not in r.quarantine.columns


# --------------------------------------------------------------------------------------------
# Persons in the experts sheet: 工号, else a salted hash of 证件后四位 + 姓名


def test_experts_fallback_person_key(cleaned):
    f = cleaned[2020]["experts"].frame
    assert f["person"].notna().all()
    external = f[f["staff_id"].isna()]
    assert len(external) > 50  # think-tank experts and adjunct teachers have no 工号
    by_role = {role: set(g["person"]) for role, g in f.groupby("role")}
    assert len(by_role["智库专家"] & by_role["兼职教师"]) == 1  # one expert listed under two roles
    envoys = f[f["role"] == "科技特派员"]
    assert envoys["staff_id"].notna().all()
    assert len(envoys) == envoys["person"].nunique() + 1  # one envoy serves two enterprises


def test_person_key_ignores_spaces_and_prefers_the_id(tmp_path):
    header = ["工号", "证件后四位", "姓名", "身份类别", "所属单位", "聘任日期"]
    rows = [
        ["专家名单"],
        header,
        [None, "123X", "王 伟", "智库专家", "天津大学", "2020-03-01"],
        [None, "123X", "王伟", "兼职教师", "海鸥表业", "2020-04-01"],
        [None, "4567", "王伟", "兼职教师", "海鸥表业", "2020-04-01"],
        ["2005012", None, "李娜", "科技特派员", "海尔集团", "2020-05-01"],
        [2005012, None, "李 娜", "科技特派员", "瑞能电气", "2020-05-01"],
    ]
    write_xlsx(tmp_path / "staff.xlsx", {"专家与特派员": rows})
    ctx = CleanContext(year=2020, date_min=pd.Timestamp("2020-01-01"), date_max=pd.Timestamp("2020-12-31 23:59:59"))
    r = clean_sheet(load_specs()["experts"], read_xlsx(tmp_path / "staff.xlsx", "staff.xlsx", "专家与特派员"), ctx)
    p = list(r.frame["person"])
    assert p[0] == p[1] != p[2] and p[3] == p[4] and len(set(p)) == 3
    assert "王伟" not in r.frame.to_csv() and "123X" not in r.frame.to_csv()


# --------------------------------------------------------------------------------------------
# (d) the 2021 targets

TARGET_FIGURES = {
    "safety_accidents": "safety_accidents",
    "special_equipment_accidents": "special_equipment_accidents",
    "hazard_rectification_rate": "hazard_rectification_rate",
    "dormitory_completed": "dormitory_completed_on",
    "training_base_completed": "training_base_completed_on",
}
PLANNED_2021 = {  # target id -> (value, met?)
    "safety_accidents": (Decimal(0), True),
    "special_equipment_accidents": (Decimal(0), True),
    "hazard_rectification_rate": (Decimal("98.25"), False),  # 56 of 57 hazards rectified
    "dormitory_completed": (dt.date(2021, 5, 28), True),
    "training_base_completed": (dt.date(2021, 9, 20), False),
}


def test_2021_targets_come_out_as_planned(root, cleaned, definitions):
    with open(root / "reference" / "targets-2021.csv", encoding="utf-8") as f:
        targets = {r["target_id"]: r for r in csv.DictReader(f) if r["target_id"] in TARGET_FIGURES}
    assert set(targets) == set(PLANNED_2021)
    for tid, t in targets.items():
        fig = figure(definitions, cleaned[2021], TARGET_FIGURES[tid], 2021)
        value, met = PLANNED_2021[tid]
        assert fig.value == value, (tid, fig.value)
        goal = dt.date.fromisoformat(t["target"]) if isinstance(value, dt.date) else Decimal(t["target"])
        ok = {"<=": fig.value <= goal, "==": fig.value == goal, ">=": fig.value >= goal}[t["comparison"]]
        assert ok is met, (tid, fig.value, t["comparison"], goal)


def test_2021_accidents_sheet_holds_other_years_only(cleaned):
    f = cleaned[2021]["accidents"].frame
    assert len(f) == 2 and not f["occurred_on"].dt.year.eq(2021).any()


def test_construction_figures_by_year(cleaned, definitions):
    expect = {  # year -> (due in the year, of them done, done in the year)
        2019: (6, 5, 5),  # 学生公寓 基础施工 is done in January 2020
        2020: (3, 3, 4),  # all on plan, as the seed says
        2021: (9, 9, 9),  # 产教融合实训基地 完工 late
    }
    for year, (due, due_done, done) in expect.items():
        got = tuple(
            figure(definitions, cleaned[year], fid, year).value
            for fid in (
                "construction_milestones_due",
                "construction_milestones_due_done",
                "construction_milestones_done",
            )
        )
        assert got == (due, due_done, done), year
    assert figure(definitions, cleaned[2020], "dormitory_completed_on", 2020).value is None  # not done yet


# --------------------------------------------------------------------------------------------
# The generator: deterministic, and record-level tables scale


def test_committed_files_are_what_the_generator_writes(root, tmp_path, monkeypatch):
    monkeypatch.setattr(demo_generate, "MODULES", ["gen_staff_safety"])
    demo_generate.generate([2020], tmp_path, None)
    for name in FILES:
        assert (tmp_path / "2020" / name).read_bytes() == (root / "data" / "raw" / "2020" / name).read_bytes(), name


def test_record_level_tables_scale(tmp_path, definitions):
    out = tmp_path / "2020"
    for fn in gen.GENERATORS:
        fn(YearFiles(year=2020, rng=random.Random(f"scale-{fn.__name__}"), scale=2), out)
    ctx = CleanContext(year=2020, date_min=pd.Timestamp("2020-01-01"), date_max=pd.Timestamp("2020-12-31 23:59:59"))
    specs = load_specs()
    results = {}
    for name in DATASETS:
        spec = specs[name]
        sheet = read_xlsx(out / f"{spec.file}.xlsx", spec.file, spec.sheet)
        results[name] = clean_sheet(spec, sheet, ctx)
        assert results[name].accounting.balanced
    for fid, value in {
        "counselors_hired": 40,
        "tech_envoys": 90,
        "think_tank_experts": 64,
        "hazard_rectification_rate": 100,
        "safety_accidents": 0,
    }.items():
        assert figure(definitions, results, fid, 2020).value == value, fid
    assert re.fullmatch(r"\d{7}", results["staff_changes"].frame["staff_id"].iloc[0])
