"""The stages as the notebooks call them: one function per notebook, all state on disk.

Each stage reads what the previous one wrote (Parquet in `data/processed/<year>/`, CSV in the
build's stage folder) so a notebook can be rerun alone, and the build driver can skip or
re-run stages independently.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from . import cleaning, validate
from .figures import compute_all
from .params import Params, load_params, previous_params
from .targets import evaluate
from .paths import repo_root
from .tables import read_csv, write_csv, write_xlsx

log = logging.getLogger(__name__)


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", force=True)


def stage_path(stage_dir: str | Path) -> Path:
    """A stage folder given relative to the repository (how notebooks get it) made absolute."""
    p = Path(stage_dir)
    return p if p.is_absolute() else repo_root() / p


def run_clean(params_file: str, stage_dir: str) -> pd.DataFrame:
    """Clean every dataset; returns the row accounting (one line per file and sheet)."""
    params = load_params(params_file)
    stage = stage_path(stage_dir)
    cleaning.clean_year(params, stage)
    return read_csv(stage / cleaning.ACCOUNTING_FILE)


def quarantine_overview(params_file: str) -> pd.DataFrame:
    """Quarantined rows per dataset and rule: where to look first when fixing office files."""
    params = load_params(params_file)
    frames = [read_csv(p) for p in sorted((params.processed_dir / "quarantine").glob("*.csv"))]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["dataset", "rule", "rows", "first_rows"])
    q = pd.concat(frames)
    return (q.groupby(["dataset", "rule"], sort=True)["row"]
            .agg(rows="count", first_rows=lambda s: ", ".join(list(s)[:5])).reset_index())


def clean_frames(params: Params, stage_dir: Path) -> dict[str, pd.DataFrame]:
    accounting = read_csv(stage_dir / cleaning.ACCOUNTING_FILE)
    return {name: cleaning.load_clean(params, name) for name in accounting["dataset"]}


def run_validate(params_file: str, stage_dir: str, strict: bool = False) -> pd.DataFrame:
    """Validate every clean dataset; write results, Data Docs and the auditor's page; return the
    summary. Raises ValidationFailed on a blocking failure (on any failure when `strict`)."""
    params = load_params(params_file)
    stage = stage_path(stage_dir)
    frames = clean_frames(params, stage)
    summary = validate.validate_year(params, stage, frames)
    validate.build_data_docs(params, frames, stage / "validation" / "data_docs")
    from .auditor import render_page

    page = render_page(params, stage)
    validate.gate(summary, params.allow_warnings and not strict, where=str(page.relative_to(params.root)))
    return summary


def dataset_status(summary: pd.DataFrame) -> dict[str, str]:
    out = {}
    for name, part in summary.groupby("dataset", sort=True):
        ok = part["success"].astype(str).str.lower() == "true"
        failed = part[~ok]
        if failed.empty:
            out[name] = "通过"
        elif (failed["severity"] == "blocking").any():
            out[name] = "未通过"
        else:
            out[name] = f"通过（{len(failed)}项警告）"
    return out


def run_figures(params_file: str, stage_dir: str) -> pd.DataFrame:
    """Compute the figure ledger and write `figures.csv`."""
    params = load_params(params_file)
    stage = stage_path(stage_dir)
    accounting = read_csv(stage / cleaning.ACCOUNTING_FILE)
    inputs = {}
    for row in accounting.to_dict("records"):
        entry = f"{row['file']}" + (f"[{row['sheet']}]" if row["sheet"] else "") + f" sha256:{row['sha256']}"
        inputs[row["dataset"]] = (inputs.get(row["dataset"], "") + "; " + entry).lstrip("; ")
    summary = read_csv(stage / "validation" / "summary.csv")
    ledger = compute_all(clean_frames(params, stage), params.year, inputs, dataset_status(summary), params.root)
    write_csv(ledger, stage / "figures.csv")
    write_xlsx(ledger, stage / "figures.xlsx", "figures")
    previous = previous_ledger(params)
    if previous is not None:
        write_csv(previous, stage / "figures_previous.csv")
    prev_params = previous_params(params)
    if prev_params is not None and prev_params.data["targets"]:
        write_csv(evaluate(prev_params.data["targets"], ledger, previous), stage / "targets.csv")
    return ledger


def previous_ledger(params: Params) -> pd.DataFrame | None:
    """The year before's figures, computed here from that year's raw files (cleaned in memory),
    so the year-before column depends only on inputs, not on an earlier build's outputs."""
    prev = previous_params(params)
    if prev is None or not prev.raw_dir.is_dir():
        return None
    return compute_all(cleaning.clean_in_memory(prev), prev.year, root=params.root)
