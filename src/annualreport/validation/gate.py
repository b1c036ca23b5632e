"""The gate: a blocking failed expectation (with warnings not allowed, any failure; in strict mode,
any quarantined row) stops the run before anything is rendered or published."""

from __future__ import annotations

import pandas as pd

from annualreport.base.errors import InputError, ValidationFailed
from annualreport.base.glossary import FAILED, PASSED, PASSED_WITH_WARNINGS


def gate(summary: pd.DataFrame, allow_warnings: bool, where: str = "") -> None:
    """Stop the run on a blocking failure (or on a warning when warnings are not allowed)."""
    failed = summary[~summary["success"].astype(bool)]
    blocking = failed[failed["severity"] == "blocking"]
    if not allow_warnings:
        blocking = failed
    if blocking.empty:
        return
    first = blocking.iloc[0]
    col = f"({first['column']})" if first["column"] else ""
    more = f" and {len(blocking) - 1} more" if len(blocking) > 1 else ""
    kind = "blocking" if allow_warnings else "blocking or warning (warnings not allowed)"
    raise ValidationFailed(
        f"validation failed, {kind}: {first['dataset']}: {first['expectation']}{col}, "
        f"{first['unexpected_count'] or 'failed'} unexpected{more}" + (f"; see {where}" if where else "")
    )


def quarantine_gate(quarantined: list[pd.DataFrame], where: str) -> None:
    """Strict mode (ALLOW_WARNINGS=0): a quarantined row stops the run too, named by file, sheet,
    row and column, so a corrected file can be checked before anything is published."""
    frames = [q for q in quarantined if q is not None and len(q)]
    if not frames:
        return
    first = frames[0].iloc[0]
    row = int(first["row"]) if str(first["row"]).isdigit() else None
    located = InputError(
        f"{first['rule']}: {first['reason']}",
        file=first["file"],
        sheet=first["sheet"] or None,
        row=row,
        column=first["column"] or None,
    )
    total = sum(len(q) for q in frames)
    raise ValidationFailed(
        f"{located} ({total} row(s) quarantined; strict mode stops on quarantined rows; see {where})"
    )


def dataset_status(summary: pd.DataFrame) -> dict[str, str]:
    """Each dataset's validation status as the ledger shows it, in the glossary's words: 通过, 通过（n项警告）or
    未通过."""
    out = {}
    for name, part in summary.groupby("dataset", sort=True):
        failed = part[~part["success"].astype(bool)]
        if failed.empty:
            out[name] = PASSED
        elif (failed["severity"] == "blocking").any():
            out[name] = FAILED
        else:
            out[name] = PASSED_WITH_WARNINGS.format(n=len(failed))
    return out
