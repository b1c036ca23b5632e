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
# What each row count is, in words (the row accounting's columns).
ROW_COUNTS_ZH = {
    "data_rows": "数据行（不含标题行和说明行）",
    "clean_rows": "清洗后保留的行",
    "quarantined_rows": "因不符合数据规则而隔离、未参与计算的行",
    "duplicate_rows": "与另一行完全相同而删除的行",
}


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
    titles: dict[str, str] | None = None,
) -> list[dict]:
    """The rows; a dataset's rows are labelled by its Chinese title (`titles`, from its spec; its id is the rows'
    `dataset` and is in their `id`)."""
    titles = titles or {}
    ok = summary["success"]
    warnings = summary[~ok & (summary["severity"] == "warning")]
    rows = [
        _row("quality.datasets", "使用的数据集", accounting["dataset"].nunique(), "个", "本年度读入的数据集个数"),
        _row("quality.files", "文件或工作表", len(accounting), "个", "本年度读入的原始文件（或工作表）个数"),
    ]
    rows += [
        _row(
            f"quality.{col}",
            label,
            int(accounting[col].sum()),
            ROWS,
            f"全部数据集各原始文件中{ROW_COUNTS_ZH[col]}的总数",
        )
        for col, label in ROW_COUNTS
    ]
    rows += [
        _row("quality.checks", "数据校验", len(summary), "项", "对全部数据集执行的校验规则项数"),
        _row("quality.checks_passed", "通过的数据校验", int(ok.sum()), "项", "其中通过的校验规则项数"),
        _row("quality.warnings", "警告", len(warnings), "项", "未通过、级别为“警告”的校验规则项数"),
    ]
    for name, part in accounting.groupby("dataset", sort=False):
        s = summary[summary["dataset"] == name]
        named = f"《{titles.get(name, name)}》"
        src = {"dataset": name, "inputs": inputs.get(name, ""), "validation": status.get(name, "")}
        rows += [
            _row(
                f"quality.{name}.{col}",
                f"{titles.get(name, name)}：{label}",
                int(part[col].sum()),
                ROWS,
                f"{named}各原始文件中{ROW_COUNTS_ZH[col]}的总数",
                **src,
            )
            for col, label in ROW_COUNTS
        ]
        rows += [
            _row(
                f"quality.{name}.checks",
                f"{titles.get(name, name)}：数据校验",
                len(s),
                "项",
                f"对{named}执行的校验规则项数",
                **src,
            ),
            _row(
                f"quality.{name}.checks_passed",
                f"{titles.get(name, name)}：通过的数据校验",
                int(s["success"].sum()),
                "项",
                f"对{named}执行的校验规则中通过的项数",
                **src,
            ),
        ]
    for name, q in (quarantine or {}).items():
        src = {"dataset": name, "inputs": inputs.get(name, ""), "validation": status.get(name, "")}
        for rule, n in q.groupby("rule", sort=True).size().items():
            rows.append(
                _row(
                    f"quality.{name}.set_aside.{rule}",
                    f"{titles.get(name, name)}：{RULES_ZH.get(rule, rule)}",
                    int(n),
                    ROWS,
                    f"{named}中因“{RULES_ZH.get(rule, rule)}”而隔离、未参与计算的行数",
                    **src,
                )
            )
    for w in warnings.to_dict("records"):
        n = w["unexpected_count"]
        row = _row(
            f"quality.{w['dataset']}.check_{w['index']}",
            f"{titles.get(w['dataset'], w['dataset'])}：{w['description']}",
            n or "",
            ROWS,
            f"《{titles.get(w['dataset'], w['dataset'])}》中不符合第{w['index']}项校验规则（规则见指标名称，级别为“警告”）的行数",
            w["dataset"],
            inputs.get(w["dataset"], ""),
            status.get(w["dataset"], ""),
        )
        if not n:  # a table-level expectation: no row count
            row.update(display="未通过", wording="未通过", note="此项规则针对整张表，没有不符合的行数")
        rows.append(row)
    return rows
