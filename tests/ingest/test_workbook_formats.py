"""Workbooks as offices save them (the data contract): `.xls` (Excel 97–2003, older Excel and WPS), `.xlsb` and
`.ods` read like `.xlsx`, with the same title rows, note rows, two-row headers, dates, merged cells and hidden
sheets; each kind is told by its content, not its name; a password or a damaged file stops the run in one line
naming the file. The files are written at test time by LibreOffice (.xls, .ods) and SheetJS (.xlsb, .xls), see
tests/ingest/convert.py; the password-protected ones are fixtures (tests/ingest/fixtures/README.md)."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import pandas as pd
import pytest

from annualreport.base.errors import InputError
from annualreport.base.params import load_params
from annualreport.ingest.readers import find_input, read_xlsx
from annualreport.ingest.recognise import resolve_for
from annualreport.ingest.specs import load_specs
from annualreport.ingest.workbooks import INDENT, PASSWORD, kind
from annualreport.ingest.year import clean_dataset, context_for
from tests.helpers import ROOT, clean_results, copy_project
from tests.ingest.convert import convert, convert_all
from tests.ingest.formatbook import write_book
from tests.ingest.splitbook import SHEETS, write_split

SPECS = load_specs()
FIXTURES = ROOT / "tests" / "ingest" / "fixtures"
# (suffix, writer): every kind as a program that writes it saves it
KINDS = [
    (".xls", "libreoffice"),
    (".xls", "sheetjs"),
    (".xlsb", "sheetjs"),
    (".ods", "libreoffice"),
    (".ods", "libreoffice-pretty"),
]


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
    """The same clean rows, quarantined rows (but for the file's name) and row accounting, sheet by sheet."""
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.quarantine.drop(columns="file"), b.quarantine.drop(columns="file"))
    assert [(x.sheet, x.data_rows, x.clean_rows, x.title_rows, x.note_rows, x.blank_rows) for x in a.accounts] == [
        (x.sheet, x.data_rows, x.clean_rows, x.title_rows, x.note_rows, x.blank_rows) for x in b.accounts
    ]


@pytest.fixture(scope="module")
def office_book(tmp_path_factory):
    """The office workbook (tests/ingest/formatbook.py) as .xlsx, cleaned: {dataset: CleanResult}."""
    tmp = tmp_path_factory.mktemp("office-book")
    book = write_book(tmp / "2020年台账.xlsx")
    params = project(tmp / "p", {book.name: book})
    return book, {name: cleaned(params, name) for name in ("awards", "teaching_survey")}


def test_the_office_workbook_as_xlsx_cleans_as_the_contract_says(office_book):
    """What every other kind must match: the title rows, the group row and the note rows are not data; IDs and
    dates typed as numbers, dates or text read alike; a date column keeps a date-time's day; an impossible time
    is quarantined, not guessed."""
    _, results = office_book
    awards, survey = results["awards"], results["teaching_survey"]
    assert list(awards.frame["awarded_on"].dt.strftime("%Y-%m-%d")) == [
        "2020-05-16", "2020-05-17", "2020-06-01", "2020-06-02", "2020-09-02", "2020-09-01", "2020-09-03", "2020-09-05"
    ]  # fmt: skip
    assert list(awards.frame["person_id"])[:4] == ["2019309277", "2019562984", "164079", "2018257642"]
    assert list(awards.quarantine["rule"]) == ["not_in_set"]
    assert [(a.data_rows, a.clean_rows, a.title_rows, a.note_rows, a.blank_rows) for a in awards.accounts] == [
        (9, 8, 2, 2, 1)
    ]
    assert list(survey.frame["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S")) == [
        "2020-06-09 10:16:05", "2020-05-12 12:24:30", "2020-05-03 09:05:00", "2020-05-17 14:01:00",
        "2020-06-16 15:08:00",
    ]  # fmt: skip
    assert "not a real date: '2020-06-16 25:61'" in survey.quarantine["reason"].iloc[0]


@pytest.mark.slow
@pytest.mark.parametrize("suffix, writer", KINDS)
def test_the_office_workbook_cleans_the_same_in_every_kind(tmp_path, office_book, suffix, writer):
    book, expected = office_book
    other = convert(book, suffix, tmp_path / "converted", writer)
    assert kind(other, other.name) == suffix.lstrip(".")
    if writer == "libreoffice-pretty":  # the XML calamine stops in, read through compact_ods
        with zipfile.ZipFile(other) as z:
            assert INDENT.search(z.read("content.xml"))
    params = project(tmp_path / "p", {other.name: other})
    for name in ("awards", "teaching_survey"):
        same(cleaned(params, name), expected[name])


@pytest.mark.slow
@pytest.mark.parametrize("suffix, writer", [(".xls", "libreoffice"), (".xls", "sheetjs"), (".xlsb", "sheetjs"),
                                            (".ods", "libreoffice")])  # fmt: skip
def test_the_demo_year_in_another_kind_cleans_the_same(tmp_path, cleaned_years, suffix, writer):
    """Every workbook of the 2020 demo (ten datasets in eight workbooks) saved as another kind: every
    dataset cleans to the same rows, quarantine and accounting as from the .xlsx."""
    books = sorted((ROOT / "data" / "raw" / "2020").glob("*.xlsx"))
    converted = convert_all(books, suffix, tmp_path / "converted", writer)
    csvs = {p.name: p for p in (ROOT / "data" / "raw" / "2020").glob("*.csv")}
    params = project(tmp_path / "p", {**csvs, **{p.name: p for p in converted}})
    results = clean_results(params)
    expected = cleaned_years[2020].results
    assert results.keys() == expected.keys()
    from_books = [n for n, spec in SPECS.items() if (ROOT / "data" / "raw" / "2020" / f"{spec.file}.xlsx").exists()]
    assert len(from_books) == 10
    for name in from_books:
        assert all(a.file.endswith(suffix) for a in results[name].accounts), name
        same(results[name], expected[name])


@pytest.mark.slow
@pytest.mark.parametrize("suffix, writer", [(".xls", "libreoffice"), (".ods", "libreoffice"), (".xlsb", "sheetjs")])
def test_a_split_workbook_with_merges_and_a_hidden_sheet_reads_the_same_in_every_kind(tmp_path, suffix, writer):
    book = tmp_path / "录取名单.xlsx"
    write_split(book)
    other = convert(book, suffix, tmp_path / "converted", writer)
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


@pytest.mark.parametrize("name", ["protected.xls", "protected.xlsx", "protected.ods"])
def test_a_password_protected_workbook_stops_in_one_line_naming_it(tmp_path, name):
    """Real password-protected workbooks (Excel 97–2003 RC4, ECMA-376 agile encryption, ODF): one line, the
    same for every kind, whatever the file is called."""
    for target in (name, "graduates" + name[name.index(".") :], "毕业生就业.xlsx"):
        shutil.copy(FIXTURES / name, tmp_path / target)
        with pytest.raises(InputError) as err:
            read_xlsx(tmp_path / target, f"data/raw/2020/{target}", None)
        assert str(err.value) == f"file data/raw/2020/{target}: {PASSWORD}"


@pytest.mark.slow
@pytest.mark.parametrize("suffix, writer", [(".xls", "libreoffice"), (".xlsb", "sheetjs"), (".ods", "libreoffice")])
def test_a_damaged_workbook_stops_in_one_line_naming_it(tmp_path, office_book, suffix, writer):
    """A file cut short (a download or a copy that stopped) of each kind: one clear line naming it."""
    whole = convert(office_book[0], suffix, tmp_path / "converted", writer)
    cut = tmp_path / f"获奖{suffix}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    with pytest.raises(InputError) as err:
        read_xlsx(cut, cut.name, None)
    message = str(err.value)
    assert message.startswith(f"file {cut.name}: ") and "\n" not in message
    assert "damaged" in message and ("save it again" in message or "truncated" in message), message


def test_files_that_are_no_workbook_stop_in_one_line(tmp_path):
    p = tmp_path / "graduates.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100)
    with pytest.raises(InputError, match="protected by a password") as err:
        read_xlsx(p, "graduates.xlsx", None)
    assert str(err.value) == f"file graduates.xlsx: {PASSWORD}"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError, match=r"cannot be opened as an \.xls workbook \(damaged"):
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
    (tmp_path / "graduates.ods").unlink()
    (tmp_path / "graduates.xlsb").write_bytes(b"x")
    with pytest.raises(InputError, match=r"both graduates\.xls and graduates\.xlsb exist"):
        find_input(tmp_path, "graduates")
