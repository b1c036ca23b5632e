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

Narrative files hold no hand-typed numbers: `bare_numbers()` finds digits outside references, dates
and the reviewed names with digits of `specs/terms.yaml`, and a test fails on any.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from annualreport.base.errors import SpecError
from annualreport.base.paths import load_yaml, specs_dir
from annualreport.base.wording import STYLES, word

REF = re.compile(r"\{((?:target\.)?[a-z_][a-z0-9_]*)(?::([a-z]+))?\}")
# A chart or table by its key (`{ref:admissions_by_school}`), printed 图1 / 表1 (report/captions.py).
XREF = re.compile(r"\{ref:([a-z][a-z0-9_]*)\}")
HELD = re.compile(f"{XREF.pattern}|{REF.pattern}")
# Dates are allowed as typed: 2021年5月31日, 5月31日, 2021-05-31, 11月30日.
DATE = re.compile(r"(\d{4}年)?\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}")
DIGIT = re.compile(r"[0-9０-９]")
CN_NUMBERS = "一二三四五六七八九十"
# Proper names that contain digits but state no quantity ("1+X", 中国制造2025) are the reviewed terms
# of `specs/terms.yaml` (`load_terms`; the module attribute `NAMES_WITH_DIGITS` reads them when asked).
TERMS_FILE = "terms.yaml"
# A numbered run-in item's marker, at the start of a paragraph; its placeholder while Markdown is rendered.
ITEM_MARK = re.compile(r"[（(]#[）)][ \t]*")
ITEM_HELD = re.compile(r"ITEMNO(\d{5})X")
SECTION_KEYS = {"heading", "body", "children", "blocks", "number", "id", "child_numbering"}


@dataclass
class Section:
    heading: str
    level: int
    number: str
    body: str | None = None  # Markdown file name
    blocks: list = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    id: str = ""


def cn_index(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUMBERS[tens - 1]) + "十" + (CN_NUMBERS[ones - 1] if ones else "")


STYLES_BY_NAME = {"chinese": 1, "chinese_paren": 2, "arabic": 3, "arabic_paren": 4}


def numbering(level: int, n: int) -> str:
    """一、 / （一） / 1. / （1）, as Chinese official documents number their levels."""
    return [f"{cn_index(n)}、", f"（{cn_index(n)}）", f"{n}.", f"（{n}）"][min(level, 4) - 1]


def _parse(items: list, level: int, where: str, style: int | None = None) -> list[Section]:
    out = []
    for i, item in enumerate(items or [], start=1):
        unknown = set(item) - SECTION_KEYS
        if unknown:
            raise SpecError(f"{where}: unknown key(s) {sorted(unknown)} in section '{item.get('heading')}'")
        n = int(item.get("number", i))
        child_style = item.get("child_numbering")
        if child_style is not None and child_style not in STYLES_BY_NAME:
            raise SpecError(f"{where}: child_numbering must be one of {', '.join(STYLES_BY_NAME)}")
        out.append(
            Section(
                heading=str(item["heading"]),
                level=level,
                number="" if item.get("number") == 0 else numbering(style or level, n),
                body=item.get("body"),
                blocks=list(item.get("blocks") or []),
                children=_parse(item.get("children") or [], level + 1, where, STYLES_BY_NAME.get(child_style)),
                id=str(item.get("id", "")),
            )
        )
    return out


@dataclass
class Outline:
    title: str
    subtitle: str
    sections: list[Section]
    directory: Path

    def walk(self):
        stack = list(reversed(self.sections))
        while stack:
            s = stack.pop()
            yield s
            stack.extend(reversed(s.children))


def load_outline(directory: Path) -> Outline:
    path = directory / "sections.yaml"
    if not path.exists():
        raise SpecError(f"{path}: narrative outline not found (make new-year scaffolds it)")
    raw = load_yaml(path.read_text(encoding="utf-8"))
    outline = Outline(
        title=str(raw.get("title", "{institution}{next_year}年工作报告")),
        subtitle=str(raw.get("subtitle", "")),
        sections=_parse(raw.get("sections") or [], 1, str(path)),
        directory=directory,
    )
    for s in outline.walk():
        if s.body and not (directory / s.body).exists():
            raise SpecError(f"{path}: section '{s.heading}' names {s.body}, which does not exist")
    return outline


@dataclass
class Context:
    """What references resolve to: figures (id -> ledger row) and the year's names."""

    figures: dict[str, dict]
    year: int
    institution: str
    targets: dict[str, str] = field(default_factory=dict)  # next year's targets as printed: "20项"
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)  # chart/table key -> (图1, anchor)

    @property
    def names(self) -> dict[str, str]:
        return {
            "year": str(self.year),
            "prev_year": str(self.year - 1),
            "next_year": str(self.year + 1),
            "institution": self.institution,
        }


def _figure_text(ctx: Context, fid: str, style: str | None, where: str) -> tuple[str, dict]:
    if fid.startswith("target."):
        tid = fid.split(".", 1)[1]
        if tid not in ctx.targets:
            raise SpecError(f"{where}: unknown target '{{{fid}}}' (not in this year's params targets)")
        return ctx.targets[tid], {}
    if fid not in ctx.figures:
        raise SpecError(f"{where}: unknown figure '{{{fid}}}' (not defined in specs/figures/)")
    row = ctx.figures[fid]
    if style:
        if style not in STYLES:
            raise SpecError(f"{where}: unknown wording style '{style}' in {{{fid}:{style}}}")
        if row["value"] == "":
            return "无数据", row
        return word(row["value"], row["unit"], style).text, row
    return row["wording"], row


def annex_page() -> str:
    """The ledger annex beside the report (both are published into the same folder)."""
    from annualreport.base.catalog import Places

    return Places(Path("."), Path(".")).relative("ledger_annex")


def fill(text: str, ctx: Context, where: str, markup: bool = True) -> str:
    """Replace references. With `markup`, each figure becomes a link to its row in the ledger annex and
    each `{ref:<key>}` a link to its chart's or table's caption."""
    from annualreport.report.captions import ref_text

    text = XREF.sub(lambda m: ref_text(ctx.refs, m.group(1), where, markup), text)

    def repl(m: re.Match) -> str:
        name, style = m.group(1), m.group(2)
        if name in ctx.names and style is None:
            return html.escape(ctx.names[name]) if markup else ctx.names[name]
        shown, row = _figure_text(ctx, name, style, where)
        if not markup or not row:
            return html.escape(shown) if markup else shown
        source = "；".join(x for x in (row["dataset"], row["definition"]) if x)  # a stated figure has no dataset
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


def markdown_to_html(md: str, ctx: Context | None = None, where: str = "", item_level: int = 4) -> str:
    """Markdown to HTML with raw HTML escaped (narrative never becomes markup); figure and year
    references are swapped for placeholders first and filled in after, so only our links are tags.
    Paragraphs starting with `（#）` become numbered run-in items at `item_level` (see the module doc)."""
    import mistune

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
    return re.sub(r"FIGREF(\d{5})X", lambda m: fill(refs[int(m.group(1))], ctx, where), out)


def render_body(outline: Outline, section: Section, ctx: Context) -> str:
    """A section's prose as HTML; its numbered items are one level below its heading (（1） under 1.)."""
    if not section.body:
        return ""
    path = outline.directory / section.body
    return markdown_to_html(path.read_text(encoding="utf-8"), ctx, str(path), item_level=section.level + 1)


def load_terms(root: Path | None = None) -> tuple[str, ...]:
    """The reviewed names with digits (`specs/terms.yaml`: `terms: [{term, why}]`), longest first. Each
    entry says why its digits state no quantity; a term without an ASCII or full-width digit, a missing
    `why`, an unknown key or a term listed twice is an error."""
    path = specs_dir(root) / TERMS_FILE
    if not path.is_file():
        raise SpecError(f"specs/{TERMS_FILE}: the reviewed terms file is missing")
    raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    items = raw.get("terms") if isinstance(raw, dict) and set(raw) == {"terms"} else None
    if not isinstance(items, list):
        raise SpecError(f"specs/{TERMS_FILE}: expected one key 'terms' holding a list of {{term, why}}")
    terms: list[str] = []
    for i, item in enumerate(items, start=1):
        where = f"specs/{TERMS_FILE} term {i}"
        if not isinstance(item, dict) or set(item) != {"term", "why"}:
            raise SpecError(f"{where}: each term is {{term, why}} (got {item!r})")
        term, why = str(item["term"] or ""), str(item["why"] or "").strip()
        if not DIGIT.search(term) or not why:
            raise SpecError(f"{where} ({term!r}): a term holds a digit and says why it is not a quantity")
        if term in terms:
            raise SpecError(f"{where}: {term!r} is listed twice")
        terms.append(term)
    return tuple(sorted(terms, key=len, reverse=True))


def __getattr__(name: str):
    if name == "NAMES_WITH_DIGITS":  # the reviewed terms of this checkout, as the tests read them
        return load_terms()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def bare_numbers(text: str, terms: tuple[str, ...] | None = None) -> list[str]:
    """Digits typed into narrative text outside figure/year references, dates and the reviewed terms
    (`terms`, default `load_terms()`): a digit inside a listed term is not a bare number, one anywhere
    else is (a term's text is cut out, so `21+X` still leaves its `2`)."""
    stripped = DATE.sub("", REF.sub("", XREF.sub("", text)))
    for name in load_terms() if terms is None else terms:
        stripped = stripped.replace(name, " ")
    return re.findall(r"[0-9０-９]+(?:[.,．][0-9０-９]+)*", stripped)
