"""The report as a Word document (catalog: `report_docx`), from the same content as the HTML report.

The rendered report page is our own markup, so it is read back element by element (stdlib
html.parser) and written with python-docx: the cover (Title style), the contents as a Word TOC field
(its entries as the page has them until Word updates it), headings `h2..h5.sec.sec-l<n>` as Heading
1–4 (outline levels: the navigation pane works), prose paragraphs with bold runs, real tables (the
header row repeats on each page, the 表N caption above in Caption style, the source note below),
charts as PNG drawn from the same chart definition and ledger rows (`chartdraw`) with their 图N
caption, the closing block (落款, right-aligned). An element it does not know becomes a paragraph
of its text: nothing visible is dropped. Page and type follow GB/T 9704 (`word_styles`); the same
page gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from annualreport.base.tables import atomic_write_bytes
from annualreport.figures.charts import load_charts
from annualreport.report import word_styles as wstyles
from annualreport.report.chartdraw import chart_png
from annualreport.report.word_tables import write_table
from annualreport.report.word_tree import SKIP, SPACE, Node, parse, trim

if TYPE_CHECKING:
    import pandas as pd

    from annualreport.base.params import Params

TOC_HINT = "（目录由 Word 生成：打开文档时选择更新域，或右键单击目录选择“更新域”，即显示页码。）"
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
        self.sectioned = False

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
            self.toc(node)
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

    # ------------------------------------------------------------ cover and contents
    def cover(self, node: Node) -> None:
        first = True
        for c in node.elements():
            style = "Title" if c.tag == "h1" else ("Subtitle" if "cover-sub" in c.classes else wstyles.COVER_TEXT)
            p = self.paragraph(c, style)
            if p is not None and first:
                p.paragraph_format.space_before = wstyles.Pt(160)
                first = False
        self.stray(node)

    def toc(self, node: Node) -> None:
        """目录 as a Word TOC field over heading levels 1–3; until Word updates it, the field shows the
        page's entries and how to update (TOC_HINT)."""
        title = next((c for c in node.elements() if c.tag in ("h1", "h2", "h3")), None)
        p = (
            self.paragraph(title, wstyles.TOC_TITLE)
            if title is not None
            else self.doc.add_paragraph(style=wstyles.TOC_TITLE)
        )
        p.paragraph_format.page_break_before = True
        entries = []
        for li in _all(node, "li"):
            level = next((int(c[len("toc-l") :]) for c in li.classes if re.fullmatch(r"toc-l\d", c)), 1)
            entries.append((self.doc.add_paragraph(style=f"toc {min(level, 3)}"), li.text()))
        hint = self.doc.add_paragraph(style=wstyles.SOURCE_NOTE)
        wstyles.field_begin(entries[0][0] if entries else hint, ' TOC \\o "1-3" \\h \\z \\u ')
        for para, text in entries:
            para.add_run(text)
        hint.add_run(TOC_HINT)
        wstyles.field_end(hint)
        for c in node.elements():  # anything else the contents carry (not its title or list)
            if c is not title and c.tag not in ("ul", "ol"):
                self.block(c)
        if not self.sectioned:
            wstyles.new_body_section(self.doc)
            self.sectioned = True

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
        wstyles.update_fields_on_open(self.doc)
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

    meta = wstyles.DocMeta(title, params.institution["name"], params.year)
    data = html_to_docx(html_path.read_text(encoding="utf-8"), meta, png_for)
    atomic_write_bytes(out, data)
    return out


# ---------------------------------------------------------------------- helpers
def _all(node: Node, tag: str):
    for c in node.elements():
        if c.tag == tag:
            yield c
        yield from _all(c, tag)
