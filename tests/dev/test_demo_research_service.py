"""The demo files of 继续教育学院, 科研处, 国际交流处 and 校企合作处 (training, patents, research_projects,
international_events, partners): cleaned in-process (no notebooks, no GX), they give the figures the
2020 report published, their rows add up every year, every planted mess is handled, and 2021 comes
out as planned against its targets."""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal

import pandas as pd
import pytest

from annualreport.base.params import load_params
from annualreport.figures.compute import compute_all
from annualreport.ingest import normalize as nz
from annualreport.ingest.header import find_header as _find_header
from annualreport.ingest.sheet import clean_sheet
from annualreport.ingest.specs import load_specs
from annualreport.ingest.year import context_for, locate, read_sheet
from annualreport_dev.demo import gen_research
from annualreport_dev.demo import generate as demo_generate

YEARS = (2019, 2020, 2021)
FILES = {
    "training": "training.csv",
    "patents": "patents.xlsx",
    "research_projects": "research_projects.csv",
    "international_events": "international_events.csv",
    "partners": "partners.xlsx",
}
MINE = tuple(FILES)
# The rows each file must quarantine, by rule (a key conflict quarantines both rows).
QUARANTINE = {
    "training": ["key_conflict", "key_conflict", "missing_required", "missing_required", "negative"],
    "patents": ["bad_id", "key_conflict", "key_conflict", "missing_required", "negative", "not_in_set"],
    "research_projects": ["bad_value", "key_conflict", "key_conflict", "missing_required", "negative", "not_in_set"],
    "international_events": ["date_out_of_range", "missing_required", "negative"],
    "partners": ["bad_value", "key_conflict", "key_conflict", "missing_required", "not_in_reference", "not_in_set"],
}
DUPLICATES = {"training": 2, "patents": 2, "research_projects": 2, "international_events": 1, "partners": 1}
IGNORED = {
    "training": ["备注"],
    "patents": ["备注"],
    "research_projects": ["结题情况"],
    "international_events": ["对接国家"],
    "partners": ["合作协议编号"],
}
ENCODING = {"training": "gb18030", "research_projects": "utf-8", "international_events": "utf-8-sig"}
# Published values printed in a rounded or word form, and the exact values they stand for.
ROUNDED = {"think_tank_consultations": (31, 39), "masks_donated": (20000, 20000)}
GROUPS = ["模具设计与制造", "光伏发电技术与应用", "电子信息", "数字艺术设计", "现代商贸"]


@pytest.fixture(scope="module")
def cleaned(cleaned_years):
    """The reference tables and this group's datasets of every demo year, from the session's cleaned demo
    years: (params, {dataset: CleanResult})."""
    out = {}
    for year in YEARS:
        params, results = cleaned_years[year]
        out[year] = (params, {name: r for name, r in results.items() if r.spec.reference or name in MINE})
    return out


@pytest.fixture(scope="module")
def ledgers(root, cleaned):
    """The figure ledger of each year, over this group's datasets (and the reference tables)."""
    out = {}
    for year, (_, results) in cleaned.items():
        frames = {name: r.frame for name, r in results.items()}
        ledger = compute_all(frames, year, root=root).set_index("id")
        out[year] = ledger[ledger["dataset"].isin(MINE)]
    return out


def frame(cleaned, year, name) -> pd.DataFrame:
    return cleaned[year][1][name].frame


def raw_rows(cleaned, root, year, name):
    """The raw data rows of a file as the cleaner sees them: (header cells, [(row number, cells)])."""
    params, _ = cleaned[year]
    spec = load_specs(root)[name]
    sheet = read_sheet(spec, locate(spec, params), FILES[name])
    idx, _, _ = _find_header(sheet, spec)
    return [nz.header(c) for c in sheet.rows[idx][1]], sheet.rows[idx + 1 :]


# --------------------------------------------------------------------------------------------
# (a) the published 2020 figures


def test_every_published_figure_of_these_datasets_is_defined_and_matches(root, ledgers):
    published = pd.read_csv(root / "reference" / "published-2020.csv", dtype=str)
    published = published[published["dataset"].isin(MINE)].set_index("figure_id")
    assert len(published) == 14
    ledger = ledgers[2020]
    assert set(published.index) <= set(ledger.index)
    for fid, pub in published.iterrows():
        mine = ledger.loc[fid]
        if fid in ROUNDED:  # the seed prints a rounded form (30余, 2万): the exact value is in range
            low, high = ROUNDED[fid]
            assert low <= Decimal(mine["value"]) <= high and mine["display"] == pub["value"], fid
        else:
            assert Decimal(mine["value"]) == Decimal(pub["value"]), fid
        assert mine["unit"] == pub["unit"], fid
        assert mine["section"] == pub["section"] and mine["label"] == pub["label_zh"], fid
        # no wording style fell back to plain; a rounded form (30余) says what it stands for, an exact one (2万) nothing
        rounded = fid in ROUNDED and ROUNDED[fid][0] != ROUNDED[fid][1]
        said = f"报告表述“{mine['wording']}”：实际数在{ROUNDED[fid][0]}至{ROUNDED[fid][1]}之间" if rounded else ""
        assert mine["note"] == said, (fid, mine["note"])
        seed = pub["seed_wording"].replace(" ", "")
        assert mine["wording"] in seed or mine["display"] in seed, (fid, mine["wording"], seed)


def test_rounded_and_word_forms_print_as_the_seed(ledgers):
    ledger = ledgers[2020]
    assert (ledger.loc["think_tank_consultations", "value"], ledger.loc["think_tank_consultations", "wording"]) == (
        "34",
        "30余次",
    )
    assert ledger.loc["masks_donated", "wording"] == "2万只"
    assert ledger.loc["board_new_enterprises", "wording"] == "四家"
    # 38 of 51 granted patents converted: 74.51 % rounds half up to 75 %
    assert ledger.loc["patents_conversion_rate", "value"] == "75"


# --------------------------------------------------------------------------------------------
# (b) row accounting


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", MINE)
def test_row_accounting_balances(cleaned, year, name):
    acc = cleaned[year][1][name].accounting
    assert acc.balanced, acc
    assert acc.data_rows == acc.clean_rows + acc.quarantined_rows + acc.duplicate_rows
    assert acc.clean_rows > 0 and acc.note_rows >= 1 and acc.blank_rows >= 1
    assert acc.duplicate_rows == DUPLICATES[name]
    assert acc.title_rows == (0 if name == "international_events" else 1)


# --------------------------------------------------------------------------------------------
# (c) every planted mess and quarantine rule is handled


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", MINE)
def test_quarantine_rules_per_file(cleaned, year, name):
    result = cleaned[year][1][name]
    q = result.quarantine
    assert sorted(q["rule"]) == QUARANTINE[name]
    assert set(q["file"]) == {f"data/raw/{year}/{FILES[name]}"}
    assert "负责人" not in q.columns and "发明人" not in q.columns
    assert result.ignored_columns == IGNORED[name]


def test_manifest_lists_what_the_files_carry(root, cleaned):
    with open(root / "data" / "raw" / "mess-manifest.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["file"] in FILES.values()]
    by_file: dict[tuple, set] = {}
    for r in rows:
        by_file.setdefault((int(r["year"]), r["file"]), set()).add(r["mess"])
    for year in YEARS:
        for name, file in FILES.items():
            kinds = by_file[(year, file)]
            rules = {k.split(":", 1)[1] for k in kinds if k.startswith("quarantine:")}
            assert rules == set(QUARANTINE[name]), (year, file)
            assert {
                "exact_duplicates",
                "blank_rows",
                "note_rows",
                "header_trailing_star",
                "unknown_column",
                "date_forms",
            } <= kinds, (year, file)
            assert ("warning:ends_before_starts" in kinds) == (year == 2021 and name == "training")
    assert {"gbk_encoding", "wan_amount_text", "money_text", "fullwidth_digits", "fullwidth_brackets"} <= by_file[
        (2020, "training.csv")
    ]
    assert {"merged_title", "excel_dates", "excel_serial_dates", "stray_spaces"} <= by_file[(2020, "patents.xlsx")]
    assert {"merged_title", "excel_serial_dates", "fullwidth_brackets"} <= by_file[(2020, "partners.xlsx")]
    assert "utf8_bom" in by_file[(2020, "international_events.csv")]


@pytest.mark.parametrize("name", sorted(ENCODING))
def test_csv_encodings(root, cleaned, name):
    params, _ = cleaned[2020]
    spec = load_specs(root)[name]
    assert read_sheet(spec, locate(spec, params), FILES[name]).encoding == ENCODING[name]


@pytest.mark.parametrize("year", YEARS)
def test_clean_values_are_canonical(cleaned, year):
    specs = load_specs()
    for name in MINE:
        f = frame(cleaned, year, name)
        for col in specs[name].canonical:
            if col.type == "category":
                assert set(f[col.name].dropna()) <= set(col.allowed), (name, col.name)
            if col.type in ("text", "id"):
                values = f[col.name].dropna()
                assert not values.str.contains(r"^\s|\s$|[０-９（）－．]", regex=True).any(), (name, col.name)
    assert frame(cleaned, year, "patents")["application_no"].str.fullmatch(r"\d{12}\.[0-9X]").all()
    assert frame(cleaned, year, "research_projects")["project_id"].str.fullmatch(r"KY\d{4}-\d{3}").all()
    events = frame(cleaned, year, "international_events")
    assert (events["programme"] == gen_research.SEMINAR).sum() == 2  # one typed with a full-width hyphen
    partners = frame(cleaned, year, "partners")
    assert "中天未来科技(天津)有限公司" in set(partners["enterprise"]) or year == 2019
    assert set(partners["group"].dropna()) <= set(GROUPS)


def test_personal_columns_are_dropped(cleaned):
    for year in YEARS:
        assert "负责人" not in frame(cleaned, year, "research_projects").columns
        assert "发明人" not in frame(cleaned, year, "patents").columns


def _money(text: str) -> Decimal:
    s = nz.compact(text).replace(",", "")
    return Decimal(s[:-1]) * 10000 if s.endswith("万") else Decimal(s)


@pytest.mark.parametrize("year", YEARS)
def test_money_forms_and_numbers_as_text_parse(root, cleaned, year):
    """12.5万, 12,500.00, full-width digits and 1,502 in the raw CSV are the clean numbers."""
    header, rows = raw_rows(cleaned, root, year, "training")
    clean = frame(cleaned, year, "training").set_index("programme_id")
    i_id, i_n, i_income = header.index("项目编号"), header.index("培训人数"), header.index("到账收入(元)")
    forms = set()
    for _, cells in rows:
        pid, income = nz.text(cells[i_id]), nz.compact(cells[i_income])
        if pid not in clean.index:  # note, blank and quarantined rows
            continue
        assert re.fullmatch(r"\d+|\d+(\.\d+)?万|\d{1,3}(,\d{3})*\.\d\d", income), (pid, income)
        assert Decimal(str(clean.loc[pid, "income_yuan"])) == _money(income), (pid, income)
        assert clean.loc[pid, "trainees"] == int(nz.compact(cells[i_n]).replace(",", "")), pid
        forms.add("wan" if "万" in income else "separators" if "," in income else "plain")
        if re.search("[０-９]", cells[i_n]):
            forms.add("fullwidth digits")
    assert {"wan", "separators", "plain"} <= forms


@pytest.mark.parametrize("year", YEARS)
def test_excel_serials_and_typed_dates_in_workbooks(root, cleaned, year):
    header, rows = raw_rows(cleaned, root, year, "partners")
    clean = frame(cleaned, year, "partners")
    by_key = {(e, k): d for e, k, d in zip(clean["enterprise"], clean["kind"], clean["joined_on"], strict=True)}
    i_e, i_k, i_d = header.index("企业名称"), header.index("合作类型"), header.index("加入日期")
    seen = set()
    for _, cells in rows:
        key = (nz.text(cells[i_e]), nz.compact(cells[i_k]))
        if key not in by_key:
            continue
        cell = cells[i_d]
        expected = nz.date(cell)
        if isinstance(cell, int):
            seen.add("serial")
            expected = dt.datetime(1899, 12, 30) + dt.timedelta(days=cell)
        elif isinstance(cell, dt.datetime):
            seen.add("date cell")
        else:
            seen.add("text")
        assert by_key[key] == pd.Timestamp(expected), key
    assert "date cell" in seen and len(seen) >= 2


def test_ledgers_carry_other_years_rows_that_figures_leave_out(cleaned):
    training = frame(cleaned, 2020, "training")
    assert (training["starts_on"].dt.year == 2019).sum() == gen_research.TRUTH[2020]["training"]["carried"]
    research = frame(cleaned, 2020, "research_projects")
    carried = research[research["started_on"].dt.year == 2019]
    assert len(carried) == 3 and set(carried["category"]) == {"横向技术服务"}
    patents = frame(cleaned, 2020, "patents")
    assert (patents["filed_on"].dt.year < 2020).sum() > 50  # the whole portfolio
    assert ((patents["legal_status"] == "失效") & patents["converted"].fillna(False)).sum() == 2  # not in force
    partners = frame(cleaned, 2021, "partners")
    assert set(partners["joined_on"].dt.year) == {2017, 2018, 2019, 2020, 2021}  # cumulative


def test_end_before_start_is_a_2021_warning_row_still_counted(cleaned):
    for year in YEARS:
        t = frame(cleaned, year, "training")
        reversed_rows = t[t["ends_on"] < t["starts_on"]]
        assert len(reversed_rows) == (1 if year == 2021 else 0)


# --------------------------------------------------------------------------------------------
# (d) the 2021 targets


def test_2021_target_figures(ledgers):
    ledger = ledgers[2021]
    value = {fid: Decimal(ledger.loc[fid, "value"]) for fid in ledger.index}
    assert value["patents_filed"] == 24 and value["patents_filed"] >= 20  # met
    assert value["training_income"] == 5230000 and value["training_income"] < 6000000  # missed
    assert ledger.loc["training_income", "wording"] == "523万元"
    assert value["board_new_enterprises"] == 2 and value["board_new_enterprises"] < 3  # missed
    assert value["apprenticeship_partners"] == 7
    assert value["apprenticeship_partners_min_per_group"] == 1  # met: every group has one
    assert Decimal(ledgers[2020].loc["apprenticeship_partners_min_per_group", "value"]) == 0


@pytest.mark.parametrize("year, low, high", [(2020, 0, 1), (2021, 1, 2)])
def test_apprenticeship_partners_per_group(cleaned, year, low, high):
    p = frame(cleaned, year, "partners")
    p = p[(p["kind"] == "现代学徒制") & (p["joined_on"].dt.year == year)]
    counts = p["group"].value_counts()
    per_group = [int(counts.get(g, 0)) for g in GROUPS]
    assert min(per_group) == low and max(per_group) <= high, per_group


def test_2021_incomes_include_wan_and_separator_forms(root, cleaned):
    header, rows = raw_rows(cleaned, root, 2021, "training")
    i = header.index("到账收入(元)")
    incomes = [nz.text(c[i]) for _, c in rows]
    assert any(re.fullmatch(r"\d+(\.\d+)?万", s) for s in incomes)
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+\.00", s) for s in incomes)


# --------------------------------------------------------------------------------------------
# the generator


def test_committed_files_are_what_the_generator_writes(root, tmp_path, monkeypatch):
    monkeypatch.setattr(demo_generate, "generators", lambda: list(gen_research.GENERATORS))
    demo_generate.generate([2020], tmp_path, None)
    for file in FILES.values():
        assert (tmp_path / "2020" / file).read_bytes() == (root / "data" / "raw" / "2020" / file).read_bytes(), file


def test_scale_multiplies_rows(root, tmp_path, monkeypatch, cleaned):
    monkeypatch.setattr(demo_generate, "generators", lambda: list(gen_research.GENERATORS))
    demo_generate.generate([2020], tmp_path / "raw", None, scale=2)
    ctx = context_for(load_params(root / "params" / "2020.yaml", root=root))
    ctx.reference["majors"] = frame(cleaned, 2020, "majors")
    specs = load_specs(root)
    for name in MINE:
        spec = specs[name]
        path = tmp_path / "raw" / "2020" / FILES[name]
        result = clean_sheet(spec, read_sheet(spec, path, FILES[name]), ctx)
        assert result.accounting.balanced
        assert result.accounting.clean_rows == 2 * cleaned[2020][1][name].accounting.clean_rows, name
