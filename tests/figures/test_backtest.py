"""Back-test: the committed demo data, cleaned, give the figures the 2020 report published.

This slice covers enrolment and employment (section 一(四)2); every figure defined in
specs/figures/ that appears in reference/published-2020.csv must match its published value.
"""

from decimal import Decimal, InvalidOperation

import pandas as pd
import pytest

from annualreport.figures.compute import compute_all
from annualreport.ingest.specs import load_specs


@pytest.fixture(scope="module")
def ledger_2020(root, cleaned_years):
    return compute_all(cleaned_years[2020].frames, 2020, root=root).set_index("id")


def test_every_defined_published_figure_matches(root, ledger_2020):
    published = pd.read_csv(root / "reference" / "published-2020.csv", dtype=str).set_index("figure_id")
    checked = [fid for fid in published.index if fid in ledger_2020.index]
    assert checked == list(published.index), "every published figure needs a definition in specs/figures/"
    assert len(checked) == 51
    for fid in checked:
        pub, mine = published.loc[fid], ledger_2020.loc[fid]
        try:
            assert Decimal(mine["value"]) == Decimal(pub["value"]), fid
        except InvalidOperation:  # a rounded form (近千, 超过2.1万, 30余, 2万): the printed form must match
            assert mine["display"] == pub["value"], (fid, mine["display"], pub["value"])
        assert mine["unit"] == pub["unit"], fid
        seed = pub["seed_wording"].replace(" ", "")
        assert mine["wording"] in seed or mine["display"] in seed, (fid, mine["wording"], seed)


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_row_accounting_balances_for_every_file(root, cleaned_years, year):
    accounting = [r.accounting for r in cleaned_years[year].results.values()]
    specs = load_specs(root)
    for acc in accounting:
        assert acc.balanced, acc
        assert acc.data_rows > 0 or specs[acc.dataset].min_rows == 0


def test_demo_quarantine_carries_every_rule(cleaned_years):
    admissions = cleaned_years[2020].results["admissions"].accounting
    assert admissions.quarantined_rows == 8 and admissions.duplicate_rows == 3


def test_2021_tracks_all_eleven_targets_of_the_2020_plan(root, cleaned_years):
    from annualreport.figures.tracking import evaluate

    p2020 = cleaned_years[2020].params
    ledger_2020 = compute_all(cleaned_years[2020].frames, 2020, root=root)
    ledger_2021 = compute_all(cleaned_years[2021].frames, 2021, root=root)
    planned = pd.read_csv(root / "reference" / "targets-2021.csv", dtype=str)
    result = evaluate(p2020.data["targets"], ledger_2021, ledger_2020).set_index("id")
    assert sorted(result.index) == sorted(planned["target_id"])
    assert set(result["status"]) == {"达成", "未达成"}  # the demo year meets some and misses some
    assert result.loc["employment_rate_gain", "status"] == "达成"
    assert result.loc["training_income", "status"] == "未达成"
    assert result.loc["dormitory_completed", "gap"] == "提前3天"
    assert result.loc["training_base_completed", "status"] == "未达成"
