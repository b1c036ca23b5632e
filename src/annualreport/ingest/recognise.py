"""Which delivered file (and sheet) is which dataset: by its name, else by its headers.

Offices name their files as they like ("2022年招生录取名单（招生就业处）.xlsx"); the analyst drops them
into the year's raw folder as they came. For each dataset of a folder:

1. by name: the contract's `<file>.csv` / `<file>.xlsx` (or `.xls`, `.xlsb`, `.ods`; with the spec's sheet, for a workbook) wins
   outright, as it always did;
2. by headers: every other file and sheet is read to its first rows; a sheet is a candidate for a
   dataset when a header row (one of the first 30 rows, as `ingest/header.py` finds it) holds all the
   spec's required columns, by header or alias, and at least two of its columns. Each sheet goes to
   the dataset it matches best (most columns; ties: the spec's sheet name or file stem, then the
   share of the spec's columns found). The sheets of ONE workbook that go to the same dataset are that
   dataset split over sheets (a sheet per level, school or month): read as one table, in sheet order.
   Sheets of two different files for one dataset stop the run, naming both.

Hidden sheets (the lists behind drop-downs) are never read as data; they, instruction sheets and empty
leftovers (Sheet2) are named with the reason. Sheets that match nothing are listed (`make check-inputs`, the build's log). Header rows are read
once per file content (sha256) in a process, so a build resolves its folders cheaply.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from annualreport.base.digests import MEMO, file_digest, text_digest
from annualreport.base.errors import InputError, ReportError
from annualreport.ingest import normalize as nz
from annualreport.ingest import readers, workbooks, xlsb
from annualreport.ingest.readers import decode_csv_bytes, find_input, open_workbook, refusal
from annualreport.ingest.specs import DatasetSpec
from annualreport.ingest.workbooks import WORKBOOK_SUFFIXES

HEAD_ROWS = 30  # the rows header.py searches for the header row
SUFFIXES = (".csv", *WORKBOOK_SUFFIXES)


@dataclass(frozen=True)
class Match:
    dataset: str
    path: Path
    sheets: tuple[str, ...]  # the sheets to read, in workbook order (empty: a CSV, or the workbook's first sheet)
    how: str  # "by name", "by headers: 8 of 8 columns"

    @property
    def sheet(self) -> str | None:
        """The one sheet to read (the first of a split dataset's), None for a CSV or the first sheet."""
        return self.sheets[0] if self.sheets else None

    def where(self, root: Path | None = None) -> str:
        p = self.path.relative_to(root).as_posix() if root and self.path.is_relative_to(root) else str(self.path)
        return p + (f" [{'、'.join(self.sheets)}]" if self.sheets else "")


@dataclass
class Resolution:
    matches: dict[str, Match] = field(default_factory=dict)
    conflicts: dict[str, list[Match]] = field(default_factory=dict)  # dataset -> two or more candidates
    errors: dict[str, InputError] = field(default_factory=dict)  # dataset -> why its named file is refused
    unmatched: list[tuple[Path, str | None, str]] = field(default_factory=list)  # (file, sheet, why)

    def match(self, name: str, root: Path | None = None) -> Match | None:
        """The dataset's file, None when none was delivered; an error when two files claim it."""
        if name in self.errors:
            raise self.errors[name]
        if name in self.conflicts:
            cands = self.conflicts[name]
            raise InputError(
                f"two files look like dataset '{name}': "
                + " and ".join(f"{m.where(root)} ({m.how})" for m in cands)
                + "; keep only one of them in the folder",
                file=Match(name, cands[0].path.parent, (), "").where(root),
            )
        return self.matches.get(name)


_HEADS: dict[tuple[str, str], dict[str | None, list[set]]] = {}  # (suffix, sha256) -> sheet -> first rows
_HIDDEN: dict[tuple[str, str], list[str]] = {}  # (suffix, sha256) -> the workbook's hidden sheets
HIDDEN = "a hidden sheet (the list behind a drop-down?): never read as data"
EMPTY = "an empty sheet"


def head_rows(path: Path) -> dict[str | None, list[set[str]]]:
    """The first rows of every sheet of a file (a CSV: one sheet, None) as sets of normalised header
    texts, cached by content: reading and normalising happen once per file in a process, and once per file
    content across builds (the digest memo keeps them, by the file's and this code's digests)."""
    key = (path.suffix.lower(), file_digest(path))
    if key not in _HEADS:
        memo_key = f"heads/{_reading_code()}/{key[0]}/{key[1]}"
        known = MEMO.recall(memo_key)
        if known is not None:
            _HEADS[key] = {sheet: [set(row) for row in rows] for sheet, rows in known["sheets"]}
            _HIDDEN[key] = list(known["hidden"])
            return _HEADS[key]
        if key[0] == ".csv":
            text, _ = decode_csv_bytes(path.read_bytes(), path.name)
            rows = []
            try:
                for cells in csv.reader(io.StringIO(text, newline="")):
                    rows.append(cells)
                    if len(rows) >= HEAD_ROWS:
                        break
            except csv.Error as exc:
                raise InputError(f"is not a well-formed CSV: {exc}", file=path.name) from None
            _HEADS[key] = {None: [_texts(r) for r in rows]}
        else:
            wb = open_workbook(path, path.name)
            sheets = {}
            _HIDDEN[key] = [m.name for m in wb.sheets_metadata if str(m.visible).rsplit(".", 1)[-1] != "Visible"]
            for name in wb.sheet_names:
                try:
                    rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEAD_ROWS)
                    sheets[name] = [_texts(r) for r in rows]
                except Exception:  # an unreadable sheet matches nothing; the build says why if used
                    sheets[name] = []
            _HEADS[key] = sheets
        sheets = [[sheet, [sorted(row) for row in rows]] for sheet, rows in _HEADS[key].items()]
        MEMO.remember(memo_key, {"sheets": sheets, "hidden": _HIDDEN.get(key, [])})
    return _HEADS[key]


@lru_cache(maxsize=1)
def _reading_code() -> str:
    """The digest of the code that reads and normalises header rows: a remembered value of older code is not used."""
    modules = (sys.modules[__name__], nz, readers, workbooks, xlsb)
    return text_digest([HEAD_ROWS, *(file_digest(Path(m.__file__)) for m in modules)])[:16]


def hidden_sheets(path: Path) -> list[str]:
    """The workbook's hidden (and very hidden) sheets, by the workbook's own flags; none for a CSV."""
    head_rows(path)
    return _HIDDEN.get((path.suffix.lower(), file_digest(path)), [])


def _texts(cells: list) -> set[str]:
    return {nz.header(c) for c in cells if not nz.is_blank(c)}


def score(rows: list[set[str]], spec: DatasetSpec, lookup: dict | None = None) -> int:
    """Columns of the spec named in the sheet's header row (0 when it is not the spec's table)."""
    lookup = lookup if lookup is not None else spec.header_lookup()
    required = {c.header for c in spec.columns if c.required}
    enough = min(2, len(spec.columns))
    best = 0
    for texts in rows[:HEAD_ROWS]:
        found = {lookup[h].header for h in texts & lookup.keys()}
        if required <= found and len(found) >= enough:
            best = max(best, len(found))
    return best


def _candidates(path: Path, specs: dict[str, DatasetSpec], lookups: dict, skip=()) -> tuple[list[tuple], list[tuple]]:
    """(sheet, dataset, score, how) for each sheet's best dataset, and the sheets that match none
    (sheets in `skip`, taken by name, are left out)."""
    found, none = [], []
    hidden = set(hidden_sheets(path))
    for sheet, rows in head_rows(path).items():
        if sheet in skip:
            continue
        if sheet in hidden:
            none.append((sheet, HIDDEN))
            continue
        if not any(rows):
            none.append((sheet, EMPTY))
            continue
        scored = []
        for spec in specs.values():
            s = score(rows, spec, lookups[spec.name])
            if s:
                hint = spec.sheet == sheet if spec.sheet and sheet else spec.file == path.stem
                scored.append((s, hint, s / len(spec.columns), spec.name))
        if not scored:
            none.append((sheet, "no header row names a dataset's columns"))
            continue
        s, _, _, name = max(scored)
        found.append((sheet, name, s, f"by headers: {s} of {len(specs[name].columns)} columns"))
    return found, none


def _by_name(directory: Path, spec: DatasetSpec, root: Path | None) -> Path | None:
    """The contract's file name, when it holds the dataset (a workbook: the spec's sheet, if it has one)."""
    path = find_input(directory, spec.file, root)
    if path is None or not spec.sheet or path.suffix.lower() not in WORKBOOK_SUFFIXES or not path.is_file():
        return path
    try:
        names = list(head_rows(path))
    except ReportError:
        return path  # the build reads it and says why it cannot
    return path if spec.sheet in names else None


_RESOLVED: dict[tuple, Resolution] = {}  # a folder's listing (names, sizes, times, inodes) and specs -> resolution


def resolve(directory: Path, specs: dict[str, DatasetSpec], root: Path | None = None, max_mb: int = 200) -> Resolution:
    """Match the folder's files and sheets to `specs` (the datasets expected in that folder); memoised
    in a process while the folder's listing (names, sizes, modification times) and the specs are unchanged."""
    try:
        listing = tuple(
            (p.name, st.st_size, st.st_mtime_ns, st.st_ino) for p in sorted(directory.iterdir()) for st in [p.lstat()]
        )
    except OSError:
        listing = None
    key = (str(directory), str(root), max_mb, listing, tuple((n, str(s.path), id(s)) for n, s in specs.items()))
    if listing is not None and key in _RESOLVED:
        return _RESOLVED[key]
    out = _resolve(directory, specs, root, max_mb)
    if listing is not None:
        _RESOLVED[key] = out
    return out


def _resolve(directory: Path, specs: dict[str, DatasetSpec], root: Path | None, max_mb: int) -> Resolution:
    out = Resolution()
    named: dict[Path, set | None] = {}  # file -> its sheets taken by name (None: the whole file)
    lookups = {name: spec.header_lookup() for name, spec in specs.items()}
    for name, spec in specs.items():
        try:
            path = _by_name(directory, spec, root)
        except InputError as exc:
            out.errors[name] = exc
            continue
        if path is not None:
            sheets = _named_sheets(path, spec, specs, lookups)
            out.matches[name] = Match(name, path, sheets, "by name")
            taken = named.get(path, set())
            named[path] = None if taken is None or not sheets else {*taken, *sheets}
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() in SUFFIXES) if directory.is_dir() else []
    by_dataset: dict[str, list[Match]] = {}
    for path in files:
        if (path in named and named[path] is None) or path.name.startswith(("~$", ".")):
            continue
        reason = refusal(path, root or directory, max_mb)
        if reason:
            out.unmatched.append((path, None, reason))
            continue
        try:
            found, none = _candidates(path, specs, lookups, named.get(path) or ())
        except ReportError as exc:
            out.unmatched.append((path, None, f"cannot be read: {exc}"))
            continue
        out.unmatched += [(path, sheet, why) for sheet, why in none]
        for sheet, name, _, how in found:
            if name in out.matches:  # taken by name: the contract's file wins outright
                taken = out.matches[name].where(root)
                out.unmatched.append((path, sheet, f"looks like {name}, taken by name from {taken}"))
                continue
            by_dataset.setdefault(name, []).append(Match(name, path, (sheet,) if sheet else (), how))
    for name, cands in by_dataset.items():
        files_of = _per_file(cands)
        if len(files_of) == 1:
            out.matches[name] = files_of[0]
        else:
            out.conflicts[name] = files_of
    return out


def _named_sheets(path: Path, spec: DatasetSpec, specs: dict[str, DatasetSpec], lookups: dict) -> tuple[str, ...]:
    """The sheets to read of a file taken by name: the spec's sheet; else, in a workbook, every sheet whose
    headers make it this dataset (a dataset split over sheets), or none (the first sheet: the build says
    what is wrong with it)."""
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return ()
    if spec.sheet:
        return (spec.sheet,)
    try:
        found, _ = _candidates(path, specs, lookups)
    except ReportError:
        return ()
    return tuple(sheet for sheet, name, _, _ in found if name == spec.name and sheet)


def _per_file(cands: list[Match]) -> list[Match]:
    """A dataset's candidate sheets joined per file: the sheets of one workbook are one split table."""
    joined: dict[Path, Match] = {}
    for m in cands:
        if m.path not in joined:
            joined[m.path] = m
            continue
        first = joined[m.path]
        joined[m.path] = Match(m.dataset, m.path, (*first.sheets, *m.sheets), first.how)
    out = []
    for m in joined.values():
        if len(m.sheets) > 1:
            m = Match(m.dataset, m.path, m.sheets, f"by headers: one table over {len(m.sheets)} sheets")
        out.append(m)
    return out


def resolve_for(params, specs: dict[str, DatasetSpec], reference: bool) -> Resolution:
    """The year's raw folder (or the reference folder) resolved against its datasets' specs."""
    directory = params.reference_dir if reference else params.raw_dir
    kind = {n: s for n, s in specs.items() if s.reference == reference}
    return resolve(directory, kind, params.root, params.data["build"]["max_file_mb"])
