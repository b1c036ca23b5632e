"""Writes the bad-input corpus (tests/ingest/bad_inputs/<case>/...) from a clean base. Run once by hand
(`python tests/ingest/bad_inputs/make_corpus.py`) when a case is added; the files are committed, so a
reader sees exactly what each test feeds the suite. Cases that cannot be committed (a 200 MB file,
a symbolic link leaving the repository) are made by the test itself."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TITLE = "2020年社会培训台账（继续教育学院）,,,,,,,,"
HEADER = "项目编号*,培训项目名称*,委托单位,开始日期*,结束日期,培训人数*,学时,到账收入（元）,备注"
ROWS = [
    'PX2020-101,退役军人职业技能培训,天津市教育委员会,2020-03-02,2020-04-30,60,48,"30,000.00",',
    "PX2020-102,创业能力培训,天津市职业技能培训研究室,2020-06-18,2020-07-15,121,24,65000,",
    "PX2020-103,企业新型学徒制培训,天津渤海轻工投资集团有限公司,2020-09-01,2020-12-20,80,120,12.5万,",
]


def gbk(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def with_row(i: int, old: str, new: str) -> list[str]:
    rows = list(ROWS)
    assert old in rows[i], (old, rows[i])
    rows[i] = rows[i].replace(old, new, 1)
    return [TITLE, HEADER, *rows]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    from annualreport.base.tables import normalise_zip

    return normalise_zip(buf.getvalue())


def cases() -> dict[str, dict[str, bytes]]:
    base = gbk([TITLE, HEADER, *ROWS])
    awards = (ROOT / "data" / "raw" / "2020" / "awards.xlsx").read_bytes()
    header = HEADER.split(",")
    out = {
        "base": {"training.csv": base},
        "empty_file": {"training.csv": b"\r\n\r\n,,,\r\n"},
        "header_only": {"training.csv": gbk([TITLE, HEADER])},
        "required_column_missing": {"training.csv": gbk([TITLE, HEADER.replace("培训人数*", "参训人次"), *ROWS])},
        "same_header_twice": {"training.csv": gbk([TITLE, HEADER.replace("学时", "培训人数"), *ROWS])},
        "wrong_delimiter": {
            "training.csv": gbk(
                [TITLE.replace(",", ";"), HEADER.replace(",", ";"), *(r.replace(",", ";") for r in ROWS)]
            )
        },
        "short_row": {"training.csv": gbk([TITLE, HEADER, ROWS[0], "PX2020-102,创业能力培训,2020-06-18", ROWS[2]])},
        "long_row": {"training.csv": gbk([TITLE, HEADER, ROWS[0], ROWS[1] + ",多余,字段", ROWS[2]])},
        "truncated_xlsx": {"awards.xlsx": awards[: len(awards) // 2]},
        "password_xlsx": {
            "awards.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 504
            + "EncryptedPackage".encode("utf-16-le")
            + b"\x00" * 1024
        },
        "damaged_xls": {"awards.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048},
        "junk_named_xlsx": {"awards.xlsx": bytes(range(256)) * 8},
        "zip_not_workbook": {"awards.xlsx": _zip({"hello.txt": b"not a workbook"})},
        # two office-named workbooks with the same headers: both candidates for awards (a renamed sheet is no
        # longer an error: it is recognised by its headers, tests/ingest/test_recognise.py)
        "two_candidates": {"2020年获奖情况（教务处）.xlsx": awards, "2020年获奖情况（团委）.xlsx": awards},
        "empty_sheet": {"awards.xlsx": xlsx({"获奖情况": []})},
        "gbk_undecodable_bytes": {
            "training.csv": base.replace("创业能力培训".encode("gb18030"), "创业".encode("gb18030") + b"\xff\xfe\xff")
        },
        "utf16_file": {"training.csv": ("\r\n".join([TITLE, HEADER, *ROWS]) + "\r\n").encode("utf-16")},
        "bom_in_the_middle": {
            "training.csv": (
                "\ufeff" + "\r\n".join([TITLE, HEADER, ROWS[0]]) + "\r\n\ufeff" + "\r\n".join(ROWS[1:]) + "\r\n"
            ).encode("utf-8")
        },
        "no_header_row": {"training.csv": gbk(["id,name,client,start,end,people,hours,income,note", *ROWS])},
        "both_csv_and_xlsx": {"training.csv": base, "training.xlsx": xlsx({"Sheet1": [header]})},
        "date_2020_02_30": {"training.csv": gbk(with_row(0, "2020-03-02", "2020-02-30"))},
        "wan_amount_unparseable": {"training.csv": gbk(with_row(2, "12.5万", "十二点五万"))},
        "negative_count": {"training.csv": gbk(with_row(1, ",121,", ",-121,"))},
        "duplicate_key_different_values": {
            "training.csv": gbk([TITLE, HEADER, *ROWS, ROWS[1].replace(",121,24,", ",90,24,")])
        },
        "id_with_a_letter": {
            "awards.xlsx": xlsx(
                {
                    "获奖情况": [
                        ["获奖人类型", "学号/工号", "获奖人", "赛事或荣誉名称", "级别", "奖项", "获奖日期"],
                        ["学生", "2019309277A", "江怡", "院级优秀共青团员", "院级", "荣誉称号", "2020-11-23"],
                    ]
                }
            )
        },
        "text_in_a_count": {"training.csv": gbk(with_row(0, ",60,", ",六十人,"))},
        "missing_required_value": {"training.csv": gbk(with_row(2, ",80,", ",,"))},
        "params_unknown_key": {
            "2020.yaml": "year: 2020\ninstitution: {name: 测试学院}\nbuid: {timeout_seconds: 60}\n".encode()
        },
        "params_wrong_type": {
            "2020.yaml": "year: 2020\ninstitution: {name: 测试学院}\nbuild: {timeout_seconds: ten}\n".encode()
        },
        "params_year_mismatch": {"2020.yaml": "year: 2021\ninstitution: {name: 测试学院}\n".encode()},
        "params_path_outside": {
            "2020.yaml": "year: 2020\ninstitution: {name: 测试学院}\npaths: {raw: ../../etc}\n".encode()
        },
        "params_not_yaml": {"2020.yaml": "year: 2020\ninstitution: [测试学院\n".encode()},
        "params_unknown_dataset": {
            "2020.yaml": "year: 2020\ninstitution: {name: 测试学院}\ndatasets: {trainings: {optional: true}}\n".encode()
        },
        "params_bad_cutoff": {
            "2020.yaml": 'year: 2020\ninstitution: {name: 测试学院}\nemployment_cutoff: "02-30"\n'.encode()
        },
    }
    return out


def _zip(members: dict[str, bytes]) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


if __name__ == "__main__":
    for case, files in cases().items():
        d = HERE / case
        if d.exists():
            shutil.rmtree(d)
        d.mkdir()
        for name, data in files.items():
            (d / name).write_bytes(data)
    print(f"wrote {len(cases())} folders under {HERE}")
