"""The targets a plan sets, as the params hold them (`targets:` in `params/<year>.yaml`): the fields of one
target, the check every params file passes, a target's value and the words it is printed in. Tracking them
against the next year's figures is the figures stage's (`figures/tracking.py`).

A target is `{id, section, label, comparison (>=, <=, ==), target, unit, figure, basis, wording, reading,
seed_wording}`. The plan states a target in its own words and the params keep them: `wording` is the plan's
words for the number as its prose prints them ("3-4个", "3%以上", "100%", "5月31日", "为零"); `comparison`,
`target`, `unit` and `basis` are what tracking compares, and `reading` says in one sentence how the words are
read for that ("按下限理解：不少于3家"; it must state the target as tracked, e.g. "3家", so the two cannot drift).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Literal

from annualreport.base.errors import ParamsError
from annualreport.base.wording import plain, round_half_up

# The fields of one `targets` item: name -> (type, required, default, description). `check` reads the keys,
# the required fields and the text fields from here; docs/params.md is generated from the descriptions.
TARGET_FIELDS: dict[str, tuple] = {
    "id": (str, True, None, "Unique name of the target; the narrative prints it as `{target.<id>}`."),
    "section": (str, False, None, "The plan section that sets the target, as numbered in that report."),
    "label": (str, True, None, "Short name of the target, printed in the tracking table."),
    "comparison": (
        Literal[">=", "<=", "=="],
        True,
        None,
        "How the actual figure must compare with the target: at least, at most (for a date: no "
        "later than), or exactly.",
    ),
    "target": (
        int | float | str,
        True,
        None,
        "The goal: a number in `unit`, or a date (YYYY-MM-DD) when the unit is 日期 (date).",
    ),
    "unit": (
        str,
        True,
        None,
        "Unit of the target and of the figure, as printed (项, 元, %, 个百分点, or 日期 for a date).",
    ),
    "figure": (str, True, None, "Id of the figure (`specs/figures/`) whose value in next year's ledger is compared."),
    "basis": (
        Literal["value", "change"],
        False,
        "value",
        "`value` compares the figure itself; `change` compares its change over the previous year (in "
        "percentage points for rates).",
    ),
    "wording": (
        str,
        True,
        None,
        "The plan's own words for the number, as its prose prints them with `{target.<id>}` (3-4个, 3%以上, "
        "100%, 5月31日, 为零); shown as 计划表述 in next year's tracking table. Tracking reads `comparison`, "
        "`target`, `unit` and `basis`, not these words.",
    ),
    "reading": (
        str,
        True,
        None,
        "One sentence saying how `wording` is read for tracking (按下限理解：不少于3家); shown as 理解为 in next "
        "year's tracking table. It must state the target as tracked (the number in its unit: 3家, 600万元, "
        "2021年5月31日, 3个百分点).",
    ),
    "seed_wording": (str, False, None, "The plan's whole sentence that sets the target, kept for the record."),
}


REQUIRED = tuple(k for k, (_, required, _, _) in TARGET_FIELDS.items() if required)
TARGET_KEYS = set(TARGET_FIELDS)
TEXTS = tuple(k for k, (typ, _, _, _) in TARGET_FIELDS.items() if typ is str)  # non-empty strings if given
COMPARISONS = {">=": "不低于", "<=": "不高于", "==": "等于"}


def check(targets: list[dict], source: str) -> list[dict]:
    for i, t in enumerate(targets):
        where = f"{source}: targets[{i}] ({t.get('id', '?')})"
        unknown = set(t) - TARGET_KEYS
        if unknown:
            hint = " ('note' is now 'reading': how the plan's wording is read)" if "note" in unknown else ""
            raise ParamsError(f"{where}: unknown key(s) {sorted(unknown)}{hint}")
        for k in REQUIRED:
            if k not in t:
                raise ParamsError(f"{where}: missing '{k}'")
        for k in TEXTS:
            if k in t and not (isinstance(t[k], str) and t[k].strip()):
                raise ParamsError(f"{where}: '{k}' must be a non-empty string, got {t[k]!r}")
        if t["comparison"] not in COMPARISONS:
            raise ParamsError(f"{where}: comparison must be one of {', '.join(COMPARISONS)}")
        if t.get("basis", "value") not in ("value", "change"):
            raise ParamsError(f"{where}: basis must be 'value' or 'change'")
        try:
            stated = in_words(target_value(t["target"], t["unit"]), t["unit"])
        except (ValueError, InvalidOperation):
            kind = "a date YYYY-MM-DD" if t["unit"] == "日期" else "a number"
            raise ParamsError(f"{where}: target must be {kind}, got {t['target']!r}") from None
        if stated not in t["reading"]:
            raise ParamsError(f"{where}: reading must state the target as tracked ('{stated}'), got {t['reading']!r}")
    return targets


def target_value(v: str, unit: str):
    if v in ("", None) or (isinstance(v, float) and v != v):  # NaN
        return None
    if unit == "日期":
        return dt.date.fromisoformat(str(v))
    return Decimal(str(v))


def compare(actual, op: str, target) -> bool:
    return {">=": actual >= target, "<=": actual <= target, "==": actual == target}[op]


def in_words(v, unit: str) -> str:
    if isinstance(v, dt.date):
        return f"{v.year}年{v.month}月{v.day}日"
    if unit == "元" and abs(v) >= 10000:
        return f"{plain(round_half_up(v / 10000, 2))}万元"
    return f"{plain(v)}{unit}"


def target_text(op: str, goal, unit: str) -> str:
    if op == "==":
        return in_words(goal, unit)
    word = "不晚于" if unit == "日期" and op == "<=" else COMPARISONS[op]
    return f"{word}{in_words(goal, unit)}"


def target_texts(targets: list[dict]) -> dict[str, str]:
    """Each target as the plan prints it, for {target.<id>}: its `wording` (3-4个, 3%以上, 5月31日); for a
    target without one (checked params always have one), the number in its unit (20项, 600万元)."""
    return {t["id"]: t.get("wording") or in_words(target_value(t["target"], t["unit"]), t["unit"]) for t in targets}


def reading_text(t: dict, target_text: str) -> str:
    """How the tracking table reads the target: its `reading`, or the comparison as the code words it."""
    return t.get("reading") or target_text
