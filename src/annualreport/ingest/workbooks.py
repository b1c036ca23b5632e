"""Which workbook a file is, by its bytes, and opening it with calamine.

Offices send workbooks as `.xlsx`, `.xls` (Excel 97–2003, as older Excel and WPS save them), `.xlsb` or `.ods` (the
data contract). Each is told by its content, not its name (WPS saves an .xls under an .xlsx name as easily as the
other way round): a compound (OLE) file is an `.xls`, unless it holds an `EncryptionInfo` or `EncryptedPackage`
stream (a password-protected `.xlsx`, which cannot be read) or a `FilePass` record after its workbook's first
record (a password-protected `.xls`); a zip is an `.xlsx` (`xl/workbook.xml`), an `.xlsb` (`xl/workbook.bin`) or an
`.ods` (`mimetype` application/vnd.oasis.opendocument.spreadsheet). Anything else, a damaged zip, or a workbook
calamine cannot open is refused with one line that says what to do.

Two kinds of real files calamine misreads are given to it as it needs them, in memory (the file is never
changed): an `.xlsb` whose cells are in the short form SheetJS writes (`ingest/xlsb.py`: read whole, not one
column wide), and an `.ods` whose XML is indented, as LibreOffice saves it when "Size optimization for ODF format"
is off (Tools > Options > Load/Save > General) and as SheetJS writes it (calamine stops at the indentation).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from annualreport.base.errors import InputError
from annualreport.ingest import xlsb

WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".xlsb", ".ods")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
BIFF8_GLOBALS = b"\x09\x08\x10\x00\x00\x06\x05\x00"  # BOF, 16 bytes, BIFF8, the workbook globals substream
FILE_PASS, BOUND_SHEET = 0x002F, 0x0085
ENCRYPTED_STREAMS = ("EncryptionInfo", "EncryptedPackage")  # the two streams of a password-protected .xlsx
INDENT = re.compile(rb">[ \t\r]*\n[ \t\r\n]*<")  # a line break and indentation between two tags
PASSWORD = (
    "is protected by a password; open it, remove the password (Excel: 文件 > 信息 > 保护工作簿) and save it again"
)


def kind(path: Path, label: str) -> str:
    """'xls', 'xlsx', 'xlsb' or 'ods', by the file's content; InputError when it is none of them or unreadable."""
    with open(path, "rb") as f:
        head = f.read(8)
        if head.startswith(OLE_MAGIC):
            data = head + f.read()
            if any(s.encode("utf-16-le") in data for s in ENCRYPTED_STREAMS) or _xls_password(data):
                raise InputError(PASSWORD, file=label)
            return "xls"
    if not head.startswith(ZIP_MAGIC):
        raise InputError(
            "is not a workbook (.xlsx, .xls, .xlsb or .ods): it does not start like one; save it from Excel or WPS "
            "again",
            file=label,
        )
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
            if bad:
                raise InputError(f"is a damaged workbook (member {bad} is corrupt)", file=label)
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "mimetype" in names and z.read("mimetype").strip() == ODS_MIME:
                if b"encryption-data" in z.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b"":
                    raise InputError(PASSWORD, file=label)
                return "ods"
    except zipfile.BadZipFile as exc:
        raise InputError(f"is a truncated or damaged workbook ({exc})", file=label) from None
    raise InputError("is a zip file but not a workbook (.xlsx, .xlsb or .ods)", file=label)


def _xls_password(data: bytes) -> bool:
    """Whether a compound file's BIFF8 workbook is encrypted: a FilePass record among the records that follow its
    first BOF (where [MS-XLS] puts it, before the first sheet's BoundSheet8). The workbook stream starts at a
    sector (or mini sector, 64 bytes) boundary."""
    at = data.find(BIFF8_GLOBALS)
    while at >= 0 and at % 64:
        at = data.find(BIFF8_GLOBALS, at + 1)
    for _ in range(16 if at >= 0 else 0):
        at += 4 + int.from_bytes(data[at + 2 : at + 4], "little")
        record = int.from_bytes(data[at : at + 2], "little")
        if record in (FILE_PASS, BOUND_SHEET) or at + 4 > len(data):
            return record == FILE_PASS
    return False


def compact_ods(path: Path) -> io.BytesIO:
    """An `.ods` with the indentation between the tags of its content.xml taken out (whitespace with a line break
    between two tags is layout, not text: ODF collapses it, and LibreOffice never writes a line break in a text
    node, a cell's lines being paragraphs of their own)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            out.writestr(info, INDENT.sub(b"><", data) if info.filename == "content.xml" else data)
    buffer.seek(0)
    return buffer


def open_workbook(path: Path, label: str) -> CalamineWorkbook:
    """Open a workbook of any of the four kinds with calamine (Rust; ~10x faster than openpyxl on office-sized
    sheets), from a file object Python opened (so the build's read tracing sees it)."""
    found = kind(path, label)
    try:
        if found == "xlsb" and (whole := xlsb.conformed(path)) is not None:
            return CalamineWorkbook.from_filelike(whole)
        with open(path, "rb") as f:
            return CalamineWorkbook.from_filelike(f)
    except Exception as exc:  # calamine raises its own kinds on damaged or encrypted files
        text = f"{type(exc).__name__}: {exc}"
        if found == "ods":  # calamine says only "Cannot detect file format" of an .ods it stops in
            try:
                return CalamineWorkbook.from_filelike(compact_ods(path))
            except Exception:
                pass
        if "password" in text.lower() or "encrypt" in text.lower():
            raise InputError(PASSWORD, file=label) from None
        raise InputError(
            f"cannot be opened as an .{found} workbook (damaged, or not saved completely? open it in Excel or WPS "
            f"and save it again): {text}",
            file=label,
        ) from None
