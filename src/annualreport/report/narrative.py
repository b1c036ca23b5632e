"""Narrative: the report's structure and prose, written by the analyst, with figures by reference.

A year's narrative folder (`params/narrative/<year>/`, or `paths.narrative` in the params) holds
`sections.yaml` (the outline: headings, which Markdown file is each section's prose, which tables
and charts follow it) and the Markdown files. Prose refers to figures as `{figure_id}` and to the
year as `{year}`, `{prev_year}`, `{next_year}`; `{institution}` is the college's name. A figure
may pick another wording style for one sentence: `{board_new_enterprises:cn}`. `{ref:<key>}` names a
chart or table by its number (图1, 表1; see `report/captions.py`).

Numbered run-in items: a paragraph that starts with the marker `（#）` (or `(#)`) is an item of its section,
numbered automatically one level below the section's heading, as the seed prints the tasks of its plan:

    （#）深入学习贯彻党的十九届五中全会精神。以习近平新时代中国特色社会主义思想为指导，…

under the heading "1.坚持政治引领，加强党的领导" (level 3) becomes
`<p class="item">（1）深入学习贯彻党的十九届五中全会精神。以习近平…</p>`: items count from 1 in each
prose file, their heading runs into the paragraph (GB/T 9704 prints level （1） as body text, so it is no
h-tag), and an item may be followed by plain paragraphs. The marker elsewhere than at a paragraph's start
is an error (`item_paragraphs`).

The outline itself is `base/outline.py` and the reference grammar `base/refs.py` (every stage reads them);
narrative files hold no hand-typed numbers (`base/terms.py`, `bare_numbers`), and a test fails on any.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import mistune

from annualreport.base.errors import SpecError
from annualreport.base.outline import Outline, Section, numbering
from annualreport.base.places import Places
from annualreport.base.refs import HELD, REF, XREF, Context, figure_text, fill_text, ref_label
from annualreport.report.captions import ref_text

# A numbered run-in item's marker, at the start of a paragraph; its placeholder while Markdown is rendered.
ITEM_MARK = re.compile(r"[（(]#[）)][ \t]*")
ITEM_HELD = re.compile(r"ITEMNO(\d{5})X")


def annex_page() -> str:
    """The ledger annex beside the report (both are published into the same folder)."""
    return Places(Path("."), Path(".")).relative("ledger_annex")


def ledger_link(rid: str, text: str) -> str:
    """`text` (escaped) as a link to ledger row `rid` in the ledger annex."""
    return f'<a class="fig" href="{html.escape(annex_page())}#fig-{html.escape(rid)}">{html.escape(text)}</a>'


def fill(text: str, ctx: Context, where: str, markup: bool = True, links: bool = True) -> str:
    """Replace references (`base/refs.py`). With `markup` (HTML), each figure becomes a link to its row in the
    ledger annex and each `{ref:<key>}` a link to its chart's or table's caption, unless `links` is false (the
    circulated edition: escaped text only); without `markup`, plain text."""
    if not markup:
        return fill_text(text, ctx, where)
    text = XREF.sub(lambda m: ref_text(ref_label(ctx.refs, m.group(1), where), links), text)

    def repl(m: re.Match) -> str:
        name, style = m.group(1), m.group(2)
        if name in ctx.names and style is None:
            return html.escape(ctx.names[name])
        shown, row = figure_text(ctx, name, style, where)
        if not links:
            return html.escape(shown)
        if not row:  # a target of next year's plan: its ledger row is plan.<id>
            plan = f"plan.{name.removeprefix('target.')}"
            return ledger_link(plan, shown) if plan in ctx.figures else html.escape(shown)
        rows = f"所用数据{row['rows_used']}行" if str(row.get("rows_used", "")) not in ("", "0") else ""
        checked = f"校验：{row['validation']}" if row.get("validation") else ""
        # a stated figure has no dataset
        source = "；".join(x for x in (row["dataset"], row["definition"], rows, checked) if x)
        tip = f"{row['label']}：{row['value'] or '无数据'} {row['unit']}（{source}）"
        href = f"{annex_page()}#fig-{name}"
        return f'<a class="fig" href="{html.escape(href)}" title="{html.escape(tip)}">{html.escape(shown)}</a>'

    return REF.sub(repl, text)


def item_paragraphs(out: str, item_level: int, where: str = "") -> str:
    """Number the held item markers of rendered HTML: `<p>ITEMNO…X text` becomes `<p class="item">（1）text`
    (`numbering(item_level, n)`, n counting from 1). A marker that did not start a paragraph is an error."""
    count = 0

    def number(m: re.Match) -> str:
        nonlocal count
        count += 1
        return f'<p class="item">{numbering(item_level, count)}'

    out = re.sub(rf"<p>{ITEM_HELD.pattern}", number, out)
    if ITEM_HELD.search(out):
        raise SpecError(f"{where}: an item marker （#） must start a paragraph (a blank line before it)")
    return out


def markdown_to_html(
    md: str, ctx: Context | None = None, where: str = "", item_level: int = 4, links: bool = True
) -> str:
    """Markdown to HTML with raw HTML escaped (narrative never becomes markup); figure and year
    references are swapped for placeholders first and filled in after, so only our links are tags (none
    without `links`). Paragraphs starting with `（#）` become numbered run-in items at `item_level` (see the
    module doc)."""

    refs: list[str] = []

    def hold(m: re.Match) -> str:
        refs.append(m.group(0))
        return f"FIGREF{len(refs) - 1:05d}X"

    held = HELD.sub(hold, md) if ctx is not None else md
    marks = iter(range(100000))
    held = ITEM_MARK.sub(lambda m: f"ITEMNO{next(marks):05d}X", held)
    out = item_paragraphs(mistune.create_markdown(escape=True)(held), item_level, where)
    if ctx is None:
        return out
    return re.sub(r"FIGREF(\d{5})X", lambda m: fill(refs[int(m.group(1))], ctx, where, links=links), out)


def render_body(outline: Outline, section: Section, ctx: Context, links: bool = True) -> str:
    """A section's prose as HTML; its numbered items are one level below its heading (（1） under 1.)."""
    if not section.body:
        return ""
    path = outline.directory / section.body
    text = path.read_text(encoding="utf-8")
    return markdown_to_html(text, ctx, str(path), item_level=section.level + 1, links=links)
