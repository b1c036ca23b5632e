"""Corrections back to the offices: outputs/<year>/corrections/<office>.xlsx (issue 15, item 4)."""

from __future__ import annotations

import io
import json
import shutil

import pytest

from annualreport.ingest.specs import load_specs
from annualreport.validation.corrections import COLUMNS, SHEET, workbook_bytes
from annualreport.validation.reasons import fix_zh
from tests.helpers import ROOT, copy_project
from tests.validation.test_auditor_page import ENGLISH, _raw_person_ids

LINE = ["国际交流（international_events）", "data/raw/2020/x.csv", "", 6, "日期", "2019-12-28", "原因", "规则", "建议"]


def _sheet(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))[SHEET]


def test_workbook_has_chinese_headers_frozen_header_filters_and_widths():
    ws = _sheet(workbook_bytes([LINE, [*LINE[:5], "=1+1", *LINE[6:]]]))
    assert [c.value for c in ws[1]] == [h for h, _ in COLUMNS]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:I3"
    assert ws.column_dimensions["G"].width == dict(COLUMNS)["问题"]
    assert ws["D2"].value == 6
    assert ws["F3"].value == "=1+1" and ws["F3"].data_type == "s"  # text, not a formula


def test_workbook_bytes_are_reproducible():
    assert workbook_bytes([LINE]) == workbook_bytes([LINE])


def test_every_rule_has_an_instruction():
    from annualreport.ingest.sheet import RULES

    for rule in RULES:
        assert fix_zh(rule) != fix_zh("unknown"), rule


def _office_files(outputs):
    folder = outputs / "corrections"
    return {p.stem: p for p in sorted(folder.glob("*.xlsx"))} if folder.is_dir() else {}


@pytest.mark.build
def test_demo_corrections_list_every_quarantined_row_by_office(demo_project):
    outputs = demo_project / "outputs" / "2020"
    files = _office_files(outputs)
    specs = load_specs(ROOT)
    expected: dict[str, int] = {}
    for acc in _accounting(outputs):
        if int(acc["quarantined_rows"]):
            office = specs[acc["dataset"]].office
            expected[office] = expected.get(office, 0) + int(acc["quarantined_rows"])
    assert expected and set(files) == set(expected)
    manifest = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    ids = _raw_person_ids(2020)
    for office, path in files.items():
        assert f"corrections/{path.name}" in manifest["outputs_sha256"]
        ws = _sheet(path.read_bytes())
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(rows) == expected[office], office
        for row in rows:
            assert all(row[i] not in (None, "") for i in (0, 1, 3, 6, 7, 8)), row
            assert not ENGLISH.search(row[6]), row
            assert str(row[5] or "") not in ids, row  # persons' IDs masked
    assert any(r[5] and "*" in r[5] for r in _sheet(files["招生就业处"].read_bytes()).iter_rows(values_only=True))


def _accounting(outputs):
    import csv

    with open(outputs / "row_accounting.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.build
def test_office_fixes_its_rows_and_its_corrections_file_goes(demo_project, tmp_path, monkeypatch):
    """A rebuild gives the same bytes; after 国际交流处 re-delivers its file fixed, its workbook is
    gone and the review copy's 附：数据质量 no longer lists its quarantined rows."""
    from annualreport.runner.driver import build

    project = copy_project(tmp_path / "p", years=(2019, 2020))
    for year in (2019, 2020):
        shutil.copytree(ROOT / "data" / "raw" / str(year), project / "data" / "raw" / str(year))
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    build(2020, root=project, formats=("html",))
    outputs = project / "outputs" / "2020"
    before = {k: p.read_bytes() for k, p in _office_files(outputs).items()}
    assert before == {k: p.read_bytes() for k, p in _office_files(demo_project / "outputs" / "2020").items()}
    assert "国际交流处" in before
    assert "国际交流处" in _open_items(outputs)

    raw = project / "data" / "raw" / "2020" / "international_events.csv"
    lines = raw.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    assert lines[5].startswith("2019-12-28,") and ",-120," in lines[11] and ',,"8,460"' in lines[16]
    lines[11] = lines[11].replace(",-120,", ",120,")  # the value corrected
    lines[16] = lines[16].replace(',,"8,460"', ',分论坛（线上直播）,"8,460"')  # the missing field filled
    del lines[5]  # not this year's: deleted, as the instruction says
    raw.write_text("\ufeff" + "".join(lines), encoding="utf-8")
    build(2020, root=project, formats=("html",))
    after = {k: p.read_bytes() for k, p in _office_files(outputs).items()}
    assert "国际交流处" not in after
    assert after == {k: v for k, v in before.items() if k != "国际交流处"}
    manifest = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    assert not any("国际交流处" in name for name in manifest["outputs_sha256"])
    assert "国际交流处" not in _open_items(outputs)


def _open_items(outputs) -> str:
    """The review copy's table of what remains open per office (附：数据质量)."""
    html = (outputs / "review.html").read_text(encoding="utf-8")
    start = html.index("请各处室核对或重新报送的数据")
    return html[start : html.index("</table>", start)]
