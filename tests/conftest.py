"""Shared fixtures: the repository root, demo params, the demo years cleaned once per session, and a
tiny fixture year in a temp tree."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pytest

if TYPE_CHECKING:  # imported where used, so a broken module fails its tests, not every test's collection
    import pandas as pd

    from annualreport.base.params import Params
    from annualreport.ingest.sheet import CleanResult

ROOT = Path(__file__).resolve().parent.parent
# The years of committed demo data that the in-process tests clean (data/raw/<year>/, params/<year>.yaml).
DEMO_YEARS = (2019, 2020, 2021)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def copy_project(dest: Path, years: tuple[int, ...] = ()) -> Path:
    """A minimal project tree (code-side files only) for builds that must not touch the real one."""
    for d in ("specs", "expectations", "notebooks", "templates", "data/reference"):
        shutil.copytree(ROOT / d, dest / d)
    for y in years:
        (dest / "params" / "narrative").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "params" / f"{y}.yaml", dest / "params" / f"{y}.yaml")
        shutil.copytree(ROOT / "params" / "narrative" / str(y), dest / "params" / "narrative" / str(y))
    return dest


class CleanedYear(NamedTuple):
    """One demo year cleaned in memory: its params and each dataset's CleanResult (frame, quarantine,
    accounting). Unpacks as `params, results = cleaned_years[year]`."""

    params: Params
    results: dict[str, CleanResult]

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """{dataset: clean frame}, as `annualreport.ingest.year.clean_in_memory` returns them."""
        return {name: r.frame for name, r in self.results.items()}


def clean_results(params: Params) -> dict[str, CleanResult]:
    """`clean_in_memory` (every dataset the params list, the reference tables feeding the others' rules),
    keeping each dataset's whole CleanResult rather than only its frame; nothing is written."""
    from annualreport.ingest.specs import load_specs
    from annualreport.ingest.year import clean_dataset, context_for

    ctx = context_for(params)
    results: dict[str, CleanResult] = {}
    for name, spec in load_specs(params.root).items():
        out = clean_dataset(spec, params, ctx)
        if out is None:
            continue
        results[name] = out[0]
        if spec.reference:
            ctx.reference[name] = out[0].frame
    return results


def _fingerprint(cleaned: dict[int, CleanedYear]) -> dict[tuple[int, str], str]:
    digests = {}
    for year, c in cleaned.items():
        for name, r in c.results.items():
            h = hashlib.sha256()
            for part in (r.frame, r.quarantine):
                h.update(repr(list(part.dtypes.items())).encode())
                h.update(part.to_csv().encode())
            digests[year, name] = h.hexdigest()
    return digests


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
    before = _fingerprint(cleaned)
    yield cleaned
    changed = sorted(k for k, v in _fingerprint(cleaned).items() if before.get(k) != v)
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


@pytest.fixture(scope="session")
def demo_pdfs(demo_project, tmp_path_factory) -> dict[str, Path]:
    """The demo's 2020 report and ledger annex as PDF, laid out once by the pdf stage's function from the
    session build's HTML: {"report": path, "ledger": path}."""
    from annualreport.report.render import render_pdf

    out = tmp_path_factory.mktemp("demo-pdf")
    built = demo_project / "outputs" / "2020"
    return {name: render_pdf(built / f"{name}.html", out / f"{name}.pdf") for name in ("report", "ledger")}
