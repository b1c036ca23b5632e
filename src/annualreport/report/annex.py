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
import re
from typing import TYPE_CHECKING

from annualreport.base.glossary import COLUMN_ZH, KIND_ZH, kinds_explained, status_shown
from annualreport.base.outline import groups
from annualreport.base.places import places
from annualreport.typeset.pages import render_page

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from annualreport.base.params import Params

ANNEX_TITLE = "附件：数据来源与指标台账"
PAGE_CLASS = "annex"

# The ledger columns the annex shows, in this order, headed in the glossary's words (base/glossary.py); under a
# row's definition, its note (说明) and its raw files (原始文件, without their digests: the full ledger has them).
SHOWN = ("id", "label", "kind", "wording", "value", "unit", "dataset", "definition", "rows_used", "validation")
COLUMNS = tuple(COLUMN_ZH[c] for c in SHOWN)
CODES = re.compile(r"([_./])")  # where a long code or path may break: after each _, . and /
# One entry of a ledger row's `inputs` (figures/ledger.py `input_digests`): file[sheet] sha256:…, entries joined by ;
INPUT = re.compile(r"\s*(?P<file>[^;\[]+?)(?:\[(?P<sheet>[^\]]*)\])? sha256:[0-9a-f]+")


def code(text: str) -> str:
    """A code (figure id, dataset id, file path) escaped, with a break opportunity after each _, . and / so a long
    one wraps inside its narrow column instead of running into the next one."""
    return "<code>" + CODES.sub(r"\1<wbr>", html.escape(text)) + "</code>"


def sources(inputs: str) -> str:
    """A row's raw files as the annex names them: the path, and the sheet in words where the file has several."""
    files = [
        code(m["file"]) + (f"（工作表“{html.escape(m['sheet'])}”）" if m["sheet"] else "")
        for m in INPUT.finditer(inputs)
    ]
    return "、".join(files)


def _definition(r: dict) -> str:
    note = f'<span class="note">{COLUMN_ZH["note"]}：{html.escape(r["note"])}</span>' if r["note"] else ""
    files = sources(r["inputs"])
    files = f'<span class="source">{COLUMN_ZH["inputs"]}：{files}</span>' if files else ""
    return f'<td class="def">{html.escape(r["definition"])}{note}{files}</td>'


def row_html(r: dict) -> str:
    cells = [
        f'<td class="id">{code(r["id"])}</td>',
        f"<td>{html.escape(r['label'])}</td>",
        f"<td>{html.escape(KIND_ZH.get(r['kind'], r['kind']))}</td>",
        f"<td>{html.escape(r['wording'])}</td>",
        f'<td class="num">{html.escape(r["value"] if r["value"] != "" else "无数据")}</td>',
        f"<td>{html.escape(r['unit'])}</td>",
        f'<td class="code">{code(r["dataset"]) if r["dataset"] else "—"}</td>',
        _definition(r),
        f'<td class="num">{html.escape(str(r["rows_used"]))}</td>',
        f'<td class="status">{html.escape(status_shown(r["validation"]))}</td>',
    ]
    return f'<tr id="fig-{html.escape(r["id"])}">{"".join(cells)}</tr>'


def table_html(rows: pd.DataFrame) -> str:
    head = "".join(f"<th>{h}</th>" for h in COLUMNS)
    body = "".join(row_html(r) for r in rows.to_dict("records"))
    return f'<table class="ledger annex"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def annex_body(ledger: pd.DataFrame, params: Params, report_title: str, files: dict[str, str]) -> str:
    """The content of the annex. `files`: the report's and the full ledger's paths, relative to the annex."""
    institution = params.institution["name"]
    kinds = "".join(f"<li><b>{html.escape(k)}</b>：{html.escape(v)}</li>" for k, v in kinds_explained(ledger["kind"]))
    intro = (
        f"本附件列出{html.escape(report_title)}（{html.escape(files['report'])}）中出现的每一个数字，"
        f"按报告章节分组，每行给出{'、'.join(COLUMNS[:-1])}和{COLUMNS[-1]}结果；{COLUMN_ZH['value']}为精确值，"
        f"未按报告中的表述取整；{COLUMN_ZH['definition']}下方的“{COLUMN_ZH['note']}”给出取整规则、缺少数值的原因等，"
        f"“{COLUMN_ZH['inputs']}”给出数值所依据的原始文件。"
        f"{COLUMN_ZH['id']}和{COLUMN_ZH['dataset']}两列是代码，与完整台账和校验页面中的代码一致。"
        f"正文中的数字链接到本附件的对应行。原始文件的 SHA-256 见完整台账 {html.escape(files['ledger'])}"
        f"（电子表格：{html.escape(files['ledger_xlsx'])}）。"
    )
    parts = [
        f'<div class="cover annex-cover"><p class="cover-org">{html.escape(institution)}</p>'
        f'<h1 class="cover-title">{ANNEX_TITLE}</h1>'
        f'<p class="cover-sub">{params.year}年度 · {html.escape(report_title)}</p></div>',
        f'<div class="prose"><p>{intro}</p></div><p class="note">类别：</p><ul class="kinds">{kinds}</ul>',
    ]
    for i, (heading, rows) in enumerate(groups(ledger, params)):
        if rows.empty:  # no heading without rows
            continue
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
