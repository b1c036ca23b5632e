"""The build manifest (catalog: `manifest`): what a build was made from, for auditors and rebuilds.

The git commit (and whether the tree had uncommitted changes), the params file and its sha256,
every raw input with its sha256 and row counts, the versions of the packages that shape the
output, the figure ledger's sha256, and when and how long the build ran. The build time lives
here and nowhere in the report, so the report's bytes depend only on its inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from annualreport import __version__
from annualreport.base.digests import file_digest
from annualreport.base.params import Params
from annualreport.base.places import Places, unhashed
from annualreport.base.tables import atomic_write_bytes

PACKAGES = (
    "annualreport",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "pandas",
    "numpy",
    "pyarrow",
    "openpyxl",
    "matplotlib",
    "great_expectations",
    "weasyprint",
    "python-docx",
    "fonttools",
    "justmytype-intl-cjk",
    "mistune",
    "jinja2",
)


def git_state(root: Path) -> dict:
    def run(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20)

    try:
        head = run("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None, "note": "not a git checkout"}
        dirty = run("status", "--porcelain", "--untracked-files=no")
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError) as exc:
        return {"commit": None, "dirty": None, "note": f"git unavailable: {exc}"}


def versions() -> dict:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = __version__ if name == "annualreport" else None
    return out


def sha256(path: Path) -> str:

    return file_digest(path)


def write_manifest(
    params: Params,
    staging: Path,
    started: dt.datetime,
    seconds: float,
    formats: tuple,
    publication_key: str = "",
    stages: dict[str, str] | None = None,
) -> Path:
    at = Places(staging, params.processed_dir)  # the staging folder has the work folder's layout
    acc = at.read("accounting")
    inputs = [
        {
            "dataset": r["dataset"],
            "file": r["file"],
            "sheet": r["sheet"],
            "sha256": r["sha256"],
            "data_rows": r["data_rows"],
            "clean_rows": r["clean_rows"],
            "quarantined_rows": r["quarantined_rows"],
            "duplicate_rows": r["duplicate_rows"],
        }
        for r in acc.to_dict("records")
    ]
    skipped = unhashed(at)
    outputs = {
        p.relative_to(staging).as_posix(): sha256(p)
        for p in sorted(staging.rglob("*"))
        if p.is_file() and not any(p.is_relative_to(folder) for folder in skipped)
    }
    manifest = {
        "year": params.year,
        "institution": params.institution["name"],
        "git": git_state(params.root),
        "params": {"file": str(params.path.relative_to(params.root)), "sha256": params.sha256},
        "inputs": inputs,
        "figures_sha256": sha256(at("ledger")),
        "outputs_sha256": outputs,
        "packages": versions(),
        "formats": list(formats),
        "publication_key": publication_key,
        "stages": stages or {},
        "built_at": started.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 1),
    }
    path = Places(staging, params.processed_dir, staging)("manifest")
    atomic_write_bytes(path, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path
