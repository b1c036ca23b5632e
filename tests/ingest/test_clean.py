"""The generic cleaner on small inline fixtures: every accepted mess, every quarantine rule,
every structural error, and row accounting that balances."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from annualreport.base.errors import InputError
from annualreport.ingest.cells import CleanContext
from annualreport.ingest.readers import read_csv, read_xlsx
from annualreport.ingest.sheet import clean_sheet
from annualreport.ingest.specs import load_specs
from annualreport_dev.demo.writers import write_csv, write_xlsx

SPECS = load_specs()
HEADER = [
    "考生编号*",
    "姓名",
    "身份证号",
    " 性别 *",
    "录取专业",
    "所属学院",
    "培养层次",
    "生源地",
    "录取日期",
    "自带列",
]
MAJORS = pd.DataFrame({"major": ["模具设计与制造", "会计"], "school": ["机械工程学院", "经济管理学院"]})


def ctx() -> CleanContext:
    return CleanContext(
        year=2020,
        date_min=pd.Timestamp("2020-01-01"),
        date_max=pd.Timestamp("2020-12-31 23:59:59"),
        reference={"majors": MAJORS},
    )


def row(cid="20120000000001", sex="男", major="会计", school="", level="高职(专科)", date="2020-07-20", name="张三"):
    return [cid, name, "120101200001011234", sex, major, school, level, "天津", date, "x"]


def clean_rows(tmp_path: Path, rows: list[list], encoding="gbk", title=True):
    body = ([["2020年招生录取名单"] + [""] * 9] if title else []) + [HEADER] + rows
    p = tmp_path / "admissions.csv"
    write_csv(p, body, encoding)
    return clean_sheet(SPECS["admissions"], read_csv(p, "admissions.csv"), ctx())


def test_accepted_mess_is_cleaned(tmp_path):
    rows = [
        row(),
        row(
            cid="２０１２０００００００００２", level="高职（专科）", date="2020年7月21日"
        ),  # full-width digits, brackets
        row(cid="20120000000003", level=" 联合培养本科 ", date="20200722", school="经济管理学院"),
        [""] * 10,
        row(cid="20120000000004", date="2020/7/23"),
        row(cid="20120000000005", date="2020.7.24"),
        ["合计", "5人"] + [""] * 8,
        ["填表人：李四"] + [""] * 9,
    ]
    r = clean_rows(tmp_path, rows)
    f = r.frame
    assert list(f["candidate_id"]) == [f"2012000000000{i}" for i in range(1, 6)]
    assert list(f["level"])[:3] == ["高职(专科)", "高职(专科)", "联合培养本科"]
    assert list(f["admitted_on"].dt.day) == [20, 21, 22, 23, 24]
    assert set(f["school"]) == {"经济管理学院"}  # blank school filled from majors
    assert "姓名" not in f.columns and "身份证号" not in f.columns
    assert r.ignored_columns == ["自带列"]
    a = r.accounting
    assert (a.title_rows, a.header_row, a.blank_rows, a.note_rows, a.data_rows, a.clean_rows) == (1, 2, 1, 2, 5, 5)
    assert a.balanced


@pytest.mark.parametrize(
    "bad, rule, column",
    [
        (row(cid="20120000000009", sex=""), "missing_required", "性别"),
        (row(cid="20120000000009", level="成人专科"), "not_in_set", "培养层次"),
        (row(cid="20120000000009", date="2019-06-30"), "date_out_of_range", "录取日期"),
        (row(cid="2012000000000X"), "bad_id", "考生号"),
        (row(cid="2012000000009"), "bad_id", "考生号"),
        (row(cid="20120000000009", major="航空服务"), "not_in_reference", "录取专业"),
        (row(cid="20120000000009", date="2020-02-30"), "bad_value", "录取日期"),
    ],
)
def test_each_quarantine_rule(tmp_path, bad, rule, column):
    r = clean_rows(tmp_path, [row(), bad])
    assert len(r.frame) == 1
    q = r.quarantine
    assert list(q["rule"]) == [rule] and list(q["column"]) == [column]
    assert list(q["row"]) == [4] and list(q["file"]) == ["admissions.csv"]
    assert "姓名" not in q.columns and "张三" not in q.to_csv()
    assert r.accounting.balanced


def test_duplicates_dropped_and_key_conflicts_quarantined(tmp_path):
    rows = [
        row(),
        row(),
        row(cid="20120000000002"),
        row(cid="20120000000003", sex="男"),
        row(cid="20120000000003", sex="女"),
    ]
    r = clean_rows(tmp_path, rows)
    assert list(r.frame["candidate_id"]) == ["20120000000001", "20120000000002"]
    assert r.accounting.duplicate_rows == 1
    assert list(r.quarantine["rule"]) == ["key_conflict", "key_conflict"]
    assert "also on row(s) 7" in r.quarantine["reason"][0]
    assert r.accounting.balanced and r.accounting.data_rows == 5


def test_utf8_bom_and_plain_utf8(tmp_path):
    for enc in ("utf-8-sig", "utf-8"):
        r = clean_rows(tmp_path, [row()], encoding=enc, title=False)
        assert len(r.frame) == 1 and r.accounting.title_rows == 0


def test_gb18030_rare_characters_in_names(tmp_path):
    r = clean_rows(tmp_path, [row(name="䶮㛃")])  # outside GB2312: chardet's guess would fail
    assert len(r.frame) == 1


def test_undecodable_bytes_name_the_offset(tmp_path):
    p = tmp_path / "admissions.csv"
    p.write_bytes("考生编号,性别\n".encode("gb18030") + b"\x81\x20\xff\n")
    with pytest.raises(
        InputError, match=r"admissions.csv: is neither UTF-8 nor GBK/GB18030: undecodable bytes at byte offset 14"
    ):
        read_csv(p, "admissions.csv")


def test_utf16_is_refused(tmp_path):
    p = tmp_path / "admissions.csv"
    p.write_bytes("考生编号,性别\n".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        read_csv(p, "admissions.csv")


def test_missing_required_column_names_file_row_and_column(tmp_path):
    p = tmp_path / "admissions.csv"
    write_csv(p, [["考生编号", "性别", "录取专业", "录取日期"], ["20120000000001", "男", "会计", "2020-07-01"]], "gbk")
    with pytest.raises(InputError) as exc:
        clean_sheet(SPECS["admissions"], read_csv(p, "admissions.csv"), ctx())
    assert str(exc.value) == (
        "file admissions.csv, row 1, column 培养层次: required column missing: no header named 培养层次、层次"
    )


def test_same_header_twice(tmp_path):
    p = tmp_path / "admissions.csv"
    write_csv(p, [[*HEADER, "性别"], [*row(), "女"]], "gbk")
    with pytest.raises(InputError, match="the header '性别' appears twice"):
        clean_sheet(SPECS["admissions"], read_csv(p, "admissions.csv"), ctx())


def test_long_row_is_an_error_naming_the_row(tmp_path):
    with pytest.raises(InputError, match=r"file admissions.csv, row 4: has 12 fields but the header"):
        clean_rows(tmp_path, [row(), [*row(cid="20120000000002"), "extra", "more"]])


def test_no_header_found(tmp_path):
    p = tmp_path / "admissions.csv"
    write_csv(p, [["a", "b"], ["1", "2"]], "utf-8")
    with pytest.raises(InputError, match="no header row found"):
        clean_sheet(SPECS["admissions"], read_csv(p, "admissions.csv"), ctx())


def test_xlsx_with_merged_title_numbers_as_text_and_serial_dates(tmp_path):
    header = ["学号*", "姓名", "专业", "二级学院", "毕业年份", "生源县区", "毕业去向", "统计日期"]
    rows = [
        ["2020年毕业生就业情况统计表"],
        [None] * 8,
        header,
        ["20170100001", "王五", "会计", None, "2020", "甘肃省庄浪县", "协议就业", 44074],
        [20170100002, "赵六", "会计", "经济管理学院", 2020, "天津市南开区", "待就业", dt.datetime(2020, 8, 31)],
        ["20170100003", "钱七", "会计", "经济管理学院", "２０２０", "", "升学", "2020年8月31日"],
        [None] * 8,
        ["填表人：孙八"],
    ]
    p = tmp_path / "graduates.xlsx"
    write_xlsx(p, {"毕业生": rows}, merge_title={"毕业生": 8})
    r = clean_sheet(SPECS["graduates"], read_xlsx(p, "graduates.xlsx", None), ctx())
    f = r.frame
    assert list(f["student_id"]) == ["20170100001", "20170100002", "20170100003"]
    assert list(f["graduation_year"]) == [2020, 2020, 2020]
    assert set(f["as_of"]) == {pd.Timestamp("2020-08-31")}
    assert f["school"][0] == "经济管理学院"
    a = r.accounting
    assert (a.title_rows, a.blank_rows, a.note_rows, a.clean_rows) == (1, 2, 1, 3) and a.balanced


def test_a_sheet_that_is_missing(tmp_path):
    p = tmp_path / "staff.xlsx"
    write_xlsx(p, {"其他": [["a"]]})
    with pytest.raises(InputError, match="has no sheet named '人员变动'"):
        read_xlsx(p, "staff.xlsx", "人员变动")


def test_old_xls_and_damaged_xlsx(tmp_path):
    p = tmp_path / "graduates.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError, match=r"cannot be opened as an \.xls workbook"):
        read_xlsx(p, "graduates.xlsx", None)
    p.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(InputError, match="truncated or damaged"):
        read_xlsx(p, "graduates.xlsx", None)


def test_a_cell_of_a_million_characters_is_a_quarantined_row_not_a_stop(tmp_path):
    """A paste gone wrong: far longer than any spreadsheet cell (Excel holds 32,767 characters). The CSV is
    read (no field-size stop), the row is set aside with its reason, the quarantine keeps its start and
    length, and the other rows are clean."""
    rows = [row(), row(cid="20120000000002", major="会" * 1_000_000), row(cid="20120000000003")]
    r = clean_rows(tmp_path, rows, encoding="utf-8")
    assert list(r.frame["candidate_id"]) == ["20120000000001", "20120000000003"]
    (q,) = r.quarantine.to_dict("records")
    assert (q["rule"], q["column"], q["row"]) == ("too_long", "录取专业", 4)
    assert "1000000 characters" in q["reason"]
    assert q["major"].endswith("…（共1000000字）") and len(q["major"]) < 300
    assert r.accounting.balanced
    from annualreport.validation.reasons import fix_zh, reason_zh

    assert "内容过长" in reason_zh(SPECS["admissions"], q) and "误粘贴" in fix_zh("too_long")
