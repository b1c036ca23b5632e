"""The year before's figures (notebook `15-previous-year`): computed from that year's raw files, cleaned and
validated in memory with the current specs, suites and figure definitions, so the year-before column depends
only on inputs, not on an earlier build's outputs. Each figure carries that year's raw files (sha256) and its
datasets' validation status. And the tables the notebook shows."""

from __future__ import annotations

import pandas as pd

from annualreport.base import notebook as nb
from annualreport.base.params import previous_params
from annualreport.figures.compute import compute_all
from annualreport.figures.ledger import figure_columns, input_digests
from annualreport.figures.sources import compact_rows
from annualreport.ingest.year import clean_in_memory
from annualreport.validation.gate import dataset_status
from annualreport.validation.run import validate_in_memory


def run_previous(params_file: str, work_dir: str) -> pd.DataFrame | None:
    """Write the year before's figures; remove them when there is no year before (no params or no raw files)."""
    params, at = nb.open_year(params_file, work_dir)
    prev = previous_params(params)
    if prev is None or not prev.raw_dir.is_dir():
        at("previous").unlink(missing_ok=True)
        return None
    frames, accounting = clean_in_memory(prev)
    inputs = input_digests(accounting) if len(accounting) else {}
    status = dataset_status(validate_in_memory(prev, frames))
    sources: dict[str, tuple] = {}
    ledger = compute_all(frames, prev.year, inputs, status, root=params.root, sources=sources)
    # the raw-file rows each figure used, for the ledger workbook's provenance sheet
    ledger["source_rows"] = [compact_rows(sources.get(i, ())) for i in ledger["id"]]
    at.write("previous", ledger)
    return ledger


def previous_summary(params_file: str, work_dir: str):
    """One Chinese sentence (Markdown): which year's figures the 同比 columns use, or why there are none."""
    params, at = nb.open_year(params_file, work_dir)
    before = params.year - 1
    prev = at.read("previous", missing_ok=True)
    if prev is None:
        why = "没有上一年度的参数文件" if previous_params(params) is None else "没有上一年度的原始数据"
        return nb.markdown(f"{why}（{before}年），报告中的同比列和以上年为基数的目标留空。")
    valued = int((prev["value"] != "").sum())
    where = nb.relative(at("previous"))
    return nb.markdown(
        f"上一年度：{before}年。按现行指标定义，从{before}年的原始数据重新计算了 {len(prev)} 项指标，"
        f"其中 {valued} 项有数值，结果写入 `{where}`。"
    )


def previous_figures(params_file: str, work_dir: str) -> pd.DataFrame:
    """The year before's figures with Chinese headers (empty when there is no year before)."""
    _, at = nb.open_year(params_file, work_dir)
    prev = at.read("previous", missing_ok=True)
    return figure_columns(
        prev if prev is not None else pd.DataFrame(columns=["id", "label", "value", "unit", "wording"])
    )
