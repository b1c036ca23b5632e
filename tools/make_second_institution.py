"""Writes the second, fictional institution (滨海示范职业学院, `binhai-demo`): a small college with its
own schools, majors, poverty counties, data for 2020 and a short narrative. It exists to prove that
nothing about the first college is built into the code: `make reports` builds it beside the demo.

    python tools/make_second_institution.py     (deterministic; the output is committed)
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "binhai-demo"
DATA = ROOT / "data" / "institutions" / NAME
PARAMS = ROOT / "params" / "institutions" / NAME
MAJORS = [
    ("510201", "计算机应用技术", "信息工程系", "数字技术"),
    ("510203", "软件技术", "信息工程系", "数字技术"),
    ("530302", "大数据与会计", "商务管理系", "现代商务"),
    ("530701", "电子商务", "商务管理系", "现代商务"),
    ("460301", "机电一体化技术", "智能制造系", "智能制造"),
]
COUNTIES = [("河北省", "阜平县"), ("河北省", "涞源县"), ("山西省", "五台县")]
HOMES = ["河北省阜平县", "河北省黄骅市", "山西省五台县", "天津市滨海新区", "阜平县"]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def main() -> None:
    rng = random.Random("binhai-demo-2020")
    write_csv(
        DATA / "reference" / "majors.csv",
        [
            ["专业代码", "专业名称", "二级学院", "专业群", "状态", "批准年份"],
            *[
                [c, m, s, g, "新增" if c == "510203" else "在招", 2020 if c == "510203" else 2012]
                for c, m, s, g in MAJORS
            ],
        ],
    )
    write_csv(DATA / "reference" / "poverty_counties.csv", [["省份", "县区"], *COUNTIES])
    raw = DATA / "raw" / "2020"
    adm = [
        ["2020年招生录取名单（招生办）"],
        ["考生号", "姓名", "身份证号", "性别", "录取专业", "二级学院", "培养层次", "生源地", "录取日期"],
    ]
    for i in range(80):
        _, m, _, _ = rng.choice(MAJORS)
        adm.append(
            [
                f"2013{i:010d}",
                f"学生{i:03d}",
                f"13010220020101{i:04d}",
                rng.choice("男女"),
                m,
                "",
                "高职(专科)",
                rng.choice(["河北", "天津", "山西"]),
                f"2020-08-{rng.randint(1, 20):02d}",
            ]
        )
    adm.append(
        ["20130000000003", "重复学生", "130102200201019999", "男", "软件技术", "", "高职(专科)", "河北", "2020-08-30"]
    )  # a conflicting duplicate: quarantined
    write_csv(raw / "admissions.csv", adm, "gb18030")
    grad = [["学号", "姓名", "身份证号", "专业", "二级学院", "毕业年份", "生源县", "就业状态", "就业单位", "统计日期"]]
    for i in range(60):
        _, m, _, _ = rng.choice(MAJORS)
        status = rng.choices(["协议就业", "劳动合同就业", "升学", "灵活就业", "待就业"], [4, 4, 2, 2, 1])[0]
        grad.append(
            [
                f"2017{i:06d}",
                f"毕业生{i:03d}",
                f"13010219990101{i:04d}",
                m,
                "",
                2020,
                rng.choice(HOMES),
                status,
                "" if status == "待就业" else "某公司",
                "2020-08-31",
            ]
        )
    write_csv(raw / "graduates.csv", grad)
    train = [["项目编号", "培训项目名称", "委托单位", "开始日期", "结束日期", "培训人数", "学时", "到账收入（元）"]]
    for i, (title, n, money) in enumerate(
        [
            ("数字技能提升培训", 120, "36000"),
            ("电商直播培训", 80, "2.4万"),
            ("企业新型学徒制培训", 45, "54,000.00"),
            ("退役军人技能培训", 60, "0"),
        ]
    ):
        train.append(
            [f"BH2020-{i + 1:03d}", title, "滨海新区人社局", f"2020-0{i + 3}-01", f"2020-0{i + 4}-15", n, 32, money]
        )
    write_csv(raw / "training.csv", train)
    print(f"wrote {DATA.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
