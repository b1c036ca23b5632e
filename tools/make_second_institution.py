"""Writes the second, fictional institution (滨海示范职业学院, `binhai-demo`): a small college with its
own schools, majors, poverty counties, data for 2020 and a short narrative. It exists to prove that
nothing about the first college is built into the code: `make reports` builds it beside the demo.

    python tools/make_second_institution.py     (deterministic; the output is committed)

Its params and narrative (params/institutions/binhai-demo/) are written by hand. Many fictional colleges
at once: `python -m annualreport_dev.institutions` (src/annualreport_dev/institutions.py), which this
script shares its CSV writer and row builders with.
"""

from __future__ import annotations

import random
from pathlib import Path

from annualreport_dev.institutions import (
    ADMISSIONS_HEADER,
    GRADUATES_HEADER,
    MAJORS_HEADER,
    TRAINING_HEADER,
    admission_row,
    graduate_row,
    write_csv,
)

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


def main() -> None:
    rng = random.Random("binhai-demo-2020")
    write_csv(
        DATA / "reference" / "majors.csv",
        [
            MAJORS_HEADER,
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
        ADMISSIONS_HEADER,
    ]
    for i in range(80):
        adm.append(
            admission_row(
                rng, i, MAJORS, f"2013{i:010d}", f"13010220020101{i:04d}", ["河北", "天津", "山西"], "2020-08"
            )
        )
    adm.append(
        ["20130000000003", "重复学生", "130102200201019999", "男", "软件技术", "", "高职(专科)", "河北", "2020-08-30"]
    )  # a conflicting duplicate: quarantined
    write_csv(raw / "admissions.csv", adm, "gb18030")
    grad = [GRADUATES_HEADER]
    for i in range(60):
        grad.append(graduate_row(rng, i, MAJORS, f"2017{i:06d}", f"13010219990101{i:04d}", 2020, HOMES, "2020-08-31"))
    write_csv(raw / "graduates.csv", grad)
    train = [TRAINING_HEADER]
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
