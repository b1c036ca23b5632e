"""The committed demo data: every kind of mess the contract names occurs and is handled, and no
personal data (names, ID numbers) from any raw file of any year reaches data/processed/."""

import csv
import shutil
from pathlib import Path

import pytest

from annualreport.base.params import load_params
from annualreport.base.tables import read_table
from annualreport.ingest import normalize as nz
from annualreport.ingest.header import find_header as _find_header
from annualreport.ingest.specs import load_specs
from annualreport.ingest.year import clean_year, locate, read_sheet
from tests.helpers import ROOT, copy_project, personal_values

YEARS = (2019, 2020, 2021)
# Every kind of mess the data contract says must be accepted or quarantined.
CONTRACT_MESS = {
    "gbk_encoding",
    "title_row",
    "note_rows",
    "blank_rows",
    "header_alias",
    "header_trailing_star",
    "fullwidth_digits",
    "fullwidth_brackets",
    "date_forms",
    "excel_serial_dates",
    "numbers_as_text",
    "stray_spaces",
    "unknown_column",
    "exact_duplicates",
    "quarantine:missing_required",
    "quarantine:not_in_set",
    "quarantine:date_out_of_range",
    "quarantine:bad_id",
    "quarantine:key_conflict",
}
# Kinds that only the full set of offices' files carries (asserted once every dataset is in).
# (Percents as text have no column to live in: no office table has a percent column; the normaliser
# tests cover the accepted forms.)
ALL_OFFICES_MESS = {"utf8_bom", "wan_amount_text", "empty_sheet", "quarantine:negative"}


def manifest() -> list[dict]:
    with open(ROOT / "data" / "raw" / "mess-manifest.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def cleaned_project(tmp_path_factory):
    """Clean every demo year (in-process, no notebooks) into a temporary project, writing the clean stage's
    files (the in-memory cleaning of the `cleaned_years` fixture writes nothing)."""
    dest = copy_project(tmp_path_factory.mktemp("demo"), years=YEARS)
    for y in YEARS:
        shutil.copytree(ROOT / "data" / "raw" / str(y), dest / "data" / "raw" / str(y))
    results = {}
    for y in YEARS:
        params = load_params(dest / "params" / f"{y}.yaml", root=dest)
        results[y] = (params, clean_year(params, dest / "build" / str(y) / "stage"))
    return dest, results


def test_manifest_covers_every_kind_of_contract_mess():
    kinds = {r["mess"] for r in manifest()}
    missing = CONTRACT_MESS - kinds
    if len(load_specs(ROOT)) >= 19:  # every office's dataset is in
        missing |= ALL_OFFICES_MESS - kinds
    assert not missing, f"no demo file carries: {sorted(missing)}"


def _results_for_file(results, year, file):
    stem = Path(file).stem
    return [r for r in results[year][1].values() if r.spec.file == stem]


def test_every_manifest_entry_is_handled(cleaned_years):
    results = cleaned_years
    specs = load_specs(ROOT)
    for entry in manifest():
        year, file, kind = int(entry["year"]), entry["file"], entry["mess"]
        rs = _results_for_file(results, year, file)
        assert rs, f"{year} {file}: no dataset read it"
        acc = [r.accounting for r in rs]
        where = f"{year} {file} {kind}"
        if kind.startswith("quarantine:"):
            rule = kind.split(":", 1)[1]
            assert any(rule in set(r.quarantine["rule"]) for r in rs), where
        elif kind == "exact_duplicates":
            assert sum(a.duplicate_rows for a in acc) > 0, where
        elif kind == "blank_rows":
            assert sum(a.blank_rows for a in acc) > 0, where
        elif kind == "note_rows":
            assert sum(a.note_rows for a in acc) > 0, where
        elif kind in ("title_row", "merged_title"):
            assert sum(a.title_rows for a in acc) > 0, where
        elif kind == "empty_sheet":
            assert any(a.data_rows == 0 and a.header_row for a in acc), where
        elif kind in ("gbk_encoding", "utf8_bom"):
            params = results[year][0]
            for r in rs:
                sheet = read_sheet(r.spec, locate(r.spec, params), file)
                assert sheet.encoding == {"gbk_encoding": "gb18030", "utf8_bom": "utf-8-sig"}[kind], where
        elif kind in ("header_alias", "header_trailing_star", "unknown_column"):
            params = results[year][0]
            ok = False
            for r in rs:
                sheet = read_sheet(r.spec, locate(r.spec, params), file)
                idx, mapping, ignored = _find_header(sheet, specs[r.spec.name])
                cells = [str(c) for c in sheet.rows[idx][1] if c is not None]
                ok |= {
                    "header_alias": any(
                        nz.header(c) != nz.header(m.header)
                        for c, m in ((sheet.rows[idx][1][i], m) for i, m in mapping.items())
                    ),
                    "header_trailing_star": any(c.strip().endswith(("*", "＊")) for c in cells),
                    "unknown_column": bool(ignored),
                }[kind]
            assert ok, where
        # value-level kinds (full-width forms, date forms, numbers as text, percents, 万-amounts) are
        # checked through the figures they feed (back-tests) and by the type checks of the suites.
        assert all(a.balanced for a in acc), where


def test_no_personal_data_reaches_processed_data(cleaned_project):
    dest, results = cleaned_project
    specs = load_specs(ROOT)
    values = set()
    for y in YEARS:
        values |= personal_values(results[y][0], specs)
    ids = {v for v in values if len(v) == 18}
    names = {v for v in values if 2 <= len(v) <= 4 and not v.isdigit()}
    assert len(ids) > 1000 and len(names) > 1000
    scanned = 0
    for folder in (dest / "data" / "processed", dest / "build"):
        for f in folder.rglob("*"):
            if not f.is_file():
                continue
            scanned += 1
            if f.suffix == ".parquet":
                import pandas as pd

                text = pd.read_parquet(f).to_csv()
            else:
                text = f.read_text(encoding="utf-8-sig")
            # every 18-character stretch of the file, so each ID is a set lookup, not a scan of the text
            windows = {text[k : k + 18] for k in range(len(text) - 17)}
            leaked = sorted(ids & windows)
            assert not leaked, f"{f}: ID numbers {leaked[:3]}"
            cells = set(text.replace("\n", ",").split(","))
            leaked = sorted(cells & names)
            assert not leaked, f"{f}: names {leaked[:3]}"
    assert scanned >= 3 * len(YEARS)


def test_row_accounting_written_and_balanced(cleaned_project):
    dest, _ = cleaned_project
    for y in YEARS:
        acc = read_table(dest / "build" / str(y) / "stage" / "row_accounting.csv")
        assert set(acc["balanced"]) == {"True"}
