"""The generic cleaner: one spec + one raw sheet -> clean rows, quarantined rows, row accounting.

Every physical row of the sheet is put in exactly one bucket: title (above the header), header,
blank, note (合计, 填表人, 说明 ...), or a data row; every data row ends up clean, quarantined with a
rule id and reason, or dropped as an exact duplicate. `Accounting.balanced` checks that the data
rows add up, counted from the reader's own rows (not from pandas' parsing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from annualreport.base.errors import InputError, SpecError
from annualreport.ingest import mismatch
from annualreport.ingest import normalize as nz
from annualreport.ingest.accounting import Accounting, total
from annualreport.ingest.cells import CleanContext, RowError, check_row_conventions, parse_cell
from annualreport.ingest.header import find_header, is_note
from annualreport.ingest.personal import person_key
from annualreport.ingest.readers import RawSheet
from annualreport.ingest.specs import AT_LEAST, ColumnSpec, DatasetSpec

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
    "too_long": "a cell longer than a spreadsheet cell can hold (32,767 characters): a paste gone wrong",
}
# Excel's own limit on a cell: a longer value can only come from a CSV and is no real entry. Its row is
# quarantined (the quarantine keeps the value's start and its length, not the whole text).
MAX_CELL_CHARS = 32_767
SHOWN_CHARS = 200

QUARANTINE_COLUMNS = ["dataset", "file", "sheet", "row", "rule", "column", "reason"]


@dataclass
class CleanResult:
    spec: DatasetSpec
    frame: pd.DataFrame
    quarantine: pd.DataFrame
    accounts: list[Accounting]  # one per sheet read, in sheet order
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def accounting(self) -> Accounting:
        """The table's row accounting: the sheet's, or its sheets' added up."""
        return self.accounts[0] if len(self.accounts) == 1 else total(self.accounts)


DTYPES = {
    "text": "string",
    "id": "string",
    "category": "string",
    "int": "Int64",
    "count": "Int64",
    "number": "Float64",
    "money": "Float64",
    "percent": "Float64",
    "date": "datetime64[us]",
    "datetime": "datetime64[us]",
    "bool": "boolean",
}


def empty_frame(spec: DatasetSpec) -> pd.DataFrame:
    cols = {"source_row": pd.Series([], dtype="Int64"), "source_sheet": pd.Series([], dtype="string")}
    for c in spec.canonical:
        cols[c.name] = pd.Series([], dtype=DTYPES[c.type])
        if c.type == "count":
            cols[c.name + AT_LEAST] = pd.Series([], dtype="boolean")
    if spec.person:
        cols[spec.person["column"]] = pd.Series([], dtype="string")
    return pd.DataFrame(cols)


def clean_sheet(spec: DatasetSpec, sheet: RawSheet, ctx: CleanContext) -> CleanResult:
    """Clean one sheet by its spec. Structural problems raise InputError; bad rows are quarantined."""
    return clean_sheets(spec, [sheet], ctx)


def clean_sheets(spec: DatasetSpec, sheets: list[RawSheet], ctx: CleanContext) -> CleanResult:
    """Clean a dataset delivered over one or more sheets with the same columns (a sheet per level, school or
    month) as ONE table, in sheet order: each sheet has its own title, header and note rows and its own row
    accounting; duplicates and key conflicts are found across the sheets; each row keeps its sheet and row."""
    state = _Rows(tally=mismatch.Tally())
    for n, sheet in enumerate(sheets):
        _read_rows(spec, n, sheet, ctx, state, len(sheets) > 1)
    first = sheets[0]
    if spec.min_rows and not sum(a.data_rows for a in state.accounts):
        raise InputError(
            f"has a header (row {state.accounts[0].header_row}) but no data rows; "
            f"this table needs at least {spec.min_rows} row(s)",
            file=first.file,
            sheet=first.sheet if len(sheets) == 1 else "、".join(s.sheet or "" for s in sheets),
        )
    where = first if len(sheets) == 1 else RawSheet(first.file, "、".join(s.sheet or "" for s in sheets))
    counted = sum(a.data_rows - a.duplicate_rows for a in state.accounts)
    mismatch.check(state.tally, counted, ctx, spec, where, RULES)
    parsed = _key_conflicts(spec, sheets, state)

    frame = _to_frame(spec, parsed, sheets)
    frame = _fill_from(spec, frame, ctx)
    quarantine = pd.DataFrame(state.quarantined, columns=QUARANTINE_COLUMNS + [c.name for c in spec.canonical])
    order = {s.sheet or "": n for n, s in enumerate(sheets)}
    quarantine = (
        quarantine.assign(_order=quarantine["sheet"].map(order))
        .sort_values(["_order", "row"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    for n, acc in enumerate(state.accounts):
        acc.clean_rows = sum(1 for i, _, _, _ in parsed if i == n)
        acc.quarantined_rows = int((quarantine["sheet"] == (sheets[n].sheet or "")).sum())
    return CleanResult(
        spec=spec, frame=frame, quarantine=quarantine, accounts=state.accounts, ignored_columns=state.ignored
    )


@dataclass
class _Rows:
    """What the sheets of one table give, read one after the other."""

    tally: mismatch.Tally
    accounts: list[Accounting] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    parsed: list[tuple[int, int, dict, dict]] = field(default_factory=list)  # (sheet index, row, values, raw texts)
    seen: set[tuple] = field(default_factory=set)  # exact rows seen, for duplicates (across the sheets)
    ignored: list[str] = field(default_factory=list)


def _read_rows(spec: DatasetSpec, n: int, sheet: RawSheet, ctx: CleanContext, state: _Rows, split: bool) -> None:
    """One sheet's rows into their buckets (title, header, blank, note, data) and its data rows parsed."""
    acc = Accounting(dataset=spec.name, file=sheet.file, sheet=sheet.sheet or "", physical_rows=len(sheet.rows))
    state.accounts.append(acc)
    if all(all(nz.is_blank(c) for c in cells) for _, cells in sheet.rows):
        raise InputError("is empty: no header row and no data", file=sheet.file, sheet=sheet.sheet)
    h_idx, mapping, ignored = find_header(sheet, spec)
    state.ignored += [c for c in ignored if c not in state.ignored]
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
    canonical_cols = [(i, c) for i, c in sorted(mapping.items()) if c.name]
    person = _person_rule(spec, mapping)
    row_conventions = [c for _, c in canonical_cols if isinstance(c.convention, dict)]
    names = {c.header: c.name for _, c in canonical_cols}
    order = [c.header for c in spec.columns if c.header in names]  # duplicates compare by column, not position
    at = {c.header: i for i, c in canonical_cols}
    for row_no, cells in sheet.rows[h_idx + 1 :]:
        if all(nz.is_blank(c) for c in cells):
            acc.blank_rows += 1
            continue
        if is_note(cells):
            acc.note_rows += 1
            continue
        acc.data_rows += 1
        if sheet.sheet is None:  # CSV: a row must have exactly the header's fields
            _check_width(sheet, row_no, cells, width, header_no, len(header_cells))
        signature = _signature(cells, width, order, at, split)
        if signature in state.seen:
            acc.duplicate_rows += 1
            continue
        state.seen.add(signature)
        values: dict = {}
        raw_texts = {c.name: _shown(cells[i]) if i < len(cells) else "" for i, c in canonical_cols}
        errors = _parse_row(canonical_cols, cells, values, ctx)
        errors.extend(check_row_conventions(row_conventions, values, ctx))
        if person and not errors:
            key = person(values, cells)
            if key is None:
                errors.append(
                    RowError(
                        "missing_required",
                        "、".join(spec.person.get("fallback", [])),
                        "no ID and no name to identify the person",
                    )
                )
            values[spec.person["column"]] = key
        if errors:
            state.tally.add(errors, raw_texts, names)
            state.quarantined.append(_quarantine_row(spec, sheet, row_no, errors, raw_texts))
            continue
        state.parsed.append((n, row_no, values, raw_texts))


def _signature(cells: list, width: int, order: list[str], at: dict[str, int], split: bool) -> tuple:
    """What makes two rows exact duplicates: the cells under the header; across the sheets of a split table,
    the spec's columns by name (each sheet may order its columns its own way)."""
    if not split:
        return tuple(nz.text(c) for c in cells[:width])
    return tuple(nz.text(cells[at[h]]) if at[h] < len(cells) else "" for h in order)


def _check_width(sheet: RawSheet, row_no: int, cells: list, width: int, header_no: int, header_len: int) -> None:
    n = len(cells)
    last = n
    while last and nz.is_blank(cells[last - 1]):
        last -= 1
    if last > width or n < width:
        raise InputError(
            f"has {n} fields but the header (row {header_no}) has {header_len}: "
            f"a delimiter inside a value, or a short/long row",
            file=sheet.file,
            row=row_no,
        )


def _parse_row(canonical_cols: list[tuple[int, ColumnSpec]], cells: list, values: dict, ctx) -> list[RowError]:
    """Parse a data row's cells into `values`; the errors of the cells that fail."""
    errors: list[RowError] = []
    for i, col in canonical_cols:
        raw = cells[i] if i < len(cells) else None
        if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
            errors.append(
                RowError(
                    "too_long",
                    col.header,
                    f"{col.header}: {len(raw)} characters, more than a cell holds ({MAX_CELL_CHARS})",
                )
            )
            continue
        if nz.is_blank(raw):
            if col.required:
                errors.append(RowError("missing_required", col.header, f"required field {col.header} is empty"))
            values[col.name] = col.default
            continue
        try:
            values[col.name] = parse_cell(col, raw, ctx)
        except RowError as err:
            errors.append(err)
    return errors


def _key_conflicts(spec: DatasetSpec, sheets: list[RawSheet], state: _Rows) -> list[tuple[int, int, dict, dict]]:
    """Two different (non-identical) rows with the same key: both quarantined (across the sheets)."""
    parsed = state.parsed
    if not spec.key:
        return parsed
    groups: dict[tuple, list[int]] = defaultdict(list)
    for n, (_, _, values, _) in enumerate(parsed):
        groups[tuple(values.get(k) for k in spec.key)].append(n)
    conflicted = {n for members in groups.values() if len(members) > 1 for n in members}
    keep = []
    for n, (i, row_no, values, raw_texts) in enumerate(parsed):
        if n not in conflicted:
            keep.append((i, row_no, values, raw_texts))
            continue
        key_text = ", ".join(f"{k}={values.get(k)}" for k in spec.key)
        others = [parsed[m] for m in groups[tuple(values.get(k) for k in spec.key)] if m != n]
        places = ", ".join(
            f"{sheets[j].sheet} row {r}" if len(sheets) > 1 and j != i else str(r) for j, r, _, _ in others
        )
        err = RowError(
            "key_conflict",
            "、".join(spec.column(k).header for k in spec.key),
            f"key {key_text} also on row(s) {places} with other values",
        )
        state.quarantined.append(_quarantine_row(spec, sheets[i], row_no, [err], raw_texts))
    return keep


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


def _shown(cell) -> str:
    """A cell's text as the quarantine keeps it: whole, unless it is too long to be a real entry."""
    text = nz.text(cell)
    if len(text) > MAX_CELL_CHARS:
        return f"{text[:SHOWN_CHARS]}…（共{len(text)}字）"
    return text


def _quarantine_row(spec: DatasetSpec, sheet: RawSheet, row_no: int, errors: list[RowError], raw_texts: dict) -> dict:
    first = errors[0]
    return {
        "dataset": spec.name,
        "file": sheet.file,
        "sheet": sheet.sheet or "",
        "row": row_no,
        "rule": first.rule,
        "column": first.column,
        "reason": "; ".join(f"{e.column}: {e.reason}" for e in errors),
        **raw_texts,
    }


def _to_frame(spec: DatasetSpec, parsed: list[tuple[int, int, dict, dict]], sheets: list[RawSheet]) -> pd.DataFrame:
    if not parsed:
        return empty_frame(spec)
    data = {
        "source_row": pd.array([r for _, r, _, _ in parsed], dtype="Int64"),
        "source_sheet": pd.array([sheets[i].sheet or "" for i, _, _, _ in parsed], dtype="string"),
    }
    for c in spec.canonical:
        values = [v.get(c.name) for _, _, v, _ in parsed]
        if c.type in ("date", "datetime"):
            data[c.name] = pd.to_datetime(pd.Series(values, dtype="object")).astype(DTYPES[c.type])
        elif c.type == "count":  # the value, and whether the source gave it as a lower bound (10万+)
            data[c.name] = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
            data[c.name + AT_LEAST] = pd.array([isinstance(v, nz.AtLeast) for v in values], dtype="boolean")
        else:
            data[c.name] = pd.array(values, dtype=DTYPES[c.type])
    if spec.person:
        data[spec.person["column"]] = pd.array([v.get(spec.person["column"]) for _, _, v, _ in parsed], dtype="string")
    return pd.DataFrame(data)


def _fill_from(spec: DatasetSpec, frame: pd.DataFrame, ctx: CleanContext) -> pd.DataFrame:
    for c in spec.canonical:
        if not c.fill_from or frame.empty:
            continue
        ref = ctx.reference.get(c.fill_from["table"])
        if ref is None:
            continue
        lookup = dict(zip(ref[c.fill_from["key"]], ref[c.fill_from["column"]], strict=False))
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
