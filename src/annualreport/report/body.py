"""The text of the report in its two editions (`report/editions.py`): the title block, the contents (review copy,
on screen), the sections with their prose and, where the outline places them, their tables and charts, and the
落款. Built from the outline, the prose and the ledger by `views.Report`; everything shown is escaped.

Headings are numbered as a Chinese official document numbers them. A section numbered `1.` that has prose and no
subsections is set as the seed sets it: its heading runs into its first paragraph, in bold, closed by 。
("1.持续加强党的政治建设。坚持…"); others stand on their own line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from annualreport.base.document import closing
from annualreport.report import captions
from annualreport.report.editions import CIRCULATED, NAMES_ZH, REVIEW, Block
from annualreport.report.narrative import fill, render_body
from annualreport.report.reread import OUTLINE as OUTLINE_FILE

if TYPE_CHECKING:
    from annualreport.base.outline import Outline, Section
    from annualreport.base.params import Params
    from annualreport.base.refs import Context
    from annualreport.report.captions import Numbers
    from annualreport.report.reread import Findings


class Report(Protocol):
    """What this module reads of the report (`views.Report` is one)."""

    params: Params
    outline: Outline
    ctx: Context
    stamped: bool
    findings: Findings | None

    def numbers(self, edition: str) -> Numbers: ...

    def context(self, edition: str) -> Context: ...

    def block(self, s: Section, block: dict, label: str, anchor: str, edition: str) -> str: ...


RUN_IN = re.compile(r"\d+\.")
END = "。！？；：…"


def heading_text(report: Report, s: Section) -> str:
    return s.number + fill(s.heading, report.ctx, "sections.yaml heading", markup=False)


def title_text(report: Report) -> str:
    return fill(report.outline.title, report.ctx, "sections.yaml title", markup=False)


def cover(report: Report) -> Block:
    """The title block atop the first page (the institution line only when the title lacks it); the review copy
    says it is the 审阅稿, and the circulated document of a year with text nobody has reread is stamped 征求意见稿."""
    title = title_text(report)
    sub = fill(report.outline.subtitle, report.ctx, "sections.yaml subtitle", markup=False)
    org = report.params.institution["name"]
    inner = (
        ("" if org in title else f'<p class="cover-org">{html.escape(org)}</p>')
        + f'<h1 class="cover-title">{html.escape(title)}</h1>'
        + (f'<p class="cover-sub">{html.escape(sub)}</p>' if sub else "")
    )
    notice = (
        '<p class="reread-notice">本稿中尚无人重读的文字（与上年相同的段落、不属本年的词语）已用底色标出，'
        "定稿签认前须逐段修改或确认。</p>"
        if report.stamped
        else ""
    )
    review = f'<div class="cover"><p class="edition-mark">{NAMES_ZH[REVIEW]}</p>{inner}{notice}</div>'
    stamp = '<p class="stamp">征求意见稿</p>' if report.stamped else ""
    return Block(review, f'<div class="cover">{stamp}{inner}</div>')


def contents(report: Report, extra: list[tuple[str, str]]) -> Block:
    """The contents of the review copy, on screen only (an official document has no contents page): level 1,
    and level 2 where it has content of its own; then `extra` ((anchor or page, title)) after the sections."""
    items = []
    for n, s in enumerate(report.outline.walk()):
        if s.level == 1 or (s.level == 2 and (s.body or s.blocks or s.children)):
            items.append(
                f'<li class="toc-l{s.level}"><a href="#sec-{n}">{html.escape(heading_text(report, s))}</a></li>'
            )
    for href, text in extra:
        items.append(f'<li class="toc-l1"><a href="{html.escape(href)}">{html.escape(text)}</a></li>')
    return Block('<nav class="toc"><h2 class="toc-title">目录</h2><ul>' + "".join(items) + "</ul></nav>")


def closing_block(report: Report) -> Block:
    """The 落款 after the body: the issuer and the date (params `document:`), right-aligned in print."""
    issuer, date = closing(report.params.data)
    return Block.both(
        f'<div class="closing"><p class="issuer">{html.escape(issuer)}</p>'
        + (f'<p class="date">{html.escape(date)}</p>' if date else "")
        + "</div>"
    )


def runs_in(s: Section) -> bool:
    """A `1.`-numbered section with prose and no subsections: its heading runs into its first paragraph."""
    return bool(RUN_IN.fullmatch(s.number)) and bool(s.body) and not s.children


def _run_in(anchor: str, s: Section, heading: str, body: str) -> str:
    """`body` with the heading in bold at the start of its first paragraph, closed by 。"""
    lead = heading if heading and heading[-1] in END else heading + "。"
    strong = f'<strong class="sec sec-l{s.level} runin">{html.escape(lead)}</strong>'
    first = body.find("<p>")
    if first < 0:
        return f'<p class="runin" id="{anchor}">{strong}</p>{body}'
    return body[:first] + f'<p class="runin" id="{anchor}">{strong}' + body[first + len("<p>") :]


def sections(report: Report) -> Iterator[Block]:
    """The sections in reading order. A section's prose follows its heading; its tables and charts come after
    its subsections (a summary of them), numbered in that order per edition (captions.blocks_in_order); the
    circulated edition has only the blocks the outline marks `circulate: true`."""
    labels = {REVIEW: iter(report.numbers(REVIEW).labels), CIRCULATED: iter(report.numbers(CIRCULATED).labels)}
    anchors = {id(s): f"sec-{n}" for n, s in enumerate(report.outline.walk())}  # as in the contents

    numbers = {id(s): n for n, s in enumerate(report.outline.walk(), 1)}  # the headings as reread numbers them
    marks = Marks(report.findings, report.params.year)

    def emit(s: Section) -> Iterator[Block]:
        heading = heading_text(report, s)
        bodies = {e: render_body(report.outline, s, report.context(e), links=e == REVIEW) for e in (REVIEW, CIRCULATED)}
        if runs_in(s):
            review, circulated = (_run_in(anchors[id(s)], s, heading, bodies[e]) for e in (REVIEW, CIRCULATED))
            review = marks.heading(review, numbers[id(s)], "strong")
            yield Block(
                f'<div class="prose">{marks.prose(review, s.body)}</div>', f'<div class="prose">{circulated}</div>'
            )
        else:
            tag = f"h{min(s.level + 1, 5)}"
            shown = f'<{tag} id="{anchors[id(s)]}" class="sec sec-l{s.level}">{html.escape(heading)}</{tag}>'
            yield Block(marks.heading(shown, numbers[id(s)], tag), shown)
            if bodies[REVIEW]:
                review = marks.prose(bodies[REVIEW], s.body)
                yield Block(f'<div class="prose">{review}</div>', f'<div class="prose">{bodies[CIRCULATED]}</div>')
        for child in s.children:
            yield from emit(child)
        for block in s.blocks:
            review = report.block(s, block, *next(labels[REVIEW]), edition=REVIEW)
            label = next(labels[CIRCULATED])
            shown = report.block(s, block, *label, edition=CIRCULATED) if captions.circulated(block) else ""
            yield Block(review, shown)

    for s in report.outline.sections:
        yield from emit(s)


class Marks:
    """The review copy's marks on text nobody has reread (report/reread.py): a paragraph carried unchanged from the
    year before, or holding a year-bound phrase outside its years, gets the class `reread` and a `data-reread` note
    the stylesheet prints after it; each such phrase is set in `<mark class="out-of-year">`. Nothing is marked in a
    build without findings, or once each is rewritten or accepted."""

    def __init__(self, findings: Findings | None, year: int):
        self.findings, self.year = findings, year

    def note(self, file: str, n: int) -> tuple[str, tuple[str, ...]]:
        """What the paragraph's mark says, and its phrases outside their years ("" when there is nothing)."""
        f = self.findings
        if f is None or not f.left:
            return "", ()
        said, phrases = [], f.out_of_year(file, n)
        if f.unreviewed(file, n):
            said.append(f"与{f.year_before}年相同，尚无人重读")
        if phrases:
            said.append("、".join(f"“{p}”" for p in phrases) + f"不属{self.year}年")
        return "；".join(said), phrases

    def _mark(self, tag_html: str, tag: str, note: str, phrases: tuple[str, ...]) -> str:
        """`tag_html` starting with its opening `<tag …>`: the class and note added, the phrases marked."""
        if not note:
            return tag_html
        end = tag_html.index(">") + 1
        opening = tag_html[:end]
        if ' class="' in opening:
            opening = opening.replace(' class="', ' class="reread ', 1)
        else:
            opening = opening[:-1] + ' class="reread">'
        opening = opening[:-1] + f' data-reread="{html.escape(note)}">'
        return opening + _mark_phrases(tag_html[end:], phrases)

    def heading(self, shown: str, n: int, tag: str) -> str:
        """A heading (the n-th of the outline, a paragraph of sections.yaml) marked where it is to be reread."""
        note, phrases = self.note(OUTLINE_FILE, n)
        if not note:
            return shown
        at = shown.index(f"<{tag}")
        return shown[:at] + self._mark(shown[at:], tag, note, phrases)

    def prose(self, rendered: str, file: str | None) -> str:
        """A prose file's rendered paragraphs, the n-th `<p` being its paragraph n, marked."""
        if not file:
            return rendered
        parts = re.split(r"(?=<p\b)", rendered)
        out = [parts[0]]
        for n, part in enumerate(parts[1:], 1):
            note, phrases = self.note(file, n)
            out.append(self._mark(part, "p", note, phrases))
        return "".join(out)


def _mark_phrases(fragment: str, phrases: tuple[str, ...]) -> str:
    """Each phrase set in `<mark class="out-of-year">` where it stands in the fragment's text (not inside a tag)."""
    for phrase in sorted(phrases, key=len, reverse=True):
        escaped = html.escape(phrase, quote=False)
        pieces = re.split(r"(<[^>]*>)", fragment)
        fragment = "".join(
            p if p.startswith("<") else p.replace(escaped, f'<mark class="out-of-year">{escaped}</mark>')
            for p in pieces
        )
    return fragment
