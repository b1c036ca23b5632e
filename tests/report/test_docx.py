"""The Word document (report.docx): built from the report page with its headings, tables, charts, page
setup and fonts; nothing visible is dropped; the same page gives the same bytes. The unit tests build a
document from a small page; the build tests read the demo's 2020 and 2021 builds (conftest demo_project)."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest

from annualreport.report import word_styles as wstyles
from annualreport.report.word import TOC_HINT, html_to_docx
from annualreport.typeset.pages import visible_text
from tests.programs import program

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
META = wstyles.DocMeta("示例学院2021年工作报告", "示例学院", 2020)

PAGE = """<!DOCTYPE html><html><head><title>不在正文</title><style>p { color: red }</style></head><body>
<main class="report">
<div class="cover"><p class="cover-org">示例学院</p><h1 class="cover-title">示例学院2021年工作报告</h1>
<p class="cover-sub">2020年工作回顾</p></div>
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
    main = page[page.index("<main") : page.index("</main>")]
    return squeeze(visible_text(main))


@pytest.fixture(scope="module")
def small():
    data = build()
    return data, document(data)


def test_every_visible_character_of_the_page_is_in_the_document_in_order(small):
    _, doc = small
    assert squeeze(docx_text(doc)).replace(squeeze(TOC_HINT), "") == page_text(PAGE)


def test_headings_title_captions_and_paragraphs_have_their_word_styles(small):
    _, doc = small
    styled = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    assert ("Title", "示例学院2021年工作报告") in styled
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


def test_charts_are_images_the_toc_is_a_field_and_the_closing_sits_right(small):
    _, doc = small
    assert len(doc.inline_shapes) == 1
    instr = [i.text for i in doc.element.body.iter(f"{W}instrText")]
    assert any(i.strip().startswith("TOC") for i in instr)
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
    assert props.created == props.modified
    assert props.created.year == 2021 and props.author == "示例学院" and props.title == META.title


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
    return dict(re.findall(r'<a class="fig" href="ledger\.html#fig-([^"]+)"[^>]*>([^<]*)</a>', page))


@pytest.mark.build
@pytest.mark.parametrize("year", [2020, 2021])
def test_the_demo_report_as_word(demo_project, root, year):
    import docx

    out = demo_project / "outputs" / str(year)
    page = (out / "report.html").read_text(encoding="utf-8")
    data = (out / "report.docx").read_bytes()
    doc = docx.Document(io.BytesIO(data))
    assert squeeze(docx_text(doc)).replace(squeeze(TOC_HINT), "") == page_text(page)
    used = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "Caption"} <= used
    assert len(doc.tables) == page.count("<table") and len(doc.tables) >= 9
    assert len(doc.inline_shapes) == page.count('<figure class="chart"') >= 4
    # each figure the 2020 report published, as this year's report words it
    published = pd.read_csv(root / "reference" / "published-2020.csv", dtype=str)["figure_id"]
    assert len(published) == 51
    links, text = _fig_links(page), docx_text(doc)
    ledger = pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False).set_index("id")
    for fid in published:
        shown = links.get(fid) or ledger.loc[fid, "wording"]
        assert shown in text, (year, fid, shown)
    section = doc.sections[-1]
    assert (round(section.page_width / 36000), round(section.page_height / 36000)) == (210, 297)
    assert (round(section.top_margin / 36000), round(section.left_margin / 36000)) == (37, 28)
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —" and "PAGE" in "".join(i.text for i in footer._p.iter(f"{W}instrText"))


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


@pytest.mark.build
@pytest.mark.slow
def test_libreoffice_renders_the_word_document_with_chinese_text(demo_project, tmp_path):
    from pypdf import PdfReader

    from annualreport.typeset import fonts

    soffice = program("soffice", "libreoffice-writer-nogui")
    face_dir = next(iter(fonts.ensure_fonts().values())).parent  # a CJK face fontconfig can find
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{face_dir}</dir>'
        f"<cachedir>{tmp_path / 'fc'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), HOME=str(tmp_path))
    source = demo_project / "outputs" / "2020" / "report.docx"
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    assert pdf.is_file(), done.stdout + done.stderr
    reader = PdfReader(str(pdf))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "工作报告" in text and "数据来源" in text and "表1" in text
    assert len(reader.pages) >= 10
    assert Path(pdf).stat().st_size > 0
