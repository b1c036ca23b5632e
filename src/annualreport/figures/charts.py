"""Charts: bar series declared once (`specs/charts.yaml`), computed in the figures stage as ledger rows.

A chart is a measure (as a figure has one) per category: per value of a column (`group: school`) or
per calendar month of a date within the report year (`group: {month: starts_on}`). Its dataset filter
(`where`) applies inside each category, exactly as a figure's does, so a category whose rows are all
filtered out still gets a bar (a count of 0); a category whose value is undefined (a rate of no rows)
gets none. Each bar is one ledger row `chart.<chart_id>.<n>` (n: the bar's position, from 1) whose
label is the category; the report draws the bars from these rows and computes nothing.

A narrative outline shows a chart with `- chart: <chart_id>`; `check_outline` says which outline
names a chart that is not declared.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annualreport.base.errors import SpecError
from annualreport.base.paths import load_yaml, specs_dir
from annualreport.figures.compute import FigureDef, compute, is_list, ledger_note
from annualreport.figures.definitions import Words, column_words, define, quoted

if TYPE_CHECKING:
    import pandas as pd

    from annualreport.base.outline import Outline

CHARTS_FILE = "charts.yaml"
WHERE = f"specs/{CHARTS_FILE}"
CHART_KEYS = {"id", "section", "title", "dataset", "where", "group", "measure", "unit", "precision", "order"}
# Keys that say where a chart is and in which order its bars go, not what it plots (see `svg_prefix`).
PLACEMENT_KEYS = {"id", "section", "order"}
ID = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class ChartDef:
    id: str
    title: str
    dataset: str
    group: str | dict
    unit: str
    section: str = ""
    measure: object = "count"
    where: dict = field(default_factory=dict)
    precision: int = 0
    order: tuple[str, ...] = ()
    svg_prefix: str = ""  # prefix of the ids inside the chart's SVG, from what it plots

    @property
    def month_column(self) -> str | None:
        return self.group["month"] if isinstance(self.group, dict) else None

    def figure(self) -> FigureDef:
        """The figure each bar is: the chart's measure on one category's rows."""
        return FigureDef(
            id=f"chart.{self.id}",
            section=self.section,
            label=self.title,
            dataset=self.dataset,
            unit=self.unit,
            measure=self.measure,
            where=self.where,
            precision=self.precision,
        )

    def row_id(self, n: int) -> str:
        return f"chart.{self.id}.{n}"

    def rows(self, ledger: pd.DataFrame) -> pd.DataFrame:
        """This chart's bars in a ledger, in order."""
        prefix = f"chart.{self.id}."
        return ledger[ledger["id"].str.startswith(prefix)]


def load_charts(root: Path | None = None) -> dict[str, ChartDef]:
    """Every chart of `specs/charts.yaml` by id (none when the file is absent)."""
    path = specs_dir(root) / CHARTS_FILE
    if not path.exists():
        return {}
    raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or set(raw) - {"charts"}:
        raise SpecError(f"{WHERE}: the file holds one key, `charts:`, a list of chart definitions")
    charts: dict[str, ChartDef] = {}
    for i, item in enumerate(raw.get("charts") or []):
        chart = _definition(item, i)
        if chart.id in charts:
            raise SpecError(f"{WHERE}: chart id '{chart.id}' is defined twice")
        charts[chart.id] = chart
    return charts


def _definition(item, i: int) -> ChartDef:
    where = f"{WHERE} chart {i + 1} ({item.get('id', '?') if isinstance(item, dict) else '?'})"
    if not isinstance(item, dict):
        raise SpecError(f"{where}: a chart is a mapping of {', '.join(sorted(CHART_KEYS))}")
    unknown = set(item) - CHART_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {sorted(unknown)}")
    for k in ("id", "title", "dataset", "group", "unit"):
        if k not in item:
            raise SpecError(f"{where}: missing '{k}'")
    if not isinstance(item["id"], str) or not ID.fullmatch(item["id"]):
        raise SpecError(f"{where}: id must be lower-case ASCII letters, digits and _ (it names ledger rows)")
    group = item["group"]
    if isinstance(group, dict):
        if set(group) != {"month"} or not isinstance(group["month"], str):
            raise SpecError(f"{where}: group is a column name or {{month: <date column>}}")
        if item.get("order"):
            raise SpecError(f"{where}: order applies to a column's categories, not to months")
    elif not isinstance(group, str):
        raise SpecError(f"{where}: group is a column name or {{month: <date column>}}")
    if is_list(item.get("measure")):
        raise SpecError(f"{where}: a bar is a number; the list measure is for figures in prose")
    order = item.get("order") or []
    if not isinstance(order, list) or len(set(map(str, order))) != len(order):
        raise SpecError(f"{where}: order is a list of distinct categories")
    declared = sorted((k, v) for k, v in item.items() if k not in PLACEMENT_KEYS)
    return ChartDef(
        id=item["id"],
        title=str(item["title"]),
        dataset=item["dataset"],
        group=group,
        unit=str(item["unit"]),
        section=str(item.get("section", "")),
        measure=item.get("measure", "count"),
        where=item.get("where") or {},
        precision=int(item.get("precision", 0)),
        order=tuple(str(c) for c in order),
        # The ids inside a chart's SVG are prefixed by a digest of what it plots (the declaration without
        # its id, section and order), as when each year's outline carried the declaration itself: the
        # same chart keeps the same bytes.
        svg_prefix="c" + hashlib.sha256(repr(declared).encode()).hexdigest()[:8],
    )


def categories(chart: ChartDef, frame: pd.DataFrame, year: int) -> list[tuple[str, pd.DataFrame]]:
    """(category label, its rows) in bar order: months 1..12 of the year, the `order` given, or the
    column's values sorted as text."""
    import pandas as pd

    what = f"{WHERE} chart {chart.id}"
    col = chart.month_column or chart.group
    if col not in frame.columns:
        raise SpecError(f"{what}: column '{col}' is not in the dataset (columns: {', '.join(frame.columns)})")
    if chart.month_column:
        dates = pd.to_datetime(frame[col])
        frame = frame[dates.dt.year == year].assign(_month=dates.dt.month)
        return [(f"{m}月", frame[frame["_month"] == m]) for m in range(1, 13)]
    parts = {str(key): part for key, part in frame.groupby(col, dropna=True)}
    if not chart.order:
        return sorted(parts.items(), key=lambda kv: kv[0])
    unlisted = sorted(set(parts) - set(chart.order))
    if unlisted:
        raise SpecError(f"{what}: categories {unlisted} of '{col}' are not in the chart's order")
    return [(c, parts[c] if c in parts else frame.iloc[0:0]) for c in chart.order]


def series_rows(
    chart: ChartDef,
    frame: pd.DataFrame | None,
    sets: dict,
    year: int,
    inputs: str = "",
    validation: str = "",
    sources: dict[str, tuple[int, ...]] | None = None,
    words: Words | None = None,
) -> list[dict]:
    """The chart's bars as ledger rows (none when its dataset was not delivered), each defined in Chinese
    (`figures/definitions.py`, the bar's category a condition of its own); `sources`, when given, receives each
    bar's rows as raw-file row numbers. `words`: the dataset specs the definitions name columns from (default: this
    project's)."""
    if frame is None:
        return []
    defn = chart.figure()
    words = words or Words.load(None, sets, year)
    spec = words.specs.get(chart.dataset)
    header = "" if spec is None else column_words(spec, chart.month_column or chart.group)[0]
    rows = []
    for label, part in categories(chart, frame, year):
        fig = compute(defn, part, sets, year)
        if fig.value is None:  # no bar: the value is undefined for this category
            continue
        w = fig.wording
        n = len(rows) + 1
        if sources is not None:
            sources[chart.row_id(n)] = fig.source_rows
        category = f"{header}在{year}年{label}" if chart.month_column else f"{header}为{quoted([label])}"
        rows.append(
            {
                "id": chart.row_id(n),
                "section": chart.section,
                "label": label,
                "value": fig.ledger_value,
                "unit": chart.unit,
                "display": w.display,
                "wording": w.text,
                "dataset": chart.dataset,
                "definition": f"图表“{chart.title}”的第{n}根柱（{label}）："
                + define(chart.dataset, chart.measure, chart.where, chart.unit, chart.precision, words, (category,)),
                "rows_used": fig.rows_used,
                "inputs": inputs,
                "validation": validation,
                "note": ledger_note(fig, w),
                "kind": "chart",
            }
        )
    return rows


def outline_charts(outline: Outline) -> list[str]:
    """The chart ids an outline shows, in reading order."""
    return [b["chart"] for s in outline.walk() for b in s.blocks if isinstance(b, dict) and "chart" in b]


def check_outline(outline: Outline, charts: dict[str, ChartDef]) -> None:
    """Every `- chart: <id>` of the outline names a declared chart."""
    path = outline.directory / "sections.yaml"
    for ref in outline_charts(outline):
        if not isinstance(ref, str):
            raise SpecError(
                f"{path}: a chart block names a chart of {WHERE} by id (`- chart: <id>`), "
                f"got {json.dumps(ref, ensure_ascii=False)}"
            )
        if ref not in charts:
            known = ", ".join(sorted(charts)) or "none"
            raise SpecError(f"{path}: unknown chart '{ref}' (not in {WHERE}; declared: {known})")
