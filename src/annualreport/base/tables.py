"""Writing tables: CSV (UTF-8 with BOM, values as they are), Excel workbooks (text typed as text), Parquet.

- **CSV is data.** A CSV holds every value as it is ("+2（+16.7%）", -3, 12.5), so a program reading it gets
  what the suite computed. Only a CSV a person opens in a spreadsheet *and* that carries text delivered by
  the offices (the catalog's `guarded` artefacts: the quarantine) is guarded against formula injection
  (OWASP "CSV injection"): text a spreadsheet would run as a formula gets a leading apostrophe, and the
  suite's own reader (`read_table(..., guarded=True)`) takes it off again.
- **The formula guard belongs to the workbook.** In an .xlsx every text cell is typed as text (an inline
  string, text number format), so "=1+1" or "+SUM(A1)" opens as the text it is, never as a formula, and no
  apostrophe is added; numbers stay numbers.

Every write goes to a temporary file in the same folder and is renamed into place, so a reader
never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a frame is written, so the build driver stays light
    import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")  # a spreadsheet reads it as the number it is, not a formula
TEXT_FORMAT = "@"  # Excel's text number format: a text cell stays text when someone edits it


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _needs_guard(text: str) -> bool:
    """Text a spreadsheet opening a CSV would run as a formula (a plain number is not one), or text that
    already starts with the apostrophe (guarded too, so that the guard can be taken off without loss)."""
    return text.startswith("'") or (text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text))


def neutralise(value):
    """Guard text a spreadsheet would run as a formula with a leading apostrophe (OWASP CSV injection); only
    for a `guarded` CSV (see the module's docstring). `unneutralise` undoes it exactly."""
    if isinstance(value, str) and _needs_guard(value):
        return "'" + value
    return value


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(frame: pd.DataFrame, path: Path, guard: bool = False) -> None:
    """A CSV: UTF-8 with BOM (Excel shows Chinese correctly), LF line ends, no index, every value as it is;
    with `guard`, text a spreadsheet would run as a formula is neutralised (`neutralise`)."""
    import pandas as pd

    safe = frame
    if guard:
        safe = frame.copy()
        for col in safe.columns:
            if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
                safe[col] = safe[col].map(neutralise, na_action="ignore")
    text = safe.to_csv(index=False, lineterminator="\n")
    atomic_write_bytes(path, ("\ufeff" + text).encode("utf-8"))


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def unneutralise(value):
    """Undo `neutralise` when the suite reads a guarded CSV of its own back: a written value starts with an
    apostrophe only when it was guarded. (Also undoes the guard of CSVs written before plain numbers were
    exempt from it, e.g. "'-3".)"""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith((*FORMULA_PREFIXES, "'")):
        return value[1:]
    return value


def read_table(path: Path, guarded: bool = False) -> pd.DataFrame:
    """A CSV this suite wrote (all text, empty cells as ''), as written; `guarded`: a CSV written with
    `guard`, whose neutralisation is undone."""
    import pandas as pd

    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    if guarded:
        for col in frame.columns:
            frame[col] = frame[col].map(unneutralise)
    return frame


FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FIXED_ISO = "2020-01-01T00:00:00Z"


def fixed_core_dates(core_xml: bytes) -> bytes:
    """docProps/core.xml with its created and modified dates set to FIXED_ISO."""
    return re.sub(
        rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + FIXED_ISO.encode() + rb"\g<3>", core_xml
    )


def normalise_zip(data: bytes) -> bytes:
    """An .xlsx with fixed member times and document dates: the same cells give the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = fixed_core_dates(body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    """An Excel copy of a table for auditors: one sheet, written by `write_workbook` (text typed as text)."""
    rows = [[None if _missing(v) else v for v in row] for row in frame.itertuples(index=False, name=None)]
    write_workbook([(sheet, [str(c) for c in frame.columns], rows)], path)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def text_cell(cell) -> None:
    """Type an openpyxl cell holding text as text: an inline string with the text format, never a formula
    (openpyxl reads a string starting with "=" as one), whatever its first character."""
    if isinstance(cell.value, str):
        cell.data_type, cell.number_format = "s", TEXT_FORMAT


def _width(value) -> int:
    """Display width of a cell's text: a CJK character counts two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_workbook(sheets: list[tuple[str, list[str], list[list]]], path: Path, max_width: int = 60) -> None:
    """An Excel workbook for auditors, one sheet per (title, header, rows): numbers stay numbers, text is typed
    as text (`text_cell`: "=1+1" is the text, not a formula; no apostrophe), the header is bold and frozen,
    every sheet has an auto filter and column widths fitted to its content (capped). Fixed document
    properties and zip times: the same cells give the same bytes."""

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(list(header))
        for row in rows:
            ws.append(list(row))
        for line in ws.iter_rows():
            for cell in line:
                text_cell(cell)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        last = get_column_letter(len(header))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        for i, name in enumerate(header):
            widest = max([_width(name)] + [_width(r[i]) for r in rows])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max_width, widest + 2)
    fixed = dt.datetime(*FIXED_ZIP_TIME)
    wb.properties.creator = "annualreport"
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.lastModifiedBy = None
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, normalise_zip(buf.getvalue()))


def concat_csv(parts: list[Path], out: Path) -> None:
    """Join CSV files written by `write_csv` with the same header into one (no pandas: the driver
    uses it to assemble per-dataset pieces). Raises ValueError on a header mismatch."""
    header = None
    body: list[str] = []
    for part in parts:
        text = part.read_text(encoding="utf-8-sig")
        first, _, rest = text.partition("\n")
        if header is None:
            header = first
        elif first != header:
            raise ValueError(f"{part.name}: header differs from {parts[0].name}")
        body.append(rest)
    atomic_write_bytes(out, ("\ufeff" + (header or "") + "\n" + "".join(body)).encode("utf-8"))
