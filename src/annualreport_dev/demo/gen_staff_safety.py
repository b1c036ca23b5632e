"""Demo files of 人事处, 保卫处 and 基建处.

- `staff.xlsx` (人事处), two sheets: 人员变动 -> staff_changes, 专家与特派员 -> experts;
- `safety.xlsx` (保卫处), two sheets: 安全事故 -> accidents, 隐患整改 -> hazards;
- `construction.xlsx` (基建处): the milestones of the construction projects.

Each file is built the same way: the valid rows that give the year's true figures (TRUTH below;
2020's are the published ones), then the mess offices type (title rows, header aliases, date forms,
full-width digits ...), then the rows the contract quarantines, exact duplicates, blank and note rows.
Every kind of mess written is recorded with `yf.note(file, kind)`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from . import people
from .common import LatestYear, YearFiles, date_forms, excel_serial, fullwidth, insert_randomly, random_day
from .writers import write_xlsx

STAFF, SAFETY, CONSTRUCTION = "staff.xlsx", "safety.xlsx", "construction.xlsx"

# --------------------------------------------------------------------------------------------
# The true figures of each demo year (2020: the published ones).
#
# staff_changes: distinct persons per (post, change); the figures read
#   cadres_deputy_selected = (中层副职, 选拔任用); cadres_rotated = every 交流轮岗;
#   cadres_field_posting = every 实岗锻炼; ideology_teachers_hired = (思政课教师, 公开招聘);
#   ideology_teachers_transferred = (思政课教师, 校内转岗); counselors_hired = (专职辅导员, 公开招聘).
# experts: distinct persons per role; think-tank experts counted when appointed in the year
#   (`think_tank_earlier` more are on the roster from earlier years).
# hazards: found in the year / of them rectified by year end; `carried` hazards found the year before.
# accidents: rows of the 安全事故 sheet as (date, category, description); 2020 has none.

TRUTH = LatestYear(
    {
        2019: {
            "staff_changes": {
                ("中层副职", "选拔任用"): 6,
                ("中层正职", "选拔任用"): 2,
                ("中层正职", "交流轮岗"): 1,
                ("中层副职", "交流轮岗"): 3,
                ("专任教师", "实岗锻炼"): 6,
                ("管理人员", "实岗锻炼"): 4,
                ("思政课教师", "公开招聘"): 9,
                ("思政课教师", "校内转岗"): 3,
                ("专职辅导员", "公开招聘"): 15,
                ("专任教师", "公开招聘"): 31,
                ("管理人员", "公开招聘"): 5,
                ("专任教师", "校内转岗"): 2,
                ("专任教师", "离职"): 8,
                ("专职辅导员", "离职"): 3,
            },
            # the 智库 was founded in 2020 (the 2020 narrative: 打造首批智库): no think-tank experts before
            "experts": {"think_tank": 0, "think_tank_earlier": 0, "tech_envoys": 38, "adjunct_teachers": 20},
            "hazards": {"found": 38, "fixed": 36, "carried": 0},
            "accidents": [
                (dt.date(2019, 4, 17), "其他", "学生在宿舍楼梯间滑倒致脚踝扭伤，已送医治疗"),
                (dt.date(2019, 10, 9), "交通", "校门口电动自行车与行人轻微剐蹭，无人员重伤"),
            ],
        },
        2020: {
            "staff_changes": {
                ("中层副职", "选拔任用"): 8,
                ("中层正职", "选拔任用"): 3,
                ("中层正职", "交流轮岗"): 2,
                ("中层副职", "交流轮岗"): 3,
                ("专任教师", "实岗锻炼"): 7,
                ("管理人员", "实岗锻炼"): 5,
                ("思政课教师", "公开招聘"): 14,
                ("思政课教师", "校内转岗"): 5,
                ("专职辅导员", "公开招聘"): 20,
                ("专任教师", "公开招聘"): 38,
                ("管理人员", "公开招聘"): 6,
                ("专任教师", "校内转岗"): 3,
                ("专任教师", "离职"): 9,
                ("专职辅导员", "离职"): 2,
            },
            "experts": {"think_tank": 32, "think_tank_earlier": 8, "tech_envoys": 45, "adjunct_teachers": 26},
            "hazards": {"found": 43, "fixed": 43, "carried": 2},
            "accidents": [],
        },
        2021: {
            "staff_changes": {
                ("中层副职", "选拔任用"): 7,
                ("中层正职", "选拔任用"): 2,
                ("中层正职", "交流轮岗"): 3,
                ("中层副职", "交流轮岗"): 3,
                ("专任教师", "实岗锻炼"): 9,
                ("管理人员", "实岗锻炼"): 6,
                ("思政课教师", "公开招聘"): 10,
                ("思政课教师", "校内转岗"): 4,
                ("专职辅导员", "公开招聘"): 18,
                ("专任教师", "公开招聘"): 35,
                ("管理人员", "公开招聘"): 4,
                ("专任教师", "校内转岗"): 2,
                ("专任教师", "离职"): 7,
                ("专职辅导员", "离职"): 4,
            },
            "experts": {"think_tank": 36, "think_tank_earlier": 10, "tech_envoys": 52, "adjunct_teachers": 30},
            "hazards": {"found": 57, "fixed": 56, "carried": 0},  # 98.25 %: the 100 % target is missed
            # The 2021 ledger carries the 2019 rows over (other years only): zero accidents in 2021.
            "accidents": "carry_2019",
        },
    }
)

# Construction milestones: (project, milestone, planned date, actual date or None, listed from year, to year).
# Each year's ledger lists the milestones of the projects under way; an actual date shows only once
# it has passed (a milestone done after the year's end is blank = not done in that year's file).
# The projects are the seed report's (一（九）): 学生生活设施 (学生公寓, 学生活动中心) and 产教融合工程中心
# (产教融合实训基地 with the 地下人防工程 beneath it, whose piling was let, done and accepted as one: one row).
# 2020's planned milestones are all done on plan, as the seed says (已按项目计划完成学生公寓主体一次结构2层施工、
# 学生活动中心主体一次结构2层施工和产教融合实训基地、地下人防工程桩基施工及验收工作); 2021's keep the targets the
# 2020 plan set: 学生公寓 整体竣工交付 by 2021-05-31 (met, 3 days early), 产教融合实训基地 完工 by 2021-08-31
# (missed: done 2021-09-20). The late and unfinished cases are tested on frames of their own
# (tests/figures/test_statements.py), not here.
MILESTONES = [
    ("图书馆改造", "改造完工", dt.date(2019, 8, 31), dt.date(2019, 8, 25), 2019, 2019),
    ("学生公寓", "桩基施工", dt.date(2019, 10, 31), dt.date(2019, 10, 25), 2019, 2021),
    ("学生公寓", "基础施工", dt.date(2019, 12, 31), dt.date(2020, 1, 10), 2019, 2021),
    ("学生公寓", "主体一次结构2层施工", dt.date(2020, 9, 30), dt.date(2020, 9, 25), 2019, 2021),
    ("学生公寓", "主体结构封顶", dt.date(2021, 1, 31), dt.date(2021, 1, 26), 2019, 2021),
    ("学生公寓", "二次结构及装饰装修", dt.date(2021, 4, 30), dt.date(2021, 4, 27), 2019, 2021),
    ("学生公寓", "整体竣工交付", dt.date(2021, 5, 31), dt.date(2021, 5, 28), 2019, 2021),
    ("学生活动中心", "桩基施工", dt.date(2019, 11, 30), dt.date(2019, 11, 26), 2019, 2021),
    ("学生活动中心", "基础施工", dt.date(2019, 12, 25), dt.date(2019, 12, 22), 2019, 2021),
    ("学生活动中心", "主体一次结构2层施工", dt.date(2020, 10, 31), dt.date(2020, 10, 28), 2019, 2021),
    ("学生活动中心", "主体结构封顶", dt.date(2021, 3, 31), dt.date(2021, 3, 29), 2019, 2021),
    ("学生活动中心", "竣工交付", dt.date(2021, 7, 31), dt.date(2021, 7, 28), 2019, 2021),
    ("产教融合实训基地", "施工许可办理", dt.date(2019, 12, 15), dt.date(2019, 12, 10), 2019, 2021),
    ("产教融合实训基地、地下人防工程", "桩基施工及验收", dt.date(2020, 11, 30), dt.date(2020, 11, 26), 2019, 2021),
    ("产教融合实训基地", "地下室结构施工", dt.date(2021, 3, 31), dt.date(2021, 3, 26), 2019, 2021),
    ("产教融合实训基地", "主体结构封顶", dt.date(2021, 5, 31), dt.date(2021, 5, 27), 2019, 2021),
    ("产教融合实训基地", "完工", dt.date(2021, 8, 31), dt.date(2021, 9, 20), 2019, 2021),
    ("产教融合实训基地", "竣工验收", dt.date(2021, 11, 30), dt.date(2021, 11, 26), 2019, 2021),
]

SCHOOLS = ("机械工程学院", "新能源工程学院", "电子信息工程学院", "艺术工程学院", "经济管理学院")
OFFICES = (
    "党委办公室",
    "院长办公室",
    "人事处",
    "教务处",
    "科研处",
    "学生工作处",
    "招生就业处",
    "保卫处",
    "基建处",
    "财务处",
    "国际交流处",
    "校企合作处",
    "继续教育学院",
)
IDEOLOGY_UNIT = "马克思主义学院（思政部）"  # full-width brackets, as the office types it
THINK_TANK_ORGS = (
    "天津大学",
    "南开大学",
    "天津职业技术师范大学",
    "中国轻工业联合会",
    "天津市职业技能鉴定指导中心",
    "天津市教育科学研究院",
    "海河教育园区管委会",
    "中国职业技术教育学会",
)
ENTERPRISES = (
    "天津海鸥表业集团有限公司",
    "海尔集团",
    "瑞能电气有限公司",
    "中天未来科技有限公司",
    "天津力神电池股份有限公司",
    "天津一汽丰田汽车有限公司",
    "天津七一二通信广播有限公司",
    "中环半导体股份有限公司",
    "天津港集团",
    "天津市模具工业协会",
)
ADJUNCT_ORG = "天津海鸥表业集团有限公司"
REMEDIES = ("已更换", "已维修", "已清理", "已加装防护", "已整改到位")
HAZARD_TYPES = ("消防设施", "用电安全", "实验实训室", "特种设备", "建筑设施", "交通安全", "食品卫生")


# --------------------------------------------------------------------------------------------
# Helpers shared by the three files


def date_cell(yf: YearFiles, file: str, d: dt.date, text_share: float = 0.4) -> object:
    """A date as offices leave it in a workbook: an Excel date, a serial number, or typed text."""
    r = yf.rng.random()
    if r < 0.1:
        yf.note(file, "excel_serial_dates")
        return excel_serial(d)
    if r < 0.1 + text_share:
        yf.note(file, "date_forms")
        s = date_forms(d, yf.rng)
        if yf.rng.random() < 0.08:
            yf.note(file, "fullwidth_digits")
            s = fullwidth(s)
        return s
    yf.note(file, "excel_dates")
    return dt.datetime(d.year, d.month, d.day)


def spaced(yf: YearFiles, file: str, value: str, share: float = 0.08, inside: bool = True) -> str:
    """Sometimes a value with stray spaces: around it, or (categories only) inside it too."""
    if yf.rng.random() >= share:
        return value
    yf.note(file, "stray_spaces")
    if inside and len(value) >= 3 and yf.rng.random() < 0.5:
        return f"{value[:2]} {value[2:]}"
    return f" {value} "


def add_blank_rows(yf: YearFiles, file: str, rows: list, first: int, width: int, blanks: int = 2) -> None:
    """Blank rows anywhere below the header."""
    insert_randomly(yf.rng, rows, [[None] * width for _ in range(blanks)], first)
    yf.note(file, "blank_rows")


def add_duplicates(yf: YearFiles, file: str, rows: list, valid: list, first: int, n: int = 2) -> None:
    insert_randomly(yf.rng, rows, [list(yf.rng.choice(valid)) for _ in range(n)], first)
    yf.note(file, "exact_duplicates")


def add_quarantined(yf: YearFiles, file: str, rows: list, bad: list[tuple[str, list]], first: int) -> None:
    """Insert rows the cleaner must quarantine, each noted with its rule id."""
    for rule, row in bad:
        rows.insert(yf.rng.randrange(first, len(rows) + 1), row)
        yf.note(file, f"quarantine:{rule}")


def signer(yf: YearFiles, width: int, *extra: str) -> list:
    row = [f"填表人：{people.name(yf.rng)}", *extra]
    return row + [None] * (width - len(row))


class StaffIds:
    """7-digit 工号 (entry year + sequence), unique within a year's file."""

    def __init__(self, rng: random.Random, year: int):
        self.rng, self.year, self.used = rng, year, set()

    def new(self, hired: bool = False) -> str:
        for attempt in range(200):
            entry = self.year if hired and attempt < 100 else self.rng.randint(1990, self.year - 1)
            sid = f"{entry}{self.rng.randrange(1, 1000):03d}"
            if sid not in self.used:
                self.used.add(sid)
                return sid
        raise RuntimeError("staff id space exhausted")


# --------------------------------------------------------------------------------------------
# staff.xlsx, sheet 人员变动 (staff_changes)


@dataclass
class Change:
    staff_id: str
    name: str
    unit: str
    post: str
    change: str
    on: dt.date


def unit_for(rng: random.Random, post: str) -> str:
    if post == "思政课教师":
        return IDEOLOGY_UNIT
    if post in ("专任教师", "专职辅导员"):
        return rng.choice(SCHOOLS)
    return rng.choice(OFFICES + SCHOOLS)


def true_changes(yf: YearFiles, ids: StaffIds) -> list[Change]:
    """The year's staff changes: distinct persons per (post, change) as in TRUTH, plus two repeats
    that distinct counting must absorb: one deputy selected this year is also rotated later in the
    year (counted once in each figure), and one person has two field postings (counted once)."""
    rng, year = yf.rng, yf.year
    out: list[Change] = []
    for (post, change), n in TRUTH[year]["staff_changes"].items():
        months = {"公开招聘": (6, 9), "选拔任用": (1, 6), "交流轮岗": (7, 12), "实岗锻炼": (3, 5)}.get(change, (1, 12))
        for _ in range(n * yf.scale):
            out.append(
                Change(
                    ids.new(hired=change == "公开招聘"),
                    people.name(rng),
                    unit_for(rng, post),
                    post,
                    change,
                    random_day(rng, year, *months),
                )
            )
    deputies = [c for c in out if (c.post, c.change) == ("中层副职", "选拔任用")]
    rotated = [c for c in out if c.change == "交流轮岗"]
    d, r = deputies[0], rotated[-1]
    r.staff_id, r.name, r.post = d.staff_id, d.name, "中层副职"  # the deputy, rotated later in the year
    field = next(c for c in out if c.change == "实岗锻炼")
    out.append(
        Change(field.staff_id, field.name, field.unit, field.post, "实岗锻炼", random_day(rng, year, 9, 11))
    )  # a second field posting in the autumn
    rng.shuffle(out)
    return out


def staff_change_row(yf: YearFiles, c: Change) -> list:
    rng = yf.rng
    sid: object = c.staff_id
    r = rng.random()
    if r < 0.4:
        sid = int(c.staff_id)  # the same 工号 typed as a number in some rows, as text in others
        yf.note(STAFF, "numbers_as_text")
    elif r < 0.44:
        sid = fullwidth(c.staff_id)
        yf.note(STAFF, "fullwidth_digits")
    if c.unit == IDEOLOGY_UNIT:
        yf.note(STAFF, "fullwidth_brackets")
    doc = f"津轻院人〔{c.on.year}〕{rng.randrange(1, 80)}号"
    return [
        sid,
        c.name,
        c.unit,
        spaced(yf, STAFF, c.post),
        spaced(yf, STAFF, c.change),
        date_cell(yf, STAFF, c.on),
        doc,
    ]


def staff_changes_sheet(yf: YearFiles, ids: StaffIds) -> list[list]:
    year, rng = yf.year, yf.rng
    header = ["职工号*", "姓名", "所在部门", "岗位类别*", "变动方式*", "生效日期*", "文件文号"]
    width = len(header)
    rows: list[list] = [[f"{year}年度人员变动情况统计表"] + [None] * (width - 1), header]
    for kind in ("title_row", "merged_title", "header_alias", "header_trailing_star", "unknown_column"):
        yf.note(STAFF, kind)
    changes = true_changes(yf, ids)
    valid = [staff_change_row(yf, c) for c in changes]
    rows.extend(valid)

    def bad(**cols) -> list:
        """A plausible row for a person not among the true changes, with some cells changed."""
        base = [
            ids.new(),
            people.name(rng),
            rng.choice(SCHOOLS),
            "专任教师",
            "公开招聘",
            dt.datetime(year, 7, 1),
            f"津轻院人〔{year}〕9号",
        ]
        for idx, value in cols.items():
            base[int(idx[1:])] = value
        return base

    conflict = bad(c4="校内转岗", c5=dt.datetime(year, 9, 1))
    other = list(conflict)
    other[3] = "管理人员"
    add_quarantined(
        yf,
        STAFF,
        rows,
        [
            ("missing_required", bad(c4=None)),
            ("not_in_set", bad(c4="借调")),
            ("date_out_of_range", bad(c5=f"{year - 1}-12-28")),
            ("bad_id", bad(c0=f"{year}1X5")),
            ("bad_value", bad(c5=f"{year}-02-30")),
            ("key_conflict", conflict),
            ("key_conflict", other),
        ],
        2,
    )
    add_duplicates(yf, STAFF, rows, valid, 2)
    add_blank_rows(yf, STAFF, rows, 2, width)
    rows.append(["合计", f"{len(changes)}人次"] + [None] * (width - 2))
    rows.append(signer(yf, width, "审核人：", None, None, f"{year}年12月31日"))
    yf.note(STAFF, "note_rows")
    return rows


# --------------------------------------------------------------------------------------------
# staff.xlsx, sheet 专家与特派员 (experts)


@dataclass
class Expert:
    staff_id: str | None  # None for external experts: counted by last four ID characters + name
    last4: str
    name: str
    role: str
    org: str
    on: dt.date | None


def external_person(rng: random.Random, seen: set) -> tuple[str, str]:
    while True:
        name = people.name(rng)
        last4 = people.id_number(rng, rng.randint(1955, 1990))[-4:]
        if (last4, name) not in seen:
            seen.add((last4, name))
            return last4, name


def true_experts(yf: YearFiles, ids: StaffIds) -> list[Expert]:
    """The roster: think-tank experts (external; this year's and earlier appointees), enterprise
    science and technology envoys (our teachers, with 工号; one serves two enterprises, listed twice)
    and adjunct teachers (external; one of them also sits in the think tank, listed under both roles)."""
    rng, year, t = yf.rng, yf.year, TRUTH[yf.year]["experts"]
    seen: set = set()
    out: list[Expert] = []
    for _ in range(t["think_tank"] * yf.scale):
        last4, name = external_person(rng, seen)
        out.append(Expert(None, last4, name, "智库专家", rng.choice(THINK_TANK_ORGS), random_day(rng, year)))
    for _ in range(t["think_tank_earlier"] * yf.scale):
        last4, name = external_person(rng, seen)
        out.append(Expert(None, last4, name, "智库专家", rng.choice(THINK_TANK_ORGS), random_day(rng, year - 1)))
    for _ in range(t["tech_envoys"] * yf.scale):
        on = random_day(rng, year - (rng.random() < 0.4), 3, 10)
        out.append(Expert(ids.new(), "", people.name(rng), "科技特派员", rng.choice(ENTERPRISES), on))
    envoy = out[-1]
    second = next(e for e in ENTERPRISES if e != envoy.org)
    out.append(Expert(envoy.staff_id, "", envoy.name, "科技特派员", second, envoy.on))
    adjuncts = []
    for _ in range(t["adjunct_teachers"] * yf.scale - 1):
        last4, name = external_person(rng, seen)
        on = random_day(rng, year, 2, 9) if rng.random() < 0.8 else None
        adjuncts.append(Expert(None, last4, name, "兼职教师", ADJUNCT_ORG, on))
    both = out[0]  # a think-tank expert who is also an adjunct teacher
    adjuncts.append(Expert(None, both.last4, both.name, "兼职教师", ADJUNCT_ORG, random_day(rng, year, 2, 9)))
    out += adjuncts
    rng.shuffle(out)
    return out


def expert_row(yf: YearFiles, e: Expert) -> list:
    name = e.name
    if e.staff_id is None and yf.rng.random() < 0.1:
        name = f"{name[0]} {name[1:]}"  # a space typed inside a name: the person key ignores it
        yf.note(STAFF, "stray_spaces")
    sid: object = e.staff_id
    if e.staff_id and yf.rng.random() < 0.5:
        sid = int(e.staff_id)
        yf.note(STAFF, "numbers_as_text")
    on = date_cell(yf, STAFF, e.on) if e.on else None
    return [sid, e.last4, name, spaced(yf, STAFF, e.role), e.org, on, f"{yf.rng.choice((2, 3, 5))}年"]


def experts_sheet(yf: YearFiles, ids: StaffIds) -> list[list]:
    year, rng = yf.year, yf.rng
    header = ["工号", "身份证后四位", "姓名", "身份类别*", "工作单位", "聘任日期", "聘期"]
    width = len(header)
    rows: list[list] = [[f"{year}年智库专家、科技特派员及兼职教师名单"], header]
    experts = true_experts(yf, ids)
    valid = [expert_row(yf, e) for e in experts]
    rows.extend(valid)

    def bad(**cols) -> list:
        last4, name = external_person(rng, set())
        base = [None, last4, name, "兼职教师", ADJUNCT_ORG, dt.datetime(year, 3, 1), "3年"]
        for idx, value in cols.items():
            base[int(idx[1:])] = value
        return base

    add_quarantined(
        yf,
        STAFF,
        rows,
        [
            ("missing_required", bad(c3=None)),
            ("missing_required", bad(c1=None, c2=None)),  # no 工号 and no name: the person is unknown
            ("not_in_set", bad(c3="客座教授")),
            ("bad_id", bad(c0="T0215")),
            ("bad_value", bad(c5=f"{year}年13月1日")),
        ],
        2,
    )
    add_duplicates(yf, STAFF, rows, valid, 2, n=1)
    add_blank_rows(yf, STAFF, rows, 2, width, blanks=1)
    rows.append(["说明：科技特派员以天津市科技局公布的名单为准"] + [None] * (width - 1))
    yf.note(STAFF, "note_rows")
    return rows


def staff(yf: YearFiles, out: Path) -> None:
    ids = StaffIds(yf.rng, yf.year)
    changes = staff_changes_sheet(yf, ids)
    experts = experts_sheet(yf, ids)
    write_xlsx(out / STAFF, {"人员变动": changes, "专家与特派员": experts}, merge_title={"人员变动": 7})


# --------------------------------------------------------------------------------------------
# safety.xlsx: 安全事故 (accidents; may have no rows) and 隐患整改 (hazards)


def accidents_sheet(yf: YearFiles) -> list[list]:
    year = yf.year
    header = ["日期", "事故类别", "描述"]
    rows: list[list] = [[f"{year}年安全事故台账"], header]
    yf.note(SAFETY, "title_row")
    yf.note(SAFETY, "header_alias")
    truth = TRUTH[year]["accidents"]
    if truth == "carry_2019":
        truth = TRUTH[2019]["accidents"]
    if not truth:  # a valid year with zero accidents: the header and nothing else
        yf.note(SAFETY, "empty_sheet")
        return rows
    for d, category, text in truth:
        rows.append([date_cell(yf, SAFETY, d, text_share=0.9), spaced(yf, SAFETY, category, 0.5), text])
    if year == 2019:
        # 火灾 is not a category of the contract (消防 is): quarantined, not counted silently.
        rows.append([f"{year}-11-02", "火灾", "实训楼配电箱冒烟，值班人员用灭火器扑灭"])
        yf.note(SAFETY, "quarantine:not_in_set")
    else:
        rows.append([f"说明：以上为往年事故记录，{year}年度未发生安全事故", None, None])
        yf.note(SAFETY, "note_rows")
    return rows


@dataclass
class Hazard:
    hazard_id: str
    found: dt.date
    kind: str
    status: str
    fixed: dt.date | None


def true_hazards(yf: YearFiles) -> list[Hazard]:
    """Hazards found in the year (the first `fixed` rectified by year end, the rest 整改中), and the
    ones carried over from last year's ledger (found last year, rectified this year)."""
    rng, year, t = yf.rng, yf.year, TRUTH[yf.year]["hazards"]
    out = []
    last_seq = TRUTH.get(year - 1, {}).get("hazards", {}).get("found", 0) * yf.scale
    for i in range(t["carried"] * yf.scale):  # last year's last hazards, still open at its end
        found = random_day(rng, year - 1, 11, 12)
        out.append(
            Hazard(
                f"YH{year - 1}-{last_seq - i:03d}",
                found,
                rng.choice(HAZARD_TYPES),
                "已整改",
                random_day(rng, year, 1, 2),
            )
        )
    n, fixed = t["found"] * yf.scale, t["fixed"] * yf.scale
    for i in range(n):
        found = random_day(rng, year, 1, 11)
        if i < fixed:
            done = min(found + dt.timedelta(days=rng.randint(1, 25)), dt.date(year, 12, 31))
            out.append(Hazard("", found, rng.choice(HAZARD_TYPES), "已整改", done))
        else:
            out.append(Hazard("", found, rng.choice(HAZARD_TYPES), "整改中", None))
    current = sorted((h for h in out if not h.hazard_id), key=lambda h: h.found)
    for seq, h in enumerate(current, start=1):
        h.hazard_id = f"YH{year}-{seq:03d}"
    return sorted(out, key=lambda h: (h.found, h.hazard_id))


def hazard_row(yf: YearFiles, h: Hazard) -> list:
    hid = fullwidth(h.hazard_id) if yf.rng.random() < 0.05 else h.hazard_id
    if hid != h.hazard_id:
        yf.note(SAFETY, "fullwidth_digits")
    fixed = date_cell(yf, SAFETY, h.fixed) if h.fixed else None
    measure = yf.rng.choice(REMEDIES) if h.status == "已整改" else "已制定整改方案，限期整改"
    return [hid, date_cell(yf, SAFETY, h.found), h.kind, spaced(yf, SAFETY, h.status), fixed, measure]


def hazards_sheet(yf: YearFiles) -> list[list]:
    year = yf.year
    header = ["隐患编号*", "排查日期", "隐患类别", "状态", "完成日期", "整改措施"]
    width = len(header)
    rows: list[list] = [[f"{year}年安全隐患排查整改台账"] + [None] * (width - 1), header]
    for kind in ("title_row", "merged_title", "header_alias", "header_trailing_star", "unknown_column"):
        yf.note(SAFETY, kind)
    valid = [hazard_row(yf, h) for h in true_hazards(yf)]
    rows.extend(valid)

    def bad(seq: int, **cols) -> list:
        base = [f"YH{year}-9{seq:02d}", dt.datetime(year, 5, 10), "消防设施", "已整改", dt.datetime(year, 5, 20), ""]
        for idx, value in cols.items():
            base[int(idx[1:])] = value
        return base

    add_quarantined(
        yf,
        SAFETY,
        rows,
        [
            ("missing_required", bad(1, c0=None)),
            ("not_in_set", bad(2, c3="已销号")),
            ("bad_value", bad(3, c1=f"{year}-04-31")),
            ("key_conflict", bad(4)),
            ("key_conflict", bad(4, c3="整改中", c4=None)),
        ],
        2,
    )
    add_duplicates(yf, SAFETY, rows, valid, 2)
    add_blank_rows(yf, SAFETY, rows, 2, width)
    rows.append(signer(yf, width, None, "审核人：", None, f"{year}年12月31日"))
    yf.note(SAFETY, "note_rows")
    return rows


def safety(yf: YearFiles, out: Path) -> None:
    hazards = hazards_sheet(yf)
    write_xlsx(out / SAFETY, {"安全事故": accidents_sheet(yf), "隐患整改": hazards}, merge_title={"隐患整改": 6})


# --------------------------------------------------------------------------------------------
# construction.xlsx (基建进度)


def construction(yf: YearFiles, out: Path) -> None:
    """The milestone ledger as at the year's end (not scaled: a handful of milestones per project)."""
    year, rng = yf.year, yf.rng
    header = ["项目名称*", "工程节点*", "计划完成日期*", "实际完成日期", "备注"]
    width = len(header)
    rows: list[list] = [[f"{year}年基建项目进度台账（基建处）"] + [None] * (width - 1), header]
    for kind in ("title_row", "merged_title", "header_alias", "header_trailing_star", "unknown_column"):
        yf.note(CONSTRUCTION, kind)
    valid = []
    latest = max(last for *_, last in MILESTONES)
    for project, milestone, due, done, first, last in MILESTONES:
        if not first <= min(year, latest) <= last:  # a later year keeps the latest ledger
            continue
        done_now = done if done and done.year <= year else None
        remark = "" if done_now or due.year > year else "未按期完成，正在推进"
        valid.append(
            [
                spaced(yf, CONSTRUCTION, project, 0.15, inside=False),
                milestone,
                date_cell(yf, CONSTRUCTION, due),
                date_cell(yf, CONSTRUCTION, done_now) if done_now else None,
                remark,
            ]
        )
    rows.extend(valid)
    add_quarantined(
        yf,
        CONSTRUCTION,
        rows,
        [
            ("missing_required", ["学生公寓", None, dt.datetime(year, 12, 20), None, "节点未填"]),
            ("bad_value", ["产教融合实训基地", "室外配套工程", "待定", None, "计划待批复"]),
        ],
        2,
    )
    add_duplicates(yf, CONSTRUCTION, rows, valid, 2, n=1)
    add_blank_rows(yf, CONSTRUCTION, rows, 2, width, blanks=1)
    rows.append(signer(yf, width, None, "联系电话：", people.phone(rng)))
    yf.note(CONSTRUCTION, "note_rows")
    write_xlsx(out / CONSTRUCTION, {"基建进度": rows}, merge_title={"基建进度": width})


GENERATORS = [staff, safety, construction]
