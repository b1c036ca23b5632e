"""Fictional institutions for the suite: N small colleges, each with its own data, params and narrative.

The second-institution generator (`tools/make_second_institution.py`, 滨海示范职业学院) generalised: it
proves, at any number of colleges, that nothing about one college is built into the code, and gives
`python -m annualreport reports` (which builds every `params/institutions/<slug>/<year>.yaml`) a
province's worth of reports to build.

    python -m annualreport_dev.institutions --n 20 --years 2019 2020 2021 [--root DIR]
    python -m annualreport_dev.institutions --clean [--root DIR]          (removes demo-NN only)
    python -m annualreport_dev.institutions --clean --n 5 --years 2020 2021   (clean, then write five)

For each institution k = 1..N (slug `demo-01` .. `demo-99`) it writes into the project tree DIR (default:
the repository root):

- `data/institutions/<slug>/reference/`: `majors.csv` (its majors, schools and 专业群; one major 新增,
  approved in the latest requested year and admitted only from then) and `poverty_counties.csv`;
- `data/institutions/<slug>/raw/<year>/` for each requested year: `admissions.csv`, `graduates.csv`,
  `training.csv`, and for every third college `patents.csv` as well;
- `params/institutions/<slug>/<year>.yaml`: its name, paths, closing date, `conventions:` for its IDs,
  the datasets it delivers (the others `optional: true`, so their figures print 无数据), `expected_rows`
  from its size, and next year's training-income target (tracked by the next year's report);
- `params/institutions/<slug>/narrative/<year>/`: the shape of binhai-demo's narrative (summary,
  enrolment, training, a patents section where it delivers patents, plan), the college's name printed
  through `{institution}` from its params, no digits typed into prose (`report/narrative.py`).

What varies between institutions (each from a random stream seeded by its slug):

- the name (`<place>示范职业学院`, a fictional place per slug; no digits, so prose and headings stay clean);
- its majors (three to eight of a catalogue), its units called 学院 or 系, its poverty counties and its
  students' home counties;
- its size: a base of 40-400 admissions a year, about four fifths as many graduates;
- its ID conventions: 学号 of 10, 8, 12 or 13 digits or with a letter prefix (declared in `conventions:`
  where the data contract's default `\\d{10,12}` does not hold), its own 项目编号 prefix;
- its files: CSV in GB18030 or UTF-8 with BOM; some deliver under the offices' own file names and
  header aliases (recognised by their header rows), some with a conflicting duplicate 考生号 (quarantined);
- the prose (its summary's motto) and whether it reports patents.

Each year draws its numbers from its own stream (seeded by slug and year), so years differ; a year's
report compares with the year before when that year was generated too (`--years 2019 2020 2021`: the
2020 and 2021 reports have previous-year columns). Same arguments, byte-identical files. A requested
year's raw and narrative folders are rewritten whole; `--clean` removes every `demo-NN` folder under
`data/institutions/` and `params/institutions/` (never another institution, never build outputs).

`tools/make_second_institution.py` (binhai-demo) shares this module's CSV writer and row builders.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .demo import writers as demo_writers

SLUG = re.compile(r"demo-\d{2}")
MAX_N = 99

ADMISSIONS_HEADER = ["考生号", "姓名", "身份证号", "性别", "录取专业", "二级学院", "培养层次", "生源地", "录取日期"]
# The same columns under the aliases of specs/datasets/admissions.yaml, as some offices write them.
ADMISSIONS_ALIASES = ["考生编号", "姓名", "身份证号", "性别", "专业名称", "所属学院", "层次", "生源省份", "录取日期"]
GRADUATES_HEADER = [
    "学号",
    "姓名",
    "身份证号",
    "专业",
    "二级学院",
    "毕业年份",
    "生源县",
    "就业状态",
    "就业单位",
    "统计日期",
]
TRAINING_HEADER = ["项目编号", "培训项目名称", "委托单位", "开始日期", "结束日期", "培训人数", "学时", "到账收入（元）"]
MAJORS_HEADER = ["专业代码", "专业名称", "二级学院", "专业群", "状态", "批准年份"]
PATENTS_HEADER = [
    "申请号",
    "专利名称",
    "专利类型",
    "发明人",
    "申请日",
    "受理通知书日期",
    "法律状态",
    "是否转化",
    "转化金额(元)",
]
STATUSES = (["协议就业", "劳动合同就业", "升学", "灵活就业", "待就业"], [4, 4, 2, 2, 1])

# (code, major, school, group): the school as a 学院; a college that calls its units 系 renames them.
MAJOR_CATALOGUE = [
    ("510201", "计算机应用技术", "信息工程学院", "数字技术"),
    ("510203", "软件技术", "信息工程学院", "数字技术"),
    ("510205", "大数据技术", "信息工程学院", "数字技术"),
    ("510301", "电子信息工程技术", "信息工程学院", "数字技术"),
    ("530302", "大数据与会计", "商贸学院", "现代商务"),
    ("530701", "电子商务", "商贸学院", "现代商务"),
    ("530802", "现代物流管理", "商贸学院", "现代商务"),
    ("530605", "市场营销", "商贸学院", "现代商务"),
    ("460301", "机电一体化技术", "智能制造学院", "智能制造"),
    ("460103", "数控技术", "智能制造学院", "智能制造"),
    ("460305", "工业机器人技术", "智能制造学院", "智能制造"),
    ("460701", "汽车制造与试验技术", "智能制造学院", "智能制造"),
    ("520201", "护理", "健康学院", "健康服务"),
    ("520802", "康复治疗技术", "健康学院", "健康服务"),
    ("590302", "智慧健康养老服务与管理", "健康学院", "健康服务"),
    ("540101", "旅游管理", "文旅学院", "文化旅游"),
    ("540106", "酒店管理与数字化运营", "文旅学院", "文化旅游"),
    ("550101", "艺术设计", "文旅学院", "文化旅游"),
    ("440301", "建筑工程技术", "建筑工程学院", "智能建造"),
    ("440501", "工程造价", "建筑工程学院", "智能建造"),
    ("440401", "建设工程管理", "建筑工程学院", "智能建造"),
]
COUNTY_CATALOGUE = [
    ("河北省", "阜平县"),
    ("河北省", "涞源县"),
    ("山西省", "五台县"),
    ("山西省", "静乐县"),
    ("甘肃省", "岷县"),
    ("贵州省", "纳雍县"),
    ("云南省", "镇雄县"),
    ("四川省", "昭觉县"),
    ("河南省", "兰考县"),
    ("安徽省", "金寨县"),
    ("湖南省", "花垣县"),
    ("陕西省", "佳县"),
]
OTHER_HOMES = ["河北省黄骅市", "山东省济南市历下区", "江苏省苏州市吴中区", "浙江省宁波市鄞州区", "河南省郑州市金水区"]
# Fictional places: one per slug, in order; past the list a Chinese ordinal tells the colleges apart.
PLACES_TEXT = "青山临江云岭东湖南屏西岸北川松原桃源梅岭清河白沙金滩石湾柳溪龙泉凤鸣银湖枫林海川玉泉丰乐长宁平湖安澜新洲翠屏望江云溪星河"  # two characters each
PLACES = [PLACES_TEXT[i : i + 2] for i in range(0, len(PLACES_TEXT), 2)]
PROGRAMMES = [
    "数字技能提升培训",
    "电商直播培训",
    "企业新型学徒制培训",
    "退役军人技能培训",
    "养老护理员培训",
    "工业机器人操作培训",
    "会计实务培训",
    "乡村振兴带头人培训",
    "职业技能等级认定培训",
    "安全生产管理培训",
]
PATENT_TITLES = [
    "一种智能分拣装置",
    "一种实训台安全防护结构",
    "一种数据采集终端",
    "一种便携式检测工具",
    "一种教学演示模型",
]
MOTTOS = ["稳招生、促就业、强培训", "提质量、强服务、促就业", "抓内涵、强特色、重服务", "强基础、优结构、促发展"]
# 学号 styles: (format of one 学号 from entry year, college number and serial; its convention or None).
STUDENT_IDS = [
    (lambda y, k, i: f"{y}{k:02d}{i:04d}", None),  # 10 digits: the contract's default holds
    (lambda y, k, i: f"{y % 100:02d}{k:02d}{i:04d}", r"\d{8}"),
    (lambda y, k, i: f"{y}{k:02d}{i:06d}", None),  # 12 digits: still the default
    (lambda y, k, i: f"S{y}{k:02d}{i:04d}", r"S\d{10}"),
    (lambda y, k, i: f"{y}{k:02d}1{i:06d}", r"\d{13}"),
]
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
OPTIONAL = [
    "teaching_survey",
    "online_courses",
    "awards",
    "research_projects",
    "staff_changes",
    "experts",
    "party_events",
    "media_posts",
    "international_events",
    "partners",
    "accidents",
    "hazards",
    "construction",
]


# ---------------------------------------------------------------------- shared with binhai-demo
def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> None:
    """Rows as an office's CSV (the demo's writer: CRLF lines), in `encoding`, UTF-8 with BOM by default."""
    demo_writers.write_csv(path, rows, encoding)


def admission_row(
    rng: random.Random, i: int, majors: list, candidate_id: str, id_card: str, provinces: list, date_prefix: str
) -> list:
    """One admitted candidate (高职): a major, sex, province and a day 1-20 of `date_prefix` (YYYY-MM)."""
    _, major, _, _ = rng.choice(majors)
    return [
        candidate_id,
        f"学生{i:03d}",
        id_card,
        rng.choice("男女"),
        major,
        "",
        "高职(专科)",
        rng.choice(provinces),
        f"{date_prefix}-{rng.randint(1, 20):02d}",
    ]


def graduate_row(
    rng: random.Random, i: int, majors: list, student_id: str, id_card: str, year: int, homes: list, as_of: str
) -> list:
    """One graduate of `year`: a major, an employment status (mostly employed) and a home county."""
    _, major, _, _ = rng.choice(majors)
    status = rng.choices(*STATUSES)[0]
    return [
        student_id,
        f"毕业生{i:03d}",
        id_card,
        major,
        "",
        year,
        rng.choice(homes),
        status,
        "" if status == "待就业" else "某公司",
        as_of,
    ]


# ---------------------------------------------------------------------- one institution
@dataclass
class Institution:
    k: int
    slug: str
    name: str
    short_name: str
    place: str
    majors: list  # [(code, major, school, group)]
    new_major: str  # code of the 新增 major
    counties: list  # [(province, county)]
    homes: list
    provinces: list
    base: int  # admissions in a typical year
    student_id: object
    student_convention: str | None
    programme_prefix: str
    encoding: str
    office_names: bool  # files under the offices' names and header aliases
    duplicate: bool  # a conflicting duplicate 考生号 each year
    patents: bool
    motto: str
    id_area: str
    extra: dict = field(default_factory=dict)

    @property
    def graduates_base(self) -> int:
        return max(30, round(self.base * 0.8))


def place_of(k: int) -> str:
    place = PLACES[(k - 1) % len(PLACES)]
    rounds = (k - 1) // len(PLACES)
    return place if rounds == 0 else f"{place}第{'二三四'[rounds - 1]}"


def institution(k: int) -> Institution:
    slug = f"demo-{k:02d}"
    rng = random.Random(slug)
    place = place_of(k)
    schools_as_departments = rng.random() < 0.4
    picked = sorted(rng.sample(MAJOR_CATALOGUE, rng.randint(3, 8)), key=lambda m: m[0])
    majors = [(c, m, s.removesuffix("学院") + "系" if schools_as_departments else s, g) for c, m, s, g in picked]
    new_major = rng.choice(majors)[0]
    counties = sorted(rng.sample(COUNTY_CATALOGUE, rng.randint(2, 4)))
    homes = [p + c for p, c in counties] + [c for _, c in counties] + rng.sample(OTHER_HOMES, 2)
    provinces = sorted({p.removesuffix("省") for p, _ in counties} | {"河北"})
    fmt, convention = STUDENT_IDS[k % len(STUDENT_IDS)]
    return Institution(
        k=k,
        slug=slug,
        name=f"{place}示范职业学院",
        short_name=f"{place}示范",
        place=place,
        majors=majors,
        new_major=new_major,
        counties=counties,
        homes=homes,
        provinces=provinces,
        base=rng.randint(40, 400),
        student_id=fmt,
        student_convention=convention,
        programme_prefix=LETTERS[(k - 1) % len(LETTERS)] + LETTERS[(k * 7) % len(LETTERS)],
        encoding="gb18030" if k % 2 else "utf-8-sig",
        office_names=k % 4 == 3,
        duplicate=k % 2 == 0,
        patents=k % 3 == 0,
        motto=MOTTOS[k % len(MOTTOS)],
        id_area=f"{rng.randint(11, 65)}0{rng.randint(1, 9)}0{rng.randint(1, 9)}",
    )


def money(rng: random.Random, yuan: int) -> str:
    """Income as offices type it: 36000, 2.4万, 54,000.00."""
    style = rng.randint(0, 2)
    if style == 1 and yuan % 1000 == 0:
        return f"{yuan / 10000:g}万"
    if style == 2:
        return f"{yuan:,.2f}"
    return str(yuan)


def write_reference(inst: Institution, data: Path, approved: int) -> None:
    write_csv(
        data / "reference" / "majors.csv",
        [
            MAJORS_HEADER,
            *[
                [c, m, s, g, "新增" if c == inst.new_major else "在招", approved if c == inst.new_major else 2012]
                for c, m, s, g in inst.majors
            ],
        ],
    )
    write_csv(data / "reference" / "poverty_counties.csv", [["省份", "县区"], *inst.counties])


def write_year(inst: Institution, data: Path, year: int, approved: int) -> dict:
    """The year's raw files; returns what the params and narrative need (training income, sizes)."""
    rng = random.Random(f"{inst.slug}-{year}")
    raw = data / "raw" / str(year)
    if raw.exists():
        shutil.rmtree(raw)
    admitted = [m for m in inst.majors if m[0] != inst.new_major or year >= approved]
    graduating = [m for m in inst.majors if m[0] != inst.new_major]
    n_adm = min(400, max(40, round(inst.base * rng.uniform(0.85, 1.15))))
    header = ADMISSIONS_ALIASES if inst.office_names else ADMISSIONS_HEADER
    adm = [[f"{year}年招生录取名单（招生办）"], header]
    for i in range(n_adm):
        cand = f"{year % 100:02d}{inst.k:02d}{inst.k % 7:02d}{i:08d}"
        card = f"{inst.id_area}{year - 18}0101{i:04d}"
        adm.append(admission_row(rng, i, admitted, cand, card, inst.provinces, f"{year}-{rng.choice([7, 8]):02d}"))
    if inst.duplicate:  # the same 考生号 twice with different details: both set aside
        first = adm[2 + 3]
        adm.append(
            [
                first[0],
                "重复学生",
                f"{inst.id_area}{year - 18}01019999",
                "男",
                admitted[0][1],
                "",
                "高职(专科)",
                inst.provinces[0],
                f"{year}-08-30",
            ]
        )
    stem = f"{year}年招生录取名单" if inst.office_names else "admissions"
    write_csv(raw / f"{stem}.csv", adm, inst.encoding)

    n_grad = max(30, round(inst.graduates_base * rng.uniform(0.85, 1.15)))
    grad = [GRADUATES_HEADER]
    for i in range(n_grad):
        grad.append(
            graduate_row(
                rng,
                i,
                graduating,
                inst.student_id(year - 3, inst.k, i),
                f"{inst.id_area}{year - 21}0101{i:04d}",
                year,
                inst.homes,
                f"{year}-08-{rng.choice([20, 31])}",
            )
        )
    stem = f"{year}届毕业生就业去向" if inst.office_names else "graduates"
    write_csv(raw / f"{stem}.csv", grad)

    train = [TRAINING_HEADER]
    income = 0
    clients = [f"{inst.place}人社局", f"{inst.place}总工会", f"{inst.place}退役军人事务局", "合作企业"]
    for i, title in enumerate(rng.sample(PROGRAMMES, rng.randint(3, 8))):
        start = rng.randint(3, 10)
        trainees = rng.randint(20, 200)
        yuan = trainees * rng.choice([100, 200, 300, 400, 500])
        income += yuan
        train.append(
            [
                f"{inst.programme_prefix}{year}-{i + 1:03d}",
                title,
                rng.choice(clients),
                f"{year}-{start:02d}-01",
                f"{year}-{start + 1:02d}-{rng.randint(10, 28):02d}",
                trainees,
                rng.choice([16, 24, 32, 48, 64]),
                money(rng, yuan),
            ]
        )
    stem = "社会培训台账" if inst.office_names else "training"
    write_csv(raw / f"{stem}.csv", train, inst.encoding)

    if inst.patents:  # the portfolio: last year's filings and this year's
        pats = [PATENTS_HEADER]
        for filed in (year - 1, year):
            for i in range(rng.randint(2, 6)):
                kind, digit = rng.choice([("发明", 1), ("实用新型", 2), ("外观设计", 3)])
                month = rng.randint(1, 10)
                status = rng.choice(["受理", "授权", "授权"] if filed == year else ["授权", "授权", "驳回", "失效"])
                converted = status == "授权" and rng.random() < 0.3
                pats.append(
                    [
                        f"{filed}{digit}{inst.k:02d}{filed % 100:02d}{i:03d}.{rng.randint(0, 9)}",
                        rng.choice(PATENT_TITLES),
                        kind,
                        "某教师",
                        f"{filed}-{month:02d}-{rng.randint(1, 28):02d}",
                        f"{filed}-{month + 1:02d}-{rng.randint(1, 28):02d}",
                        status,
                        "是" if converted else "否",
                        str(rng.randint(1, 9) * 5000) if converted else "",
                    ]
                )
        write_csv(raw / "patents.csv", pats)
    return {"income": income}


def wan(yuan: int) -> int:
    """Next year's training-income target in 万元: this year's income plus a tenth, rounded up."""
    return max(1, -(-yuan * 11 // 100000))


def params_text(inst: Institution, year: int, facts: dict) -> str:
    rel = f"institutions/{inst.slug}"
    conventions = ["  major_code: '\\d{6}'"]
    if inst.student_convention:
        conventions.append(f"  student_id: '{inst.student_convention}'")
    conventions.append(f"  programme_id: '{inst.programme_prefix}\\d{{4}}-\\d{{3}}'")
    g = inst.graduates_base
    datasets = [
        f"  admissions: {{expected_rows: [{inst.base // 2}, {inst.base * 2}]}}",
        f"  graduates: {{expected_rows: [{g // 2}, {g * 2}]}}",
        "  training: {expected_rows: [1, 50]}",
        "  majors: {expected_rows: [1, 30]}",
        "  poverty_counties: {expected_rows: [1, 50]}",
    ]
    if inst.patents:
        datasets.append("  patents: {expected_rows: [1, 100]}")
    datasets.append("  # A small college: these offices deliver nothing this year (figures print 无数据).")
    datasets += [f"  {name}: {{optional: true}}" for name in (["patents"] if not inst.patents else []) + OPTIONAL]
    target = wan(facts["income"])
    return "\n".join(
        [
            "# yaml-language-server: $schema=../../params.schema.json",
            f"# Parameters of the {year} report of {inst.name}, a fictional college written by",
            "# `python -m annualreport_dev.institutions` (src/annualreport_dev/institutions.py); do not edit by hand.",
            f"# Its results go to data/processed/{inst.slug}/{year}/ and outputs/{inst.slug}/{year}/.",
            f"year: {year}",
            "institution:",
            f"  name: {inst.name}",
            f"  short_name: {inst.short_name}",
            "paths:",
            f"  raw: data/{rel}/raw/{year}",
            f"  reference: data/{rel}/reference",
            f"  narrative: params/{rel}/narrative/{year}",
            "document:",
            f'  date: "{year + 1}-03-{(inst.k % 20) + 1:02d}"',
            'employment_cutoff: "08-31"',
            "# Its own formats (docs/params.md, conventions); IDs not listed follow the data contract (the defaults).",
            "conventions:",
            *conventions,
            "datasets:",
            *datasets,
            "targets:",
            '  - {id: training_income, section: 二, label: 培训收入, comparison: ">=", '
            f"target: {target * 10000}, unit: 元,",
            f"     figure: training_income, wording: {target}万元, reading: 按下限理解：全年培训收入不低于{target}万元,",
            f"     seed_wording: 培训收入达到{target}万元}}",
            "",
        ]
    )


def narrative_files(inst: Institution, year: int) -> dict[str, str]:
    children = [
        "      - heading: 招生与就业",
        "        body: enrolment.md",
        "        blocks:",
        "          - table:",
        "              id: enrolment_table",
        "              title: 招生与就业",
        "              figures: [enrolled_vocational, employment_rate_initial, poverty_graduates, "
        "poverty_graduates_employed_rate]",
        "          - chart: admissions_all_levels_by_school",
        "      - heading: 社会培训",
        "        body: training.md",
        "        blocks:",
        "          - table:",
        "              id: training_table",
        "              title: 社会培训",
        "              figures: [training_person_times, training_income]",
    ]
    if inst.patents:
        children += [
            "      - heading: 科研与专利",
            "        body: patents.md",
            "        blocks:",
            "          - table:",
            "              id: patents_table",
            "              title: 科研与专利",
            "              figures: [patents_filed, patents_accepted]",
        ]
    sections = [
        f"# {inst.name} {year}: a short report with its own outline (src/annualreport_dev/institutions.py).",
        'title: "{institution}{year}年度工作报告"',
        'subtitle: "{year}年工作总结与{next_year}年工作计划"',
        "sections:",
        '  - heading: "{year}年工作总结"',
        "    body: summary.md",
        "    children:",
        *children,
        '  - heading: "{next_year}年工作计划"',
        "    body: plan.md",
        "",
    ]
    files = {
        "sections.yaml": "\n".join(sections),
        "summary.md": f"{{year}}年，{{institution}}围绕“{inst.motto}”开展工作，各项任务总体完成。\n",
        "enrolment.md": "全年录取高职学生{enrolled_vocational}，毕业生初次就业率{employment_rate_initial}。"
        "来自帮扶地区的毕业生{poverty_graduates}，就业率{poverty_graduates_employed_rate}。\n",
        "training.md": f"面向{inst.place}及周边地区开展社会培训{{training_person_times}}，培训收入{{training_income}}。\n",
        "plan.md": "{next_year}年，{institution}将继续扩大社会培训，力争培训收入{target.training_income}。\n",
    }
    if inst.patents:
        files["patents.md"] = "全年申报专利{patents_filed}，获得专利受理通知书{patents_accepted}。\n"
    return files


def generate(n: int, years: list[int], root: Path) -> list[str]:
    """Write N institutions for `years` into the project tree `root`; returns their slugs."""
    if not 1 <= n <= MAX_N:
        raise ValueError(f"--n must be between 1 and {MAX_N}, got {n}")
    years = sorted(set(years))
    slugs = []
    for k in range(1, n + 1):
        inst = institution(k)
        data = root / "data" / "institutions" / inst.slug
        params = root / "params" / "institutions" / inst.slug
        approved = years[-1]
        write_reference(inst, data, approved)
        for year in years:
            facts = write_year(inst, data, year, approved)
            params.mkdir(parents=True, exist_ok=True)
            (params / f"{year}.yaml").write_bytes(params_text(inst, year, facts).encode("utf-8"))
            narrative = params / "narrative" / str(year)
            if narrative.exists():
                shutil.rmtree(narrative)
            narrative.mkdir(parents=True)
            for fname, text in narrative_files(inst, year).items():
                (narrative / fname).write_bytes(text.encode("utf-8"))
        slugs.append(inst.slug)
    return slugs


def clean(root: Path) -> list[str]:
    """Remove every generated institution (a `demo-NN` folder) under `root`; returns the paths removed."""
    removed = []
    for parent in (root / "data" / "institutions", root / "params" / "institutions"):
        if not parent.is_dir():
            continue
        for d in sorted(parent.iterdir()):
            if d.is_dir() and SLUG.fullmatch(d.name):
                shutil.rmtree(d)
                removed.append(d.relative_to(root).as_posix())
    return removed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m annualreport_dev.institutions", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, help=f"number of institutions to write (1-{MAX_N})")
    ap.add_argument(
        "--years", type=int, nargs="+", default=[2019, 2020, 2021], help="report years (default: 2019-2021)"
    )
    ap.add_argument("--root", type=Path, default=None, help="project tree to write into (default: the repository)")
    ap.add_argument("--clean", action="store_true", help="first remove every generated demo-NN institution")
    args = ap.parse_args(argv)
    if args.n is None and not args.clean:
        ap.error("give --n N (and --years), or --clean")
    if args.root is None:
        from annualreport.base.paths import repo_root

        args.root = repo_root()
    root = args.root.resolve()
    if args.clean:
        for rel in clean(root):
            print(f"removed {rel}")
    if args.n is not None:
        try:
            slugs = generate(args.n, args.years, root)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        print(
            f"wrote {len(slugs)} institutions ({slugs[0]}..{slugs[-1]}) for {', '.join(map(str, sorted(set(args.years))))}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
