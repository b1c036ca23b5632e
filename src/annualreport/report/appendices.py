"""The report's appendices: 附一 数据质量 (the data-quality counts, ledger rows of kind `quality`) and
附二 the figure ledger itself, each row with the anchor the figures in the prose link to."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from annualreport.ingest.specs import load_specs


def quality_html(rows: dict[str, dict], root: Path, page: str) -> str:
    """数据质量: what was checked, what was set aside, every warning (ledger rows `quality.…`);
    links to the auditor's page (`page`, relative to the report)."""
    specs = load_specs(root)
    q = {rid.removeprefix("quality."): r["display"] for rid, r in rows.items() if r["kind"] == "quality"}
    intro = (
        f"本报告使用 {q['datasets']} 个数据集（{q['files']} 个文件或工作表）。原始数据行 {q['data_rows']} 行，"
        f"清洗后 {q['clean_rows']} 行；因缺少必填项、取值不在规定范围、日期不在本年度等原因隔离 {q['quarantined_rows']} 行，"
        f"删除完全重复行 {q['duplicate_rows']} 行，每个文件的行数均已核对平衡。共执行 {q['checks']} 项数据校验，"
        f"通过 {q['checks_passed']} 项，警告 {q['warnings']} 项，无阻断性问题。"
    )
    names = [
        rid.split(".")[1]
        for rid, r in rows.items()
        if r["kind"] == "quality" and rid.count(".") == 2 and rid.endswith(".data_rows")
    ]
    lines = [
        {
            "数据集": f"{specs[name].title if name in specs else name}（{name}）",
            "数据行": q[f"{name}.data_rows"],
            "清洗后": q[f"{name}.clean_rows"],
            "隔离": q[f"{name}.quarantined_rows"],
            "重复": q[f"{name}.duplicate_rows"],
            "校验": f"{q[f'{name}.checks_passed']}/{q[f'{name}.checks']} 通过",
        }
        for name in names
    ]
    table = (
        pd.DataFrame(lines)
        .style.hide(axis="index")
        .set_uuid("quality")
        .format(escape="html")
        .set_table_attributes('class="figtable"')
        .to_html()
    )
    warnings = [r for rid, r in rows.items() if r["kind"] == "quality" and ".check_" in rid]
    warn_html = ""
    if warnings:
        items = "".join(f"<li>{html.escape(r['label'])}（{html.escape(r['display'])}）</li>" for r in warnings)
        warn_html = f'<p>警告：</p><ul class="warnings">{items}</ul>'
    return (
        '<h2 class="sec sec-l1" id="quality">附一：数据质量</h2>'
        f'<div class="prose"><p>{html.escape(intro)}</p></div>{table}{warn_html}'
        f'<p class="note">每项校验的内容、结果和不符合的行见<a href="{page}">数据质量与校验报告'
        f"（{page}）</a>；隔离的问题行见 data/processed/ 下的 quarantine 文件。</p>"
    )


def ledger_html(ledger: pd.DataFrame, path: str) -> str:
    """The figure ledger as the report's appendix: the figures the prose quotes (kinds `computed`, `plan`
    and `stated`), each with an anchor the prose links to. A stated figure (declared by the analyst, no
    office file carries it) shows 陈述 as its dataset and its source and date under 校验. The derived rows
    (chart bars, year-before values and changes, target tracking, data-quality counts) are in the full
    ledger file, named by the note."""
    cols = ["label", "wording", "value", "dataset", "rows_used", "validation", "id"]
    ledger = ledger[ledger["kind"].isin(("computed", "plan", "stated"))]
    stated = ledger["kind"] == "stated"
    frame = ledger[cols].copy()
    frame.loc[stated, "dataset"] = "陈述"
    frame.loc[stated, "validation"] = ledger.loc[stated, "definition"].str.removeprefix("分析员陈述：")
    frame = frame.rename(
        columns={
            "id": "编号",
            "label": "指标",
            "wording": "报告中的表述",
            "value": "精确值",
            "dataset": "数据集",
            "rows_used": "所用行数",
            "validation": "校验",
        }
    )
    styler = (
        frame.style.hide(axis="index").set_uuid("ledger").format(escape="html").set_table_attributes('class="ledger"')
    )
    out = styler.to_html()
    # Give each row an anchor the figures in the prose link to.
    for fid in ledger["id"]:
        esc = html.escape(fid)
        out = out.replace(f">{esc}</td>", f' id="fig-{esc}">{esc}</td>', 1)
    note = (
        "数据集为“陈述”的指标没有部门数据文件可依，由分析人员按所列来源（文件或部门及日期）陈述，登记在年度正文目录的 stated.yaml 中。"
        if stated.any()
        else ""
    )
    return (
        '<h2 class="sec sec-l1" id="ledger">附二：数据来源与指标台账</h2>'
        f'<p class="note">正文引用的指标见下表，可在 {path} 中查到其定义、所用数据行数和原始文件的 SHA-256；'
        "图表数值、上年数与同比变化、目标完成情况和数据质量统计也逐项列在该文件中（按 kind 列区分），此处从略。"
        f"{note}</p>" + out
    )
