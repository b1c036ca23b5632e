"""Fixtures every folder of tests uses: the repository root, the demo years cleaned once per session, the demo's
2020 and 2021 reports built once per session. Helpers are in tests/helpers.py; a folder's own
fixtures are in its conftest.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import DEMO_YEARS, ROOT, CleanedYear, clean_results, copy_project, fingerprint


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cleaned_years() -> dict[int, CleanedYear]:
    """Every demo year cleaned once for the whole session: {year: CleanedYear(params, {dataset: CleanResult})}.

    Shared by every test that reads it, so tests must not change these frames in place (copy first);
    the fixture checks at the end of the session that none did."""
    from annualreport.base.params import load_params

    cleaned = {}
    for year in DEMO_YEARS:
        params = load_params(ROOT / "params" / f"{year}.yaml", root=ROOT)
        cleaned[year] = CleanedYear(params, clean_results(params))
    before = fingerprint(cleaned)
    yield cleaned
    changed = sorted(k for k, v in fingerprint(cleaned).items() if before.get(k) != v)
    assert not changed, f"a test changed the shared cleaned demo data in place: {changed}"


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory) -> Path:
    """The demo's 2020 and 2021 reports (HTML and Word, no PDF) built once for the session in a temporary
    copy of the project with the 2019–2021 params and raw files (2019 gives 2020 its year before, 2020's plan gives
    2021 its targets). Shared: tests only read it; a test that edits or rebuilds makes its own copy."""
    from annualreport.runner.driver import build

    project = copy_project(tmp_path_factory.mktemp("demo-build"), years=DEMO_YEARS)
    for year in DEMO_YEARS:
        shutil.copytree(ROOT / "data" / "raw" / str(year), project / "data" / "raw" / str(year))
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        for year in (2020, 2021):
            build(year, root=project, formats=("docx",))
    finally:
        mp.undo()
    return project
