"""The validation step's entry point (notebook `20-validate`): each dataset's suite run on its clean data, then
the whole year's part (the summary, the auditor's page, the corrections back to the offices, GX's Data Docs
rendered from the results just kept, the gate); and the tables it shows the analyst. Great Expectations is
imported by this kernel only, once per build: validation and Data Docs share it."""

from __future__ import annotations

import pandas as pd

from annualreport.base import notebook as nb
from annualreport.base.glossary import CHECK_COLUMN_ZH, SEVERITY_ZH
from annualreport.base.params import Params
from annualreport.base.places import Places
from annualreport.ingest.specs import load_specs
from annualreport.ingest.year import load_clean, present
from annualreport.validation import data_docs, gate, run
from annualreport.validation.corrections import write_corrections
from annualreport.validation.page import render_page


def frames_for(params: Params, at: Places, names: list[str]) -> dict[str, pd.DataFrame]:
    """The clean data of the datasets named and of the reference tables their suites' parameters read."""
    specs = load_specs(params.root)
    wanted = [n for n in present(at, specs) if n in names or specs[n].reference]
    return {n: load_clean(params, n) for n in wanted}


def run_validate(
    params_file: str, work_dir: str, datasets: list[str] | None = None, strict: bool = False
) -> pd.DataFrame:
    """Validate the clean datasets (all, or those named); join every dataset's results into the validation
    summary; write the auditor's page, the offices' corrections and GX's Data Docs; return the summary. Raises ValidationFailed
    on a blocking failure (on any failure when `strict`)."""
    params, at = nb.open_year(params_file, work_dir)
    names = present(at, load_specs(params.root))
    todo = names if datasets is None else [n for n in names if n in datasets]
    if todo:
        run.validate_year(params, at.work, frames_for(params, at, todo), todo)
    run.combine_summary(params, at.work, names)
    summary = at.read("validation_summary")
    page = render_page(params, at.work)
    write_corrections(params, at.work, names)
    data_docs.build_data_docs(params, at.work, names, at("data_docs"))  # before the gate: a failed year has them too
    where = str(page.relative_to(params.root))
    if strict:  # the rows behind a failed expectation are usually the quarantined ones: name them first
        gate.quarantine_gate([at.read("quarantine", n, missing_ok=True) for n in names], where)
    gate.gate(summary, params.allow_warnings and not strict, where=where)
    return summary


def validation_summary(params_file: str, work_dir: str) -> pd.DataFrame:
    """Per dataset: failed blocking and warning expectations, passed, total, and the status the
    ledger shows (通过, 通过（n项警告）, 未通过)."""
    params, at = nb.open_year(params_file, work_dir)
    summary = at.read("validation_summary")
    status = gate.dataset_status(summary)
    specs = load_specs(params.root)
    rows = []
    for name, part in summary.groupby("dataset", sort=False):
        failed = part.loc[~part["success"], "severity"]
        title = specs[name].title if name in specs else name
        blocking, warning = (int((failed == s).sum()) for s in ("blocking", "warning"))
        rows.append([name, title, blocking, warning, int(part["success"].sum()), len(part), status[name]])
    names = ("dataset", "title", "failed_blocking", "failed_warning", "passed", "total", "status")
    return pd.DataFrame(rows, columns=[CHECK_COLUMN_ZH[n] for n in names])


def validation_failures(params_file: str, work_dir: str) -> pd.DataFrame:
    """Every failed expectation, blocking first, in words (the suites describe each in Chinese), the
    column under its header in the office's file."""
    params, at = nb.open_year(params_file, work_dir)
    headers = {(n, c.name): c.header for n, spec in load_specs(params.root).items() for c in spec.canonical}
    summary = at.read("validation_summary")
    failed = summary[~summary["success"]].sort_values("severity", key=lambda s: s != "blocking", kind="stable")
    column = [headers.get((d, c), c) for d, c in zip(failed["dataset"], failed["column"], strict=True)]
    failed = failed.assign(severity=failed["severity"].map(lambda s: SEVERITY_ZH.get(s, s)), column=column)
    names = ("dataset", "severity", "description", "column", "unexpected_count")
    return nb.columns(failed, **{n: CHECK_COLUMN_ZH[n] for n in names})


def data_docs_index(params_file: str, work_dir: str) -> str:
    """GX Data Docs' index page, relative to the project (for the notebook's link)."""
    _, at = nb.open_year(params_file, work_dir)
    return nb.relative(data_docs.index_page(at("data_docs")))
