"""The auditor's page (validation.html) in Chinese and without persons' raw IDs (issue 15, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annualreport.base.glossary import RULES_ZH
from annualreport.ingest import normalize as nz
from annualreport.ingest.specs import load_specs
from annualreport.validation.reasons import mask_id, person_columns, reason_zh, shown

ROOT = Path(__file__).resolve().parents[2]
# Words of the cleaner's English reasons (ingest.cells, ingest.sheet, ingest.normalize).
ENGLISH = re.compile(
    r"does not match|is not one of|is not in|required field|is below|is above|is outside|"
    r"also on row|not a real|expected a|no ID and no name|with other values|the reference table"
)


def test_mask_id_keeps_first_four_and_last_two():
    assert mask_id("2019309277") == "2019****77"
    assert mask_id("20193092771234") == "2019********34"
    assert mask_id("1234567") == "12****7"  # a short 工号: at least half hidden
    assert mask_id("12345") == "12***"
    assert mask_id("") == ""


def test_person_id_columns_come_from_the_specs():
    specs = load_specs(ROOT)
    assert {"candidate_id", "考生号"} <= person_columns(specs["admissions"])
    assert {"student_id", "学号"} <= person_columns(specs["graduates"])
    assert {"staff_id", "工号"} <= person_columns(specs["staff_changes"])
    assert {"staff_id", "工号"} <= person_columns(specs["experts"])
    assert {"person_id", "学号/工号"} <= person_columns(specs["awards"])  # per-row convention
    assert "teacher_id" in person_columns(specs["online_courses"])
    assert "lead_id" in person_columns(specs["research_projects"])
    # codes of things, not persons, are shown as they are
    assert "course_code" not in person_columns(specs["online_courses"])
    assert "project_id" not in person_columns(specs["research_projects"])
    assert not person_columns(specs["hazards"])
    assert shown(specs["graduates"], "student_id", "2019309277") == "2019****77"
    assert shown(specs["hazards"], "hazard_id", "YH2020-904") == "YH2020-904"


def test_every_demo_reason_reads_in_chinese_and_masks_ids(cleaned_years):
    params, results = cleaned_years[2020]
    specs = load_specs(ROOT)
    titles = {n: s.title for n, s in specs.items()}
    seen = set()
    for name, result in results.items():
        persons = person_columns(specs[name])
        for row in result.quarantine.to_dict("records"):
            zh = reason_zh(specs[name], row, params.year, titles)
            seen.add(row["rule"])
            assert not ENGLISH.search(zh), (name, row["reason"], zh)
            assert row["column"] in zh
            for col in specs[name].canonical:
                raw = str(row.get(col.name) or "")
                if col.name in persons and len(raw) > 2:
                    assert raw not in zh, (name, zh)
    assert seen <= set(RULES_ZH)
    assert {"bad_id", "key_conflict", "not_in_set", "missing_required"} <= seen


def test_reason_names_the_other_failing_columns():
    specs = load_specs(ROOT)
    row = {
        "rule": "missing_required",
        "column": "标题",
        "reason": "标题: required field 标题 is empty; 阅读量: expected a count, got 'x'",
    }
    assert reason_zh(specs["media_posts"], row, 2020) == "“标题”为空（必填）；另有问题的列：阅读量"


def _raw_person_ids(year: int) -> set[str]:
    """Every person's ID in the year's raw files, read with the cleaner's own readers."""
    from annualreport.base.params import load_params
    from annualreport.ingest.header import find_header
    from annualreport.ingest.year import locate, read_sheet

    params = load_params(ROOT / "params" / f"{year}.yaml", root=ROOT)
    found: set[str] = set()
    for spec in load_specs(ROOT).values():
        persons = person_columns(spec)
        if not persons or spec.reference:
            continue
        path = locate(spec, params)
        if path is None:
            continue
        sheet = read_sheet(spec, path, path.name)
        h_idx, mapping, _ = find_header(sheet, spec)
        cols = [i for i, c in mapping.items() if c.name in persons]
        for _, cells in sheet.rows[h_idx + 1 :]:
            for i in cols:
                if i < len(cells) and not nz.is_blank(cells[i]):
                    found.add(str(cells[i]).strip())
                    found.add(nz.text(cells[i]))
    return {v for v in found if len(v) >= 5}


@pytest.mark.build
def test_validation_page_is_chinese_and_shows_no_raw_ids(demo_project):
    page = (demo_project / "outputs" / "2020" / "validation.html").read_text(encoding="utf-8")
    text = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    assert not ENGLISH.search(text), ENGLISH.search(text).group(0)
    for rule, zh in RULES_ZH.items():
        if f'<small class="code">{rule}</small>' in text:
            assert zh in text
    ids = _raw_person_ids(2020)
    assert len(ids) > 100  # 考生号, 学号, 工号 ... were read
    leaked = sorted(v for v in ids if v in text)
    assert not leaked, leaked[:5]
    assert "word-break: keep-all" in page
