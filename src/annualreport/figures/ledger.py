"""The figures stage for a year: the figure ledger (every number the report shows, with its definition,
inputs and validation status) and last year's targets against this year's figures.

The ledger's rows, by `kind` (in this order):

- `computed`: every figure of `specs/figures/*.yaml`;
- `stated`: every figure the analyst declares with its source and date in the year's narrative folder
  (`stated.yaml`; numbers no office file carries, e.g. a ranking; `figures/stated.py`);
- `statement`: every phrase of the prose that states a status, chosen from the figures (`statements:` in
  `specs/figures/*.yaml`; `figures/phrases.py`);
- `chart`: every bar of every chart the year's outline shows (`specs/charts.yaml`; `chart.<chart_id>.<n>`);
- `previous`, `change`: for each figure a table of the year's outline lists and compares, the year before's
  value and the change (`<id>.previous`, `<id>.change`, `<id>.change_pct`; 新增 for a figure new this year;
  none for a figure declared `compare: false`; `figures/comparisons.py`);
- `target`: last year's plan tracked this year (`target.<target_id>.plan|target|actual|gap|status` and the
  counts `target.count|met|missed|nodata`; `figures/tracking.py`);
- `plan`: this year's plan for the next year as its prose prints it (`plan.<target_id>`);
- `quality`: the data-quality appendix's counts (`figures/quality.py`);
- `signed`: for each figure changed since the signoff, the value the reviewers signed (`figures/signed.py`).

The report reads all of these and computes nothing.
"""

from __future__ import annotations

import pandas as pd

from annualreport.base.glossary import COLUMN_ZH
from annualreport.base.outline import load_outline
from annualreport.base.params import Params, previous_params
from annualreport.base.places import Places, source_path
from annualreport.figures.charts import check_outline, load_charts, outline_charts, series_rows
from annualreport.figures.comparisons import table_figures, year_before_rows
from annualreport.figures.compute import LEDGER_COLUMNS, compute_all, load_definitions
from annualreport.figures.definitions import Words
from annualreport.figures.phrases import load_statements, statement_rows
from annualreport.figures.quality import quality_rows
from annualreport.figures.rows import row_tables
from annualreport.figures.signed import load_signed, signed_rows
from annualreport.figures.sources import with_source_rows
from annualreport.figures.stated import load_stated, stated_path, stated_rows
from annualreport.figures.tracking import assess, evaluate, ledger_rows, plan_rows
from annualreport.figures.workbook import write_ledger_workbook


def input_digests(accounting: pd.DataFrame) -> dict[str, str]:
    """{dataset: "file[sheet] sha256:…; …"}: the raw inputs behind each dataset, from the row accounting."""
    inputs: dict[str, str] = {}
    for row in accounting.to_dict("records"):
        entry = f"{row['file']}" + (f"[{row['sheet']}]" if row["sheet"] else "") + f" sha256:{row['sha256']}"
        inputs[row["dataset"]] = (inputs.get(row["dataset"], "") + "; " + entry).lstrip("; ")
    return inputs


def figure_columns(ledger: pd.DataFrame) -> pd.DataFrame:
    """Ledger rows as the notebooks show them: id, label, wording, value (无数据 when blank), unit, in Chinese."""
    shown = ledger.assign(value=ledger["value"].map(lambda v: v if v != "" else "无数据"))
    names = {c: COLUMN_ZH[c] for c in ("id", "label", "wording", "value", "unit")}
    return shown[list(names)].rename(columns=names).reset_index(drop=True)


def build(params: Params, at: Places, frames: dict[str, pd.DataFrame], status: dict[str, str]) -> pd.DataFrame:
    """Compute and write the ledger (CSV, and the auditor's workbook: `figures/workbook.py`), the targets
    table and the rows of the outline's row tables (`figures/rows.py`); return the ledger."""
    outline = load_outline(params.narrative_dir)
    charts = load_charts(params.root)
    check_outline(outline, charts)
    accounting = at.read("accounting")
    inputs = input_digests(accounting)
    sources: dict[str, tuple] = {}  # each figure's and bar's raw-file rows, for the workbook
    figures = compute_all(frames, params.year, inputs, status, params.root, sources)
    # what the year after takes as its year before, when this build is current (runner/yearbefore.py)
    at.write("handover", with_source_rows(figures, sources))
    defs, sets = load_definitions(params.root)
    words = Words.load(params.root, sets, params.year)
    stated = load_stated(params.narrative_dir, params.root)
    rows = stated_rows(stated, stated_path(params.narrative_dir), params.year, params.root)
    known = {r["id"]: r for r in figures.to_dict("records")} | {r["id"]: r for r in rows}
    statements = load_statements(params.root, known)
    rows += statement_rows(statements, known, params.year, params.institution["name"])
    for cid in dict.fromkeys(outline_charts(outline)):  # the charts this year's report shows
        ds = charts[cid].dataset
        rows += series_rows(
            charts[cid], frames.get(ds), sets, params.year, inputs.get(ds, ""), status.get(ds, ""), sources, words
        )
    previous = at.read("previous", missing_ok=True)
    rows += year_before_rows(figures, previous, table_figures(outline, figures["id"]), params.year, defs)
    prev_params = previous_params(params)
    if prev_params is not None and prev_params.data["targets"]:
        tracked = prev_params.data["targets"]
        at.write("targets", evaluate(tracked, figures, previous))
        rows += ledger_rows(assess(tracked, figures, previous), figures, params.year)
    else:
        at("targets").unlink(missing_ok=True)
    rows += plan_rows(params.data["targets"], figures, params.year)
    quarantine = {n: q for n in frames if (q := at.read("quarantine", n, missing_ok=True)) is not None and len(q)}
    titles = {name: spec.title for name, spec in words.specs.items()}
    rows += quality_rows(accounting, at.read("validation_summary"), inputs, status, quarantine, titles)
    defined = {r["id"]: r for r in figures.to_dict("records")} | {r["id"]: r for r in rows if r["kind"] == "stated"}
    rows += signed_rows(load_signed(source_path("signoff", params)), defined)
    ledger = pd.concat([figures, pd.DataFrame(rows, columns=LEDGER_COLUMNS)], ignore_index=True)
    at.write("ledger", ledger)
    at.write("row_tables", row_tables(outline, frames, sets, params.year))
    # from the CSV as written (all text, as the annex reads it), so both show the same cells
    write_ledger_workbook(at, at.read("ledger"), params, sources, previous)
    return ledger
