"""Adding a stage and an input is a change to the stage declarations and the catalog, nothing else (and the
stage's own code): in a temporary copy of the project (its package included), a stage `brief` is declared that
reads the ledger and a new input, a template file; a build runs it after the figures, publishes its file, says
what it reads in `make plan`, and a change to the new input reruns that stage alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, copy_project

pytestmark = [pytest.mark.build, pytest.mark.slow]

STAGE_CODE = '''"""A one-line brief of the ledger: how many figures, in the words of a template."""

from annualreport.base.places import source_path


def write(params, at, options):
    template = source_path("brief_template", params).read_text(encoding="utf-8")
    ledger = at.read("ledger")
    at("brief").write_text(template.format(year=params.year, figures=len(ledger)), encoding="utf-8")
    return []
'''
ARTEFACT = '        Artefact("brief", "{work}/brief.txt", "a one-line brief of the ledger", published=True),\n'
INPUT = '        Source("brief_template", "{root}/templates/brief.txt", "the brief\'s words"),\n'
STEP = """    Step(
        "report.brief:write",
        (Stage("brief", "writes a one-line brief of the ledger", reads=("ledger", "brief_template"), writes=("brief",)),),
    ),
"""


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project), "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [sys.executable, "-m", "annualreport", *args], cwd=project, env=env, capture_output=True, text=True
    )


def lines(done: subprocess.CompletedProcess, status: str) -> set[str]:
    return {line.split()[1] for line in done.stdout.splitlines() if line.strip().startswith(status)}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("add-stage"), years=(2019, 2020))
    for year in (2019, 2020):
        shutil.copytree(ROOT / "data" / "raw" / str(year), project / "data" / "raw" / str(year))
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "requirements.lock", project / "requirements.lock")
    # the stage: its declaration, its catalog entries (its artefact and its new input), its code
    package = project / "src" / "annualreport"
    catalog = package / "base" / "catalog.py"
    text = catalog.read_text(encoding="utf-8")
    text = text.replace(
        '        Artefact(\n            "manifest",', ARTEFACT + '        Artefact(\n            "manifest",', 1
    )
    text = text.replace('        Delivered("raw",', INPUT + '        Delivered("raw",', 1)
    catalog.write_text(text, encoding="utf-8")
    stages = package / "runner" / "stages.py"
    text = stages.read_text(encoding="utf-8")
    assert text.rstrip().endswith("),\n)") or text.rstrip().endswith(")")
    stages.write_text(text.rstrip()[:-1] + STEP + ")\n", encoding="utf-8")
    (package / "report" / "brief.py").write_text(STAGE_CODE, encoding="utf-8")
    (project / "templates" / "brief.txt").write_text("{year}年报告共 {figures} 行台账。", encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def first(project):
    done = cli(project, "build", "--year", "2020", "--format", "html")
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_the_new_stage_runs_after_what_it_reads_and_its_file_is_published(project, first):
    ran = [line.split()[1] for line in first.stdout.splitlines() if line.strip().startswith("ran")]
    assert "brief" in ran and ran.index("brief") > ran.index("figures")
    brief = (project / "outputs" / "2020" / "brief.txt").read_text(encoding="utf-8")
    assert brief.startswith("2020年报告共 ") and brief.endswith(" 行台账。")
    manifest = (project / "outputs" / "2020" / "manifest.json").read_text(encoding="utf-8")
    assert '"brief.txt"' in manifest


def test_the_plan_and_the_docs_tables_know_it(project, first):
    done = cli(project, "plan", "--year", "2020", "--format", "html")
    assert done.returncode == 0 and "cached    brief" in done.stdout
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    table = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, 'tools'); import stage_table; print(stage_table.stage_table())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "| `brief` | driver | figures |" in table.stdout, table.stderr


def test_a_change_to_the_new_input_reruns_that_stage_alone(project, first):
    template = project / "templates" / "brief.txt"
    template.write_text("{year}年：{figures} 行。", encoding="utf-8")
    done = cli(project, "build", "--year", "2020", "--format", "html")
    assert done.returncode == 0, done.stderr
    assert lines(done, "ran") == {"brief"}
    assert "changed: templates/brief.txt" in done.stdout
    assert (project / "outputs" / "2020" / "brief.txt").read_text(encoding="utf-8").startswith("2020年：")
