"""The report as a Word document (catalog: `report_docx`): the circulated document (印发稿), page for page as its
PDF, from the same page (the `report_html` artefact).

The rendered report page is our own markup, so it is read back element by element (stdlib html.parser) and
written with python-docx, in one section whose pages are numbered from the first, as the PDF: the title block atop
the first page (the 征求意见稿 stamp at its top right when the page has one, the title in the Title style; no
cover page), headings `h2..h5.sec.sec-l<n>` as Heading 1–4 (outline levels: the navigation pane works), prose
paragraphs with bold runs (a run-in `1.` heading is the bold first run of its paragraph, as the page sets it),
real tables (the header row repeats on each page, the 表N caption above in Caption style, the source note
below), charts as PNG drawn from the same chart definition and ledger rows (`chartdraw`) with their 图N caption,
the closing block (落款, right-aligned). The page's contents list, which print hides, is not written: an official
document has no contents page, and the document holds no field but its page numbers, so Word opens it without
asking to update anything. An element it does not know becomes a paragraph of its text: nothing visible in
print is dropped. Page and type follow GB/T 9704 (`word_styles`); the same page gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from annualreport.base.outline import load_outline
from annualreport.base.refs import fill_names, year_names
from annualreport.base.tables import atomic_write_bytes
from annualreport.figures.charts import load_charts
from annualreport.report import word_styles as wstyles
from annualreport.report.chartdraw import chart_png
from annualreport.report.word_tables import write_table
from annualreport.report.word_tree import SKIP, SPACE, Node, parse, trim

if TYPE_CHECKING:
    import pandas as pd

    from annualreport.base.outline import Outline
    from annualreport.base.params import Params

INLINE = {"a", "strong", "b", "em", "i", "span", "sup", "sub", "code", "small", "br", "u", "mark", "abbr"}
CHART_WIDTH = wstyles.Mm(150)
APPENDIX_IDS = {"quality"}  # the headings after the closing (附：数据质量), each on a new page


# ---------------------------------------------------------------------- HTML -> Word
class Writer:
    def __init__(self, png_for: Callable[[str, str], bytes | None], meta: wstyles.DocMeta):
        import docx

        self.doc = docx.Document()
        self.png_for, self.meta = png_for, meta
        wstyles.define_styles(self.doc)
        wstyles.declare_fonts(self.doc)
        wstyles.page_setup(self.doc.sections[0])

    # ------------------------------------------------------------ blocks
    def block(self, node: Node) -> None:
        tag, cls = node.tag, node.classes
        if tag in SKIP:
            return
        level = next((int(c[len("sec-l") :]) for c in cls if re.fullmatch(r"sec-l\d", c)), None)
        if level is not None and tag in ("h2", "h3", "h4", "h5", "h6"):
            p = self.paragraph(node, f"Heading {min(level, 4)}")
            if p is not None and node.attrs.get("id") in APPENDIX_IDS:  # an appendix starts a page, as in print
                p.paragraph_format.page_break_before = True
        elif tag == "div" and "cover" in cls:
            self.cover(node)
        elif tag == "nav" and "toc" in cls:
            return  # the contents list: on screen only (print hides it; an official document has no contents page)
        elif tag == "table":
            self.table(node)
        elif tag == "figure":
            self.figure(node)
        elif tag == "div" and "closing" in cls:
            self.closing(node)
        elif tag == "p" and cls & {"source", "note"}:
            p = self.paragraph(node, wstyles.SOURCE_NOTE if "source" in cls else wstyles.TABLE_TEXT)
            if p is not None and "note" in cls:  # 说明： stays with the notes under it
                p.paragraph_format.keep_with_next = True
        elif tag in ("ul", "ol"):
            for li in node.elements():
                self.paragraph(li, "List Bullet") if li.tag == "li" else self.block(li)
            self.stray(node)
        elif tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dt", "dd", "caption"):
            self.paragraph(node, "Normal")
        elif tag in INLINE or not self._has_blocks(node):
            if node.text():
                self.paragraph(node, "Normal")
        else:
            self.children(node)

    def children(self, node: Node) -> None:
        """A container's children in order; loose text between its blocks becomes a paragraph of its own."""
        loose: list = []
        for c in node.children:
            if isinstance(c, str) or c.tag in INLINE:
                loose.append(c)
                continue
            self._flush(loose, node)
            loose = []
            self.block(c)
        self._flush(loose, node)

    def _flush(self, loose: list, parent: Node) -> None:
        holder = Node("p", {}, parent)
        holder.children = loose
        if holder.text():
            self.paragraph(holder, "Normal")

    def stray(self, node: Node) -> None:
        """Text directly inside a list or table that no item holwstyles."""
        self._flush([c for c in node.children if isinstance(c, str)], node)

    def _has_blocks(self, node: Node) -> bool:
        return any(c.tag not in INLINE for c in node.elements())

    def paragraph(self, node: Node, style: str, align=None):
        if self._has_blocks(node) and style == "Normal":  # e.g. a div of paragraphs
            self.children(node)
            return None
        p = self.doc.add_paragraph(style=style)
        if align is not None:
            p.alignment = align
        self.runs(p, node, bold=False)
        trim(p)
        return p

    def runs(self, p, node: Node, bold: bool, script: str = "") -> None:
        """The node's text as runs of `p`: bold inside strong/b, super- and subscript, line breaks."""
        for c in node.children:
            if isinstance(c, str):
                text = SPACE.sub(" ", c)
                if text:
                    run = p.add_run(text)
                    if bold:
                        run.bold = True
                    if script:
                        setattr(run.font, script, True)
            elif c.tag == "br":
                p.add_run().add_break()
            elif c.tag not in SKIP:
                strong = bold or c.tag in ("strong", "b")
                self.runs(p, c, strong, {"sup": "superscript", "sub": "subscript"}.get(c.tag, script))

    # ------------------------------------------------------------ the title block
    def cover(self, node: Node) -> None:
        """The title block atop the first page, as the PDF sets it: the 征求意见稿 stamp at the top right (when
        the page has `p.stamp`), the institution line (when the title lacks it), the title, the subtitle, then
        one blank line before the body."""
        last = None
        for c in node.elements():
            if "stamp" in c.classes:
                style = wstyles.STAMP
            elif c.tag == "h1":
                style = "Title"
            else:
                style = "Subtitle" if "cover-sub" in c.classes else wstyles.COVER_TEXT
            last = self.paragraph(c, style) or last
        self.stray(node)
        if last is not None:  # the block's bottom margin: one line of the body (official.css, .cover)
            last.paragraph_format.space_after = wstyles.LINE

    # ------------------------------------------------------------ tables, charts, closing
    def table(self, node: Node) -> None:

        write_table(self, node)

    def figure(self, node: Node) -> None:
        caption = next((c for c in node.elements() if c.tag == "figcaption"), None)
        title = caption.text() if caption is not None else ""
        png = self.png_for(node.attrs.get("data-chart", ""), re.sub(r"^图\d+\s*", "", title))
        if png is not None:
            p = self.doc.add_paragraph(style=wstyles.TABLE_TEXT)
            p.alignment = 1
            p.paragraph_format.keep_with_next = True
            p.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
        for c in node.elements():
            if c is caption:
                self.paragraph(c, "Caption")
            elif c.tag != "svg":
                self.block(c)

    def closing(self, node: Node) -> None:
        first = True
        for c in node.elements():
            p = self.paragraph(c, wstyles.CLOSING)
            if p is None:
                continue
            if first:
                p.paragraph_format.space_before = wstyles.LINE
                first = False
            if "date" in c.classes:  # the date four characters in from the right (GB/T 9704)
                p.paragraph_format.right_indent = wstyles.Pt(4 * wstyles.BODY_PT)
            else:
                p.paragraph_format.right_indent = wstyles.Pt(2 * wstyles.BODY_PT)
        self.stray(node)

    # ------------------------------------------------------------ the document
    def finish(self) -> bytes:
        wstyles.page_numbers(self.doc)
        wstyles.chinese_settings(self.doc)
        wstyles.core_properties(self.doc, self.meta)
        buf = io.BytesIO()
        self.doc.save(buf)
        return wstyles.stable_zip(buf.getvalue(), self.meta.when)


def html_to_docx(page: str, meta: wstyles.DocMeta, png_for: Callable[[str, str], bytes | None] | None = None) -> bytes:
    """The report page as .docx bytes; `png_for(chart_id, title)` gives a chart's image (None: no image)."""
    writer = Writer(png_for or (lambda _id, _title: None), meta)
    writer.children(parse(page))
    return writer.finish()


def write_docx(params: Params, html_path: Path, ledger: pd.DataFrame, out: Path, title: str) -> Path:
    """The docx stage: the report page and the ledger's chart rows -> the Word document (atomic write)."""

    charts = load_charts(params.root)
    by_title = {c.title: c for c in charts.values()}

    def png_for(chart_id: str, caption_title: str) -> bytes | None:
        chart = charts.get(chart_id) or by_title.get(caption_title)
        return chart_png(chart, ledger) if chart is not None else None

    outline = load_outline(params.narrative_dir)
    names = year_names(params.year, params.institution["name"])
    meta = wstyles.DocMeta(title, params.institution["name"], params.year, subject(outline, names))
    data = html_to_docx(html_path.read_text(encoding="utf-8"), meta, png_for)
    atomic_write_bytes(out, data)
    return out


def subject(outline: Outline, names: dict[str, str]) -> str:
    """What the report is about, for the document's properties, from the year's outline: its subtitle when it has
    one, else its parts' headings (2020年工作回顾、存在的问题与2021年工作要点), the year's names filled in."""
    if outline.subtitle.strip():
        return fill_names(outline.subtitle.strip(), names)
    parts = [fill_names(s.heading, names) for s in outline.sections]
    return "与".join(filter(None, ["、".join(parts[:-1]), *parts[-1:]]))
