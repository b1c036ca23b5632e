"""Value normalisers: the forms the data contract says must be accepted."""

import datetime as dt

import pytest

from annualreport.ingest import normalize as nz

D = dt.datetime(2020, 9, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "2020-09-01",
        "2020/9/1",
        "2020.9.1",
        "2020年9月1日",
        "20200901",
        44075,
        "44075",
        "２０２０-０９-０１",
        " 2020 年 9 月 1 日 ",
        dt.datetime(2020, 9, 1, 0, 0),
        dt.date(2020, 9, 1),
        20200901,
    ],
)
def test_every_date_form(raw):
    assert nz.date(raw) == D


def test_datetime_keeps_time():
    assert nz.datetime_("2020-03-15 10:23:05") == dt.datetime(2020, 3, 15, 10, 23, 5)
    assert nz.date("2020-03-15 10:23") == dt.datetime(2020, 3, 15)


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("2020-02-30", "not a real date"),
        ("next week", "expected a date"),
        (123, "expected a date"),
        ("2020-13-01", "not a real date"),
    ],
)
def test_bad_dates(raw, reason):
    with pytest.raises(ValueError, match=reason):
        nz.date(raw)


@pytest.mark.parametrize(
    "raw, value",
    [("96.17%", 96.17), ("0.9617", 96.17), (0.9617, 96.17), ("96.17", 96.17), ("９６.１７％", 96.17), (100, 100.0)],
)
def test_percent(raw, value):
    assert nz.percent(raw) == pytest.approx(value)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("12,500.00", 12500.0),
        ("1.25万", 12500.0),
        ("12500元", 12500.0),
        (12500, 12500.0),
        ("１２，５００", 12500.0),
        ("-3", -3.0),
    ],
)
def test_money(raw, value):
    assert nz.money(raw) == value


def test_bad_money():
    with pytest.raises(ValueError, match="expected an amount"):
        nz.money("一万二")


@pytest.mark.parametrize("raw, value", [("１２３", 123), ("123", 123), (123.0, 123), ("1,234", 1234), (" 7 ", 7)])
def test_integers_including_numbers_stored_as_text(raw, value):
    assert nz.integer(raw) == value


def test_integer_rejects_fractions_and_words():
    for raw in ("1.5", 1.5, "abc", True):
        with pytest.raises(ValueError):
            nz.integer(raw)


def test_categories_ignore_spaces_and_fullwidth_brackets():
    allowed = ["高职(专科)", "联合培养本科", "留学生"]
    assert nz.category("高职（专科）", allowed) == "高职(专科)"
    assert nz.category(" 高职 (专科) ", allowed) == "高职(专科)"
    with pytest.raises(ValueError, match="is not one of"):
        nz.category("成人专科", allowed)


def test_headers_drop_required_star_and_fullwidth():
    assert nz.header(" 性别 *") == "性别"
    assert nz.header("考生编号＊") == "考生编号"
    assert nz.header("到账收入（元）") == "到账收入(元)"


def test_boolean():
    assert nz.boolean("是") is True and nz.boolean("否") is False and nz.boolean("") is False
    with pytest.raises(ValueError):
        nz.boolean("也许")


def test_chinese_date_with_time():
    assert nz.datetime_("2020年4月15日 10:23") == dt.datetime(2020, 4, 15, 10, 23)
    assert nz.datetime_("2020年4月15日10:23") == dt.datetime(2020, 4, 15, 10, 23)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2024-03-05 14:30:12", dt.datetime(2024, 3, 5, 14, 30, 12)),
        ("2024/3/5 14:30", dt.datetime(2024, 3, 5, 14, 30)),
        ("2024/03/05 9:05", dt.datetime(2024, 3, 5, 9, 5)),
        ("2024.3.5 14:30", dt.datetime(2024, 3, 5, 14, 30)),
        ("2024年3月5日 14:30", dt.datetime(2024, 3, 5, 14, 30)),
        ("２０２４－０３－０５　１４：３０", dt.datetime(2024, 3, 5, 14, 30)),  # full-width, as some IMEs type it
        ("2024-3-5", dt.datetime(2024, 3, 5)),
        ("2024.03.05 14:30:12", dt.datetime(2024, 3, 5, 14, 30, 12)),
        ("2024年03月05日 14:30:12", dt.datetime(2024, 3, 5, 14, 30, 12)),
        ("2024/3/5 07:05:09", dt.datetime(2024, 3, 5, 7, 5, 9)),
        ("20240305 14:30", dt.datetime(2024, 3, 5, 14, 30)),
        (" 2024/3/5  14:30 ", dt.datetime(2024, 3, 5, 14, 30)),  # spaces around and doubled
        (dt.datetime(2024, 3, 5, 14, 30, 12), dt.datetime(2024, 3, 5, 14, 30, 12)),  # a date-time cell
    ],
)
def test_date_times_as_offices_type_them(typed, expected):
    """The data contract: date-times as 2020-09-01 14:30:12 or 2020/9/1 14:30, with or without leading zeros; a
    date column given a date-time keeps the day."""
    assert nz.datetime_(typed) == expected
    assert nz.date(typed) == dt.datetime(expected.year, expected.month, expected.day)


@pytest.mark.parametrize(
    "typed",
    ["2024-03-05 25:61", "2024-02-30 10:00", "2024/3/5 14", "2024-03-05 14:30 下午", "2024-03-05 24:00",
     "2024-03-05 14:30:60", "2024/3/5 9:5", "2024-03-05 14:30:12:01"],
)  # fmt: skip
def test_impossible_date_times_are_refused(typed):
    """In a date-time column and in a date column alike: a date column keeps a date-time's day, not a garbled one."""
    with pytest.raises(ValueError):
        nz.datetime_(typed)
    with pytest.raises(ValueError):
        nz.date(typed)
