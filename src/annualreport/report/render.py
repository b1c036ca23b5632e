"""Render the executed report notebook to a self-contained HTML page with nbconvert, and the PDF.

The custom template (`templates/report/`) keeps only the outputs; the CJK faces are subset to the
characters the page uses and inlined as base64, so the page needs no network and no installed
font. The same notebook outputs give the same bytes. `report.css` is the shared look (the auditor's
page uses it too); `official.css` lays the report and its annex out as an official document
(GB/T 9704-2012 style; docs/fonts.md). Its font lists name an office PC's faces first (仿宋_GB2312,
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

from annualreport.base.paths import templates_dir
from annualreport.base.tables import atomic_write_bytes
from annualreport.typeset import fonts

VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime")


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


# Characters the stylesheet itself prints (page numbers, list markers), kept in every subset.
CSS_TEXT = "—–·•0123456789 \u00a0\u3000"

PANGO_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (Debian: the pango packages WeasyPrint needs)"


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load: the system lacks pango."""


# The PDF's font lists: the embedded faces of fonts.report_faces() only (official.css's variables).
PDF_CSS = """
:root { --f-body: "Report Body", serif; --f-hei: "Report Hei", sans-serif; --f-kai: "Report Kai", "Report Body", serif;
  --f-bold: "Report Bold", serif; --f-title: "Report Title", serif; --f-number: "Report Body", serif; }
"""
STYLESHEETS = ("report.css", "official.css")


def stylesheet() -> str:
    return "\n".join((templates_dir() / "report" / name).read_text(encoding="utf-8") for name in STYLESHEETS)


def report_font_css(text: str, title_text: str) -> str:
    """@font-face rules of the official layout's faces (fonts.report_faces), each cut down to `text`
    (the title's face to `title_text`, the only text it sets)."""
    faces = []
    for face in fonts.report_faces():
        data = fonts.subset_base64(face.path, (title_text if face.only_h1 else text) + CSS_TEXT)
        faces.append(
            f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: normal; '
            f'src: url(data:font/ttf;base64,{data}) format("truetype"); }}'
        )
    return "\n".join(faces)


def h1_text(page: str) -> str:
    return visible_text("".join(re.findall(r"<h1\b.*?</h1>", page, flags=re.S)))


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


def font_css(text: str) -> str:
    """The Noto Sans SC faces cut down to `text` (the auditor's page keeps this look)."""
    faces = []
    for style, weight in fonts.WEIGHTS.items():
        data = fonts.subset_base64(style, text + CSS_TEXT)
        faces.append(
            f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {weight}; font-style: normal; '
            f'src: url(data:font/ttf;base64,{data}) format("truetype"); }}'
        )
    return "\n".join(faces)


def visible_text(page: str) -> str:
    """Characters a reader can see: text outside tags, minus inline SVG (charts are paths)."""
    page = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    page = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def render_html(executed: Path, out: Path, title: str, colophon: str = "") -> Path:
    """The report page; no colophon footer unless one is given (the report carries no tool colophon)."""
    from nbconvert import HTMLExporter

    nb = scrub(nbformat.read(str(executed), as_version=4))
    exporter = HTMLExporter(template_name="report", extra_template_basedirs=[str(templates_dir())])
    resources = {"report": {"title": title, "colophon": colophon, "css": stylesheet(), "font_css": ""}}
    draft, _ = exporter.from_notebook_node(nb, resources=copy.deepcopy(resources))
    resources["report"]["font_css"] = report_font_css(visible_text(draft) + title + colophon, h1_text(draft))
    page, _ = exporter.from_notebook_node(nb, resources=resources)
    atomic_write_bytes(out, sanitise(mark_heading_forms(page)).encode("utf-8"))
    return out


def render_page(title: str, body_html: str, out: Path, colophon: str = "", page_class: str = "") -> Path:
    """A standalone page in the report's look (its stylesheet, the CJK font subset to the page's
    characters and inlined): `body_html` (built with every value escaped) inside `<main>`. No date, no
    path: the same body gives the same bytes."""
    text = visible_text(body_html) + title + colophon
    faces = report_font_css(text, h1_text(body_html))
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="annualreport">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{faces}\n{stylesheet()}\n</style>\n</head>\n"
        f'<body class="{html.escape(page_class)}">\n<main class="report {html.escape(page_class)}">\n'
        f"{body_html}\n</main>\n"
        + (f'<footer class="colophon">{html.escape(colophon)}</footer>\n' if colophon else "")
        + "</body>\n</html>\n"
    )
    atomic_write_bytes(out, sanitise(page).encode("utf-8"))
    return out


_SCRIPT = re.compile(r"<script\b.*?</script\s*>|<script\b[^>]*/?>", re.S | re.I)
_EVENT_ATTR = re.compile(r"""(<[^>]*?)\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_JS_URL = re.compile(r"""(href|src|xlink:href)\s*=\s*(["'])\s*javascript:[^"']*\2""", re.I)


def sanitise(page: str) -> str:
    """Last line of defence after rendering: no script element, no on* handler, no javascript: URL.
    Outputs are built with every data value escaped, so this normally changes nothing."""
    page = _SCRIPT.sub("", page)
    while True:
        cleaned = _EVENT_ATTR.sub(r"\1", page)
        if cleaned == page:
            break
        page = cleaned
    return _JS_URL.sub(r'\1="#"', page)


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
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode == PDF_UNAVAILABLE_EXIT:
        raise PdfUnavailable(proc.stderr.strip().splitlines()[-1])
    if proc.returncode != 0:
        raise RuntimeError(
            f"laying out {out.name} from {html_path.name} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}"
        )
    return out


PDF_UNAVAILABLE_EXIT = 3


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
    # matplotlib's SVG carries CSS properties WeasyPrint ignores harmlessly; keep its log quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # From the text with no base URL: everything is inline, and links (to the auditor's page) stay relative,
    # so the PDF does not record where the build ran.
    page = weasyprint.HTML(string=html_path.read_text(encoding="utf-8"), base_url=None)
    data = page.write_pdf(stylesheets=[weasyprint.CSS(string=PDF_CSS)])
    atomic_write_bytes(out, data)
    return out


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
