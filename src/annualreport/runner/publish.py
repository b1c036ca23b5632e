"""Publishing a finished build: staged beside its destination, swapped in there.

`outputs/<year>/` may live on another file system than the checkout: `outputs/` a mounted share, or a
symlink to one, or `outputs/<year>` itself a symlink. A rename cannot cross file systems, so the year is
staged in a hidden sibling of its real destination (`outputs/.2020.staging-<pid>`, in the folder the
links resolve to), then swapped in by two renames on that file system: the published year is renamed
away to `.2020.old`, the staged one renamed in, the old one deleted. A reader sees the whole old year or
the whole new one, never half of either.

Before anything is written, the free space there is compared with what the year needs; a disk too
small, or any write that fails (the disk filled meanwhile, a read-only share), is one line
(`PublishFailed`), the staging folder is removed and the year published before is left as it was. A
build killed between the two renames leaves `.2020.old` and no year: the next publish puts it back
before it starts. Staging folders of builds that died are removed by the next publish of that year.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import psutil

from annualreport.base.catalog import PUBLISHED, UNPUBLISHED_DIRS
from annualreport.base.digests import file_digest
from annualreport.base.errors import ReportError
from annualreport.base.params import Params
from annualreport.base.places import Places, places
from annualreport.runner.cache import key_of

BLOCK = 4096  # a file takes whole blocks: what a small file costs on the disk
MANIFEST_ROOM = 1 << 20  # the manifest, written after the files are counted


class PublishFailed(ReportError):
    """Writing the finished outputs failed (a full disk, a read-only folder): the earlier ones stay."""


def destination(final: Path) -> Path:
    """Where `final` really is: its parent with every link resolved (outputs/ a symlink to a share), or,
    when `final` itself is a link to a folder, the folder it points to (the link stays as it is)."""
    if final.is_symlink():
        return final.resolve()
    return final.parent.resolve() / final.name


def staging_for(dest: Path) -> Path:
    """The hidden sibling a year is staged in: same folder, so same file system, as its destination."""
    return dest.parent / f".{dest.name}.staging-{os.getpid()}"


def old_for(dest: Path) -> Path:
    return dest.parent / f".{dest.name}.old"


def recover(dest: Path) -> None:
    """Undo what a build killed while publishing left: a year renamed away and not replaced is put back;
    staging folders of processes no longer running are removed."""
    old = old_for(dest)
    if old.is_dir() and not dest.exists():
        os.rename(old, dest)
    for leftover in dest.parent.glob(f".{dest.name}.staging-*"):
        pid = leftover.name.rpartition("-")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not psutil.pid_exists(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def swap(staging: Path, final: Path) -> None:
    """Swap the finished staging folder into place (both in one folder): rename old away, rename new in,
    delete old. When the second rename fails, the old folder is put back before the error goes on."""
    old = old_for(final)
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.rename(final, old)
    try:
        os.rename(staging, final)
    except OSError:
        if old.exists() and not final.exists():
            os.rename(old, final)
        raise
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)  # the new year is in place; a leftover is removed next time


def room_needed(files: list[Path]) -> int:
    """Bytes the staged copy takes: every file rounded up to whole blocks, and room for the manifest."""
    return sum(-(-f.stat().st_size // BLOCK) * BLOCK for f in files) + MANIFEST_ROOM


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def check_room(files: list[Path], dest: Path, shown: str) -> None:
    """One line, before anything is written, when the disk holding `dest` has less room than the year needs."""
    needed, free = room_needed(files), shutil.disk_usage(dest.parent).free
    if free < needed:
        raise PublishFailed(
            f"could not publish {shown}: {os.strerror(errno.ENOSPC)}: {_mb(free)} free on the disk holding "
            f"{dest.parent}, {_mb(needed)} needed beside the year; {kept_line(dest)}"
        )


def kept_line(dest: Path) -> str:
    return "the report published before is unchanged" if dest.exists() else "nothing was published"


def stage_and_publish(
    work: Path, final: Path, write_manifest: Callable[[Path], object], shown: str | None = None
) -> Path:
    """Copy what is published from `work` into a staging folder beside `final`'s real place, write its
    manifest there, swap it in. Any write that fails (disk full) leaves the published year as it was,
    removes the staging folder and says so in one line. Returns where the year now is."""
    shown = shown or str(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    dest = destination(final)
    dest.parent.mkdir(parents=True, exist_ok=True)
    recover(dest)
    files = published_files(work)
    check_room(files, dest, shown)
    staging = staging_for(dest)
    try:
        if staging.exists():
            shutil.rmtree(staging)
        for f in files:
            target = staging / f.relative_to(work)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
        write_manifest(staging)
        swap(staging, dest)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        written = exc.filename2 or exc.filename  # a copy's error names its source first, the file written second
        where = f" ({written})" if written else ""
        what = exc.strerror or str(exc)
        raise PublishFailed(f"could not publish {shown}: {what}{where}; {kept_line(dest)}") from exc
    except BaseException:  # an interrupt: no staging folder is left behind
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest


def published_files(work: Path) -> list[Path]:
    out = []
    for name in PUBLISHED:
        p = work / name
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.parent.name not in UNPUBLISHED_DIRS)
    return out


def publication_key(at: Places, formats: tuple[str, ...]) -> str:
    """sha256 over what would be published: when it equals the published manifest's, and the
    published files are intact, there is nothing to publish."""
    executed = at.folder("executed")
    inputs = {
        f.relative_to(at.work).as_posix(): file_digest(f) for f in published_files(at.work) if f.parent != executed
    }
    inputs["formats"] = ",".join(sorted(formats))
    return key_of(inputs)


def published_is_current(params: Params, key: str) -> bool:
    """True when outputs/<year>/ holds exactly what the work folder would publish, intact."""
    manifest = places(params)("manifest")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    if data.get("publication_key") != key:
        return False
    for name, digest in (data.get("outputs_sha256") or {}).items():
        path = params.outputs_dir / name
        if not path.is_file() or file_digest(path) != digest:
            return False
    return True
