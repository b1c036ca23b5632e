"""A college's ID format proposed from its values, instead of asked for as a regular expression.

When an office's 工号 (or another local code set in the params' `conventions:`) no longer matches the format
the params name, the suite reads the column's values and proposes the format they share: each value is cut into
runs of letters (kept as they are: a prefix such as `RS` or `N` is part of the format), runs of digits (their
length), and the separators `-`, `_`, `/`, `.`; values with the same cut make one alternative, and alternatives
that differ only in how many digits a run has are one (`\\d{6,7}`). So `RS-20123`, `RS-31011` and `N2020001` give
`N\\d{7}|RS-\\d{5}`. In a column of ten values or more, a shape only one value has is a typo, not a scheme: it
is left out and shown.

What the contract calls a bad ID is never proposed: a value with a space, a value that starts like a spreadsheet
formula (`=`, `+`, `-`, `@`), or any other character is left out (and stays quarantined), and the pattern never
matches a blank. A column whose values share no format (more than `MAX_ALTERNATIVES` alternatives, or most
values each their own) is reported, not guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

MAX_ALTERNATIVES = 3
MIN_VALUES = 10  # from this many values, a shape only one value has is a typo, not a format
SEPARATORS = "-_/."
_RUN = re.compile(r"[A-Za-z]+|[0-9]+|[-_/.]")
_GOOD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_/.\-]*")


@dataclass(frozen=True)
class Proposal:
    """A format proposed for a column's values, or why there is none."""

    pattern: str | None  # the regular expression (None: no format is proposed)
    values: int  # distinct values read
    covered: int  # of them, how many the pattern matches
    left_out: tuple[str, ...] = ()  # values no format may accept (spaces, formula starts, other characters)
    why: str = ""  # when there is no pattern: why

    @property
    def ok(self) -> bool:
        return self.pattern is not None


def _cut(value: str) -> tuple[tuple[str, object], ...]:
    """A value as runs: ("L", "RS") letters, ("D", 5) digits, ("S", "-") a separator."""
    out = []
    for run in _RUN.findall(value):
        if run[0].isdigit():
            out.append(("D", len(run)))
        elif run[0].isalpha():
            out.append(("L", run))
        else:
            out.append(("S", run))
    return tuple(out)


def _skeleton(cut) -> tuple:
    return tuple((kind, None if kind == "D" else part) for kind, part in cut)


def _regex(cuts: list[tuple]) -> str:
    """One alternative: the cuts share a skeleton; each digit run is \\d{n} or \\d{lo,hi} over them."""
    parts = []
    for n, (kind, part) in enumerate(cuts[0]):
        if kind == "D":
            lengths = sorted({c[n][1] for c in cuts})
            lo, hi = lengths[0], lengths[-1]
            parts.append(rf"\d{{{lo}}}" if lo == hi else rf"\d{{{lo},{hi}}}")
        elif kind == "A":
            upper, lower, length = part
            letters = ("A-Z" if upper else "") + ("a-z" if lower else "")
            parts.append(f"[{letters}]{{{length}}}")
        else:  # a separator: only `.` means something in a pattern
            parts.append(part.replace(".", r"\."))
    return "".join(parts)


def propose(values) -> Proposal:
    """The format the distinct non-blank `values` (texts as the cleaner normalised them) share, if any."""
    distinct = sorted({v for v in values if v})
    good = [v for v in distinct if _GOOD.fullmatch(v)]
    left_out = tuple(v for v in distinct if not _GOOD.fullmatch(v))
    if not good:
        return Proposal(None, len(distinct), 0, left_out, "no value looks like a code (letters, digits, - _ / .)")
    groups = _one_offs(_group(good, letters=True), len(good))
    if len(groups) > MAX_ALTERNATIVES:  # letters kept as they are give too many: their kind and length instead
        groups = _one_offs(_group(good, letters=False), len(good))
    left_out += tuple(sorted(v for v in good if not any(v == w for g in groups.values() for _, w in g)))
    if not groups:
        shown = ", ".join(good[:5])
        return Proposal(
            None, len(distinct), 0, left_out, f"the values share no format: each has its own (e.g. {shown})"
        )
    if len(groups) > MAX_ALTERNATIVES:
        sizes = Counter({k: len(g) for k, g in groups.items()})
        shown = ", ".join(groups[k][0][1] for k, _ in sizes.most_common(5))
        return Proposal(
            None,
            len(distinct),
            0,
            left_out,
            f"the values share no format: {len(groups)} different shapes (e.g. {shown}); at most "
            f"{MAX_ALTERNATIVES} are proposed",
        )
    alternatives = sorted(_regex([cut for cut, _ in g]) for g in groups.values())
    pattern = "|".join(alternatives)
    covered = sum(1 for v in distinct if re.fullmatch(pattern, v))
    return Proposal(pattern, len(distinct), covered, left_out)


def _one_offs(groups: dict[tuple, list], n: int) -> dict[tuple, list]:
    """Without the shapes only one value has, in a column of at least `MIN_VALUES` values: a typo (`20190X1`) is
    no format (it stays set aside, and is shown); a scheme with two values or more is kept."""
    if n < MIN_VALUES:
        return groups
    return {k: g for k, g in groups.items() if len(g) > 1}


def _group(values: list[str], letters: bool) -> dict[tuple, list]:
    """{skeleton: [(cut, value)]}: values with the same runs (letter runs literal, or by case and length)."""
    groups: dict[tuple, list] = {}
    for v in values:
        cut = _cut(v) if letters else tuple(_letters(kind, part) for kind, part in _cut(v))
        groups.setdefault(_skeleton(cut), []).append((cut, v))
    return groups


def _letters(kind: str, part):
    """A letter run as its class and length: ("A", (upper?, lower?, n)); other runs unchanged."""
    if kind != "L":
        return kind, part
    return "A", (any(c.isupper() for c in part), any(c.islower() for c in part), len(part))


def yaml_line(key: str, pattern: str) -> str:
    """The params line for a convention, as the analyst would write it (YAML single-quoted)."""
    return f"{key}: '{pattern.replace(chr(39), chr(39) * 2)}'"
