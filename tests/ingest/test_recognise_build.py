"""A year whose files carry the offices' own names builds: every 2020 demo raw file renamed office-style
("2020年admissions（办公室）.csv"), the 2020 report builds with the same figures as the demo's normal build
(the ledger's provenance names the files actually used), and `check-inputs` names the mapping."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, copy_project

OFFICE_NAMES = {
    "admissions": "2020年招生录取名单（招生就业处）",
    "graduates": "2020届毕业生就业去向统计表（招生就业处）",
    "safety": "保卫处2020年安全台账",
    "staff": "人事处-2020年度人事台账",
}


def office_name(path: Path) -> str:
    return OFFICE_NAMES.get(path.stem, f"2020年{path.stem}台账（办公室）") + path.suffix


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project), "ANNUALREPORT_SALT": "test"}
    return subprocess.run(
        [sys.executable, "-m", "annualreport", *args], cwd=project, env=env, capture_output=True, text=True, timeout=900
    )


@pytest.mark.build
def test_office_named_files_build_the_same_figures(tmp_path, demo_project):
    project = copy_project(tmp_path / "p", years=(2019, 2020))
    shutil.copytree(ROOT / "data" / "raw" / "2019", project / "data" / "raw" / "2019")
    raw = project / "data" / "raw" / "2020"
    raw.mkdir(parents=True)
    renamed = {}
    for f in sorted((ROOT / "data" / "raw" / "2020").iterdir()):
        shutil.copy(f, raw / office_name(f))
        renamed[f.name] = office_name(f)
    assert not any((raw / old).exists() for old in renamed)

    proc = cli(project, "check-inputs", "--year", "2020")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "data/raw/2020/2020年招生录取名单（招生就业处）.csv" in out and "by headers: 9 of 9 columns" in out
    assert "data/raw/2020/人事处-2020年度人事台账.xlsx [专家与特派员]" in out
    assert "data/raw/2020/保卫处2020年安全台账.xlsx [隐患整改]" in out
    assert "by name" in out  # the reference tables keep their contract names
    assert "matched no dataset" not in out and "19 of 19 files usable" in out

    proc = cli(project, "build", "--year", "2020", "--format", "html", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    figures = (project / "outputs" / "2020" / "figures.csv").read_text(encoding="utf-8-sig")
    for old, new in renamed.items():
        assert f"data/raw/2020/{old}" not in figures  # provenance names the file actually used
        figures = figures.replace(f"data/raw/2020/{new}", f"data/raw/2020/{old}")
    expected = (demo_project / "outputs" / "2020" / "figures.csv").read_text(encoding="utf-8-sig")
    assert figures == expected  # same bytes once the file names are mapped back

    # a second candidate for a dataset: check-inputs and the build stop, naming both files
    shutil.copy(raw / "2020年招生录取名单（招生就业处）.csv", raw / "录取名单（补录）.csv")
    proc = cli(project, "check-inputs", "--year", "2020")
    assert proc.returncode == 1 and "AMBIGUOUS" in proc.stdout, proc.stdout
    assert "2020年招生录取名单（招生就业处）.csv" in proc.stdout and "录取名单（补录）.csv" in proc.stdout
    proc = cli(project, "build", "--year", "2020", "--format", "html", "-q")
    assert proc.returncode != 0
    err = proc.stdout + proc.stderr
    assert "two files look like dataset 'admissions'" in err and "录取名单（补录）.csv" in err, err[-3000:]
