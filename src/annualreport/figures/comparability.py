"""Whether a figure is compared with the year before, as its spec says (`compare`, `compare_reason`, `since`;
figures/comparisons.py acts on it, figures/compute.py reads it into the FigureDef). Light: `base` only."""

from __future__ import annotations

from annualreport.base.errors import SpecError


def comparison_fields(item: dict, where: str) -> dict:
    """A figure spec's `compare`, `compare_reason` and `since`, checked (figures/compute.py reads them into its
    FigureDef): a figure not compared says why; one that is new since a year is compared (from that year on)."""
    compare = item.get("compare", True)
    if not isinstance(compare, bool):
        raise SpecError(f"{where}: compare is true or false (got {compare!r})")
    reason = item.get("compare_reason")
    since = item.get("since")
    if not compare and not (isinstance(reason, str) and reason.strip()):
        raise SpecError(f"{where}: compare: false needs a compare_reason (why the year before says nothing)")
    if compare and reason is not None:
        raise SpecError(f"{where}: compare_reason is for compare: false (the figure is compared)")
    if since is not None:
        if isinstance(since, bool) or not isinstance(since, int) or not 1900 <= since <= 2999:
            raise SpecError(f"{where}: since is the first year the thing exists, e.g. 2020 (got {since!r})")
        if not compare:
            raise SpecError(f"{where}: since and compare: false together (a figure never compared needs no since)")
    return {"compare": compare, "compare_reason": (reason or "").strip(), "since": since}
