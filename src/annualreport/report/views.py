"""The report's views: what the report notebook displays, built from the outline and the ledger.

The report computes nothing: every number it shows is a row of the figure ledger the figures stage
wrote (figures, chart bars, year-before values and changes, targets, data-quality counts; see
`figures/ledger.py`), looked up by id and printed as the ledger words it. The row tables (`rows`, e.g.
the construction milestones) print cells the figures stage wrote (`figures/rows.py`).

Everything shown is built here with values escaped: headings and prose from the narrative
(Markdown, raw HTML escaped), tables through pandas' Styler with `escape="html"`, charts as SVG
from matplotlib with the CJK font. The notebook only calls `Report.load(...)` and `show_all()`.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from nbformat.v4 import new_code_cell, new_notebook, new_output

from annualreport.base.errors import SpecError
from annualreport.base.outline import Outline, load_outline, numbering
from annualreport.base.params import Params, load_params
from annualreport.base.paths import work_path
from annualreport.base.places import places
from annualreport.base.refs import NO_DATA, Context
from annualreport.base.wording import plain
from annualreport.figures.charts import ChartDef, check_outline, load_charts
from annualreport.figures.rows import row_blocks
from annualreport.report import appendices, body, captions, reread
from annualreport.report.annex import ANNEX_TITLE
from annualreport.report.chartdraw import draw_chart
from annualreport.report.editions import CIRCULATED, REVIEW, Block
from annualreport.report.narrative import ledger_link

RATE_UNITS = {"%"}
CHANGES = "附：签认以来的变化"
SOURCE_NOTE = re.compile(r'<p class="source">.*?</p>', re.S)  # a block's source note (review copy only)
LINK_TAG = re.compile(r"</?a\b[^>]*>")  # a table's links to the ledger (review copy only): the 印发稿 keeps their text


@dataclass
class Report:
    params: Params
    outline: Outline
    ledger: pd.DataFrame
    work_dir: Path
    charts: dict[str, ChartDef] = field(default_factory=dict)
    _numbers: dict[str, captions.Numbers] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, params_file: str, work_dir: str) -> Report:

        params = load_params(params_file)
        at = places(params, work_path(work_dir))
        outline, charts = load_outline(params.narrative_dir), load_charts(params.root)
        check_outline(outline, charts)
        return cls(params, outline, at.read("ledger"), at.work, charts)

    @cached_property
    def rows(self) -> dict[str, dict]:
        """The ledger's rows by id."""
        return {r["id"]: r for r in self.ledger.to_dict("records")}

    def row(self, rid: str, what: str) -> dict:
        if rid not in self.rows:
            raise SpecError(f"{what}: the ledger has no row '{rid}' (rebuild the figures stage)")
        return self.rows[rid]

    @property
    def at(self):
        return places(self.params, self.work_dir)

    @cached_property
    def row_keys(self) -> dict[int, str]:
        """Each row table's key (`figures/rows.py`), by the outline block it is."""
        return {id(spec): key for key, spec in row_blocks(self.outline)}

    def numbers(self, edition: str = REVIEW) -> captions.Numbers:
        """图N / 表N of every chart and table of an edition, in reading order (report/captions.py)."""
        if edition not in self._numbers:
            only = edition == CIRCULATED
            self._numbers[edition] = captions.number_blocks(self.outline, self.has_targets, circulated_only=only)
        return self._numbers[edition]

    @cached_property
    def sources(self) -> captions.Sources:
        return captions.Sources.load(self.params, self.at)

    def context(self, edition: str = REVIEW) -> Context:
        """What the prose's references resolve to in an edition (its tables' and charts' numbers)."""
        plan = {rid.removeprefix("plan."): r["wording"] for rid, r in self.rows.items() if r["kind"] == "plan"}
        refs = self.numbers(edition).refs
        return Context(self.rows, self.params.year, self.params.institution["name"], plan, refs)

    @property
    def ctx(self) -> Context:
        return self.context(REVIEW)

    @cached_property
    def findings(self) -> reread.Findings | None:
        """The reread stage's findings for this build (report/reread.py); None for a build without them."""
        return reread.load(self.at)

    @property
    def stamped(self) -> bool:
        """Whether the circulated document is stamped 征求意见稿: text nobody has reread is left."""
        return bool(self.findings and self.findings.left)

    def block(self, s, block: dict, label: str = "", anchor: str = "", edition: str = REVIEW) -> str:
        """A table or chart of the outline, with its caption; with its source note in the review copy only."""
        if "table" in block:
            out = self.figure_table(block["table"], label, anchor)
        elif "chart" in block:
            chart = self.charts[block["chart"]]
            note = self.sources.note([chart.dataset])
            out = captions.chart_figure(self.chart(chart), label, anchor, chart.title, note, chart.id)
        elif "rows" in block:
            out = self.rows_table(self.row_keys[id(block["rows"])], block["rows"], label, anchor)
        else:
            raise SpecError(f"sections.yaml: section '{s.heading}': a block is a table, chart or rows, got {block}")
        return out if edition == REVIEW else LINK_TAG.sub("", SOURCE_NOTE.sub("", out))

    # ---------------------------------------------------------------- tables
    def figure_table(self, spec: dict, label: str = "", anchor: str = "") -> str:
        """Figures this year and the year before, with the change (百分点 for rates), each cell as the ledger
        prints it with the figure's own decimals: this year's value (`_num`), the `display` of `<id>.previous`
        (新增 for a figure new this year) and the `wording` of `<id>.change` (— for 无数据). A row that compares
        nothing (a figure declared `compare: false`, with no `.previous` row, or one whose year before has no
        value) is left out; when no row of the table compares, it shows this year's values alone."""
        ids = spec["figures"]
        y, py = self.params.year, self.params.year - 1
        for fid in ids:
            if fid not in self.rows:
                raise SpecError(f"sections.yaml: table names unknown figure '{fid}'")
        compared = [f for f in ids if self.rows.get(f"{f}.previous", {}).get("display", NO_DATA) != NO_DATA]
        rows = []
        for fid in compared or ids:
            r = self.rows[fid]
            row = {"指标": html.escape(r["label"]), f"{y}年": _linked(fid, _num(r))}
            if compared:
                prev, change = self.rows[f"{fid}.previous"], self.row(f"{fid}.change", "sections.yaml table")
                row[f"{py}年"] = _linked(f"{fid}.previous", prev["display"])
                row["同比变化"] = "—" if change["display"] == NO_DATA else _linked(f"{fid}.change", change["wording"])
            rows.append({**row, "单位": html.escape(r["unit"])})
        frame = pd.DataFrame(rows)
        title = spec.get("title", "")
        styler = (  # cells are escaped above; a number is a link to its ledger row (plain text in the 印发稿)
            frame.style.hide(axis="index")
            .set_uuid("t" + hashlib.sha256("|".join(ids).encode()).hexdigest()[:8])
            .set_table_attributes('class="figtable"')
        )
        caption = captions.table_caption(label, anchor, title)
        out = styler.to_html().replace('class="figtable">', f'class="figtable">{caption}', 1)
        return out + self.sources.note(self.rows[fid]["dataset"] for fid in ids)

    # ---------------------------------------------------------------- charts
    def chart(self, chart: ChartDef) -> str:
        """A bar chart of specs/charts.yaml as SVG (drawn by `chartdraw.draw_chart`, which the Word export
        also uses), its bars the ledger rows `chart.<id>.<n>`."""
        import matplotlib.pyplot as plt

        fig = draw_chart(chart, self.ledger)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
        return unique_svg_ids(buf.getvalue(), chart.svg_prefix)

    @cached_property
    def row_cells(self) -> dict[str, pd.DataFrame]:
        """The cells of the outline's row tables as the figures stage wrote them (`figures/rows.py`), by key."""
        cells = self.at.read("row_tables")
        return {key: cells[cells["table"] == key] for key in dict.fromkeys(cells["table"])}

    def rows_table(self, key: str, spec: dict, label: str = "", anchor: str = "") -> str:
        """A row table (e.g. construction milestones planned vs done), its cells as the figures stage printed
        them; the columns in the outline's order."""
        cells = self.row_cells.get(key)
        titles = list(spec["columns"].values())
        if cells is None or cells.empty:
            out = pd.DataFrame(columns=titles)
        else:
            out = cells.pivot(index="row", columns="column", values="value")
            out = out.set_axis(out.index.astype(int)).sort_index()[titles].reset_index(drop=True)
            out.columns.name = None
        title = spec.get("title", "")
        html_table = (
            out.style.hide(axis="index")
            .set_uuid("r" + hashlib.sha256(title.encode()).hexdigest()[:8])
            .format(escape="html")
            .set_table_attributes('class="figtable rows"')
            .to_html()
        )
        caption = captions.table_caption(label, anchor, title)
        out = html_table.replace('class="figtable rows">', f'class="figtable rows">{caption}', 1)
        return out + self.sources.note([spec["dataset"]])

    # ---------------------------------------------------------------- targets
    @property
    def has_targets(self) -> bool:
        count = self.rows.get("target.count")
        return count is not None and count["value"] not in ("", "0")

    def targets_heading(self) -> str:
        return f"{numbering(1, len(self.outline.sections) + 1)}{self.params.year}年目标完成情况"

    def targets_html(self) -> str:
        """Last year's plan against this year's figures: per target the plan's own words (计划表述), how they
        are read (理解为), the actual, 达成 / 未达成 / 无数据 and the gap (ledger rows
        `target.<id>.plan|target|actual|gap|status` and the counts `target.count|met|missed|nodata`)."""
        if not self.has_targets:
            return ""
        n = {k: self.rows[f"target.{k}"] for k in ("count", "met", "missed", "nodata")}
        w = {k: ledger_link(f"target.{k}", r["wording"]) for k, r in n.items()}  # each number a link to its row
        intro = (
            f"{self.params.year - 1}年工作报告提出的{self.params.year}年可量化目标共{w['count']}："
            f"达成{w['met']}，未达成{w['missed']}"
            + (f"，无数据{w['nodata']}" if n["nodata"]["value"] != "0" else "")
            + "。"
        )
        tracked = [
            rid.removeprefix("target.").removesuffix(".target")
            for rid, r in self.rows.items()
            if r["kind"] == "target" and rid.endswith(".target")
        ]
        parts = {
            tid: {p: self.rows[f"target.{tid}.{p}"] for p in ("plan", "target", "actual", "gap", "status")}
            for tid in tracked
        }
        columns = {
            "目标": None,
            "计划表述": "plan",
            "理解为": "target",
            "实际": "actual",
            "完成情况": "status",
            "差距": "gap",
        }
        frame = pd.DataFrame(
            [
                {col: t[p]["wording"] if p else t["target"]["label"] for col, p in columns.items()}
                for t in parts.values()
            ],
            columns=list(columns),
        )
        styler = (
            frame.style.hide(axis="index")
            .set_uuid("targets")
            .format(escape="html")
            .set_table_attributes('class="figtable targets"')
            .set_table_styles(  # 理解为 is a sentence, not a number: aligned left, its heading too
                {"理解为": [{"selector": cell, "props": "text-align: left"} for cell in ("th", "td")]}, overwrite=False
            )
            .map(
                lambda v: (
                    "color: #2e7d32; font-weight: 700"
                    if v == "达成"
                    else ("color: #9b2335; font-weight: 700" if v == "未达成" else "")
                ),
                subset=["完成情况"],
            )
        )
        notes = "".join(
            f"<li>{html.escape(t['actual']['label'])}：{html.escape(t['actual']['note'])}</li>"
            for t in parts.values()
            if t["actual"]["note"]
        )
        label, anchor = self.numbers(REVIEW).targets or ("", "")
        caption = captions.table_caption(label, anchor, f"{self.params.year}年目标完成情况")
        table = styler.to_html().replace('class="figtable targets">', f'class="figtable targets">{caption}', 1)
        datasets = [t["actual"]["dataset"] for t in parts.values() if t["actual"]["dataset"]]
        note = self.sources.text(datasets) if datasets else ""
        note += f"{'；' if note else '数据来源：'}目标：{self.params.year - 1}年工作报告"
        return (
            f'<h2 class="sec sec-l1" id="targets">{html.escape(self.targets_heading())}</h2>'
            f'<div class="prose"><p>{intro}</p></div>{table}<p class="source">{html.escape(note)}</p>'
            + (f'<p class="note">说明：</p><ul class="note">{notes}</ul>' if notes else "")
        )

    # ---------------------------------------------------------------- appendices
    def quality_html(self) -> str:
        return appendices.quality_html(
            self.rows, self.params.root, self.at.relative("validation_page"), self.at.relative("ledger_annex")
        )

    def changes_html(self) -> str:
        """What changed since the reviewers signed (ledger rows `signed.<id>` beside each figure now), or that
        nothing did, or that there is no signoff yet; each number a link to its ledger row."""
        head = f'<h2 class="sec sec-l1" id="changes">{CHANGES}</h2>'
        signed = self.rows.get("signed.at")
        if signed is None:
            return head + '<div class="prose"><p>本稿尚未签认。签认以后，这里列出此后数值或表述有变化的指标。</p></div>'
        changed = [rid for rid, r in self.rows.items() if r["kind"] == "signed" and rid != "signed.at"]
        when = html.escape(signed["wording"])
        if not changed:
            return head + f'<div class="prose"><p>自{when}签认以来，报告中的数字和表述没有变化。</p></div>'
        cells = []
        for rid in changed:
            fid = rid.removeprefix("signed.")
            was, now = self.rows[rid], self.rows[fid]
            cells.append(
                f"<tr><td>{html.escape(now['label'])}</td><td>{ledger_link(rid, was['wording'])}</td>"
                f"<td>{ledger_link(fid, now['wording'])}</td></tr>"
            )
        return (
            head + f'<div class="prose"><p>自{when}签认以来，以下{len(changed)}项指标的数值或表述有变化。</p></div>'
            '<table class="figtable changes"><thead><tr><th>指标</th><th>签认时</th><th>现在</th></tr></thead>'
            f"<tbody>{''.join(cells)}</tbody></table>"
        )

    def blocks(self) -> list[Block]:
        """The report as blocks in both editions, in order: what the notebook displays (report/editions.py)."""
        targets = self.targets_html()
        extra = [("#targets", self.targets_heading())] if targets else []
        extra.append(("#quality", appendices.HEADING))
        extra.append(("#changes", CHANGES))
        annex = self.at.relative("ledger_annex")
        extra.append((annex, f"{ANNEX_TITLE}（另附：{annex}）"))
        out = [body.cover(self), body.contents(self, extra), *body.sections(self)]
        if targets:
            out.append(Block(targets))
        out.append(body.closing_block(self))
        out.append(Block(self.quality_html()))
        out.append(Block(self.changes_html()))
        return out

    def show_all(self) -> None:
        """Display every block once, in both editions (Jupyter shows the review copy)."""
        from IPython.display import display  # deferred: only in the report's kernel

        for block in self.blocks():
            display(block.bundle(), raw=True)

    def as_notebook(self):
        """The blocks as an executed notebook, without a kernel (the benchmark's in-process floor)."""
        cell = new_code_cell("report.show_all()")
        cell.outputs = [new_output("display_data", data=block.bundle()) for block in self.blocks()]
        return new_notebook(
            cells=[cell],
            metadata={"kernelspec": {"name": "annualreport", "language": "python", "display_name": "annualreport"}},
        )


def unique_svg_ids(svg: str, prefix: str) -> str:
    """Prefix every id in an SVG (and the references to it), so several charts inline in one page
    do not define the same glyph or clip-path id twice."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    return re.sub(r'(href="#|url\(#)([^")]+)', lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


def _linked(rid: str, text: str) -> str:
    """A table cell's number as a link to its ledger row; — (no value) stays plain."""
    return text if text == "—" else ledger_link(rid, text)


def _num(row: dict) -> str:
    """A figure's value this year as a table cell: the number as the figure's rounding and plain wording print it
    (75, 96.17, 100 for a value 100.00 kept to two decimals), as its `<id>.previous` and `<id>.change` rows print
    theirs; not a prose form of it (近千, 全部, 百分之百, 零: the prose keeps those). A value that is no number (a
    date) as the ledger words it; — when blank."""
    v = row["value"]
    if v in ("", None) or (isinstance(v, float) and pd.isna(v)):
        return "—"
    return plain(v) if re.fullmatch(r"-?\d+(?:\.\d+)?", str(v)) else row["display"]
