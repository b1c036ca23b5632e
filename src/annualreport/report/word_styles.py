"""The Word export's page and type (GB/T 9704-2012, see docs/word-export.md): A4 with the standard's
margins, 三号 body on a fixed 28.95 pt line (22 lines a page), headings per level, page numbers
"— 1 —" at the outer edge from the first page, and stable bytes (fixed document dates, fixed zip entry times).
Only the body's lines keep to the section's line grid: titles, captions, tables and notes are set with their own
spacing (`w:snapToGrid w:val="0"`), as in the PDF, so a table row is as tall as its text.

Word documents name fonts rather than embed them: the office faces (仿宋_GB2312, 黑体, 楷体_GB2312,
方正小标宋简体) are declared with an alternative name in the font table (`FONTS`), which Word uses
when a PC lacks the first; Word (and LibreOffice) substitute further by the declared charset (GB2312).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

# Face -> (alternative Word tries when the face is absent, panose, family, pitch). charset 86 = GB2312.
FONTS = {
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern", "fixed"),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern", "fixed"),
    "方正小标宋简体": ("宋体", "02000000000000000000", "auto", "variable"),
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
}
BODY, HEI, KAI, TITLE, SONG = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
LATIN = "Times New Roman"  # digits and Latin letters in every style

BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
TABLE_PT = 12  # 小四, tables and source notes
PAGE_NUMBER_PT = 14  # 四号
LINE = Pt(28.95)  # 225 mm / 22 lines
INDENT = Pt(2 * BODY_PT)  # two characters
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # text block 156 x 225 mm on A4
TEXT_WIDTH = Mm(210 - 28 - 26)

# Paragraph styles: name -> (face, size, bold, alignment, first-line indent, outline level or None)
HEADINGS = {
    1: (HEI, BODY_PT, False),  # 一、
    2: (KAI, BODY_PT, False),  # （一）
    3: (BODY, BODY_PT, True),  # 1.
    4: (BODY, BODY_PT, False),  # （1）
}
TITLE_LINE = Pt(36)  # the title's line, as in the PDF (official.css: .cover-title)
TITLE_AFTER = Pt(7)
TABLE_TEXT, SOURCE_NOTE, COVER_TEXT, STAMP, CLOSING = "Table Text", "Source Note", "Cover", "Stamp", "Closing"


@dataclass(frozen=True)
class DocMeta:
    """The document's properties: its title, who wrote it (author and last editor), what it is about
    (subject, e.g. 2020年工作回顾、存在的问题与2021年工作要点) and the report year (for the dates' fallback)."""

    title: str
    institution: str
    year: int
    subject: str = ""

    @property
    def when(self) -> dt.datetime:
        """The document's dates: SOURCE_DATE_EPOCH (the build sets it), else 1 January after the report year."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
        return dt.datetime(self.year + 1, 1, 1)


# ---------------------------------------------------------------------- fonts and styles
def set_fonts(rpr_owner, face: str, latin: str = LATIN) -> None:
    """w:rFonts with the East Asian face named (theme fonts, which would win, removed)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for key, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", face), ("w:cs", latin)):
        fonts.set(qn(key), value)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc, name: str, base: str = "Normal"):
    styles = doc.styles
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        return style


def _shape(style, face, size, bold=False, align=None, indent=None, line=LINE, before=0, after=0) -> None:
    for tag in ("w:pBdr", "w:numPr", "w:contextualSpacing"):  # the template's rules under titles, list numbers
        ppr = style.element.pPr
        if ppr is not None and ppr.find(qn(tag)) is not None:
            ppr.remove(ppr.find(qn(tag)))
    set_fonts(style.element, face)
    font = style.font
    font.size, font.bold, font.italic = Pt(size), bold, False
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:spacing",):  # character spacing the template's subtitle has
        if rpr.find(qn(tag)) is not None:
            rpr.remove(rpr.find(qn(tag)))
    pf = style.paragraph_format
    pf.alignment = align
    pf.first_line_indent = indent if indent is not None else Pt(0)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing, pf.line_spacing_rule = line, WD_LINE_SPACING.EXACTLY
    # in characters too (Word prefers it): two for the body's styles, none where Normal's is not wanted
    style.element.pPr.find(qn("w:ind")).set(qn("w:firstLineChars"), "200" if indent == INDENT else "0")
    snap_to_grid(style.element.pPr, line == LINE)


def snap_to_grid(ppr, on: bool) -> None:
    """Whether the paragraph's lines keep to the section's line grid (28.95 pt). Only the body's do: a line set
    otherwise (a table's 12 pt, a caption, the title's 36 pt) would grow to the next grid line, and a table row
    of one line would be 29 pt tall. `w:snapToGrid` goes in its schema place in `w:pPr`."""
    el = ppr.find(qn("w:snapToGrid"))
    if on:
        if el is not None:
            ppr.remove(el)
        return
    if el is None:
        el = OxmlElement("w:snapToGrid")
        later = [ppr.find(qn(t)) for t in PPR_AFTER_SNAP]
        anchor = next((e for e in later if e is not None), None)
        (anchor.addprevious(el) if anchor is not None else ppr.append(el))
    el.set(qn("w:val"), "0")


# the elements of w:pPr that come after w:snapToGrid (ECMA-376 CT_PPrBase order)
PPR_AFTER_SNAP = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def define_styles(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr.find(qn("w:rFonts")).getparent().remove(rpr.find(qn("w:rFonts")))
    rpr.insert(
        0,
        parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{BODY}" w:cs="{LATIN}"/>'),
    )
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    _shape(normal, BODY, BODY_PT, indent=INDENT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    normal.paragraph_format.widow_control = False  # a fixed grid of 22 lines; Word's default would shift lines
    for level, (face, size, bold) in HEADINGS.items():
        style = doc.styles[f"Heading {level}"]
        _shape(style, face, size, bold, indent=INDENT, align=WD_ALIGN_PARAGRAPH.LEFT)
        style.paragraph_format.keep_with_next = True
        ppr = style.element.get_or_add_pPr()
        outline = ppr.find(qn("w:outlineLvl"))
        if outline is None:
            outline = OxmlElement("w:outlineLvl")
            ppr.append(outline)
        outline.set(qn("w:val"), str(level - 1))
    # the title block atop the first page, as the PDF sets it (official.css, .cover): the title 22 pt on a 36 pt
    # line, the institution line (when the title lacks it) and a subtitle 16 pt on the body's line
    title = doc.styles["Title"]
    _shape(title, TITLE, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=TITLE_LINE, after=TITLE_AFTER.pt)
    title.paragraph_format.keep_with_next = True
    _shape(doc.styles["Subtitle"], KAI, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _shape(_style(doc, COVER_TEXT), BODY, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _shape(_style(doc, STAMP), HEI, BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)  # 征求意见稿, top right of page 1
    caption = doc.styles["Caption"]
    _shape(caption, HEI, 14, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, before=6, after=6)
    caption.paragraph_format.keep_with_next = True
    _shape(_style(doc, TABLE_TEXT), BODY, TABLE_PT, line=None)
    _shape(_style(doc, SOURCE_NOTE), BODY, TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, before=3, after=12)
    _shape(_style(doc, CLOSING), BODY, BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _shape(doc.styles["List Bullet"], BODY, TABLE_PT, line=None)
    _shape(doc.styles["Footer"], SONG, PAGE_NUMBER_PT, line=None)


def declare_fonts(doc) -> None:
    """The office faces in word/fontTable.xml, each with the name Word tries when it is absent."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    table = parse_xml(part.blob)
    for name, (alt, panose, family, pitch) in FONTS.items():
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
                f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
            )
        )

    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------------- page, sections, footer
def page_setup(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(22)  # the number ~7 mm under the text block
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(LINE.pt * 20)))


def _fld_char(paragraph, kind: str) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(el)


def field(paragraph, instruction: str, shown: str = "") -> None:
    """A complex field in one paragraph (the footer's PAGE), showing `shown` until Word lays the page out. Word
    and LibreOffice compute PAGE as they paginate: nothing asks to update fields when the document opens."""
    _fld_char(paragraph, "begin")
    el = OxmlElement("w:instrText")
    el.set(qn("xml:space"), "preserve")
    el.text = instruction
    paragraph.add_run()._r.append(el)
    _fld_char(paragraph, "separate")
    if shown:
        paragraph.add_run(shown)
    _fld_char(paragraph, "end")


def page_numbers(doc) -> None:
    """— N — in the footer of every page from the first (the document is one section, the title atop page 1, as
    the PDF): odd pages at the right, even pages at the left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[-1]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["Footer"]
        p.alignment = align
        pf = p.paragraph_format
        pf.right_indent = Pt(PAGE_NUMBER_PT) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
        pf.left_indent = Pt(PAGE_NUMBER_PT) if align == WD_ALIGN_PARAGRAPH.LEFT else None
        p.add_run("— ")
        field(p, " PAGE ", "1")
        p.add_run(" —")


def chinese_settings(doc) -> None:
    """The settings' theme font language is Chinese. No `w:updateFields`: the document has no field to fill
    but its page numbers, so Word opens it without asking anything."""
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


# ---------------------------------------------------------------------- stable bytes
def core_properties(doc, meta: DocMeta) -> None:
    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by = meta.title, meta.institution, meta.institution
    cp.subject, cp.keywords, cp.comments, cp.category = meta.subject, "", "", ""
    cp.language, cp.revision = "zh-CN", 1
    cp.created = cp.modified = cp.last_printed = meta.when


def stable_zip(data: bytes, when: dt.datetime) -> bytes:
    """The package again with every entry's time fixed (python-docx stamps the current time) and the
    same order, compression and attributes, so the same document gives the same bytes."""
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type, entry.external_attr, entry.create_system = zipfile.ZIP_DEFLATED, 0o644 << 16, 3
            dst.writestr(entry, src.read(info.filename), compresslevel=6)
    return out.getvalue()
