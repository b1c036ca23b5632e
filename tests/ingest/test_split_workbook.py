"""One dataset split over the sheets of one workbook (the data contract): the sheets whose headers make them the
same dataset are one table, read in sheet order; each sheet's rows are accounted on their own; rows keep their
sheet and row; hidden and empty sheets are skipped and named; two different files still stop the run. Cells
merged down a column give their value to every row they cover."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from openpyxl import Workbook

from annualreport.base.errors import InputError
from annualreport.base.params import load_params
from annualreport.ingest.merged import fill_down
from annualreport.ingest.readers import read_xlsx
from annualreport.ingest.recognise import EMPTY, HIDDEN, resolve_for
from annualreport.ingest.specs import load_specs
from annualreport.ingest.year import clean_dataset, context_for
from tests.helpers import ROOT, copy_project
from tests.ingest.splitbook import SHEETS, merged_runs, write_split

SPECS = load_specs()


def project(tmp_path, split: bool, merge: bool = True):
    """A 2020 project whose admissions are the demo CSV, or the same rows split over a workbook's sheets."""
    root = copy_project(tmp_path / ("split" if split else "one"), years=(2020,))
    raw = root / "data" / "raw" / "2020"
    raw.mkdir(parents=True)
    if split:
        write_split(raw / "2020年招生录取名单（招生就业处）.xlsx", merge=merge)
    else:
        shutil.copy(ROOT / "data" / "raw" / "2020" / "admissions.csv", raw / "admissions.csv")
    return load_params(root / "params" / "2020.yaml", root=root)


def cleaned(params):
    ctx = context_for(params)
    majors, _ = clean_dataset(SPECS["majors"], params, ctx)
    ctx.reference["majors"] = majors.frame
    return clean_dataset(SPECS["admissions"], params, ctx)[0]


def test_the_sheets_of_one_workbook_are_one_table_in_sheet_order(tmp_path):
    params = project(tmp_path, split=True)
    res = resolve_for(params, SPECS, reference=False)
    match = res.match("admissions", params.root)
    assert match.sheets == SHEETS  # in workbook order; the hidden list sheet between them is not one of them
    assert "one table over 3 sheets" in match.how
    skipped = {(p.name, sheet): why for p, sheet, why in res.unmatched}
    name = "2020年招生录取名单（招生就业处）.xlsx"
    assert skipped[name, "选项"] == HIDDEN and skipped[name, "Sheet2"] == EMPTY


def test_a_split_table_cleans_to_the_same_rows_as_one_sheet(tmp_path):
    one, split = cleaned(project(tmp_path, split=False)), cleaned(project(tmp_path, split=True))
    columns = [c for c in one.frame.columns if not c.startswith("source_")]

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[columns].sort_values(columns, kind="stable", na_position="first").reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(split.frame), rows(one.frame))
    assert list(dict.fromkeys(split.frame["source_sheet"])) == list(SHEETS)  # sheet order
    assert (one.frame["source_sheet"] == "").all()  # a CSV has no sheet
    # the same rows set aside for the same reasons, each naming its sheet and row
    assert sorted(split.quarantine["rule"]) == sorted(one.quarantine["rule"])
    assert set(split.quarantine["sheet"]) <= set(SHEETS) and split.quarantine["row"].ge(3).all()
    # each sheet's row accounting balances, and the sheets add up to the one file's data rows
    assert [a.sheet for a in split.accounts] == list(SHEETS)
    assert all(a.balanced for a in split.accounts)
    assert all(a.title_rows == 1 and a.header_row == 2 and a.note_rows == 1 for a in split.accounts)
    for field in ("data_rows", "clean_rows", "quarantined_rows", "duplicate_rows"):
        assert sum(getattr(a, field) for a in split.accounts) == getattr(one.accounting, field), field
    assert split.accounting.balanced and split.accounting.sheet == "、".join(SHEETS)


def test_merged_cells_down_a_column_give_every_row_their_value(tmp_path):
    params = project(tmp_path, split=True, merge=True)
    book = next(params.raw_dir.glob("*.xlsx"))
    assert merged_runs(book) > 10  # the fixture merges school cells over many runs
    merged = cleaned(params)
    unmerged = cleaned(project(tmp_path / "u", split=True, merge=False))
    pd.testing.assert_frame_equal(merged.frame, unmerged.frame)


def test_fill_down_fills_the_first_column_of_a_multirow_merge_only():
    rows = [["标题", None, None], ["学院", "专业", "人数"], ["机械", "模具", 1], [None, "数控", 2], [None, None, 3]]
    # the title merged across one row, 学院 merged down three rows, a 2x2 block
    assert fill_down(rows, [((0, 0), (0, 2)), ((2, 0), ((4, 0))), ((3, 1), (4, 2))]) == [(3, 0), (4, 0), (4, 1)]
    assert rows[0] == ["标题", None, None]  # a merge within one row is left alone
    assert [r[0] for r in rows[2:]] == ["机械", "机械", "机械"]
    assert rows[4][1] == "数控" and rows[4][2] == 3  # only the block's first column is filled


def test_a_hidden_sheet_is_read_from_the_workbook_only_when_asked(tmp_path):
    path = tmp_path / "b.xlsx"
    wb = Workbook()
    wb.active.title = "数据"
    wb.active.append(["a"])
    hidden = wb.create_sheet("选项")
    hidden.append(["x"])
    hidden.sheet_state = "veryHidden"
    wb.save(path)
    from annualreport.ingest.recognise import hidden_sheets

    assert hidden_sheets(path) == ["选项"]
    assert read_xlsx(path, "b.xlsx", "选项").rows == [(1, ["x"])]


def test_a_key_conflict_across_sheets_names_the_other_sheet(tmp_path):
    params = project(tmp_path, split=True)
    before = cleaned(params).frame
    a, b = (int(before[before["source_sheet"] == s]["source_row"].iloc[0]) for s in SHEETS[:2])
    book = next(params.raw_dir.glob("*.xlsx"))
    from openpyxl import load_workbook

    wb = load_workbook(book)
    wb[SHEETS[1]].cell(row=b, column=1).value = wb[SHEETS[0]].cell(row=a, column=1).value  # another's 考生号
    wb.save(book)
    res = cleaned(params)
    conflict = res.quarantine[res.quarantine["rule"] == "key_conflict"]
    conflict = conflict[conflict["row"].isin([a, b])]
    assert list(conflict["sheet"]) == list(SHEETS[:2])  # quarantined in sheet order
    reasons = dict(zip(conflict["sheet"], conflict["reason"], strict=True))
    assert f"{SHEETS[1]} row {b}" in reasons[SHEETS[0]] and f"{SHEETS[0]} row {a}" in reasons[SHEETS[1]]
    assert len(res.frame) == len(before) - 2 and all(x.balanced for x in res.accounts)


def test_an_exact_duplicate_across_sheets_is_dropped_and_counted_on_its_sheet(tmp_path):
    params = project(tmp_path, split=True)
    book = next(params.raw_dir.glob("*.xlsx"))
    from openpyxl import load_workbook

    wb = load_workbook(book)
    first, last = wb[SHEETS[0]], wb[SHEETS[2]]
    copied = [c.value for c in first[3]]
    last.insert_rows(3)
    for i, v in enumerate(copied, start=1):
        last.cell(row=3, column=i).value = v
    wb.save(book)
    before = cleaned(project(tmp_path / "b", split=True))
    res = cleaned(params)
    assert res.accounts[2].duplicate_rows == before.accounts[2].duplicate_rows + 1
    assert len(res.frame) == len(before.frame) and all(a.balanced for a in res.accounts)


def test_two_files_for_one_dataset_still_stop_the_run_naming_both(tmp_path):
    params = project(tmp_path, split=True)
    shutil.copy(ROOT / "data" / "raw" / "2020" / "admissions.csv", params.raw_dir / "补录名单.csv")
    with pytest.raises(InputError, match="two files look like dataset 'admissions'") as err:
        resolve_for(params, SPECS, reference=False).match("admissions", params.root)
    assert "补录名单.csv" in str(err.value) and "普通高职、联合培养本科、留学生" in str(err.value)


def test_a_subtotal_under_a_merged_school_cell_is_still_a_note_row(tmp_path):
    """A school's cell merged down over its majors' rows and its own 小计 row (and a blank row under it): the
    小计 row is a note row and the blank row blank, as the office sees them; the data rows get the school."""
    path = tmp_path / "招生.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["所属学院", "考生号", "性别", "录取专业", "培养层次", "录取日期"])
    ws.append(["机械工程学院", "20120000000001", "男", "模具设计与制造", "高职(专科)", "2020-08-01"])
    ws.append([None, "20120000000002", "女", "数控技术", "高职(专科)", "2020-08-02"])
    ws.append([None])
    ws.append([None, "小计", 2])
    ws.merge_cells("A2:A5")
    wb.save(path)
    sheet = read_xlsx(path, path.name, None)
    assert sheet.filled == [(2, 0), (3, 0), (4, 0)]
    from annualreport.ingest.sheet import clean_sheet

    res = clean_sheet(SPECS["admissions"], sheet, context_for(load_params(ROOT / "params" / "2020.yaml", root=ROOT)))
    acc = res.accounting
    assert (acc.data_rows, acc.note_rows, acc.blank_rows, acc.balanced) == (2, 1, 1, True)
    assert list(res.frame["school"]) == ["机械工程学院", "机械工程学院"]
