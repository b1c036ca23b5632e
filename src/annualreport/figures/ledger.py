"""The figures stage for a year: the figure ledger (every number the report shows, with its definition,
inputs and validation status) and last year's targets against this year's figures."""

from __future__ import annotations

import pandas as pd

from annualreport.figures.compute import compute_all
from annualreport.figures.targets import evaluate
from annualreport.project.catalog import Places
from annualreport.project.params import Params, previous_params


def input_digests(accounting: pd.DataFrame) -> dict[str, str]:
    """{dataset: "file[sheet] sha256:…; …"}: the raw inputs behind each dataset, from the row accounting."""
    inputs: dict[str, str] = {}
    for row in accounting.to_dict("records"):
        entry = f"{row['file']}" + (f"[{row['sheet']}]" if row["sheet"] else "") + f" sha256:{row['sha256']}"
        inputs[row["dataset"]] = (inputs.get(row["dataset"], "") + "; " + entry).lstrip("; ")
    return inputs


def build(params: Params, at: Places, frames: dict[str, pd.DataFrame], status: dict[str, str]) -> pd.DataFrame:
    """Compute and write the ledger (CSV and Excel) and the targets table; return the ledger."""
    ledger = compute_all(frames, params.year, input_digests(at.read("accounting")), status, params.root)
    at.write("ledger", ledger)
    at.write("ledger_xlsx", ledger)
    previous = at.read("previous", missing_ok=True)
    prev_params = previous_params(params)
    if prev_params is not None and prev_params.data["targets"]:
        at.write("targets", evaluate(prev_params.data["targets"], ledger, previous))
    else:
        at("targets").unlink(missing_ok=True)
    return ledger
