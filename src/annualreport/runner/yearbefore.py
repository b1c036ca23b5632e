"""The year before from its own build: what a `YearBefore` catalog entry (`year_before_build`) stands for.

A year's `previous` stage needs the year before's figures, computed with the current code, specs, suites and
figure definitions from that year's raw files. When the year before was built from exactly those, its figures
stage computed the same figures already: it writes them as the entry's artefact (`handover`), and when that stage
is done the driver records in the cache the **handover key** (what made them) → that file's blob
(`build/cache/actions/<the year's id>/year_before_build/<key>.json`). The year after computes the same key from
what its year before is now; when the record is there and its blob is sound, the entry stands for that blob (the
stage's key includes its digest, and the notebook copies it); otherwise for nothing, and the stage computes the
figures from the raw files. Same bytes either way (tests/runner/test_year_before.py).

The handover key is the same function of the year before in both builds: the digests of what the reading stage
declares (the year before's params file, raw files and reference tables, the specs and suites, the salt: its files
and the machine's, resolved for the year before as the year after resolves them; the year after's settings
aside), the code and notebook of every step either way runs (the reading step; the writing step and every step
before it), the lock and the interpreter. So a year before built from other raw files, params, specs, suites or
code has another key and is never taken; a build that stopped before its figures recorded nothing; and one whose
inputs changed while it ran (its key when it started differs from its key after the figures) records nothing.

Waiting: a build whose year before is being built beside it (by a batch, `runner/batch.py`, which holds the year
before's batch lock until that build ends; or by another `make report`, which holds the year lock) waits for the
handover before its `previous` stage decides, at most the build's timeout; then it takes it, or recomputes.
"""

from __future__ import annotations

import fcntl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from annualreport.base.catalog import CATALOG, INPUTS, Setting, YearBefore, parse_read
from annualreport.base.digests import file_digest
from annualreport.base.params import Params, previous_params
from annualreport.base.places import Places, source_path
from annualreport.runner.cache import Store, code_digests, key_of, why
from annualreport.runner.graph import STAGES, STEP_OF, ancestors, writer_of
from annualreport.runner.inputs import Item, item_digests, items
from annualreport.runner.stages import STEPS, Stage, Step


class Build(Protocol):
    """What this module needs of a build (`runner.scheduler.Build` is one)."""

    root: Path
    params: Params
    options: object
    places: Places
    specs: dict
    env: dict[str, str]
    store: Store
    scope: str


ENTRIES: tuple[YearBefore, ...] = tuple(e for e in INPUTS.values() if isinstance(e, YearBefore))
POLL = 0.2  # seconds between two looks at a year before being built beside this build


def year_lock_path(root: Path, build_id: str) -> Path:
    """The lock a build holds while it runs (`driver.year_lock`)."""
    return root / "build" / f"{build_id}.lock"


def batch_lock_path(root: Path, build_id: str) -> Path:
    """The lock a batch holds from before it starts any build until the build of `build_id` ended, for each year
    whose year after it also builds (`runner/batch.py`)."""
    return root / "build" / f"{build_id}.batch.lock"


def locked(path: Path) -> bool:
    """Whether some process holds the lock file at `path`."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, whatever happens
    except OSError:
        return False
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def readers_of(entry: YearBefore) -> list[Stage]:
    return [s for s in STAGES if any(parse_read(r)[0] == entry.name for r in s.reads)]


def steps_of(entry: YearBefore) -> list[Step]:
    """The steps whose code makes the handed-on figures either way: the readers' and the writer's with every step
    before it."""
    writer = writer_of(entry.artefact)
    names = {writer, *ancestors(writer), *(s.name for s in readers_of(entry))} - {None}
    return [step for step in STEPS if any(s.name in names for s in step.stages)]


@dataclass
class _AsYearBefore:
    """A year as the year after sees it (the `Build` that `runner.inputs.items` reads): the year after's
    `{previous_…}` folders are this year's own."""

    root: Path
    params: Params
    specs: dict
    env: dict[str, str]
    options: object = None
    places: object = None

    @property
    def folders(self) -> dict[str, Path | None]:
        p = self.params
        return {
            "{root}": self.root,
            "{previous_params}": p.path,
            "{previous_raw}": p.raw_dir,
            "{previous_reference}": p.reference_dir,
            "{previous_narrative}": p.narrative_dir,
        }

    def rel(self, p: Path) -> str:
        return p.relative_to(self.root).as_posix() if p.is_relative_to(self.root) else str(p)

    def present(self) -> list[str]:
        return []

    def year_before(self, entry: YearBefore) -> None:
        return None


def handover_inputs(build: Build, year: Params, entry: YearBefore) -> dict[str, str]:
    """{label: digest} the handover key of `year` (the year before of the build reading the entry, or the build
    writing it) is made of."""
    out = dict(build.env)
    steps = steps_of(entry)
    out.update(code_digests(*(s.module for s in steps)))
    view = _AsYearBefore(build.root, year, build.specs, build.env)
    for step in steps:
        if step.notebook:
            path = source_path("notebook", year, notebook=step.notebook, folders=view.folders)
            out.update(item_digests([Item(view.rel(path), path)]))
    for stage in readers_of(entry):
        reads = tuple(r for r in stage.reads if not isinstance(CATALOG[parse_read(r)[0]], Setting | YearBefore))
        probe = Stage(stage.name, stage.does, reads, ())
        out.update(item_digests(items(view, probe)))
    return out


@dataclass
class Found:
    """What a year-before entry stands for in one build."""

    item: Item | None  # the blob handed on, or None: computed from the raw files
    line: str  # what the build's line for the reading stage says


def resolve(build: Build, entry: YearBefore, wait: bool) -> Found:
    """The handed-on figures of this build's year before, if its build is current (waiting first for a build of
    it running beside this one, when `wait`)."""
    year = previous_params(build.params)
    if year is None or not year.raw_dir.is_dir():
        return Found(None, "")
    inputs = handover_inputs(build, year, entry)
    key = key_of(inputs)
    waited = 0.0
    if wait:
        started = time.monotonic()
        deadline = started + float(getattr(build.options, "timeout", 600))
        while (
            build.store.handed_on(year.build_id, entry.name, key) is None
            and (
                locked(batch_lock_path(build.root, year.build_id)) or locked(year_lock_path(build.root, year.build_id))
            )
            and time.monotonic() < deadline
        ):
            time.sleep(POLL)
        waited = time.monotonic() - started
        if waited >= POLL:  # it may have been built with other inputs meanwhile
            inputs = handover_inputs(build, year, entry)
            key = key_of(inputs)
    blob = build.store.handed_on(year.build_id, entry.name, key)
    after = f" (waited {waited:.1f} s for it)" if waited >= POLL else ""
    if blob is not None:
        return Found(
            Item(f"year-before:{year.build_id}", blob, blob.name), f"year before: from the {year.build_id} build{after}"
        )
    last = build.store.last_inputs(year.build_id, entry.name)
    because = "not built" if last is None else f"its build differs: {why(last, inputs)}"
    return Found(None, f"year before: recomputed from the {year.year} raw files ({because}){after}")


def handing_on(build: Build, steps: list[Step]) -> dict[str, str]:
    """{entry: the handover key now} for the entries whose artefact a stage of `steps` writes (a build's start)."""
    names = {s.name for step in steps for s in step.stages}
    return {e.name: key_of(handover_inputs(build, build.params, e)) for e in ENTRIES if writer_of(e.artefact) in names}


def hand_on(build: Build, step: Step, keys: dict[str, str]) -> None:
    """After `step` is done (ran or cached): record what it handed on under the key the build started with, if
    the inputs are still those (a raw file edited meanwhile: nothing is recorded). Nothing to do when the step left
    no file, or when that key already names this file's bytes (a cached step: its inputs are not digested again)."""
    for e in ENTRIES:
        if e.name not in keys or STEP_OF[writer_of(e.artefact)] is not step:
            continue
        path = build.places(e.artefact)
        if not path.is_file():
            continue
        recorded = build.store.handed_on(build.scope, e.name, keys[e.name])
        if recorded is not None and recorded.name == file_digest(path):  # recorded already (nothing new)
            continue
        inputs = handover_inputs(build, build.params, e)
        if key_of(inputs) == keys[e.name]:
            build.store.save(build.scope, e.name, keys[e.name], inputs, [path])
