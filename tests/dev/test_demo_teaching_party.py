"""The demo files of 教务处, 团委, 党委办公室 and 宣传部 (teaching_survey, online_courses, awards,
party_events, media_posts): cleaned in-process (no notebooks, no GX), they give the figures the 2020
report published, their rows add up every year, every planted mess is handled, and 2021 meets its
target."""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pandas as pd
import pytest

from annualreport.base.params import load_params
from annualreport.figures.compute import compute, load_definitions
from annualreport.ingest import normalize as nz
from annualreport.ingest.header import find_header as _find_header
from annualreport.ingest.specs import load_specs
from annualreport.ingest.year import locate, read_sheet
from annualreport_dev.demo import gen_teaching
from annualreport_dev.demo import generate as demo_generate
from annualreport_dev.demo.common import YearFiles

YEARS = (2019, 2020, 2021)
FILES = {
    "teaching_survey": "teaching_survey.xlsx",
    "online_courses": "online_courses.csv",
    "awards": "awards.xlsx",
    "party_events": "party_events.csv",
    "media_posts": "media_posts.csv",
}
MINE = tuple(FILES)
# The rows each file must quarantine, by rule (a key conflict quarantines both rows).
QUARANTINE = {
    "teaching_survey": [
        "bad_value",
        "date_out_of_range",
        "key_conflict",
        "key_conflict",
        "missing_required",
        "not_in_set",
    ],
    "online_courses": ["bad_id", "bad_value", "key_conflict", "key_conflict", "missing_required", "negative"],
    "awards": [
        "bad_id",
        "bad_value",
        "date_out_of_range",
        "key_conflict",
        "key_conflict",
        "missing_required",
        "not_in_set",
    ],
    "party_events": ["bad_value", "key_conflict", "key_conflict", "missing_required", "negative", "not_in_set"],
    "media_posts": ["bad_value", "key_conflict", "key_conflict", "missing_required", "negative", "not_in_set"],
}
IGNORED = {
    "teaching_survey": ["答题时长(秒)"],
    "online_courses": ["授课平台"],
    "awards": ["备注"],
    "party_events": ["备注"],
    "media_posts": ["栏目"],
}
ENCODING = {"online_courses": "utf-8-sig", "party_events": "utf-8", "media_posts": "gb18030"}


@pytest.fixture(scope="module")
def cleaned(cleaned_years):
    """This group's datasets of every demo year, from the session's cleaned demo years:
    (params, {dataset: CleanResult})."""
    return {
        year: (cleaned_years[year].params, {name: cleaned_years[year].results[name] for name in MINE}) for year in YEARS
    }


def figures(root, results, year) -> dict:
    """Every figure defined on this group's datasets: {id: Figure}."""
    defs, sets = load_definitions(root)
    return {d.id: compute(d, results[d.dataset].frame, sets, year) for d in defs.values() if d.dataset in MINE}


# --------------------------------------------------------------------------------------------
# (a) the published 2020 figures


def test_every_published_2020_figure_of_these_datasets_matches(root, cleaned):
    published = pd.read_csv(root / "reference" / "published-2020.csv", dtype=str)
    published = published[published["dataset"].isin(MINE)].set_index("figure_id")
    assert len(published) == 17
    defs, _ = load_definitions(root)
    figs = figures(root, cleaned[2020][1], 2020)
    assert set(published.index) <= set(figs)
    for fid, pub in published.iterrows():
        fig, defn = figs[fid], defs[fid]
        if re.fullmatch(r"[\d.]+", pub["value"]):
            assert fig.value == Decimal(pub["value"]), fid
        else:  # published as a rounded form (近千, 近80万, 超过2.1万): the exact values are checked below
            assert fig.wording.display == pub["value"], fid
        assert (defn.unit, defn.section, defn.label, defn.dataset) == (
            pub["unit"],
            pub["section"],
            pub["label_zh"],
            pub["dataset"],
        ), fid
        seed = pub["seed_wording"].replace(" ", "")
        assert fig.wording.text in seed or fig.wording.display in seed, (fid, fig.wording, seed)
        assert not fig.wording.note, (fid, fig.wording.note)


def test_rounded_2020_figures_have_the_planned_exact_values(root, cleaned):
    figs = figures(root, cleaned[2020][1], 2020)
    exact = {
        "media_posts": 968,
        "media_short_video_views": 786_420,
        "online_resources": 21_486,
        "online_satisfaction": Decimal("96.17"),
    }
    for fid, value in exact.items():
        assert figs[fid].value == Decimal(value), fid
    assert figs["media_posts"].wording.text == "近千篇"
    assert figs["media_short_video_views"].wording.text == "近80万次"
    assert figs["online_resources"].wording.text == "超过2.1万个"


def test_figures_follow_the_generator_truth_every_year(root, cleaned):
    for year in YEARS:
        t = gen_teaching.TRUTH[year]
        figs = figures(root, cleaned[year][1], year)
        want = {
            "party_central_group_study": t["party"]["中心组集中学习"],
            "party_plenum_lectures": t["party"]["集体学习宣讲"],
            "party_affairs_meetings": t["party"]["党务例会"],
            "party_themed_activities": t["party"]["主题活动"],
            "vocational_week_activities": t["party"]["职教周活动"],
            "media_posts": t["media"]["wechat_posts"],
            "media_short_video_views": t["media"]["short_video_views"],
            "epidemic_commended": t["awards"]["epidemic_commended"],
            "online_model_teachers": t["awards"]["online_model_teachers"],
            "awards_student_national": t["awards"]["student_national"],
            "awards_student_city_bureau": t["awards"]["student_city_bureau"],
            "awards_teacher_national": t["awards"]["teacher_national"],
            "awards_teacher_city_bureau": t["awards"]["teacher_city_bureau"],
            "ideology_boutique_courses": t["courses"]["boutique"],
            "online_courses": t["courses"]["courses"],
            "online_resources": t["courses"]["resources"],
        }
        for fid, value in want.items():
            assert figs[fid].value == Decimal(value), (year, fid)
        s = t["survey"]
        rate = (Decimal(s["satisfied"]) * 100 / Decimal(s["responses"])).quantize(Decimal("0.01"), "ROUND_HALF_UP")
        assert figs["online_satisfaction"].value == rate, year


# --------------------------------------------------------------------------------------------
# (b) row accounting


@pytest.mark.parametrize("year", YEARS)
def test_row_accounting_balances_for_every_file(cleaned, year):
    t = gen_teaching.TRUTH[year]
    expected_clean = {
        "teaching_survey": t["survey"]["responses"],
        "online_courses": t["courses"]["courses"] + t["courses"]["both_terms"],
        "awards": sum(t["awards"].values()),
        "party_events": sum(t["party"].values()) + 1,  # + the event dated just before the year
        "media_posts": sum(v for k, v in t["media"].items() if k.endswith("_posts")) + 1,  # + last year's post
    }
    for name, result in cleaned[year][1].items():
        acc = result.accounting
        assert acc.balanced, acc
        assert acc.clean_rows == expected_clean[name], (name, acc)
        assert acc.duplicate_rows == 3 and acc.blank_rows >= 2 and acc.note_rows >= 2, (name, acc)
        assert acc.quarantined_rows == len(QUARANTINE[name]), (name, acc)


# --------------------------------------------------------------------------------------------
# (c) quarantine rules and accepted mess


@pytest.mark.parametrize("year", YEARS)
def test_each_file_quarantines_its_planted_rows_with_the_right_rule(cleaned, year):
    for name, result in cleaned[year][1].items():
        q = result.quarantine
        assert sorted(q["rule"]) == QUARANTINE[name], name
        assert set(q["file"]) == {f"data/raw/{year}/{FILES[name]}"}, name
        assert q["reason"].str.len().gt(0).all(), name


def test_quarantine_reasons_point_at_the_column(cleaned):
    results = cleaned[2020][1]
    q = results["media_posts"].quarantine.set_index("rule")
    assert q.loc["bad_value", "column"] == "阅读量" and "待统计" in q.loc["bad_value", "reason"]
    assert q.loc["not_in_set", "column"] == "平台" and "今日头条" in q.loc["not_in_set", "reason"]
    q = results["online_courses"].quarantine.set_index("rule")
    assert q.loc["negative", "column"] == "上传资源数"
    assert q.loc["bad_id", "column"] == "学期"
    q = results["awards"].quarantine.drop_duplicates("rule").set_index("rule")
    assert q.loc["bad_id", "column"] == "学号/工号"
    assert q.loc["not_in_set", "column"] == "级别"
    assert q.loc["key_conflict", "column"] == "学号/工号、赛事或荣誉名称、获奖日期"
    q = results["teaching_survey"].quarantine.drop_duplicates("rule").set_index("rule")
    assert q.loc["date_out_of_range", "column"] == "提交时间"


def test_headers_with_stars_and_extra_columns_are_handled(root, cleaned):
    for year in YEARS:
        params, results = cleaned[year]
        specs = load_specs(root)
        for name, result in results.items():
            assert result.ignored_columns == IGNORED[name], name
            sheet = read_sheet(specs[name], locate(specs[name], params), FILES[name])
            idx, _, _ = _find_header(sheet, specs[name])
            assert any(str(c).strip().endswith("*") for c in sheet.rows[idx][1]), name
            if name in ENCODING:
                assert sheet.encoding == ENCODING[name], name
            if name != "online_courses":
                assert result.accounting.title_rows >= 1, name


def test_survey_values_are_canonical(cleaned):
    f = cleaned[2020][1]["teaching_survey"].frame
    assert set(f["rating"]) <= {"非常满意", "满意", "基本满意", "不满意", "非常不满意"}
    assert f["response_id"].str.fullmatch(r"\d{10}").all()  # numbers and text alike, no ".0"
    times = f["submitted_at"].dropna()
    assert str(f["submitted_at"].dtype).startswith("datetime64")
    assert times.dt.year.eq(2020).all() and times.dt.month.isin([5, 6]).all()
    assert (times.dt.hour > 0).mean() > 0.8  # Excel date-times, serials and text times keep their time
    assert f["submitted_at"].isna().sum() > 0  # blank (not required): kept, flagged by a warning


def test_course_values_are_canonical(cleaned):
    f = cleaned[2020][1]["online_courses"].frame
    assert f["course_code"].str.startswith("0").any()  # leading zeros kept
    assert set(f["term"]) == {"2019-2020-2", "2020-2021-1"}  # stray spaces stripped
    assert str(f["resources"].dtype) == "Int64" and f["resources"].ge(0).all()
    assert f["boutique"].notna().all()  # blank = 否
    boutique_rows = int(f["boutique"].sum())
    assert boutique_rows > f.loc[f["boutique"], "course_code"].nunique() == 20  # courses, not rows


def test_award_values_are_canonical_and_personal_names_dropped(root, cleaned):
    params, results = cleaned[2020]
    r = results["awards"]
    f = r.frame
    assert "获奖人" not in f.columns and "获奖人" not in r.quarantine.columns
    assert f["person_id"].str.fullmatch(r"\d{6}|\d{11}").all()  # full-width digits and numbers read back
    assert set(f["level"]) == {"国家级", "市级", "局级", "院级"}
    assert f["award_name"].str.contains(r"\(高职组\)").any() and not f["award_name"].str.contains("（").any()
    assert f["awarded_on"].dt.year.eq(2020).all()
    # Commendations are 院级: they never enter the national / city-bureau counts.
    assert set(f.loc[f["award_name"].isin(["疫情防控先进个人", "线上教学先进教师"]), "level"]) == {"院级"}
    # Some teachers hold both commendations: distinct persons are counted per award.
    epidemic = set(f.loc[f["award_name"] == "疫情防控先进个人", "person_id"])
    model = set(f.loc[f["award_name"] == "线上教学先进教师", "person_id"])
    assert epidemic & model and len(epidemic) == 23 and len(model) == 28
    spec = load_specs(root)["awards"]
    sheet = read_sheet(spec, locate(spec, params), "awards.xlsx")
    idx, mapping, _ = _find_header(sheet, spec)
    col = next(i for i, c in mapping.items() if c.header == "获奖人")
    names = {nz.text(cells[col]) for _, cells in sheet.rows[idx + 1 :] if col < len(cells) and nz.text(cells[col])}
    assert len(names) > 100
    text = f.to_csv() + r.quarantine.to_csv()
    assert not [n for n in names if n in set(text.replace("\n", ",").split(","))]


def test_events_and_posts_dated_outside_the_year_are_kept_but_not_counted(root, cleaned):
    results = cleaned[2020][1]
    figs = figures(root, results, 2020)
    events = results["party_events"].frame
    assert set(events["event_type"]) <= {
        "中心组集中学习",
        "集体学习宣讲",
        "党务例会",
        "主题活动",
        "民主生活会",
        "职教周活动",
        "其他",
    }
    study = events[events["event_type"] == "中心组集中学习"]
    assert len(study) == 15 and figs["party_central_group_study"].value == 14
    posts = results["media_posts"].frame
    assert set(posts["platform"]) == {"微信公众号", "抖音", "微博", "官网"}
    video = posts[posts["platform"].isin(["抖音", "微博"])]
    assert video["views"].sum() == 786_420 + 23_456
    assert figs["media_short_video_views"].value == 786_420


def test_manifest_lists_the_mess_of_these_files_and_it_is_handled(root, cleaned):
    with open(root / "data" / "raw" / "mess-manifest.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["file"] in FILES.values()]
    by_file = {(int(r["year"]), r["file"]): set() for r in rows}
    for r in rows:
        by_file[(int(r["year"]), r["file"])].add(r["mess"])
    assert len(by_file) == len(YEARS) * len(FILES)
    name_of = {v: k for k, v in FILES.items()}
    for (year, file), kinds in by_file.items():
        result = cleaned[year][1][name_of[file]]
        planted = {k.split(":", 1)[1] for k in kinds if k.startswith("quarantine:")}
        assert planted == set(QUARANTINE[name_of[file]]), (year, file)
        assert {
            "blank_rows",
            "note_rows",
            "exact_duplicates",
            "header_trailing_star",
            "unknown_column",
            "stray_spaces",
            "fullwidth_digits",
        } <= kinds, (year, file)
        if file.endswith(".xlsx"):
            assert {"merged_title", "excel_dates", "excel_serial_dates", "numbers_as_text"} <= kinds, (year, file)
        assert result.accounting.balanced


# --------------------------------------------------------------------------------------------
# (d) the 2021 target, determinism and scale


def test_2021_meets_the_boutique_course_target(root, cleaned):
    targets = pd.read_csv(root / "reference" / "targets-2021.csv", dtype=str).set_index("target_id")
    target = targets.loc["ideology_courses_round2"]
    assert (target["figure_id"], target["comparison"]) == ("ideology_boutique_courses", ">=")
    value = figures(root, cleaned[2021][1], 2021)["ideology_boutique_courses"].value
    assert value == 42 and value >= Decimal(target["target"])


def _generate(tmp_path, year, scale=1):
    mess: list = []
    for gen in gen_teaching.GENERATORS:
        gen(YearFiles(year=year, rng=demo_generate.rng_for(year, gen, scale), scale=scale, mess=mess), tmp_path)
    return mess


def test_generation_is_deterministic_and_matches_the_committed_files(root, tmp_path):
    _generate(tmp_path, 2020)
    for file in FILES.values():
        assert (tmp_path / file).read_bytes() == (root / "data" / "raw" / "2020" / file).read_bytes(), file


def test_scale_multiplies_record_counts(root, tmp_path):
    from annualreport.ingest.cells import CleanContext
    from annualreport.ingest.readers import read_csv, read_xlsx
    from annualreport.ingest.sheet import clean_sheet

    _generate(tmp_path, 2020, scale=2)
    specs = load_specs(root)
    conventions = load_params(root / "params" / "2020.yaml", root=root).data["conventions"]  # the demo college's
    ctx = CleanContext(
        year=2020,
        date_min=pd.Timestamp("2020-01-01"),
        date_max=pd.Timestamp("2020-12-31 23:59:59"),
        conventions=conventions,
    )
    results = {}
    for name, file in FILES.items():
        p = tmp_path / file
        sheet = read_csv(p, file) if p.suffix == ".csv" else read_xlsx(p, file, None)
        results[name] = clean_sheet(specs[name], sheet, ctx)
    figs = figures(root, results, 2020)
    assert figs["online_courses"].value == 816 and figs["online_resources"].value == 42_972
    assert figs["awards_student_city_bureau"].value == 278 and figs["epidemic_commended"].value == 46
    assert figs["party_central_group_study"].value == 28 and figs["media_posts"].value == 1936
    assert figs["online_satisfaction"].value == Decimal("96.17")
