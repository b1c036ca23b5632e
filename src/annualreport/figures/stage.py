"""The figures stage's entry point (notebook `30-figures`): the ledger (`figures/ledger.py`), and the tables the
notebook shows: the report's outline with its section codes, and the figures by section."""

from __future__ import annotations

import pandas as pd

from annualreport.base import notebook as nb
from annualreport.base.outline import groups, section_codes
from annualreport.base.params import load_params
from annualreport.figures import ledger
from annualreport.ingest.specs import load_specs
from annualreport.ingest.year import load_clean, present
from annualreport.validation.gate import dataset_status


def run_figures(params_file: str, work_dir: str) -> pd.DataFrame:
    """Compute the figure ledger (CSV and Excel), the targets table and the rows of the outline's row tables."""
    params, at = nb.open_year(params_file, work_dir)
    status = dataset_status(at.read("validation_summary"))
    frames = {n: load_clean(params, n) for n in present(at, load_specs(params.root))}
    return ledger.build(params, at, frames, status)


def report_sections(params_file: str) -> pd.DataFrame:
    """The report's outline: level, code (as the figure specs refer to it) and heading."""
    rows = section_codes(load_params(params_file))
    return pd.DataFrame([(level, code, heading) for code, level, heading in rows], columns=["层级", "编号", "标题"])


def figures_by_section(params_file: str, work_dir: str) -> pd.DataFrame:
    """The ledger's figures grouped by the report section they belong to, in the report's order
    (`base.outline.groups`, as the ledger annex groups them); the defined and the stated figures only
    (bars, year-before rows etc. derive from them)."""
    params, at = nb.open_year(params_file, work_dir)
    rows = at.read("ledger")
    rows = rows[rows["kind"].isin(("computed", "stated"))]
    parts = [ledger.figure_columns(part).assign(章节=heading) for heading, part in groups(rows, params)]
    frame = pd.concat(parts, ignore_index=True) if parts else ledger.figure_columns(rows).assign(章节="")
    return frame[["章节", *(c for c in frame.columns if c != "章节")]]
