"""Rendering pieces that need no build: the sanitiser, the PDF fallback without pango, SVG ids."""

import pytest

from annualreport.report import render
from annualreport.report.views import unique_svg_ids
from annualreport.typeset import pages


def test_sanitise_removes_scripts_handlers_and_javascript_urls():
    page = (
        '<p onclick="x()">a</p><script>alert(1)</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">b</a><svg onload=alert(1)></svg><SCRIPT src="//evil"></SCRIPT>'
    )
    out = pages.sanitise(page)
    assert "script" not in out.lower() and "onerror" not in out and "onclick" not in out and "onload" not in out
    assert "javascript:" not in out and '<a href="#">b</a>' in out
    assert pages.sanitise("<p>&lt;script&gt;</p>") == "<p>&lt;script&gt;</p>"


def test_without_pango_both_builds_html_only_and_pdf_fails(tmp_path, monkeypatch):
    def no_pango():
        raise render.PdfUnavailable("PDF needs WeasyPrint with pango (OSError: libpango not found)")

    monkeypatch.setattr(render, "weasyprint_module", no_pango)
    html = tmp_path / "report.html"
    html.write_text("<html></html>", encoding="utf-8")
    pdf, notes = render.pdf_or_note(html, tmp_path / "report.pdf", ("both",))
    assert pdf is None and len(notes) == 1 and "apt-get install libpango" in notes[0]
    with pytest.raises(render.PdfUnavailable):
        render.pdf_or_note(html, tmp_path / "report.pdf", ("pdf",))
    assert render.pdf_or_note(html, tmp_path / "report.pdf", ("html",)) == (None, [])


def test_svg_ids_are_prefixed_with_their_references():
    svg = '<svg><defs><path id="g1"/></defs><use xlink:href="#g1"/><g clip-path="url(#c1)"/><clipPath id="c1"/></svg>'
    out = unique_svg_ids(svg, "cX")
    assert 'id="cX-g1"' in out and 'href="#cX-g1"' in out and "url(#cX-c1)" in out and 'id="cX-c1"' in out
