"""The ledger annex (附件：数据来源与指标台账): every number the report shows, one table per report
section in the order of the year's outline, each row with the anchor (`id="fig-<id>"`) the report's
figures link to. Written by the html stage beside the report (and printed by the pdf stage); it reads
only the ledger (`figures/ledger.py`) and the outline, and computes nothing.

A ledger row belongs to the deepest outline section whose code starts its own `section` (as
`entrypoints.figures_by_section` places figures); target counts without a section form the targets
group, the data-quality counts (`附一`) the last one.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from annualreport.base.glossary import KIND_ZH, KINDS_EXPLAINED
from annualreport.base.outline import groups
from annualreport.base.places import places
from annualreport.typeset.pages import render_page

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from annualreport.base.params import Params

ANNEX_TITLE = "附件：数据来源与指标台账"
PAGE_CLASS = "annex"

COLUMNS = ("编号", "指标", "类别", "报告中的表述", "精确值", "单位", "数据集", "定义", "所用行数", "校验")
STATED_PREFIX = "分析员陈述："


def _cells(r: dict) -> list[str]:
    stated = r["kind"] == "stated"
    return [
        r["label"],
        KIND_ZH.get(r["kind"], r["kind"]),
        r["wording"],
        r["value"] if r["value"] != "" else "无数据",
        r["unit"],
        "陈述" if stated else r["dataset"],
        r["definition"],
        str(r["rows_used"]),
        r["definition"].removeprefix(STATED_PREFIX) if stated else r["validation"],
    ]


def table_html(rows: pd.DataFrame) -> str:
    head = "".join(f"<th>{h}</th>" for h in COLUMNS)
    body = []
    for r in rows.to_dict("records"):
        rid = html.escape(r["id"])
        tds = "".join(f"<td>{html.escape(c)}</td>" for c in _cells(r))
        body.append(f'<tr id="fig-{rid}"><td class="id"><code>{rid}</code></td>{tds}</tr>')
    return f'<table class="ledger annex"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def annex_body(ledger: pd.DataFrame, params: Params, report_title: str, files: dict[str, str]) -> str:
    """The annex's content. `files`: the report's and the full ledger's paths, relative to the annex."""
    institution = params.institution["name"]
    kinds = "".join(f"<li><b>{html.escape(k)}</b>：{html.escape(v)}</li>" for k, v in KINDS_EXPLAINED)
    intro = (
        f"本附件列出{html.escape(report_title)}（{html.escape(files['report'])}）中出现的每一个数字，"
        "按报告章节分组，每行给出编号、指标、类别、报告中的表述、精确值、单位、数据集、定义、所用行数和校验结果。"
        f"正文中的数字链接到本附件的对应行。原始文件的 SHA-256 见完整台账 {html.escape(files['ledger'])}"
        f"（Excel：{html.escape(files['ledger_xlsx'])}）。"
    )
    parts = [
        f'<div class="cover annex-cover"><p class="cover-org">{html.escape(institution)}</p>'
        f'<h1 class="cover-title">{ANNEX_TITLE}</h1>'
        f'<p class="cover-sub">{params.year}年度 · {html.escape(report_title)}</p></div>',
        f'<div class="prose"><p>{intro}</p></div><p class="note">类别：</p><ul class="kinds">{kinds}</ul>',
    ]
    for i, (heading, rows) in enumerate(groups(ledger, params)):
        parts.append(f'<h2 class="sec annex-sec" id="annex-{i}">{html.escape(heading)}</h2>')
        parts.append(table_html(rows))
    return "".join(parts)


def write_annex(params: Params, work: Path, out: Path, report_title: str) -> Path:
    """Read the ledger of the build whose work folder is `work` and write the annex page to `out`."""

    at = places(params, work)
    files = {name: at.relative(name) for name in ("review_html", "ledger", "ledger_xlsx")}
    files["report"] = files.pop("review_html")  # the copy whose numbers link here
    body = annex_body(at.read("ledger"), params, report_title, files)
    colophon = f"{params.institution['name']} · {params.year}年度 · {ANNEX_TITLE} · 由 annualreport 根据各部门数据生成"
    return render_page(f"{report_title} {ANNEX_TITLE}", body, out, colophon, PAGE_CLASS)
