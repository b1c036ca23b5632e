"""Adding an office dataset is local: the steps of docs/architecture.md ("Adding an office dataset"),
followed in a temporary copy of the project, build a report that shows the new figure; the params of
other years need no edit (a dataset they do not list is absent there, said once)."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from annualreport.base.params import load_params
from annualreport.base.places import places
from annualreport.runner.driver import build
from annualreport.runner.scheduler import Build, Options
from annualreport.typeset.pages import visible_text
from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.build

SPEC = """\
name: library_loans
title: 图书借阅台账
office: 图书馆
file: library_loans
min_rows: 1
columns:
  - {header: 借阅日期, name: loaned_on, type: date, required: true, range: year}
  - {header: 书名, name: book, type: text, required: true}
  - {header: 册数, name: copies, type: int, required: true, min: 0}
"""

FIGURES = """\
figures:
  - id: library_copies_loaned
    section: 一(九)
    label: 图书借阅册数
    dataset: library_loans
    where: {loaned_on: {within: year}}
    measure: {sum: copies}
    unit: 册
    description: sum of copies loaned in the year
"""

RAW = "借阅日期,书名,册数\n2020-03-02,机械设计基础,3\n2020-05-18,食品化学,4\n2020-11-09,包装设计,5\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    dest = copy_project(tmp_path_factory.mktemp("add-dataset"), years=(2019, 2020))
    for year in (2019, 2020):
        shutil.copytree(ROOT / "data" / "raw" / str(year), dest / "data" / "raw" / str(year))
    # 1. the spec  2. the suite  3. a figure, referred to in the prose  4. the raw file, listed in one year
    (dest / "specs" / "datasets" / "library_loans.yaml").write_text(SPEC, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "annualreport_dev.suitegen", "library_loans", "--write"],
        env={**os.environ, "ANNUALREPORT_ROOT": str(dest)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and (dest / "expectations" / "library_loans.json").is_file(), done.stderr

    (dest / "specs" / "figures" / "library.yaml").write_text(FIGURES, encoding="utf-8")
    body = dest / "params" / "narrative" / "2020" / "construction.md"
    body.write_text(
        body.read_text(encoding="utf-8").rstrip("\n") + "图书馆全年借出图书{library_copies_loaned}册。\n",
        encoding="utf-8",
    )
    (dest / "data" / "raw" / "2020" / "library_loans.csv").write_text(RAW, encoding="utf-8-sig")
    params = dest / "params" / "2020.yaml"
    text = params.read_text(encoding="utf-8")
    assert "\ndatasets:\n" in text
    params.write_text(
        text.replace("\ndatasets:\n", "\ndatasets:\n  library_loans: {expected_rows: [1, 100]}\n", 1), encoding="utf-8"
    )
    return dest


def test_the_new_dataset_builds_into_the_report(project, monkeypatch):
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    result = build(2020, root=project, formats=("html",))
    at = places(load_params(project / "params" / "2020.yaml", project))
    ledger = at.read("ledger").set_index("id")
    assert ledger.loc["library_copies_loaned", "value"] == "12"
    assert "library_loans.csv" in ledger.loc["library_copies_loaned", "inputs"]
    assert "图书馆全年借出图书12册" in visible_text(result.report.read_text(encoding="utf-8"))
    # the year before does not list it: its figure is absent there, and nothing else changed
    previous = at.read("previous").set_index("id")
    assert previous.loc["library_copies_loaned", "value"] == ""


def test_other_years_params_need_no_edit_and_the_build_says_so_once(project, monkeypatch):
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    assert (
        "library_loans"
        not in yaml.safe_load((project / "params" / "2019.yaml").read_text(encoding="utf-8"))["datasets"]
    )
    run = Build(load_params(project / "params" / "2019.yaml", project), Options(dry_run=True))
    notes = [n for n in run.notes if "library_loans" in n]
    assert len(notes) == 1 and "absent this year" in notes[0]


def test_the_command_line_says_it_once(project):
    done = subprocess.run(
        [sys.executable, "-m", "annualreport", "plan", "--year", "2019"],
        env={**os.environ, "ANNUALREPORT_ROOT": str(project)},
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("library_loans") == 1 and "absent this year" in done.stdout
