"""The build manifest (catalog: `manifest`): what a build was made from, for auditors and rebuilds.

The git commit (whether the tree had uncommitted changes, and which tracked files they were; files git
does not know outside the data folders), the params file and its sha256, every raw input with its sha256
and row counts, the versions of the packages that shape the output, the figure ledger's sha256, and when
and how long the build ran. The build time lives here and nowhere in the report, so the report's bytes
depend only on its inputs.

For `make reproduce` (review/reproduce.py) it also records what a rebuild at that commit needs beyond the
commit: `sources`, every file of the folders the build read delivered data from (this year's and the year
before's raw folders, the reference tables) with its sha256, since colleges need not commit those; and
`project_files`, the digests of what git should hold (the params files and narrative folders of the year
and the year before, the signoff record), so a rebuild can say when the commit holds something else.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from annualreport import __version__
from annualreport.base.digests import file_digest, text_digest, tree_digests
from annualreport.base.params import Params
from annualreport.base.paths import inside
from annualreport.base.places import Places, unhashed, year_folders
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


SOURCE_FOLDERS = ("{raw}", "{reference}", "{previous_raw}", "{previous_reference}")  # delivered, maybe not in git
PROJECT_FILES = ("{params}", "{narrative}", "{signoff}", "{previous_params}", "{previous_narrative}")
LISTED = 50  # uncommitted or untracked paths named at most


def git_state(root: Path, data_folders: tuple[str, ...] = ()) -> dict:
    """The commit, whether tracked files had uncommitted changes (and which), and the files git does not
    know (not ignored, outside `data_folders`, where delivered files may well be untracked)."""

    def run(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20)

    try:
        head = run("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None, "note": "not a git checkout"}
        status = run("status", "--porcelain", "-z", "--untracked-files=all", "--no-renames")
    except (OSError, subprocess.SubprocessError) as exc:
        return {"commit": None, "dirty": None, "note": f"git unavailable: {exc}"}
    lines = [(entry[:2], entry[3:]) for entry in status.stdout.split("\0") if len(entry) > 3]
    changed = [path for code, path in lines if code != "??"]
    untracked = [
        path
        for code, path in lines
        if code == "??" and not any(path == d or path.startswith(d.rstrip("/") + "/") for d in data_folders)
    ]
    return {
        "commit": head.stdout.strip(),
        "dirty": bool(changed),
        "uncommitted": changed[:LISTED],
        "untracked": untracked[:LISTED],
    }


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if inside(path, root) else str(path)


def sources(params: Params) -> dict:
    """The folders delivered data was read from, by role, and every file in them with its sha256."""
    folders = year_folders(params)
    roles = {key.strip("{}"): folders[key] for key in SOURCE_FOLDERS if folders[key] is not None}
    files: dict[str, str] = {}
    for path in dict.fromkeys(roles.values()):
        if path.is_dir() and inside(path, params.root):
            files.update(tree_digests(params.root, _rel(path, params.root)))
    return {"folders": {role: _rel(path, params.root) for role, path in roles.items()}, "files": files}


def project_files(params: Params) -> dict:
    """The inputs of the year that git holds, with a digest each (a folder's: over its files' paths and
    sha256; null when absent): a rebuild at the recorded commit finds the same ones, or says which differ."""
    folders = year_folders(params)
    out = {}
    for key in PROJECT_FILES:
        path = folders[key]
        if path is None:
            continue
        rel = _rel(path, params.root)
        if path.is_dir():
            digest = text_digest(tree_digests(params.root, rel))
        else:
            digest = file_digest(path) if path.is_file() else None
        out[key.strip("{}")] = {"path": rel, "sha256": digest}
    return out


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
    delivered = sources(params)
    manifest = {
        "year": params.year,
        "institution": params.institution["name"],
        "git": git_state(params.root, tuple(delivered["folders"].values())),
        "params": {"file": str(params.path.relative_to(params.root)), "sha256": params.sha256},
        "inputs": inputs,
        "sources": delivered,
        "project_files": project_files(params),
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
