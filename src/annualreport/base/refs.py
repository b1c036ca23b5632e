"""References in the college's prose: `{figure_id}` (a figure as the ledger words it), `{figure_id:style}` (another
wording style for one sentence), `{target.<id>}` (next year's target as the plan prints it), `{year}`,
`{prev_year}`, `{next_year}`, `{institution}`, and `{ref:<key>}` (a chart or table by its number, 图1 / 表1).

Every layer that prints prose reads this grammar from here: the figures stage fills the status phrases it
chooses (`figures/phrases.py`) and the outline's headings (`base/outline.py`) as plain text; the report fills
its prose with links to the ledger annex (`report/narrative.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annualreport.base.errors import SpecError
from annualreport.base.wording import STYLES, word

REF = re.compile(r"\{((?:target\.)?[a-z_][a-z0-9_]*)(?::([a-z]+))?\}")
# A chart or table by its key (`{ref:admissions_by_school}`), printed 图1 / 表1 (report/captions.py).
XREF = re.compile(r"\{ref:([a-z][a-z0-9_]*)\}")
HELD = re.compile(f"{XREF.pattern}|{REF.pattern}")
NO_DATA = "无数据"


def year_names(year: int, institution: str) -> dict[str, str]:
    """What `{year}`, `{prev_year}`, `{next_year}` and `{institution}` print."""
    return {"year": str(year), "prev_year": str(year - 1), "next_year": str(year + 1), "institution": institution}


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
        return year_names(self.year, self.institution)


def figure_text(ctx: Context, fid: str, style: str | None, where: str) -> tuple[str, dict]:
    """(the words a reference prints, its ledger row; {} for a target)."""
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
            return NO_DATA, row
        return word(row["value"], row["unit"], style).text, row
    return row["wording"], row


def ref_label(numbers: dict[str, tuple[str, str]], key: str, where: str) -> tuple[str, str]:
    """(图N or 表N, its anchor) of `{ref:<key>}`; an unknown key is an error naming the prose file."""
    if key not in numbers:
        known = ", ".join(sorted(numbers)) or "none"
        raise SpecError(f"{where}: unknown reference '{{ref:{key}}}' (charts and tables with an id: {known})")
    return numbers[key]


def fill_text(text: str, ctx: Context, where: str) -> str:
    """Every reference replaced by the words it prints, as plain text."""
    text = XREF.sub(lambda m: ref_label(ctx.refs, m.group(1), where)[0], text)

    def repl(m: re.Match) -> str:
        name, style = m.group(1), m.group(2)
        if name in ctx.names and style is None:
            return ctx.names[name]
        return figure_text(ctx, name, style, where)[0]

    return REF.sub(repl, text)


def fill_names(text: str, names: dict[str, str]) -> str:
    """Only the year's names (`{year}`, `{institution}` …) filled; every other reference left as written."""
    return REF.sub(lambda m: names.get(m.group(1), m.group(0)) if not m.group(2) else m.group(0), text)
