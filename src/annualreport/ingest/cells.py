"""Reading one cell by its column spec: the value, or a `RowError` carrying the quarantine rule."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from annualreport.ingest import normalize as nz
from annualreport.ingest.specs import ColumnSpec

if TYPE_CHECKING:
    from annualreport.ingest.sheet import CleanContext


class RowError(Exception):
    """A cell that breaks a rule. `setting`: the params key of the convention it breaks, if any."""

    def __init__(self, rule: str, column: str, reason: str, setting: str | None = None):
        super().__init__(reason)
        self.rule, self.column, self.reason, self.setting = rule, column, reason, setting


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
            errors.append(err)
    return errors


def parse_cell(col: ColumnSpec, raw, ctx: CleanContext):
    """Parse one non-blank cell by its column spec; raise RowError with a rule id."""
    try:
        if col.type in ("text", "id"):
            value = nz.text(raw)
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
