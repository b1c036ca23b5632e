"""Demo files of 继续教育学院, 科研处, 国际交流处 and 校企合作处.

- training.csv (GBK): 社会培训台账, with programmes carried over from the previous year;
- patents.xlsx: 专利台账, the whole portfolio (older patents, last December's filings, the year's);
- research_projects.csv (UTF-8): 科研与社会服务项目, with 横向技术服务 contracts carried over;
- international_events.csv (UTF-8 with BOM): 国际交流台账 of the year;
- partners.xlsx: 校企合作台账, cumulative: every partner that joined up to the end of the year.

Each file is built the same way: the valid rows that give the year's truth (TRUTH below; 2020's are
the published figures), then the accepted mess, then rows the cleaner must quarantine, exact
duplicates, blank rows and note rows. Every kind is recorded with `yf.note(file, kind)`.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from . import people
from .common import (
    LatestYear,
    YearFiles,
    apply_changes,
    date_forms,
    excel_serial,
    fullwidth,
    insert_randomly,
    random_day,
)
from .writers import write_csv, write_xlsx

# --------------------------------------------------------------------------------------------
# Per-year truth. 2020 gives the published figures; 2021 the planned target outcomes.

TRUTH = LatestYear(
    {
        2019: {
            # programmes started in the year: count, trainees, income; `carried`: started last Nov/Dec
            "training": {"programmes": 71, "trainees": 24116, "income": 4350000, "carried": 3},
            "patents": {
                "filed": 19,
                "filed_december": 2,
                "last_december": 1,
                "granted": 40,
                "granted_new": 5,
                "converted": 28,
                "converted_new": 1,
                "lapsed": 5,
                "rejected": 2,
                "pending_old": 3,
            },
            # (category, source) -> rows of the year; tech_carried: 横向技术服务 started last Nov/Dec
            "research": {
                ("思政课题", "海河教育园区"): 4,
                ("思政课题", "高职研究会"): 1,
                ("思政课题", "天津市教委"): 2,
                ("论文", None): 7,
                ("智库咨询", None): 0,  # the 智库 was founded in 2020
                ("横向技术服务", None): 9,
                ("企业技术支持", None): 22,
                ("纵向课题", None): 6,
            },
            "tech_carried": 2,
            "seminar_viewers": (2150, 1030),
            "masks": (),
            "india_viewers": 0,
        },
        2020: {
            "training": {"programmes": 83, "trainees": 28408, "income": 4860000, "carried": 4},
            # granted 51, converted 38: 74.51 % -> 75 %; accepted in 2020: 2 (Dec 2019 filings) + 21 = 23
            "patents": {
                "filed": 23,
                "filed_december": 2,
                "last_december": 2,
                "granted": 51,
                "granted_new": 7,
                "converted": 38,
                "converted_new": 2,
                "lapsed": 6,
                "rejected": 3,
                "pending_old": 4,
            },
            "research": {
                ("思政课题", "海河教育园区"): 5,
                ("思政课题", "高职研究会"): 2,
                ("思政课题", "天津市教委"): 3,
                ("论文", None): 9,
                ("智库咨询", None): 34,
                ("横向技术服务", None): 11,
                ("企业技术支持", None): 30,
                ("纵向课题", None): 8,
            },
            "tech_carried": 3,
            "seminar_viewers": (8460, 4620),
            "masks": (12000, 8000),
            "india_viewers": 860,
        },
        2021: {
            # income 5,230,000 yuan: the 6,000,000 target is missed
            "training": {"programmes": 88, "trainees": 30125, "income": 5230000, "carried": 4},
            # filed 24: the >= 20 target is met
            "patents": {
                "filed": 24,
                "filed_december": 2,
                "last_december": 2,
                "granted": 60,
                "granted_new": 8,
                "converted": 44,
                "converted_new": 3,
                "lapsed": 7,
                "rejected": 3,
                "pending_old": 5,
            },
            "research": {
                ("思政课题", "海河教育园区"): 6,
                ("思政课题", "高职研究会"): 3,
                ("思政课题", "天津市教委"): 2,
                ("论文", None): 11,
                ("智库咨询", None): 38,
                ("横向技术服务", None): 13,
                ("企业技术支持", None): 35,
                ("纵向课题", None): 9,
            },
            "tech_carried": 3,
            "seminar_viewers": (9870, 5490),
            "masks": (5000,),
            "india_viewers": 1420,
        },
    }
)

# The partners ledger is cumulative, so it is one fixed list: (enterprise, kind, group, joined on).
# The year's file holds the entries that joined up to the end of that year.
# 2020: 4 board members (海尔, 海鸥, 瑞能, 中天未来), 2 workstations, 1 overseas base; 现代学徒制
# partners in 3 of the 5 groups. 2021: 2 board members (target 3 missed); 现代学徒制 1-2 per group.
BOARD, STATION, OVERSEAS, APPRENTICE, INDUSTRY = (
    "校企合作董事会",
    "教师企业实践工作站",
    "海外教师培训基地",
    "现代学徒制",
    "产业学院",
)
MOULD, PV, ELEC, ART, TRADE = "模具设计与制造", "光伏发电技术与应用", "电子信息", "数字艺术设计", "现代商贸"
PARTNERS = [
    ("天津渤海轻工投资集团有限公司", BOARD, None, dt.date(2017, 6, 16)),
    ("天津一汽丰田汽车有限公司", BOARD, None, dt.date(2017, 6, 16)),
    ("天津中环半导体股份有限公司", BOARD, PV, dt.date(2017, 6, 16)),
    ("天津港（集团）有限公司", BOARD, TRADE, dt.date(2018, 5, 22)),
    ("京东物流天津分公司", BOARD, TRADE, dt.date(2018, 5, 22)),
    ("天津七一二通信广播股份有限公司", BOARD, ELEC, dt.date(2019, 4, 26)),
    ("天津长荣科技集团股份有限公司", BOARD, MOULD, dt.date(2019, 4, 26)),
    ("天津市捷威动力工业有限公司", BOARD, PV, dt.date(2019, 11, 8)),
    ("天津海尔洗涤电器有限公司", BOARD, None, dt.date(2020, 6, 19)),
    ("天津海鸥表业集团有限公司", BOARD, MOULD, dt.date(2020, 6, 19)),
    ("天津瑞能电气有限公司", BOARD, PV, dt.date(2020, 6, 19)),
    ("中天未来科技（天津）有限公司", BOARD, ART, dt.date(2020, 10, 30)),
    ("天津百利机械装备集团有限公司", BOARD, MOULD, dt.date(2021, 5, 28)),
    ("中国联合网络通信有限公司天津市分公司", BOARD, ELEC, dt.date(2021, 5, 28)),
    ("天津中环半导体股份有限公司", STATION, PV, dt.date(2019, 9, 10)),
    ("天津海鸥表业集团有限公司", STATION, MOULD, dt.date(2020, 9, 25)),
    ("天津七一二通信广播股份有限公司", STATION, ELEC, dt.date(2020, 11, 13)),
    ("天津瑞能电气有限公司", STATION, PV, dt.date(2021, 4, 16)),
    ("天津长荣科技集团股份有限公司", STATION, MOULD, dt.date(2021, 10, 22)),
    ("瑞士教育集团（SEG）", OVERSEAS, None, dt.date(2020, 12, 8)),
    ("德国手工业协会培训中心（HWK）", OVERSEAS, None, dt.date(2021, 9, 17)),
    ("天津一汽丰田汽车有限公司", APPRENTICE, PV, dt.date(2019, 3, 15)),
    ("京东物流天津分公司", APPRENTICE, TRADE, dt.date(2019, 3, 15)),
    ("天津中环半导体股份有限公司", APPRENTICE, PV, dt.date(2019, 9, 6)),
    ("天津海鸥表业集团有限公司", APPRENTICE, MOULD, dt.date(2020, 9, 4)),
    ("天津瑞能电气有限公司", APPRENTICE, PV, dt.date(2020, 9, 4)),
    ("天津七一二通信广播股份有限公司", APPRENTICE, ELEC, dt.date(2020, 9, 11)),
    ("天津长荣科技集团股份有限公司", APPRENTICE, MOULD, dt.date(2021, 3, 12)),
    ("天津百利机械装备集团有限公司", APPRENTICE, MOULD, dt.date(2021, 9, 3)),
    ("天津市捷威动力工业有限公司", APPRENTICE, PV, dt.date(2021, 3, 12)),
    ("中国联合网络通信有限公司天津市分公司", APPRENTICE, ELEC, dt.date(2021, 9, 3)),
    ("曙光信息产业股份有限公司", APPRENTICE, ELEC, dt.date(2021, 9, 3)),
    ("天津北方网新媒体集团股份有限公司", APPRENTICE, ART, dt.date(2021, 9, 10)),
    ("天津物产集团有限公司", APPRENTICE, TRADE, dt.date(2021, 9, 10)),
    ("中天未来科技（天津）有限公司", INDUSTRY, ART, dt.date(2020, 10, 30)),
    ("天津海尔洗涤电器有限公司", INDUSTRY, MOULD, dt.date(2021, 6, 25)),
]

CLIENTS = (
    "天津市人力资源和社会保障局",
    "海河教育园区管委会",
    "天津市退役军人事务局",
    "天津市总工会",
    "天津海鸥表业集团有限公司",
    "天津中环半导体股份有限公司",
    "天津市教育委员会",
    "津南区人力资源和社会保障局",
    "天津一汽丰田汽车有限公司",
    "甘肃省庄浪县人力资源和社会保障局",
    "天津市职业技能培训研究室",
)
COURSES = (
    "电工职业技能等级认定培训",
    "1+X证书师资培训",
    "光伏电站运维技术培训",
    "模具设计师（三级）培训",
    "退役军人职业技能培训",
    "中小学教师信息技术应用能力提升培训",
    "电子商务直播技能培训",
    "工业机器人操作与运维培训",
    "企业新型学徒制培训",
    "数控车工（中级）培训",
    "创业能力培训",
    "东西部协作劳动力转移就业培训",
    "新能源汽车维修技能培训",
    "网络安全意识专题培训",
    "会计实务与税务筹划培训",
)
ENTERPRISES = (
    "天津海鸥表业集团有限公司",
    "天津中环半导体股份有限公司",
    "天津瑞能电气有限公司",
    "天津长荣科技集团股份有限公司",
    "天津七一二通信广播股份有限公司",
    "天津市捷威动力工业有限公司",
    "天津百利机械装备集团有限公司",
    "天津新宇彩板有限公司",
    "天津力神电池股份有限公司",
    "天津津荣天宇精密机械股份有限公司",
)
JOURNALS = (
    "《职业技术教育》",
    "《中国职业技术教育》",
    "《职教论坛》",
    "《教育与职业》",
    "《天津职业大学学报》",
    "《思想理论教育导刊》",
)
PATENT_THINGS = (
    "光伏组件清洗装置",
    "注塑模具冷却结构",
    "工业机器人末端夹具",
    "电子元件检测治具",
    "数控机床排屑装置",
    "手表机芯装配工装",
    "太阳能电池片分选机构",
    "模具顶出复位机构",
    "智能仓储货架",
    "实训台安全防护装置",
    "PCB板自动上料机构",
    "文创产品包装盒",
    "多功能教学演示板",
    "锂电池极片裁切装置",
    "新能源汽车充电桩支架",
)
PATENT_TYPE_DIGIT = {"发明": "1", "实用新型": "2", "外观设计": "3"}


def _partition(rng: random.Random, total: int, n: int, weights: list[float], unit: int = 1) -> list[int]:
    """Split `total` (a multiple of `unit`) into n parts proportional to `weights`, summing exactly."""
    units = total // unit
    w = sum(weights)
    parts = [int(units * x / w) for x in weights]
    for i in rng.sample(range(n), units - sum(parts)):  # the remainder is below n
        parts[i] += 1
    return [p * unit for p in parts]


def _pick(rng: random.Random, valid: list[list]) -> list:
    return list(rng.choice(valid))


def _place(
    yf: YearFiles,
    file: str,
    rows: list,
    first: int,
    valid: list[list],
    width: int,
    bad_rows: list[tuple[str, list]],
    duplicates: int,
    blanks: int,
) -> None:
    """Insert the quarantine rows (noted by rule), exact duplicates and blank rows at random places."""
    rng = yf.rng
    for rule, r in bad_rows:
        rows.insert(rng.randrange(first, len(rows) + 1), r)
        yf.note(file, f"quarantine:{rule}")
    insert_randomly(rng, rows, [_pick(rng, valid) for _ in range(duplicates)], first)
    if duplicates:
        yf.note(file, "exact_duplicates")
    insert_randomly(rng, rows, [[None if file.endswith(".xlsx") else ""] * width for _ in range(blanks)], first)
    if blanks:
        yf.note(file, "blank_rows")


def _money_cell(rng: random.Random, yuan: int, yf: YearFiles, file: str) -> str:
    """An amount as offices type it: 125000, 12.5万 or 125,000.00 (always parseable)."""
    r = rng.random()
    if yuan and r < 0.25:
        yf.note(file, "wan_amount_text")
        return f"{yuan / 10000:g}万"
    if r < 0.5:
        yf.note(file, "money_text")
        return f"{yuan:,.2f}"
    return str(yuan)


# --------------------------------------------------------------------------------------------
# training: GBK CSV with a title row, '*' and full-width brackets in headers, money forms


def training(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "training.csv"
    t = TRUTH[year]["training"]
    header = [
        "项目编号*",
        "培训项目名称*",
        "委托单位",
        "开始日期*",
        "结束日期",
        "培训人数*",
        "学时",
        "到账收入（元）",
        "备注",
    ]
    rows: list[list] = [[f"{year}年社会培训台账（继续教育学院）"] + [""] * (len(header) - 1), header]
    for kind in (
        "gbk_encoding",
        "title_row",
        "header_trailing_star",
        "fullwidth_brackets",
        "unknown_column",
        "date_forms",
    ):
        yf.note(file, kind)

    def programme(pid: str, start: dt.date, trainees: int, income: int, reversed_dates: bool = False) -> list:
        end = start + dt.timedelta(days=rng.choice((0, 1, 2, 4, 6, 13, 27, 45, 60)))
        if reversed_dates:  # typed the wrong way round: counted, but a validation warning
            end = start - dt.timedelta(days=7)
            yf.note(file, "warning:ends_before_starts")
        n_cell = str(trainees)
        if rng.random() < 0.06:
            n_cell = fullwidth(n_cell)
            yf.note(file, "fullwidth_digits")
        elif trainees >= 1000 and rng.random() < 0.5:
            n_cell = f"{trainees:,}"
            yf.note(file, "numbers_as_text")
        return [
            pid,
            rng.choice(COURSES),
            rng.choice(CLIENTS),
            date_forms(start, rng),
            "" if rng.random() < 0.05 else date_forms(end, rng),
            n_cell,
            rng.choice((8, 16, 24, 32, 40, 48, 64, 80, 12.5)),
            _money_cell(rng, income, yf, file),
            rng.choice(("", "", "线上", "线上线下结合", "送培上门")),
        ]

    valid: list[list] = []
    for copy in range(yf.scale):
        n = t["programmes"]
        # A few large online programmes, many small classes.
        weights = [rng.choice((1, 1, 1, 2, 3, 5, 30)) * rng.uniform(0.8, 1.2) for _ in range(n)]
        trainees = _partition(rng, t["trainees"], n, weights)
        incomes = _partition(rng, t["income"], n, [rng.uniform(0.2, 2.0) for _ in range(n)], unit=100)
        for i in range(n):
            pid = f"PX{year}-{copy * 1000 + i + 1:03d}"
            reversed_dates = year == 2021 and copy == 0 and i == 0
            valid.append(programme(pid, random_day(rng, year), trainees[i], incomes[i], reversed_dates))
        for i in range(t["carried"]):  # started in Nov/Dec of the previous year: not this year's
            start = random_day(rng, year - 1, 11, 12)
            pid = f"PX{year - 1}-{copy * 1000 + 900 + i:03d}"
            valid.append(programme(pid, start, rng.randrange(20, 200), rng.randrange(50, 400) * 100))
    rng.shuffle(valid)
    rows.extend(valid)

    def bad(**changes) -> list:
        base = _pick(rng, valid)
        base[0] = f"PX{year}-{rng.randrange(500, 900)}"
        apply_changes(base, changes)
        return base

    conflict = bad()
    other = list(conflict)
    other[6] = 99  # another number of hours (the demo's hours never take this value)
    bad_rows = [
        ("negative", bad(c5="-35")),
        ("missing_required", bad(c1="")),
        ("missing_required", bad(c3="")),
        ("key_conflict", conflict),
        ("key_conflict", other),
    ]
    _place(yf, file, rows, 2, valid, len(header), bad_rows, duplicates=2, blanks=2)
    rows.append(
        ["合计", "", "", "", "", str(t["trainees"] * yf.scale), "", f"{t['income'] * yf.scale / 10000:g}万", ""]
    )
    rows.append([f"填表人：{people.name(rng)}", "", "", "", "", "", "", f"填报日期：{year + 1}年1月8日", ""])
    yf.note(file, "note_rows")
    write_csv(out / file, rows, "gbk")


# --------------------------------------------------------------------------------------------
# patents: XLSX with a merged title, the whole portfolio, Excel dates/serials, money forms


def _application_no(rng: random.Random, filed: dt.date, patent_type: str, used: set) -> str:
    """A CN application number: year, type digit, 7-digit serial, '.', check digit (mod 11, X for 10)."""
    while True:
        body = f"{filed.year}{PATENT_TYPE_DIGIT[patent_type]}{rng.randrange(10**7):07d}"
        if body not in used:
            used.add(body)
            break
    total = sum(int(d) * w for d, w in zip(body, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), strict=False))
    check = total % 11
    return f"{body}.{'X' if check == 10 else check}"


def _date_cell(rng: random.Random, d: dt.date | None, yf: YearFiles, file: str):
    """A workbook date as offices leave it: a real date cell mostly, else a serial or typed text."""
    if d is None:
        return None
    r = rng.random()
    if r < 0.08:
        yf.note(file, "excel_serial_dates")
        return excel_serial(d)
    if r < 0.18:
        yf.note(file, "date_forms")
        return date_forms(d, rng)
    yf.note(file, "excel_dates")
    return dt.datetime(d.year, d.month, d.day)


def patents(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "patents.xlsx"
    t = TRUTH[year]["patents"]
    header = [
        "申请号*",
        "专利名称*",
        "专利类型*",
        "发明人",
        "申请日*",
        "受理通知书日期",
        "法律状态*",
        "是否转化",
        "转化金额(元)",
        "备注",
    ]
    rows: list[list] = [[f"{yf.institution}专利台账（截至{year}年12月31日）"], [None] * len(header), header]
    for kind in ("title_row", "merged_title", "header_trailing_star", "unknown_column"):
        yf.note(file, kind)
    used: set = set()

    def patent(
        filed: dt.date,
        status: str,
        ptype: str | None = None,
        accepted: dt.date | bool | None = True,
        converted: bool | None = None,
    ) -> list:
        ptype = ptype or rng.choices(("发明", "实用新型", "外观设计"), (2, 7, 1))[0]
        if accepted is True:
            accepted = filed + dt.timedelta(days=rng.randrange(5, 26))
        app_no = _application_no(rng, filed, ptype, used)
        if rng.random() < 0.05:
            app_no = fullwidth(app_no).replace(".", "．")
            yf.note(file, "fullwidth_digits")
        type_cell = ptype
        if rng.random() < 0.08:
            type_cell = f" {ptype} "
            yf.note(file, "stray_spaces")
        thing = rng.choice(PATENT_THINGS)
        title = f"一种{thing}" if ptype != "外观设计" else f"{thing}（外观）"
        inventors = "、".join(people.name(rng) for _ in range(rng.randrange(1, 4)))
        amount = None
        if converted:
            yuan = rng.randrange(5, 80) * 1000
            amount = _money_cell(rng, yuan, yf, file) if rng.random() < 0.5 else yuan
            if isinstance(amount, int) and rng.random() < 0.3:
                amount = str(amount)
                yf.note(file, "numbers_as_text")
        conv_cell = {True: "是", False: "否", None: None}[converted]
        return [
            app_no,
            title,
            type_cell,
            inventors,
            _date_cell(rng, filed, yf, file),
            _date_cell(rng, accepted or None, yf, file),
            status,
            conv_cell,
            amount,
            rng.choice((None, None, f"专利权人：{yf.institution}", "年费已缴")),
        ]

    valid: list[list] = []
    for _ in range(yf.scale):
        old_granted = t["granted"] - t["granted_new"]
        old_converted = t["converted"] - t["converted_new"]
        for i in range(old_granted):  # filed 2013 .. Oct of the previous year, granted
            filed = random_day(rng, rng.randrange(2013, year), 1, 10)
            accepted = True if rng.random() > 0.1 else None  # a few old entries lack the notice date
            valid.append(patent(filed, "授权", accepted=accepted, converted=i < old_converted))
        for i in range(t["lapsed"]):  # lapsed: not in force, even when converted
            valid.append(patent(random_day(rng, rng.randrange(2011, 2017)), "失效", converted=i < 2))
        for _ in range(t["rejected"]):
            valid.append(patent(random_day(rng, rng.randrange(2016, year - 1)), "驳回", ptype="发明"))
        for _ in range(t["pending_old"]):  # inventions under examination
            valid.append(
                patent(random_day(rng, year - 2 + rng.randrange(2), 1, 10), "受理", ptype="发明", converted=False)
            )
        for _ in range(t["last_december"]):  # filed last December, notice received in January
            filed = dt.date(year - 1, 12, rng.randrange(1, 21))
            valid.append(patent(filed, "受理", accepted=dt.date(year, 1, rng.randrange(4, 20))))
        in_year = t["filed"] - t["filed_december"]
        for i in range(in_year):  # filed Jan..Nov: the notice arrives within the year
            granted = i < t["granted_new"]
            filed = random_day(rng, year, 1, 5 if granted else 11)
            valid.append(
                patent(
                    filed,
                    "授权" if granted else "受理",
                    ptype="实用新型" if granted else None,
                    converted=(i < t["converted_new"]) if granted else None,
                )
            )
        for _ in range(t["filed_december"]):  # filed this December, notice in January
            filed = dt.date(year, 12, rng.randrange(1, 21))
            valid.append(patent(filed, "受理", accepted=dt.date(year + 1, 1, rng.randrange(4, 20))))
    rng.shuffle(valid)
    rows.extend(valid)

    def bad(**changes) -> list:
        base = _pick(rng, valid)
        base[0] = _application_no(rng, dt.date(year, 6, 1), "实用新型", used)
        base[3] = people.name(rng)
        apply_changes(base, changes)
        return base

    conflict = bad(c6="受理", c5=dt.datetime(year - 1, 3, 2), c4=dt.datetime(year - 1, 2, 20), c7="否", c8=None)
    other = list(conflict)
    other[6] = "授权"
    bad_rows = [
        ("bad_id", bad(c0=f"{year}2012345678")),  # the dot and check digit are missing
        ("not_in_set", bad(c2="软件著作权")),
        ("missing_required", bad(c1=None)),
        ("negative", bad(c6="授权", c7="是", c8=-5000, c4=dt.datetime(2015, 4, 1), c5=dt.datetime(2015, 4, 20))),
        ("key_conflict", conflict),
        ("key_conflict", other),
    ]
    _place(yf, file, rows, 3, valid, len(header), bad_rows, duplicates=2, blanks=1)
    rows.append([None] * len(header))
    rows.append(["合计", f"{len(valid)}项"])
    rows.append([f"填表人：{people.name(rng)}", None, None, "审核人：", people.name(rng)])
    yf.note(file, "note_rows")
    write_xlsx(out / file, {"专利台账": rows}, merge_title={"专利台账": len(header)})


# --------------------------------------------------------------------------------------------
# research_projects: UTF-8 CSV; categories with stray spaces; amounts in 万; carried-over contracts


def _research_title(rng: random.Random, category: str, source: str | None) -> str:
    if category == "思政课题":
        return rng.choice(
            (
                "新时代高职院校课程思政实施路径研究",
                "高职学生劳动教育体系构建研究",
                "“三全育人”视域下辅导员队伍建设研究",
                "疫情防控背景下思政课线上教学改革研究",
                "红色文化融入高职思政课教学研究",
                "高职院校“大思政课”协同育人机制研究",
            )
        )
    if category == "论文":
        return rng.choice(
            (
                "高职院校课程思政建设的实践探索",
                "职业教育“双高”建设背景下的专业群治理",
                "产教融合视角下现代学徒制运行机制研究",
                "高职思政课混合式教学模式研究",
                "鲁班工坊国际化人才培养的实践与思考",
            )
        )
    if category == "智库咨询":
        return f"{rng.choice(ENTERPRISES + CLIENTS)}{rng.choice(('发展规划', '人才培养方案', '技能评价体系', '数字化转型'))}咨询"
    if category == "横向技术服务":
        return f"{rng.choice(('光伏电站监控系统开发', '注塑模具优化设计', '生产线自动化改造', '产品外观设计', '电商平台运营'))}技术服务"
    if category == "企业技术支持":
        return f"{rng.choice(('设备故障诊断', '工艺参数优化', '检测方法改进', '员工技能提升方案'))}技术支持"
    return rng.choice(
        (
            "天津市教委科研计划项目",
            "天津市哲学社会科学规划课题",
            "教育部职业院校教育类教学指导委员会课题",
            "天津市科技计划项目",
        )
    )


def research_projects(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "research_projects.csv"
    t = TRUTH[year]
    header = [
        "项目编号*",
        "项目名称*",
        "类别*",
        "来源单位",
        "负责人",
        "负责人工号",
        "立项日期*",
        "合同金额（元）",
        "结题情况",
    ]
    rows: list[list] = [[f"{year}年科研与社会服务项目台账"] + [""] * (len(header) - 1), header]
    for kind in ("title_row", "header_trailing_star", "fullwidth_brackets", "unknown_column", "date_forms"):
        yf.note(file, kind)
    seq = [0]

    def project(category: str, source: str | None, started: dt.date) -> list:
        seq[0] += 1
        pid = f"KY{started.year}-{seq[0]:03d}"
        if rng.random() < 0.04:
            pid = fullwidth(pid)
            yf.note(file, "fullwidth_digits")
        if source is None:
            source = {
                "论文": rng.choice(JOURNALS),
                "智库咨询": rng.choice(ENTERPRISES + CLIENTS),
                "横向技术服务": rng.choice(ENTERPRISES),
                "企业技术支持": rng.choice(ENTERPRISES),
                "纵向课题": rng.choice(("天津市教委", "天津市科技局", "教育部", "天津市社科联")),
            }[category]
        cat_cell = category
        r = rng.random()
        if r < 0.06:
            cat_cell = f" {category} "
            yf.note(file, "stray_spaces")
        elif r < 0.09:
            cat_cell = f"{category[:2]} {category[2:]}"
            yf.note(file, "stray_spaces")
        amount = {
            "横向技术服务": rng.randrange(30, 300) * 1000,
            "纵向课题": rng.randrange(2, 10) * 10000,
            "思政课题": rng.randrange(5, 21) * 1000,
            "企业技术支持": rng.choice((0, 0, 5000, 10000)),
        }.get(category)
        amount_cell = "" if amount is None else _money_cell(rng, amount, yf, file)
        return [
            pid,
            _research_title(rng, category, source),
            cat_cell,
            source,
            people.name(rng),
            f"{rng.randrange(1995, 2020)}{rng.randrange(1, 300):04d}",
            date_forms(started, rng),
            amount_cell,
            rng.choice(("", "在研", "已结题")),
        ]

    valid: list[list] = []
    for _ in range(yf.scale):
        for (category, source), n in t["research"].items():
            valid += [project(category, source, random_day(rng, year)) for _ in range(n)]
        for _ in range(t["tech_carried"]):  # contracts signed last Nov/Dec, still running
            valid.append(project("横向技术服务", None, random_day(rng, year - 1, 11, 12)))
    rng.shuffle(valid)
    rows.extend(valid)

    def bad(**changes) -> list:
        base = _pick(rng, valid)
        base[0] = f"KY{year}-{rng.randrange(700, 900)}"
        base[4] = people.name(rng)
        apply_changes(base, changes)
        return base

    conflict = bad()
    other = list(conflict)
    other[1] = conflict[1] + "（二期）"
    bad_rows = [
        ("not_in_set", bad(c2="教改课题")),
        ("missing_required", bad(c2="")),
        ("negative", bad(c2="横向技术服务", c7="-20000")),
        ("bad_value", bad(c6=f"{year}-06-31")),
        ("key_conflict", conflict),
        ("key_conflict", other),
    ]
    _place(yf, file, rows, 2, valid, len(header), bad_rows, duplicates=2, blanks=2)
    rows.append(["说明：横向技术服务含上年末签订、本年执行的合同"] + [""] * (len(header) - 1))
    rows.append([f"填表人：{people.name(rng)}"] + [""] * (len(header) - 1))
    yf.note(file, "note_rows")
    write_csv(out / file, rows, "utf-8")


# --------------------------------------------------------------------------------------------
# international_events: UTF-8-BOM CSV; viewers with thousands separators; full-width forms


SEMINAR = "中国-新西兰高等职业教育研讨会"


def international_events(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "international_events.csv"
    t = TRUTH[year]
    header = ["日期*", "项目*", "事项*", "线上观看人次", "捐赠物品", "捐赠数量", "对接国家"]
    rows: list[list] = [header]
    for kind in ("utf8_bom", "header_trailing_star", "unknown_column", "date_forms"):
        yf.note(file, kind)

    def event(
        d: dt.date,
        programme: str,
        item: str,
        viewers: int | None = None,
        donated: str | None = None,
        qty: int | None = None,
        country: str = "",
    ) -> list:
        v_cell = "" if viewers is None else (f"{viewers:,}" if viewers >= 1000 and rng.random() < 0.5 else str(viewers))
        if "," in v_cell:
            yf.note(file, "numbers_as_text")
        q_cell = "" if qty is None else str(qty)
        if qty and rng.random() < 0.5:
            q_cell = fullwidth(q_cell)
            yf.note(file, "fullwidth_digits")
        if donated and rng.random() < 0.5:
            donated = f" {donated} "
            yf.note(file, "stray_spaces")
        return [date_forms(d, rng), programme, item, v_cell, donated or "", q_cell, country]

    valid: list[list] = []
    for copy in range(yf.scale):
        start = len(valid)
        main, sub = t["seminar_viewers"]
        seminar_day = dt.date(year, 11, 20)
        # The seminar's name with a full-width hyphen in one row: NFKC reads it as the same name.
        valid.append(
            event(seminar_day, SEMINAR.replace("-", "－"), "开幕式暨主论坛（线上直播）", main, country="新西兰")
        )
        valid.append(event(seminar_day + dt.timedelta(days=1), SEMINAR, "分论坛（线上直播）", sub, country="新西兰"))
        for i, qty in enumerate(t["masks"]):
            valid.append(
                event(
                    dt.date(year, 3 + 2 * i, 10 + i),
                    "埃及鲁班工坊",
                    f"捐赠防疫物资（第{i + 1}批）",
                    donated="口罩",
                    qty=qty,
                    country="埃及",
                )
            )
        if t["masks"]:
            valid.append(
                event(
                    dt.date(year, 3, 10),
                    "埃及鲁班工坊",
                    "捐赠防疫物资（第1批）",
                    donated="额温枪",
                    qty=100,
                    country="埃及",
                )
            )
            valid.append(
                event(dt.date(year, 4, 2), "印度鲁班工坊", "捐赠防疫物资", donated="防护服", qty=300, country="印度")
            )
        valid.append(
            event(dt.date(year, 6, 18), "埃及鲁班工坊", "线上师资培训", rng.randrange(200, 600), country="埃及")
        )
        if t["india_viewers"]:
            valid.append(
                event(dt.date(year, 9, 24), "印度鲁班工坊", "线上专业课程直播", t["india_viewers"], country="印度")
            )
        valid.append(event(dt.date(year, 5, 12), "埃及鲁班工坊", "鲁班工坊建设推进会", country="埃及"))
        valid.append(event(dt.date(year, 10, 16), "中瑞职业教育合作项目", "海外教师培训基地签约", country="瑞士"))
        valid.append(
            event(dt.date(year, 12, 3), "印度鲁班工坊", "年度工作总结视频会", rng.randrange(80, 200), country="印度")
        )
        for r in valid[start:] if copy else ():  # --scale copies: other sessions of the same events
            r[2] = f"{r[2]}（第{copy + 1}场）"
    rows.extend(valid)

    def bad(**changes) -> list:
        base = _pick(rng, valid)
        apply_changes(base, changes)
        return base

    bad_rows = [
        ("negative", bad(c1="埃及鲁班工坊", c2="线上公开课", c3="-120", c4="", c5="")),
        ("missing_required", bad(c2="")),
        ("date_out_of_range", bad(c0=f"{year - 1}-12-28", c2="上年度活动补录")),
    ]
    _place(yf, file, rows, 1, valid, len(header), bad_rows, duplicates=1, blanks=1)
    viewers = sum(t["seminar_viewers"]) * yf.scale
    rows.append(["合计", "", "", str(viewers), "", "", ""])
    yf.note(file, "note_rows")
    write_csv(out / file, rows, "utf-8-sig")


# --------------------------------------------------------------------------------------------
# partners: XLSX, cumulative ledger, merged title, Excel dates/serials, full-width brackets


def partners(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "partners.xlsx"
    header = ["企业名称*", "合作类型*", "专业群", "加入日期*", "合作协议编号"]
    rows: list[list] = [[f"校企合作企业台账（截至{year}年12月31日）"], header]
    for kind in ("title_row", "merged_title", "header_trailing_star", "unknown_column", "fullwidth_brackets"):
        yf.note(file, kind)
    valid: list[list] = []
    for copy in range(yf.scale):
        for n, (enterprise, kind, group, joined) in enumerate(PARTNERS):
            if joined.year > year:
                continue
            name = enterprise if copy == 0 else f"{enterprise}（分支{copy}）"
            kind_cell = kind
            if rng.random() < 0.1:
                kind_cell = f" {kind}" if rng.random() < 0.5 else f"{kind[:2]} {kind[2:]}"
                yf.note(file, "stray_spaces")
            valid.append([name, kind_cell, group, _date_cell(rng, joined, yf, file), f"XQ{joined.year}{n + 1:03d}"])
    rows.extend(valid)

    def bad(**changes) -> list:
        base = [
            f"天津{rng.choice('华海津港滨河')}{rng.choice(('精工', '智造', '数码', '商贸'))}有限公司",
            rng.choice((BOARD, APPRENTICE)),
            rng.choice((MOULD, PV, ELEC, ART, TRADE)),
            dt.datetime(year, rng.randrange(1, 13), rng.randrange(1, 29)),
            "",
        ]
        apply_changes(base, changes)
        return base

    conflict = bad(c1=STATION, c3=dt.datetime(year - 1, 5, 20))
    other = list(conflict)
    other[3] = dt.datetime(year - 1, 6, 3)
    bad_rows = [
        ("not_in_set", bad(c1="订单培养")),
        ("missing_required", bad(c3=None)),
        ("not_in_reference", bad(c2="智能制造")),
        ("bad_value", bad(c3=f"{year}年13月5日")),
        ("key_conflict", conflict),
        ("key_conflict", other),
    ]
    _place(yf, file, rows, 2, valid, len(header), bad_rows, duplicates=1, blanks=2)
    rows.append(["说明：本台账为累计台账，含历年加入的合作企业"])
    rows.append([f"填表人：{people.name(rng)}", None, "联系电话：", people.phone(rng)])
    yf.note(file, "note_rows")
    write_xlsx(out / file, {"校企合作": rows}, merge_title={"校企合作": len(header)})


GENERATORS = [training, patents, research_projects, international_events, partners]
