"""The build driver: run what changed (see `scheduler`), then publish atomically.

One Python process drives everything through papermill's API (a CLI start per notebook costs
seconds), with a fresh kernel per notebook so no state leaks between stages. Stages write into the
work folder `build/<year>/work/` and the content-addressed cache keeps it current. Only when every
stage succeeded are the results copied into `build/<id>/staging/` and that folder renamed into
`outputs/<year>/` (same file system), so a failed run never leaves half a report where a finished
one belongs, and the previous report stays in place.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from annualreport.base.catalog import PUBLISHED, UNPUBLISHED_DIRS
from annualreport.base.digests import MEMO, file_digest
from annualreport.base.errors import ReportError
from annualreport.base.params import Params, load_params, params_path_for
from annualreport.base.paths import repo_root
from annualreport.base.places import Places, places
from annualreport.report.reread import build_line
from annualreport.review.signoff import build_notes
from annualreport.runner.cache import key_of
from annualreport.runner.graph import writer_of
from annualreport.runner.manifest import write_manifest
from annualreport.runner.scheduler import Build, Options, StageResult
from annualreport.runner.yearbefore import year_lock_path
from annualreport.typeset import fonts

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    year: int
    outputs: Path
    report: Path | None
    seconds: float
    pdf: Path | None = None
    notes: tuple[str, ...] = ()
    cached: bool = False
    stages: list[StageResult] = field(default_factory=list)
    docx: Path | None = None

    @property
    def ran(self) -> list[str]:
        return [s.name for s in self.stages if s.status == "ran"]


def deterministic_env(root: Path) -> None:
    """Environment every kernel inherits: fixed hash seed, caches inside the checkout."""
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["ANNUALREPORT_ROOT"] = str(root)
    os.environ.setdefault("MPLCONFIGDIR", str(root / ".cache" / "matplotlib"))
    os.environ.setdefault("IPYTHONDIR", str(root / ".cache" / "ipython"))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1609459200")
    for var in ("MPLCONFIGDIR", "IPYTHONDIR"):
        Path(os.environ[var]).mkdir(parents=True, exist_ok=True)


@contextmanager
def year_lock(root: Path, year: int | str):
    """One build per year at a time: a second one waits up to a minute, then refuses."""
    lock = year_lock_path(root, str(year))  # a build of the year after waits on it (runner/yearbefore.py)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as f:
        deadline = time.monotonic() + float(os.environ.get("ANNUALREPORT_LOCK_WAIT", "60"))
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ReportError(
                        f"another build of {year} is running (lock build/{year}.lock); wait for it to finish"
                    ) from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def publish(staging: Path, final: Path) -> None:
    """Swap the finished staging folder into place: rename old away, rename new in, delete old. When the
    second rename fails, the old folder is put back before the error goes on."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.parent / f".{final.name}.old"
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


class PublishFailed(ReportError):
    """Writing the finished outputs failed (a full disk, a read-only folder): the earlier ones stay."""


def stage_and_publish(work: Path, staging: Path, final: Path, write_manifest) -> None:
    """Copy what is published into `staging`, write its manifest there, swap it into `final`. Any write
    that fails (disk full) leaves `final` as it was, removes the half-written staging folder and says so
    in one line."""
    try:
        if staging.exists():
            shutil.rmtree(staging)
        for f in _published_files(work):
            dest = staging / f.relative_to(work)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
        write_manifest(staging)
        publish(staging, final)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        where = f" ({exc.filename})" if exc.filename else ""
        kept = "the report published before is unchanged" if final.exists() else "nothing was published"
        raise PublishFailed(f"could not publish {final}: {exc.strerror or exc}{where}; {kept}") from exc


def _published_files(work: Path) -> list[Path]:
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
        f.relative_to(at.work).as_posix(): file_digest(f) for f in _published_files(at.work) if f.parent != executed
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


@contextmanager
def _fonts_alongside(needed: bool):
    """On a machine without the report's faces (the first build after a fresh setup), they are made by a
    child process while the build's first stages run (typeset/fonts.py prepare_in_background)."""
    child = None
    if needed:
        child = fonts.prepare_in_background()
    try:
        yield
    finally:
        if child is not None:
            child.wait()


@contextmanager
def _digest_memo(path: Path):
    """The files' digests remembered between builds (base.digests.DigestMemo), kept only when the build ends."""

    MEMO.load(path)
    try:
        yield
    finally:
        MEMO.save()


@contextmanager
def _no_kernel_left():
    """Every notebook kernel this build started is gone when it ends: one still running (a warm kernel whose
    start timed out, a shutdown that failed) is killed, so nothing outlives the build holding its files or
    its output pipe."""
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    try:
        yield
    finally:
        for child in psutil.Process().children(recursive=True):
            try:
                if child.pid not in before and "ipykernel_launcher" in " ".join(child.cmdline()):
                    log.warning(
                        "a notebook kernel (pid %d) was still running at the end of the build: stopped", child.pid
                    )
                    child.kill()
            except psutil.Error:
                pass


def build(
    year: int,
    params_file: str | None = None,
    root: Path | None = None,
    formats: tuple[str, ...] = ("all",),
    clean_only: bool = False,
    strict: bool = False,
    force: bool = False,
    dry_run: bool = False,
    workers: int = 0,
) -> BuildResult:
    """Build one year's report (or, with clean_only, clean and validate only). Raises ReportError.

    Every stage whose inputs are unchanged is reused from the cache; the rest run, independent ones
    in parallel. The finished report is published by renaming a complete folder into place, and only
    when it differs from what is published. `dry_run` says what would run and runs nothing."""
    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.UTC)
    root = (root or repo_root()).resolve()
    deterministic_env(root)
    params = load_params(params_file or params_path_for(year, root), root)
    if params.year != year:
        raise ReportError(f"{params.path.name} is for {params.year}, not {year}")
    options = Options(
        formats=formats,
        strict=strict,
        force=force,
        dry_run=dry_run,
        workers=workers,
        timeout=params.data["build"]["timeout_seconds"],
    )
    with (
        year_lock(root, params.build_id),
        _digest_memo(params.work_dir.parent / "digests.json"),
        _fonts_alongside(not (dry_run or clean_only)),
        _no_kernel_left(),
    ):
        run = Build(params, options)
        stages = run.run((writer_of("validation_summary"),) if clean_only else None)
        work = params.work_dir
        if dry_run or clean_only:
            return BuildResult(year, work, None, time.monotonic() - started, notes=tuple(run.notes), stages=stages)
        key = publication_key(places(params), formats)
        final = params.outputs_dir
        at = places(params)
        pdf = final / at.relative("report_pdf") if at("report_pdf").exists() else None
        docx = final / at.relative("report_docx") if at("report_docx").exists() else None

        def result(notes: tuple[str, ...] = (), cached: bool = False) -> BuildResult:

            return BuildResult(
                year,
                final,
                final / at.relative("report_html"),
                time.monotonic() - started,
                pdf,
                tuple(run.notes) + notes + build_line(params, at) + build_notes(params),
                cached=cached,
                stages=stages,
                docx=docx,
            )

        if published_is_current(params, key):
            ran = any(s.status == "ran" for s in stages)
            return result(() if ran else ("nothing changed since the published build (--force rebuilds)",), not ran)

        statuses = {s.name: s.status for s in stages}
        stage_and_publish(
            work,
            work.parent / "staging",
            final,
            lambda staging: write_manifest(
                params, staging, started_at, time.monotonic() - started, formats, key, statuses
            ),
        )
        return result()
