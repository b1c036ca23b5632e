"""The clean stage's entry point (notebook `10-clean`) and the tables it shows the analyst: the row accounting by
office and dataset, and the quarantined rows by office, file and rule, read back from what it wrote."""

from __future__ import annotations

import pandas as pd

from annualreport.base import notebook as nb
from annualreport.base.glossary import CHECK_COLUMN_ZH, RULES_ZH
from annualreport.ingest import year as ingest_year
from annualreport.ingest.specs import load_specs

FIRST_ROWS = 5  # row numbers listed per quarantine rule


def run_clean(params_file: str, work_dir: str, datasets: list[str] | None = None) -> pd.DataFrame:
    """Clean the datasets (all, or those named; the reference tables are always read, other datasets' rules use
    them), write their outputs and the row accounting of every dataset; return the accounting."""
    params, at = nb.open_year(params_file, work_dir)
    ingest_year.clean_year(params, at.work, datasets)
    return at.read("accounting")


def clean_summary(params_file: str, work_dir: str) -> pd.DataFrame:
    """Row accounting by office and dataset: files, data rows = clean + quarantined + duplicates;
    a dataset the params list but nobody delivered (optional) shows as 未交付; a 合计 line last."""
    params, at = nb.open_year(params_file, work_dir)
    acc = at.read("accounting")
    counts = {"数据行": "data_rows", "清洗后": "clean_rows", "隔离": "quarantined_rows", "重复": "duplicate_rows"}
    rows = []
    for name, spec in load_specs(params.root).items():
        part = acc[acc["dataset"] == name]
        if part.empty and not params.lists(name):
            continue
        balanced = "未交付" if part.empty else nb.yes(part["balanced"].all())
        numbers = [int(part[c].sum()) for c in counts.values()]
        rows.append([spec.office, name, spec.title, part["file"].nunique(), *numbers, balanced])
    frame = nb.by_office(pd.DataFrame(rows, columns=["处室", "数据集", "名称", "文件数", *counts, "是否平衡"]))
    total = [
        "合计",
        "",
        "",
        acc["file"].nunique(),
        *(int(frame[c].sum()) for c in counts),
        nb.yes(acc["balanced"].all()),
    ]
    return pd.concat([frame, pd.DataFrame([total], columns=frame.columns)], ignore_index=True)


def quarantine_summary(params_file: str, work_dir: str) -> pd.DataFrame:
    """Quarantined rows by office, dataset, file and rule (in words), with the column named and the
    first row numbers of the file: where to look first when the office corrects its file. No values
    (the quarantine files hold the rows)."""
    params, at = nb.open_year(params_file, work_dir)
    words = CHECK_COLUMN_ZH
    columns = ["处室", words["dataset"], "文件", words["rule"], words["column"], "行数", f"行号（前{FIRST_ROWS}个）"]
    rows = []
    for name, spec in load_specs(params.root).items():
        q = at.read("quarantine", name, missing_ok=True)
        if q is None or q.empty:
            continue
        q = q.assign(where=q["file"] + q["sheet"].map(lambda s: f"（{s}）" if s else ""))
        for (where, rule, column), part in q.groupby(["where", "rule", "column"], sort=False):
            numbers = sorted(part["row"], key=lambda r: int(r) if r.isdigit() else 0)
            first = "、".join(numbers[:FIRST_ROWS]) + ("……" if len(numbers) > FIRST_ROWS else "")
            rows.append([spec.office, name, where, RULES_ZH.get(rule, rule), column, len(part), first])
    return nb.by_office(pd.DataFrame(rows, columns=columns))
