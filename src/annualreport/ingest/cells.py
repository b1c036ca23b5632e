"""Reading one cell by its column spec: the value, or a `RowError` carrying the quarantine rule; `CleanContext`,
what a spec's rules need beyond the sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from annualreport.base import conventions as conv
from annualreport.ingest import normalize as nz
from annualreport.ingest.specs import ColumnSpec


class RowError(Exception):
    """A cell that breaks a rule. `setting`: the params key of the convention it breaks, if any."""

    def __init__(self, rule: str, column: str, reason: str, setting: str | None = None):
        super().__init__(reason)
        self.rule, self.column, self.reason, self.setting = rule, column, reason, setting


def kept(err: RowError) -> RowError:
    """`err` to keep as a value: without its traceback or the exception it was raised from, whose frames would
    hold the whole sheet being cleaned (its cell matrix) for as long as the error lives (about 1 GB a year at
    100x, held to the end of the clean stage); its rule, column and reason are all a quarantine line needs."""
    err.__traceback__ = err.__context__ = err.__cause__ = None
    return err


@dataclass
class CleanContext:
    """What a spec's rules need beyond the sheet: the year's date range, reference tables and the
    college's conventions (params `conventions:`; absent keys take the schema's defaults)."""

    year: int
    date_min: pd.Timestamp
    date_max: pd.Timestamp
    reference: dict[str, pd.DataFrame] = field(default_factory=dict)
    conventions: dict = field(default_factory=dict)
    params_file: str = "the params file"
    _values: dict = field(default_factory=dict, repr=False)

    def convention(self, key: str) -> str:
        """The pattern of convention `key` (a params `conventions` key)."""
        return self.conventions.get(key) or conv.SCHEMA[key][2]

    @property
    def mismatch(self) -> tuple[float, int]:
        """(share, minimum data rows) at or above which one failing rule stops the run."""
        get = self.conventions.get
        return (
            get("mismatch_share") or conv.SCHEMA["mismatch_share"][2],
            get("mismatch_min_rows") or conv.SCHEMA["mismatch_min_rows"][2],
        )

    def reference_values(self, table: str, column: str) -> set | None:
        """The set of a reference table's column (None when that table is not loaded), built once."""
        frame = self.reference.get(table)
        if frame is None:
            return None
        key = (table, column, id(frame))
        if key not in self._values:
            self._values[key] = set(frame[column])
        return self._values[key]


def check_id(col: ColumnSpec, value: str, key: str, ctx: CleanContext) -> None:
    """An ID against the college's convention `key` (params `conventions.<key>`)."""
    pattern = ctx.convention(key)
    if not re.fullmatch(pattern, value):
        setting = f"conventions.{key}"
        raise RowError("bad_id", col.header, f"{value!r} does not match {setting} ({pattern})", setting)


def check_row_conventions(cols: list[ColumnSpec], values: dict, ctx: CleanContext) -> list[RowError]:
    """Conventions that depend on another column of the row (awards: 学号 for a 学生, 工号 for a 教师)."""
    errors = []
    for col in cols:
        if not isinstance(col.convention, dict) or values.get(col.name) in (None, ""):
            continue
        key = col.convention["cases"].get(values.get(col.convention["by"]))
        if key is None:
            continue
        try:
            check_id(col, values[col.name], key, ctx)
        except RowError as err:
            errors.append(kept(err))
    return errors


def parse_cell(col: ColumnSpec, raw, ctx: CleanContext, text: str | None = None):
    """Parse one non-blank cell by its column spec (`text`: its `nz.text`, when known); raise RowError with a
    rule id."""
    try:
        if col.type in ("text", "id"):
            value = nz.text(raw) if text is None else text
            if col.prefixes:
                value = nz.without_prefix(value, col.prefixes)
        elif col.type == "category":
            try:
                value = nz.category(raw, list(col.allowed))
            except ValueError as exc:
                raise RowError("not_in_set", col.header, str(exc)) from None
        elif col.type == "int":
            value = nz.integer(raw)
        elif col.type == "count":
            value = nz.count(raw)
        elif col.type == "number":
            value = nz.number(raw)
        elif col.type == "money":
            value = nz.money(raw)
        elif col.type == "percent":
            value = nz.percent(raw)
        elif col.type == "date":
            value = nz.date(raw)
        elif col.type == "datetime":
            value = nz.datetime_(raw)
        elif col.type == "bool":
            value = nz.boolean(raw)
        else:  # pragma: no cover - specs are checked on load
            raise AssertionError(col.type)
    except ValueError as exc:
        raise RowError("bad_value", col.header, str(exc)) from None
    if col.pattern and not re.fullmatch(col.pattern, value):
        raise RowError("bad_id", col.header, f"{value!r} does not match the pattern {col.pattern}")
    if isinstance(col.convention, str):
        check_id(col, value, col.convention, ctx)
    if col.min is not None and value < col.min:
        rule = "negative" if col.min == 0 else "out_of_range"
        raise RowError(rule, col.header, f"{value} is below the minimum {col.min}")
    if col.max is not None and value > col.max:
        raise RowError("out_of_range", col.header, f"{value} is above the maximum {col.max}")
    if col.range == "year" and col.type == "int":
        if value != ctx.year:
            raise RowError("out_of_range", col.header, f"{value} is not the report year {ctx.year}")
    elif col.range == "year":
        ts = pd.Timestamp(value)
        if not ctx.date_min <= ts <= ctx.date_max:
            raise RowError(
                "date_out_of_range",
                col.header,
                f"{ts.date()} is outside {ctx.date_min.date()} .. {ctx.date_max.date()}",
            )
    if col.ref:
        allowed = ctx.reference_values(col.ref["table"], col.ref["column"])
        if allowed is not None and value not in allowed:
            raise RowError(
                "not_in_reference", col.header, f"{value!r} is not in the reference table {col.ref['table']}"
            )
    return value
