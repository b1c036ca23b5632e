"""Demo files of 招生就业处: admissions (GBK CSV) and graduates (XLSX with a title row)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import people
from .common import YearFiles, apply_changes, date_forms, excel_serial, fullwidth
from .reference import MAJORS, POVERTY_COUNTIES
from .truth import TRUTH
from .writers import write_csv, write_xlsx

EMPLOYED = ("协议就业", "劳动合同就业", "升学", "应征义务兵", "自主创业", "灵活就业")
EMPLOYED_WEIGHTS = (30, 40, 12, 2, 2, 14)
NOT_EMPLOYED = ("待就业", "暂不就业")
OTHER_COUNTIES = (
    "天津市南开区",
    "天津市河西区",
    "天津市津南区",
    "天津市武清区",
    "河北省唐山市路南区",
    "河北省沧州市运河区",
    "山东省德州市德城区",
    "山西省大同市平城区",
    "内蒙古赤峰市红山区",
    "河南省郑州市金水区",
    "甘肃省兰州市城关区",
    "辽宁省沈阳市和平区",
)
PROVINCES = ("天津", "河北", "山西", "内蒙古", "山东", "河南", "甘肃", "新疆", "宁夏", "辽宁")


def open_majors(year: int) -> list[tuple]:
    return [m for m in MAJORS if m[4] != "停招" and (m[5] or 0) <= year]


# --------------------------------------------------------------------------------------------
# admissions: GBK CSV with a title row, header aliases and '*', mixed dates, full-width forms


def admissions(yf: YearFiles, out: Path) -> None:
    year, rng = yf.year, yf.rng
    truth = TRUTH[year]["enrolled"]
    majors = open_majors(year)
    header = [
        "考生编号*",
        "姓名",
        "身份证号",
        " 性别 *",
        "录取专业*",
        "所属学院",
        "培养层次*",
        "生源省份",
        "录取日期",
        "备注",
    ]
    rows: list[list] = [[f"{year}年招生录取名单（招生就业处）"] + [""] * (len(header) - 1), header]
    yf.note("admissions.csv", "gbk_encoding")
    yf.note("admissions.csv", "title_row")
    yf.note("admissions.csv", "header_alias")
    yf.note("admissions.csv", "header_trailing_star")
    yf.note("admissions.csv", "unknown_column")
    seq = 0
    valid: list[list] = []
    for level, count in truth.items():
        for _ in range(count * yf.scale):
            seq += 1
            _code, major, school = rng.choice(majors)[:3]
            cid = f"{year % 100:02d}12{seq:010d}"
            d = dt.date(year, 7, 10) + dt.timedelta(days=rng.randrange(60))
            lvl = level
            r = rng.random()
            if level == "高职(专科)" and r < 0.05:
                lvl = "高职（专科）"
                yf.note("admissions.csv", "fullwidth_brackets")
            elif r < 0.08:
                lvl = f" {level} "
                yf.note("admissions.csv", "stray_spaces")
            if rng.random() < 0.03:
                cid = fullwidth(cid)
                yf.note("admissions.csv", "fullwidth_digits")
            school_cell = "" if rng.random() < 0.1 else school
            if not school_cell:
                yf.note("admissions.csv", "blank_filled_from_reference")
            province = "留学生" if level == "留学生" else rng.choice(PROVINCES)
            valid.append(
                [
                    cid,
                    people.name(rng),
                    people.id_number(rng, year - 18),
                    rng.choice("男女"),
                    major,
                    school_cell,
                    lvl,
                    province,
                    date_forms(d, rng),
                    "",
                ]
            )
    yf.note("admissions.csv", "date_forms")
    rows.extend(valid)

    def bad(**changes) -> list:
        base = list(rng.choice(valid))
        base[0] = f"{year % 100:02d}19{rng.randrange(10**10):010d}"
        base[1], base[2] = people.name(rng), people.id_number(rng, year - 18)
        apply_changes(base, changes)
        return base

    quarantine = [
        ("missing_required", bad(c3="")),
        ("not_in_set", bad(c6="成人专科")),
        ("date_out_of_range", bad(c8=f"{year - 1}-06-30")),
        ("bad_id", bad(c0=f"{year % 100:02d}1201234X5678")),
        ("not_in_reference", bad(c4="航空服务")),
        ("bad_value", bad(c8=f"{year}-02-30")),
    ]
    for kind, row in quarantine:
        rows.insert(rng.randrange(3, len(rows)), row)
        yf.note("admissions.csv", f"quarantine:{kind}")
    conflict = bad()
    other = list(conflict)
    other[3] = "女" if conflict[3] == "男" else "男"
    rows.insert(rng.randrange(3, len(rows)), conflict)
    rows.insert(rng.randrange(3, len(rows)), other)
    yf.note("admissions.csv", "quarantine:key_conflict")
    for _ in range(3):
        rows.insert(rng.randrange(3, len(rows)), list(rng.choice(valid)))
    yf.note("admissions.csv", "exact_duplicates")
    for _ in range(2):
        rows.insert(rng.randrange(3, len(rows)), [""] * len(header))
    yf.note("admissions.csv", "blank_rows")
    total = sum(truth.values()) * yf.scale
    rows.append(["合计", f"{total}人"] + [""] * (len(header) - 2))
    rows.append([f"填表人：{people.name(rng)}", "", "审核人：", "", "", "", "", "", f"{year}年12月31日", ""])
    yf.note("admissions.csv", "note_rows")
    write_csv(out / "admissions.csv", rows, "gbk")


# --------------------------------------------------------------------------------------------
# graduates: XLSX with a merged title row, numbers stored as text, Excel dates and serials


def graduates(yf: YearFiles, out: Path) -> None:
    year, rng = yf.year, yf.rng
    t = TRUTH[year]
    n, employed = t["graduates"] * yf.scale, t["employed"] * yf.scale
    pov_n, pov_emp = t["poverty_graduates"] * yf.scale, t["poverty_employed"] * yf.scale
    majors = [m for m in MAJORS if (m[5] or 0) <= year - 3]
    as_of = dt.date(year, 8, 31)
    header = [
        "学号*",
        "姓名",
        "身份证号",
        "专业",
        "二级学院",
        "毕业年份",
        "生源县区",
        "毕业去向",
        "就业单位",
        "统计日期",
        "联系电话",
    ]
    rows: list[list] = [[f"{year}届毕业生就业情况统计表"], [None] * len(header), header]
    for kind in ("title_row", "merged_title", "header_alias", "unknown_column", "blank_rows"):
        yf.note("graduates.xlsx", kind)
    # Statuses: poverty graduates first (pov_emp of them employed), then the rest.
    statuses = (
        [True] * pov_emp
        + [False] * (pov_n - pov_emp)
        + [True] * (employed - pov_emp)
        + [False] * (n - employed - (pov_n - pov_emp))
    )
    valid = []
    for i, is_employed in enumerate(statuses):
        code, major, school = rng.choice(majors)[:3]
        sid = f"{year - 3}{code[2:4]}{i + 1:05d}"
        if i < pov_n:
            province, county = POVERTY_COUNTIES[i % len(POVERTY_COUNTIES)]
            form = i % 4
            home = (f"{province}{county}", f"{province[:2]} {county}", county, fullwidth(f" {province}{county} "))[form]
        else:
            home = rng.choice(OTHER_COUNTIES)
        status = rng.choices(EMPLOYED, EMPLOYED_WEIGHTS)[0] if is_employed else rng.choice(NOT_EMPLOYED)
        employer = (
            f"天津{rng.choice('华海津港滨河')}{rng.choice('科技精工新材电子物流')}有限公司" if is_employed else ""
        )
        sid_cell: object = sid if rng.random() < 0.5 else int(sid)
        year_cell: object = str(year) if rng.random() < 0.3 else year
        if rng.random() < 0.02:
            year_cell = fullwidth(str(year))
        as_of_cell: object = dt.datetime(as_of.year, as_of.month, as_of.day)
        r = rng.random()
        if r < 0.05:
            as_of_cell = excel_serial(as_of)
        elif r < 0.10:
            as_of_cell = f"{as_of.year}年{as_of.month}月{as_of.day}日"
        valid.append(
            [
                sid_cell,
                people.name(rng),
                people.id_number(rng, year - 21),
                major,
                "" if rng.random() < 0.1 else school,
                year_cell,
                home,
                status,
                employer,
                as_of_cell,
                people.phone(rng),
            ]
        )
    rng.shuffle(valid)
    if year == 2021:
        # A late batch recorded after the cut-off: counted, but a validation warning (statistics date).
        for r in valid[:5]:
            r[9] = dt.datetime(year, 9, 15)
        yf.note("graduates.xlsx", "warning:as_of_after_cutoff")
    rows.extend(valid)
    for kind in (
        "numbers_as_text",
        "fullwidth_digits",
        "excel_dates",
        "excel_serial_dates",
        "date_forms",
        "blank_filled_from_reference",
        "home_county_forms",
    ):
        yf.note("graduates.xlsx", kind)

    def bad(**changes) -> list:
        base = list(rng.choice(valid))
        base[0] = f"{year - 3}99{rng.randrange(10**5):05d}"
        base[1], base[2], base[10] = people.name(rng), people.id_number(rng, year - 21), people.phone(rng)
        apply_changes(base, changes)
        return base

    quarantine = [
        ("missing_required", bad(c7=None)),
        ("not_in_set", bad(c7="待定")),
        ("out_of_range", bad(c5=year - 1)),
        ("bad_id", bad(c0="20171234")),
    ]
    for kind, row in quarantine:
        rows.insert(rng.randrange(4, len(rows)), row)
        yf.note("graduates.xlsx", f"quarantine:{kind}")
    for _ in range(2):
        rows.insert(rng.randrange(4, len(rows)), list(rng.choice(valid)))
    yf.note("graduates.xlsx", "exact_duplicates")
    rows.insert(rng.randrange(4, len(rows)), [None] * len(header))
    rows.append([None] * len(header))
    rows.append(["合计", f"{n}人"])
    rows.append([f"填表人：{people.name(rng)}", None, None, "联系电话：", people.phone(rng)])
    yf.note("graduates.xlsx", "note_rows")
    write_xlsx(out / "graduates.xlsx", {"毕业生就业": rows}, merge_title={"毕业生就业": len(header)})


GENERATORS = [admissions, graduates]
