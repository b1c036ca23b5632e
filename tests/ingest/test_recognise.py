"""Files recognised by their content (ingest/recognise.py): the contract's name wins outright; any other
file and sheet is matched to a dataset by its header row (headers and aliases); files that match nothing
are listed; two candidates for one dataset stop the run naming both; multi-sheet workbooks work both ways."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from annualreport.base.errors import InputError
from annualreport.ingest.recognise import head_rows, resolve
from annualreport.ingest.specs import load_specs
from tests.helpers import ROOT

RAW = ROOT / "data" / "raw" / "2020"
SPECS = {n: s for n, s in load_specs(ROOT).items() if not s.reference}
ADMISSIONS = "2020年招生录取名单（招生就业处）.csv"


def folder(tmp_path: Path, **files: str) -> Path:
    """A raw folder: {new name: demo file name}."""
    d = tmp_path / "raw"
    d.mkdir(parents=True, exist_ok=True)
    for new, old in files.items():
        shutil.copy(RAW / old, d / new)
    return d


def test_the_contract_name_is_taken_by_name(tmp_path):
    d = folder(tmp_path, **{"admissions.csv": "admissions.csv"})
    res = resolve(d, SPECS)
    m = res.match("admissions")
    assert (m.path.name, m.sheet, m.how) == ("admissions.csv", None, "by name")
    assert not res.unmatched and not res.conflicts


def test_an_office_named_file_is_recognised_by_its_headers(tmp_path):
    d = folder(tmp_path, **{ADMISSIONS: "admissions.csv", "2020届毕业生就业（招就处）.xlsx": "graduates.xlsx"})
    res = resolve(d, SPECS)
    assert res.match("admissions").path.name == ADMISSIONS
    assert res.match("admissions").how == "by headers: 9 of 9 columns"
    grads = res.match("graduates")
    assert grads.path.name.startswith("2020届") and grads.sheet and grads.how.startswith("by headers: ")
    assert res.match("training") is None  # not delivered


def test_the_name_wins_outright_over_a_file_with_the_same_headers(tmp_path):
    d = folder(tmp_path, **{"admissions.csv": "admissions.csv", ADMISSIONS: "admissions.csv"})
    res = resolve(d, SPECS)
    assert res.match("admissions").path.name == "admissions.csv" and not res.conflicts
    [(path, _, why)] = res.unmatched
    assert path.name == ADMISSIONS and "taken by name" in why and "admissions.csv" in why


def test_aliases_count_as_headers(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    (d / "录取名单.csv").write_text(
        "2020年录取名单\n考生编号,姓名,性别,专业名称,所属学院,层次,生源省份,录取日期\n"
        "20000000000001,张三,男,机电一体化技术,,高职(专科),天津,2020-08-01\n",
        encoding="gb18030",
    )
    m = resolve(d, SPECS).match("admissions")
    assert m.path.name == "录取名单.csv" and m.how == "by headers: 8 of 9 columns"  # no 身份证号


def test_files_that_match_nothing_are_listed(tmp_path):
    d = folder(tmp_path, **{"admissions.csv": "admissions.csv"})
    (d / "通讯录.csv").write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    (d / "旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # a damaged .xls
    (d / "notes.txt").write_text("not a table", encoding="utf-8")
    res = resolve(d, SPECS)
    listed = {p.name: why for p, _, why in res.unmatched}
    assert set(listed) == {"通讯录.csv", "旧表.xls"}
    assert "no header row" in listed["通讯录.csv"] and "cannot be opened as an .xls workbook" in listed["旧表.xls"]


def test_two_candidates_for_one_dataset_stop_naming_both(tmp_path):
    d = folder(tmp_path, **{ADMISSIONS: "admissions.csv", "录取名单（补录）.csv": "admissions.csv"})
    res = resolve(d, SPECS)
    with pytest.raises(InputError) as err:
        res.match("admissions", tmp_path)
    assert ADMISSIONS in str(err.value) and "录取名单（补录）.csv" in str(err.value)
    assert "keep only one" in str(err.value)
    assert res.match("graduates") is None  # other datasets are unaffected


def test_a_multi_sheet_workbook_by_name_and_by_content(tmp_path):
    by_name = resolve(folder(tmp_path / "a", **{"staff.xlsx": "staff.xlsx", "safety.xlsx": "safety.xlsx"}), SPECS)
    office = resolve(
        folder(tmp_path / "b", **{"2020年人事台账（人事处）.xlsx": "staff.xlsx", "安全台账.xlsx": "safety.xlsx"}), SPECS
    )
    for res, how in ((by_name, "by name"), (office, "by headers")):
        for name, sheet in (
            ("staff_changes", "人员变动"),
            ("experts", "专家与特派员"),
            ("accidents", "安全事故"),
            ("hazards", "隐患整改"),
        ):
            m = res.match(name)
            assert m.sheet == sheet and m.how.startswith(how), (name, m)
        assert not res.unmatched and not res.conflicts


def test_renamed_sheets_are_recognised_and_extra_sheets_listed(tmp_path):
    """Sheets named as the office likes ("Sheet1") are matched by their headers; a sheet of notes is listed."""
    d = tmp_path / "raw"
    d.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2020年安全事故统计"])
    ws.append(["事故日期", "事故类别", "事故经过"])
    notes = wb.create_sheet("说明")
    notes.append(["本表由保卫处填报"])
    wb.save(d / "保卫处2020.xlsx")
    res = resolve(d, SPECS)
    m = res.match("accidents")
    assert m.sheet == "Sheet1" and m.how == "by headers: 3 of 3 columns"
    assert [(p.name, s) for p, s, _ in res.unmatched] == [("保卫处2020.xlsx", "说明")]


def test_header_rows_are_read_once_per_content(tmp_path, monkeypatch):
    d = folder(tmp_path, **{ADMISSIONS: "admissions.csv"})
    resolve(d, SPECS)
    import annualreport.ingest.recognise as rec

    monkeypatch.setattr(rec, "decode_csv_bytes", lambda *a: pytest.fail("read again"))
    assert resolve(d, SPECS).match("admissions").path.name == ADMISSIONS
    assert list(head_rows(d / ADMISSIONS)) == [None]


def test_a_file_added_to_the_folder_is_seen_by_the_next_resolution(tmp_path):
    d = folder(tmp_path, **{ADMISSIONS: "admissions.csv"})
    assert resolve(d, SPECS).match("admissions").path.name == ADMISSIONS
    shutil.copy(RAW / "admissions.csv", d / "录取名单（补录）.csv")
    assert "admissions" in resolve(d, SPECS).conflicts


def test_a_renamed_sheet_of_a_workbook_taken_by_name_is_recognised_by_its_headers(tmp_path):
    from openpyxl import load_workbook

    d = tmp_path / "raw"
    d.mkdir()
    wb = load_workbook(RAW / "safety.xlsx")
    wb["隐患整改"].title = "隐患排查"
    wb.save(d / "safety.xlsx")
    res = resolve(d, SPECS)
    assert (res.match("accidents").sheet, res.match("accidents").how) == ("安全事故", "by name")
    hazards = res.match("hazards")
    assert hazards.path.name == "safety.xlsx" and hazards.sheet == "隐患排查" and hazards.how.startswith("by headers")
    assert not res.unmatched


def test_the_clean_stage_key_names_the_file_and_sheet_used(tmp_path, monkeypatch):
    from annualreport.base.digests import file_digest, text_digest
    from annualreport.base.params import load_params
    from annualreport.runner.graph import BY_NAME
    from annualreport.runner.inputs import key_inputs
    from annualreport.runner.scheduler import Build, Options
    from tests.helpers import copy_project

    project = copy_project(tmp_path / "p", years=(2020,))
    raw = project / "data" / "raw" / "2020"
    raw.mkdir(parents=True)
    shutil.copy(RAW / "staff.xlsx", raw / "人事处-2020年度人事台账.xlsx")
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    run = Build(load_params(project / "params" / "2020.yaml", project), Options(dry_run=True))
    key = key_inputs(run, BY_NAME["clean"], "experts")
    assert "raw:data/raw/2020/人事处-2020年度人事台账.xlsx[专家与特派员]" in key
    assert key["raw:data/raw/2020/人事处-2020年度人事台账.xlsx[专家与特派员]"] == file_digest(
        raw / "人事处-2020年度人事台账.xlsx"
    )
    assert key_inputs(run, BY_NAME["clean"], "training")["raw:training"] == text_digest("absent")


def test_the_clean_stage_logs_files_that_matched_nothing(tmp_path, monkeypatch, caplog):
    from annualreport.base.params import load_params
    from annualreport.ingest.year import log_unmatched
    from tests.helpers import copy_project

    project = copy_project(tmp_path / "p", years=(2020,))
    raw = project / "data" / "raw" / "2020"
    raw.mkdir(parents=True)
    (raw / "通讯录.csv").write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    params = load_params(project / "params" / "2020.yaml", project)
    with caplog.at_level("WARNING"):
        log_unmatched(params, load_specs(project))
    assert "data/raw/2020/通讯录.csv: matched no dataset, not used" in caplog.text


def test_header_rows_come_from_the_memo_in_the_next_build(tmp_path, monkeypatch):
    """Planning a build reads no unchanged workbook: its header rows (and hidden sheets) are kept in the digest
    memo by the file's and the reading code's digests, and the next build (another process) takes them from
    there; the resolution is the same."""
    import annualreport.ingest.recognise as rec
    from annualreport.base import digests

    d = folder(tmp_path, **{"毕业生.xlsx": "graduates.xlsx", ADMISSIONS: "admissions.csv"})
    memo = tmp_path / "digests.json"
    digests.MEMO.load(memo)
    first = resolve(d, SPECS)
    digests.MEMO.save()
    monkeypatch.setattr(rec, "_HEADS", {})  # a new process
    monkeypatch.setattr(rec, "_HIDDEN", {})
    monkeypatch.setattr(rec, "open_workbook", lambda *a: pytest.fail("workbook opened again"))
    monkeypatch.setattr(rec, "decode_csv_bytes", lambda *a: pytest.fail("CSV read again"))
    digests.MEMO.load(memo)
    try:
        again = resolve(d, SPECS)
    finally:
        digests.MEMO.save()
    assert {n: (m.path, m.sheets) for n, m in again.matches.items()} == {
        n: (m.path, m.sheets) for n, m in first.matches.items()
    }
    assert again.unmatched == first.unmatched


def test_remembered_header_rows_of_older_reading_code_are_not_used(monkeypatch):
    """The memo key holds the digest of the code that reads header rows: other code, another key."""
    import annualreport.ingest.recognise as rec

    key = rec._reading_code()
    rec._reading_code.cache_clear()
    try:
        with monkeypatch.context() as m:
            m.setattr(rec, "HEAD_ROWS", rec.HEAD_ROWS + 1)  # the code changed
            assert rec._reading_code() != key
    finally:
        rec._reading_code.cache_clear()
    assert rec._reading_code() == key
