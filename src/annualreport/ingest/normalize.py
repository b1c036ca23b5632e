"""Value normalisers for what offices type into cells.

Each parser takes a raw cell (str, int, float, datetime or None) and returns the canonical value,
or raises ValueError with a short Chinese-free reason that ends up in the quarantine file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Excel serials for 1954-10-05 .. 2119-04-11: wide enough for any report date, narrow enough that
# a stray count is not read as a date.
EXCEL_SERIAL_RANGE = (20000, 80000)

_SPACES = re.compile(r"\s+")


def text(value) -> str:
    """A cell as clean text: NFKC (full-width digits, brackets and colons to ASCII), trimmed."""
    try:
        return _text_cached(value)
    except TypeError:  # unhashable: not a cell value we cache
        return _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            value = int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    s = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub(" ", s).strip()


def without_prefix(value: str, prefixes: tuple[str, ...]) -> str:
    """An ID as the contract writes it, from the way an office wrote it: spaces dropped, and one of `prefixes`
    (any case) before it dropped (申请号 CN202414287950.6 and the patent number ZL202414287950.6 are the
    application 202414287950.6). Anything else is left for the column's pattern to judge."""
    s = re.sub(r"\s+", "", value)
    for p in sorted(prefixes, key=len, reverse=True):
        if s[: len(p)].upper() == p.upper() and len(s) > len(p):
            return s[len(p) :]
    return s


# Office tables repeat the same values (schools, majors, categories, dates) thousands of times.
_text_cached = lru_cache(maxsize=1 << 16, typed=True)(_text)


def compact(value) -> str:
    """Text with every space removed: how headers and categorical values are compared."""
    return _SPACES.sub("", text(value))


def header(value) -> str:
    """A header cell as compared to the spec: compact text without a trailing required-marker `*`."""
    return compact(value).rstrip("*").rstrip()


def is_blank(value) -> bool:
    return text(value) == ""


def _number_text(value) -> str:
    s = compact(value).replace(",", "")
    return s


def integer(value) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"expected a whole number, got {value}")
    s = _number_text(value)
    if re.fullmatch(r"[+-]?\d+(\.0+)?", s):
        return int(Decimal(s))
    raise ValueError(f"expected a whole number, got {text(value)!r}")


class AtLeast(int):
    """A count the source gave as a lower bound (`10万+`): the number, marked as "at least"."""


def count(value) -> int:
    """A count as offices and platforms write it: `8253`, `8,253`, `1.2万` (= 12000), and a lower bound
    `10万+` or `100000+` (WeChat's 阅读量 above 100,000), read as `AtLeast(100000)`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return integer(value)
    s = _number_text(value)
    lower = s.endswith("+")
    s = s.removesuffix("+")
    scale = 1
    for suffix, factor in (("万", 10_000), ("亿", 100_000_000)):
        if s.endswith(suffix):
            s, scale = s[: -len(suffix)], factor
            break
    try:
        d = Decimal(s) * scale
    except InvalidOperation:
        raise ValueError(f"expected a count (e.g. 8253, 1.2万 or 10万+), got {text(value)!r}") from None
    if not d.is_finite() or d != d.to_integral_value():
        raise ValueError(f"expected a whole count (e.g. 8253, 1.2万 or 10万+), got {text(value)!r}")
    return AtLeast(int(d)) if lower else int(d)


def number(value) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if isinstance(value, (int, float)):
        return float(value)
    s = _number_text(value)
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"expected a number, got {text(value)!r}") from None
    if not d.is_finite():
        raise ValueError(f"expected a number, got {text(value)!r}")
    return float(d)


def money(value) -> float:
    """Yuan: `12,500.00`, `1.25万` (= 12500), `12500元`, or a number cell."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    s = _number_text(value)
    s = s.removesuffix("元")
    scale = 1
    if s.endswith("万"):
        s, scale = s[:-1], 10000
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"expected an amount in yuan (e.g. 12,500.00 or 1.25万), got {text(value)!r}") from None
    if not d.is_finite():
        raise ValueError(f"expected an amount in yuan, got {text(value)!r}")
    return float(d * scale)


def percent(value) -> float:
    """A rate in percent: `96.17%` -> 96.17; a fraction `0.9617` -> 96.17; `96.17` -> 96.17."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        d = Decimal(str(value))
        return float(d * 100) if abs(d) <= 1 else float(d)
    s = _number_text(value)
    has_sign = s.endswith("%")
    s = s.rstrip("%")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"expected a percent (e.g. 96.17% or 0.9617), got {text(value)!r}") from None
    if not has_sign and abs(d) <= 1:
        d *= 100
    return float(d)


_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
]
_TIME = re.compile(r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?")


def _from_serial(serial: float, raw) -> dt.datetime:
    lo, hi = EXCEL_SERIAL_RANGE
    if not lo <= serial <= hi:
        raise ValueError(f"expected a date, got the number {text(raw)}")
    return EXCEL_EPOCH + dt.timedelta(days=serial)


def datetime_(value) -> dt.datetime:
    """Date or date-time in any accepted form -> datetime (midnight for plain dates)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, int) and 19000101 <= value <= 21001231:
            return datetime_(str(value))
        return _from_serial(float(value), value)
    s = text(value)
    if "年" in s:  # 2020 年 9 月 1 日 10:23 -> 2020年9月1日 10:23
        s = re.sub(r"\s*([年月日])\s*", r"\1", s)
        s = re.sub(r"日(?=\d)", "日 ", s)
    for pat in _DATE_PATTERNS:
        m = re.fullmatch(pat.pattern + _TIME.pattern, s)
        if m:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            hh, mm, ss = int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0)
            try:
                return dt.datetime(y, mo, d, hh, mm, ss)
            except ValueError:
                raise ValueError(f"not a real date: {text(value)!r}") from None
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return _from_serial(float(s), value)
    raise ValueError(f"expected a date (2020-09-01, 2020/9/1, 2020.9.1, 2020年9月1日, 20200901), got {text(value)!r}")


def date(value) -> dt.datetime:
    """A calendar date (time of day dropped), kept as a midnight datetime for Parquet and GX."""
    d = datetime_(value)
    return dt.datetime(d.year, d.month, d.day)


def category(value, allowed: list[str]) -> str:
    """Match a categorical cell to its canonical value, ignoring spaces and full-width forms."""
    key = compact(value)
    for canon in allowed:
        if compact(canon) == key:
            return canon
    raise ValueError(f"{text(value)!r} is not one of {', '.join(allowed)}")


def boolean(value) -> bool:
    s = compact(value)
    if s in ("是", "Y", "y", "yes", "Yes", "TRUE", "True", "true", "1"):
        return True
    if s in ("否", "N", "n", "no", "No", "FALSE", "False", "false", "0", ""):
        return False
    raise ValueError(f"expected 是 or 否, got {text(value)!r}")
