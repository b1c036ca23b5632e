"""申请号 as offices write them (the data contract): with a CN prefix, as the granted patent's number ZL…, with stray
spaces. They are the same application as the bare number, so the clean table and every figure are the same."""

from __future__ import annotations

import pandas as pd
import pytest

from annualreport.base.errors import SpecError
from annualreport.ingest import normalize as nz
from annualreport.ingest.cells import CleanContext
from annualreport.ingest.readers import read_csv
from annualreport.ingest.sheet import clean_sheet
from annualreport.ingest.specs import load_spec, load_specs
from annualreport_dev.demo.writers import write_csv
from tests.helpers import ROOT

SPECS = load_specs()
SPECS_DIR = ROOT / "specs" / "datasets"
HEADER = [c.header for c in SPECS["patents"].columns]  # the 专利台账 as the spec reads it
BARE = ["202414287950.6", "202324193917.8", "202320000001.X"]


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("202414287950.6", "202414287950.6"),
        ("CN202414287950.6", "202414287950.6"),
        ("cn202414287950.6", "202414287950.6"),
        ("ZL202324193917.8", "202324193917.8"),
        ("ZL 2023 2419 3917.8", "202324193917.8"),
        (" CN 202414287950.6 ", "202414287950.6"),
        ("CN", "CN"),  # nothing after the prefix: left for the pattern to refuse
        ("US202414287950.6", "US202414287950.6"),  # not a prefix the column names: refused by the pattern
    ],
)
def test_a_prefix_and_stray_spaces_are_dropped(written, canonical):
    assert nz.without_prefix(nz.text(written), ("CN", "ZL")) == canonical


def ctx() -> CleanContext:
    return CleanContext(year=2024, date_min=pd.Timestamp("2024-01-01"), date_max=pd.Timestamp("2024-12-31 23:59:59"))


def clean(tmp_path, numbers: list[str]):
    rows = [
        [n, f"专利{i}", "发明", "张三", "2024-03-05", "", "受理" if i else "授权", "否", ""]
        for i, n in enumerate(numbers)
    ]
    path = tmp_path / "patents.csv"
    write_csv(path, [HEADER, *rows], "utf-8-sig")
    return clean_sheet(SPECS["patents"], read_csv(path, "patents.csv"), ctx())


def test_prefixed_numbers_clean_to_the_same_table_as_bare_ones(tmp_path):
    bare = clean(tmp_path, BARE)
    written = clean(tmp_path, ["CN202414287950.6", "ZL 202324193917.8", "cn202320000001.X"])
    assert bare.quarantine.empty and written.quarantine.empty
    assert written.frame["application_no"].tolist() == BARE
    columns = [c for c in bare.frame.columns if c != "source_row"]
    pd.testing.assert_frame_equal(bare.frame[columns], written.frame[columns])


def test_the_same_application_with_two_prefixes_is_one_key(tmp_path):
    """Two rows of one application (written CN… and ZL…) that disagree are a key conflict, as two bare ones are."""
    result = clean(tmp_path, ["CN202414287950.6", "ZL202414287950.6"])
    assert result.frame.empty and set(result.quarantine["rule"]) == {"key_conflict"}


def test_a_number_that_is_none_is_still_refused(tmp_path):
    result = clean(tmp_path, ["US202414287950.6", "CN"])
    assert result.frame.empty and set(result.quarantine["rule"]) == {"bad_id"}


def test_prefixes_are_for_ids_only(tmp_path):
    text = (SPECS_DIR / "patents.yaml").read_text(encoding="utf-8")
    bad = text.replace("type: text, required: true}", "type: text, required: true, prefixes: [CN]}", 1)
    (tmp_path / "patents.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(SpecError, match="prefixes are letters written before an id"):
        load_spec(tmp_path / "patents.yaml")
