"""The data-quality appendix's counts as ledger rows (kind `quality`), from the row accounting, the quarantined
rows and the validation summary: the totals of its intro (`quality.<count>`), each dataset's counts
(`quality.<dataset>.<count>`), the rows set aside by the rule they broke (`quality.<dataset>.set_aside.<rule>`) and
each warning's number of rows (`quality.<dataset>.check_<n>`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annualreport.base.glossary import RULES_ZH

if TYPE_CHECKING:
    import pandas as pd

ROWS = "行"
# (column of the row accounting, label) for the row counts, in the appendix's order.
ROW_COUNTS = (
    ("data_rows", "原始数据行"),
    ("clean_rows", "清洗后数据行"),
    ("quarantined_rows", "隔离行"),
    ("duplicate_rows", "删除的完全重复行"),
)


def _row(
    id_: str,
    label: str,
    n,
    unit: str,
    definition: str,
    dataset: str = "",
    inputs: str = "",
    validation: str = "",
    rows_used: int = 0,
) -> dict:
    return {
        "id": id_,
        "section": "附一",
        "label": label,
        "value": str(n),
        "unit": unit,
        "display": str(n),
        "wording": f"{n}{unit}",
        "dataset": dataset,
        "definition": definition,
        "rows_used": rows_used,
        "inputs": inputs,
        "validation": validation,
        "note": "",
        "kind": "quality",
    }


def quality_rows(
    accounting: pd.DataFrame,
    summary: pd.DataFrame,
    inputs: dict[str, str],
    status: dict[str, str],
    quarantine: dict[str, pd.DataFrame] | None = None,
) -> list[dict]:
    ok = summary["success"]
    warnings = summary[~ok & (summary["severity"] == "warning")]
    rows = [
        _row(
            "quality.datasets", "使用的数据集", accounting["dataset"].nunique(), "个", "datasets in the row accounting"
        ),
        _row("quality.files", "文件或工作表", len(accounting), "个", "files and sheets read (row accounting lines)"),
    ]
    rows += [
        _row(f"quality.{col}", label, int(accounting[col].sum()), ROWS, f"sum of {col} over the row accounting")
        for col, label in ROW_COUNTS
    ]
    rows += [
        _row("quality.checks", "数据校验", len(summary), "项", "expectations run (validation summary)"),
        _row("quality.checks_passed", "通过的数据校验", int(ok.sum()), "项", "expectations that passed"),
        _row("quality.warnings", "警告", len(warnings), "项", "failed expectations of severity warning"),
    ]
    for name, part in accounting.groupby("dataset", sort=False):
        s = summary[summary["dataset"] == name]
        src = {"dataset": name, "inputs": inputs.get(name, ""), "validation": status.get(name, "")}
        rows += [
            _row(
                f"quality.{name}.{col}",
                f"{name}：{label}",
                int(part[col].sum()),
                ROWS,
                f"sum of {col} over the dataset's files",
                **src,
            )
            for col, label in ROW_COUNTS
        ]
        rows += [
            _row(f"quality.{name}.checks", f"{name}：数据校验", len(s), "项", "the dataset's expectations", **src),
            _row(
                f"quality.{name}.checks_passed",
                f"{name}：通过的数据校验",
                int(s["success"].sum()),
                "项",
                "the dataset's expectations that passed",
                **src,
            ),
        ]
    for name, q in (quarantine or {}).items():
        src = {"dataset": name, "inputs": inputs.get(name, ""), "validation": status.get(name, "")}
        for rule, n in q.groupby("rule", sort=True).size().items():
            rows.append(
                _row(
                    f"quality.{name}.set_aside.{rule}",
                    f"{name}：{RULES_ZH.get(rule, rule)}",
                    int(n),
                    ROWS,
                    f"quarantined rows of rule {rule}",
                    **src,
                )
            )
    for w in warnings.to_dict("records"):
        n = w["unexpected_count"]
        row = _row(
            f"quality.{w['dataset']}.check_{w['index']}",
            f"{w['dataset']}：{w['description']}",
            n or "",
            ROWS,
            f"rows not meeting expectation {w['index']} ({w['expectation']}"
            + (f" on {w['column']}" if w.get("column") else "")
            + ", severity warning)",
            w["dataset"],
            inputs.get(w["dataset"], ""),
            status.get(w["dataset"], ""),
        )
        if not n:  # a table-level expectation: no row count
            row.update(display="未通过", wording="未通过", note="a table-level expectation: no row count")
        rows.append(row)
    return rows
