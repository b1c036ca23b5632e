"""A college whose IDs use letters (工号 G00001, 学号 S00067): the demo's 2020 files with their ID columns
rewritten, in a temporary copy of the project. With its formats set in the params (`conventions:`) the
year builds and its figures are the demo's; with the demo college's formats (7-digit 工号 ...) the run
stops with one convention-mismatch message instead of quarantining whole files."""

from __future__ import annotations

import csv
import io
import re
import shutil

import openpyxl
import pytest

from annualreport.base.errors import ReportError
from annualreport.base.params import load_params
from annualreport.base.places import places
from annualreport.figures.compute import compute_all
from annualreport.ingest import normalize as nz
from annualreport.runner.driver import build
from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.build

# (file, sheet or None, header, kind): the ID columns to rewrite; kind picks the new form.
ID_COLUMNS = [
    ("staff.xlsx", "人员变动", ("工号", "职工号", "教工号"), "G"),
    ("staff.xlsx", "专家与特派员", ("工号", "职工号", "教工号"), "G"),
    ("awards.xlsx", None, ("学号/工号",), "by_length"),
    ("graduates.xlsx", None, ("学号",), "S"),
    ("online_courses.csv", None, ("主讲教师工号",), "G"),
    ("research_projects.csv", None, ("负责人工号",), "G"),
]
OLD = {"G": r"\d{6,8}", "S": r"\d{10,12}"}  # what the demo college writes (well-formed values only)
CONVENTIONS = """\
conventions:
  staff_id: 'G\\d{5}'
  teacher_id: 'G\\d{5}'
  lead_id: 'G\\d{5}'
  student_id: 'S\\d{5}'
  major_code: '\\d{6}'
  term: '\\d{4}-\\d{4}-[12]'
"""


class Renamer:
    """Old ID -> new ID, one-to-one (so distinct counts, keys and duplicates stay as they were);
    values not in the old form (the demo's planted bad IDs) are left as they are, still bad."""

    def __init__(self):
        self.new: dict[str, str] = {}

    def __call__(self, value, kind: str):
        old = nz.text(value)
        if kind == "by_length":
            kind = "S" if len(old) >= 10 else "G"
        if not re.fullmatch(OLD[kind], old):
            return value
        key = f"{kind}:{old}"
        if key not in self.new:
            self.new[key] = f"{kind}{sum(k.startswith(kind) for k in self.new) + 1:05d}"
        return self.new[key]


def _header_index(rows, names) -> tuple[int, int]:
    for r, row in enumerate(rows[:30]):
        cells = [nz.header(c) for c in row]
        for n in names:
            if n in cells:
                return r, cells.index(n)
    raise AssertionError(f"no header {names}")


def rewrite_ids(raw_dir) -> Renamer:
    rename = Renamer()
    for file, sheet, names, kind in ID_COLUMNS:
        path = raw_dir / file
        if path.suffix == ".xlsx":
            wb = openpyxl.load_workbook(path)
            ws = wb[sheet] if sheet else wb.worksheets[0]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            h, c = _header_index(rows, names)
            for r in range(h + 1, len(rows)):
                cell = ws.cell(row=r + 1, column=c + 1)
                if not nz.is_blank(cell.value):
                    cell.value = rename(cell.value, kind)
            wb.save(path)
        else:
            data = path.read_bytes()
            encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
            rows = list(csv.reader(io.StringIO(data.decode(encoding), newline="")))
            h, c = _header_index(rows, names)
            for row in rows[h + 1 :]:
                if c < len(row) and not nz.is_blank(row[c]):
                    row[c] = rename(row[c], kind)
            out = io.StringIO(newline="")
            csv.writer(out, lineterminator="\r\n" if b"\r\n" in data else "\n").writerows(rows)
            path.write_bytes(out.getvalue().encode(encoding))
    return rename


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    dest = copy_project(tmp_path_factory.mktemp("letter-ids"), years=(2020,))
    shutil.copytree(ROOT / "data" / "raw" / "2020", dest / "data" / "raw" / "2020")
    renamed = rewrite_ids(dest / "data" / "raw" / "2020")
    assert {k[0] for k in renamed.new} == {"G", "S"} and len(renamed.new) > 1000
    return dest


def set_conventions(project, block: str | None) -> None:
    path = project / "params" / "2020.yaml"
    text = (ROOT / "params" / "2020.yaml").read_text(encoding="utf-8")
    if block is not None:
        text = re.sub(r"\nconventions:\n(?:  .*\n)+", lambda _: "\n" + block, text, count=1)
        assert block in text
    path.write_text(text, encoding="utf-8")


def test_without_the_colleges_formats_the_run_stops_with_the_mismatch_message(project, monkeypatch):
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    set_conventions(project, None)  # the demo college's: 7-digit 工号, the contract's 学号
    with pytest.raises(ReportError) as info:
        build(2020, root=project, clean_only=True)
    msg = str(info.value)
    assert "fail the same rule bad_id" in msg and "convention mismatch" in msg, msg
    assert re.search(r"set conventions\.(staff_id|student_id|teacher_id|lead_id) to the college's own format", msg)
    assert not re.search(r"[GS]\d{5}", msg)  # sample IDs are masked


def test_with_its_formats_in_the_params_the_year_builds_and_its_figures_are_the_demos(
    project, monkeypatch, cleaned_years
):
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    set_conventions(project, CONVENTIONS)
    build(2020, root=project, formats=("html",))
    params = load_params(project / "params" / "2020.yaml", project)
    ledger = places(params).read("ledger")
    computed = ledger[ledger["kind"] == "computed"].set_index("id")["value"].astype(str)
    demo = compute_all(cleaned_years[2020].frames, 2020, root=ROOT).set_index("id")["value"].astype(str)
    assert computed.to_dict() == demo.to_dict()
    quarantine = places(params).read("accounting").set_index("dataset")
    demo_acc = {n: r.accounting for n, r in cleaned_years[2020].results.items()}
    for name in ("staff_changes", "experts", "awards", "graduates", "online_courses", "research_projects"):
        assert quarantine.loc[name, "clean_rows"] == demo_acc[name].clean_rows, name
