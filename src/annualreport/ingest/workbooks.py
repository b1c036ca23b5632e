"""Which workbook a file is, by its bytes, and opening it with calamine.

Offices send workbooks as `.xlsx`, `.xls` (Excel 97–2003, as older Excel and WPS save them), `.xlsb` or `.ods`
(the data contract). Each is told by its content, not its name (WPS saves an .xls under an .xlsx name as
easily as the other way round): a compound (OLE) file is an `.xls`, unless it holds an `EncryptionInfo` stream
(a password-protected `.xlsx`, which cannot be read); a zip is an `.xlsx` (`xl/workbook.xml`), an `.xlsb`
(`xl/workbook.bin`) or an `.ods` (`mimetype` application/vnd.oasis.opendocument.spreadsheet). Anything else,
a damaged zip, or a workbook calamine cannot open is refused with one line that says what to do.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from annualreport.base.errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".xlsb", ".ods")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
PASSWORD = (
    "is protected by a password; open it, remove the password (Excel: 文件 > 信息 > 保护工作簿) and save it again"
)


def kind(path: Path, label: str) -> str:
    """'xls', 'xlsx', 'xlsb' or 'ods', by the file's content; InputError when it is none of them or unreadable."""
    with open(path, "rb") as f:
        head = f.read(8)
        if head.startswith(OLE_MAGIC):
            data = head + f.read()
            if "EncryptionInfo".encode("utf-16-le") in data:
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


def open_workbook(path: Path, label: str) -> CalamineWorkbook:
    """Open a workbook of any of the four kinds with calamine (Rust; ~10x faster than openpyxl on office-sized
    sheets), from a file object Python opened (so the build's read tracing sees it)."""
    found = kind(path, label)
    try:
        with open(path, "rb") as f:
            return CalamineWorkbook.from_filelike(f)
    except Exception as exc:  # calamine raises its own kinds on damaged or encrypted files
        text = f"{type(exc).__name__}: {exc}"
        if "password" in text.lower() or "encrypt" in text.lower():
            raise InputError(PASSWORD, file=label) from None
        raise InputError(f"cannot be opened as an .{found} workbook: {text}", file=label) from None
