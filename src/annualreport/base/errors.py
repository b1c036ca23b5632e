"""Errors the suite raises on purpose.

Every error a user can cause carries a one-line message that names where the problem is
(file, sheet, physical row, column) and what was expected, so the analyst can act on it.
"""

from __future__ import annotations


class ReportError(Exception):
    """Base class: a problem the analyst can fix; the message is shown as-is."""

    exit_code = 2


class ParamsError(ReportError):
    """A params file is missing, malformed or inconsistent."""


class SpecError(ReportError):
    """A dataset spec, figure definition or section file in the repo is malformed."""


class InputError(ReportError):
    """A raw input file cannot be used: missing, unreadable, wrong encoding or structure."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ):
        where = []
        if file:
            where.append(f"file {file}")
        if sheet:
            where.append(f"sheet {sheet}")
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column {column}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.file, self.sheet, self.row, self.column = file, sheet, row, column


class ValidationFailed(ReportError):
    """A blocking expectation failed: nothing may be rendered or published."""

    exit_code = 3


class StageFailed(ReportError):
    """A notebook stage raised; the message names the executed notebook."""

    exit_code = 4
