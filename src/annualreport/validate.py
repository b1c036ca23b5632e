"""The validation stage: Great Expectations 1.x suites from `expectations/<dataset>.json`.

Suites are plain JSON ({name, meta, expectations: [{type, kwargs, meta}]}), loaded into an
ephemeral context (a file-backed one rewrites hand-written suites). Every expectation carries
`meta.severity`: `blocking` failures stop the run before anything is rendered; `warning` failures
are reported. GX's quiet failures are guarded: an unknown expectation type (GX logs and drops it)
is an error, and an expectation that raised is a blocking failure, never a pass.

Year-dependent values (date range, expected row counts, reference lists) are suite parameters
(`{"$PARAMETER": "year_start"}`) filled from the params file, so suites stay the same every year.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import SpecError, ValidationFailed
from .layout import validation_outputs
from .params import Params
from .paths import expectations_dir
from .tables import atomic_write_bytes, concat_csv, write_csv

log = logging.getLogger(__name__)

SEVERITIES = ("blocking", "warning")
RESULT_FORMAT = {"result_format": "SUMMARY", "unexpected_index_column_names": ["source_row"],
                 "partial_unexpected_count": 20}
SUMMARY_COLUMNS = ["dataset", "index", "expectation", "column", "severity", "success", "unexpected_count",
                   "element_count", "observed", "description"]


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
            raise SpecError(f"{where}: expectation {i + 1} ({exp.get('type')}) needs meta.severity "
                            f"'blocking' or 'warning', got {sev!r}")
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
    if "majors" in frames:
        out["major_names"] = sorted(frames["majors"]["major"].dropna().unique().tolist())
        out["group_names"] = sorted(frames["majors"]["group"].dropna().unique().tolist())
    return out


def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return gx, ctx


_VOLATILE_KEYS = {"id", "run_id", "validation_id", "checkpoint_id", "ge_load_time", "validation_time",
                  "batch_id", "exception_traceback",
                  # a hash of the frame, which holds salted person keys: differs with the salt; inputs' sha256 are in the manifest
                  "pandas_data_fingerprint"}


def _strip(obj):
    """Remove ids and times GX puts in results, so the same data give the same bytes."""
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in _VOLATILE_KEYS}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def validate_frame(suite: SuiteFile, frame: pd.DataFrame, parameters: dict) -> dict:
    """Run one suite on one frame. Returns the stripped result, in the suite file's order."""
    return run_suite(suite, frame, parameters)[0]


def run_suite(suite: SuiteFile, frame: pd.DataFrame, parameters: dict, _cache: dict = {}) -> tuple[dict, dict]:
    """Run one suite on one frame. Returns (stripped result in the suite file's order, GX's raw result)."""
    if "gx" not in _cache:
        _cache["gx"], _cache["ctx"] = _gx()
        _cache["n"] = 0
    gx, ctx = _cache["gx"], _cache["ctx"]
    _cache["n"] += 1
    data = copy.deepcopy(suite.data)
    data["name"] = f"{suite.name}-{_cache['n']}"
    gx_suite = gx.ExpectationSuite(**data)
    if len(gx_suite.expectations) != len(suite.expectations):
        known = {e.expectation_type for e in gx_suite.expectations}
        dropped = [e["type"] for e in suite.expectations if e["type"] not in known]
        raise SpecError(f"expectations/{suite.path.name}: GX did not load {len(suite.expectations) - len(gx_suite.expectations)} "
                        f"expectation(s), unknown type(s): {', '.join(dropped) or '?'}")
    gx_suite = ctx.suites.add(gx_suite)
    order = {e.id: i for i, e in enumerate(gx_suite.expectations)}
    source = ctx.data_sources.add_pandas(f"src-{_cache['n']}")
    asset = source.add_dataframe_asset(suite.name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(gx_suite, expectation_parameters=parameters, result_format=RESULT_FORMAT)
    raw = json.loads(json.dumps(result.to_json_dict(), default=str))
    raw["results"].sort(key=lambda r: order.get(r["expectation_config"].get("id"), 1 << 30))
    raw["meta"]["expectation_suite_name"] = suite.name
    out = _strip(raw)
    out["suite_name"] = suite.name
    out["meta"].pop("active_batch_definition", None)
    for r in out["results"]:
        r["expectation_config"].pop("severity", None)  # GX's own field; ours is meta.severity
    return out, raw


def build_data_docs(params: Params, work_dir: Path, datasets: list[str], out_dir: Path) -> Path:
    """GX's own Data Docs for the year, under `out_dir` (validation/data_docs/), rendered from the
    results the validation stage kept (`validation/raw/<dataset>.json`): nothing is validated twice,
    and a dataset whose validation was reused from the cache still has its page. The run is named
    after the year with a fixed time, so the same results give the same pages."""
    gx, ctx = _gx()  # a fresh ephemeral context, progress bars off
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier, ValidationResultIdentifier)

    out_dir = Path(out_dir).resolve()
    ctx.add_data_docs_site(site_name="audit", site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    suites = suite_files(params.root)
    run_id = RunIdentifier(run_name=str(params.year), run_time=f"{params.year}-12-31T00:00:00+00:00")
    schema = ExpectationSuiteValidationResultSchema()
    for name in datasets:
        raw_path = Path(work_dir) / "validation" / "raw" / f"{name}.json"
        if name not in suites or not raw_path.exists():
            continue
        ctx.suites.add(gx.ExpectationSuite(**copy.deepcopy(suites[name].data)))
        result = schema.load(json.loads(raw_path.read_text(encoding="utf-8")))
        key = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(name=name),
                                         run_id=run_id, batch_identifier=name)
        ctx.validation_results_store.set(key, result)
    ctx.build_data_docs(site_names=["audit"])
    return out_dir / "index.html"


def describe(exp: dict) -> str:
    """An expectation in words (English; the auditor page translates the common ones)."""
    kw = {k: v for k, v in exp["kwargs"].items() if k not in ("batch_id",)}
    return (exp.get("meta") or {}).get("description") or f"{exp['type']}({json.dumps(kw, ensure_ascii=False)})"


def summarise(dataset: str, result: dict, suite: SuiteFile) -> list[dict]:
    rows = []
    for i, (r, exp) in enumerate(zip(result["results"], suite.expectations)):
        res = r.get("result") or {}
        raised = (r.get("exception_info") or {}).get("raised_exception", False)
        observed = res.get("observed_value")
        rows.append({
            "dataset": dataset, "index": i + 1, "expectation": exp["type"],
            "column": exp["kwargs"].get("column", exp["kwargs"].get("column_A", "")),
            "severity": exp["meta"]["severity"],
            "success": bool(r["success"]) and not raised,
            "unexpected_count": res.get("unexpected_count", "" if observed is not None else 0),
            "element_count": res.get("element_count", ""),
            "observed": "" if observed is None else json.dumps(observed, ensure_ascii=False, default=str),
            "description": "expectation raised: " + str(r["exception_info"].get("exception_message"))
            if raised else describe(exp),
        })
    return rows


def validate_year(params: Params, work_dir: Path, frames: dict[str, pd.DataFrame],
                  datasets: list[str] | None = None) -> pd.DataFrame:
    """Validate the clean datasets (all, or those named) that have a suite; write each one's result
    and summary lines; return the summary of those validated.

    Raises SpecError when a dataset has no suite (every dataset must be checked).
    """
    suites = suite_files(params.root)
    rows = []
    for name, frame in frames.items():
        if datasets is not None and name not in datasets:
            continue
        if name not in suites:
            raise SpecError(f"dataset '{name}' has no suite: add expectations/{name}.json")
        suite = suites[name]
        result, raw = run_suite(suite, frame, suite_parameters(params, name, frames))
        result_path, raw_path, summary_path = validation_outputs(work_dir, name)
        text = json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
        atomic_write_bytes(result_path, text.encode("utf-8"))
        atomic_write_bytes(raw_path, json.dumps(raw, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        part = summarise(name, result, suite)
        write_csv(pd.DataFrame(part, columns=SUMMARY_COLUMNS), summary_path)
        rows.extend(part)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def combine_summary(work_dir: Path, datasets: list[str]) -> Path:
    """`validation/summary.csv`: the summary lines of every dataset, in the given order."""
    parts = [p for name in datasets if (p := validation_outputs(work_dir, name)[2]).exists()]
    out = Path(work_dir) / "validation" / "summary.csv"
    concat_csv(parts, out)
    return out


def gate(summary: pd.DataFrame, allow_warnings: bool, where: str = "") -> None:
    """Stop the run on a blocking failure (or on a warning when warnings are not allowed)."""
    ok = summary["success"].astype(str).str.lower() == "true"  # bools, or their text read back from CSV
    failed = summary[~ok]
    blocking = failed[failed["severity"] == "blocking"]
    if not allow_warnings:
        blocking = failed
    if blocking.empty:
        return
    first = blocking.iloc[0]
    col = f"({first['column']})" if first["column"] else ""
    more = f" and {len(blocking) - 1} more" if len(blocking) > 1 else ""
    kind = "blocking" if allow_warnings else "blocking or warning (warnings not allowed)"
    raise ValidationFailed(f"validation failed, {kind}: {first['dataset']}: {first['expectation']}{col}, "
                           f"{first['unexpected_count'] or 'failed'} unexpected{more}"
                           + (f"; see {where}" if where else ""))
