"""The year before's figures (notebook `15-previous-year`), with the current specs, suites and figure definitions,
so the year-before column depends only on inputs, not on what an earlier build happened to leave behind. Each
figure carries that year's raw files (sha256), its datasets' validation status and the raw-file rows it used.

Two ways to the same bytes: when the year before's own build was made from exactly these inputs and this code,
its figures stage handed them on (the `handover` artefact, kept in the cache; the driver finds it and passes its
path as `year_before_build`, `runner/yearbefore.py`) and they are copied; otherwise the year before's raw files
are cleaned and validated in memory and its figures computed here. And the tables the notebook shows."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pandas as pd

from annualreport.base import notebook as nb
from annualreport.base.digests import content_digest
from annualreport.base.params import previous_params
from annualreport.base.tables import atomic_write_bytes
from annualreport.figures.compute import compute_all
from annualreport.figures.ledger import figure_columns, input_digests
from annualreport.figures.sources import with_source_rows
from annualreport.ingest.year import clean_in_memory
from annualreport.validation.gate import dataset_status
from annualreport.validation.run import validate_in_memory

log = logging.getLogger(__name__)


def run_previous(params_file: str, work_dir: str, year_before_build: str = "") -> pd.DataFrame | None:
    """Write the year before's figures; remove them when there is no year before (no params or no raw files).
    `year_before_build`: the figures the year before's own build handed on (a cache blob named by its sha256,
    relative to the project), taken as they are; empty: computed from the year before's raw files."""
    params, at = nb.open_year(params_file, work_dir)
    prev = previous_params(params)
    if prev is None or not prev.raw_dir.is_dir():
        at("previous").unlink(missing_ok=True)
        return None
    if year_before_build and taken(params.root / year_before_build, at("previous")):
        return at.read("previous")
    frames, accounting = clean_in_memory(prev)
    inputs = input_digests(accounting) if len(accounting) else {}
    status = dataset_status(validate_in_memory(prev, frames))
    sources: dict[str, tuple] = {}
    figures = compute_all(frames, prev.year, inputs, status, root=params.root, sources=sources)
    ledger = with_source_rows(figures, sources)  # the raw-file rows each figure used, for the ledger workbook
    at.write("previous", ledger)
    return ledger


def taken(blob: Path, dest: Path) -> bool:
    """Copy the year before's handed-on figures into place when their bytes are those their name says."""
    try:
        with open(blob, "rb") as f:
            data = f.read()
    except OSError as exc:
        log.warning("the year before's build is unreadable (%s): computing from its raw files", exc)
        return False
    if hashlib.sha256(data).hexdigest() != blob.name:
        log.warning("the year before's build is damaged (%s): computing from its raw files", blob.name)
        return False
    atomic_write_bytes(dest, data)
    return True


def previous_summary(params_file: str, work_dir: str, year_before_build: str = ""):
    """One Chinese sentence (Markdown): which year's figures the 同比 columns use and where they came from, or why
    there are none."""
    params, at = nb.open_year(params_file, work_dir)
    before = params.year - 1
    prev = at.read("previous", missing_ok=True)
    if prev is None:
        why = "没有上一年度的参数文件" if previous_params(params) is None else "没有上一年度的原始数据"
        return nb.markdown(f"{why}（{before}年），报告中的同比列和以上年为基数的目标留空。")
    valued = int((prev["value"] != "").sum())
    where = nb.relative(at("previous"))
    how = (
        f"{before}年度本身的构建所用的代码、原始数据、参数、规格和期望与现在相同，直接取用其计算的"
        if year_before_build and content_digest(at("previous")) == Path(year_before_build).name
        else f"按现行指标定义，从{before}年的原始数据重新计算了"
    )
    return nb.markdown(f"上一年度：{before}年。{how} {len(prev)} 项指标，其中 {valued} 项有数值，结果写入 `{where}`。")


def previous_figures(params_file: str, work_dir: str) -> pd.DataFrame:
    """The year before's figures with Chinese headers (empty when there is no year before)."""
    _, at = nb.open_year(params_file, work_dir)
    prev = at.read("previous", missing_ok=True)
    return figure_columns(
        prev if prev is not None else pd.DataFrame(columns=["id", "label", "value", "unit", "wording"])
    )
