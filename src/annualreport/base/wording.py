"""How a figure is printed in Chinese prose: the seed report's rounded and word forms.

Each style is a general rule, chosen per figure in its definition (specs/figures/*.yaml):

- plain   4001, 81.24 (no thousands separators, as the seed prints them)
- num     the plain number without its unit, for prose that names the unit itself (41名学生)
- near    近千, 近80万: just below a round number; `step` is the rounding unit, `band` how far
          below the round number a value may be (default: one step)
- over    超过2.1万: just above a round number (value > the number, within `band`)
- plus    30余: a few over a round number (value > the number, less than `step` over)
- wan     2万, 2.05万: scaled to 万 (exact, up to 2 decimals)
- cn      四: a small whole number in Chinese numerals
- all     全部 for 100 (%), else the plain value with its unit
- zero    零 for 0, else plain
- full    百分之百 for 100 (%), else plain

A style that does not apply to a value (a `near` figure that is not just below a round number)
falls back to plain and says so in `Wording.note`, so a rounded form is never printed wrongly.

A figure that lists names (the `list` measure, `figures/compute.py`) prints them as Chinese prose joins a
list: `join_list` (甲、乙和丙).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CN_DIGITS = "零一二三四五六七八九"
STYLES = ("plain", "num", "near", "over", "plus", "wan", "cn", "all", "zero", "full")


@dataclass(frozen=True)
class Wording:
    display: str  # the number part as printed: "近千", "81.24", "四"
    unit: str  # the unit as printed after it ("" when the style swallows it, e.g. 全部)
    note: str = ""  # why a style fell back to plain

    @property
    def text(self) -> str:
        return f"{self.display}{self.unit}"


def round_half_up(value: Decimal | float | int, places: int) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP)


def plain(value: Decimal | float | int) -> str:
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


# One decimals rule per unit for the numbers of tables and chart labels (as the seed prints them): rates
# and their changes in 百分点 to two decimals (82.60, not 82.6); every other unit as `plain` prints it
# (counts are whole numbers, money as the ledger has it).
UNIT_DECIMALS = {"%": 2, "个百分点": 2}


def by_unit(value: Decimal | float | int | str, unit: str) -> str:
    """`value` as a table cell prints it: the unit's decimals (UNIT_DECIMALS), else `plain`."""
    places = UNIT_DECIMALS.get(unit)
    if places is None:
        return plain(value)
    return format(round_half_up(value, places), "f")


def round_number(n: int) -> str:
    """A round number as the seed writes it: 1000 -> 千, 800000 -> 80万, 21000 -> 2.1万."""
    if n == 1000:
        return "千"
    if n == 10000:
        return "万"
    if n >= 10000:
        return f"{plain(Decimal(n) / 10000)}万"
    return str(n)


def cn_numeral(n: int) -> str:
    """Chinese numerals as counts are written before a measure word: 两 for 2 (两家), 二十 for 20."""
    if not 0 <= n < 100:
        raise ValueError(f"cn style takes 0..99, got {n}")
    if n == 2:
        return "两"
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def join_list(items: list[str] | tuple[str, ...]) -> str:
    """Items as Chinese prose lists them: 、 between them, 和 before the last (甲 / 甲和乙 / 甲、乙和丙); none: ""."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


def word(value, unit: str, style: str = "plain", step: int | None = None, band: int | None = None) -> Wording:
    """Print `value` (a number) in `style`. See the module doc for the styles."""
    if style not in STYLES:
        raise ValueError(f"unknown wording style {style!r} (known: {', '.join(STYLES)})")
    d = Decimal(str(value))
    if style == "plain":
        return Wording(plain(d), unit)
    if style == "num":
        return Wording(plain(d), "")
    if style in ("near", "over", "plus"):
        if step is None:
            raise ValueError(f"style {style} needs a step")
        if d != d.to_integral_value():
            return Wording(plain(d), unit, f"{style}: not a whole number")
        n = int(d)
        band = step if band is None else band
        if style == "near":
            target = -(-n // step) * step  # next multiple of step at or above n
            if target == n:
                target += step
            if 0 < target - n <= band:
                return Wording(f"近{round_number(target)}", unit)
            return Wording(plain(d), unit, f"near: {n} is not within {band} below a multiple of {step}")
        base = n // step * step
        if style == "over":
            if 0 < n - base <= band and base > 0:
                return Wording(f"超过{round_number(base)}", unit)
            return Wording(plain(d), unit, f"over: {n} is not just above a multiple of {step}")
        if 0 < n - base < step and base > 0:  # plus
            return Wording(f"{round_number(base)}余", unit)
        return Wording(plain(d), unit, f"plus: {n} is not a few over a multiple of {step}")
    if style == "wan":
        if d == 0:
            return Wording("0", unit)
        return Wording(f"{plain(round_half_up(d / 10000, 2))}万", unit)
    if style == "cn":
        if d == d.to_integral_value() and 0 <= d < 100:
            return Wording(cn_numeral(int(d)), unit)
        return Wording(plain(d), unit, "cn: not a whole number below 100")
    if style == "all":
        return Wording("全部", "") if d == 100 else Wording(plain(d), unit, "all: not 100")
    if style == "zero":
        return Wording("零", "") if d == 0 else Wording(plain(d), unit, "zero: not 0")
    # full
    return Wording("百分之百", "") if d == 100 else Wording(plain(d), unit, "full: not 100")
