"""What tests share beside fixtures: the repository root, the demo years, a temporary copy of the project,
the demo years cleaned in memory, the personal values of a year's raw files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # imported where used, so a broken module fails its tests, not every test's collection
    import pandas as pd

    from annualreport.base.params import Params
    from annualreport.ingest.sheet import CleanResult

ROOT = Path(__file__).resolve().parent.parent
# The years of committed demo data that the in-process tests clean (data/raw/<year>/, params/<year>.yaml).
DEMO_YEARS = (2019, 2020, 2021)


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


def fingerprint(cleaned: dict[int, CleanedYear]) -> dict[tuple[int, str], str]:
    digests = {}
    for year, c in cleaned.items():
        for name, r in c.results.items():
            h = hashlib.sha256()
            for part in (r.frame, r.quarantine):
                h.update(repr(list(part.dtypes.items())).encode())
                h.update(part.to_csv().encode())
            digests[year, name] = h.hexdigest()
    return digests


def personal_values(params, specs) -> set[str]:
    """Every name and ID number of the personal columns of a year's raw files (the values no output may hold)."""
    from annualreport.ingest import normalize as nz
    from annualreport.ingest.header import find_header
    from annualreport.ingest.year import locate, read_sheet

    values = set()
    for spec in specs.values():
        if not spec.personal:
            continue
        path = locate(spec, params)
        if path is None:
            continue
        sheet = read_sheet(spec, path, path.name)
        idx, mapping, _ = find_header(sheet, spec)
        cols = [i for i, c in mapping.items() if c.personal]
        for _, cells in sheet.rows[idx + 1 :]:
            for i in cols:
                v = nz.text(cells[i]) if i < len(cells) else ""
                if len(v) >= 2 and not v.startswith(("合计", "填表")):
                    values.add(v)
    return values
