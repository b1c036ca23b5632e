"""The build driver: run what changed (see `scheduler`), then publish atomically.

One Python process drives everything through papermill's API (a CLI start per notebook costs
seconds), with a fresh kernel per notebook so no state leaks between stages. Stages write into the
work folder `build/<year>/work/` and the content-addressed cache keeps it current. Only when every
stage succeeded are the results copied into a staging folder beside `outputs/<year>/` (on its file
system, which may be a share: `publish`) and swapped in, so a failed run never leaves half a report
where a finished one belongs, and the previous report stays in place.
"""

from __future__ import annotations

import datetime
import fcntl
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from annualreport.base.digests import MEMO
from annualreport.base.errors import ReportError
from annualreport.base.params import load_params, params_path_for
from annualreport.base.paths import repo_root
from annualreport.base.places import places
from annualreport.report.reread import build_line
from annualreport.review.signoff import build_notes
from annualreport.runner.graph import writer_of
from annualreport.runner.manifest import write_manifest
from annualreport.runner.publish import publication_key, published_is_current, stage_and_publish
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


DOC_EPOCH_BY_BUILD = "ANNUALREPORT_DOC_EPOCH"  # set when the build, not the caller, chose SOURCE_DATE_EPOCH


def document_epoch(year: int) -> str:
    """The documents' time of a report year: 1 January after it, 00:00 UTC (the PDF's and Word document's dates,
    the Data Docs' run time), as SOURCE_DATE_EPOCH holds it."""
    return str(int(datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC).timestamp()))


def deterministic_env(root: Path, year: int) -> None:
    """Environment every kernel inherits: fixed hash seed, caches inside the checkout, the documents' time (the
    caller's SOURCE_DATE_EPOCH, else 1 January after the report year)."""
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["ANNUALREPORT_ROOT"] = str(root)
    os.environ.setdefault("MPLCONFIGDIR", str(root / ".cache" / "matplotlib"))
    os.environ.setdefault("IPYTHONDIR", str(root / ".cache" / "ipython"))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    if "SOURCE_DATE_EPOCH" not in os.environ or os.environ.get(DOC_EPOCH_BY_BUILD):
        os.environ["SOURCE_DATE_EPOCH"] = os.environ[DOC_EPOCH_BY_BUILD] = document_epoch(year)
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
    deterministic_env(root, year)
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
            final,
            lambda staging: write_manifest(
                params, staging, started_at, time.monotonic() - started, formats, key, statuses
            ),
            final.relative_to(root).as_posix(),
        )
        return result()
