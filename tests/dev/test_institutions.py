"""The fictional-institutions generator (src/annualreport_dev/institutions.py): deterministic, its params
load and validate, its raw files pass check-inputs under each college's own conventions, its narrative
holds no typed digits, `--clean` removes only its own folders, and one generated college-year builds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from annualreport.base.params import load_params
from annualreport_dev import institutions
from tests.helpers import ROOT, copy_project

YEARS = [2019, 2020]


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def project_for_checks(dest: Path) -> Path:
    """A tree with what loading and cleaning read: the specs (check-inputs) and the params schema."""
    shutil.copytree(ROOT / "specs", dest / "specs")
    (dest / "params").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "params.schema.json", dest / "params" / "params.schema.json")
    return dest


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = project_for_checks(tmp_path_factory.mktemp("institutions"))
    assert institutions.main(["--n", "3", "--years", *map(str, YEARS), "--root", str(root)]) == 0
    return root


def params_files(root: Path) -> list[Path]:
    return sorted((root / "params" / "institutions").glob("*/*.yaml"))


def test_same_arguments_give_the_same_bytes(generated, tmp_path):
    again = tmp_path / "again"
    institutions.generate(3, YEARS, again)
    first = {k: v for k, v in tree_bytes(generated).items() if k.startswith(("data/", "params/institutions/"))}
    assert first == tree_bytes(again)
    assert len(params_files(generated)) == 3 * len(YEARS)


def test_institutions_and_years_differ(generated):
    names = {load_params(p, generated).institution["name"] for p in params_files(generated)}
    assert len(names) == 3 and not any(ch.isdigit() for name in names for ch in name)
    raw = generated / "data" / "institutions" / "demo-01" / "raw"
    assert (raw / "2019" / "admissions.csv").read_bytes() != (raw / "2020" / "admissions.csv").read_bytes()
    conventions = [load_params(p, generated).data["conventions"] for p in params_files(generated)]
    assert len({c.get("student_id") for c in conventions}) > 1  # not every college writes 学号 alike
    # demo-03 delivers under the offices' own file names and reports patents
    assert (generated / "data" / "institutions" / "demo-03" / "raw" / "2020" / "patents.csv").exists()
    assert not (generated / "data" / "institutions" / "demo-03" / "raw" / "2020" / "admissions.csv").exists()


def test_params_load_and_validate_against_the_schema(generated):
    validator = jsonschema.Draft202012Validator(json.loads((ROOT / "params" / "params.schema.json").read_text()))
    for path in params_files(generated):
        text = path.read_text(encoding="utf-8")
        validator.validate(yaml.safe_load(text))
        schema = (path.parent / text.splitlines()[0].removeprefix("# yaml-language-server: $schema=")).resolve()
        assert schema == (generated / "params" / "params.schema.json").resolve()
        params = load_params(path, root=generated)
        assert params.raw_dir.is_dir() and params.reference_dir.is_dir() and params.narrative_dir.is_dir()


def test_raw_files_pass_check_inputs(generated):
    """What `python -m annualreport check-inputs` runs: each file found and cleaned under the params."""
    from annualreport.runner.newyear import check_inputs, format_check

    for path in params_files(generated):
        lines, ok = check_inputs(load_params(path, root=generated))
        assert ok, format_check(lines)
        status = {x["dataset"]: x["status"] for x in lines if x["dataset"]}
        assert {status[n] for n in ("admissions", "graduates", "training", "majors", "poverty_counties")} == {
            "present"
        }, format_check(lines)
        assert not [x for x in lines if x["status"] == "not recognised"], format_check(lines)


def test_narrative_has_no_typed_digits_and_its_outline_loads(generated):
    from annualreport.base.outline import load_outline
    from annualreport.base.terms import bare_numbers, load_terms

    terms = load_terms(ROOT)
    for path in params_files(generated):
        params = load_params(path, root=generated)
        load_outline(params.narrative_dir)
        for md in params.narrative_dir.glob("*.md"):
            assert bare_numbers(md.read_text(encoding="utf-8"), terms) == [], md
        outline = yaml.safe_load((params.narrative_dir / "sections.yaml").read_text(encoding="utf-8"))
        assert bare_numbers(outline["title"] + outline["subtitle"], terms) == []


def test_clean_removes_only_generated_institutions(tmp_path):
    institutions.generate(2, [2020], tmp_path)
    other = tmp_path / "data" / "institutions" / "binhai-demo"
    other.mkdir(parents=True)
    (tmp_path / "params" / "institutions" / "demo-x").mkdir()
    assert institutions.main(["--clean", "--root", str(tmp_path)]) == 0
    assert sorted(p.name for p in (tmp_path / "data" / "institutions").iterdir()) == ["binhai-demo"]
    assert sorted(p.name for p in (tmp_path / "params" / "institutions").iterdir()) == ["demo-x"]


def test_binhai_demo_shares_the_row_builders():
    text = (ROOT / "tools" / "make_second_institution.py").read_text(encoding="utf-8")
    assert "from annualreport_dev.institutions import" in text


@pytest.mark.build
@pytest.mark.slow
def test_a_generated_institution_year_builds(tmp_path):
    """demo-03 2020: office-named files, a 学号 with a letter prefix, patents, and 2019 as the year before."""
    project = copy_project(tmp_path)
    institutions.generate(3, YEARS, project)
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project), "ANNUALREPORT_SALT": "test"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "annualreport",
            "build",
            "--year",
            "2020",
            "--format",
            "html",
            "-q",
            "--params",
            "params/institutions/demo-03/2020.yaml",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = project / "outputs" / "demo-03" / "2020"
    from annualreport.typeset.pages import visible_text

    text = visible_text((out / "report.html").read_text(encoding="utf-8"))
    name = institutions.institution(3).name
    for expected in (name, "2020年工作总结", "招生与就业", "社会培训", "科研与专利", "2021年工作计划"):
        assert expected in text, expected
    ledger = (out / "figures.csv").read_text(encoding="utf-8-sig")
    assert "enrolled_vocational.previous" in ledger  # 2019 gives the tables their year before
