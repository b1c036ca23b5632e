"""Check a received outputs folder against its manifest (`make verify OUT=outputs/2020`).

The manifest (catalog: `manifest`) records the sha256 of every published file it covers, by path
relative to the folder, so a folder copied anywhere can be checked: each file is hashed again and
every difference is named, one line each: CHANGED (content differs), MISSING (listed, not there),
EXTRA (there, not listed). What the manifest does not hash by design (the executed notebooks, the
notebooks' logs, GX Data Docs) is counted and named as not checked.

A manifest cannot contain its own hash: `verify` prints the manifest's sha256 so the receiver can
compare it with the one the sender gave by another channel (mail, the review record); only then
does a clean `verify` prove that the folder is the one that was sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from annualreport.base.digests import file_digest
from annualreport.base.errors import ReportError
from annualreport.base.paths import inside
from annualreport.base.places import Places, unhashed


@dataclass
class Verified:
    folder: Path
    manifest: Path
    manifest_sha256: str
    identity: dict
    listed: int = 0
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (path, expected, found)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # manifest entries that point outside the folder
    unchecked: dict[str, int] = field(default_factory=dict)  # folder -> files not hashed by design

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.invalid)


def manifest_path(folder: Path) -> Path:
    return Places(folder, folder, folder)("manifest")


def read_manifest(folder: Path) -> tuple[Path, dict]:
    """The folder's manifest, parsed; a ReportError (one line) when it is absent or unreadable."""
    path = manifest_path(folder)
    if not folder.is_dir():
        raise ReportError(f"{folder}: no such folder")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{folder}: has no {path.name}; this is not a published outputs folder") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: unreadable manifest ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("outputs_sha256"), dict):
        raise ReportError(f"{path}: not a build manifest (no outputs_sha256 table)")
    return path, data


def identity(data: dict) -> dict:
    """The build a manifest describes: year, institution, params file and digest, git commit, time."""
    git = data.get("git") or {}
    params = data.get("params") or {}
    return {
        "year": data.get("year"),
        "institution": data.get("institution"),
        "params_file": params.get("file"),
        "params_sha256": params.get("sha256"),
        "commit": git.get("commit"),
        "dirty": git.get("dirty"),
        "uncommitted": git.get("uncommitted") or [],
        "built_at": data.get("built_at"),
        "formats": data.get("formats"),
    }


def verify(folder: Path) -> Verified:
    """Hash every file the manifest lists and look for files it does not list."""
    folder = Path(folder)
    path, data = read_manifest(folder)
    result = Verified(folder, path, file_digest(path), identity(data))
    listed = data["outputs_sha256"]
    result.listed = len(listed)
    for name, expected in sorted(listed.items()):
        target = folder / name
        if Path(name).is_absolute() or not inside(target, folder):
            result.invalid.append(name)
            continue
        if not target.is_file():
            result.missing.append(name)
            continue
        found = file_digest(target)
        if found != expected:
            result.changed.append((name, str(expected), found))
    at = Places(folder, folder, folder)
    skipped = unhashed(at)  # {folder: the suffix its files have (empty: any)}; a file of another kind there is extra
    known = {(folder / n).as_posix() for n in listed} | {path.as_posix()}
    for f in sorted(folder.rglob("*")):
        if not (f.is_file() or f.is_symlink()) or f.as_posix() in known:
            continue
        under = next((d for d, suffix in skipped.items() if f.is_relative_to(d) and f.suffix.endswith(suffix)), None)
        if under is not None and not f.is_symlink():
            rel = under.relative_to(folder).as_posix() + "/"
            result.unchecked[rel] = result.unchecked.get(rel, 0) + 1
        else:
            result.extra.append(f.relative_to(folder).as_posix())
    return result


def _short(digest: str | None) -> str:
    return (digest or "?")[:12]


def describe(identity: dict) -> str:
    """One line naming the build: year, institution, params file and sha256, commit, build time."""
    commit = identity.get("commit")
    files = identity.get("uncommitted") or []
    which = f" in {len(files)} file(s): {', '.join(files[:3])}{' …' if len(files) > 3 else ''}" if files else ""
    git = (
        f"git {commit[:12]}" + (f" (uncommitted changes{which})" if identity.get("dirty") else "")
        if commit
        else "no git commit"
    )
    return (
        f"{identity.get('year')} {identity.get('institution') or ''}".strip()
        + f", params {identity.get('params_file')} sha256:{_short(identity.get('params_sha256'))}"
        + f", {git}, built {identity.get('built_at')}"
    )


def report_lines(r: Verified, shown: str) -> list[str]:
    """What `verify` prints: the manifest and build, one line per difference, one summary line."""
    lines = [
        f"manifest: {shown}/{r.manifest.name} sha256:{r.manifest_sha256} "
        "(a manifest cannot hash itself: compare this with the sender's)",
        f"build: {describe(r.identity)}",
    ]
    lines += [f"CHANGED  {n} (manifest sha256:{_short(e)}, file sha256:{_short(f)})" for n, e, f in r.changed]
    lines += [f"MISSING  {n}" for n in r.missing]
    lines += [f"EXTRA    {n} (not in the manifest)" for n in r.extra]
    lines += [f"INVALID  {n} (manifest entry outside the folder; not checked)" for n in r.invalid]
    if r.unchecked:
        where = ", ".join(f"{d} ({n})" for d, n in sorted(r.unchecked.items()))
        lines.append(f"not checked (the manifest does not hash them): {where}")
    if r.ok:
        lines.append(f"OK: {shown}: all {r.listed} files match the manifest")
    else:
        counts = [
            f"{len(x)} {word}"
            for x, word in ((r.changed, "changed"), (r.missing, "missing"), (r.extra, "extra"), (r.invalid, "invalid"))
            if x
        ]
        lines.append(f"FAILED: {shown}: {', '.join(counts)} (manifest lists {r.listed} files)")
    return lines
