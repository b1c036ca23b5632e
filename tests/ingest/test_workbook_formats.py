"""Workbooks as offices save them (the data contract): `.xls` (Excel 97–2003, older Excel and WPS), `.xlsb` and
`.ods` read like `.xlsx`, with the same title rows, note rows, two-row headers, dates, merged cells and hidden
sheets; each kind is told by its content, not its name; a password or a damaged file stops the run in one line."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from annualreport.base.errors import InputError
from annualreport.base.params import load_params
from annualreport.ingest.readers import find_input, read_xlsx
from annualreport.ingest.recognise import resolve_for
from annualreport.ingest.specs import load_specs
from annualreport.ingest.workbooks import PASSWORD, kind
from annualreport.ingest.year import clean_dataset, context_for
from tests.helpers import ROOT, copy_project
from tests.ingest.convert import convert
from tests.ingest.splitbook import SHEETS, write_split

SPECS = load_specs()
FIXTURES = ROOT / "tests" / "ingest" / "fixtures"


def project(tmp_path, files: dict[str, object]):
    """A 2020 project whose raw folder holds `files` ({name: source path, or a writer callable})."""
    root = copy_project(tmp_path, years=(2020,))
    raw = root / "data" / "raw" / "2020"
    raw.mkdir(parents=True)
    for name, source in files.items():
        source(raw / name) if callable(source) else shutil.copy(source, raw / name)
    return load_params(root / "params" / "2020.yaml", root=root)


def cleaned(params, name):
    ctx = context_for(params)
    majors, _ = clean_dataset(SPECS["majors"], params, ctx)
    ctx.reference["majors"] = majors.frame
    return clean_dataset(SPECS[name], params, ctx)[0]


def same(a, b):
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.quarantine.drop(columns="file"), b.quarantine.drop(columns="file"))
    assert [(x.sheet, x.data_rows, x.clean_rows, x.title_rows, x.note_rows, x.blank_rows) for x in a.accounts] == [
        (x.sheet, x.data_rows, x.clean_rows, x.title_rows, x.note_rows, x.blank_rows) for x in b.accounts
    ]


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".xls", ".ods"])
@pytest.mark.parametrize("dataset", ["graduates", "awards"])
def test_a_demo_workbook_saved_as_xls_or_ods_cleans_the_same(tmp_path, suffix, dataset):
    source = ROOT / "data" / "raw" / "2020" / f"{dataset}.xlsx"
    other = convert(source, suffix, tmp_path / "converted")
    xlsx = cleaned(project(tmp_path / "a", {source.name: source}), dataset)
    converted = cleaned(project(tmp_path / "b", {other.name: other}), dataset)
    same(converted, xlsx)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_a_split_workbook_with_merges_and_a_hidden_sheet_reads_the_same_in_every_format(tmp_path, suffix):
    book = tmp_path / "录取名单.xlsx"
    write_split(book)
    other = convert(book, suffix, tmp_path / "converted")
    params = project(tmp_path / "b", {other.name: other})
    match = resolve_for(params, SPECS, reference=False).match("admissions", params.root)
    assert match.sheets == SHEETS
    same(cleaned(params, "admissions"), cleaned(project(tmp_path / "a", {book.name: book}), "admissions"))


def test_a_workbook_is_told_by_its_content_not_its_name(tmp_path):
    xlsb = tmp_path / "台账.xlsb"
    shutil.copy(FIXTURES / "excel-made.xlsb", xlsb)
    misnamed = tmp_path / "台账.xlsx"  # WPS saves one kind under another's name as easily
    shutil.copy(xlsb, misnamed)
    assert kind(xlsb, "x") == kind(misnamed, "x") == "xlsb"
    for path in (xlsb, misnamed):
        rows = read_xlsx(path, path.name, None).rows
        assert rows[:2] == [(1, [dt.datetime(2021, 1, 1), 15]), (2, [dt.datetime(2021, 1, 2), 16])]


def test_a_password_or_a_damaged_file_stops_in_one_line(tmp_path):
    p = tmp_path / "graduates.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100)
    with pytest.raises(InputError, match="protected by a password") as err:
        read_xlsx(p, "graduates.xlsx", None)
    assert str(err.value) == f"file graduates.xlsx: {PASSWORD}"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError, match=r"cannot be opened as an \.xls workbook"):
        read_xlsx(p, "graduates.xlsx", None)
    p.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(InputError, match="truncated or damaged"):
        read_xlsx(p, "graduates.xlsx", None)
    p.write_bytes(b"\x00\x01 not a workbook")
    with pytest.raises(InputError, match="is not a workbook"):
        read_xlsx(p, "graduates.xlsx", None)


def test_the_contract_name_takes_any_workbook_kind_and_two_of_them_stop(tmp_path):
    (tmp_path / "graduates.xls").write_bytes(b"x")
    assert find_input(tmp_path, "graduates") == tmp_path / "graduates.xls"
    (tmp_path / "graduates.ods").write_bytes(b"x")
    with pytest.raises(InputError, match=r"both graduates\.xls and graduates\.ods exist; keep only one"):
        find_input(tmp_path, "graduates")
