"""A small workbook as offices fill one in, for the tests of the workbook formats: a sheet of awards (获奖名单)
with a merged title row, a header over two rows (merged group cells 获奖人信息 and 获奖信息 above the column
names, one of them typed over two lines), IDs and dates typed as numbers, as dates (with their formats) and as
text, a blank row, a row with a level outside the list (quarantined) and two note rows (合计, 填表人); and a sheet
of survey answers (问卷) whose 提交时间 is typed as date-times and as text in the contract's forms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

AWARDS = [  # 获奖人类型, 学号/工号, 获奖人, 赛事或荣誉名称, 级别, 奖项, 获奖日期 (value, number format)
    ("学生", 2019309277, "江一", "技能大赛", "市级", "一等奖", (dt.datetime(2020, 5, 16), "yyyy-mm-dd")),
    ("学生", "2019562984", "朱二", "技能大赛", "市级", "二等奖", (dt.datetime(2020, 5, 17), 'yyyy"年"m"月"d"日"')),
    ("教师", "164079", "方三", "教学能手", "院级", "荣誉称号", ("2020/6/1", None)),
    ("学生", "２０１８２５７６４２", "任四", "创新创业大赛", " 市级 ", "铜奖", ("2020年6月2日", None)),
    ("学生", 20174172466, "魏五", "创新创业大赛", "市级", "银奖", ("20200902", "@")),
    ("学生", 20183211937, "方六", "挑战杯", "市级", "优秀奖", (44075, None)),  # a date serial, General
    ("教师", 164080, "孙七", "教学能手", "院级", "荣誉称号", (dt.datetime(2020, 9, 3, 14, 30), "yyyy/m/d h:mm")),
    ("学生", "2018321194", "周八", "挑战杯", "省级", "金奖", ("2020.9.4", None)),  # 省级: not a level
    ("学生", "2018321195", "吴九", "挑战杯", "国家级", "金奖", ("2020-09-05 08:05:09", None)),
]
AWARD_HEADER = ["获奖人类型*", "学号/工号*", "获奖人", "赛事或荣誉名称*", "级别*", "奖项", "获奖\n日期*"]
GROUPS = [("获奖人信息", 1, 3), ("获奖信息", 4, 7)]

SURVEY = [  # 问卷编号, 二级学院, 总体满意度, 提交时间 (value, number format)
    ("2020000001", "电子信息工程学院", "非常满意", (dt.datetime(2020, 6, 9, 10, 16, 5), "yyyy/m/d h:mm:ss")),
    (2020000002, "经济管理学院", "满意", ("2020-05-12 12:24:30", None)),
    ("2020000003", "机械工程学院", "基本满意", ("2020/5/3 9:05", None)),
    ("2020000004", "经济管理学院", "满意", ("2020.05.17 14:01", None)),
    ("2020000005", "新能源工程学院", "非常 满意", ("2020年6月16日 15:08", None)),
    ("2020000006", "新能源工程学院", "不满意", ("2020-06-16 25:61", None)),  # no such time: quarantined
]
SURVEY_HEADER = ["问卷编号*", "二级学院", "总体满意度*", "提交时间"]


def _put(ws, row: int, values, fmt_last) -> None:
    for c, v in enumerate(values, start=1):
        ws.cell(row=row, column=c, value=v)
    value, fmt = fmt_last
    cell = ws.cell(row=row, column=len(values) + 1, value=value)
    if fmt:
        cell.number_format = fmt


def write_book(path: Path) -> Path:
    """Write the workbook (.xlsx) at `path`."""
    wb = Workbook()
    ws = wb.active
    ws.title = "获奖名单"
    ws.append(["2020年师生获奖情况统计表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(AWARD_HEADER))
    for name, first, last in GROUPS:
        ws.cell(row=2, column=first, value=name)
        ws.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last)
    for c, h in enumerate(AWARD_HEADER, start=1):
        ws.cell(row=3, column=c, value=h)
    row = 4
    for n, r in enumerate(AWARDS):
        if n == 4:  # a blank row among the data
            row += 1
        _put(ws, row, r[:-1], r[-1])
        row += 1
    ws.cell(row=row, column=1, value=f"合计：{len(AWARDS)}项")
    ws.cell(row=row + 1, column=1, value="填表人：李老师")

    ws = wb.create_sheet("问卷")
    ws.append(["2020年线上教学学生满意度调查结果"])
    ws.append([])
    ws.append(SURVEY_HEADER)
    for n, r in enumerate(SURVEY):
        _put(ws, 4 + n, r[:-1], r[-1])
    ws.cell(row=4 + len(SURVEY), column=1, value=f"合计：{len(SURVEY)}份")
    wb.save(path)
    return path
