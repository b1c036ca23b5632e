"""The reviewers' copy's appendix 附：数据质量, written for the office heads in plain words: how many rows the
report's numbers come from, how many were left out and why, and what each office must check or send again (ledger
rows of kind `quality`, `figures/quality.py`). No dataset codes, no file names, no internal terms; the rows
themselves are in each office's correction list and the auditor's page, and every number's source in the ledger
annex (`report/annex.py`), which the copy's numbers link to."""

from __future__ import annotations

import html
from pathlib import Path

from annualreport.ingest.specs import load_specs
from annualreport.report.narrative import ledger_link

HEADING = "附：数据质量"


def open_items(rows: dict[str, dict], root: Path) -> list[dict]:
    """What an office must act on, one line per dataset, offices in the specs' order: the rows left out of the
    report, by the rule they broke (`quality.<dataset>.set_aside.<rule>`), and the rows a check flags but the
    report counts (`quality.<dataset>.check_<n>`)."""
    specs = load_specs(root)
    order = {name: i for i, name in enumerate(specs)}
    by_dataset: dict[str, dict] = {}
    for rid, r in rows.items():
        parts = rid.split(".")
        if r["kind"] != "quality" or len(parts) < 3 or r["value"] in ("", "0"):
            continue
        name = parts[1]
        if parts[2] == "set_aside" and len(parts) == 4:
            kind = "left_out"
        elif parts[2].startswith("check_"):
            kind = "flagged"
        else:
            continue
        spec = specs.get(name)
        item = by_dataset.setdefault(
            name,
            {"office": spec.office if spec and spec.office else "未注明处室", "data": spec.title if spec else name,
             "left_out": [], "flagged": [], "order": order.get(name, len(order))},
        )  # fmt: skip
        what = html.escape(r["label"].split("：", 1)[-1])
        count = ledger_link(rid, r["display"])
        item[kind].append(f"{what}{count}行" if kind == "left_out" else f"“{what}”未满足{count}行")
    offices: dict[str, list[dict]] = {}  # an office's datasets together, offices in the order they first come
    for item in sorted(by_dataset.values(), key=lambda i: i["order"]):
        action = "按更正清单逐行改正，重新报送" if item["left_out"] else "核对这些行，如有误请改正后重新报送"
        offices.setdefault(item["office"], []).append(
            item | {"left_out": "；".join(item["left_out"]) or "—", "flagged": "；".join(item["flagged"]) or "—",
                    "action": action}
        )  # fmt: skip
    return [item for group in offices.values() for item in group]


def open_table(items: list[dict]) -> str:
    """One table, an office's lines together (its name once, spanning them)."""
    lines = []
    for n, item in enumerate(items):
        first = n == 0 or items[n - 1]["office"] != item["office"]
        span = sum(1 for i in items if i["office"] == item["office"])
        office = f'<td rowspan="{span}">{html.escape(item["office"])}</td>' if first else ""
        cells = "".join(
            f"<td>{item[k] if k in ('left_out', 'flagged') else html.escape(item[k])}</td>"  # those two are markup
            for k in ("data", "left_out", "flagged", "action")
        )
        lines.append(f"<tr>{office}{cells}</tr>")
    head = "<tr><th>处室</th><th>报送的数据</th><th>未计入统计的行</th><th>已计入但需核对的行</th><th>请处室</th></tr>"
    return (
        '<table class="figtable open"><caption>请各处室核对或重新报送的数据</caption>'
        f"<thead>{head}</thead><tbody>{''.join(lines)}</tbody></table>"
    )


def quality_html(rows: dict[str, dict], root: Path, page: str, annex: str) -> str:
    """附：数据质量 in plain words; links to the auditor's page (`page`) and the ledger annex (`annex`), both
    relative to the copy."""
    values = {rid.removeprefix("quality."): r["display"] for rid, r in rows.items() if r["kind"] == "quality"}
    q = {k: ledger_link(f"quality.{k}", v) for k, v in values.items()}  # every number a link to its ledger row
    left_out = f"{q['quarantined_rows']}行因信息不全或格式不符未计入统计" if values["quarantined_rows"] != "0" else ""
    twice = f"{q['duplicate_rows']}行是重复报送的同一内容，只计一次" if values["duplicate_rows"] != "0" else ""
    counted = "；".join(x for x in (left_out, twice) if x)
    flagged = f"，{q['warnings']}项提示有数据需要核对（这些数据已计入统计）" if values["warnings"] != "0" else ""
    intro = (
        f"本报告中的数字来自{q['datasets']}类数据、{q['files']}个文件或工作表，共{q['data_rows']}行。"
        f"其中{q['clean_rows']}行计入统计" + (f"；{counted}" if counted else "") + "。"
        f"对数据共做了{q['checks']}项检查，{q['checks_passed']}项通过{flagged}；没有影响报告数字的问题。"
    )
    items = open_items(rows, root)
    if items:
        rest = "<p>请下列处室核对所报送的数据，或改正后重新报送（各处室的更正清单另附）。</p></div>" + open_table(items)
    else:
        rest = "<p>各处室报送的数据均已计入统计，也没有需要核对的问题。</p></div>"
    return (
        f'<h2 class="sec sec-l1" id="quality">{HEADING}</h2>'
        f'<div class="prose"><p>{intro}</p>{rest}'
        f'<p class="note">每项检查的内容、结果和所涉及的行见<a href="{html.escape(page)}">数据质量与校验报告</a>；'
        f'报告中每个数字的来源、定义和所用行数见<a href="{html.escape(annex)}">数据来源与指标台账</a>。</p>'
    )
