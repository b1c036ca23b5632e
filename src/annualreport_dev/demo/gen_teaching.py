"""Demo files of 教务处, 团委, 党委办公室 and 宣传部.

- teaching_survey.xlsx  线上教学满意度调查 (教务处): XLSX, merged title, date-times in every form
- online_courses.csv    线上教学课程 (教务处): CSV saved by Excel as "CSV UTF-8" (with a BOM)
- awards.xlsx           师生获奖 (教务处, 团委): XLSX, merged title, IDs as numbers or text, Excel dates
- party_events.csv      党建与活动台账 (党委办公室): plain UTF-8 CSV with a title row
- media_posts.csv       新媒体发布台账 (宣传部): GBK CSV with a title row

Each file is built the same way: the valid rows that give the year's TRUTH exactly, then the accepted
mess (forms offices type), then the rows the cleaner must quarantine, exact duplicates, blank rows
and note rows (see `_plant`). Bad rows always carry keys of their own, so they never take a valid
row with them into quarantine.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from . import people
from .common import LatestYear, YearFiles, apply_changes, date_forms, excel_serial, fullwidth, random_day
from .writers import write_csv, write_xlsx

# --------------------------------------------------------------------------------------------
# The true figures of each year (2020's are the published ones). Counts are at scale 1.

TRUTH = LatestYear(
    {
        2019: {
            "survey": {"responses": 1850, "satisfied": 1749},  # 94.54 %
            "courses": {"courses": 152, "both_terms": 18, "resources": 7865, "boutique": 6},
            "awards": {
                "epidemic_commended": 0,
                "online_model_teachers": 0,
                "student_national": 2,
                "student_city_bureau": 118,
                "teacher_national": 12,
                "teacher_city_bureau": 24,
                "college_other": 60,
            },
            "party": {
                "中心组集中学习": 12,
                "集体学习宣讲": 8,
                "党务例会": 12,
                "主题活动": 10,
                "民主生活会": 1,
                "职教周活动": 9,
                "其他": 15,
            },
            "media": {
                "wechat_posts": 812,
                # the 抖音 and 微博 accounts opened in 2020 (the 2020 narrative says so): none before
                "douyin_posts": 0,
                "weibo_posts": 0,
                "web_posts": 180,
                "short_video_views": 0,
            },
        },
        2020: {
            "survey": {"responses": 2400, "satisfied": 2308},  # 96.17 %
            "courses": {"courses": 408, "both_terms": 64, "resources": 21_486, "boutique": 20},
            "awards": {
                "epidemic_commended": 23,
                "online_model_teachers": 28,
                "student_national": 1,
                "student_city_bureau": 139,
                "teacher_national": 20,
                "teacher_city_bureau": 28,
                "college_other": 75,
            },
            "party": {
                "中心组集中学习": 14,
                "集体学习宣讲": 6,
                "党务例会": 13,
                "主题活动": 12,
                "民主生活会": 2,
                "职教周活动": 11,
                "其他": 18,
            },
            "media": {
                "wechat_posts": 968,
                "douyin_posts": 95,
                "weibo_posts": 130,
                "web_posts": 210,
                "short_video_views": 786_420,
            },  # 近80万
        },
        2021: {
            "survey": {"responses": 2650, "satisfied": 2566},  # 96.83 %
            "courses": {"courses": 436, "both_terms": 71, "resources": 24_310, "boutique": 42},  # target >= 40
            "awards": {
                "epidemic_commended": 9,
                "online_model_teachers": 0,
                "student_national": 3,
                "student_city_bureau": 152,
                "teacher_national": 16,
                "teacher_city_bureau": 33,
                "college_other": 80,
            },
            "party": {
                "中心组集中学习": 15,
                "集体学习宣讲": 9,
                "党务例会": 12,
                "主题活动": 16,
                "民主生活会": 2,
                "职教周活动": 12,
                "其他": 20,
            },
            "media": {
                "wechat_posts": 1036,
                "douyin_posts": 120,
                "weibo_posts": 140,
                "web_posts": 230,
                "short_video_views": 903_750,
            },
        },
    }
)

SCHOOLS = ("机械工程学院", "新能源工程学院", "电子信息工程学院", "艺术工程学院", "经济管理学院")
COURSE_SCHOOLS = {  # school -> (code prefix, typical course names)
    "机械工程学院": (
        "05",
        (
            "机械制图",
            "模具设计基础",
            "数控编程与加工",
            "液压与气动技术",
            "工业机器人编程",
            "机械设计基础",
            "公差配合与测量",
            "冲压模具设计",
            "注塑模具设计",
            "电工电子技术",
        ),
    ),
    "新能源工程学院": (
        "06",
        (
            "光伏电站运维",
            "电力电子技术",
            "新能源汽车构造",
            "PLC应用技术",
            "供配电技术",
            "储能技术",
            "电机与拖动",
            "光伏组件制造工艺",
            "传感器与检测技术",
            "单片机应用",
        ),
    ),
    "电子信息工程学院": (
        "07",
        (
            "Python程序设计",
            "Java程序设计",
            "数据库应用技术",
            "计算机网络基础",
            "Web前端开发",
            "大数据技术导论",
            "Linux操作系统",
            "物联网技术应用",
            "数据结构",
            "云计算基础",
        ),
    ),
    "艺术工程学院": (
        "08",
        (
            "设计素描",
            "色彩构成",
            "平面构成",
            "版式设计",
            "三维建模与渲染",
            "数字影像处理",
            "UI界面设计",
            "品牌视觉设计",
            "室内设计原理",
            "摄影基础",
        ),
    ),
    "经济管理学院": (
        "09",
        (
            "基础会计",
            "财务管理",
            "市场营销学",
            "电子商务实务",
            "物流管理基础",
            "经济法基础",
            "网店运营",
            "管理学基础",
            "统计基础",
            "商务数据分析",
        ),
    ),
    "马克思主义学院": (
        "01",
        (
            "思想道德修养与法律基础",
            "毛泽东思想和中国特色社会主义理论体系概论",
            "形势与政策",
            "中国共产党历史",
            "习近平新时代中国特色社会主义思想概论",
        ),
    ),
    "公共基础部": (
        "02",
        (
            "高等数学",
            "大学英语",
            "大学语文",
            "体育与健康",
            "心理健康教育",
            "职业生涯规划",
            "信息技术基础",
            "应用文写作",
        ),
    ),
}


def _n(yf: YearFiles, count: int) -> int:
    """A record count at the run's scale."""
    return count * yf.scale


def _split(rng: random.Random, total: int, n: int, lo: int, hi: int, spread: float = 0.5) -> list[int]:
    """n whole numbers in [lo, hi] that add up to `total` exactly (log-normal spread around the mean)."""
    if n == 0:
        assert total == 0, total
        return []
    assert n * lo <= total <= n * hi, (total, n, lo, hi)
    weights = [rng.lognormvariate(0, spread) for _ in range(n)]
    scale = total / sum(weights)
    values = [min(hi, max(lo, round(w * scale))) for w in weights]
    diff = total - sum(values)
    while diff:
        i = rng.randrange(n)
        step = 1 if diff > 0 else -1
        if lo <= values[i] + step <= hi:
            values[i] += step
            diff -= step
    return values


def _blank(width: int) -> list:
    return [""] * width


def _pad(cells: list, width: int) -> list:
    """A row padded to the header's width (a CSV row must have every field of the header)."""
    return list(cells) + [""] * (width - len(cells))


def _plant(
    yf: YearFiles,
    file: str,
    rows: list[list],
    first: int,
    valid: list[list],
    width: int,
    bad: list[tuple[str, list]],
    conflict: tuple[list, list],
    duplicates: int = 3,
    blanks: int = 2,
) -> None:
    """Insert, at random places after row index `first`: the bad rows (each with the quarantine rule it
    must trigger), a key-conflict pair, exact copies of valid rows and blank rows; note each kind."""
    rng = yf.rng
    for kind, row in bad:
        rows.insert(rng.randrange(first, len(rows) + 1), row)
        yf.note(file, f"quarantine:{kind}")
    for row in conflict:
        rows.insert(rng.randrange(first, len(rows) + 1), row)
    yf.note(file, "quarantine:key_conflict")
    for _ in range(duplicates):
        rows.insert(rng.randrange(first, len(rows) + 1), list(rng.choice(valid)))
    yf.note(file, "exact_duplicates")
    for _ in range(blanks):
        rows.insert(rng.randrange(first, len(rows) + 1), _blank(width))
    yf.note(file, "blank_rows")


def _note_rows(yf: YearFiles, file: str, width: int, total: str) -> list[list]:
    """The lines offices put under a table: a 合计 line and a 填表人 line."""
    yf.note(file, "note_rows")
    return [_pad(["合计", total], width), _pad([f"填表人：{people.name(yf.rng)}", "", f"{yf.year}年12月31日"], width)]


def _some(rng: random.Random, share: float, i: int) -> bool:
    """True for about `share` of the rows, and always for row 1, so a small file still carries the mess."""
    return rng.random() < share or i == 1


def _unique(rows: list[list], key, what: str) -> None:
    """Guard: the valid rows of a file must not share a key (they would be quarantined as conflicts)."""
    keys = [key(r) for r in rows]
    assert len(keys) == len(set(keys)), f"{what}: generated valid rows share a key"


# --------------------------------------------------------------------------------------------
# teaching_survey: XLSX, merged title, date-times as Excel values, serials and text


SATISFIED = ("非常满意", "满意", "基本满意")
UNSATISFIED = ("不满意", "非常不满意")


def _datetime_cell(rng: random.Random, t: dt.datetime) -> object:
    """A submission time as the survey export or an office holds it: mostly an Excel date-time."""
    r = rng.random()
    if r < 0.70:
        return t
    if r < 0.78:
        return round(excel_serial(t.date()) + (t.hour * 60 + t.minute) / 1440, 6)
    if r < 0.84:
        return f"{t.year}/{t.month}/{t.day} {t:%H:%M:%S}"
    if r < 0.90:
        return f"{t:%Y-%m-%d %H:%M}"
    if r < 0.94:
        return f"{t.year}.{t.month}.{t.day} {t:%H:%M}"
    if r < 0.97:
        return f"{t:%Y%m%d}"
    return f"{t.year}年{t.month}月{t.day}日"


def _survey_time(rng: random.Random, year: int) -> dt.datetime:
    """Online teaching was surveyed at the end of the spring term (2019: the autumn term's survey)."""
    day = random_day(rng, year, 12, 12) if year == 2019 else random_day(rng, year, 5, 6)
    return dt.datetime(day.year, day.month, day.day, rng.randrange(7, 23), rng.randrange(60))


def teaching_survey(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "teaching_survey.xlsx"
    t = TRUTH[year]["survey"]
    n, k = _n(yf, t["responses"]), _n(yf, t["satisfied"])
    header = ["问卷编号*", "二级学院", "总体满意度*", "提交时间", "答题时长(秒)"]
    width = len(header)
    rows: list[list] = [[f"{year}年线上教学学生满意度调查结果"], _blank(width), header]
    for kind in ("title_row", "merged_title", "header_trailing_star", "unknown_column"):
        yf.note(file, kind)
    ratings = [rng.choices(SATISFIED, (55, 35, 10))[0] for _ in range(k)] + [
        rng.choices(UNSATISFIED, (75, 25))[0] for _ in range(n - k)
    ]
    rng.shuffle(ratings)
    valid = []
    for i, rating in enumerate(ratings, start=1):
        rid = f"{year}{i:06d}"
        r = rng.random()
        if r < 0.06:
            rating = f" {rating} " if len(rating) == 2 else f"{rating[:2]} {rating[2:]}"
            yf.note(file, "stray_spaces")
        id_cell: object = int(rid) if r > 0.5 else rid
        if r > 0.97:
            id_cell = fullwidth(rid)
            yf.note(file, "fullwidth_digits")
        submitted = _survey_time(rng, year)
        valid.append(
            [
                id_cell,
                "" if rng.random() < 0.05 else rng.choice(SCHOOLS),
                rating,
                "" if rng.random() < 0.01 else _datetime_cell(rng, submitted),
                rng.randrange(60, 900),
            ]
        )
    for kind in ("numbers_as_text", "excel_dates", "excel_serial_dates", "date_forms"):
        yf.note(file, kind)
    rows.extend(valid)

    extra = iter(range(900_000, 999_999))

    def bad(rating: object = "满意", submitted: object = None) -> list:
        return [
            f"{year}{next(extra)}",
            rng.choice(SCHOOLS),
            rating,
            _survey_time(rng, year) if submitted is None else submitted,
            rng.randrange(60, 900),
        ]

    first = bad()
    _plant(
        yf,
        file,
        rows,
        3,
        valid,
        width,
        bad=[
            ("missing_required", bad(rating="")),
            ("not_in_set", bad(rating="一般")),
            ("date_out_of_range", bad(submitted=dt.datetime(year - 1, 12, 28, 9, 30))),
            ("bad_value", bad(submitted=f"{year}-04-31 10:00")),
        ],
        conflict=(first, [first[0], first[1], "不满意", first[3], first[4]]),
    )
    rows.extend(_note_rows(yf, file, width, f"有效问卷{n}份"))
    write_xlsx(out / file, {"满意度调查": rows}, merge_title={"满意度调查": width})


# --------------------------------------------------------------------------------------------
# online_courses: CSV UTF-8 with BOM; a course taught in both terms has a row per term


def _course_catalogue(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """`count` distinct courses (code, name, school); codes keep their leading zero, names may repeat."""
    courses, seq = [], {s: 0 for s in COURSE_SCHOOLS}
    schools = list(COURSE_SCHOOLS)
    for _ in range(count):
        school = rng.choices(schools, (14, 12, 16, 12, 14, 4, 6))[0]
        prefix, names = COURSE_SCHOOLS[school]
        seq[school] += 1
        part, index = divmod(seq[school] - 1, len(names))
        # A second part, e.g. 机械制图（二）; later repeats are the same course run for another major.
        name = f"{names[index]}（二）" if part == 1 else names[index]
        courses.append((f"{prefix}{seq[school]:05d}", name, school))
    return courses


def online_courses(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "online_courses.csv"
    t = TRUTH[year]["courses"]
    n, both, boutique = _n(yf, t["courses"]), _n(yf, t["both_terms"]), _n(yf, t["boutique"])
    spring, autumn = f"{year - 1}-{year}-2", f"{year}-{year + 1}-1"
    header = ["课程代码*", "学期*", "课程名称*", "开课学院", "主讲教师工号", "上传资源数*", "课程思政精品", "授课平台"]
    width = len(header)
    rows: list[list] = [header]
    for kind in ("utf8_bom", "header_trailing_star", "unknown_column"):
        yf.note(file, kind)
    courses = _course_catalogue(rng, n)
    # The first `both` courses run in both terms. A few boutique courses are among them, so the
    # figure must count courses, not rows.
    terms = [[spring, autumn] if i < both else [rng.choice((spring, autumn))] for i in range(n)]
    in_both = min(4, both, boutique)
    is_boutique = set(range(in_both)) | set(rng.sample(range(both, n), boutique - in_both))
    _unique([(c[0], term) for c, ts in zip(courses, terms, strict=False) for term in ts], lambda k: k, file)
    n_rows = sum(len(ts) for ts in terms)
    resources = iter(_split(rng, _n(yf, t["resources"]), n_rows, 1, 400))
    valid = []
    for i, (code, name, school) in enumerate(courses):
        teacher = f"{rng.randrange(100000, 200000)}"
        for term in terms[i]:
            res: str = str(next(resources))
            if _some(rng, 0.03, i):
                res = fullwidth(res)
                yf.note(file, "fullwidth_digits")
            flag = "是" if i in is_boutique else rng.choice(("否", "否", ""))
            if flag == "是" and rng.random() < 0.2:
                flag = " 是 "
                yf.note(file, "stray_spaces")
            term_cell = term
            if _some(rng, 0.03, i):
                term_cell = f" {term} "
                yf.note(file, "stray_spaces")
            valid.append(
                [
                    code,
                    term_cell,
                    name,
                    "" if rng.random() < 0.04 else school,
                    teacher,
                    res,
                    flag,
                    rng.choice(("超星学习通", "智慧职教", "腾讯课堂", "钉钉")),
                ]
            )
    rng.shuffle(valid)
    rows.extend(valid)

    extra = iter(range(90000, 99999))

    def bad(**changes) -> list:
        _code, name, school = rng.choice(courses)
        row = [
            f"99{next(extra):05d}",
            autumn,
            name,
            school,
            f"{rng.randrange(100000, 200000)}",
            str(rng.randrange(10, 60)),
            "否",
            "超星学习通",
        ]
        apply_changes(row, changes)
        return row

    first = bad()
    other = list(first)
    other[5] = str(int(first[5]) + 7)
    _plant(
        yf,
        file,
        rows,
        1,
        valid,
        width,
        bad=[
            ("missing_required", bad(c2="")),
            ("negative", bad(c5="-12")),
            ("bad_value", bad(c5="约30")),
            ("bad_id", bad(c1=f"{year}春")),
        ],
        conflict=(first, other),
    )
    rows.append(_pad([f"说明：上传资源数含教学视频、课件、习题和讨论，统计截至{year}年12月31日"], width))
    rows.extend(_note_rows(yf, file, width, f"{n}门"))
    write_csv(out / file, rows, "utf-8-sig")


# --------------------------------------------------------------------------------------------
# awards: XLSX, merged title, 学号/工号 as numbers or text, Excel dates, serials and text dates


class _People:
    """Distinct teachers (6-digit 工号) and students (11-digit 学号) with their names, drawn on demand."""

    def __init__(self, rng: random.Random, year: int):
        self.rng, self.year = rng, year
        self.names: dict[str, str] = {}

    def _new(self, make) -> str:
        while True:
            pid = make()
            if pid not in self.names:
                self.names[pid] = people.name(self.rng)
                return pid

    def teacher(self) -> str:
        return self._new(lambda: f"{self.rng.randrange(100001, 199999)}")

    def student(self) -> str:
        return self._new(
            lambda: (
                f"{self.year - self.rng.randrange(1, 4)}{self.rng.randrange(10, 70)}{self.rng.randrange(1, 99999):05d}"
            )
        )


# (award name, level, prizes): the competitions and honours winners come from, by who wins them.
STUDENT_NATIONAL = [("全国职业院校技能大赛（高职组）{}赛项", "国家级", ("一等奖", "二等奖", "三等奖"))]
STUDENT_CITY_BUREAU = [
    ("天津市职业院校技能大赛（高职组）{}赛项", "市级", ("一等奖", "二等奖", "三等奖")),
    ("天津市大学生创新创业大赛", "市级", ("金奖", "银奖", "铜奖")),
    ("天津市“挑战杯”大学生课外学术科技作品竞赛", "市级", ("一等奖", "二等奖", "三等奖")),
    ("天津市轻工行业职业技能竞赛{}项目", "局级", ("一等奖", "二等奖", "三等奖", "优秀奖")),
    ("海河教育园区大学生{}技能比赛", "局级", ("一等奖", "二等奖", "三等奖")),
    ("天津市优秀学生干部", "市级", ("荣誉称号",)),
]
TEACHER_NATIONAL = [
    ("全国职业院校技能大赛教学能力比赛", "国家级", ("一等奖", "二等奖", "三等奖")),
    ("全国高校微课教学比赛", "国家级", ("一等奖", "二等奖", "三等奖", "优秀奖")),
    ("全国职业院校技能大赛（高职组）{}赛项优秀指导教师", "国家级", ("荣誉称号",)),
]
TEACHER_CITY_BUREAU = [
    ("天津市职业院校技能大赛教学能力比赛", "市级", ("一等奖", "二等奖", "三等奖")),
    ("天津市教学成果奖", "市级", ("一等奖", "二等奖")),
    ("天津市轻工行业职业技能竞赛{}项目优秀指导教师", "局级", ("荣誉称号",)),
    ("海河教育园区优秀教师", "局级", ("荣誉称号",)),
]
COLLEGE_OTHER = [
    ("院级优秀共青团员", "院级", ("荣誉称号",)),
    ("院级优秀学生干部", "院级", ("荣誉称号",)),
    ("院级三好学生", "院级", ("荣誉称号",)),
    ("校园技能节{}比赛", "院级", ("一等奖", "二等奖", "三等奖", "")),
]
SKILLS = (
    "模具数字化设计与制造工艺",
    "光伏电子工程的设计与实施",
    "计算机网络应用",
    "大数据技术与应用",
    "电子商务技能",
    "工业机器人技术应用",
    "平面设计技术",
    "会计技能",
    "物联网技术应用",
    "新能源汽车检测与维修",
)


def _award_rows(rng: random.Random, year: int, total: int, kinds: list, pick, max_team: int) -> list[tuple]:
    """`total` award rows (person, award, level, prize, date) in team events of 1..max_team winners;
    every event has its own award name and date, and a winner appears once per event."""
    out: list[tuple] = []
    used: set[tuple[str, dt.date]] = set()
    # The (award, day) pairs there are. At benchmark scales the events outnumber them (100× the
    # college-level honours alone are more events than pairs: drawing until a free pair came up never
    # ended), so once half the pairs are used an event may share its name and day with an earlier one;
    # its winners are other persons, so no row key is shared. At scale 1 the events are a few percent
    # of the pairs and the random stream is what it always was.
    pairs = sum(len(SKILLS) if "{}" in name else 1 for name, _, _ in kinds) * (
        (dt.date(year, 12, 31) - dt.date(year, 3, 1)).days + 1
    )
    while len(out) < total:
        name, level, prizes = rng.choice(kinds)
        award = name.format(rng.choice(SKILLS)) if "{}" in name else name
        day = random_day(rng, year, 3, 12)
        if (award, day) in used and 2 * len(used) < pairs:
            continue
        used.add((award, day))
        prize = rng.choice(prizes)
        team = min(rng.randint(1, max_team), total - len(out))
        out += [(pick(), award, level, prize, day) for _ in range(team)]
    return out


def _date_cell(yf: YearFiles, file: str, d: dt.date) -> object:
    r = yf.rng.random()
    if r < 0.75:
        return dt.datetime(d.year, d.month, d.day)
    if r < 0.85:
        yf.note(file, "excel_serial_dates")
        return excel_serial(d)
    yf.note(file, "date_forms")
    return date_forms(d, yf.rng)


def awards(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "awards.xlsx"
    t = {k: _n(yf, v) for k, v in TRUTH[year]["awards"].items()}
    pool = _People(rng, year)
    header = ["获奖人类型*", "学号/工号*", "获奖人", "赛事或荣誉名称*", "级别*", "奖项", "获奖日期*", "备注"]
    width = len(header)
    rows: list[list] = [[f"{year}年师生获奖情况统计表（教务处、团委）"], header]
    for kind in ("title_row", "merged_title", "header_trailing_star", "unknown_column", "excel_dates"):
        yf.note(file, kind)
    student, teacher = pool.student, pool.teacher
    records: list[tuple[str, tuple]] = []  # (winner type, (person, award, level, prize, date))
    # Commendations: 院级, so they never enter the national / city-bureau counts.
    commended_teachers = [teacher() for _ in range(t["epidemic_commended"] * 2 // 3)]
    commended_students = [student() for _ in range(t["epidemic_commended"] - len(commended_teachers))]
    day = dt.date(year, 9, 10)
    records += [("教师", (p, "疫情防控先进个人", "院级", "荣誉称号", day)) for p in commended_teachers]
    records += [("学生", (p, "疫情防控先进个人", "院级", "荣誉称号", day)) for p in commended_students]
    # Online-teaching model teachers; a few were also commended for epidemic work (distinct persons).
    overlap = min(3, len(commended_teachers), t["online_model_teachers"])
    model = commended_teachers[:overlap] + [teacher() for _ in range(t["online_model_teachers"] - overlap)]
    records += [("教师", (p, "线上教学先进教师", "院级", "荣誉称号", dt.date(year, 7, 15))) for p in model]
    for who, total, kinds, pick, team in (
        ("学生", t["student_national"], STUDENT_NATIONAL, student, 3),
        ("学生", t["student_city_bureau"], STUDENT_CITY_BUREAU, student, 4),
        ("教师", t["teacher_national"], TEACHER_NATIONAL, teacher, 4),
        ("教师", t["teacher_city_bureau"], TEACHER_CITY_BUREAU, teacher, 3),
        ("学生", t["college_other"], COLLEGE_OTHER, student, 1),
    ):
        records += [(who, r) for r in _award_rows(rng, year, total, kinds, pick, team)]
    _unique(records, lambda r: (r[1][0], r[1][1], r[1][4]), file)
    valid = [_award_row(yf, file, who, pool.names[r[0]], *r) for who, r in records]
    rng.shuffle(valid)
    rows.extend(valid)

    def bad(**changes) -> list:
        pid = student()
        row = [" 学生", pid, pool.names[pid], "院级优秀共青团员", "院级", "荣誉称号", dt.datetime(year, 5, 4), ""]
        apply_changes(row, changes)
        return row

    first = bad(c3="天津市大学生创新创业大赛", c4="市级", c5="银奖", c6=dt.datetime(year, 10, 20))
    other = list(first)
    other[5] = "铜奖"
    _plant(
        yf,
        file,
        rows,
        2,
        valid,
        width,
        bad=[
            ("missing_required", bad(c4=None)),
            ("not_in_set", bad(c4="省级")),
            ("date_out_of_range", bad(c6=dt.datetime(year - 1, 12, 20))),
            ("bad_id", bad(c1=f"{year - 1}A{rng.randrange(10**5):05d}")),
            ("bad_value", bad(c6=f"{year}-02-30")),
        ],
        conflict=(first, other),
    )
    rows.extend(_note_rows(yf, file, width, f"{len(valid)}人次"))
    write_xlsx(out / file, {"获奖情况": rows}, merge_title={"获奖情况": width})


def _award_row(
    yf: YearFiles, file: str, who: str, name: str, pid: str, award: str, level: str, prize: str, day: dt.date
) -> list:
    """One award row as the office types it: IDs as numbers or text, some full-width, stray spaces."""
    rng = yf.rng
    r = rng.random()
    pid_cell: object = pid
    if r < 0.4:
        pid_cell = int(pid)
        yf.note(file, "numbers_as_text")
    elif r < 0.44:
        pid_cell = fullwidth(pid)
        yf.note(file, "fullwidth_digits")
    if rng.random() < 0.05:
        level = f"{level} "
        yf.note(file, "stray_spaces")
    if "（" in award:
        yf.note(file, "fullwidth_brackets")
    note = "团队" if rng.random() < 0.1 else ""
    return [who, pid_cell, name, award, level, prize, _date_cell(yf, file, day), note]


# --------------------------------------------------------------------------------------------
# party_events: plain UTF-8 CSV with a title row; dates as text in every form


PARTY_TITLES = {
    "中心组集中学习": "党委理论学习中心组{y}年第{i}次集中学习",
    "集体学习宣讲": "{topic}集体学习宣讲（第{i}场）",
    "党务例会": "{y}年第{i}次党务工作例会",
    "主题活动": "{theme}主题党日活动（{i}）",
    "民主生活会": "{y}年度党委领导班子民主生活会（{i}）",
    "职教周活动": "职业教育活动周：{week}",
    "其他": "{other}（{i}）",
}
TOPICS = {2019: "党的十九届四中全会精神", 2020: "党的十九届五中全会精神", 2021: "党史学习教育"}
THEMES = ("不忘初心、牢记使命", "战疫情、践使命", "学习强国", "弘扬工匠精神", "庆祝建党", "党建+专业", "志愿服务进社区")
WEEK = (
    "技能展示开放日",
    "非遗技艺进校园",
    "鲁班工坊成果展",
    "职教成果进社区",
    "大国工匠进课堂",
    "校企合作洽谈会",
    "学生技能作品展",
    "专业体验日",
    "劳动教育实践",
    "职业生涯规划讲座",
    "创新创业路演",
    "毕业生风采展",
    "中小学生职业体验",
)
OTHERS = (
    "党风廉政建设专题会",
    "发展党员培训班",
    "党支部书记培训",
    "统战工作座谈会",
    "离退休党员慰问",
    "党费收缴专项检查",
    "意识形态工作专题研讨",
    "基层党组织换届",
)
UNITS = (
    "党委办公室",
    "组织部",
    "宣传部",
    "纪委办公室",
    "机械工程学院党总支",
    "电子信息工程学院党总支",
    "经济管理学院党总支",
    "团委",
    "工会",
)


def _party_events(rng: random.Random, year: int, counts: dict[str, int]) -> list[tuple[dt.date, str, str, str]]:
    """(date, type, title, unit) for every valid event of the year; titles are numbered, so unique."""
    events = []
    for kind, count in counts.items():
        for i in range(1, count + 1):
            if kind == "职教周活动":
                day = dt.date(year, 5, 9) + dt.timedelta(days=rng.randrange(7))
                title = PARTY_TITLES[kind].format(week=WEEK[(i - 1) % len(WEEK)])
                if i > len(WEEK):
                    title += f"（{i}）"
            else:
                day = random_day(rng, year, 1 if kind != "集体学习宣讲" else 10, 12)
                title = PARTY_TITLES[kind].format(
                    y=year, i=i, topic=TOPICS.get(year, "理论"), theme=rng.choice(THEMES), other=rng.choice(OTHERS)
                )
            unit = "党委办公室" if kind in ("中心组集中学习", "党务例会", "民主生活会") else rng.choice(UNITS)
            events.append((day, kind, title, unit))
    return events


def party_events(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "party_events.csv"
    counts = {k: _n(yf, v) for k, v in TRUTH[year]["party"].items()}
    header = ["日期*", "活动类型*", "活动名称*", "组织单位", "参加人数", "备注"]
    width = len(header)
    rows: list[list] = [_pad([f"{year}年党建与活动台账（党委办公室）"], width), header]
    for kind in ("title_row", "header_trailing_star", "unknown_column", "date_forms"):
        yf.note(file, kind)
    events = _party_events(rng, year, counts)
    # Kept, but outside the year: the figures count events dated in the year only.
    events.append(
        (dt.date(year - 1, 12, 27), "中心组集中学习", f"党委理论学习中心组{year - 1}年第12次集中学习", "党委办公室")
    )
    _unique(events, lambda e: (e[0], e[2]), file)
    valid = []
    for i, (day, kind, title, unit) in enumerate(events):
        attendees = str(rng.randrange(12, 300))
        if _some(rng, 0.04, i):
            attendees = fullwidth(attendees)
            yf.note(file, "fullwidth_digits")
        if _some(rng, 0.06, i):
            kind = f" {kind} "
            yf.note(file, "stray_spaces")
        valid.append([date_forms(day, rng), kind, title, unit, attendees, ""])
    rng.shuffle(valid)
    rows.extend(valid)

    def bad(**changes) -> list:
        row = [
            f"{year}-06-18",
            "其他",
            f"{rng.choice(OTHERS)}（补录{rng.randrange(100, 999)}）",
            "组织部",
            str(rng.randrange(10, 80)),
            "补录",
        ]
        apply_changes(row, changes)
        return row

    first = bad()
    other = list(first)
    other[4] = str(int(first[4]) + 5)
    _plant(
        yf,
        file,
        rows,
        2,
        valid,
        width,
        bad=[
            ("missing_required", bad(c1="")),
            ("not_in_set", bad(c1="座谈会")),
            ("negative", bad(c4="-30")),
            ("bad_value", bad(c0=f"{year}-06-31")),
        ],
        conflict=(first, other),
    )
    rows.extend(_note_rows(yf, file, width, f"{len(valid)}次"))
    write_csv(out / file, rows, "utf-8")


# --------------------------------------------------------------------------------------------
# media_posts: GBK CSV with a title row; views as text with separators or full-width digits


WECHAT_COLUMNS = ("【轻工要闻】", "【战疫进行时】", "【党建园地】", "【青春轻工】", "【教学动态】", "【校企合作】", "")
NEWS = (
    "学院召开{}工作会议",
    "学院领导检查{}工作",
    "{}工作推进会召开",
    "我院举办{}专题培训",
    "我院师生在{}中获佳绩",
    "{}系列活动启动",
    "聚焦{}：我们在行动",
    "{}工作纪实",
    "一图读懂{}",
    "{}主题宣讲走进二级学院",
)
SUBJECTS = (
    "疫情防控",
    "线上教学",
    "复课复学",
    "毕业生就业",
    "招生宣传",
    "党史学习教育",
    "课程思政",
    "鲁班工坊",
    "安全稳定",
    "新生入学",
    "技能大赛",
    "职业教育活动周",
    "师德师风",
    "校企合作",
    "实训基地建设",
    "志愿服务",
    "劳动教育",
    "创新创业",
    "五中全会精神",
    "意识形态",
)
VIDEO = ("{}｜{}", "看！{}的{}", "{}Vlog：{}", "一分钟带你走进{}：{}")
SCENES = (
    "实训车间",
    "光伏实训基地",
    "图书馆",
    "开学典礼",
    "毕业典礼",
    "运动会",
    "技能节",
    "宿舍生活",
    "食堂",
    "社团招新",
    "鲁班工坊",
    "线上课堂",
    "迎新现场",
    "校园夜景",
)
WORDS = ("轻工青年", "匠心", "青春正当时", "你好，新同学", "我们毕业了", "云端课堂", "技能成才", "最美校园")


def _post_title(rng: random.Random, platform: str) -> str:
    if platform in ("抖音", "微博"):
        return rng.choice(VIDEO).format(rng.choice(SCENES), rng.choice(WORDS))
    title = rng.choice(NEWS).format(rng.choice(SUBJECTS))
    return (rng.choice(WECHAT_COLUMNS) + title) if platform == "微信公众号" else title


def _posts(
    rng: random.Random, year: int, platform: str, count: int, views: list[int], seen: set[tuple]
) -> list[tuple[str, dt.date, str, int]]:
    """`count` posts on one platform with distinct (platform, date, title)."""
    out = []
    for i in range(count):
        for attempt in range(50):
            day, title = random_day(rng, year), _post_title(rng, platform)
            if attempt == 49:
                title += f"（{i + 1}）"
            if (platform, day, title) not in seen:
                break
        seen.add((platform, day, title))
        out.append((platform, day, title, views[i]))
    return out


def _views_cell(yf: YearFiles, file: str, views: int) -> str:
    r = yf.rng.random()
    if r < 0.05 and views >= 1000:
        return f"{views:,}"
    if r < 0.08:
        yf.note(file, "fullwidth_digits")
        return fullwidth(str(views))
    return str(views)


def media_posts(yf: YearFiles, out: Path) -> None:
    year, rng, file = yf.year, yf.rng, "media_posts.csv"
    t = TRUTH[year]["media"]
    header = ["平台*", "发布日期*", "标题*", "阅读量", "栏目"]
    width = len(header)
    rows: list[list] = [_pad([f"{year}年新媒体发布台账（宣传部）"], width), header]
    for kind in ("gbk_encoding", "title_row", "header_trailing_star", "unknown_column", "date_forms"):
        yf.note(file, kind)
    n_douyin, n_weibo = _n(yf, t["douyin_posts"]), _n(yf, t["weibo_posts"])
    video_views = _split(rng, _n(yf, t["short_video_views"]), n_douyin + n_weibo, 50, 120_000, spread=1.0)
    seen: set[tuple] = set()
    posts = (
        _posts(
            rng,
            year,
            "微信公众号",
            _n(yf, t["wechat_posts"]),
            [rng.randrange(200, 15000) for _ in range(_n(yf, t["wechat_posts"]))],
            seen,
        )
        + _posts(rng, year, "抖音", n_douyin, video_views[:n_douyin], seen)
        + _posts(rng, year, "微博", n_weibo, video_views[n_douyin:], seen)
        + _posts(
            rng,
            year,
            "官网",
            _n(yf, t["web_posts"]),
            [rng.randrange(100, 3000) for _ in range(_n(yf, t["web_posts"]))],
            seen,
        )
    )
    # Kept, but dated in the year before: the figures count posts of the year only.
    # (on the official WeChat account in a year before the 抖音 account existed)
    platform = "抖音" if n_douyin else "微信公众号"
    posts.append((platform, dt.date(year - 1, 12, 31), f"{year - 1}跨年夜：轻工青年说", 23_456))
    valid = []
    for platform, day, title, views in posts:
        cell = platform
        if rng.random() < 0.05:
            cell = f" {platform}"
            yf.note(file, "stray_spaces")
        section = title[1 : title.index("】")] if title.startswith("【") else ""
        valid.append([cell, date_forms(day, rng), title, _views_cell(yf, file, views), section])
    rng.shuffle(valid)
    rows.extend(valid)

    def bad(**changes) -> list:
        row = [
            "微信公众号",
            f"{year}-11-0{rng.randrange(1, 10)}",
            f"【补录】{_post_title(rng, '官网')}（{rng.randrange(10**4)}）",
            str(rng.randrange(200, 5000)),
            "补录",
        ]
        apply_changes(row, changes)
        return row

    first = bad()
    other = list(first)
    other[3] = str(int(first[3]) + 120)
    _plant(
        yf,
        file,
        rows,
        2,
        valid,
        width,
        bad=[
            ("missing_required", bad(c2="")),
            ("not_in_set", bad(c0="今日头条")),
            ("negative", bad(c3="-1")),
            ("bad_value", bad(c3="待统计")),  # not a count (10万+ is one: a lower bound)
        ],
        conflict=(first, other),
    )
    rows.extend(_note_rows(yf, file, width, f"{len(valid)}篇"))
    write_csv(out / file, rows, "gbk")


GENERATORS = [teaching_survey, online_courses, awards, party_events, media_posts]
