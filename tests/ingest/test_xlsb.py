""".xlsb as calamine needs it (ingest/xlsb.py): cells written in the short form (SheetJS, Aspose) are read whole,
and merged ranges come from the sheet's records."""

from __future__ import annotations

import shutil
import zipfile

from annualreport.ingest import xlsb
from annualreport.ingest.readers import read_xlsx
from tests.helpers import ROOT
from tests.ingest.convert import convert
from tests.ingest.formatbook import AWARD_HEADER, write_book


def record(kind: int, payload: bytes) -> bytes:
    return xlsb.encode_varint(kind) + xlsb.encode_varint(len(payload)) + payload  # both 7-bit varints


def col(n: int) -> bytes:
    return n.to_bytes(4, "little")


STYLE = b"\x00\x00\x00\x00"  # iStyleRef and flags


def test_short_cells_get_their_column_back():
    row = b"\x00" * 25  # a BrtRowHdr payload
    data = b"".join([
        record(xlsb.ROW_HEADER, row),
        record(0x07, col(0) + STYLE + col(3)),  # BrtCellIsst, column 0, string 3
        record(0x12, STYLE + col(4)),  # BrtShortIsst: column 1
        record(0x10, STYLE + b"\x00" * 8),  # BrtShortReal: column 2
        record(xlsb.ROW_HEADER, row),
        record(0x05, col(5) + STYLE + b"\x00" * 8),  # BrtCellReal, column 5
        record(0x0C, STYLE),  # BrtShortBlank: column 6
        record(0x92, b""),  # BrtEndSheetData
    ])  # fmt: skip
    fixed = xlsb.full_cells(data)
    cells = [(k, int.from_bytes(fixed[b : b + 4], "little")) for k, _, b, _ in xlsb.records(fixed) if k in range(1, 19)]
    assert cells == [(0x07, 0), (0x07, 1), (0x05, 2), (0x05, 5), (0x01, 6)]
    assert xlsb.full_cells(fixed) is None  # nothing short left; a part with none is not rewritten


def test_an_excel_made_xlsb_is_read_as_it_is():
    assert xlsb.conformed(ROOT / "tests" / "ingest" / "fixtures" / "excel-made.xlsb") is None


def test_a_sheetjs_xlsb_is_read_whole_with_its_merges(tmp_path):
    made = convert(write_book(tmp_path / "台账.xlsx"), ".xlsb", tmp_path / "converted", "sheetjs")
    with zipfile.ZipFile(made) as z:  # SheetJS writes short cells: without the rewrite, one column wide
        assert any(xlsb.full_cells(z.read(n)) is not None for n in z.namelist() if n.startswith("xl/worksheets/"))
    rows = dict(read_xlsx(made, made.name, "获奖名单").rows)
    assert [str(c).replace("\n", "") for c in rows[3]] == [h.replace("\n", "") for h in AWARD_HEADER]
    assert rows[4][:6] == ["学生", 2019309277, "江一", "技能大赛", "市级", "一等奖"]
    last = len(AWARD_HEADER) - 1
    assert sorted(xlsb.merges(made)["获奖名单"]) == [((0, 0), (0, last)), ((1, 0), (1, 2)), ((1, 3), (1, last))]
    assert xlsb.merges(made)["问卷"] == []
    renamed = tmp_path / "台账.xlsx"  # the same bytes under an .xlsx name read the same
    shutil.copy(made, renamed)
    assert dict(read_xlsx(renamed, renamed.name, "获奖名单").rows) == rows
