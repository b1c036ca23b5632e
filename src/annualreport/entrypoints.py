"""The notebooks' entry points: one function per notebook, all state on disk.

Each stage reads what the stages before it wrote (see `project.catalog`), so a notebook can be rerun
alone, and the build driver can reuse any stage whose inputs did not change. The clean and validate
stages take the list of datasets to (re)do; `None` means all. Log lines go to the stage's log file
(`logs/<notebook>.log` in the work folder), not into the notebook.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from annualreport.ingest import year as cleaning
from annualreport.project.catalog import Places, places
from annualreport.project.params import Params, load_params, previous_params
from annualreport.project.paths import work_path

log = logging.getLogger(__name__)


def setup_logging(work_dir: str, notebook: str) -> str:
    """Send this kernel's log lines to the stage's log file; return its path relative to the project."""
    path = Places(work_path(work_dir), work_path(work_dir))("logs", notebook=notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.captureWarnings(True)
    root = work_path(".")
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _open(params_file: str, work_dir: str) -> tuple[Params, Places]:
    params = load_params(params_file)
    return params, places(params, work_path(work_dir))


def run_clean(params_file: str, work_dir: str, datasets: list[str] | None = None) -> pd.DataFrame:
    """Clean the datasets (all, or those named); returns the whole row accounting (one line per file)."""
    params, at = _open(params_file, work_dir)
    cleaning.clean_year(params, at.work, datasets)
    return at.read("accounting")


def quarantine_overview(params_file: str, work_dir: str | None = None) -> pd.DataFrame:
    """Quarantined rows per dataset and rule: where to look first when fixing office files."""
    params = load_params(params_file)
    at = places(params, work_path(work_dir) if work_dir else None)
    frames = [q for q in (at.read("quarantine", n, missing_ok=True) for n in _present(params, at))
              if q is not None and not q.empty]
    if not frames:
        return pd.DataFrame(columns=["dataset", "rule", "rows", "first_rows"])
    q = pd.concat(frames)
    return (q.groupby(["dataset", "rule"], sort=True)["row"]
            .agg(rows="count", first_rows=lambda s: ", ".join(list(s)[:5])).reset_index())


def _present(params: Params, at: Places) -> list[str]:
    """The datasets cleaned this year, in the specs' order (as the row accounting lists them)."""
    return list(dict.fromkeys(at.read("accounting")["dataset"]))


def clean_frames(params: Params, work_dir: Path) -> dict[str, pd.DataFrame]:
    at = places(params, Path(work_dir))
    return {name: cleaning.load_clean(params, name) for name in at.read("accounting")["dataset"]}


def run_validate(params_file: str, work_dir: str, datasets: list[str] | None = None,
                 strict: bool = False) -> pd.DataFrame:
    """Validate the clean datasets (all, or those named); join every dataset's results into the
    validation summary; write the auditor's page; return the summary. Raises ValidationFailed on a
    blocking failure (on any failure when `strict`). Great Expectations is imported only to validate."""
    from annualreport.validation import gate, run
    from annualreport.validation.page import render_page

    params, at = _open(params_file, work_dir)
    frames = clean_frames(params, at.work)
    if datasets is None or datasets:
        run.validate_year(params, at.work, frames, datasets)
    names = list(frames)
    run.combine_summary(params, at.work, names)
    summary = at.read("validation_summary")
    page = render_page(params, at.work)
    where = str(page.relative_to(params.root))
    if strict:  # the rows behind a failed expectation are usually the quarantined ones: name them first
        gate.quarantine_gate([at.read("quarantine", n, missing_ok=True) for n in names], where)
    gate.gate(summary, params.allow_warnings and not strict, where=where)
    return summary


def run_data_docs(params_file: str, work_dir: str) -> str:
    """GX Data Docs from the results the validation kept; returns the index page, relative to the project."""
    from annualreport.validation.data_docs import build_data_docs

    params, at = _open(params_file, work_dir)
    index = build_data_docs(params, at.work, _present(params, at), at("data_docs"))
    return index.relative_to(params.root).as_posix() if index.is_relative_to(params.root) else str(index)


def run_previous(params_file: str, work_dir: str) -> pd.DataFrame | None:
    """The year before's figures, computed from that year's raw files (cleaned in memory), so the
    year-before column depends only on inputs, not on an earlier build's outputs. Removes the
    artefact when there is no year before."""
    from annualreport.figures.compute import compute_all

    params, at = _open(params_file, work_dir)
    prev = previous_params(params)
    if prev is None or not prev.raw_dir.is_dir():
        at("previous").unlink(missing_ok=True)
        return None
    ledger = compute_all(cleaning.clean_in_memory(prev), prev.year, root=params.root)
    at.write("previous", ledger)
    return ledger


def run_figures(params_file: str, work_dir: str) -> pd.DataFrame:
    """Compute the figure ledger (CSV and Excel) and the targets table."""
    from annualreport.figures import ledger
    from annualreport.validation.gate import dataset_status

    params, at = _open(params_file, work_dir)
    status = dataset_status(at.read("validation_summary"))
    return ledger.build(params, at, clean_frames(params, at.work), status)
