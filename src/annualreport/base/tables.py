"""Writing tables that people open: CSV for Excel (UTF-8 with BOM), workbooks, Parquet.

A spreadsheet runs a CSV cell that starts with = + - @ as a formula, so a CSV of office data gets a leading
apostrophe there (`neutralise`); a CSV for programs (the ledgers: catalog `guarded=False`) is written as it is,
so a program reads back exactly what was written. In a workbook every text cell is typed as text (a string cell
in the text number format): a spreadsheet shows it and never runs it, and nothing is added to it.

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


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def neutralise(value):
    """Prefix text that Excel would run as a formula with an apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
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


def write_csv(frame: pd.DataFrame, path: Path, guard: bool = True) -> None:
    """CSV for auditors: UTF-8 with BOM (Excel shows Chinese correctly), LF line ends, no index; `guard`: text that
    a spreadsheet would run as a formula gets a leading apostrophe (False: every value as it is)."""
    import pandas as pd

    safe = frame.copy()
    for col in safe.columns if guard else ():
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
    """Undo `neutralise` when the suite reads its own CSV back (a ledger published before the ledgers were written
    unguarded still reads as written)."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def read_table(path: Path) -> pd.DataFrame:
    """A CSV this suite wrote (all text, empty cells as ''), with formula neutralisation undone."""
    import pandas as pd

    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
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


TEXT_FORMAT = "@"  # the spreadsheet's text number format: what is typed into the cell stays text too


def as_text(ws) -> None:
    """Type every text cell of a worksheet as text: a string cell (openpyxl makes a formula of a string that starts
    with =) in the text number format, so a spreadsheet shows it as written and never runs it."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type, cell.number_format = "s", TEXT_FORMAT


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    """An Excel copy of a table for auditors (text cells typed as text), reproducible bytes."""
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        as_text(writer.sheets[sheet])
    atomic_write_bytes(path, normalise_zip(buf.getvalue()))


def _width(value) -> int:
    """Display width of a cell's text: a CJK character counts two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_workbook(sheets: list[tuple[str, list[str], list[list]]], path: Path, max_width: int = 60) -> None:
    """An Excel workbook for auditors, one sheet per (title, header, rows): numbers stay numbers, text cells are
    typed as text (`as_text`: never a formula, nothing added to them), the header is bold and frozen, every sheet has an auto filter and column
    widths fitted to its content (capped). Fixed document properties and zip times: the same cells
    give the same bytes."""

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
        as_text(ws)
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
