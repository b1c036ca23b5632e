"""The validation stage: Great Expectations 1.x suites (see `suites`) run on the clean data.

Suites are loaded into an ephemeral context (a file-backed one rewrites hand-written suites). Every expectation carries
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
from pathlib import Path

import pandas as pd

from annualreport.base.errors import SpecError
from annualreport.base.params import Params
from annualreport.base.places import combine, places
from annualreport.base.tables import atomic_write_bytes, write_csv
from annualreport.validation.suites import SuiteFile, describe, suite_files, suite_parameters

log = logging.getLogger(__name__)

# what validating one dataset writes: its result (stable bytes), GX's raw result (for Data Docs), its summary lines
DATASET_OUTPUTS = ("validation_result", "validation_raw", "validation_part")
RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "unexpected_index_column_names": ["source_sheet", "source_row"],
    "partial_unexpected_count": 20,
}
SUMMARY_COLUMNS = [
    "dataset",
    "index",
    "expectation",
    "column",
    "severity",
    "success",
    "unexpected_count",
    "element_count",
    "observed",
    "description",
]


def gx_context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return gx, ctx


_VOLATILE_KEYS = {
    "id",
    "run_id",
    "validation_id",
    "checkpoint_id",
    "ge_load_time",
    "validation_time",
    "batch_id",
    "exception_traceback",
    # a hash of the frame, which holds salted person keys: differs with the salt; inputs' sha256 are in the manifest
    "pandas_data_fingerprint",
}


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


_CONTEXT: dict = {}  # one ephemeral GX context per process, made on first use


def run_suite(suite: SuiteFile, frame: pd.DataFrame, parameters: dict) -> tuple[dict, dict]:
    """Run one suite on one frame. Returns (stripped result in the suite file's order, GX's raw result)."""
    _cache = _CONTEXT
    if "gx" not in _cache:
        _cache["gx"], _cache["ctx"] = gx_context()
        _cache["n"] = 0
    gx, ctx = _cache["gx"], _cache["ctx"]
    _cache["n"] += 1
    data = copy.deepcopy(suite.data)
    data["name"] = f"{suite.name}-{_cache['n']}"
    gx_suite = gx.ExpectationSuite(**data)
    if len(gx_suite.expectations) != len(suite.expectations):
        known = {e.expectation_type for e in gx_suite.expectations}
        dropped = [e["type"] for e in suite.expectations if e["type"] not in known]
        raise SpecError(
            f"expectations/{suite.path.name}: GX did not load {len(suite.expectations) - len(gx_suite.expectations)} "
            f"expectation(s), unknown type(s): {', '.join(dropped) or '?'}"
        )
    gx_suite = ctx.suites.add(gx_suite)
    order = {e.id: i for i, e in enumerate(gx_suite.expectations)}
    source = ctx.data_sources.add_pandas(f"src-{_cache['n']}")
    asset = source.add_dataframe_asset(suite.name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame})
    index = [c for c in RESULT_FORMAT["unexpected_index_column_names"] if c in frame.columns]
    result = batch.validate(
        gx_suite,
        expectation_parameters=parameters,
        result_format={**RESULT_FORMAT, "unexpected_index_column_names": index},
    )
    raw = json.loads(json.dumps(result.to_json_dict(), default=str))
    raw["results"].sort(key=lambda r: order.get(r["expectation_config"].get("id"), 1 << 30))
    raw["meta"]["expectation_suite_name"] = suite.name
    out = _strip(raw)
    out["suite_name"] = suite.name
    out["meta"].pop("active_batch_definition", None)
    for r in out["results"]:
        r["expectation_config"].pop("severity", None)  # GX's own field; ours is meta.severity
    return out, raw


def summarise(dataset: str, result: dict, suite: SuiteFile) -> list[dict]:
    rows = []
    for i, (r, exp) in enumerate(zip(result["results"], suite.expectations, strict=False)):
        res = r.get("result") or {}
        raised = (r.get("exception_info") or {}).get("raised_exception", False)
        observed = res.get("observed_value")
        rows.append(
            {
                "dataset": dataset,
                "index": i + 1,
                "expectation": exp["type"],
                "column": exp["kwargs"].get("column", exp["kwargs"].get("column_A", "")),
                "severity": exp["meta"]["severity"],
                "success": bool(r["success"]) and not raised,
                "unexpected_count": res.get("unexpected_count", "" if observed is not None else 0),
                "element_count": res.get("element_count", ""),
                "observed": "" if observed is None else json.dumps(observed, ensure_ascii=False, default=str),
                "description": "expectation raised: " + str(r["exception_info"].get("exception_message"))
                if raised
                else describe(exp, r["expectation_config"].get("kwargs")),
            }
        )
    return rows


def validate_in_memory(params: Params, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The validation summary of frames cleaned in memory (the year before's, for the year-before
    column), writing nothing: every suite run as the validate stage runs it."""
    suites = suite_files(params.root)
    rows = []
    for name, frame in frames.items():
        if name in suites:
            result, _ = run_suite(suites[name], frame, suite_parameters(params, name, frames))
            rows.extend(summarise(name, result, suites[name]))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def validate_year(
    params: Params, work_dir: Path, frames: dict[str, pd.DataFrame], datasets: list[str] | None = None
) -> pd.DataFrame:
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
        at = places(params, Path(work_dir))
        result_path, raw_path, summary_path = (at(a, name) for a in DATASET_OUTPUTS)
        text = json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
        atomic_write_bytes(result_path, text.encode("utf-8"))
        atomic_write_bytes(raw_path, json.dumps(raw, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        part = summarise(name, result, suite)
        write_csv(pd.DataFrame(part, columns=SUMMARY_COLUMNS), summary_path)
        rows.extend(part)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def combine_summary(params: Params, work_dir: Path, datasets: list[str]) -> Path:
    """The validation summary: the summary lines of every dataset, in the given order."""
    return combine(places(params, Path(work_dir)), "validation_part", "validation_summary", datasets)
