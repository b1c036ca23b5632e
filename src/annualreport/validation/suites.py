"""Suite files: `expectations/<dataset>.json`, plain GX 1.x JSON ({name, meta, expectations: [{type,
kwargs, meta}]}), checked for what GX does not check (a severity on every expectation), and the
values their `$PARAMETER`s refer to: the year's (date range, expected rows, reference lists) and the
rules the dataset's spec and the college's conventions hold (`spec_parameters`: ID patterns, allowed
sets, ranges), so suites stay the same every year and no suite restates a rule written elsewhere."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from annualreport.base.conventions import SCHEMA as CONVENTIONS
from annualreport.base.conventions import anchored
from annualreport.base.errors import SpecError
from annualreport.base.params import Params
from annualreport.base.paths import expectations_dir
from annualreport.ingest.specs import DatasetSpec, load_specs
from annualreport.validation.checks_zh import check_words

SEVERITIES = ("blocking", "warning")


@dataclass
class SuiteFile:
    name: str
    path: Path
    data: dict

    @property
    def expectations(self) -> list[dict]:
        return self.data["expectations"]


def load_suite_file(path: Path) -> SuiteFile:
    """Read a suite file and check the parts GX does not check: severity on every expectation."""
    where = f"expectations/{path.name}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SpecError(f"{where}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise SpecError(f"{where}: must be an object with an 'expectations' list")
    if data.get("name") != path.stem:
        raise SpecError(f"{where}: 'name' must be '{path.stem}'")
    for i, exp in enumerate(data["expectations"]):
        sev = (exp.get("meta") or {}).get("severity")
        if sev not in SEVERITIES:
            raise SpecError(
                f"{where}: expectation {i + 1} ({exp.get('type')}) needs meta.severity "
                f"'blocking' or 'warning', got {sev!r}"
            )
    return SuiteFile(name=path.stem, path=path, data=data)


def suite_files(root: Path | None = None) -> dict[str, SuiteFile]:
    return {p.stem: load_suite_file(p) for p in sorted(expectations_dir(root).glob("*.json"))}


def suite_parameters(params: Params, dataset: str, frames: dict[str, pd.DataFrame]) -> dict:
    """The values a suite's `$PARAMETER`s refer to, for this year and dataset."""
    lo, hi = params.date_range
    settings = params.dataset(dataset)
    rows = settings["expected_rows"] or [0, 10_000_000]
    if len(rows) != 2:
        raise SpecError(f"{params.path.name}: datasets.{dataset}.expected_rows must be [min, max]")
    out = {
        "year": params.year,
        "year_start": f"{lo.isoformat()}T00:00:00",
        "year_end": f"{hi.isoformat()}T23:59:59",
        "employment_cutoff": f"{params.employment_cutoff.isoformat()}T23:59:59",
        "rows_min": rows[0],
        "rows_max": rows[1],
    }
    spec = load_specs(params.root).get(dataset)
    if spec is not None:
        out.update(spec_parameters(spec, params.data["conventions"]))
    if "majors" in frames:
        out["major_names"] = sorted(frames["majors"]["major"].dropna().unique().tolist())
        out["group_names"] = sorted(frames["majors"]["group"].dropna().unique().tolist())
    return out


def spec_parameters(spec: DatasetSpec, conventions: dict) -> dict:
    """The rules of a spec as suite parameters, each column's by its canonical name: `pattern_<column>` (an
    ID's pattern, from the spec where the contract fixes it, else from the college's conventions;
    `pattern_<column>_<convention>` where the convention depends on another column), `allowed_<column>`,
    `min_<column>`, `max_<column>`; and `min_rows`, the fewest rows the table may have."""
    out: dict = {}
    for c in spec.canonical:
        if c.pattern:
            out[f"pattern_{c.name}"] = anchored(c.pattern)
        for by, _value, key in c.conventions:
            pattern = anchored(conventions.get(key) or CONVENTIONS[key][2])
            out[f"pattern_{c.name}" if by is None else f"pattern_{c.name}_{key}"] = pattern
        if c.allowed:
            out[f"allowed_{c.name}"] = list(c.allowed)
        if c.min is not None:
            out[f"min_{c.name}"] = c.min
        if c.max is not None:
            out[f"max_{c.name}"] = c.max
    if "min_rows" in out:
        raise SpecError(
            f"specs/datasets/{spec.name}.yaml: column 'rows' has a 'min', whose parameter would be min_rows"
        )
    out["min_rows"] = spec.min_rows
    return out


def describe(exp: dict, used: dict | None = None) -> str:
    """An expectation in words: the suite's Chinese description, else words from its type and columns
    (`checks_zh`). `used`: the kwargs as GX ran them; an ID pattern given as a parameter is shown as it was
    filled in."""
    kw = {k: v for k, v in exp["kwargs"].items() if k not in ("batch_id",)}
    text = (exp.get("meta") or {}).get("description") or check_words(exp["type"], kw)
    if isinstance(kw.get("regex"), dict) and used and isinstance(used.get("regex"), str):
        text += f"：{used['regex']}"
    return text
