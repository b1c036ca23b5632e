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

import numpy as np
import pandas as pd

from annualreport.base.errors import InputError, SpecError
from annualreport.ingest import mismatch
from annualreport.ingest import normalize as nz
from annualreport.ingest.accounting import Accounting, total
from annualreport.ingest.cells import CleanContext, RowError, check_row_conventions, kept, parse_cell
from annualreport.ingest.frames import Chunk, fill_from, to_frame
from annualreport.ingest.header import NOTE_MARKERS, find_header
from annualreport.ingest.matrix import CellMatrix, first_texts, own_blank
from annualreport.ingest.personal import person_key
from annualreport.ingest.readers import RawSheet
from annualreport.ingest.specs import ColumnSpec, DatasetSpec

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


def clean_sheet(spec: DatasetSpec, sheet: RawSheet, ctx: CleanContext) -> CleanResult:
    """Clean one sheet by its spec. Structural problems raise InputError; bad rows are quarantined."""
    return clean_sheets(spec, [sheet], ctx)


def clean_sheets(spec: DatasetSpec, sheets: list[RawSheet], ctx: CleanContext) -> CleanResult:
    """Clean a dataset delivered over one or more sheets with the same columns (a sheet per level, school or
    month) as ONE table, in sheet order: each sheet has its own title, header and note rows and its own row
    accounting; duplicates and key conflicts are found across the sheets; each row keeps its sheet and row.
    Cells are read by columns (`ingest/matrix.py`): each distinct value of a column is parsed once."""
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
    _key_conflicts(spec, sheets, state)

    frame = to_frame(spec, state.chunks, sheets)
    frame = fill_from(spec, frame, ctx)
    quarantine = pd.DataFrame(state.quarantined, columns=QUARANTINE_COLUMNS + [c.name for c in spec.canonical])
    order = {s.sheet or "": n for n, s in enumerate(sheets)}
    quarantine = (
        quarantine.assign(_order=quarantine["sheet"].map(order))
        .sort_values(["_order", "row"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    for n, acc in enumerate(state.accounts):
        acc.clean_rows = sum(len(c.rows) for c in state.chunks if c.sheet == n)
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
    chunks: list[Chunk] = field(default_factory=list)
    seen: set[tuple] = field(default_factory=set)  # exact rows seen, for duplicates (across the sheets)
    ignored: list[str] = field(default_factory=list)
    columns: list[list] = field(default_factory=list)  # per sheet: (column index, spec) of its canonical columns


def _read_rows(spec: DatasetSpec, n: int, sheet: RawSheet, ctx: CleanContext, state: _Rows, split: bool) -> None:
    """One sheet's rows into their buckets (title, header, blank, note, data) and its data rows parsed."""
    acc = Accounting(dataset=spec.name, file=sheet.file, sheet=sheet.sheet or "", physical_rows=len(sheet.rows))
    state.accounts.append(acc)
    m = CellMatrix.of([cells for _, cells in sheet.rows])
    own = own_blank(m, sheet.filled)  # a row holding only cells a merge above filled is blank, as it looks
    blank_row = own.all(axis=1)
    if blank_row.all():
        raise InputError("is empty: no header row and no data", file=sheet.file, sheet=sheet.sheet)
    h_idx, mapping, ignored = find_header(sheet, spec)
    state.ignored += [c for c in ignored if c not in state.ignored]
    header_no, header_cells = sheet.rows[h_idx]
    acc.header_row = header_no
    acc.blank_rows = int(blank_row[:h_idx].sum())
    acc.title_rows = h_idx - acc.blank_rows
    width = len(header_cells)
    while width and nz.is_blank(header_cells[width - 1]):
        width -= 1

    below = np.arange(h_idx + 1, len(sheet.rows))
    note = first_texts(m, own).str.startswith(NOTE_MARKERS).to_numpy(dtype=bool)
    acc.blank_rows += int(blank_row[below].sum())
    acc.note_rows = int((note[below] & ~blank_row[below]).sum())
    data = below[~blank_row[below] & ~note[below]]
    acc.data_rows = len(data)
    if sheet.sheet is None:  # CSV: a row must have exactly the header's fields
        _check_width(sheet, m, data, width, header_no, len(header_cells))

    canonical_cols = [(i, c) for i, c in sorted(mapping.items()) if c.name]
    state.columns.append(canonical_cols)
    if split:  # duplicates compare by column across the sheets (each may order its columns its own way)
        at = {c.header: i for i, c in canonical_cols}
        signature_cols = [at[c.header] for c in spec.columns if c.header in at]
    else:
        signature_cols = list(range(width))
    signatures = zip(*(m.column_texts(data, i) for i in signature_cols), strict=True) if signature_cols else ()
    kept = []
    for pos, sig in zip(data, signatures or [()] * len(data), strict=True):
        if sig in state.seen:
            acc.duplicate_rows += 1
        else:
            state.seen.add(sig)
            kept.append(pos)
    data = np.array(kept, dtype=np.int64)
    _parse(spec, n, sheet, m, data, mapping, canonical_cols, ctx, state)


def _parse(spec, n, sheet, m: CellMatrix, data, mapping, canonical_cols, ctx, state: _Rows) -> None:
    """The kept data rows parsed by columns: each column's distinct values once; rows with an error are
    quarantined (in row order, each with all its errors), the others become the sheet's chunk of clean rows."""
    values: dict[str, np.ndarray] = {}
    errors: dict[str, np.ndarray] = {}
    for i, col in canonical_cols:
        parsed = m.per_value(data, i, lambda raw, text, col=col: _parse_value(col, raw, text, ctx))
        values[col.name] = np.array([v for v, _ in parsed], dtype=object) if len(parsed) else parsed
        errors[col.name] = np.array([e for _, e in parsed], dtype=object) if len(parsed) else parsed
    _seen_conventions(m, data, canonical_cols, values, state.tally)
    failed = np.zeros(len(data), dtype=bool)
    for e in errors.values():
        failed |= e != None  # noqa: E711 (elementwise on an object array)
    # conventions that depend on another column of the row (awards: 学号 for a 学生, 工号 for a 教师)
    row_conventions = [c for _, c in canonical_cols if isinstance(c.convention, dict)]
    extra: dict[int, list[RowError]] = {}
    for col in row_conventions:
        by = col.convention["by"]
        if by not in values:
            continue
        ok_by = np.where(errors[by] == None, values[by], None)  # noqa: E711
        ok_val = np.where(errors[col.name] == None, values[col.name], None)  # noqa: E711
        for k in np.flatnonzero(np.array([v not in (None, "") for v in ok_val], dtype=bool)):
            err = check_row_conventions([col], {col.name: ok_val[k], by: ok_by[k]}, ctx)
            if err:
                extra.setdefault(int(k), []).extend(err)
    for k in extra:
        failed[k] = True
    person = _person_rule(spec, mapping)
    if person:
        pcol = spec.person["column"]
        id_col = spec.person.get("id")
        keys = np.empty(len(data), dtype=object)
        for k in np.flatnonzero(~failed):
            key = person({id_col: values[id_col][k]} if id_col in values else {}, sheet.rows[data[k]][1])
            keys[k] = key
            if key is None:
                fallback = "、".join(spec.person.get("fallback", []))
                extra[int(k)] = [RowError("missing_required", fallback, "no ID and no name to identify the person")]
                failed[k] = True
        values[pcol] = keys
    names = {c.header: c.name for _, c in canonical_cols}
    for k in np.flatnonzero(failed):
        row_errors = [errors[c.name][k] for _, c in canonical_cols if errors[c.name][k] is not None]
        row_errors += extra.get(int(k), [])
        row_no, cells = sheet.rows[data[k]]
        raw_texts = _raw_texts(canonical_cols, cells)
        state.tally.add(row_errors, raw_texts, names)
        state.quarantined.append(_quarantine_row(spec, sheet, row_no, row_errors, raw_texts))
    good = ~failed
    rows = np.array([sheet.rows[p][0] for p in data[good]], dtype=np.int64)
    state.chunks.append(Chunk(n, rows, data[good], {name: v[good] for name, v in values.items()}))


def _seen_conventions(m: CellMatrix, data, canonical_cols, values: dict, tally: mismatch.Tally) -> None:
    """Every value of each column that follows a college convention (by its params key), so a mismatch can
    propose the format the values share (`ingest/infer.py`)."""
    for i, col in canonical_cols:
        if isinstance(col.convention, str):
            tally.seen(f"conventions.{col.convention}", m.column_texts(data, i))
        elif isinstance(col.convention, dict) and col.convention["by"] in values:
            by, texts = values[col.convention["by"]], m.column_texts(data, i)
            for case, key in col.convention["cases"].items():
                tally.seen(f"conventions.{key}", texts[by == case])


def _parse_value(col: ColumnSpec, raw, text: str, ctx: CleanContext) -> tuple[object, RowError | None]:
    """One distinct cell value of a column: (value, None) or (None, the error)."""
    if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
        return None, RowError(
            "too_long", col.header, f"{col.header}: {len(raw)} characters, more than a cell holds ({MAX_CELL_CHARS})"
        )
    if text == "":
        if col.required:
            return None, RowError("missing_required", col.header, f"required field {col.header} is empty")
        return col.default, None
    try:
        return parse_cell(col, raw, ctx, text), None
    except RowError as err:
        return None, kept(err)


def _raw_texts(canonical_cols: list[tuple[int, ColumnSpec]], cells: list) -> dict:
    return {c.name: _shown(cells[i]) if i < len(cells) else "" for i, c in canonical_cols}


def _check_width(sheet: RawSheet, m: CellMatrix, data: np.ndarray, width: int, header_no: int, header_len: int):
    """A CSV line with more fields than its header (a delimiter inside a value) or fewer stops the run."""
    if not len(data):
        return
    filled = ~m.blank[data]
    last = np.where(filled.any(axis=1), filled.shape[1] - np.argmax(filled[:, ::-1], axis=1), 0)
    bad = np.flatnonzero((last > width) | (m.lengths[data] < width))
    if len(bad):
        row_no, cells = sheet.rows[data[bad[0]]]
        raise InputError(
            f"has {len(cells)} fields but the header (row {header_no}) has {header_len}: "
            f"a delimiter inside a value, or a short/long row",
            file=sheet.file,
            row=row_no,
        )


def _key_conflicts(spec: DatasetSpec, sheets: list[RawSheet], state: _Rows) -> None:
    """Two different (non-identical) rows with the same key: both quarantined (across the sheets)."""
    if not spec.key:
        return
    columns = {
        k: np.concatenate(
            [c.values.get(k, np.full(len(c.rows), None, dtype=object)) for c in state.chunks]
            or [np.empty(0, dtype=object)]
        )
        for k in spec.key
    }
    where = [(c, k) for c, chunk in enumerate(state.chunks) for k in range(len(chunk.rows))]
    shared = pd.DataFrame(columns, dtype=object).duplicated(keep=False).to_numpy()  # only these can conflict
    groups: dict[tuple, list[tuple[int, int]]] = defaultdict(list)  # key -> [(chunk, index)]
    for n in np.flatnonzero(shared):
        groups[tuple(columns[k][n] for k in spec.key)].append(where[n])
    drop: dict[int, set[int]] = defaultdict(set)
    for key, members in groups.items():
        if len(members) < 2:
            continue
        for c, k in members:
            chunk = state.chunks[c]
            others = [
                (state.chunks[oc].sheet, int(state.chunks[oc].rows[ok])) for oc, ok in members if (oc, ok) != (c, k)
            ]
            places = ", ".join(
                f"{sheets[j].sheet} row {r}" if len(sheets) > 1 and j != chunk.sheet else str(r) for j, r in others
            )
            key_text = ", ".join(f"{name}={value}" for name, value in zip(spec.key, key, strict=True))
            err = RowError(
                "key_conflict",
                "、".join(spec.column(name).header for name in spec.key),
                f"key {key_text} also on row(s) {places} with other values",
            )
            sheet = sheets[chunk.sheet]
            row_no, cells = sheet.rows[chunk.positions[k]]
            raw_texts = _raw_texts(state.columns[chunk.sheet], cells)
            state.quarantined.append(_quarantine_row(spec, sheet, row_no, [err], raw_texts))
            drop[c].add(k)
    for c, ks in drop.items():
        chunk = state.chunks[c]
        keep = np.ones(len(chunk.rows), dtype=bool)
        keep[list(ks)] = False
        state.chunks[c] = Chunk(
            chunk.sheet, chunk.rows[keep], chunk.positions[keep], {n: v[keep] for n, v in chunk.values.items()}
        )


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


def relative_label(path: Path, root: Path) -> str:
    """The path as the user knows it: relative to the project, links not followed."""
    for p, r in ((path.absolute(), root.absolute()), (path.resolve(), root.resolve())):
        try:
            return str(p.relative_to(r))
        except ValueError:
            continue
    return str(path)
