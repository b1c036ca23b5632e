"""`make reproduce OUT=outputs/2020`: rebuild a published year from its manifest alone, compare every file.

`verify` shows that nobody changed the files since the build; `reproduce` shows that the recorded code and
the recorded raw files give these files. From the folder's manifest (catalog: `manifest`) it takes the
commit, the params file and the formats; it checks the commit out into a throw-away git worktree
(`git worktree add --detach`, in a temporary folder), puts there the delivered files the manifest names
(`sources`: this year's and the year before's raw folders, the reference tables), each checked against its
sha256 (the copy in this checkout's data folder, or the commit's where there is none), and runs
`python -m annualreport build` there with this checkout's interpreter (its `.venv`, not reinstalled) and the
worktree's own code first on the path (`PYTHONPATH=<worktree>/src`: the package is installed editable from
this checkout, so without it the rebuild would run today's code); the kernels inherit both. Every file
of the rebuilt year is then compared byte for byte with the folder's.

It prints what it found before comparing (a raw file that no longer matches its sha256 or is missing, a
params file, narrative or signoff record at the commit that is not the one the build used, uncommitted or
untracked files at build time, other package versions here, files changed since the build), then one line
per file that differs with what could explain it, and a last line OK or FAILED. The executed notebooks,
their logs and Data Docs (not hashed by the manifest: not byte-stable by design) are compared too, and
counted apart. The worktree is removed at the end; when something differs, the rebuilt folder is kept in
`build/reproduce/<id>/` to look at. Exit status: 0 all identical, 1 a difference, 2 an error (no manifest,
the commit missing from the repository, a build that fails).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from annualreport.base.digests import file_digest, text_digest, tree_digests
from annualreport.base.errors import ReportError
from annualreport.base.paths import inside
from annualreport.base.places import Places, unhashed
from annualreport.ingest.personal import SALT_FILE
from annualreport.review.verify import describe, identity, manifest_path, read_manifest, verify

SHOWN = 3  # raw files named in one line at most
LABELS = {"differs": "DIFFERS", "published, not rebuilt": "MISSING", "rebuilt, not published": "EXTRA"}


@dataclass
class Reproduced:
    out: Path
    data: dict
    commit: str
    causes: list[str] = field(default_factory=list)  # lines: an input that differs from the recorded one
    notes: list[str] = field(default_factory=list)  # lines: what the manifest does not record (not a difference)
    short: list[str] = field(default_factory=list)  # the same, in a few words, for the per-file lines
    compared: int = 0
    differ: list[tuple[str, str]] = field(default_factory=list)  # (file, how: differs / not rebuilt / extra)
    unstable: dict[str, int] = field(default_factory=dict)  # folder -> files not byte-identical (not hashed)
    changed_after: set[str] = field(default_factory=set)  # files of OUT that no longer match their manifest
    kept: Path | None = None

    @property
    def ok(self) -> bool:
        return not (self.differ or self.causes)


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=600)
    except OSError as exc:
        raise ReportError(f"git cannot run ({exc}): reproduce needs the repository") from None
    if check and done.returncode != 0:
        raise ReportError(f"git {' '.join(args[:2])} failed: {done.stderr.strip().splitlines()[-1:] or ['?']}")
    return done


def commit_of(data: dict, root: Path) -> str:
    """The manifest's commit, present in the repository at `root`; one line why not otherwise."""
    git_rec = data.get("git") or {}
    commit = git_rec.get("commit")
    if not commit:
        why = git_rec.get("note") or "no commit recorded"
        raise ReportError(f"the manifest records no git commit ({why}): there is no code to rebuild it from")
    if git(root, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise ReportError(f"{root} is not a git repository: run reproduce in a clone of the project's repository")
    if git(root, "cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode != 0:
        raise ReportError(
            f"commit {commit[:12]} is missing from the repository at {root}: the build was made from a commit "
            "this clone does not have (fetch it, or use the repository it was built in); nothing was rebuilt"
        )
    return commit


def _names(paths: list[str]) -> str:
    return ", ".join(paths[:SHOWN]) + (f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else "")


def place_sources(data: dict, root: Path, tree: Path, r: Reproduced) -> None:
    """Put the delivered files the manifest names into the worktree, each checked against its sha256: this
    checkout's copy (its data folder), or the commit's where this checkout has none. A file that does not
    match is named, and used all the same, so the comparison shows what it changes. Files of those folders
    that the manifest does not list are removed from the worktree (the build saw none)."""
    recorded = data.get("sources")
    if recorded:
        folders, files = list(recorded.get("folders", {}).values()), dict(recorded.get("files", {}))
    else:  # a manifest written before `sources`: the year's files only, from the row accounting
        folders, files = [], {i["file"]: i["sha256"] for i in data.get("inputs", []) if i.get("file")}
        r.notes.append(
            "note: the manifest lists this year's raw files only (written before the year before's were "
            "recorded): the year before's are those the commit holds, unchecked"
        )
        r.short.append("the year before's raw files are not recorded")
    for rel in files:
        if Path(rel).is_absolute() or not inside(tree / rel, tree):
            raise ReportError(f"the manifest names a raw file outside the project: {rel}")
    for folder in dict.fromkeys(folders):
        base = tree / folder
        if inside(base, tree) and base.is_dir():
            for f in sorted(base.rglob("*")):
                if f.is_file() and f.relative_to(tree).as_posix() not in files:
                    f.unlink()
    changed, absent = [], []
    for rel, sha in sorted(files.items()):
        target, here = tree / rel, root / rel
        committed = file_digest(target) if target.is_file() else None
        if here.is_file():
            found = file_digest(here)
            if found != committed:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here, target)
            if found != sha:
                changed.append(rel)
                held = "; the commit holds the recorded copy" if committed == sha else ""
                r.causes.append(
                    f"RAW      {rel}: sha256 {found[:12]} here, {str(sha)[:12]} in the manifest "
                    f"(the file changed since the build; this copy was used{held})"
                )
        elif committed == sha:
            continue  # not in the data folder here, but the commit holds it
        elif committed is not None:
            changed.append(rel)
            r.causes.append(f"RAW      {rel}: not in this checkout, and the commit's copy is not the manifest's")
        else:
            absent.append(rel)
            r.causes.append(f"RAW      {rel}: missing (the manifest lists it; put it in {Path(rel).parent}/)")
    if changed:
        r.short.append(f"raw file {_names(changed)} no longer matches its sha256")
    if absent:
        r.short.append(f"raw file {_names(absent)} is missing")


def folder_digest(tree: Path, rel: str) -> str | None:
    path = tree / rel
    if path.is_dir():
        return text_digest(tree_digests(tree, rel))
    return file_digest(path) if path.is_file() else None


def check_project_files(data: dict, tree: Path, r: Reproduced) -> None:
    """The params, narrative and signoff record at the commit against the digests the build recorded."""
    recorded = data.get("project_files") or {}
    if not recorded and (data.get("params") or {}).get("file"):  # an older manifest: the params file only
        recorded = {"params": {"path": data["params"]["file"], "sha256": data["params"].get("sha256")}}
    for role, entry in recorded.items():
        rel, sha = entry.get("path"), entry.get("sha256")
        if not rel or not inside(tree / rel, tree):
            continue
        found = folder_digest(tree, rel)
        if found != sha:
            what = role.replace("_", " ")
            state = "absent" if found is None else f"digest {found[:12]}"
            built = "absent" if sha is None else f"{sha[:12]}"
            r.causes.append(f"PROJECT  {rel} ({what}): {state} at the commit, {built} when built")
            r.short.append(f"the {what} ({rel}) at the commit is not the one built from")


def check_git_state(data: dict, r: Reproduced) -> None:
    rec = data.get("git") or {}
    if rec.get("dirty"):
        files = rec.get("uncommitted") or []
        which = f": {_names(files)}" if files else ""
        r.causes.append(f"DIRTY    the tree had uncommitted changes when built{which} (the commit does not hold them)")
        r.short.append("the tree was dirty at build time")
    if rec.get("untracked"):
        r.causes.append(f"UNTRACKED files git did not hold when built: {_names(rec['untracked'])}")
        r.short.append("files outside git at build time")


def check_packages(data: dict, rebuilt: dict, r: Reproduced) -> None:
    before, now = data.get("packages") or {}, rebuilt.get("packages") or {}
    moved = [
        f"{n} {before[n]} → {now.get(n)}" for n in sorted(before) if n != "annualreport" and before[n] != now.get(n)
    ]
    if moved:
        r.causes.append(f"PACKAGES versions differ (when built → here): {', '.join(moved)}")
        r.short.append(f"other package versions ({_names(moved)})")


def salted_env(root: Path, tree: Path) -> dict:
    env = dict(os.environ, ANNUALREPORT_ROOT=str(tree), PYTHONHASHSEED="0")
    env["PYTHONPATH"] = os.pathsep.join([str(tree / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    salt = root / SALT_FILE
    if "ANNUALREPORT_SALT" not in env and salt.is_file():
        env["ANNUALREPORT_SALT"] = salt.read_text().strip()
    return env


def rebuild(data: dict, tree: Path, env: dict, say) -> Path:
    """Run the build in the worktree; return the outputs folder it published."""
    probe = subprocess.run(
        [sys.executable, "-c", "import annualreport; print(annualreport.__file__)"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0 or not inside(Path(probe.stdout.strip()), tree / "src"):
        raise ReportError(f"the worktree's code is not the one imported ({probe.stdout.strip() or probe.stderr})")
    formats = data.get("formats") or ["all"]
    params_file = (data.get("params") or {}).get("file")
    cmd = [sys.executable, "-m", "annualreport", "build", "--year", str(data["year"]), "--format", formats[0], "-q"]
    cmd += ["--params", params_file] if params_file else []
    say(f"rebuilding: {' '.join(cmd[2:])} (a full build, about a minute) …")
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise ReportError(f"the rebuild failed: {last[0]}")
    found = [m.parent for m in sorted((tree / "outputs").rglob(manifest_path(tree).name))]
    if len(found) != 1:
        raise ReportError(f"the rebuild published {len(found)} outputs folders, not one")
    return found[0]


def compare(out: Path, rebuilt: Path, r: Reproduced) -> None:
    """Every file of both folders, byte for byte (the manifest aside: it records when the build ran)."""
    skipped = {d.relative_to(out).as_posix() + "/": s for d, s in unhashed(Places(out, out, out)).items()}
    manifest = manifest_path(out).name

    def files(folder: Path) -> set[str]:
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {manifest}

    for name in sorted(files(out) | files(rebuilt)):
        mine, theirs = out / name, rebuilt / name
        same = mine.is_file() and theirs.is_file() and mine.read_bytes() == theirs.read_bytes()
        r.compared += 1
        if same:
            continue
        folder = next((d for d, s in skipped.items() if name.startswith(d) and name.endswith(s)), None)
        if folder is not None:
            r.unstable[folder] = r.unstable.get(folder, 0) + 1
        elif not theirs.is_file():
            r.differ.append((name, "published, not rebuilt"))
        elif not mine.is_file():
            r.differ.append((name, "rebuilt, not published"))
        else:
            r.differ.append((name, "differs"))


def reproduce(out: Path, root: Path, say=print) -> Reproduced:
    """Rebuild the year `out` holds from its manifest, in a worktree of the repository at `root`."""
    out = Path(out)
    _, data = read_manifest(out)
    commit = commit_of(data, root)
    r = Reproduced(out, data, commit)
    checked = verify(out)
    r.changed_after = {n for n, _, _ in checked.changed} | set(checked.missing) | set(checked.extra)
    check_git_state(data, r)
    tmp = Path(tempfile.mkdtemp(prefix="annualreport-reproduce-"))
    tree = tmp / "tree"
    say(f"worktree at commit {commit[:12]}: {tree} (removed at the end)")
    git(root, "worktree", "add", "--detach", "--quiet", str(tree), commit)
    try:
        place_sources(data, root, tree, r)
        check_project_files(data, tree, r)
        rebuilt = rebuild(data, tree, salted_env(root, tree), say)
        _, again = read_manifest(rebuilt)
        check_packages(data, again, r)
        compare(out, rebuilt, r)
        if r.differ:
            kept = root / "build" / "reproduce" / rebuilt.relative_to(tree / "outputs")
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(rebuilt, kept)
            r.kept = kept
    finally:
        git(root, "worktree", "remove", "--force", str(tree), check=False)
        shutil.rmtree(tmp, ignore_errors=True)
        git(root, "worktree", "prune", check=False)
    return r


def why(r: Reproduced, name: str) -> str:
    """What could make `name` differ: its own change since the build, else every cause found, else none."""
    if name in r.changed_after:
        return "the published file was changed after the build (it no longer matches the manifest)"
    if r.short:
        return "could be: " + "; ".join(r.short)
    return "no recorded input differs: the build is not byte-identical here (a finding: report it)"


def report_lines(r: Reproduced, shown: str) -> list[str]:
    lines = [f"build: {describe(identity(r.data))}"]
    lines += r.notes + r.causes
    lines += [
        f"{LABELS[how]:<8} {name}{'' if how == 'differs' else f' ({how})'}: {why(r, name)}" for name, how in r.differ
    ]
    if r.unstable:
        where = ", ".join(f"{d} ({n})" for d, n in sorted(r.unstable.items()))
        lines.append(f"not byte-identical, as designed (the manifest does not hash them): {where}")
    same = r.compared - len(r.differ) - sum(r.unstable.values())
    if r.ok:
        lines.append(
            f"OK: {shown}: all {same} files rebuilt byte for byte from commit {r.commit[:12]} and the manifest's "
            f"raw files ({manifest_path(r.out).name} aside: it records when the build ran)"
        )
    else:
        kept = f"; the rebuilt folder is in {r.kept}" if r.kept else ""
        what = f"{len(r.differ)} of {r.compared} files differ" if r.differ else f"all {same} files identical"
        lines.append(f"FAILED: {shown}: {what}, {len(r.causes)} input difference(s) found{kept}")
    return lines
