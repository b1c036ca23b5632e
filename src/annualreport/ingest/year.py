"""The clean stage for a year: find each dataset's file, read it, clean it, write the results.

Outputs:
- `data/processed/<year>/<dataset>.parquet`: clean rows, no personal columns;
- `data/processed/<year>/quarantine/<dataset>.csv`: rejected rows with file, sheet, row, rule, reason;
- `<work>/accounting/<dataset>.csv`: its line of the row accounting (file, sheet, sha256, counts);
- the row accounting (catalog: `accounting`): those lines joined, one per file and sheet; it balances.

The build cleans only the datasets whose inputs changed (`datasets=`); the reference tables are
always read, since other datasets' rules use them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from annualreport.base.errors import InputError, SpecError
from annualreport.base.params import Params, check_known_datasets
from annualreport.base.places import Places, combine, places
from annualreport.ingest.cells import CleanContext
from annualreport.ingest.derive import DERIVATIONS
from annualreport.ingest.readers import read_csv, read_xlsx, refusal, sha256_file
from annualreport.ingest.recognise import resolve_for
from annualreport.ingest.sheet import CleanResult, clean_sheets, relative_label
from annualreport.ingest.specs import DatasetSpec, load_specs

log = logging.getLogger(__name__)

DATASET_OUTPUTS = ("clean_data", "quarantine", "accounting_part")  # what cleaning one dataset writes


@dataclass
class Source:
    dataset: str
    path: Path
    label: str
    sha256: str


def locate_match(spec: DatasetSpec, params: Params):
    """The raw file (and sheet) of a dataset for the year, by name or by its headers (ingest/recognise.py),
    checked for the things that must stop a run; None when no file holds it."""

    match = resolve_for(params, load_specs(params.root), spec.reference).match(spec.name, params.root)
    if match is None:
        return None
    reason = refusal(match.path, params.root, params.data["build"]["max_file_mb"])
    if reason:
        raise InputError(reason, file=relative_label(match.path, params.root))
    return match


def locate(spec: DatasetSpec, params: Params) -> Path | None:
    """The raw file of a dataset for the year (see `locate_match`)."""
    match = locate_match(spec, params)
    return match.path if match else None


def read_sheet(spec: DatasetSpec, path: Path, label: str, sheet: str | None = None):
    """The dataset's sheet: `sheet` when recognition chose one, else the spec's (the first when none)."""
    if path.suffix.lower() == ".csv":
        if spec.sheet:
            log.info("%s: CSV file for a sheet-based dataset; reading it as the %s sheet", label, spec.sheet)
        return read_csv(path, label)
    return read_xlsx(path, label, sheet or spec.sheet)


def read_sheets(spec: DatasetSpec, path: Path, label: str, sheets: tuple[str, ...] = ()) -> list:
    """The dataset's sheets, in workbook order: every sheet recognition chose (a dataset split over the
    sheets of one workbook), else the one sheet `read_sheet` reads."""
    if len(sheets) < 2:
        return [read_sheet(spec, path, label, sheets[0] if sheets else None)]
    return [read_xlsx(path, label, name) for name in sheets]


def clean_dataset(spec: DatasetSpec, params: Params, ctx: CleanContext) -> tuple[CleanResult, Source] | None:
    """Clean one dataset for the year; None when the params do not list it (absent this year) or its
    file is absent and the params mark it optional."""
    if not params.lists(spec.name):
        return None
    match = locate_match(spec, params)
    if match is None:
        if params.dataset(spec.name)["optional"]:
            log.warning("%s: no file delivered; marked optional in %s", spec.name, params.path.name)
            return None
        required = "、".join(c.header for c in spec.columns if c.required) or "、".join(spec.columns[0].headers)
        directory = relative_label(params.reference_dir if spec.reference else params.raw_dir, params.root)
        raise InputError(
            f"required file missing: expected {spec.file}.csv or {spec.file}.xlsx (or .xls, .xlsb, .ods) ({spec.title}, "
            f"from {spec.office}), "
            f"or a file of any name whose header row names {required}; `make check-inputs` lists what matched",
            file=directory,
        )
    path = match.path
    label = relative_label(path, params.root)
    source = Source(spec.name, path, label, sha256_file(path))
    sheets = read_sheets(spec, path, label, match.sheets)
    log.info("%s: %s (%s)", spec.name, match.where(params.root), match.how)
    result = clean_sheets(spec, sheets, ctx)
    for name in spec.derive:
        if name not in DERIVATIONS:
            raise SpecError(f"specs/datasets/{spec.name}.yaml: unknown derivation '{name}'")
        result.frame = DERIVATIONS[name](result.frame, ctx)
    if result.ignored_columns:
        log.info("%s: ignored columns not in the contract: %s", label, ", ".join(result.ignored_columns))
    return result, source


def context_for(params: Params) -> CleanContext:
    lo, hi = params.date_range
    end_of_day = pd.Timedelta(hours=23, minutes=59, seconds=59)
    return CleanContext(
        year=params.year,
        date_min=pd.Timestamp(lo),
        date_max=pd.Timestamp(hi) + end_of_day,
        conventions=params.data["conventions"],
        params_file=relative_label(params.path, params.root),
    )


def clean_year(params: Params, work_dir: Path, datasets: list[str] | None = None) -> dict[str, CleanResult]:
    """Clean the year's datasets (all, or those named), write their outputs and the joined accounting.
    Reference tables are always cleaned first: they feed the other datasets' rules."""
    specs = load_specs(params.root)
    check_known_datasets(params, specs)
    ctx = context_for(params)
    results: dict[str, CleanResult] = {}
    for name, spec in specs.items():
        wanted = datasets is None or name in datasets
        if not wanted and not spec.reference:
            continue
        out = clean_dataset(spec, params, ctx)
        if out is None:
            if wanted:
                remove_outputs(params, Path(work_dir), name)
            continue
        result, source = out
        if spec.reference:
            ctx.reference[name] = result.frame
        if wanted:
            results[name] = result
            write_dataset_outputs(params, Path(work_dir), name, result, source)
    combine(places(params, Path(work_dir)), "accounting_part", "accounting", list(specs))
    log_unmatched(params, specs)
    return results


def log_unmatched(params: Params, specs: dict[str, DatasetSpec]) -> None:
    """Name, in the run's log, each delivered file or sheet that matched no dataset (ingest/recognise.py)."""

    for reference in (True, False):
        for path, sheet, why in resolve_for(params, specs, reference).unmatched:
            where = relative_label(path, params.root) + (f" [{sheet}]" if sheet else "")
            log.warning("%s: matched no dataset, not used (%s)", where, why)


def write_dataset_outputs(params: Params, work_dir: Path, name: str, result: CleanResult, source: Source) -> None:
    p = places(params, work_dir)
    p.write("clean_data", result.frame, name)
    p.write("quarantine", result.quarantine, name)
    p.write("accounting_part", accounting_frame(result, source), name)


def accounting_frame(result: CleanResult, source: Source) -> pd.DataFrame:
    """The dataset's lines of the row accounting: one per sheet read, each with the file's sha256."""
    return pd.DataFrame([{**acc.as_row(), "sha256": source.sha256} for acc in result.accounts])


def remove_outputs(params: Params, work_dir: Path, name: str) -> None:
    """An optional dataset with no file this year: no stale outputs from an earlier run stay behind."""
    p = places(params, work_dir)
    for artefact in DATASET_OUTPUTS:
        p(artefact, name).unlink(missing_ok=True)


def clean_in_memory(params: Params) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Every dataset of a year cleaned without writing anything (for the year-before column): the clean
    frames and their row accounting (one line per file, with its sha256, as the clean stage writes it)."""
    ctx = context_for(params)
    frames, accounting = {}, []
    for name, spec in load_specs(params.root).items():
        out = clean_dataset(spec, params, ctx)
        if out is None:
            continue
        result, source = out
        frames[name] = result.frame
        accounting.append(accounting_frame(result, source))
        if spec.reference:
            ctx.reference[name] = result.frame
    return frames, (pd.concat(accounting, ignore_index=True) if accounting else pd.DataFrame())


def present(at: Places, specs: dict[str, DatasetSpec]) -> list[str]:
    """The datasets the clean stage produced this year (their outputs are in place), in the specs' order."""
    return [n for n in specs if all(at(a, n).exists() for a in DATASET_OUTPUTS)]


def load_clean(params: Params, name: str) -> pd.DataFrame:
    """A clean dataset as the clean stage wrote it."""
    path = places(params)("clean_data", name)
    if not path.exists():
        raise InputError(f"clean data for '{name}' not found: run the clean stage first", file=str(path))
    return places(params).read("clean_data", name)
