"""The report as a document: who issues it and when (the `document:` block of a params file).

Official documents end with a 落款: the issuing body and the date (成文日期, Arabic digits: 2021年3月1日).
The schema below is part of `params.SCHEMA` (documented with it); `closing()` gives the two lines the
report prints, the issuer defaulting to the institution's name and no date line when none is given.
"""

from __future__ import annotations

import datetime as dt
import re

from annualreport.base.errors import ParamsError

DOCUMENT_SCHEMA: dict[str, tuple] = {
    "issuer": (
        str,
        False,
        None,
        "The issuing body printed at the end of the report (落款). Absent: `institution.name`.",
    ),
    "date": (
        str,
        False,
        None,
        'The date of the document (成文日期), quoted, as YYYY-MM-DD (`"2021-03-01"`); printed under the '
        "issuer in Arabic digits (2021年3月1日). Absent: no date line.",
    ),
}
DOCUMENT_DESCRIPTION = "The report as an issued document: its closing lines (落款), after the body."


def check_document(checked: dict, source: str) -> None:
    """The date, when given, is a real YYYY-MM-DD date."""
    date = checked["document"]["date"]
    if date is None:
        return
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ParamsError(f"{source}: 'document.date' must look like 2021-03-01, got {date!r}")
    try:
        dt.date.fromisoformat(date)
    except ValueError as exc:
        raise ParamsError(f"{source}: 'document.date' is not a date: {exc}") from exc


def closing(data: dict) -> tuple[str, str]:
    """(issuer, date as 2021年3月1日 or "") from a checked params mapping."""
    doc = data.get("document") or {}
    issuer = doc.get("issuer") or data["institution"]["name"]
    date = doc.get("date")
    if not date:
        return issuer, ""
    d = dt.date.fromisoformat(date)
    return issuer, f"{d.year}年{d.month}月{d.day}日"
