"""Figures: declarative definitions (`specs/figures/*.yaml`) computed from clean data, with provenance.

A definition names its dataset, a filter (`where`), a measure, the unit, the rounding and the
wording style. The ledger (the `ledger` artefact) holds, per figure: the exact value, the wording as
printed, the definition in words, how many rows fed it, the sha256 of each raw file behind it and
the validation status of its dataset, so an auditor can trace any number in the report.
`compute_all` gives the figures; the figures stage
(`figures/ledger.py`) adds the rows derived from them (year-before values, changes, targets).

Rates are computed from counts with exact decimals and rounded once, at the end (half up).

A figure may list names instead of counting them (`measure: {list: {columns: [project, milestone], sort: due_on}}`):
its value is the number of items, its wording the items joined as Chinese prose lists them (甲、乙和丙), so a
sentence that names what was done (学生公寓主体一次结构2层施工) prints names from the data, digits included, and
each traces to the rows it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from annualreport.base.errors import SpecError
from annualreport.base.paths import load_yaml, specs_dir
from annualreport.base.wording import STYLES, Wording, join_list, round_half_up, word
from annualreport.figures.comparability import comparison_fields
from annualreport.figures.definitions import Words, define, rounding_note
from annualreport.figures.sources import in_source_order, source_rows
from annualreport.ingest.specs import AT_LEAST

FIGURE_KEYS = {
    "id",
    "section",
    "label",
    "dataset",
    "where",
    "measure",
    "unit",
    "precision",
    "wording",
    "description",
    "optional",
    "compare",
    "compare_reason",
    "since",
}
LEDGER_COLUMNS = [
    "id",
    "section",
    "label",
    "value",
    "unit",
    "display",
    "wording",
    "dataset",
    "definition",
    "rows_used",
    "inputs",
    "validation",
    "note",
    "kind",
]
# What a ledger row is (its `kind`): a figure of specs/figures/ (`computed`), a bar of a chart of
# specs/charts.yaml (`chart`), a table's year-before value and change (`previous`, `change`), last
# year's target tracked this year (`target`), next year's plan target (`plan`), a data-quality count
# of the appendix (`quality`), a number the analyst states with its source (`stated`, figures/stated.py).
KINDS = ("computed", "chart", "previous", "change", "target", "plan", "quality", "stated", "statement")
LIST_KEYS = {"columns", "sort"}
NONE_LISTED = "无"  # the wording of a list with no items
# Why a figure has no value, as its ledger note says it.
NO_ROWS = "没有符合条件的记录，比率无从计算"
NO_VALUE = "符合条件的记录中此项均未填写，没有数值"
NOT_DELIVERED = "本年度未提交该数据集"


@dataclass(frozen=True)
class FigureDef:
    id: str
    section: str
    label: str
    dataset: str
    unit: str
    measure: object = "count"
    where: dict = field(default_factory=dict)
    precision: int = 0
    wording: dict = field(default_factory=lambda: {"style": "plain"})
    description: str = ""
    # Compared with the year before in tables (figures/comparability.py): `compare: false` with its reason (a fixed
    # list, a label tied to one year's event); `since`: the first year it exists (that year reads 新增).
    compare: bool = True
    compare_reason: str = ""
    since: int | None = None


@dataclass(frozen=True)
class Figure:
    definition: FigureDef
    value: Decimal | dt.date | None
    rows_used: int
    note: str = ""
    source_rows: tuple[tuple[str, int], ...] = ()  # the rows used: (sheet, physical row) of the raw file
    text: str | None = None  # a `list` measure's words (its value is the number of items)

    @property
    def ledger_value(self) -> str:
        if self.value is None:
            return ""
        return self.value.isoformat() if isinstance(self.value, dt.date) else str(self.value)

    @property
    def wording(self):
        if self.value is None:
            return None
        if isinstance(self.value, dt.date):
            return Wording(f"{self.value.year}年{self.value.month}月{self.value.day}日", "")
        if self.text is not None:
            return Wording(self.text, "")
        w = self.definition.wording
        return word(self.value, self.definition.unit, w.get("style", "plain"), w.get("step"), w.get("band"))


def load_definitions(root: Path | None = None) -> tuple[dict[str, FigureDef], dict[str, list]]:
    """All figure definitions from `specs/figures/*.yaml` (files in name order) and their named sets."""
    files = sorted((specs_dir(root) / "figures").glob("*.yaml"))
    if not files:
        raise SpecError("specs/figures/: no figure definition files")
    sets: dict[str, list] = {}
    defs: dict[str, FigureDef] = {}
    for path in files:
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
        for name, values in (raw.get("sets") or {}).items():
            if name in sets and sets[name] != values:
                raise SpecError(f"specs/figures/{path.name}: set '{name}' is defined differently in another file")
            sets[name] = values
        for i, item in enumerate(raw.get("figures") or []):
            defn = _definition(item, f"specs/figures/{path.name} figure {i + 1} ({item.get('id', '?')})")
            if defn.id in defs:
                raise SpecError(f"specs/figures/{path.name}: figure id '{defn.id}' is defined twice")
            defs[defn.id] = defn
    return defs, sets


def _definition(item: dict, where: str) -> FigureDef:
    unknown = set(item) - FIGURE_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {sorted(unknown)}")
    for k in ("id", "label", "dataset", "unit"):
        if k not in item:
            raise SpecError(f"{where}: missing '{k}'")
    wording = item.get("wording") or {"style": "plain"}
    if isinstance(wording, str):
        wording = {"style": wording}
    if wording.get("style", "plain") not in STYLES:
        raise SpecError(f"{where}: unknown wording style {wording.get('style')!r}")
    measure = item.get("measure", "count")
    if is_list(measure):
        list_spec(measure["list"], where)
        if wording != {"style": "plain"}:
            raise SpecError(f"{where}: a list figure prints its items; it takes no wording style")
    return FigureDef(
        id=item["id"],
        section=str(item.get("section", "")),
        label=item["label"],
        dataset=item["dataset"],
        unit=str(item["unit"]),
        measure=measure,
        where=item.get("where") or {},
        precision=int(item.get("precision", 0)),
        wording=wording,
        description=str(item.get("description", "")),
        **comparison_fields(item, where),
    )


def is_list(measure) -> bool:
    """Whether a measure lists names (`{list: ...}`) rather than computing a number."""
    return isinstance(measure, dict) and set(measure) == {"list"}


def list_spec(arg, what: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(columns, sort) of a `list` measure: `{list: column}`, `{list: [columns]}` or
    `{list: {columns: [columns], sort: column | [columns]}}`."""
    if isinstance(arg, dict):
        unknown = set(arg) - LIST_KEYS
        if unknown or "columns" not in arg:
            raise SpecError(f"{what}: list is {{columns: [...], sort: ...}} (got keys {sorted(arg)})")
        columns, sort = arg["columns"], arg.get("sort") or []
    else:
        columns, sort = arg, []
    columns = [columns] if isinstance(columns, str) else columns
    sort = [sort] if isinstance(sort, str) else sort
    for name, cols in (("columns", columns), ("sort", sort)):
        if not isinstance(cols, list) or not all(isinstance(c, str) and c for c in cols):
            raise SpecError(f"{what}: list {name} is a column name or a list of them")
    if not columns:
        raise SpecError(f"{what}: list names at least one column")
    return tuple(columns), tuple(sort)


def list_items(rows: pd.DataFrame, columns: tuple[str, ...], sort: tuple[str, ...], what: str) -> list[str]:
    """The items a `list` measure prints: per row, its columns' values written together (blanks left out), in
    the order of `sort` (then the raw file's), each item once."""
    missing = [c for c in (*columns, *sort) if c not in rows.columns]
    if missing:
        raise SpecError(f"{what}: list column(s) {missing} not in the dataset (columns: {', '.join(rows.columns)})")
    rows = in_source_order(rows)
    if sort:
        rows = rows.sort_values(list(sort), kind="stable")
    items: list[str] = []
    for record in rows[list(columns)].itertuples(index=False):
        item = "".join(str(v).strip() for v in record if not pd.isna(v))
        if item and item not in items:
            items.append(item)
    return items


def row_mask(frame: pd.DataFrame, where: dict, sets: dict, year: int, what: str) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, cond in where.items():
        if col not in frame.columns:
            raise SpecError(f"{what}: column '{col}' is not in the dataset (columns: {', '.join(frame.columns)})")
        s = frame[col]
        if isinstance(cond, list):
            m = s.isin(cond)
        elif isinstance(cond, dict):
            m = pd.Series(True, index=frame.index)
            for op, arg in cond.items():
                if op is None:  # YAML reads a bare `null:` key as None
                    op = "null"
                if op == "in":
                    if arg not in sets:
                        raise SpecError(f"{what}: unknown set '{arg}'")
                    m &= s.isin(sets[arg])
                elif op == "not_in":
                    m &= ~s.isin(sets.get(arg, arg if isinstance(arg, list) else [arg]))
                elif op == "within" and arg == "year":
                    m &= s.notna() & (pd.to_datetime(s).dt.year == year)
                elif op == "eq_year" and arg is True:
                    m &= (s == year).fillna(False)
                elif op == "null":
                    m &= s.isna() if arg else s.notna()
                elif op in ("gte", "lte", "gt", "lt"):
                    m &= getattr(s, {"gte": "ge", "lte": "le", "gt": "gt", "lt": "lt"}[op])(arg).fillna(False)
                elif op == "eq":
                    m &= (s == arg).fillna(False)
                elif op in ("lte_col", "gte_col"):  # compare with another column of the same row
                    if arg not in frame.columns:
                        raise SpecError(f"{what}: column '{arg}' (in {op}) is not in the dataset")
                    other = frame[arg]
                    cmp = (s <= other) if op == "lte_col" else (s >= other)
                    m &= (s.notna() & other.notna() & cmp.fillna(False)).astype(bool)
                else:
                    raise SpecError(f"{what}: unknown filter operator '{op}'")
        else:
            m = (s == cond).fillna(False)
        mask &= m.astype(bool)
    return mask


def compute(
    defn: FigureDef, frame: pd.DataFrame, sets: dict, year: int, frames: dict[str, pd.DataFrame] | None = None
) -> Figure:
    """One figure from its dataset's clean frame (`frames`: all datasets, for measures that need another)."""
    what = f"specs/figures {defn.id}"
    rows = frame[row_mask(frame, defn.where, sets, year, what)]
    m = defn.measure
    note = ""
    if m == "count":
        value = Decimal(len(rows))
    elif isinstance(m, dict) and len(m) == 1:
        ((op, arg),) = m.items()
        if op == "distinct":
            value = Decimal(int(rows[arg].dropna().nunique()))
        elif op == "sum":
            value = Decimal(str(rows[arg].dropna().sum())) if len(rows) else Decimal(0)
            note = lower_bound_note(rows, arg)
        elif op == "rate":
            if len(rows) == 0:
                return Figure(defn, None, 0, NO_ROWS)
            num = int(row_mask(rows, arg, sets, year, what).sum())
            value = Decimal(num) * 100 / Decimal(len(rows))
        elif op in ("max", "min"):
            col = rows[arg].dropna()
            if col.empty:
                return Figure(defn, None, 0, NO_VALUE)
            v = col.max() if op == "max" else col.min()
            if isinstance(v, (pd.Timestamp, dt.datetime)):
                return Figure(defn, pd.Timestamp(v).date(), len(rows), "", source_rows(rows))
            value = Decimal(str(v))
        elif op == "min_count_per":
            value = _min_count_per(rows, arg, frames or {}, what)
        elif op == "list":
            items = list_items(rows, *list_spec(arg, what), what)
            text = join_list(items) or NONE_LISTED
            return Figure(defn, Decimal(len(items)), len(rows), "", source_rows(rows), text)
        else:
            raise SpecError(f"{what}: unknown measure '{op}'")
    else:
        raise SpecError(f"{what}: measure must be count, or one of distinct/sum/rate/max/min/min_count_per/list")
    return Figure(defn, round_half_up(value, defn.precision), len(rows), note, source_rows(rows))


def lower_bound_note(rows: pd.DataFrame, column: str) -> str:
    """A sum of counts some of which the source gave as lower bounds (`10万+`): the sum is one too."""
    flag = rows.get(column + AT_LEAST)
    n = 0 if flag is None else int(flag.fillna(False).astype(bool).sum())
    if not n:
        return ""
    return f"下限：其中{n}行的数值为下限（来源写作“10万+”等，按100000等计），合计为“至少”此数"


def _min_count_per(rows: pd.DataFrame, arg: dict, frames: dict[str, pd.DataFrame], what: str) -> Decimal:
    """The smallest number of rows any group has, over every group of a universe (so a group with no
    rows counts as 0): `{column: group, universe: {dataset: majors, column: group}}`."""
    universe = arg.get("universe") or {}
    ref = frames.get(universe.get("dataset", ""))
    if ref is None:
        raise SpecError(f"{what}: min_count_per needs the universe dataset {universe.get('dataset')!r}")
    groups = sorted(set(ref[universe["column"]].dropna()))
    if not groups:
        raise SpecError(f"{what}: min_count_per: the universe has no groups")
    counts = rows[arg["column"]].value_counts()
    return Decimal(int(min(counts.get(g, 0) for g in groups)))


def describe(defn: FigureDef, words: Words) -> str:
    """The figure's definition in Chinese, from its spec and its dataset's (`figures/definitions.py`)."""
    return define(defn.dataset, defn.measure, defn.where, defn.unit, defn.precision, words)


def ledger_note(fig: Figure, shown: Wording | None) -> str:
    """A figure's note for the ledger, in Chinese: why it has no value, and what a rounded wording stands for."""
    rounding = "" if shown is None else rounding_note(fig.value, fig.definition.unit, fig.definition.wording, shown)
    return "；".join(n for n in (fig.note, rounding) if n)


def compute_all(
    frames: dict[str, pd.DataFrame],
    year: int,
    inputs: dict[str, str] | None = None,
    validation: dict[str, str] | None = None,
    root: Path | None = None,
    sources: dict[str, tuple[int, ...]] | None = None,
) -> pd.DataFrame:
    """Compute every defined figure (a figure whose dataset is absent says so); return them as ledger rows
    (the figures stage adds the charts' bars and the other kinds, `figures/ledger.py`). `sources`, when
    given, receives each figure's rows used as raw-file row numbers ({id: (row, …)})."""
    defs, sets = load_definitions(root)
    words = Words.load(root, sets, year)
    rows = []
    for defn in defs.values():
        if defn.dataset not in frames:
            fig = Figure(defn, None, 0, NOT_DELIVERED)
        else:
            fig = compute(defn, frames[defn.dataset], sets, year, frames)
        if sources is not None:
            sources[defn.id] = fig.source_rows
        w = fig.wording
        rows.append(
            {
                "id": defn.id,
                "section": defn.section,
                "label": defn.label,
                "value": fig.ledger_value,
                "unit": defn.unit,
                "display": w.display if w else "无数据",
                "wording": w.text if w else "无数据",
                "dataset": defn.dataset,
                "definition": describe(defn, words),
                "rows_used": fig.rows_used,
                "inputs": (inputs or {}).get(defn.dataset, ""),
                "validation": (validation or {}).get(defn.dataset, ""),
                "note": ledger_note(fig, w),
                "kind": "computed",
            }
        )
    return pd.DataFrame(rows, columns=LEDGER_COLUMNS)
