"""The stages as the notebooks call them: one function per notebook, all state on disk.

Each stage reads what the stages before it wrote (Parquet in `data/processed/<year>/`, CSV and JSON
in the build's work folder `build/<year>/work/`), so a notebook can be rerun alone, and the build
driver can reuse any stage whose inputs did not change. The clean and validate stages take the
list of datasets to (re)do; `None` means all.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from . import cleaning, validate
from .layout import ACCOUNTING_FILE, PREVIOUS_FILE
from .params import Params, load_params, previous_params
from .paths import work_path
from .tables import read_csv, write_csv, write_xlsx

log = logging.getLogger(__name__)

def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", force=True)


def run_clean(params_file: str, work_dir: str, datasets: list[str] | None = None) -> pd.DataFrame:
    """Clean the datasets (all, or those named); returns the whole row accounting (one line per file)."""
    params = load_params(params_file)
    work = work_path(work_dir)
    cleaning.clean_year(params, work, datasets)
    return read_csv(work / ACCOUNTING_FILE)


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


def clean_frames(params: Params, work_dir: Path) -> dict[str, pd.DataFrame]:
    accounting = read_csv(work_dir / ACCOUNTING_FILE)
    return {name: cleaning.load_clean(params, name) for name in accounting["dataset"]}


def run_validate(params_file: str, work_dir: str, datasets: list[str] | None = None,
                 strict: bool = False, data_docs: bool = False) -> pd.DataFrame:
    """Validate the clean datasets (all, or those named); join every dataset's results into
    `validation/summary.csv`; write the auditor's page (and, with `data_docs`, GX Data Docs, which
    the build makes in its own stage); return the summary. Raises ValidationFailed on a blocking
    failure (on any failure when `strict`). Great Expectations is imported only to validate."""
    params = load_params(params_file)
    work = work_path(work_dir)
    frames = clean_frames(params, work)
    if datasets is None or datasets:
        validate.validate_year(params, work, frames, datasets)
    names = list(frames)
    summary = read_csv(validate.combine_summary(work, names))
    if data_docs:
        run_data_docs(params_file, work_dir)
    from .auditor import render_page

    page = render_page(params, work)
    where = str(page.relative_to(params.root))
    if strict:  # the rows behind a failed expectation are usually the quarantined ones: name them first
        quarantine_gate(params, names, where)
    validate.gate(summary, params.allow_warnings and not strict, where=where)
    return summary


def quarantine_gate(params: Params, names: list[str], where: str) -> None:
    """Strict mode (ALLOW_WARNINGS=0): a quarantined row stops the run too, named by file, sheet,
    row and column, so a corrected file can be checked before anything is published."""
    from .errors import InputError, ValidationFailed

    total, first = 0, None
    for name in names:
        path = params.processed_dir / "quarantine" / f"{name}.csv"
        if not path.exists():
            continue
        q = read_csv(path)
        total += len(q)
        if first is None and len(q):
            first = q.iloc[0]
    if first is None:
        return
    row = int(first["row"]) if str(first["row"]).isdigit() else None
    located = InputError(f"{first['rule']}: {first['reason']}", file=first["file"], sheet=first["sheet"] or None,
                         row=row, column=first["column"] or None)
    raise ValidationFailed(f"{located} ({total} row(s) quarantined; strict mode stops on quarantined rows; "
                           f"see {where})")


def run_data_docs(params_file: str, work_dir: str) -> Path:
    """GX Data Docs (`validation/data_docs/index.html`) from the results the validation kept."""
    params = load_params(params_file)
    work = work_path(work_dir)
    names = list(read_csv(work / ACCOUNTING_FILE)["dataset"])
    return validate.build_data_docs(params, work, names, work / "validation" / "data_docs")


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


def run_previous(params_file: str, work_dir: str) -> pd.DataFrame | None:
    """The year before's figures, computed from that year's raw files (cleaned in memory), so the
    year-before column depends only on inputs, not on an earlier build's outputs. Writes
    `figures_previous.csv` (removes it when there is no year before)."""
    from .figures import compute_all

    params = load_params(params_file)
    out = work_path(work_dir) / PREVIOUS_FILE
    prev = previous_params(params)
    if prev is None or not prev.raw_dir.is_dir():
        out.unlink(missing_ok=True)
        return None
    ledger = compute_all(cleaning.clean_in_memory(prev), prev.year, root=params.root)
    write_csv(ledger, out)
    return ledger


def run_figures(params_file: str, work_dir: str) -> pd.DataFrame:
    """Compute the figure ledger (`figures.csv`, `figures.xlsx`) and the targets table."""
    from .figures import compute_all
    from .targets import evaluate

    params = load_params(params_file)
    work = work_path(work_dir)
    accounting = read_csv(work / ACCOUNTING_FILE)
    inputs = {}
    for row in accounting.to_dict("records"):
        entry = f"{row['file']}" + (f"[{row['sheet']}]" if row["sheet"] else "") + f" sha256:{row['sha256']}"
        inputs[row["dataset"]] = (inputs.get(row["dataset"], "") + "; " + entry).lstrip("; ")
    summary = read_csv(work / "validation" / "summary.csv")
    ledger = compute_all(clean_frames(params, work), params.year, inputs, dataset_status(summary), params.root)
    write_csv(ledger, work / "figures.csv")
    write_xlsx(ledger, work / "figures.xlsx", "figures")
    previous = read_csv(work / PREVIOUS_FILE) if (work / PREVIOUS_FILE).exists() else None
    prev_params = previous_params(params)
    targets = work / "targets.csv"
    if prev_params is not None and prev_params.data["targets"]:
        write_csv(evaluate(prev_params.data["targets"], ledger, previous), targets)
    else:
        targets.unlink(missing_ok=True)
    return ledger
