"""What changed since the signed build: for each figure whose value or wording differs from what the reviewers
signed off (`make signoff`, `params/signoff/<year>.json`), a ledger row of kind `signed` holding the value and
wording they signed, so the reviewers' copy can print "签认时 → 现在" with both numbers traced. No signoff, or
nothing changed: no rows."""

from __future__ import annotations

import json
from pathlib import Path

from annualreport.base.errors import ReportError

KIND = "signed"


def load_signed(path: Path | None, shown: str = "") -> dict | None:
    """The signoff record, or None when there is none; an unreadable one is an error naming it (as `shown`, else
    by its file name)."""
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("figures"), dict):
            raise ValueError("no figures table")
    except (OSError, ValueError, AttributeError) as exc:
        raise ReportError(f"{shown or path.name}: unreadable signoff ({exc})") from None
    return data


def signed_rows(data: dict | None, figures: dict[str, dict]) -> list[dict]:
    """`signed.at` (when the reviewers signed) and one `signed.<id>` row per figure of the report (computed or
    stated) whose value or wording changed since the signoff, in the ledger's order."""
    if not data:
        return []
    signed = data["figures"]
    when = str(data.get("signed_at", ""))[:10]
    rows = [_row("signed.at", "签认日期", when, "日期", _date_zh(when), f"签认人：{data.get('signed_by', '')}")]
    for fid, now in figures.items():
        was = signed.get(fid)
        if was is None or (was.get("value"), was.get("wording")) == (now["value"], now["wording"]):
            continue
        row = _row(f"signed.{fid}", now["label"], str(was.get("value", "")), now["unit"], str(was.get("wording", "")),
                   f"{when}签认时的数值（签认人：{data.get('signed_by', '')}）")  # fmt: skip
        rows.append(row | {"section": now["section"], "dataset": now["dataset"], "inputs": str(was.get("inputs", ""))})
    return rows


def _date_zh(iso: str) -> str:
    """2021-03-05 as 2021年3月5日 ('' stays '')."""
    parts = iso.split("-")
    return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日" if len(parts) == 3 else iso


def _row(rid: str, label: str, value: str, unit: str, wording: str, definition: str) -> dict:
    return {
        "id": rid,
        "section": "附二",
        "label": label,
        "value": value,
        "unit": unit,
        "display": wording,
        "wording": wording,
        "dataset": "",
        "definition": definition,
        "rows_used": "",
        "inputs": "",
        "validation": "",
        "note": "",
        "kind": KIND,
    }
