"""The reviewed build, recorded (`make signoff YEAR=2020`), and what changed since.

When the reviewers accept a draft, the analyst records it: `signoff` checks the published folder
against its manifest, then writes `params/signoff/<year>.json` (institutions:
`params/signoff/<name>/<year>.json`), a file to commit beside the params. It holds who signed off and
when, the build it was (params sha256, git commit, manifest, report page and ledger sha256), each
figure's reviewed value, wording, inputs and definition with a hash of them
(sha256 of id, value, wording, inputs and definition), and a hash of each report section's text.

No build is signed while it lists text nobody has reread (`report/reread.py`: paragraphs carried unchanged from
the year before, year-bound phrases outside their years): `make signoff` names each, and records the ones the
analyst accepts by name (`ACCEPT=`) in the narrative folder's `reviewed.yaml`, which the next build reads.

A later build prints one warning line when signed figures changed (never a failure), and
`make diff YEAR=… SIGNED=1` lists them, with what changed underneath each one.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import subprocess
from pathlib import Path

from annualreport.base.errors import ReportError
from annualreport.base.params import Params
from annualreport.base.places import Places, source_path
from annualreport.base.tables import atomic_write_bytes
from annualreport.figures.signed import load_signed
from annualreport.report import reread
from annualreport.review.diff import Side, read_ledger, section_digests
from annualreport.review.verify import read_manifest, verify

FIELDS = ("id", "value", "wording", "inputs", "definition")
KEPT = ("section", "label", "kind", "value", "unit", "wording", "inputs", "definition")


def figure_hash(row: dict) -> str:
    """sha256 of a ledger row's id, value, wording, inputs and definition (unit-separated)."""
    return hashlib.sha256("\x1f".join(str(row.get(k, "")) for k in FIELDS).encode("utf-8")).hexdigest()


def signoff_path(params: Params) -> Path:
    return params.root / "params" / "signoff" / f"{params.build_id}.json"


def shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def signer(root: Path, by: str | None = None) -> str:
    """Who signs: --by, else $ANNUALREPORT_SIGNOFF_BY, else git's user.name, else the login name."""
    if by or os.environ.get("ANNUALREPORT_SIGNOFF_BY"):
        return by or os.environ["ANNUALREPORT_SIGNOFF_BY"]
    try:
        name = subprocess.run(
            ["git", "config", "user.name"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        name = ""
    return name.strip() or getpass.getuser()


class NotReread(ReportError):
    """The published build still lists text nobody has reread (report/reread.py): no signoff until each finding is
    edited away or accepted by name. `details` names each, one line apiece."""

    def __init__(self, message: str, details: tuple[str, ...] = ()):
        super().__init__(message)
        self.details = details


def check_reread(params: Params, at: Places, accept: tuple[str, ...] = (), by: str = "") -> None:
    """Refuse to sign while the published build lists findings of the reread stage nobody accepted. The names in
    `accept` are recorded as accepted first (the narrative folder's reviewed file); the build that carries them
    is the next one, so while the published build lists a finding accepted since, the signoff asks for that
    rebuild."""
    year, where = params.year, shown(at("reread"), params.root)
    found = reread.load(at)
    if found is None:
        raise ReportError(
            f"{shown(at.work, params.root)} has no list of text nobody has reread ({where}: built before the check "
            f"existed); rebuild (make report YEAR={year}{_params_arg(params)}), then sign off"
        )
    if accept:
        reread.accept(params, found, list(accept), by)
    kept = source_path("reviewed", params)
    recorded = {a.key for a in reread.load_reviewed(kept)}  # now, and since the build
    left = [f for f in found.left if f.key not in recorded]
    since = len(found.left) - len(left)
    rebuild = f"make report YEAR={year}{_params_arg(params)}"
    if left:
        unchanged = sum(f.kind == reread.UNCHANGED for f in left)
        what = ", ".join(
            x
            for x in (
                f"{unchanged} paragraph(s) unchanged from {found.year_before}" if unchanged else "",
                f"{len(left) - unchanged} phrase(s) outside their year" if len(left) > unchanged else "",
            )
            if x
        )
        names = " ".join(f.name for f in left)
        raise NotReread(
            f"{year} not signed off: {what} nobody has reviewed ({where}); rewrite them and rebuild ({rebuild}), "
            f'or accept each by name: make signoff YEAR={year}{_params_arg(params)} ACCEPT="{names}"',
            tuple(
                f"  {f.name:<32} "
                + (f"unchanged from {found.year_before}" if f.kind == reread.UNCHANGED else f"a phrase of {f.years}")
                + f": {f.text}"
                for f in left
            ),
        )
    if since:
        raise NotReread(
            f"{year}: {since} finding(s) accepted in {shown(kept, params.root)} since the build (commit it); not "
            f"signed off yet: rebuild ({rebuild}) so the report carries the review, then "
            f"make signoff YEAR={year}{_params_arg(params)}"
        )


def record(params: Params, by: str | None = None, note: str = "", accept: tuple[str, ...] = ()) -> Path:
    """Write the signoff of the published build of `params`; refuses a folder that fails verify, and a build that
    lists text nobody has reread (`check_reread`; `accept` names findings to accept first)."""
    folder = params.outputs_dir
    checked = verify(folder)
    if not checked.ok:
        raise ReportError(
            f"{shown(folder, params.root)} does not match its manifest (run make verify); rebuild before signing off"
        )
    _, manifest = read_manifest(folder)
    at = Places(folder, folder, folder)
    check_reread(params, at, accept, signer(params.root, by))
    rows = read_ledger(at("ledger"))
    page = at("report_html")
    data = {
        "year": params.year,
        "institution": params.institution["name"],
        "signed_by": signer(params.root, by),
        "signed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "note": note,
        "params": manifest.get("params"),
        "git": manifest.get("git"),
        "built_at": manifest.get("built_at"),
        "manifest_sha256": checked.manifest_sha256,
        "report_html_sha256": manifest["outputs_sha256"].get(at.relative("report_html")),
        "ledger_sha256": manifest["outputs_sha256"].get(at.relative("ledger")),
        "sections": section_digests(page.read_text(encoding="utf-8")) if page.is_file() else {},
        "figures": {
            fid: {"sha256": figure_hash(r)} | {k: r.get(k, "") for k in KEPT} for fid, r in sorted(rows.items())
        },
    }
    path = signoff_path(params)
    atomic_write_bytes(path, dumps(data).encode("utf-8"))
    return path


def dumps(data: dict) -> str:
    """JSON with one line per figure, so a later signoff's commit shows which figures it re-signed."""
    head = {k: v for k, v in data.items() if k != "figures"}
    figures = [
        f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
        for k, v in data["figures"].items()
    ]
    return (
        json.dumps(head, ensure_ascii=False, indent=1).removesuffix("\n}")
        + ',\n "figures": {\n'
        + ",\n".join(figures)
        + "\n }\n}\n"
    )


def load(params: Params) -> dict | None:
    """The year's signoff record (figures/signed.py reads it for the ledger too), or None."""
    path = signoff_path(params)
    return load_signed(path, shown(path, params.root))


def side(params: Params, data: dict) -> Side:
    """The signoff as the earlier side of a diff (figures and section digests; no page)."""
    where = shown(signoff_path(params), params.root)
    return Side(
        f"signoff by {data.get('signed_by')} at {data.get('signed_at')} ({where})",
        {fid: {"id": fid} | r for fid, r in data["figures"].items()},
        (data.get("params") or {}).get("sha256"),
        (data.get("git") or {}).get("commit"),
        None,
        data.get("sections") or {},
    )


def _changed(data: dict, rows: dict[str, dict]) -> tuple[list[str], list[str]]:
    signed = data["figures"]
    changed = [fid for fid, s in signed.items() if fid in rows and figure_hash(rows[fid]) != s.get("sha256")]
    gone = [fid for fid in signed if fid not in rows]
    return changed, gone


def build_notes(params: Params) -> tuple[str, ...]:
    """The build's one-line warning when signed figures changed since the signoff (never raises)."""
    try:
        data = load(params)
        if data is None:
            return ()
        folder = params.outputs_dir
        rows = read_ledger(Places(folder, folder, folder)("ledger"))
        changed, gone = _changed(data, rows)
        signed = data["figures"]
        visible = sum(
            (signed[f].get("value"), signed[f].get("wording")) != (rows[f].get("value"), rows[f].get("wording"))
            for f in changed
        )
    except (ReportError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return (f"warning: signoff not checked: {type(exc).__name__}: {exc}",)
    if not (changed or gone):
        return ()
    where = shown(signoff_path(params), params.root)
    what = f"{len(changed)} of {len(signed)} signed-off figures changed ({visible} in value or wording)" + (
        f", {len(gone)} gone" if gone else ""
    )
    return (
        f"warning: {what} since the signoff by {data.get('signed_by')} at {data.get('signed_at')} ({where}); "
        f"`make diff YEAR={params.year} SIGNED=1{_params_arg(params)}` lists them",
    )


def _params_arg(params: Params) -> str:
    return "" if params.build_id == str(params.year) else f" PARAMS={shown(params.path, params.root)}"
