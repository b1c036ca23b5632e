"""Row accounting: every physical row of a sheet in exactly one bucket, and the data rows adding up.

raw data rows = clean rows + quarantined rows + dropped duplicates, and physical rows = title rows + the
header row + blank rows + note rows + data rows. One line per file and sheet: a dataset split over the
sheets of a workbook has a line per sheet, and each balances on its own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

COUNTS = ("physical_rows", "title_rows", "blank_rows", "note_rows", "data_rows", "clean_rows", "quarantined_rows",
          "duplicate_rows")  # fmt: skip


@dataclass
class Accounting:
    dataset: str
    file: str
    sheet: str
    physical_rows: int = 0
    title_rows: int = 0
    header_row: int = 0
    blank_rows: int = 0
    note_rows: int = 0
    data_rows: int = 0
    clean_rows: int = 0
    quarantined_rows: int = 0
    duplicate_rows: int = 0

    @property
    def balanced(self) -> bool:
        structure = self.title_rows + (1 if self.header_row else 0) + self.blank_rows + self.note_rows
        return (
            self.data_rows == self.clean_rows + self.quarantined_rows + self.duplicate_rows
            and self.physical_rows == structure + self.data_rows
        )

    def as_row(self) -> dict:
        return {**asdict(self), "balanced": self.balanced}


@dataclass
class TableAccounting(Accounting):
    """A split table's sheets added up (for messages and totals; the accounting artefact keeps the sheets)."""

    sheets: int = 1

    @property
    def balanced(self) -> bool:
        structure = self.title_rows + self.sheets + self.blank_rows + self.note_rows
        return (
            self.data_rows == self.clean_rows + self.quarantined_rows + self.duplicate_rows
            and self.physical_rows == structure + self.data_rows
        )


def total(accounts: list[Accounting]) -> TableAccounting:
    """The sheets of one table added up; its header row is the first sheet's."""
    first = accounts[0]
    out = TableAccounting(first.dataset, first.file, "、".join(a.sheet for a in accounts), sheets=len(accounts))
    for name in COUNTS:
        setattr(out, name, sum(getattr(a, name) for a in accounts))
    out.header_row = first.header_row
    return out
