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

from annualreport.base.document import closing
from annualreport.base.errors import SpecError
from annualreport.base.outline import Outline, Section, load_outline, numbering
from annualreport.base.params import Params, load_params
from annualreport.base.paths import work_path
from annualreport.base.places import places
from annualreport.base.refs import NO_DATA, Context
from annualreport.base.wording import plain
from annualreport.figures.charts import ChartDef, check_outline, load_charts
from annualreport.figures.rows import row_blocks
from annualreport.report import appendices, captions
from annualreport.report.annex import ANNEX_TITLE
from annualreport.report.chartdraw import draw_chart
from annualreport.report.narrative import fill, render_body

RATE_UNITS = {"%"}


@dataclass
class Report:
    params: Params
    outline: Outline
    ledger: pd.DataFrame
    work_dir: Path
    charts: dict[str, ChartDef] = field(default_factory=dict)

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

    @cached_property
    def numbers(self) -> captions.Numbers:
        """图N / 表N of every chart and table, in reading order (report/captions.py)."""
        return captions.number_blocks(self.outline, self.has_targets)

    @cached_property
    def sources(self) -> captions.Sources:
        return captions.Sources.load(self.params, self.at)

    @property
    def ctx(self) -> Context:
        plan = {rid.removeprefix("plan."): r["wording"] for rid, r in self.rows.items() if r["kind"] == "plan"}
        return Context(self.rows, self.params.year, self.params.institution["name"], plan, self.numbers.refs)

    # ---------------------------------------------------------------- blocks of HTML
    def cover_html(self) -> str:
        """The title block atop the first page; the institution line only when the title lacks it."""
        ctx = self.ctx
        title = fill(self.outline.title, ctx, "sections.yaml title", markup=False)
        sub = fill(self.outline.subtitle, ctx, "sections.yaml subtitle", markup=False)
        org = self.params.institution["name"]
        return (
            '<div class="cover">'
            + ("" if org in title else f'<p class="cover-org">{html.escape(org)}</p>')
            + f'<h1 class="cover-title">{html.escape(title)}</h1>'
            + (f'<p class="cover-sub">{html.escape(sub)}</p>' if sub else "")
            + "</div>"
        )

    def toc_html(self) -> str:
        """The contents, on screen only: an official document has no contents page (official.css)."""
        items = []
        for n, s in enumerate(self.outline.walk()):
            # level 1 always; level 2 when it has content of its own (not a one-line item like a problem)
            if s.level == 1 or (s.level == 2 and (s.body or s.blocks or s.children)):
                items.append(
                    f'<li class="toc-l{s.level}"><a href="#sec-{n}">{html.escape(self.heading_text(s))}</a></li>'
                )
        if self.has_targets:
            items.append(f'<li class="toc-l1"><a href="#targets">{html.escape(self.targets_heading())}</a></li>')
        items.append(f'<li class="toc-l1"><a href="#quality">{appendices.HEADING}</a></li>')
        annex = self.at.relative("ledger_annex")
        items.append(f'<li class="toc-l1"><a href="{annex}">{ANNEX_TITLE}（另附：{annex}）</a></li>')
        return '<nav class="toc"><h2 class="toc-title">目录</h2><ul>' + "".join(items) + "</ul></nav>"

    def closing_html(self) -> str:
        """The 落款 after the body: the issuer and the date (params `document:`), right-aligned in print."""
        issuer, date = closing(self.params.data)
        return (
            f'<div class="closing"><p class="issuer">{html.escape(issuer)}</p>'
            + (f'<p class="date">{html.escape(date)}</p>' if date else "")
            + "</div>"
        )

    def heading_text(self, s: Section) -> str:
        return s.number + fill(s.heading, self.ctx, "sections.yaml heading", markup=False)

    def section_blocks(self):
        """(kind, payload) pairs in reading order, all ('html', str). A section's prose follows its
        heading; its tables and charts come after its subsections (a summary of them), numbered in
        that order (captions.blocks_in_order)."""
        ctx = self.ctx
        labels = iter(self.numbers.labels)
        numbers = {id(s): n for n, s in enumerate(self.outline.walk())}  # anchors, as in the TOC

        def emit(s):
            tag = f"h{min(s.level + 1, 5)}"
            yield (
                "html",
                (
                    f'<{tag} id="sec-{numbers[id(s)]}" class="sec sec-l{s.level}">'
                    f"{html.escape(self.heading_text(s))}</{tag}>"
                ),
            )
            body = render_body(self.outline, s, ctx)
            if body:
                yield "html", f'<div class="prose">{body}</div>'
            for child in s.children:
                yield from emit(child)
            for block in s.blocks:
                yield self.block(s, block, *next(labels))

        for s in self.outline.sections:
            yield from emit(s)

    def block(self, s, block: dict, label: str = "", anchor: str = "") -> tuple[str, str]:
        if "table" in block:
            return "html", self.figure_table(block["table"], label, anchor)
        if "chart" in block:
            chart = self.charts[block["chart"]]
            note = self.sources.note([chart.dataset])
            return "html", captions.chart_figure(self.chart(chart), label, anchor, chart.title, note, chart.id)
        if "rows" in block:
            return "html", self.rows_table(self.row_keys[id(block["rows"])], block["rows"], label, anchor)
        raise SpecError(f"sections.yaml: section '{s.heading}': a block is a table, chart or rows, got {block}")

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
            row = {"指标": r["label"], f"{y}年": _num(r)}
            if compared:
                prev, change = self.rows[f"{fid}.previous"], self.row(f"{fid}.change", "sections.yaml table")
                row[f"{py}年"] = prev["display"]
                row["同比变化"] = "—" if change["display"] == NO_DATA else change["wording"]
            rows.append({**row, "单位": r["unit"]})
        frame = pd.DataFrame(rows)
        title = spec.get("title", "")
        styler = (
            frame.style.hide(axis="index")
            .set_uuid("t" + hashlib.sha256("|".join(ids).encode()).hexdigest()[:8])
            .format(escape="html")
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
        intro = (
            f"{self.params.year - 1}年工作报告提出的{self.params.year}年可量化目标共{n['count']['wording']}："
            f"达成{n['met']['wording']}，未达成{n['missed']['wording']}"
            + (f"，无数据{n['nodata']['wording']}" if n["nodata"]["value"] != "0" else "")
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
        label, anchor = self.numbers.targets or ("", "")
        caption = captions.table_caption(label, anchor, f"{self.params.year}年目标完成情况")
        table = styler.to_html().replace('class="figtable targets">', f'class="figtable targets">{caption}', 1)
        datasets = [t["actual"]["dataset"] for t in parts.values() if t["actual"]["dataset"]]
        note = self.sources.text(datasets) if datasets else ""
        note += f"{'；' if note else '数据来源：'}目标：{self.params.year - 1}年工作报告"
        return (
            f'<h2 class="sec sec-l1" id="targets">{html.escape(self.targets_heading())}</h2>'
            f'<div class="prose"><p>{html.escape(intro)}</p></div>{table}<p class="source">{html.escape(note)}</p>'
            + (f'<p class="note">说明：</p><ul class="note">{notes}</ul>' if notes else "")
        )

    # ---------------------------------------------------------------- appendices
    def quality_html(self) -> str:
        return appendices.quality_html(
            self.rows, self.params.root, self.at.relative("validation_page"), self.at.relative("ledger_annex")
        )

    def blocks(self) -> list[tuple[str, str]]:
        """The report as (MIME type, content) blocks, in order: what the notebook displays."""
        out = [("text/html", self.cover_html()), ("text/html", self.toc_html())]
        for kind, payload in self.section_blocks():
            out.append(("image/svg+xml" if kind == "svg" else "text/html", payload))
        targets = self.targets_html()
        if targets:
            out.append(("text/html", targets))
        out.append(("text/html", self.closing_html()))
        out.append(("text/html", self.quality_html()))
        return out

    def show_all(self) -> None:
        from IPython.display import HTML, SVG, display

        for mime, payload in self.blocks():
            display(SVG(payload) if mime == "image/svg+xml" else HTML(payload))

    def as_notebook(self):
        """The blocks as an executed notebook, without a kernel (the benchmark's in-process floor)."""

        cell = new_code_cell("report.show_all()")
        cell.outputs = [new_output("display_data", data={mime: payload}) for mime, payload in self.blocks()]
        return new_notebook(
            cells=[cell],
            metadata={"kernelspec": {"name": "annualreport", "language": "python", "display_name": "annualreport"}},
        )


def unique_svg_ids(svg: str, prefix: str) -> str:
    """Prefix every id in an SVG (and the references to it), so several charts inline in one page
    do not define the same glyph or clip-path id twice."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    return re.sub(r'(href="#|url\(#)([^")]+)', lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


def _num(row: dict) -> str:
    """A figure's value this year as a table cell: the number as the figure's rounding and plain wording print it
    (75, 96.17, 100 for a value 100.00 kept to two decimals), as its `<id>.previous` and `<id>.change` rows print
    theirs; not a prose form of it (近千, 全部, 百分之百, 零: the prose keeps those). A value that is no number (a
    date) as the ledger words it; — when blank."""
    v = row["value"]
    if v in ("", None) or (isinstance(v, float) and pd.isna(v)):
        return "—"
    return plain(v) if re.fullmatch(r"-?\d+(?:\.\d+)?", str(v)) else row["display"]
