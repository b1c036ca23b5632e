"""The report's appendix 附：数据质量: a short paragraph (the data-quality counts, ledger rows of kind
`quality`) and what remains open per office (quarantined rows, failed warning checks). The figure
ledger itself is a separate file, the annex (`report/annex.py`), which the report's figures link to."""

from __future__ import annotations

import html
from pathlib import Path

from annualreport.ingest.specs import load_specs

HEADING = "附：数据质量"
QUARANTINED = "隔离行：未计入统计，请处室更正后重报"


def open_items(rows: dict[str, dict], root: Path) -> list[dict]:
    """What remains open, per dataset (ledger rows `quality.<dataset>.quarantined_rows` above zero and
    `quality.<dataset>.check_<n>`, the failed warnings), offices in the specs' order."""
    specs = load_specs(root)
    items = []
    for rid, r in rows.items():
        if r["kind"] != "quality" or rid.count(".") != 2:
            continue
        name, what = rid.split(".")[1:]
        if what == "quarantined_rows" and r["value"] not in ("", "0"):
            issue = QUARANTINED
        elif what.startswith("check_"):
            issue = "校验警告：" + r["label"].removeprefix(f"{name}：")
        else:
            continue
        spec = specs.get(name)
        items.append(
            {
                "office": spec.office if spec and spec.office else "未注明处室",
                "dataset": f"{spec.title if spec else name}（{name}）",
                "issue": issue,
                "count": r["display"],
                "rid": rid,
            }
        )
    order = {name: i for i, name in enumerate(specs)}
    offices = {}
    for item in sorted(items, key=lambda i: order.get(i["rid"].split(".")[1], len(order))):
        offices.setdefault(item["office"], []).append(item)
    return [i for group in offices.values() for i in group]


def open_table(items: list[dict]) -> str:
    """One table, an office's lines together (its name once, spanning them)."""
    lines = []
    for n, item in enumerate(items):
        first = n == 0 or items[n - 1]["office"] != item["office"]
        span = sum(1 for i in items if i["office"] == item["office"])
        office = f'<td rowspan="{span}">{html.escape(item["office"])}</td>' if first else ""
        lines.append(
            f"<tr>{office}<td>{html.escape(item['dataset'])}</td><td>{html.escape(item['issue'])}</td>"
            f"<td>{html.escape(item['count'])}</td></tr>"
        )
    head = "<tr><th>处室</th><th>数据集</th><th>待处理事项</th><th>行数</th></tr>"
    return (
        '<table class="figtable open"><caption>各处室尚待处理的数据问题</caption>'
        f"<thead>{head}</thead><tbody>{''.join(lines)}</tbody></table>"
    )


def quality_html(rows: dict[str, dict], root: Path, page: str, annex: str) -> str:
    """附：数据质量: the counts (ledger rows `quality.…`) and what remains open per office; links to the
    auditor's page (`page`) and the ledger annex (`annex`), both relative to the report."""
    q = {rid.removeprefix("quality."): r["display"] for rid, r in rows.items() if r["kind"] == "quality"}
    intro = (
        f"本报告使用 {q['datasets']} 个数据集（{q['files']} 个文件或工作表），原始数据行 {q['data_rows']} 行，"
        f"清洗后 {q['clean_rows']} 行，隔离 {q['quarantined_rows']} 行，删除完全重复行 {q['duplicate_rows']} 行，"
        f"每个文件的行数均已核对平衡。共执行 {q['checks']} 项数据校验，通过 {q['checks_passed']} 项，"
        f"警告 {q['warnings']} 项，无阻断性问题。"
    )
    items = open_items(rows, root)
    if items:
        rest = "<p>尚待处理的问题按处室列于下表。</p></div>" + open_table(items)
    else:
        rest = "<p>各处室的数据均无隔离行，也没有未通过的校验，没有尚待处理的问题。</p></div>"
    return (
        f'<h2 class="sec sec-l1" id="quality">{HEADING}</h2>'
        f'<div class="prose"><p>{html.escape(intro)}</p>{rest}'
        f'<p class="note">每项校验的内容、结果和不符合的行见<a href="{page}">数据质量与校验报告'
        f"（{page}）</a>；报告中每个数字的来源、定义和所用行数见"
        f'<a href="{annex}">数据来源与指标台账（{annex}）</a>。</p>'
    )
