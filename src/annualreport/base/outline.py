"""The report's outline, as every stage reads it: the year's `sections.yaml` (headings, which Markdown file is each
section's prose, which tables and charts follow it), section numbers as a Chinese official document prints
them (一、 / （一） / 1. / （1）), and section codes, the numbers joined as the figure specs write them
(`section: 一(四)2`).

A ledger row belongs to the deepest outline section whose code starts its own `section` (`三(三)7(3)` is in
`三(三)7`); `groups` places every row of the ledger so, in the report's order, for the ledger annex, the
auditor's workbook and the figures notebook alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annualreport.base.errors import SpecError
from annualreport.base.paths import load_yaml
from annualreport.base.refs import fill_names, year_names

if TYPE_CHECKING:
    import pandas as pd

    from annualreport.base.params import Params

CN_NUMBERS = "一二三四五六七八九十"
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


def section_codes(params: Params) -> list[tuple[str, int, str]]:
    """(code, level, heading) of every outline section in reading order. The code is the section's
    numbers as printed, joined the way the figure specs write them (`section: 一(四)2`); headings with the
    year's names filled in."""
    names = year_names(params.year, params.institution["name"])
    out = []

    def visit(sections, prefix: str) -> None:
        for s in sections:
            code = prefix + s.number.translate(str.maketrans({"、": "", ".": "", "（": "(", "）": ")"}))
            out.append((code, s.level, fill_names(s.heading, names)))
            visit(s.children, code)

    visit(load_outline(params.narrative_dir).sections, "")
    return out


def within(code: str, section: str) -> bool:
    """`code` is `section` or below it: 一(一)12 is not in 一(一)1, nor 二十 in 二."""
    if not section or not code.startswith(section):
        return False
    if len(code) == len(section):
        return True
    a, b = section[-1], code[len(section)]
    return not ((a.isdigit() and b.isdigit()) or (a in CN_NUMBERS and b in CN_NUMBERS))


QUALITY_GROUP = "附：数据质量"
NO_SECTION = "未指定章节"


def groups(ledger: pd.DataFrame, params: Params) -> list[tuple[str, pd.DataFrame]]:
    """(heading, rows) per report section that has ledger rows, in the report's order; then the target
    counts (no section), codes this year's outline lacks or none, and the data-quality counts (`附…`)."""
    sections = section_codes(params)
    order = {code: i for i, (code, _, _) in enumerate(sections)}
    titles = {code: heading for code, _, heading in sections}
    n = len(order)

    def home(row: dict) -> tuple[float, str]:
        code = row["section"]
        match = max((c for c in order if within(code, c)), key=len, default=None)
        if match is not None:
            return order[match], f"{match} {titles[match]}"
        if code.startswith("附"):
            return n + 3, QUALITY_GROUP
        if not code and row["kind"] == "target":
            return n + 1, f"{params.year}年目标完成情况（汇总）"
        if not code:
            return n + 2, NO_SECTION
        return n + 2, f"{code}（不在本年度报告大纲中）"

    placed = [home(r) for r in ledger.to_dict("records")]
    frame = ledger.assign(_order=[p[0] for p in placed], _heading=[p[1] for p in placed])
    frame = frame.sort_values(["_order", "_heading"], kind="stable")
    return [
        (heading, part.drop(columns=["_order", "_heading"])) for heading, part in frame.groupby("_heading", sort=False)
    ]
