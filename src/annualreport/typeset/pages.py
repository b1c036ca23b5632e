"""The page every HTML output shares: the report's stylesheets, the CJK faces cut down to the characters a page
shows and inlined as base64 (so a page needs no network and no installed font), and a last sanitising pass.
The report page (`report/render.py`), its ledger annex, the auditor's page (`validation/page.py`) and the review
page (`review/earlier.py`) are all made with it; the same body gives the same bytes. Every page goes through
`conform` (valid HTML: the W3C Nu checker finds no error, tests/report/test_html_valid.py) and `sanitise` last.

`report.css` is the shared look (the auditor's page uses it alone); `official.css` lays the report and its
annex out as an official document (GB/T 9704-2012 style; docs/fonts.md).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from annualreport.base.paths import templates_dir
from annualreport.base.tables import atomic_write_bytes
from annualreport.typeset import fonts

# Characters the stylesheet itself prints (page numbers, list markers), kept in every subset.
CSS_TEXT = "—–·•0123456789 \u00a0\u3000续审阅稿〔〕"

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
    atomic_write_bytes(out, sanitise(conform(page)).encode("utf-8"))
    return out


# An SVG document's prolog (matplotlib writes one): invalid inside an HTML page. The page's own
# `<!DOCTYPE html>` is not an SVG doctype and stays.
_SVG_PROLOG = re.compile(r"<\?xml\b[^>]*\?>\s*|<!DOCTYPE\s+svg\b[^>]*>\s*", re.I)
_SVG = re.compile(r"(<svg\b.*?</svg\s*>)", re.S | re.I)
# An SVG's <metadata> holds RDF (cc:, dc:, rdf: elements), which HTML's SVG does not allow.
_SVG_METADATA = re.compile(r"<metadata\b.*?</metadata\s*>\s*", re.S | re.I)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>\s*", re.S | re.I)


def conform(page: str) -> str:
    """The page as valid HTML, whatever its outputs brought: every inline SVG without its XML declaration,
    doctype and RDF metadata; every `<style>` of the body (pandas Styler writes one before each table) moved
    into the head, after the page's own stylesheet (so the cascade is unchanged), or dropped when empty.
    An SVG's own `<style>` is valid where it is and stays. Changes nothing on a page that has neither."""
    page = _SVG_PROLOG.sub("", page)
    head_end = page.find("</head>")
    if head_end < 0:
        return page
    moved: list[str] = []

    def take(m: re.Match) -> str:
        if m.group(1).strip():
            moved.append(m.group(0).rstrip() + "\n")
        return ""

    parts = _SVG.split(page[head_end:])  # odd items are inline SVGs
    for i, part in enumerate(parts):
        parts[i] = _SVG_METADATA.sub("", part) if i % 2 else _STYLE.sub(take, part)
    return page[:head_end] + "".join(moved) + "".join(parts)


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
