"""Comparisons that hold (issue 22): whether a figure is compared with the year before is part of its
definition (`compare: false` with a `compare_reason`, `since: <year>`), and the ledger's year-before rows
print with the figure's own decimals (figures/comparisons.py). Unit tests on small ledgers, the demo's
declarations, and the 2020 demo's rows computed from its cleaned data (no notebook build)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from annualreport.base.errors import SpecError
from annualreport.base.outline import load_outline
from annualreport.figures.comparisons import (
    COMPARED,
    NEW,
    NEW_THIS_YEAR,
    NOT_COMPARED,
    comparison,
    table_figures,
    year_before_rows,
)
from annualreport.figures.compute import LEDGER_COLUMNS, FigureDef, compute_all, load_definitions
from tests.helpers import ROOT


# ---------------------------------------------------------------------- the spec's fields
def load(tmp_path, extra: str) -> dict[str, FigureDef]:
    folder = tmp_path / "specs" / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01.yaml").write_text(
        f"figures:\n  - id: f\n    label: 标签\n    dataset: d\n    unit: 次\n{extra}", encoding="utf-8"
    )
    return load_definitions(tmp_path)[0]


def test_compared_by_default(tmp_path):
    f = load(tmp_path, "")["f"]
    assert (f.compare, f.compare_reason, f.since) == (True, "", None)
    assert comparison(f, 2020) == COMPARED and comparison(None, 2020) == COMPARED


def test_not_compared_needs_a_reason(tmp_path):
    f = load(tmp_path, "    compare: false\n    compare_reason: 一次性活动\n")["f"]
    assert (f.compare, f.compare_reason) == (False, "一次性活动")
    assert comparison(f, 2020) == comparison(f, 2021) == NOT_COMPARED
    with pytest.raises(SpecError, match=r"01.yaml figure 1 \(f\): compare: false needs a compare_reason"):
        load(tmp_path, "    compare: false\n")
    with pytest.raises(SpecError, match="compare: false needs a compare_reason"):
        load(tmp_path, "    compare: false\n    compare_reason: '  '\n")
    with pytest.raises(SpecError, match="compare_reason is for compare: false"):
        load(tmp_path, "    compare_reason: 为什么\n")
    with pytest.raises(SpecError, match="compare is true or false"):
        load(tmp_path, "    compare: no-thanks\n    compare_reason: x\n")


def test_since_a_year_is_new_that_year_then_compared(tmp_path):
    f = load(tmp_path, "    since: 2020\n")["f"]
    assert f.since == 2020 and f.compare
    assert [comparison(f, y) for y in (2019, 2020, 2021)] == [NOT_COMPARED, NEW_THIS_YEAR, COMPARED]
    for bad in ("'2020'", "true", "20", "2020.5"):
        with pytest.raises(SpecError, match="since is the first year the thing exists"):
            load(tmp_path, f"    since: {bad}\n")
    with pytest.raises(SpecError, match="since and compare: false together"):
        load(tmp_path, "    since: 2020\n    compare: false\n    compare_reason: x\n")


# ---------------------------------------------------------------------- the rows
def defn(fid: str, unit: str = "次", precision: int = 0, wording=None, **kw) -> FigureDef:
    return FigureDef(
        id=fid,
        section="",
        label=fid,
        dataset="d",
        unit=unit,
        precision=precision,
        wording=wording or {"style": "plain"},
        **kw,
    )


def ledger(*rows) -> pd.DataFrame:
    return pd.DataFrame([{c: str(r.get(c, "")) for c in LEDGER_COLUMNS} for r in rows], columns=LEDGER_COLUMNS)


def rows_of(cur, prev, defs, year=2020) -> dict[str, dict]:
    ids = list(cur["id"])
    return {r["id"]: r for r in year_before_rows(cur, prev, ids, year, {d.id: d for d in defs})}


def test_a_figure_not_compared_has_no_year_before_rows():
    cur = ledger({"id": "plenum", "value": "6", "unit": "次"}, {"id": "meetings", "value": "13", "unit": "次"})
    prev = ledger({"id": "plenum", "value": "8"}, {"id": "meetings", "value": "12"})
    bound = defn("plenum", compare=False, compare_reason="十九届五中全会 (2020)")
    rows = rows_of(cur, prev, [bound, defn("meetings")])
    assert not [r for r in rows if r.startswith("plenum.")]
    assert rows["meetings.previous"]["value"] == "12" and rows["meetings.change"]["wording"] == "+1（+8.3%）"


def test_a_figure_new_this_year_reads_xinzeng():
    cur = ledger(
        {"id": "views", "label": "浏览量", "value": "786420", "unit": "次", "rows_used": "221", "inputs": "new"},
        {"id": "rate", "label": "率", "value": "50", "unit": "%"},
    )
    prev = ledger({"id": "views", "value": "0", "inputs": "old sha256:1", "validation": "通过"}, {"id": "rate"})
    rows = rows_of(cur, prev, [defn("views", since=2020), defn("rate", unit="%", since=2020)])
    for rid in ("views.previous", "views.change", "views.change_pct", "rate.previous", "rate.change"):
        assert (rows[rid]["value"], rows[rid]["display"], rows[rid]["wording"]) == ("", NEW, NEW), rid
    assert "rate.change_pct" not in rows and rows["rate.change"]["unit"] == "个百分点"
    p = rows["views.previous"]
    assert (p["kind"], p["inputs"], p["validation"], p["note"]) == ("previous", "old sha256:1", "通过", "")
    assert "自2020年起才有" in p["definition"] and "自2020年起才有" in rows["views.change"]["definition"]
    assert p["definition"].startswith("2019年的同一指标")
    assert "+786420" not in {r["wording"] for r in rows.values()}
    # the year before's files do have a value: still 新增 (the spec says so), with a note
    odd = rows_of(cur.iloc[:1], ledger({"id": "views", "value": "12"}), [defn("views", since=2020)])
    assert odd["views.previous"]["wording"] == NEW and "此指标为12" in odd["views.previous"]["note"]
    # no ledger of the year before at all: 新增 all the same
    assert rows_of(cur.iloc[:1], None, [defn("views", since=2020)])["views.previous"]["display"] == NEW
    # the year after: compared as any figure
    later = rows_of(cur.iloc[:1], ledger({"id": "views", "value": "700000"}), [defn("views", since=2020)], 2021)
    assert later["views.change"]["wording"] == "+86420（+12.3%）"


@pytest.mark.parametrize(
    ("precision", "now", "before", "previous", "change"),
    [
        (0, "75", "70", ("70", "70%"), ("5", "+5", "+5个百分点")),  # a whole-percent figure
        (2, "96.17", "94.54", ("94.54", "94.54%"), ("1.63", "+1.63", "+1.63个百分点")),  # two decimals
        (2, "100.00", "97.37", ("97.37", "97.37%"), ("2.63", "+2.63", "+2.63个百分点")),
        (2, "97.30", "100.00", ("100", "100%"), ("-2.70", "-2.7", "-2.7个百分点")),  # as plain prints 97.30
        (2, "81.24", "81.24", ("81.24", "81.24%"), ("0.00", "0", "0个百分点")),
    ],
)
def test_rates_print_with_the_figures_own_decimals(precision, now, before, previous, change):
    cur, prev = ledger({"id": "r", "value": now, "unit": "%"}), ledger({"id": "r", "value": before})
    rows = rows_of(cur, prev, [defn("r", unit="%", precision=precision)])
    p, c = rows["r.previous"], rows["r.change"]
    assert (p["value"], p["display"], p["wording"]) == (before, *previous)  # value: exact, as the ledger has it
    assert (c["value"], c["display"], c["wording"]) == change
    assert Decimal(c["value"]) == Decimal(now) - Decimal(before)


def test_the_year_before_prints_the_plain_number_not_a_prose_form():
    """A table shows numbers: the year before of a figure worded 近千, 四, 零 or 全部 prints plain, and the
    style's note (数值不符合“近”的表述条件…) goes with the style."""
    cur = ledger(
        {"id": "posts", "value": "968", "unit": "篇", "display": "近千"},
        {"id": "board", "value": "4", "unit": "家", "display": "四"},
        {"id": "lower", "value": "9", "unit": "次"},
    )
    prev = ledger(
        {
            "id": "posts",
            "value": "812",
            "display": "812",
            "note": "数值不符合“近”的表述条件，报告按实际数表述",
        },
        {"id": "board", "value": "3", "display": "三", "wording": "三家"},
        {"id": "lower", "value": "7", "note": "下限：其中1行的数值为下限"},
    )
    near = {"style": "near", "step": 1000, "band": 100}
    rows = rows_of(
        cur, prev, [defn("posts", "篇", wording=near), defn("board", "家", wording={"style": "cn"}), defn("lower")]
    )
    assert (rows["posts.previous"]["wording"], rows["posts.previous"]["note"]) == ("812篇", "")
    assert (rows["board.previous"]["display"], rows["board.previous"]["wording"]) == ("3", "3家")
    assert rows["lower.previous"]["note"] == "下限：其中1行的数值为下限"  # a note about the data stays


def test_without_a_definition_the_rows_keep_the_values_decimals():
    cur, prev = ledger({"id": "r", "value": "81.24", "unit": "%"}), ledger({"id": "r", "value": "77.39"})
    rows = {r["id"]: r for r in year_before_rows(cur, prev, ["r"], 2020)}
    assert (rows["r.previous"]["wording"], rows["r.change"]["wording"]) == ("77.39%", "+3.85个百分点")


# ---------------------------------------------------------------------- the demo's declarations
TABLES = {
    y: table_figures(load_outline(ROOT / "params" / "narrative" / str(y)), load_definitions(ROOT)[0])
    for y in (2020, 2021)
}
NOT = {
    "party_plenum_lectures",
    "poverty_counties",
    "online_model_teachers",
    "safety_accidents",
    "special_equipment_accidents",
}
NEW_2020 = {"media_short_video_views", "think_tank_experts", "think_tank_consultations", "masks_donated"}


@pytest.mark.parametrize("year", [2020, 2021])
def test_every_table_figure_of_the_demo_is_judged(year):
    """Each figure the 2020 and 2021 tables list, judged by its label and definition (the reasons are in
    specs/figures/): bound to one year's event or not the report's to publish -> not compared; a thing that
    began in 2020 -> 新增 in 2020, compared from 2021; every other figure compared."""
    defs = load_definitions(ROOT)[0]
    how = {f: comparison(defs[f], year) for f in TABLES[year]}
    assert {f for f, h in how.items() if h == NOT_COMPARED} == NOT
    assert {f for f, h in how.items() if h == NEW_THIS_YEAR} == (NEW_2020 if year == 2020 else set())
    assert all(defs[f].compare_reason for f in NOT)
    assert {f for f, d in defs.items() if d.since} == NEW_2020 and {d.since for d in defs.values() if d.since} == {2020}


@pytest.fixture(scope="module")
def rows_2020(cleaned_years) -> dict[str, dict]:
    """The 2020 demo's year-before rows as the figures stage makes them, from the demo data cleaned in memory
    (2019's ledger computed with today's definitions, as the previous stage does)."""
    defs = load_definitions(ROOT)[0]
    cur = compute_all(cleaned_years[2020].frames, 2020, root=ROOT)
    prev = compute_all(cleaned_years[2019].frames, 2019, root=ROOT)
    return {r["id"]: r for r in year_before_rows(cur, prev, TABLES[2020], 2020, defs)}


def test_the_2020_rows_hold(rows_2020):
    assert not [r for r in rows_2020 if r.split(".")[0] in NOT]  # 十九届五中全会 vs 2019, the 2019 accidents
    for fid in NEW_2020:
        assert rows_2020[f"{fid}.previous"]["wording"] == rows_2020[f"{fid}.change"]["wording"] == NEW, fid
    wordings = {r["wording"] for r in rows_2020.values()}
    assert not {"+786420", "+20000", "+32", "+34"} & wordings
    assert not [w for w in wordings if ".00" in w]  # 75.00, +5.00个百分点, 100.00
    assert rows_2020["patents_conversion_rate.previous"]["wording"] == "70%"
    assert rows_2020["patents_conversion_rate.change"]["wording"] == "+5个百分点"
    assert rows_2020["online_satisfaction.change"]["wording"] == "+1.63个百分点"
    assert rows_2020["hazard_rectification_rate.previous"]["wording"] == "94.74%"
