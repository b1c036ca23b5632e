"""Dataset-specific rules that cannot be said declaratively, named from a spec's `derive:` list.

Each function takes the clean frame and the CleanContext and returns the frame with derived
columns added. Keep this file short: anything expressible as a spec rule belongs in the spec.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from annualreport.ingest import normalize as nz


def _county_keys(province: str, county: str) -> list[str]:
    p, c = nz.compact(province), nz.compact(county)
    short_p = p
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if short_p.endswith(suffix):
            short_p = short_p[: -len(suffix)]
            break
    return [p + c, short_p + c]


def match_poverty_counties(frame: pd.DataFrame, ctx) -> pd.DataFrame:
    """Match graduates' free-text home county to the designated poverty-county list.

    A home county matches when, after removing spaces and full-width forms, it equals a listed
    county, with or without its province (甘肃省庄浪县, 甘肃庄浪县, 庄浪县). A bare county name that
    exists in two provinces is ambiguous and left unmatched. Adds `poverty_county` (the list's
    "province county" name, or null) and `home_county_status` (matched / unmatched / blank).
    """
    ref = ctx.reference.get("poverty_counties")
    frame = frame.copy()
    if ref is None or frame.empty:
        frame["poverty_county"] = pd.array([None] * len(frame), dtype="string")
        frame["home_county_status"] = pd.array(["blank"] * len(frame), dtype="string")
        return frame
    exact: dict[str, str] = {}
    bare: dict[str, set[str]] = {}
    for province, county in zip(ref["province"], ref["county"], strict=False):
        canon = f"{province}{county}"
        for k in _county_keys(province, county):
            exact[k] = canon
        bare.setdefault(nz.compact(county), set()).add(canon)
    matched, status = [], []
    for value in frame["home_county"]:
        if value is None or pd.isna(value) or not nz.compact(value):
            matched.append(None)
            status.append("blank")
            continue
        key = nz.compact(value)
        canon = exact.get(key)
        if canon is None and len(bare.get(key, ())) == 1:
            canon = next(iter(bare[key]))
        matched.append(canon)
        status.append("matched" if canon else "unmatched")
    frame["poverty_county"] = pd.array(matched, dtype="string")
    frame["home_county_status"] = pd.array(status, dtype="string")
    return frame


def milestone_status(frame: pd.DataFrame, ctx) -> pd.DataFrame:
    """A construction milestone's status at the end of the report year, from its planned (`due_on`) and
    actual (`done_on`) dates: 按期 (done by the planned date), 滞后 (done after it), 未完成 (not done, planned
    for the year or earlier), 未到期 (not done, planned for a later year). Adds `status`."""
    frame = frame.copy()
    year_end = pd.Timestamp(ctx.year, 12, 31)
    due, done = pd.to_datetime(frame["due_on"]), pd.to_datetime(frame["done_on"])
    status = []
    for d, f in zip(due, done, strict=True):
        if pd.notna(f):
            status.append("按期" if pd.notna(d) and f <= d else "滞后")
        else:
            status.append("未到期" if pd.notna(d) and d > year_end else "未完成")
    frame["status"] = pd.array(status, dtype="string")
    return frame


DERIVATIONS: dict[str, Callable] = {
    "match_poverty_counties": match_poverty_counties,
    "milestone_status": milestone_status,
}
