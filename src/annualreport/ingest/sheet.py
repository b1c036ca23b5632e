"""The generic cleaner: one spec + one raw sheet -> clean rows, quarantined rows, row accounting.

Every physical row of the sheet is put in exactly one bucket: title (above the header), header,
blank, note (合计, 填表人, 说明 ...), or a data row; every data row ends up clean, quarantined with a
rule id and reason, or dropped as an exact duplicate. `Accounting.balanced` checks that the data
rows add up, counted from the reader's own rows (not from pandas' parsing).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from annualreport.ingest import normalize as nz
from annualreport.project.errors import InputError, SpecError
from annualreport.ingest.personal import person_key
from annualreport.ingest.readers import RawSheet
from annualreport.ingest.specs import ColumnSpec, DatasetSpec

NOTE_MARKERS = ("合计", "总计", "小计", "填表人", "制表人", "审核人", "负责人签字", "说明", "备注", "注:",
                "联系人", "联系电话", "填报单位", "填报日期", "数据截至")

# Quarantine rule ids: stable, documented in docs/data-rules.md and used by tests.
RULES = {
    "missing_required": "a required field is empty",
    "not_in_set": "a categorical value outside its allowed set",
    "bad_value": "a value that cannot be read as its type (number, date, ...)",
    "bad_id": "an ID that fails its pattern",
    "negative": "a negative count or amount",
    "out_of_range": "a value outside its allowed range",
    "date_out_of_range": "a date outside the range the params allow",
    "not_in_reference": "a value missing from its reference table",
    "key_conflict": "two different rows with the same key (all of them are quarantined)",
}

QUARANTINE_COLUMNS = ["dataset", "file", "sheet", "row", "rule", "column", "reason"]


@dataclass
class Accounting:
    dataset: str
    file: str
    sheet: str
    physical_rows: int = 0
    title_rows: int = 0
    header_row: int = 0
    blank_rows: int = 0
    note_rows: int = 0
    data_rows: int = 0
    clean_rows: int = 0
    quarantined_rows: int = 0
    duplicate_rows: int = 0

    @property
    def balanced(self) -> bool:
        structure = self.title_rows + (1 if self.header_row else 0) + self.blank_rows + self.note_rows
        return (self.data_rows == self.clean_rows + self.quarantined_rows + self.duplicate_rows
                and self.physical_rows == structure + self.data_rows)

    def as_row(self) -> dict:
        return {**asdict(self), "balanced": self.balanced}


@dataclass
class CleanResult:
    spec: DatasetSpec
    frame: pd.DataFrame
    quarantine: pd.DataFrame
    accounting: Accounting
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class CleanContext:
    """What a spec's rules need beyond the sheet: the year's date range and reference tables."""

    year: int
    date_min: pd.Timestamp
    date_max: pd.Timestamp
    reference: dict[str, pd.DataFrame] = field(default_factory=dict)
    _values: dict = field(default_factory=dict, repr=False)

    def reference_values(self, table: str, column: str) -> set | None:
        """The set of a reference table's column (None when that table is not loaded), built once."""
        frame = self.reference.get(table)
        if frame is None:
            return None
        key = (table, column, id(frame))
        if key not in self._values:
            self._values[key] = set(frame[column])
        return self._values[key]


def _is_note(cells: list) -> bool:
    first = next((nz.compact(c) for c in cells if not nz.is_blank(c)), "")
    return first.startswith(NOTE_MARKERS)


def _find_header(sheet: RawSheet, spec: DatasetSpec) -> tuple[int, dict[int, ColumnSpec], list[str]]:
    """Index (into sheet.rows) of the header row, column index -> spec, ignored header names."""
    lookup = spec.header_lookup()
    required = {c.header for c in spec.columns if c.required}
    best: tuple[int, int] | None = None
    for idx, (_, cells) in enumerate(sheet.rows[:30]):
        found = {lookup[nz.header(c)].header for c in cells if nz.header(c) in lookup}
        if required <= found and found:
            best = (idx, len(found))
            break
        if len(found) >= 2 and (best is None or len(found) > best[1]):
            best = (idx, len(found))
    if best is None:
        expected = "、".join(c.header for c in spec.columns)
        hint = ""
        if sheet.sheet is None:  # a CSV read as one column per line: another delimiter?
            single = [cells[0] for _, cells in sheet.rows[:30] if len([c for c in cells if not nz.is_blank(c)]) == 1]
            for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
                if any(str(c).count(sep) >= 2 for c in single):
                    hint = f"; the lines look separated by {name}, not commas: save it as CSV (comma-separated)"
                    break
        raise InputError(f"no header row found in the first 30 rows (expected headers such as {expected}){hint}",
                         file=sheet.file, sheet=sheet.sheet)
    idx = best[0]
    row_no, cells = sheet.rows[idx]
    mapping: dict[int, ColumnSpec] = {}
    seen: dict[str, int] = {}
    ignored = []
    for i, cell in enumerate(cells):
        h = nz.header(cell)
        if not h:
            continue
        col = lookup.get(h)
        if col is None:
            ignored.append(nz.text(cell))
            continue
        if col.header in seen:
            raise InputError(f"the header '{col.header}' appears twice (columns {seen[col.header] + 1} and {i + 1})",
                             file=sheet.file, sheet=sheet.sheet, row=row_no, column=nz.text(cell))
        seen[col.header] = i
        mapping[i] = col
    for col in spec.columns:
        if col.required and col.header not in seen:
            names = "、".join(col.headers)
            raise InputError(f"required column missing: no header named {names}",
                             file=sheet.file, sheet=sheet.sheet, row=row_no, column=col.header)
    return idx, mapping, ignored


class _RowError(Exception):
    def __init__(self, rule: str, column: str, reason: str):
        super().__init__(reason)
        self.rule, self.column, self.reason = rule, column, reason


def _parse(col: ColumnSpec, raw, ctx: CleanContext):
    """Parse one non-blank cell by its column spec; raise _RowError with a rule id."""
    try:
        if col.type in ("text", "id"):
            value = nz.text(raw)
        elif col.type == "category":
            try:
                value = nz.category(raw, list(col.allowed))
            except ValueError as exc:
                raise _RowError("not_in_set", col.header, str(exc)) from None
        elif col.type == "int":
            value = nz.integer(raw)
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
        raise _RowError("bad_value", col.header, str(exc)) from None
    if col.pattern and not re.fullmatch(col.pattern, value):
        raise _RowError("bad_id", col.header, f"{value!r} does not match the pattern {col.pattern}")
    if col.min is not None and value < col.min:
        rule = "negative" if col.min == 0 else "out_of_range"
        raise _RowError(rule, col.header, f"{value} is below the minimum {col.min}")
    if col.max is not None and value > col.max:
        raise _RowError("out_of_range", col.header, f"{value} is above the maximum {col.max}")
    if col.range == "year" and col.type == "int":
        if value != ctx.year:
            raise _RowError("out_of_range", col.header, f"{value} is not the report year {ctx.year}")
    elif col.range == "year":
        ts = pd.Timestamp(value)
        if not ctx.date_min <= ts <= ctx.date_max:
            raise _RowError("date_out_of_range", col.header,
                            f"{ts.date()} is outside {ctx.date_min.date()} .. {ctx.date_max.date()}")
    if col.ref:
        allowed = ctx.reference_values(col.ref["table"], col.ref["column"])
        if allowed is not None and value not in allowed:
            raise _RowError("not_in_reference", col.header,
                            f"{value!r} is not in the reference table {col.ref['table']}")
    return value


DTYPES = {"text": "string", "id": "string", "category": "string", "int": "Int64", "number": "Float64",
          "money": "Float64", "percent": "Float64", "date": "datetime64[us]", "datetime": "datetime64[us]",
          "bool": "boolean"}


def empty_frame(spec: DatasetSpec) -> pd.DataFrame:
    cols = {"source_row": pd.Series([], dtype="Int64")}
    for c in spec.canonical:
        cols[c.name] = pd.Series([], dtype=DTYPES[c.type])
    if spec.person:
        cols[spec.person["column"]] = pd.Series([], dtype="string")
    return pd.DataFrame(cols)


def clean_sheet(spec: DatasetSpec, sheet: RawSheet, ctx: CleanContext) -> CleanResult:
    """Clean one sheet by its spec. Structural problems raise InputError; bad rows are quarantined."""
    acc = Accounting(dataset=spec.name, file=sheet.file, sheet=sheet.sheet or "",
                     physical_rows=len(sheet.rows))
    if all(all(nz.is_blank(c) for c in cells) for _, cells in sheet.rows):
        raise InputError("is empty: no header row and no data", file=sheet.file, sheet=sheet.sheet)
    h_idx, mapping, ignored = _find_header(sheet, spec)
    header_no, header_cells = sheet.rows[h_idx]
    acc.header_row = header_no
    for _, cells in sheet.rows[:h_idx]:
        if all(nz.is_blank(c) for c in cells):
            acc.blank_rows += 1
        else:
            acc.title_rows += 1
    width = len(header_cells)
    while width and nz.is_blank(header_cells[width - 1]):
        width -= 1

    if spec.min_rows and not any(not all(nz.is_blank(c) for c in cells) and not _is_note(cells)
                                 for _, cells in sheet.rows[h_idx + 1:]):
        raise InputError(f"has a header (row {header_no}) but no data rows; this table needs at least "
                         f"{spec.min_rows} row(s)", file=sheet.file, sheet=sheet.sheet)
    canonical_cols = [(i, c) for i, c in sorted(mapping.items()) if c.name]
    person = _person_rule(spec, mapping)
    quarantined: list[dict] = []
    parsed: list[tuple[int, dict, dict]] = []  # (row number, values, raw texts)
    seen_rows: set[tuple] = set()
    for row_no, cells in sheet.rows[h_idx + 1:]:
        if all(nz.is_blank(c) for c in cells):
            acc.blank_rows += 1
            continue
        if _is_note(cells):
            acc.note_rows += 1
            continue
        acc.data_rows += 1
        if sheet.sheet is None:  # CSV: a row must have exactly the header's fields
            n = len(cells)
            last = n
            while last and nz.is_blank(cells[last - 1]):
                last -= 1
            if last > width or n < width:
                raise InputError(f"has {n} fields but the header (row {header_no}) has {len(header_cells)}: "
                                 f"a delimiter inside a value, or a short/long row",
                                 file=sheet.file, row=row_no)
        signature = tuple(nz.text(c) for c in cells[:width])
        if signature in seen_rows:
            acc.duplicate_rows += 1
            continue
        seen_rows.add(signature)
        values: dict = {}
        raw_texts = {c.name: nz.text(cells[i]) if i < len(cells) else "" for i, c in canonical_cols}
        errors: list[_RowError] = []
        for i, col in canonical_cols:
            raw = cells[i] if i < len(cells) else None
            if nz.is_blank(raw):
                if col.required:
                    errors.append(_RowError("missing_required", col.header, f"required field {col.header} is empty"))
                values[col.name] = col.default
                continue
            try:
                values[col.name] = _parse(col, raw, ctx)
            except _RowError as err:
                errors.append(err)
        if person and not errors:
            key = person(values, cells)
            if key is None:
                errors.append(_RowError("missing_required", "、".join(spec.person.get("fallback", [])),
                                        "no ID and no name to identify the person"))
            values[spec.person["column"]] = key
        if errors:
            quarantined.append(_quarantine_row(spec, sheet, row_no, errors, raw_texts))
            continue
        parsed.append((row_no, values, raw_texts))

    # Key conflicts: two different (non-identical) rows with the same key are both quarantined.
    if spec.key:
        groups: dict[tuple, list[int]] = defaultdict(list)
        for n, (_, values, _) in enumerate(parsed):
            groups[tuple(values.get(k) for k in spec.key)].append(n)
        conflicted = {n for members in groups.values() if len(members) > 1 for n in members}
        keep = []
        for n, (row_no, values, raw_texts) in enumerate(parsed):
            if n in conflicted:
                key_text = ", ".join(f"{k}={values.get(k)}" for k in spec.key)
                others = [parsed[m][0] for m in groups[tuple(values.get(k) for k in spec.key)] if m != n]
                err = _RowError("key_conflict", "、".join(spec.column(k).header for k in spec.key),
                                f"key {key_text} also on row(s) {', '.join(map(str, others))} with other values")
                quarantined.append(_quarantine_row(spec, sheet, row_no, [err], raw_texts))
            else:
                keep.append((row_no, values, raw_texts))
        parsed = keep

    frame = _to_frame(spec, parsed)
    frame = _fill_from(spec, frame, ctx)
    quarantine = pd.DataFrame(quarantined, columns=QUARANTINE_COLUMNS + [c.name for c in spec.canonical])
    quarantine = quarantine.sort_values("row", kind="stable").reset_index(drop=True)
    acc.clean_rows = len(frame)
    acc.quarantined_rows = len(quarantine)
    return CleanResult(spec=spec, frame=frame, quarantine=quarantine, accounting=acc, ignored_columns=ignored)


def _person_rule(spec: DatasetSpec, mapping: dict[int, ColumnSpec]):
    """spec.person = {column, id, fallback: [headers]}: a salted key per person, from the ID column when
    filled, else from the fallback headers (which may be personal columns, dropped after hashing)."""
    if not spec.person:
        return None
    by_header = {c.header: i for i, c in mapping.items()}
    fallback = [by_header.get(h) for h in spec.person.get("fallback", [])]
    id_col = spec.person.get("id")
    if id_col is None and not any(i is not None for i in fallback):
        raise SpecError(f"specs/datasets/{spec.name}.yaml: person needs an 'id' column or 'fallback' headers")

    def key(values: dict, cells: list) -> str | None:
        if id_col and values.get(id_col):
            return person_key("id", str(values[id_col]))
        parts = [nz.compact(cells[i]) if i is not None and i < len(cells) else "" for i in fallback]
        if not any(parts):
            return None
        return person_key("fallback", *parts)

    return key


def _quarantine_row(spec: DatasetSpec, sheet: RawSheet, row_no: int, errors: list[_RowError],
                    raw_texts: dict) -> dict:
    first = errors[0]
    return {"dataset": spec.name, "file": sheet.file, "sheet": sheet.sheet or "", "row": row_no,
            "rule": first.rule, "column": first.column,
            "reason": "; ".join(f"{e.column}: {e.reason}" for e in errors), **raw_texts}


def _to_frame(spec: DatasetSpec, parsed: list[tuple[int, dict, dict]]) -> pd.DataFrame:
    if not parsed:
        return empty_frame(spec)
    data = {"source_row": pd.array([r for r, _, _ in parsed], dtype="Int64")}
    for c in spec.canonical:
        values = [v.get(c.name) for _, v, _ in parsed]
        if c.type in ("date", "datetime"):
            data[c.name] = pd.to_datetime(pd.Series(values, dtype="object")).astype(DTYPES[c.type])
        else:
            data[c.name] = pd.array(values, dtype=DTYPES[c.type])
    if spec.person:
        data[spec.person["column"]] = pd.array([v.get(spec.person["column"]) for _, v, _ in parsed], dtype="string")
    return pd.DataFrame(data)


def _fill_from(spec: DatasetSpec, frame: pd.DataFrame, ctx: CleanContext) -> pd.DataFrame:
    for c in spec.canonical:
        if not c.fill_from or frame.empty:
            continue
        ref = ctx.reference.get(c.fill_from["table"])
        if ref is None:
            continue
        lookup = dict(zip(ref[c.fill_from["key"]], ref[c.fill_from["column"]]))
        blank = frame[c.name].isna()
        frame.loc[blank, c.name] = frame.loc[blank, c.fill_from["match"]].map(lookup)
    return frame


def relative_label(path: Path, root: Path) -> str:
    """The path as the user knows it: relative to the project, links not followed."""
    for p, r in ((path.absolute(), root.absolute()), (path.resolve(), root.resolve())):
        try:
            return str(p.relative_to(r))
        except ValueError:
            continue
    return str(path)
