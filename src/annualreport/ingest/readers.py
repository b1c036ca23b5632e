"""Reading office files into physical rows, before any interpretation.

A reader returns every physical row of a sheet with its 1-based row number as the office sees it
(the line in a CSV, the row in Excel), so each later message and quarantine entry can point at it.
Nothing here guesses silently: an encoding that is not UTF-8 (with or without BOM) or GB18030,
a file that is no workbook of the four kinds (`ingest/workbooks.py`: .xlsx, .xls, .xlsb, .ods, told by content),
or a file too large to be an office table is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from annualreport.base.errors import InputError
from annualreport.base.paths import inside
from annualreport.ingest.merged import fill_down, merged_ranges
from annualreport.ingest.workbooks import WORKBOOK_SUFFIXES, open_workbook


@dataclass
class RawSheet:
    """All physical rows of one sheet (or CSV file), cells as read (str, int, float, datetime, None)."""

    file: str  # path as shown to the user (relative to the repo when possible)
    sheet: str | None
    rows: list[tuple[int, list]] = field(default_factory=list)  # (physical row number, cells)
    encoding: str | None = None
    filled: list[tuple[int, int]] = field(default_factory=list)  # (row index, column) given a merge's value

    @property
    def where(self) -> str:
        return f"{self.file}" + (f" [{self.sheet}]" if self.sheet else "")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def decode_csv_bytes(data: bytes, label: str) -> tuple[str, str]:
    """Decode a CSV: UTF-8 (BOM optional) or GB18030. Returns (text, encoding name)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("is UTF-16 encoded; save it as UTF-8 or GBK (Excel: CSV UTF-8)", file=label)
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text, enc = data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"has a UTF-8 BOM but byte offset {exc.start + 3} is not UTF-8", file=label) from None
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError as exc:
                bad = data[exc.start : exc.start + 4].hex(" ")
                raise InputError(
                    f"is neither UTF-8 nor GBK/GB18030: undecodable bytes at byte offset {exc.start} ({bad})",
                    file=label,
                ) from None
    if "\x00" in text:
        raise InputError("contains NUL characters: not a text CSV (UTF-16 or a binary file?)", file=label)
    return text, enc


def read_csv(path: Path, label: str) -> RawSheet:
    text, enc = decode_csv_bytes(path.read_bytes(), label)
    sheet = RawSheet(file=label, sheet=None, encoding=enc)
    # csv handles quoted newlines; track physical line numbers from the reader itself.
    # No field-size stop: a cell far longer than any real one is quarantined with its reason (sheet.py
    # MAX_CELL_CHARS), not a reason to refuse the file; the file size is capped before reading.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for cells in reader:
            sheet.rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"is not a well-formed CSV: {exc}", file=label, row=reader.line_num) from None
    for row, cells in sheet.rows:
        for i, cell in enumerate(cells):
            if "\ufeff" in cell:
                raise InputError(
                    "contains a byte-order mark (BOM) inside the data: two files pasted together? Remove the stray BOM",
                    file=label,
                    row=row,
                    column=f"#{i + 1}",
                )
    return sheet


def xlsx_sheet_names(path: Path, label: str) -> list[str]:
    return list(open_workbook(path, label).sheet_names)


def _cell(v):
    """A calamine value as openpyxl gives it: None for empty, int for whole numbers, datetime for dates.

    The same for every kind of workbook (checked on files Excel, LibreOffice and SheetJS wrote): calamine gives
    a cell typed as a date (any date format, 年月日 and [DBNum1] ones included) as a `date`, a date-time as a
    `datetime`, a time of day as a `time` and an elapsed time ([h]:mm) as a `timedelta`, from `.xlsx`, `.xls`,
    `.xlsb` and `.ods` alike; whole numbers come as `int` from an `.xls` and as `float` from the others, text
    stays text. A date serial in a cell formatted as General stays a number (the cleaner reads it as a date where
    its column is one). Only a TRUE/FALSE cell differs: `bool` in `.xlsx`, `.xls` and `.xlsb`, 1 or 0 in an
    `.ods`; the cleaner's yes/no reading takes both alike."""
    if v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return v


def read_xlsx(path: Path, label: str, sheet: str | None) -> RawSheet:
    """Read one sheet of a workbook of any kind (`ingest/workbooks.py`; the first sheet when `sheet` is None).
    Values as the workbook stored them; physical row numbers."""
    wb = open_workbook(path, label)
    names = list(wb.sheet_names)
    if not names:
        raise InputError("has no sheets", file=label)
    if sheet is not None and sheet not in names:
        raise InputError(f"has no sheet named '{sheet}' (sheets: {', '.join(names)})", file=label, sheet=sheet)
    name = sheet if sheet is not None else names[0]
    try:
        ws = wb.get_sheet_by_name(name)
        rows = [list(r) for r in ws.to_python(skip_empty_area=False)]
        filled = fill_down(rows, merged_ranges(ws, path))  # cells merged down a column: the value is every row's
    except Exception as exc:
        raise InputError(f"sheet cannot be read: {type(exc).__name__}: {exc}", file=label, sheet=name) from None
    out = RawSheet(file=label, sheet=name, filled=filled)
    for r_idx, row in enumerate(rows, start=1):
        out.rows.append((r_idx, [_cell(v) for v in row]))
    return out


def refusal(path: Path, root: Path, max_mb: int) -> str | None:
    """Why a delivered file must not be read at all (a link leaving the repository, not a regular
    file, empty, over the size limit), or None. Decided without opening the file."""

    if path.is_symlink() and not inside(path, root):
        return "is a link to a file outside the repository; copy the file in instead"
    if not path.is_file():
        return "is not a regular file"
    size = path.stat().st_size
    if size == 0:
        return "is empty (0 bytes)"
    limit = max_mb * 1024 * 1024
    if size > limit:
        return (
            f"is {size / 1024 / 1024:.0f} MB, over the {max_mb} MB limit "
            f"(build.max_file_mb in the params): not an office table?"
        )
    return None


def find_input(directory: Path, stem: str, root: Path | None = None) -> Path | None:
    """The file for a dataset by its contract name: `<stem>.csv` or `<stem>` as a workbook (.xlsx, .xls, .xlsb,
    .ods); two of them stop the run naming both."""

    def label(p: Path) -> str:
        return str(p.relative_to(root)) if root and p.is_relative_to(root) else str(p)

    found = [
        directory / f"{stem}{ext}"
        for ext in (".csv", *WORKBOOK_SUFFIXES)
        if (directory / f"{stem}{ext}").exists() or (directory / f"{stem}{ext}").is_symlink()
    ]
    if len(found) > 1:
        names = "、".join(p.name for p in found[:-1]) + f" and {found[-1].name}"
        raise InputError(f"both {names} exist; keep only one", file=label(directory))
    return found[0] if found else None
