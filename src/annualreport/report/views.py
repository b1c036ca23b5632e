"""The report's views: what the report notebook displays, built from the outline, ledger and data.

Everything shown is built here with values escaped: headings and prose from the narrative
(Markdown, raw HTML escaped), tables through pandas' Styler with `escape="html"`, charts as SVG
from matplotlib with the CJK font. The notebook only calls `Report.load(...)` and `show_all()`.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from annualreport.figures import compute as figmod
from annualreport.ingest.year import load_clean
from annualreport.project.errors import SpecError
from annualreport.report.narrative import Context, Outline, Section, fill, load_outline, render_body
from annualreport.project.params import Params, load_params
from annualreport.project.catalog import places
from annualreport.figures.wording import plain

RATE_UNITS = {"%"}


@dataclass
class Report:
    params: Params
    outline: Outline
    ledger: pd.DataFrame
    previous: pd.DataFrame | None
    work_dir: Path

    @classmethod
    def load(cls, params_file: str, work_dir: str) -> "Report":
        from annualreport.project.paths import work_path

        params = load_params(params_file)
        at = places(params, work_path(work_dir))
        return cls(params, load_outline(params.narrative_dir), at.read("ledger"), at.read("previous", missing_ok=True),
                   at.work)

    @property
    def at(self):
        return places(self.params, self.work_dir)

    @property
    def ctx(self) -> Context:
        from annualreport.figures.targets import target_texts

        figs = {r["id"]: r for r in self.ledger.to_dict("records")}
        return Context(figs, self.params.year, self.params.institution["name"],
                       target_texts(self.params.data["targets"]))

    # ---------------------------------------------------------------- blocks of HTML
    def cover_html(self) -> str:
        ctx = self.ctx
        title = fill(self.outline.title, ctx, "sections.yaml title", markup=False)
        sub = fill(self.outline.subtitle, ctx, "sections.yaml subtitle", markup=False)
        return (f'<div class="cover"><p class="cover-org">{html.escape(self.params.institution["name"])}</p>'
                f'<h1 class="cover-title">{html.escape(title)}</h1>'
                + (f'<p class="cover-sub">{html.escape(sub)}</p>' if sub else "") + "</div>")

    def toc_html(self) -> str:
        items = []
        for n, s in enumerate(self.outline.walk()):
            # level 1 always; level 2 when it has content of its own (not a one-line item like a problem)
            if s.level == 1 or (s.level == 2 and (s.body or s.blocks or s.children)):
                items.append(f'<li class="toc-l{s.level}"><a href="#sec-{n}">{html.escape(self.heading_text(s))}</a></li>')
        if self.targets is not None and not self.targets.empty:
            items.append(f'<li class="toc-l1"><a href="#targets">{html.escape(self.targets_heading())}</a></li>')
        items.append('<li class="toc-l1"><a href="#quality">附一：数据质量</a></li>')
        items.append('<li class="toc-l1"><a href="#ledger">附二：数据来源与指标台账</a></li>')
        return '<nav class="toc"><h2 class="toc-title">目录</h2><ul>' + "".join(items) + "</ul></nav>"

    def heading_text(self, s: Section) -> str:
        return s.number + fill(s.heading, self.ctx, "sections.yaml heading", markup=False)

    def section_blocks(self):
        """(kind, payload) pairs in reading order: ('html', str) or ('svg', str). A section's prose
        follows its heading; its tables and charts come after its subsections (a summary of them)."""
        ctx = self.ctx
        numbers = {id(s): n for n, s in enumerate(self.outline.walk())}  # anchors, as in the TOC

        def emit(s):
            tag = f"h{min(s.level + 1, 5)}"
            yield "html", (f'<{tag} id="sec-{numbers[id(s)]}" class="sec sec-l{s.level}">'
                           f"{html.escape(self.heading_text(s))}</{tag}>")
            body = render_body(self.outline, s, ctx)
            if body:
                yield "html", f'<div class="prose">{body}</div>'
            for child in s.children:
                yield from emit(child)
            for block in s.blocks:
                yield self.block(s, block)

        for s in self.outline.sections:
            yield from emit(s)

    def block(self, s, block: dict) -> tuple[str, str]:
        if "table" in block:
            return "html", self.figure_table(block["table"])
        if "chart" in block:
            return "svg", self.chart(block["chart"])
        if "rows" in block:
            return "html", self.rows_table(block["rows"])
        raise SpecError(f"sections.yaml: section '{s.heading}': a block is a table, chart or rows, got {block}")

    # ---------------------------------------------------------------- tables
    def figure_table(self, spec: dict) -> str:
        """Figures this year and the year before, with the change (百分点 for rates)."""
        ids = spec["figures"]
        cur = self.ledger.set_index("id")
        prev = self.previous.set_index("id") if self.previous is not None else None
        y, py = self.params.year, self.params.year - 1
        rows = []
        for fid in ids:
            if fid not in cur.index:
                raise SpecError(f"sections.yaml: table names unknown figure '{fid}'")
            r = cur.loc[fid]
            v = r["value"]
            pv = prev.loc[fid]["value"] if prev is not None and fid in prev.index else ""
            rows.append({"指标": r["label"], f"{y}年": _num(v), f"{py}年": _num(pv),
                         "同比变化": _change(v, pv, r["unit"]), "单位": r["unit"]})
        frame = pd.DataFrame(rows)
        title = spec.get("title", "")
        styler = (frame.style.hide(axis="index").set_uuid("t" + hashlib.sha256("|".join(ids).encode()).hexdigest()[:8])
                  .format(escape="html").set_table_attributes('class="figtable"'))
        caption = f"<caption>{html.escape(title)}</caption>" if title else ""
        out = styler.to_html()
        return out.replace('class="figtable">', f'class="figtable">{caption}', 1)

    # ---------------------------------------------------------------- charts
    def chart(self, spec: dict) -> str:
        """A bar chart of a measure by group, computed like a figure (see specs/figures.yaml)."""
        from annualreport.report import fonts

        fonts.setup_matplotlib()
        import matplotlib.pyplot as plt

        defs, sets = figmod.load_definitions(self.params.root)
        frame = load_clean(self.params, spec["dataset"])
        group = spec["group"]
        if isinstance(group, dict) and "month" in group:  # by calendar month of a date, within the year
            dates = pd.to_datetime(frame[group["month"]])
            frame = frame[dates.dt.year == self.params.year].assign(_month=dates.dt.month)
            groups = [(m, frame[frame["_month"] == m]) for m in range(1, 13)]
            label = "{}月".format
        else:
            groups = sorted(frame.groupby(group, dropna=True), key=lambda kv: str(kv[0]))
            label = str
        labels, values = [], []
        for key, part in groups:
            d = figmod.FigureDef(id="chart", section="", label="", dataset=spec["dataset"], unit=spec.get("unit", ""),
                                 measure=spec.get("measure", "count"), where=spec.get("where") or {},
                                 precision=int(spec.get("precision", 2)))
            f = figmod.compute(d, part, sets, self.params.year)
            if f.value is not None:
                labels.append(label(key))
                values.append(float(f.value))
        fig, ax = plt.subplots(figsize=(7.2, 3.2), dpi=100)
        bars = ax.bar(labels, values, color="#9b2335", width=0.6)
        ax.bar_label(bars, labels=[plain(Decimal(str(v))) for v in values], fontsize=9, padding=2)
        ax.set_title(spec.get("title", ""), fontsize=12)
        ax.set_ylabel(spec.get("unit", ""))
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=9)
        if spec.get("unit") in RATE_UNITS:
            ax.set_ylim(0, 100)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
        return unique_svg_ids(buf.getvalue(), "c" + hashlib.sha256(repr(sorted(spec.items())).encode()).hexdigest()[:8])

    def rows_table(self, spec: dict) -> str:
        """Rows of a clean dataset as a table (e.g. construction milestones planned vs done).
        `{dataset, columns: {column: 中文标题}, where, sort, title}`; dates print as 2021年5月31日, blanks as —."""
        _, sets = figmod.load_definitions(self.params.root)
        frame = load_clean(self.params, spec["dataset"])
        frame = frame[figmod._mask(frame, spec.get("where") or {}, sets, self.params.year, "sections.yaml rows")]
        if spec.get("sort"):
            frame = frame.sort_values(spec["sort"], kind="stable")
        cols = spec["columns"]
        out = pd.DataFrame({title: frame[col].map(_cell) for col, title in cols.items()})
        title = spec.get("title", "")
        html_table = (out.style.hide(axis="index").set_uuid("r" + hashlib.sha256(title.encode()).hexdigest()[:8])
                      .format(escape="html").set_table_attributes('class="figtable rows"').to_html())
        caption = f"<caption>{html.escape(title)}</caption>" if title else ""
        return html_table.replace('class="figtable rows">', f'class="figtable rows">{caption}', 1)

    # ---------------------------------------------------------------- targets
    @property
    def targets(self) -> pd.DataFrame | None:
        return self.at.read("targets", missing_ok=True)

    def targets_heading(self) -> str:
        from annualreport.report.narrative import numbering

        return f"{numbering(1, len(self.outline.sections) + 1)}{self.params.year}年目标完成情况"

    def targets_html(self) -> str:
        """Last year's plan against this year's figures: 达成 / 未达成 / 无数据, with the gap."""
        t = self.targets
        if t is None or t.empty:
            return ""
        met = int((t["status"] == "达成").sum())
        missed = int((t["status"] == "未达成").sum())
        nodata = int((t["status"] == "无数据").sum())
        intro = (f"{self.params.year - 1}年工作报告提出的{self.params.year}年可量化目标共{len(t)}项：达成{met}项，"
                 f"未达成{missed}项" + (f"，无数据{nodata}项" if nodata else "") + "。")
        frame = t.rename(columns={"label": "目标", "target": "目标值", "actual": "实际", "status": "完成情况",
                                  "gap": "差距"})[["目标", "目标值", "实际", "完成情况", "差距"]]
        styler = (frame.style.hide(axis="index").set_uuid("targets").format(escape="html")
                  .set_table_attributes('class="figtable targets"')
                  .map(lambda v: "color: #2e7d32; font-weight: 700" if v == "达成" else
                       ("color: #9b2335; font-weight: 700" if v == "未达成" else ""), subset=["完成情况"]))
        notes = "".join(f"<li>{html.escape(r['label'])}：{html.escape(r['note'])}</li>"
                        for r in t.to_dict("records") if r.get("note"))
        return (f'<h2 class="sec sec-l1" id="targets">{html.escape(self.targets_heading())}</h2>'
                f'<div class="prose"><p>{html.escape(intro)}</p></div>{styler.to_html()}'
                + (f'<p class="note">说明：</p><ul class="note">{notes}</ul>' if notes else ""))

    # ---------------------------------------------------------------- appendices
    def quality_html(self) -> str:
        """数据质量: what was checked, what was set aside, every warning; links to the auditor's page."""
        from annualreport.ingest.specs import load_specs

        specs = load_specs(self.params.root)
        acc = self.at.read("accounting")
        summary = self.at.read("validation_summary")
        ok = summary["success"]
        warnings = summary[~ok & (summary["severity"] == "warning")]
        n_data, n_clean = int(acc["data_rows"].sum()), int(acc["clean_rows"].sum())
        n_quar, n_dup = int(acc["quarantined_rows"].sum()), int(acc["duplicate_rows"].sum())
        intro = (f"本报告使用 {acc['dataset'].nunique()} 个数据集（{len(acc)} 个文件或工作表）。原始数据行 {n_data} 行，"
                 f"清洗后 {n_clean} 行；因缺少必填项、取值不在规定范围、日期不在本年度等原因隔离 {n_quar} 行，"
                 f"删除完全重复行 {n_dup} 行，每个文件的行数均已核对平衡。共执行 {len(summary)} 项数据校验，"
                 f"通过 {int(ok.sum())} 项，警告 {len(warnings)} 项，无阻断性问题。")
        rows = []
        for name, part in acc.groupby("dataset", sort=False):
            title = specs[name].title if name in specs else name
            s = summary[summary["dataset"] == name]
            rows.append({"数据集": f"{title}（{name}）", "数据行": int(part["data_rows"].sum()),
                         "清洗后": int(part["clean_rows"].sum()), "隔离": int(part["quarantined_rows"].sum()),
                         "重复": int(part["duplicate_rows"].sum()), "校验": f"{int(s['success'].sum())}/{len(s)} 通过"})
        table = (pd.DataFrame(rows).style.hide(axis="index").set_uuid("quality").format(escape="html")
                 .set_table_attributes('class="figtable"').to_html())
        warn_html = ""
        if len(warnings):
            items = "".join(f"<li>{html.escape(r['dataset'])}：{html.escape(r['description'])}"
                            f"（{html.escape(str(r['unexpected_count'] or '未通过'))}）</li>"
                            for r in warnings.to_dict("records"))
            warn_html = f"<p>警告：</p><ul class=\"warnings\">{items}</ul>"
        page = self.at.relative("validation_page")
        return ('<h2 class="sec sec-l1" id="quality">附一：数据质量</h2>'
                f'<div class="prose"><p>{html.escape(intro)}</p></div>{table}{warn_html}'
                f'<p class="note">每项校验的内容、结果和不符合的行见<a href="{page}">数据质量与校验报告'
                f'（{page}）</a>；隔离的问题行见 data/processed/ 下的 quarantine 文件。</p>')

    def ledger_html(self) -> str:
        """The figure ledger as the report's appendix: every number in the report, traceable."""
        cols = ["label", "wording", "value", "dataset", "rows_used", "validation", "id"]
        frame = self.ledger[cols].rename(columns={"id": "编号", "label": "指标", "wording": "报告中的表述",
                                                  "value": "精确值", "dataset": "数据集",
                                                  "rows_used": "所用行数", "validation": "校验"})
        styler = (frame.style.hide(axis="index").set_uuid("ledger").format(escape="html")
                  .set_table_attributes('class="ledger"'))
        out = styler.to_html()
        # Give each row an anchor the figures in the prose link to.
        for fid in self.ledger["id"]:
            esc = html.escape(fid)
            out = out.replace(f">{esc}</td>", f' id="fig-{esc}">{esc}</td>', 1)
        return ('<h2 class="sec sec-l1" id="ledger">附二：数据来源与指标台账</h2>'
                f'<p class="note">报告中的每个数字都来自下表，可在 {self.at.relative("ledger")} 中查到其定义、所用数据行数和原始文件的 SHA-256。</p>'
                + out)

    def blocks(self) -> list[tuple[str, str]]:
        """The report as (MIME type, content) blocks, in order: what the notebook displays."""
        out = [("text/html", self.cover_html()), ("text/html", self.toc_html())]
        for kind, payload in self.section_blocks():
            out.append(("image/svg+xml" if kind == "svg" else "text/html", payload))
        targets = self.targets_html()
        if targets:
            out.append(("text/html", targets))
        out += [("text/html", self.quality_html()), ("text/html", self.ledger_html())]
        return out

    def show_all(self) -> None:
        from IPython.display import HTML, SVG, display

        for mime, payload in self.blocks():
            display(SVG(payload) if mime == "image/svg+xml" else HTML(payload))

    def as_notebook(self):
        """The blocks as an executed notebook, without a kernel (the benchmark's in-process floor)."""
        from nbformat.v4 import new_code_cell, new_notebook, new_output

        cell = new_code_cell("report.show_all()")
        cell.outputs = [new_output("display_data", data={mime: payload}) for mime, payload in self.blocks()]
        return new_notebook(cells=[cell], metadata={"kernelspec": {"name": "annualreport", "language": "python",
                                                                   "display_name": "annualreport"}})


def unique_svg_ids(svg: str, prefix: str) -> str:
    """Prefix every id in an SVG (and the references to it), so several charts inline in one page
    do not define the same glyph or clip-path id twice."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    return re.sub(r'(href="#|url\(#)([^")]+)', lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


def _cell(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if isinstance(v, pd.Timestamp):
        return f"{v.year}年{v.month}月{v.day}日"
    if isinstance(v, (bool,)):
        return "是" if v else "否"
    return str(v)


def _num(v: str) -> str:
    return "—" if v in ("", None) or (isinstance(v, float) and pd.isna(v)) else plain(Decimal(str(v)))


def _change(v: str, pv: str, unit: str) -> str:
    if v in ("", None) or pv in ("", None):
        return "—"
    d = Decimal(str(v)) - Decimal(str(pv))
    sign = "+" if d > 0 else ""
    if unit in RATE_UNITS:
        return f"{sign}{plain(d)}个百分点"
    if Decimal(str(pv)) == 0:
        return f"{sign}{plain(d)}"
    pct = (d * 100 / Decimal(str(pv))).quantize(Decimal("0.1"))
    return f"{sign}{plain(d)}（{sign}{plain(pct)}%）"
