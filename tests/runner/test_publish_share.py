"""Publishing where the college keeps its reports: `outputs/` on another file system (a tmpfs here, as a mounted
share would be), mounted there or a symlink to it. The year is staged beside its destination and swapped in there;
`verify` passes on what was published; a full disk fails in one line and leaves the year before byte-identical,
with no staging folder left. Each test copies the session's demo build, so only the publish step runs again.

Mounting needs root (CI's `.ci/run` runs as root); where mounting is refused the tests skip, and fail under
ANNUALREPORT_REQUIRE_PROGRAMS=1 (tests/programs.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from annualreport.review.verify import verify
from annualreport.runner import publish
from annualreport.runner.driver import build
from tests.programs import missing, program

pytestmark = pytest.mark.build


@contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `where` for the block (unmounted after, lazily if something holds it)."""
    mount, umount = program("mount", "mount"), program("umount", "mount")
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        missing(f"cannot mount a tmpfs here ({done.stderr.decode(errors='replace').strip()}): the test needs root")
    try:
        yield where
    finally:
        if subprocess.run([umount, str(where)], capture_output=True).returncode != 0:
            subprocess.run([umount, "-l", str(where)], capture_output=True)


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_build(project: Path, **kw):
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        return build(2020, root=project, **kw)
    finally:
        mp.undo()


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project)}
    return subprocess.run(
        [sys.executable, "-m", "annualreport", *args], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )


@contextmanager
def on_share(demo_project: Path, tmp: Path, how: str, size: str = "64m") -> Iterator[tuple[Path, Path]]:
    """A copy of the session's demo build whose outputs/ is a tmpfs: mounted there (`mounted`) or a symlink to a
    folder on one (`symlink`). Yields (project, the folder on the tmpfs that holds the years)."""
    project = tmp / "project"
    shutil.copytree(demo_project, project, symlinks=True, ignore=shutil.ignore_patterns("outputs"))
    outputs = project / "outputs"
    if how == "mounted":
        with tmpfs(outputs, size) as share:
            yield project, share
    else:
        with tmpfs(tmp / "share", size) as share:
            (share / "reports").mkdir()
            outputs.symlink_to(share / "reports", target_is_directory=True)
            yield project, share / "reports"


def leftovers(folder: Path, project: Path) -> list[str]:
    found = [p.name for p in folder.iterdir() if p.name.startswith(".2020.")]
    return found + (["build/2020/staging"] if (project / "build" / "2020" / "staging").exists() else [])


@pytest.mark.parametrize("how", ["mounted", "symlink"])
def test_a_year_is_published_onto_another_file_system(demo_project, tmp_path, how):
    with on_share(demo_project, tmp_path, how) as (project, share):
        assert os.stat(share).st_dev != os.stat(project / "build").st_dev  # a rename cannot cross
        result = run_build(project, formats=("docx",))
        assert not result.ran  # only the publish step ran
        out = project / "outputs" / "2020"
        assert (share / "2020" / "report.html").is_file() and result.report == out / "report.html"
        checked = verify(out)
        assert checked.ok and checked.listed > 40, (checked.changed, checked.missing, checked.extra)
        assert cli(project, "verify", "outputs/2020").returncode == 0  # what `make verify` runs
        assert leftovers(share, project) == []


def test_a_full_share_fails_in_one_line_and_keeps_the_year_before(demo_project, tmp_path):
    """The share filled after the year was published: the next publish refuses before writing (the CLI's one line),
    and a write that fails on the full disk itself (the room check bypassed) fails the same way; the year before
    keeps every byte, no staging folder is left; once there is room again, the year publishes."""
    with on_share(demo_project, tmp_path, "symlink") as (project, share):
        run_build(project, formats=("docx",))
        out = share / "2020"
        before = digests(out)
        filler = share.parent / "filler.bin"
        with open(filler, "wb") as f:  # leave half a megabyte: the year needs several
            f.write(b"\0" * max(shutil.disk_usage(share).free - (1 << 19), 0))

        # html only: another publication (the manifest records the formats), nothing to rerun
        proc = cli(project, "build", "--year", "2020", "--format", "html", "-q")
        assert proc.returncode == 2, proc.stderr[-2000:]
        assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1, proc.stderr[-2000:]
        line = proc.stderr.strip()
        assert line.startswith("error: could not publish outputs/2020: No space left on device: "), line
        assert "needed beside the year; the report published before is unchanged" in line, line
        assert digests(out) == before and leftovers(share, project) == []

        mp = pytest.MonkeyPatch()
        mp.setattr(publish, "check_room", lambda *args: None)  # the disk fills while the year is copied
        try:
            with pytest.raises(publish.PublishFailed) as exc:
                run_build(project, formats=("html",))
        finally:
            mp.undo()
        assert "No space left on device (" in str(exc.value) and ".2020.staging-" in str(exc.value)
        assert str(exc.value).endswith("the report published before is unchanged")
        assert digests(out) == before and leftovers(share, project) == []

        filler.unlink()
        run_build(project, formats=("html",))
        assert verify(project / "outputs" / "2020").ok and leftovers(share, project) == []
        assert digests(out)["report.html"] == before["report.html"]


def test_a_publish_killed_between_its_renames_is_put_back(tmp_path):
    """A build killed after the year before was renamed away and before the new one was renamed in leaves
    `.2020.old` and no year: the next publish puts it back first; a dead build's staging folder is removed."""
    outputs = tmp_path / "outputs"
    (outputs / ".2020.old").mkdir(parents=True)
    (outputs / ".2020.old" / "a.txt").write_text("before")
    dead = outputs / ".2020.staging-999999999"
    dead.mkdir()
    publish.recover(publish.destination(outputs / "2020"))
    assert (outputs / "2020" / "a.txt").read_text() == "before"
    assert sorted(p.name for p in outputs.iterdir()) == ["2020"]
