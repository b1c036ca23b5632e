"""Rendering pieces that need no build: the sanitiser, valid HTML (conform), the PDF fallback without pango, SVG ids."""

import io
import re

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


def test_conform_moves_body_styles_into_the_head_and_strips_an_inline_svgs_prolog_and_metadata():
    """What the report's outputs bring into a page (pandas Styler's <style> before a table, matplotlib's SVG
    document), made valid HTML: the body's non-empty styles after the head's own, an SVG's own style kept."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buf.getvalue()
    assert svg.startswith("<?xml") and "<!DOCTYPE svg" in svg and "<rdf:RDF" in svg  # what matplotlib writes
    table = pd.DataFrame({"x": [1]}).style.set_uuid("t").set_table_styles([{"selector": "td", "props": "color: red"}])
    empty = pd.DataFrame({"x": [1]}).style.set_uuid("e").to_html()
    head = "<!DOCTYPE html>\n<html>\n<head>\n<title>t</title>\n<style>\nbody { margin: 0; }\n</style>\n</head>\n"
    page = f"{head}<body>\n<figure>{svg}</figure>\n{table.to_html()}\n{empty}\n<p>text</p>\n</body>\n</html>\n"

    out = pages.conform(page)
    head_out, body_out = out.split("</head>")
    assert out.startswith("<!DOCTYPE html>") and "<?xml" not in out and "<!DOCTYPE svg" not in out
    assert "<metadata" not in out and "rdf:" not in out.lower()
    assert re.findall(r"<style\b", body_out) == ["<style"]  # the SVG's own, inside it
    assert re.search(r"<svg\b.*<style\b.*</svg>", body_out, re.S)
    assert "#T_t td" in head_out and head_out.index("body { margin: 0; }") < head_out.index("#T_t td")
    assert head_out.count("<style") == 2  # its own and the table's: the empty one is dropped
    assert "<p>text</p>" in body_out and body_out.count("<table") == 2
    assert pages.conform(out) == out
    plain = "<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>a</p></body></html>"
    assert pages.conform(plain) == plain


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
