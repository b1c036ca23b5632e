"""The official layout (GB/T 9704-2012 style; templates/report/official.css, docs/fonts.md), measured in
the PDF with pypdf only (text positions and sizes from `extract_text(visitor_text=...)`): the embedded
serif face, 16 pt body, the 28 mm / 37 mm margins, 22 lines a page, 28 characters a line, page numbers
odd right / even left, no colophon, no page under a quarter full except the end of a part, table headers
repeated. Unit tests on the params' `document:` block and the closing come first (fast lane)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from annualreport.base.document import closing
from annualreport.base.errors import ParamsError
from annualreport.base.params import load_params
from tests.helpers import ROOT

MM = 72 / 25.4
TOP, LEFT, WIDTH, HEIGHT = 37 * MM, 28 * MM, 156 * MM, 225 * MM
PITCH = 28.95
# the demo's 2020 params: the institution (the issuer by default) and document.date "2021-03-01"
DEMO = load_params(ROOT / "params" / "2020.yaml", root=ROOT).data
ISSUER, DATE = DEMO["institution"]["name"], "2021年3月1日"


# ---------------------------------------------------------------- params and the closing (fast)
def _params(tmp_path: Path, root: Path, document: str) -> Path:
    text = (root / "params" / "2020.yaml").read_text(encoding="utf-8")
    text = re.sub(r"document:\n(  .*\n)*", document, text)
    path = tmp_path / "params" / "2020.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_closing_prints_the_issuer_and_the_date_in_arabic_digits(root):
    data = load_params(root / "params" / "2020.yaml", root=root).data
    assert data["document"]["date"] == "2021-03-01" and closing(data) == (ISSUER, DATE)
    assert closing({"institution": {"name": "某学院"}, "document": {"issuer": "某学院党委", "date": None}}) == (
        "某学院党委",
        "",
    )


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ('document:\n  date: "2021-3-1"\n', "must look like 2021-03-01"),
        ('document:\n  date: "2021-02-30"\n', "is not a date"),
        ("document:\n  date: 2021-03-01\n", "'document.date' must be a string"),
        ("document:\n  signer: x\n", "unknown key 'document.signer'"),
    ],
)
def test_a_bad_document_block_is_an_error_naming_the_key(tmp_path, root, block, message):
    path = _params(tmp_path, root, block)
    with pytest.raises(ParamsError, match=re.escape(message)):
        load_params(path, root=tmp_path)


def test_without_a_document_block_the_issuer_is_the_institution_and_there_is_no_date(tmp_path, root):
    data = load_params(_params(tmp_path, root, ""), root=tmp_path).data
    assert closing(data) == (ISSUER, "")


# ---------------------------------------------------------------- the PDF, measured
class Run:
    """One piece of text as the PDF draws it: page (1-based), x and baseline y from the top (pt), size."""

    def __init__(self, page, x, y, size, font, text):
        self.page, self.x, self.y, self.size, self.font, self.text = page, x, y, size, font, text


def runs(pdf: Path) -> list[Run]:
    from pypdf import PdfReader

    out: list[Run] = []
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font, size, number=number, height=height):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                base = str(font.get("/BaseFont", "")) if font else ""
                out.append(Run(number, x, height - y, round(size * abs(tm[3]) * abs(cm[3]), 2), base, text.strip()))

        page.extract_text(visitor_text=visit)
    return out


def embedded_families(pdf: Path) -> set[str]:
    """Family names (name ID 1) of the font programs the PDF embeds."""
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(pdf).pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            for desc in font.get_object().get("/DescendantFonts", []):
                d = desc.get_object()["/FontDescriptor"].get_object()
                stream = d.get("/FontFile2") or d.get("/FontFile3")
                if stream is not None:
                    names.add(TTFont(io.BytesIO(stream.get_object().get_data()))["name"].getDebugName(1))
    return names


@pytest.fixture(scope="module")
def pdfs(demo_pdfs):
    """The demo's 2020 report and ledger annex laid out by the pdf stage's function (conftest, once)."""
    return demo_pdfs


@pytest.fixture(scope="module")
def report_runs(pdfs) -> list[Run]:
    return runs(pdfs["report"])


def _body(rs):
    return [r for r in rs if "Report-Body" in r.font and r.y < TOP + HEIGHT]


@pytest.mark.build
def test_the_pdf_embeds_a_cjk_serif_for_the_body_and_sets_it_in_16_pt(pdfs, report_runs):
    families = embedded_families(pdfs["report"])
    assert "Noto Serif SC" in families, families
    assert families & {"Noto Serif CJK SC", "Noto Sans SC"}, families  # title (or its fallback) and 黑体
    body = _body(report_runs)
    # wrapped lines of paragraphs start at the margin (so do the smaller source notes under tables)
    at_margin = [r for r in body if abs(r.x - LEFT) < 1]
    prose = sum(len(r.text) for r in at_margin if abs(r.size - 16) < 0.05)
    assert prose > 0.9 * sum(len(r.text) for r in at_margin), {r.size for r in at_margin}
    at_16 = sum(len(r.text) for r in report_runs if abs(r.size - 16) < 0.05)
    assert at_16 > 0.7 * sum(len(r.text) for r in report_runs)  # tables, captions and notes are smaller


@pytest.mark.build
def test_the_text_block_starts_28_mm_from_the_left_and_37_mm_from_the_top(report_runs):
    body = _body(report_runs)
    assert abs(min(r.x for r in body) - LEFT) < 2 * MM
    measured = 0
    for page in {r.page for r in body} - {1}:
        first = min((r for r in report_runs if r.page == page), key=lambda r: r.y)
        if abs(first.size - 16) > 0.05:
            continue  # the page opens with a table or a chart (drawn, not text)
        top = first.y - 0.75 * PITCH  # the baseline of a 28.95 pt line lies about three quarters down it
        assert abs(top - TOP) < 2 * MM, (page, first.y)
        measured += 1
    assert measured > 5


def _lines(rs, page):
    return sorted({round(r.y) for r in rs if r.page == page and r.y < TOP + HEIGHT})


@pytest.mark.build
def test_a_full_page_holds_22_lines_of_28_characters(report_runs):
    body_pages = {r.page for r in report_runs}
    full = []
    for page in body_pages:
        on_page = [r for r in report_runs if r.page == page and r.y < TOP + HEIGHT]
        if all(abs(r.size - 16) < 0.05 for r in on_page):  # text only: no table, chart caption or title
            full.append(len(_lines(report_runs, page)))
    assert full and max(full) in (21, 22, 23), full
    assert all(n <= 23 for n in full), full
    # a wrapped line of Chinese only (no digits or Latin, which are narrower) holds 28 characters
    wrapped = [
        r.text
        for r in _body(report_runs)
        if abs(r.x - LEFT) < 1 and re.fullmatch(r"[\u3000-\u9fff\uff00-\uffef“”‘’—…]+", r.text)
    ]
    lengths = [len(t) for t in wrapped]
    assert lengths and max(set(lengths), key=lengths.count) == 28, sorted(lengths)[-20:]


@pytest.mark.build
def test_page_numbers_in_dashes_odd_right_even_left_below_the_block(pdfs, report_runs):
    from pypdf import PdfReader

    pages = len(PdfReader(pdfs["report"]).pages)
    width = 210 * MM
    for page in range(1, pages + 1):
        foot = [r for r in report_runs if r.page == page and r.y > TOP + HEIGHT]
        assert "".join(r.text for r in sorted(foot, key=lambda r: r.x)).replace(" ", "") == f"—{page}—", page
        assert all(abs(r.size - 14) < 0.05 for r in foot)
        top = min(r.y for r in foot) - 14 * 0.88  # the glyphs' top, from the baseline
        assert abs(top - (TOP + HEIGHT + 7 * MM)) < 2 * MM, (page, top)
        start, end = min(r.x for r in foot), max(r.x for r in foot)
        if page % 2:
            assert start > width / 2 and end < LEFT + WIDTH, page
        else:
            assert end < width / 2 and start >= LEFT + 13, page  # one character (14 pt) in from the block


@pytest.mark.build
def test_no_colophon_and_no_page_under_three_quarters_full_but_the_ends_of_parts(pdfs, report_runs):
    for name, pdf in pdfs.items():
        text = "".join(r.text for r in runs(pdf)) if name == "ledger" else "".join(r.text for r in report_runs)
        assert "annualreport" not in text and "生成" not in text, name
    pages = max(r.page for r in report_runs)
    # a part starts with a 一、-level heading (黑体) or 附: the page before one may be short, and the last
    part_starts = {
        r.page
        for r in report_runs
        if "Report-Hei" in r.font and re.match(r"([一二三四五六七八九十]+、|附)", r.text) and r.y < TOP + 2 * PITCH
    }
    short = []
    for page in range(1, pages + 1):
        lowest = max(r.y for r in report_runs if r.page == page and r.y < TOP + HEIGHT)
        if lowest - TOP < HEIGHT * 3 / 4 and page != pages and page + 1 not in part_starts:
            short.append(page)
    assert not short, f"pages under three-quarters full: {short}"


@pytest.mark.build
def test_the_circulated_document_ends_with_the_closing_and_the_review_copy_adds_its_appendix(pdfs, report_runs):
    date = [r for r in report_runs if r.text == DATE]
    issuer = [r for r in report_runs if r.text == ISSUER]
    assert len(date) == 1 and issuer and issuer[-1].page == date[0].page
    assert date[0].page == max(r.page for r in report_runs)  # nothing after the 落款
    assert not [r for r in report_runs if r.text.startswith("附：")]
    review = runs(pdfs["review"])
    date = [r for r in review if r.text == DATE]
    appendix = [r for r in review if r.text.startswith("附：数据质量")]
    assert appendix and appendix[0].page == date[0].page + 1 and appendix[0].y < TOP + 2 * PITCH
    # 审阅稿 at the top right of every page of the review copy
    pages = max(r.page for r in review)
    marked = {r.page for r in review if r.text == "审阅稿" and r.y < TOP and r.x > LEFT + WIDTH / 2}
    assert marked == set(range(1, pages + 1))


@pytest.mark.build
def test_lines_are_justified_full_and_no_paragraph_ends_on_a_lone_character(pdfs):
    """As a print office sets it: at most 2% of wrapped lines end more than one character short of the margin, no
    paragraph's last line holds a lone character, no page is under three-quarters full but before a 一、 part or at
    the end, and the document is within two pages of the seed's text set on the same 22-line grid."""
    from tests.programs import program
    from tests.report import pdflines

    found = pdflines.lines(pdfs["report"], program("pdftotext", "poppler-utils"))
    wrapped, short = pdflines.wrapped(found), pdflines.short(found)
    assert len(wrapped) > 300 and len(short) <= 0.02 * len(wrapped), [(x.page, x.text) for x in short]
    assert not pdflines.lone_endings(found), [(x.page, x.text) for x in pdflines.lone_endings(found)]
    full = pdflines.fullness(found)
    parts = {x.page for x in found if x.body and re.match(r"[一二三四五六七八九十]+、", x.text) and x.x0 > LEFT + 10}
    assert all(f >= 0.75 or p == max(full) or p + 1 in parts for p, f in full.items()), full
    seed = [x for x in (ROOT / "reference" / "seed-2021-work-report.txt").read_text(encoding="utf-8").splitlines()]
    seed_pages = len([x for x in seed if x.strip()]) / 22
    assert abs(len(full) - seed_pages) <= 2, (len(full), seed_pages)


def _official_pdf(tmp_path: Path, body: str) -> Path:
    """`body` laid out as the report is (its stylesheet and faces, the official layout): the PDF's path."""
    from annualreport.report import render
    from annualreport.typeset import pages

    html = tmp_path / "t.html"
    html.write_text(
        f"<html><head><style>{pages.report_font_css(body, '')}{pages.stylesheet()}</style></head>"
        f'<body class="official"><main class="report">{body}</main></body></html>',
        encoding="utf-8",
    )
    return render.render_pdf(html, tmp_path / "t.pdf")


@pytest.mark.build
def test_a_table_longer_than_a_page_repeats_its_header_row(tmp_path):
    rows = "".join(f"<tr><td>第{i}项</td><td>{i}</td></tr>" for i in range(80))
    body = (
        '<h2 class="sec sec-l1">一、表格</h2><table class="figtable rows"><caption>表1 长表</caption>'
        f"<thead><tr><th>指标名称</th><th>数值</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    rs = runs(_official_pdf(tmp_path, body))
    pages = sorted({r.page for r in rs if r.text.startswith("第")})  # pages with rows of the table
    assert len(pages) >= 2 and pages[0] == 1  # a long table (rows, open items, targets) starts at once
    for page in pages:
        assert any(r.text.startswith("指标名称") for r in rs if r.page == page), page


@pytest.mark.build
def test_a_code_breaks_where_the_annex_marks_it_and_the_pdf_text_has_no_mark(tmp_path):
    """The annex marks where a long code may break (<wbr> after _ . /); in print the mark is a zero-width space
    (a text run, not an element with a style of its own): the code breaks there, and the PDF's text is the code."""
    code = "party_<wbr>central_<wbr>group_<wbr>study_<wbr>change_<wbr>pct"
    body = f'<p style="width: 22mm"><code>{code}</code></p>'
    rs = runs(_official_pdf(tmp_path, body))
    code_runs = [r for r in rs if "—" not in r.text]  # not the page number
    lines = [r.text for r in code_runs]
    assert len({round(r.y) for r in code_runs}) >= 2, lines  # broken over lines
    assert "".join(lines) == "party_central_group_study_change_pct"
    assert all("\u200b" not in t for t in lines)
