"""The Word document (report.docx), the circulated document (印发稿) page for page as its PDF: built from the report
page with its title atop the first page (no cover page, no contents, no field but the page numbers, nothing asked
on opening), its headings, run-in headings, tables with rows as tall as their text, charts, page setup, fonts and
properties; nothing visible in print is dropped; the same page gives the same bytes. The unit tests build a document
from a small page; the build tests read the demo's 2020 and 2021 builds (conftest demo_project) and lay the 2020
document out with LibreOffice beside its PDF."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest

from annualreport.base.outline import Outline, Section, load_outline
from annualreport.base.params import load_params
from annualreport.base.refs import year_names
from annualreport.report import word_styles as wstyles
from annualreport.report.word import html_to_docx, subject
from annualreport.typeset.pages import visible_text
from tests.programs import program

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
META = wstyles.DocMeta("示例学院2021年工作报告", "示例学院", 2020, "2020年工作回顾与2021年工作要点")

PAGE = """<!DOCTYPE html><html><head><title>不在正文</title><style>p { color: red }</style></head><body>
<main class="report">
<div class="cover"><p class="stamp">征求意见稿</p><p class="cover-org">示例学院</p>
<h1 class="cover-title">示例学院2021年工作报告</h1><p class="cover-sub">2020年工作回顾</p></div>
<nav class="toc"><h2 class="toc-title">目录</h2><ul><li class="toc-l1"><a href="#sec-0">一、工作回顾</a></li>
<li class="toc-l2"><a href="#sec-1">（一）党建</a></li></ul></nav>
<h2 class="sec sec-l1" id="sec-0">一、工作回顾</h2>
<div class="prose"><p>全年组织集中学习<a class="fig" href="ledger.html#fig-a" title="t">14次</a>，
<strong>成效显著</strong>（见<a class="xref" href="#table-1">表1</a>）。</p>
<p class="item">1.第一项。</p></div>
<h3 class="sec sec-l2" id="sec-1">（一）党建</h3>
<h4 class="sec sec-l3" id="sec-2">1.政治建设</h4>
<h5 class="sec sec-l4" id="sec-3">（1）学习</h5>
<div class="prose"><p>正文段落。</p></div>
<div class="prose"><p class="runin" id="sec-4"><strong class="sec sec-l3 runin">2.持续加强党的政治建设。</strong>坚持以<a
class="fig" href="ledger.html#fig-b">新思想</a>为指导。</p>
<p class="item">（1）第一项任务。</p></div>
<style type="text/css">
</style>
<table class="figtable"><caption id="table-1">表1 党建与宣传</caption>
<thead><tr><th>指标</th><th>2020年</th><th>同比变化</th></tr></thead>
<tbody><tr><td>党务例会</td><td>13</td><td>+1（+8.3%）</td></tr>
<tr><td>主题活动</td><td>12</td><td>+2（+20%）</td></tr></tbody></table>
<p class="source">数据来源：党委办公室（party_events.csv）</p>
<figure class="chart" id="figure-1" data-chart="bars"><?xml version="1.0" encoding="utf-8"?>
<svg xmlns="http://www.w3.org/2000/svg"><text>42</text></svg>
<figcaption>图1 各学院人数</figcaption><p class="source">数据来源：招生就业处（admissions.csv）</p></figure>
<table class="figtable open"><caption>各处室尚待处理的数据问题</caption><thead><tr><th>处室</th><th>事项</th></tr></thead>
<tbody><tr><td rowspan="2">教务处</td><td>隔离行</td></tr><tr><td>校验警告</td></tr></tbody></table>
<aside>一个未知元素的文字</aside>
<section><p>容器里的段落</p>散落的文字</section>
<p class="note">说明：见台账。</p>
<div class="closing"><p class="issuer">示例学院</p><p class="date">2021年3月1日</p></div>
</main></body></html>
"""


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" + b"\0" * 6))
        + chunk(b"IEND", b"")
    )


def build(page: str = PAGE) -> bytes:
    charts = []

    def png_for(chart_id, title):
        charts.append((chart_id, title))
        return tiny_png()

    data = html_to_docx(page, META, png_for)
    assert charts == [("bars", "各学院人数")] or "figure" not in page
    return data


def document(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


def docx_text(doc) -> str:
    """Every text run of the body in order (paragraphs, tables, field results)."""
    return "".join(t.text or "" for t in doc.element.body.iter(f"{W}t"))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_text(page: str) -> str:
    """What print shows of the page's <main>: its visible text without the contents list (official.css hides it)."""
    main = page[page.index("<main") : page.index("</main>")]
    return squeeze(visible_text(re.sub(r'<nav class="toc">.*?</nav>', "", main, flags=re.S)))


@pytest.fixture(scope="module")
def small():
    data = build()
    return data, document(data)


def test_every_visible_character_of_the_page_is_in_the_document_in_order(small):
    _, doc = small
    assert squeeze(docx_text(doc)) == page_text(PAGE)
    assert "目录" not in docx_text(doc)  # the contents list is the screen's only


def test_the_title_opens_the_first_page_without_cover_or_contents(small):
    """As the PDF: the stamp at the top right, the title block, one blank line, then the body on the same page;
    one section, its pages numbered from the first."""
    _, doc = small
    first = [(p.style.name, p.text) for p in doc.paragraphs[:5]]
    assert first == [
        (wstyles.STAMP, "征求意见稿"),
        (wstyles.COVER_TEXT, "示例学院"),
        ("Title", "示例学院2021年工作报告"),
        ("Subtitle", "2020年工作回顾"),
        ("Heading 1", "一、工作回顾"),
    ]
    stamp, title, sub = doc.paragraphs[0], doc.paragraphs[2], doc.paragraphs[3]
    assert doc.styles[wstyles.STAMP].paragraph_format.alignment == 2  # right
    assert doc.styles["Title"].paragraph_format.space_before in (None, 0)  # atop the page, not a cover's middle
    assert sub.paragraph_format.space_after == wstyles.LINE  # the blank line under the title block
    assert stamp.paragraph_format.page_break_before is None and title.paragraph_format.page_break_before is None
    body = doc.element.body
    assert not [b for b in body.iter(f"{W}br") if b.get(f"{W}type") == "page"]
    assert not [p for p in body.iter(f"{W}pageBreakBefore")]  # (the appendix after the 落款 would have one)
    assert len(doc.sections) == 1 and body.find(f".//{W}pPr/{W}sectPr") is None
    assert doc.sections[0]._sectPr.find(f"{W}titlePg") is None  # the first page has its number too
    assert doc.sections[0]._sectPr.find(f"{W}pgNumType") is None  # from 1


def test_word_asks_nothing_when_the_document_opens(small):
    """No w:updateFields, and no field but the footers' page numbers (no TOC field, no placeholder)."""
    data, _ = small
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        settings = z.read("word/settings.xml").decode("utf-8")
        parts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}
    assert "updateFields" not in settings
    instructions = [i.strip() for xml in parts.values() for i in re.findall(r"<w:instrText[^>]*>([^<]*)<", xml)]
    assert instructions and set(instructions) == {"PAGE"}
    assert not any("fldSimple" in xml for xml in parts.values())
    assert not [n for n, xml in parts.items() if "<w:instrText" in xml and not n.startswith("word/footer")]


def test_a_run_in_heading_is_the_bold_first_run_of_its_paragraph(small):
    _, doc = small
    runin = [p for p in doc.paragraphs if p.text.startswith("2.持续加强党的政治建设。")]
    assert len(runin) == 1
    p = runin[0]
    assert p.style.name == "Normal" and p.text == "2.持续加强党的政治建设。坚持以新思想为指导。"
    runs = [r for r in p.runs if r.text]
    assert runs[0].text == "2.持续加强党的政治建设。" and runs[0].bold
    assert all(not r.bold for r in runs[1:])
    assert [x.style.name for x in doc.paragraphs if x.text == "（1）第一项任务。"] == ["Normal"]


def test_headings_title_captions_and_paragraphs_have_their_word_styles(small):
    _, doc = small
    styled = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    assert ("Title", "示例学院2021年工作报告") in styled and (wstyles.STAMP, "征求意见稿") in styled
    for level, text in ((1, "一、工作回顾"), (2, "（一）党建"), (3, "1.政治建设"), (4, "（1）学习")):
        assert (f"Heading {level}", text) in styled
        outline = doc.styles[f"Heading {level}"].element.pPr.find(f"{W}outlineLvl")
        assert outline.get(f"{W}val") == str(level - 1)
    captions = [t for s, t in styled if s == "Caption"]
    assert captions == ["表1 党建与宣传", "图1 各学院人数", "各处室尚待处理的数据问题"]
    texts = [t for _, t in styled]
    assert texts.index("表1 党建与宣传") < texts.index("数据来源：党委办公室（party_events.csv）")
    assert ("Normal", "一个未知元素的文字") in styled and ("Normal", "散落的文字") in styled
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "成效显著" in bold


def test_tables_are_real_with_a_repeating_header_and_merged_spans(small):
    _, doc = small
    assert len(doc.tables) == 2
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["指标", "2020年", "同比变化"]
    assert first.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    assert first.style.name == "Table Grid"
    assert first.rows[1].cells[1].paragraphs[0].alignment == 2  # numbers to the right
    widths = [c.width for c in first.rows[0].cells]
    assert abs(sum(widths) - wstyles.TEXT_WIDTH) < 20 * 635  # fills the text width
    merged = doc.tables[1]
    assert merged.cell(1, 0).text == merged.cell(2, 0).text == "教务处"
    assert merged.cell(1, 0)._tc is merged.cell(2, 0)._tc  # one merged cell


def test_table_rows_are_as_tall_as_their_text(small):
    """Only the body's lines keep to the section's 28.95 pt line grid: the tables' text, captions, notes and the
    title do not snap to it, and no row has a fixed height, so a row of one 12 pt line is about 15 pt tall."""
    _, doc = small
    grid = doc.sections[0]._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "lines" and grid.get(f"{W}linePitch") == "579"

    def snaps(style) -> bool:
        el = style.element.pPr.find(f"{W}snapToGrid")
        return el is None or el.get(f"{W}val") not in ("0", "false")

    for name in (wstyles.TABLE_TEXT, "Caption", wstyles.SOURCE_NOTE, "List Bullet", "Title", "Footer"):
        assert not snaps(doc.styles[name]), name
    for name in ("Normal", "Heading 1", "Heading 3", wstyles.CLOSING, wstyles.STAMP):
        assert snaps(doc.styles[name]), name
    for table in doc.tables:
        assert not list(table._tbl.iter(f"{W}trHeight"))
        for row in table.rows:
            for cell in row.cells:
                assert {p.style.name for p in cell.paragraphs} == {wstyles.TABLE_TEXT}
                assert all(p.paragraph_format.line_spacing is None for p in cell.paragraphs)


def test_charts_are_images_and_the_closing_sits_right(small):
    _, doc = small
    assert len(doc.inline_shapes) == 1
    closing = [p for p in doc.paragraphs if p.style.name == "Closing"]
    assert [p.text for p in closing] == ["示例学院", "2021年3月1日"]
    assert closing[1].paragraph_format.right_indent == wstyles.Pt(64)  # four characters in from the right
    assert [p.style.name for p in doc.paragraphs if p.text == "1.第一项。"] == ["Normal"]


def test_page_setup_footer_and_fonts_follow_gbt_9704(small):
    data, doc = small
    body = doc.sections[-1]
    assert (round(body.page_width / 36000), round(body.page_height / 36000)) == (210, 297)  # A4 (EMU per mm)
    assert [round(x / 36000) for x in (body.top_margin, body.bottom_margin, body.left_margin, body.right_margin)] == [
        37,
        35,
        28,
        26,
    ]
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = body.footer.paragraphs[0], body.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0
    for footer in (odd, even):
        assert footer.text == "— 1 —"
        assert [i.text.strip() for i in footer._p.iter(f"{W}instrText")] == ["PAGE"]
    normal = doc.styles["Normal"]
    assert normal.font.size == wstyles.Pt(16) and normal.paragraph_format.line_spacing == wstyles.LINE
    assert normal.element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    faces = {
        n: doc.styles[n].element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia") for n in ("Heading 1", "Heading 2", "Title")
    }
    assert faces == {"Heading 1": "黑体", "Heading 2": "楷体_GB2312", "Title": "方正小标宋简体"}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def test_the_same_page_gives_the_same_bytes(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609459200")
    one = build()
    two = build()
    assert one == two
    with zipfile.ZipFile(io.BytesIO(one)) as z:
        assert {i.date_time for i in z.infolist()} == {(2021, 1, 1, 0, 0, 0)}
    props = document(one).core_properties
    assert props.created == props.modified == props.last_printed == dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    assert props.author == props.last_modified_by == "示例学院"
    assert (props.title, props.subject) == (META.title, META.subject)


def test_the_dates_come_from_source_date_epoch_or_the_year_after(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1614556800")
    assert META.when == dt.datetime(2021, 3, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert META.when == dt.datetime(2021, 1, 1)


@pytest.mark.parametrize(
    ("narrative", "year", "expected"),
    [
        ("params/narrative/2020", 2020, "2020年工作回顾、存在的问题与2021年工作要点"),
        ("params/narrative/2021", 2021, "2021年工作回顾、存在的问题与2022年工作要点"),
        ("params/institutions/binhai-demo/narrative/2020", 2020, "2020年工作总结与2021年工作计划"),  # its subtitle
    ],
)
def test_the_subject_says_what_the_report_covers_from_the_outline(root, narrative, year, expected):
    outline = load_outline(root / narrative)
    assert subject(outline, year_names(year, "示例学院")) == expected


def test_the_subject_of_one_or_two_parts():
    def outline(*headings: str) -> Outline:
        return Outline("{institution}{next_year}年工作报告", "", [Section(h, 1, "") for h in headings], Path("."))

    names = year_names(2022, "示例学院")
    assert subject(outline("{year}年工作总结"), names) == "2022年工作总结"
    assert subject(outline("{year}年工作总结", "{next_year}年工作计划"), names) == "2022年工作总结与2023年工作计划"


def test_chart_png_is_deterministic_and_unmarked():
    from annualreport.figures.charts import ChartDef
    from annualreport.report.chartdraw import chart_png

    chart = ChartDef(id="x", title="人数", dataset="d", group="school", unit="人")
    ledger = pd.DataFrame({"id": ["chart.x.1", "chart.x.2"], "label": ["甲学院", "乙学院"], "value": ["3", "5"]})
    one, two = chart_png(chart, ledger), chart_png(chart, ledger)
    assert one == two and one.startswith(b"\x89PNG") and b"Software" not in one and b"matplotlib" not in one


def test_format_all_asks_for_every_output_and_both_keeps_its_meaning():
    from annualreport.runner.graph import BY_NAME, asked
    from annualreport.runner.stages import FORMATS

    def asks_for(formats, stage):
        return asked(BY_NAME[stage], formats)

    assert FORMATS[-1] == "all"
    assert asks_for(("all",), "pdf") and asks_for(("all",), "docx")
    assert asks_for(("both",), "pdf") and not asks_for(("both",), "docx")
    assert asks_for(("docx",), "docx") and not asks_for(("docx",), "pdf")
    assert not asks_for(("html",), "pdf") and not asks_for(("html",), "docx")
    assert asks_for(("html",), "html") and asks_for(("pdf",), "annex")


# ---------------------------------------------------------------------- the demo's builds
def _fig_links(page: str) -> dict[str, str]:
    """The words each figure's link shows in the prose (a table's cell shows the number itself)."""
    prose = "".join(re.findall(r'<div class="prose">(.*?)</div>', page, re.S))
    return dict(re.findall(r'<a class="fig" href="ledger\.html#fig-([^"]+)"[^>]*>([^<]*)</a>', prose))


@pytest.mark.build
@pytest.mark.parametrize("year", [2020, 2021])
def test_the_demo_report_as_word(demo_project, root, year):
    import docx

    out = demo_project / "outputs" / str(year)
    page = (out / "report.html").read_text(encoding="utf-8")
    data = (out / "report.docx").read_bytes()
    doc = docx.Document(io.BytesIO(data))
    assert squeeze(docx_text(doc)) == page_text(page)
    name = load_params(root / "params" / f"{year}.yaml", root).institution["name"]
    title = f"{name}{year + 1}年工作报告"
    first = [p for p in doc.paragraphs if p.text][:2]
    assert [(p.style.name, p.text) for p in first] == [("Title", title), ("Heading 1", f"一、{year}年工作回顾")]
    used = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", wstyles.CLOSING} <= used
    closing = re.search(r'<p class="date">([^<]+)</p>', page).group(1)  # params document: date
    assert [p.text for p in doc.paragraphs if p.text][-2:] == [name, closing]
    # the circulated document's tables and charts are those the outline places in it (none in the demo)
    assert len(doc.tables) == page.count("<table")
    assert len(doc.inline_shapes) == page.count('<figure class="chart"')
    runin = [p for p in doc.paragraphs if re.match(r"\d+\.", p.text) and not p.style.name.startswith("Heading")]
    assert len(runin) >= 10
    for p in runin:  # a run-in 1. heading: the paragraph's bold first run, then its text
        runs = [r for r in p.runs if r.text]
        assert runs[0].bold and runs[0].text.endswith("。") and p.text.startswith(runs[0].text), p.text
    # each figure the 2020 report published, as this year's text words it (the review copy links the same words)
    published = pd.read_csv(root / "reference" / "published-2020.csv", dtype=str)["figure_id"]
    assert len(published) == 51
    links, text = _fig_links((out / "review.html").read_text(encoding="utf-8")), docx_text(doc)
    ledger = pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False).set_index("id")
    for fid in published:
        shown = links.get(fid) or ledger.loc[fid, "wording"]
        assert shown in text, (year, fid, shown)
    assert len(doc.sections) == 1
    section = doc.sections[0]
    assert (round(section.page_width / 36000), round(section.page_height / 36000)) == (210, 297)
    assert (round(section.top_margin / 36000), round(section.left_margin / 36000)) == (37, 28)
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —" and "PAGE" in "".join(i.text for i in footer._p.iter(f"{W}instrText"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "updateFields" not in z.read("word/settings.xml").decode("utf-8")
    props = doc.core_properties
    assert props.title == title and props.author == name
    assert props.subject == f"{year}年工作回顾、存在的问题与{year + 1}年工作要点"


@pytest.mark.build
def test_the_demo_word_document_rebuilds_byte_identical(demo_project, tmp_path, monkeypatch):
    from annualreport.base.params import load_params
    from annualreport.base.places import places
    from annualreport.report.outputs import report_title
    from annualreport.report.word import write_docx

    monkeypatch.setenv("ANNUALREPORT_ROOT", str(demo_project))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609459200")
    params = load_params(demo_project / "params" / "2020.yaml", root=demo_project)
    at = places(params)
    again = write_docx(params, at("report_html"), at.read("ledger"), tmp_path / "again.docx", report_title(params))
    assert again.read_bytes() == (demo_project / "outputs" / "2020" / "report.docx").read_bytes()


# ---------------------------------------------------------------------- through LibreOffice
CJK = re.compile(r"[\u3400-\u9fff]")


def _pdf_text_fonts(pdf: Path) -> tuple[list[str], dict[str, str]]:
    """(each page's text, CJK character -> the base font of the first run that draws it)."""
    from pypdf import PdfReader

    drawn: dict[str, str] = {}

    def visit(text, _cm, _tm, font, _size):
        if font is not None:
            for ch in CJK.findall(text):
                drawn.setdefault(ch, str(font.get("/BaseFont", "")))

    reader = PdfReader(str(pdf))
    return [page.extract_text(visitor_text=visit) or "" for page in reader.pages], drawn


def _embedded_fonts(pdf: Path) -> dict[str, str]:
    """pdffonts' table: font name (subset prefix dropped) -> its `emb` column."""
    out = subprocess.run([program("pdffonts", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    return {r[0].split("+", 1)[-1]: r[-5] for r in rows}


PROJECT_FACES = ("NotoSerifSC", "NotoSansSC", "NotoSerifCJK", "LXGWWenKai")  # typeset.fonts.report_faces


@pytest.mark.build
@pytest.mark.slow
def test_libreoffice_lays_the_word_document_out_as_its_pdf(demo_project, demo_pdfs, tmp_path):
    """report.docx through LibreOffice (with the project's faces: tests/report/libreoffice.py), beside report.pdf:
    as many pages (±1), the title atop page 1, the body, the 落款 on the last page, real Chinese glyphs."""
    from pypdf import PdfReader

    from tests.report.libreoffice import to_pdf

    soffice = program("soffice", "libreoffice-writer-nogui")
    pdf = to_pdf(soffice, demo_project / "outputs" / "2020" / "report.docx", tmp_path / "out", tmp_path / "lo")
    pages, drawn = _pdf_text_fonts(pdf)
    printed = len(PdfReader(str(demo_pdfs["report"])).pages)
    assert abs(len(pages) - printed) <= 1, (len(pages), printed)
    first, last = squeeze(pages[0]), squeeze(pages[-1])
    name = load_params(demo_project / "params" / "2020.yaml", demo_project).institution["name"]
    assert first.startswith(f"{name}2021年工作报告一、2020年工作回顾2020年是“十三五”的收官之年")
    body = squeeze("".join(pages))
    assert "学院始终把师生健康安全放在首位，科学安排复课开学和常态化教育教学工作。" in body
    assert re.search(rf"{name}2021年3月1日(—\d+—)?$", last), last[-60:]
    # no tofu: the text layer holds the document's Chinese, every CJK character drawn with a CJK face, embedded
    document = {ch for ch in CJK.findall(docx_text(document_of(demo_project)))}
    assert set(drawn) == document
    assert {f for f in drawn.values() if not any(face in f for face in PROJECT_FACES)} == set()
    fonts = _embedded_fonts(pdf)
    cjk = {name: emb for name, emb in fonts.items() if any(face in name for face in PROJECT_FACES)}
    assert cjk and set(cjk.values()) == {"yes"}, fonts


def document_of(project: Path):
    return document((project / "outputs" / "2020" / "report.docx").read_bytes())


@pytest.mark.slow
def test_libreoffice_sets_table_rows_as_tall_as_their_text(tmp_path):
    """The small page's tables through LibreOffice: a row of one 12 pt line is about 15 pt tall, not the 28.95 pt
    of the body's line grid."""
    from tests.report.libreoffice import to_pdf

    soffice = program("soffice", "libreoffice-writer-nogui")
    source = tmp_path / "small.docx"
    source.write_bytes(build())
    pdf = to_pdf(soffice, source, tmp_path / "out", tmp_path / "lo")
    bbox = subprocess.run(
        [program("pdftotext", "poppler-utils"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    tops = {w: float(y) for y, w in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]+)</word>', bbox)}
    rows = [tops[w] for w in ("指标", "党务例会", "主题活动")]
    pitches = [b - a for a, b in itertools.pairwise(rows)]
    assert all(12 < p < 20 for p in pitches), pitches
