"""Render the executed report notebook to a self-contained HTML page with nbconvert, and the PDF.

The custom template (`templates/report/`) keeps only the outputs; the stylesheets, the inlined CJK faces and
the last passes (valid HTML, then sanitising) are the pages every HTML output shares (`typeset/pages.py`). The same notebook outputs give
the same bytes. `official.css`'s font lists name an office PC's faces first (仿宋_GB2312,
黑体, 楷体, 方正小标宋) so a browser there prints with them; the PDF is laid out with `PDF_CSS` on
top, which names only the embedded faces, so WeasyPrint never picks a font installed on the machine.
"""

from __future__ import annotations

import copy
import html
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from annualreport.base import tracing
from annualreport.base.paths import templates_dir
from annualreport.base.tables import atomic_write_bytes
from annualreport.report.editions import MIMES, REVIEW
from annualreport.typeset.pages import conform, h1_text, report_font_css, sanitise, stylesheet, visible_text

VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime")
# The review copy's notes on text nobody has reread (report/body.py Marks), which its stylesheet prints after each
# marked paragraph (content: attr(data-reread)): their characters go into the page's font subsets.
DATA_NOTE = re.compile(r'data-reread="([^"]*)"')


def scrub(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove the timestamps and random ids papermill and nbclient add, so runs compare equal."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    for key in ("widgets",):
        nb.metadata.pop(key, None)
    for i, cell in enumerate(nb.cells):
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif not getattr(cell, "id", None):
            cell.id = f"cell-{i:03d}"
        if cell.cell_type == "code":
            cell.execution_count = None
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = None
    return nb


PANGO_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (Debian: the pango packages WeasyPrint needs)"


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load: the system lacks pango."""


# The PDF's font lists: the embedded faces of fonts.report_faces() only (official.css's variables). And what only
# a paged layout has (CSS Generated Content for Paged Media, which the HTML pages leave out, so that they validate):
# a table that runs onto the next page says 续表N (its caption) atop that page, above its repeated header.
PDF_CSS = """
:root { --f-body: "Report Body", serif; --f-hei: "Report Hei", sans-serif; --f-kai: "Report Kai", "Report Body", serif;
  --f-bold: "Report Bold", serif; --f-title: "Report Title", serif; --f-number: "Report Body", serif; }
@page {
  @top-left { content: string(continued, first-except); font-family: var(--f-hei); font-size: 12pt; color: #000;
    vertical-align: bottom; padding-bottom: 3mm; }
}
body.official table.figtable caption { string-set: continued "续" content(text); }
body.official table.figtable + *, body.official .sec, body.official .prose { string-set: continued ""; }
"""
# A heading's number form gives its face (一、 黑体, （一） 楷体, 1. bold, （1） plain), whatever its depth.
_NUMBER_FORMS = (r"[一二三四五六七八九十]+、", r"（[一二三四五六七八九十]+）", r"\d+[.．]", r"（\d+）")
_HEADING = re.compile(
    r'<(h[2-6])(\s[^>]*\bclass="sec\b[^"]*"[^>]*)>(?=(' + "|".join(f"({f})" for f in _NUMBER_FORMS) + "))"
)


def mark_heading_forms(page: str) -> str:
    """Add `data-num="1".."4"` to each numbered section heading, after its number's form."""

    def mark(m: re.Match) -> str:
        form = next(i for i in range(4) if m.group(4 + i)) + 1
        return f'<{m.group(1)}{m.group(2)} data-num="{form}">'

    return _HEADING.sub(mark, page)


FACES_MARK = "/* the report's font faces */"


def render_html(executed: Path, out: Path, title: str, colophon: str = "", edition: str = REVIEW) -> Path:
    """The report page in one edition (report/editions.py); no colophon footer unless one is given (the report
    carries no tool colophon)."""
    from nbconvert import HTMLExporter

    nb = scrub(nbformat.read(str(executed), as_version=4))
    exporter = HTMLExporter(template_name="report", extra_template_basedirs=[str(templates_dir())])
    # One export: the font faces are cut to the characters of the page they go into, so the page is exported with a
    # mark where they go (inside its <style>, which holds no visible text) and the faces put in its place after.
    report = {"title": title, "colophon": colophon, "css": stylesheet(), "font_css": FACES_MARK, "edition": edition}
    report["mime"] = MIMES[edition]
    draft, _ = exporter.from_notebook_node(nb, resources={"report": report})
    if draft.count(FACES_MARK) != 1:
        raise RuntimeError(f"the report template must hold resources.report.font_css once, in its <style> ({out.name})")
    printed = "".join(html.unescape(n) for n in DATA_NOTE.findall(draft))  # what the stylesheet prints from the page
    faces = report_font_css(visible_text(draft) + title + colophon + printed, h1_text(draft))
    page = draft.replace(FACES_MARK, faces)
    atomic_write_bytes(out, sanitise(conform(mark_heading_forms(page))).encode("utf-8"))
    return out


def weasyprint_module():
    try:
        import weasyprint
    except (OSError, ImportError) as exc:  # pango missing: WeasyPrint fails to load its libraries
        raise PdfUnavailable(f"PDF needs WeasyPrint with pango ({type(exc).__name__}: {exc}); {PANGO_HINT}") from None
    return weasyprint


def pdf_or_note(
    html_path: Path, out: Path, formats: tuple[str, ...], child: bool = False
) -> tuple[Path | None, list[str]]:
    """Render the PDF when asked. Without pango: with FORMAT=both, build the HTML only and return a
    one-line note saying why; with FORMAT=pdf, fail. `child`: lay it out in a child process
    (`python -m annualreport.report.render`), so the calling thread holds no lock while WeasyPrint works
    and other stages of the build run beside it; on one core, in this process."""
    if not ({"pdf", "both"} & set(formats)):
        return None, []
    try:
        if child and (os.cpu_count() or 1) > 1:
            return render_pdf_in_child(html_path, out), []
        return render_pdf(html_path, out), []
    except PdfUnavailable:
        if "pdf" in formats:
            raise
        return None, [f"PDF skipped: WeasyPrint cannot load pango; {PANGO_HINT}"]


def render_pdf_in_child(html_path: Path, out: Path) -> Path:
    """render_pdf in a child process (same bytes: SOURCE_DATE_EPOCH is inherited)."""
    cmd = [sys.executable, "-m", "annualreport.report.render", str(html_path), str(out)]
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=tracing.child_env())
    if proc.returncode == PDF_UNAVAILABLE_EXIT:
        raise PdfUnavailable(proc.stderr.strip().splitlines()[-1])
    if proc.returncode != 0:
        raise RuntimeError(
            f"laying out {out.name} from {html_path.name} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}"
        )
    return out


PDF_UNAVAILABLE_EXIT = 3
# A break opportunity (<wbr>, after each _ . / of a code in the ledger annex) is laid out as a zero-width space:
# the same break, the same page, no glyph in the PDF's text, but a text run instead of an element with a style
# of its own (the annex marks about 3,600 of them; its layout took 12 s with the elements, 8 s without).
WBR_IN_PRINT = "\u200b"


def _main(argv: list[str]) -> int:
    """`python -m annualreport.report.render SRC.html OUT.pdf`: one PDF (render_pdf_in_child's child)."""
    try:
        render_pdf(Path(argv[0]), Path(argv[1]))
    except PdfUnavailable as exc:
        print(exc, file=sys.stderr)
        return PDF_UNAVAILABLE_EXIT
    return 0


def render_pdf(html_path: Path, out: Path) -> Path:
    """The PDF from the same HTML, by WeasyPrint: A4, the inlined CJK faces embedded as CID fonts, with
    PDF_CSS on top (the embedded faces only). SOURCE_DATE_EPOCH (set by the build) fixes the PDF's
    dates, so rebuilds give the same bytes."""
    weasyprint = weasyprint_module()
    from annualreport.report import justify  # deferred: imports WeasyPrint (tools/deferred_imports.toml)

    justify.install()
    # matplotlib's SVG carries CSS properties WeasyPrint ignores harmlessly; keep its log quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # From the text with no base URL: everything is inline, and links (to the auditor's page) stay relative,
    # so the PDF does not record where the build ran. Every paragraph is numbered (data-p) for the second pass.
    text = justify.number_paragraphs(html_path.read_text(encoding="utf-8")).replace("<wbr>", WBR_IN_PRINT)
    sheets = [weasyprint.CSS(string=PDF_CSS)]
    document = weasyprint.HTML(string=text, base_url=None).render(stylesheets=sheets)
    tighter = justify.tightened(document)
    if tighter:  # a paragraph ended on a lone character: set it a little tighter, once
        sheets.append(weasyprint.CSS(string=tighter))
        document = weasyprint.HTML(string=text, base_url=None).render(stylesheets=sheets)
    atomic_write_bytes(out, document.write_pdf())
    return out


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
