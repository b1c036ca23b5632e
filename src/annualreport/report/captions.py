"""Captions, numbers and source notes of the report's charts and tables, as a printed report has them.

Every chart is numbered 图1, 图2 … and every table (figure tables, rows tables, the targets table)
表1, 表2 … in reading order, per report; a table's caption sits above it (表1 党建与宣传), a chart's
below it (图1 各二级学院高职录取人数). Under each a source note names the offices and files behind
it: 数据来源：招生就业处（admissions.csv）; several datasets are joined with "；", a stated figure is
分析员陈述.

Prose refers to a chart or table as `{ref:<key>}` (printed 图1 / 表1): the key is the chart's id
for a chart, the block's `id:` for a table or rows block of `sections.yaml`; the targets table is
`targets`. An unknown key is a SpecError naming the prose file.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from annualreport.base.errors import SpecError
from annualreport.ingest.specs import load_specs

KEY = re.compile(r"[a-z][a-z0-9_]*")
TARGETS_KEY = "targets"
STATED = "分析员陈述"


def block_key(block: dict, where: str) -> tuple[str, str | None]:
    """(kind, key) of an outline block: ('chart', chart id) or ('table', its `id:` or None)."""
    if "chart" in block:
        return "chart", block["chart"]
    spec = block.get("table") or block.get("rows") or {}
    key = spec.get("id") if isinstance(spec, dict) else None
    if key is not None and not (isinstance(key, str) and KEY.fullmatch(key)):
        raise SpecError(f"{where}: a table's id is lower-case ASCII letters, digits and _ (got {key!r})")
    return "table", key


def blocks_in_order(sections):
    """(section, block) in reading order: a section's children, then its own blocks (as the report
    prints them: the tables and charts of a section close it)."""
    for s in sections:
        yield from blocks_in_order(s.children)
        for block in s.blocks:
            yield s, block


@dataclass
class Numbers:
    """Per block position its label (图1, 表1) and anchor; per key its label (for `{ref:...}`)."""

    labels: list[tuple[str, str]] = field(default_factory=list)  # (label, anchor) per block, reading order
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (label, anchor)
    targets: tuple[str, str] | None = None


def circulated(block: dict) -> bool:
    """Whether an outline block is in the circulated document (`circulate: true`), not in the review copy only."""
    return bool(block.get("circulate"))


def number_blocks(outline, with_targets: bool, circulated_only: bool = False) -> Numbers:
    """Number the outline's charts and tables (and the targets table after them, when the report has one); in the
    circulated edition (`circulated_only`) only the blocks it has, and no targets table. A position whose block
    the edition lacks is labelled ("", "")."""
    where = str(outline.directory / "sections.yaml")
    out, count = Numbers(), {"chart": 0, "table": 0}
    for _, block in blocks_in_order(outline.sections):
        if circulated_only and not circulated(block):
            out.labels.append(("", ""))
            continue
        kind, key = block_key(block, where)
        count[kind] += 1
        label = ("图" if kind == "chart" else "表") + str(count[kind])
        anchor = ("figure-" if kind == "chart" else "table-") + str(count[kind])
        out.labels.append((label, anchor))
        if key is not None:
            if key in out.refs or key == TARGETS_KEY:
                raise SpecError(f"{where}: the chart or table '{key}' appears twice (a reference needs one)")
            out.refs[key] = (label, anchor)
    if with_targets and not circulated_only:
        count["table"] += 1
        out.targets = (f"表{count['table']}", f"table-{count['table']}")
        out.refs[TARGETS_KEY] = out.targets
    return out


def ref_text(label: tuple[str, str], link: bool = True) -> str:
    """A chart's or table's number (图N / 表N, `base.refs.ref_label`), as a link to its caption with `link`."""
    number, anchor = label
    return f'<a class="xref" href="#{anchor}">{number}</a>' if link else html.escape(number)


class Sources:
    """The source note of a chart or table: each dataset's office (its spec) and raw file (row accounting)."""

    def __init__(self, specs: dict, accounting):
        self.office = {name: spec.office for name, spec in specs.items()}
        self.files: dict[str, list[str]] = {}
        if accounting is not None and len(accounting):
            for dataset, path in zip(accounting["dataset"], accounting["file"], strict=True):
                name = PurePosixPath(str(path).replace("\\", "/")).name
                if name and name not in self.files.setdefault(dataset, []):
                    self.files[dataset].append(name)

    @classmethod
    def load(cls, params, at) -> Sources:

        try:
            accounting = at.read("accounting")
        except FileNotFoundError:
            accounting = None
        return cls(load_specs(params.root), accounting)

    def text(self, datasets) -> str:
        """数据来源：office（file、file）；… for the datasets in the order given, an office's files together
        ('' or 陈述: a stated figure, 分析员陈述)."""
        offices: dict[str, list[str]] = {}
        for d in datasets:
            if d in ("", "陈述", None):
                offices.setdefault(STATED, [])
                continue
            files = offices.setdefault(self.office.get(d) or d, [])
            files.extend(f for f in self.files.get(d, [d]) if f not in files)
        parts = [f"{office}（{'、'.join(files)}）" if files else office for office, files in offices.items()]
        return "数据来源：" + ("；".join(parts) if parts else STATED)

    def note(self, datasets) -> str:
        return f'<p class="source">{html.escape(self.text(datasets))}</p>'


def table_caption(label: str, anchor: str, title: str) -> str:
    return f'<caption id="{anchor}">{html.escape(" ".join(x for x in (label, title) if x))}</caption>'


def chart_figure(svg: str, label: str, anchor: str, title: str, note: str, chart_id: str = "") -> str:
    """A chart with its caption and source note below it, kept together on a page; `data-chart` names
    the chart of specs/charts.yaml (the Word export draws it again as PNG). The note is the figcaption's
    last part: HTML allows a figcaption only as a figure's first or last child."""
    caption = html.escape(" ".join(x for x in (label, title) if x))
    data = f' data-chart="{html.escape(chart_id)}"' if chart_id else ""
    return f'<figure class="chart" id="{anchor}"{data}>{svg}<figcaption>{caption}{note}</figcaption></figure>'
