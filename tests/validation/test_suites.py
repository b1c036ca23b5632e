"""Every suite on the demo data: loaded whole, passing for every demo year, and each one's gate
stops the run when one of its blocking expectations breaks."""

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from annualreport.base.errors import ValidationFailed
from annualreport.ingest.specs import load_specs
from annualreport.validation.gate import gate
from annualreport.validation.run import summarise, validate_frame
from annualreport.validation.suites import spec_parameters, suite_files, suite_parameters
from tests.helpers import ROOT, copy_project

YEARS = (2019, 2020, 2021)


@pytest.fixture(scope="module")
def frames(cleaned_years):
    """(params, {dataset: clean frame}) of every demo year, from the session's cleaned demo years."""
    return {year: (cleaned_years[year].params, cleaned_years[year].frames) for year in YEARS}


def run(params, name, frame, all_frames):
    suite = suite_files(ROOT)[name]
    return pd.DataFrame(
        summarise(name, validate_frame(suite, frame, suite_parameters(params, name, all_frames)), suite)
    )


@pytest.mark.slow  # every suite on every dataset: ~3-4 s a year
@pytest.mark.parametrize("year", YEARS)
def test_demo_years_pass_with_no_blocking_failure(frames, year):
    params, fs = frames[year]
    summary = pd.concat([run(params, n, f, fs) for n, f in fs.items()])
    gate(summary, allow_warnings=True)
    assert len(summary) > 50


def test_the_demo_plants_a_warning_the_report_shows(frames):
    params, fs = frames[2021]
    summary = run(params, "graduates", fs["graduates"], fs)
    failed = summary[~summary["success"]]
    assert list(failed["severity"]) == ["warning"] and "统计日期" in failed["description"].iloc[0]
    with pytest.raises(ValidationFailed, match="warnings not allowed"):
        gate(summary, allow_warnings=False)


def test_non_empty_datasets_require_rows():
    specs = load_specs(ROOT)
    for name, suite in suite_files(ROOT).items():
        mins = [
            spec_parameters(specs[name], {})["min_rows"]
            for e in suite.expectations
            if e["type"] == "expect_table_row_count_to_be_between"
            and e["meta"]["severity"] == "blocking"
            and e["kwargs"].get("min_value") == {"$PARAMETER": "min_rows"}
        ]
        if specs[name].min_rows >= 1:
            assert mins and max(mins) >= 1, f"{name}: an empty table would pass vacuously"


@pytest.mark.parametrize("name", sorted(load_specs(ROOT)))
def test_breaking_a_blocking_expectation_stops_the_run(frames, name):
    params, fs = frames[2020]
    broken = fs[name].copy()
    broken["office_added_column"] = "x"  # the columns no longer match the contract
    summary = run(params, name, broken, fs)
    with pytest.raises(ValidationFailed, match=rf"{name}: expect_table_columns_to_match_set"):
        gate(summary, allow_warnings=True)


@pytest.mark.slow  # a `python -m annualreport validate` subprocess: ~7 s
def test_make_validate_exits_non_zero_and_leaves_the_report(tmp_path):
    project = copy_project(tmp_path / "p", years=(2020,))
    shutil.copytree(ROOT / "data" / "raw" / "2020", project / "data" / "raw" / "2020")
    report = project / "outputs" / "2020" / "report.html"
    report.parent.mkdir(parents=True)
    report.write_text("earlier report", encoding="utf-8")
    params = project / "params" / "2020.yaml"
    params.write_text(
        params.read_text(encoding="utf-8").replace(
            "admissions: {expected_rows: [3000, 6000]}", "admissions: {expected_rows: [5000, 6000]}"
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project)}
    proc = subprocess.run(
        [sys.executable, "-m", "annualreport", "validate", "--year", "2020"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "error: 20-validate: ValidationFailed: validation failed, blocking: admissions: "
        "expect_table_row_count_to_be_between"
    ), last
    assert "build/2020/work/validation.html" in last
    assert report.read_text(encoding="utf-8") == "earlier report"
    assert (project / "build" / "2020" / "work" / "validation.html").exists()
