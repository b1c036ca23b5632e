"""The params loader: one function, clear errors naming the file and key."""

from pathlib import Path

import pytest

from annualreport.base.errors import ParamsError
from annualreport.base.params import load_params

BASE = "year: 2020\ninstitution:\n  name: 测试学院\n"


def write(tmp_path: Path, text: str, name: str = "2020.yaml") -> Path:
    (tmp_path / "params").mkdir(exist_ok=True)
    p = tmp_path / "params" / name
    p.write_text(text, encoding="utf-8")
    return p


def test_minimal_params_get_defaults(tmp_path):
    p = load_params(write(tmp_path, BASE), root=tmp_path)
    assert p.year == 2020
    assert p.raw_dir == tmp_path / "data" / "raw" / "2020"
    assert p.employment_cutoff.isoformat() == "2020-08-31"
    assert p.allow_warnings is True
    assert p.dataset("admissions") == {"optional": False, "expected_rows": None, "note": None}
    assert len(p.sha256) == 64


def test_demo_params_load(root):
    for year in (2019, 2020, 2021):
        p = load_params(root / "params" / f"{year}.yaml", root=root)
        assert p.year == year and p.narrative_dir.is_dir()


@pytest.mark.parametrize(
    "text, message",
    [
        (BASE + "colour: red\n", "unknown key 'colour'"),
        (BASE + "validation:\n  allow_warning: true\n", "unknown key 'validation.allow_warning'"),
        ("year: '2020'\ninstitution: {name: x}\n", "'year' must be an integer"),
        ("year: true\ninstitution: {name: x}\n", "'year' must be an integer"),
        (BASE + "build: {timeout_seconds: soon}\n", "'build.timeout_seconds' must be an integer"),
        ("year: 2020\n", "required key 'institution' is missing"),
        (BASE + "employment_cutoff: 31.08\n", "'employment_cutoff' must be a string"),
        (BASE + "employment_cutoff: '02-30'\n", "'employment_cutoff' is not a date"),
        (BASE + "paths: {raw: ../../etc}\n", "'paths.raw' points outside the repository"),
        (BASE + "datasets: {admissions: {expected_rows: many}}\n", "must be a list of an integer"),
        ("- a\n- b\n", "must be a mapping"),
        ("year: [\n", "not valid UTF-8 YAML"),
    ],
)
def test_bad_params_are_refused_with_the_key(tmp_path, text, message):
    with pytest.raises(ParamsError) as exc:
        load_params(write(tmp_path, text), root=tmp_path)
    assert message in str(exc.value)
    assert "params/2020.yaml" in str(exc.value)


def test_year_must_match_file_name(tmp_path):
    with pytest.raises(ParamsError, match="'year' is 2020 but the file is named for 2021"):
        load_params(write(tmp_path, BASE, "2021.yaml"), root=tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(ParamsError, match="params file not found"):
        load_params(tmp_path / "params" / "2030.yaml", root=tmp_path)
