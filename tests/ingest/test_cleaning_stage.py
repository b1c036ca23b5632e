"""The clean stage's file checks: missing, optional, empty, too large, links leaving the repo."""

import os
import re
import shutil

import pytest

from annualreport.base.errors import InputError
from annualreport.base.params import load_params
from annualreport.figures.compute import NOT_DELIVERED, compute_all
from annualreport.ingest.year import clean_year
from annualreport_dev.demo.generate import generate
from tests.helpers import ROOT, copy_project


@pytest.fixture()
def project(tmp_path):
    dest = copy_project(tmp_path / "p", years=(2020,))
    shutil.copytree(ROOT / "data" / "raw" / "2020", dest / "data" / "raw" / "2020")
    return dest


def params(project):
    return load_params(project / "params" / "2020.yaml", root=project)


def test_missing_required_file_names_the_file_and_the_office(project):
    (project / "data" / "raw" / "2020" / "graduates.xlsx").unlink()
    with pytest.raises(InputError) as exc:
        clean_year(params(project), project / "stage")
    assert "data/raw/2020" in str(exc.value)
    assert "expected graduates.csv or graduates.xlsx (or .xls, .xlsb, .ods) (毕业生就业去向, from 招生就业处)" in str(
        exc.value
    )


def test_optional_dataset_may_be_missing_and_its_figures_say_no_data(project):
    (project / "data" / "raw" / "2020" / "graduates.xlsx").unlink()
    p = params(project)
    data = p.data["datasets"]
    data["graduates"] = {"optional": True}
    results = clean_year(p, project / "stage")
    assert "graduates" not in results and "admissions" in results
    ledger = compute_all({k: r.frame for k, r in results.items()}, 2020, root=project).set_index("id")
    assert ledger.loc["employment_rate_initial", "wording"] == "无数据"
    assert ledger.loc["employment_rate_initial", "note"] == NOT_DELIVERED


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_bytes(b""), "is empty (0 bytes)"),
        (lambda p: (p.unlink(), os.symlink("/etc/hostname", p)), "is a link to a file outside the repository"),
    ],
)
def test_unusable_files_are_refused(project, make, message):
    target = project / "data" / "raw" / "2020" / "admissions.csv"
    make(target)
    with pytest.raises(InputError, match=re.escape(f"file data/raw/2020/admissions.csv: {message}")):
        clean_year(params(project), project / "stage")


def test_oversized_file_is_refused_before_reading(project):
    target = project / "data" / "raw" / "2020" / "admissions.csv"
    with open(target, "ab") as f:
        f.truncate(2 * 1024 * 1024)
    p = params(project)
    p.data["build"]["max_file_mb"] = 1
    with pytest.raises(InputError, match="over the 1 MB limit"):
        clean_year(p, project / "stage")


def test_both_csv_and_xlsx_is_ambiguous(project):
    shutil.copy(
        project / "data" / "raw" / "2020" / "admissions.csv", project / "data" / "raw" / "2020" / "admissions.xlsx"
    )
    with pytest.raises(InputError, match=r"both admissions\.csv and admissions\.xlsx exist"):
        clean_year(params(project), project / "stage")


def test_scale_option_multiplies_record_level_rows(tmp_path):
    generate([2020], tmp_path / "raw", None, scale=2)
    one = (ROOT / "data" / "raw" / "2020" / "admissions.csv").read_bytes().count(b"\n")
    two = (tmp_path / "raw" / "2020" / "admissions.csv").read_bytes().count(b"\n")
    assert 1.9 * one < two < 2.1 * one
