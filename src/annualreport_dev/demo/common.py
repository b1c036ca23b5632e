"""Helpers shared by the demo generators: the per-year writer state and the forms offices type.

Mess vocabulary for `YearFiles.note(file, kind)` (data/raw/mess-manifest.csv lists what each file carries):
gbk_encoding, utf8_bom, title_row, merged_title, header_alias, header_trailing_star, unknown_column,
blank_rows, note_rows, fullwidth_digits, fullwidth_brackets, stray_spaces, date_forms, excel_dates,
excel_serial_dates, percent_text, wan_amount_text, money_text, numbers_as_text, empty_sheet,
blank_filled_from_reference, exact_duplicates, and quarantine:<rule> for each quarantine rule
(missing_required, not_in_set, bad_value, bad_id, negative, out_of_range, date_out_of_range,
not_in_reference, key_conflict).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

FULLWIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")


def fullwidth(s: str) -> str:
    return s.translate(FULLWIDTH)


@dataclass
class YearFiles:
    """One year's generation: its random stream (seeded per year), scale and the mess it wrote."""

    year: int
    rng: random.Random
    scale: int = 1
    mess: list[tuple[str, str]] = field(default_factory=list)  # (file, kind of mess)
    institution: str = ""  # the college's name as offices write it in titles (from its params)

    def note(self, file: str, kind: str) -> None:
        if (file, kind) not in self.mess:
            self.mess.append((file, kind))


def date_forms(d: dt.date, rng: random.Random) -> str:
    """One of the date forms offices type (CSV files get strings only)."""
    form = rng.randrange(5)  # only the chosen form is formatted (millions of dates at benchmark scales)
    if form == 0:
        return f"{d:%Y-%m-%d}"
    if form == 1:
        return f"{d.year}/{d.month}/{d.day}"
    if form == 2:
        return f"{d.year}.{d.month}.{d.day}"
    if form == 3:
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d:%Y%m%d}"


def excel_serial(d: dt.date) -> int:
    return (d - dt.date(1899, 12, 30)).days


def random_day(rng: random.Random, year: int, start_month: int = 1, end_month: int = 12) -> dt.date:
    lo = dt.date(year, start_month, 1)
    hi = dt.date(year + (end_month == 12), (end_month % 12) + 1, 1) - dt.timedelta(days=1)
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def insert_randomly(rng: random.Random, rows: list, new_rows: list, first: int) -> None:
    """Insert rows at random places after row index `first` (title/header rows stay on top)."""
    for r in new_rows:
        rows.insert(rng.randrange(first, len(rows) + 1), r)


def apply_changes(row: list, changes: dict) -> list:
    """Set cells by `c<index>=value` keywords, as the bad-row builders take them (bad(c3="") empties column 3)."""
    for key, value in changes.items():
        row[int(key[1:])] = value
    return row


class LatestYear(dict):
    """Numbers per year; a later year (a new year being tried out, e.g. by `make new-year`) gets the
    latest year's numbers, so demo-like files can be made for it."""

    def __missing__(self, year):
        if isinstance(year, int) and self and year > max(self):
            return self[max(self)]
        raise KeyError(year)
