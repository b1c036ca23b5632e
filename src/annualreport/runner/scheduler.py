"""The scheduler: runs the steps `stages.STEPS` declares, only where a stage's key changed.

A stage's key is computed when the steps before it are done, from the content of what they produced, so a rerun
that yields the same bytes stops the chain there (early cut-off). A notebook runs when one of its stages must; its
per-dataset stage runs only for the datasets that changed, and its whole-year stages run with it when they read
what it rewrote. Independent steps (clean and the year before; the annex beside the report) run in parallel
threads, each driving its own fresh kernel process; `workers` caps the kernels at once. No step is named here:
what to run, in which order, and what it reads and writes all come from the declarations (`runner/graph.py`).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from annualreport.base import tracing
from annualreport.base.catalog import ARTEFACTS, INPUTS, Setting, YearBefore, parse_read, per_dataset, placeholders
from annualreport.base.params import Params, check_known_datasets
from annualreport.base.places import places, year_folders
from annualreport.ingest.specs import load_specs
from annualreport.runner import cache, kernels, yearbefore
from annualreport.runner.cache import Store, key_of
from annualreport.runner.graph import STAGES, STEP_OF, after, asked, order, step_after, writes
from annualreport.runner.inputs import Item, key_inputs
from annualreport.runner.stages import Stage, Step

log = logging.getLogger(__name__)
PACKAGE = "annualreport"


@dataclass
class StageResult:
    name: str
    status: str  # ran, cached, would run, waiting
    seconds: float = 0.0
    reason: str = ""
    at: float = 0.0  # seconds since the build started, when it ended
    began: float = 0.0  # seconds since the build started, when it began (a stage that ran)

    def line(self) -> str:
        took = f"{self.seconds:5.1f} s" if self.status == "ran" else ""
        return f"  {self.status:<9} {self.name:<30} {took:>7}  {self.reason}".rstrip()


@dataclass
class Options:
    formats: tuple[str, ...] = ("all",)
    strict: bool = False
    force: bool = False
    dry_run: bool = False
    workers: int = 0  # 0: one per core
    timeout: int = 600
    prewarm: bool = True  # start a step's kernel while the step before it runs


@dataclass
class Build:
    """One build of one params file: what it reads and where it writes, the cache, and what happened."""

    params: Params
    options: Options
    results: list[StageResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _progress: threading.Condition = field(default_factory=threading.Condition)
    _started: set = field(default_factory=set)
    _finished: set = field(default_factory=set)
    _t0: float = field(default_factory=time.monotonic)
    _epoch: float = field(default_factory=time.time)
    _year_before: dict = field(default_factory=dict)  # {entry: yearbefore.Found}, resolved once
    _year_before_lock: threading.Lock = field(default_factory=threading.Lock)
    _handing: dict = field(default_factory=dict)  # {entry: handover key at the start} (runner/yearbefore.py)

    def __post_init__(self):
        self.root = self.params.root
        self.store = Store(self.root)
        self.scope = self.params.build_id
        self.work = self.params.work_dir
        self.places = places(self.params)
        self.folders = year_folders(self.params)
        self.specs = load_specs(self.root)
        check_known_datasets(self.params, self.specs)
        self.env = cache.environment_digests(self.root)
        unlisted = [n for n in self.specs if not self.params.lists(n)]
        if unlisted:
            self.notes.append(
                f"{self.params.year}: not listed in {self.rel(self.params.path)}, so absent this year: "
                f"{', '.join(unlisted)}"
            )

    def rel(self, p: Path) -> str:
        return p.relative_to(self.root).as_posix() if p.is_relative_to(self.root) else str(p)

    # ------------------------------------------------------------------ datasets
    def present(self) -> list[str]:
        """The datasets the first per-dataset stage produced this year (in the specs' order)."""
        first = next(s for s in STAGES if s.per_dataset)
        return [n for n in self.specs if all(self.places(a, n).exists() for a in first.writes)]

    def instances(self, stage: Stage) -> list[str]:
        """A per-dataset stage's datasets: those whose per-dataset artefacts it reads are in place; for a stage
        reading none (the first), those the params list."""
        reads = [parse_read(r) for r in stage.reads]
        made = [n for n, sel, _ in reads if not sel and n in ARTEFACTS and per_dataset(ARTEFACTS[n])]
        if not made:
            return [n for n in self.specs if self.params.lists(n)]
        return [n for n in self.specs if all(self.places(a, n).exists() for a in made)]

    def outputs(self, stage: Stage, dataset: str | None = None) -> list[Path]:
        """The files a stage (or one dataset's part of it) may write. On a cache hit, those its record does not
        list are removed (e.g. an optional dataset absent again keeps no earlier clean data)."""
        out: list[Path] = []
        for w in writes(stage):
            name, _, fixed = parse_read(w)
            pattern = ARTEFACTS[name].pattern
            holes = placeholders(ARTEFACTS[name])
            if fixed is not None:
                out.append(self.places(name, **{holes.pop(): fixed}))
            elif "dataset" in holes and dataset is not None:
                out.append(self.places(name, dataset))
            elif holes or pattern.endswith("/"):  # every instance, or a folder's files
                folder = self.places.folder(name) if holes else self.places(name)
                suffix = Path(pattern).suffix if holes else ""
                found = folder.rglob("*") if not holes else folder.glob(f"*{suffix}")
                out += sorted(p for p in found if p.is_file()) if folder.is_dir() else []
            else:
                out.append(self.places(name))
        return out

    # ------------------------------------------------------------------ bookkeeping
    def record(self, name: str, status: str, seconds: float = 0.0, reason: str = "") -> None:
        with self._lock:
            now = time.monotonic() - self._t0
            self.results.append(StageResult(name, status, seconds, reason, now, now - seconds))
        log.info("%s %s %s", status, name, reason)

    def year_before(self, entry: YearBefore) -> Item | None:
        """What the year before's own build handed on, if it is current (`runner/yearbefore.py`); resolved once,
        after waiting for a build of the year before running beside this one (not in a dry run)."""
        with self._year_before_lock:  # held while waiting: only the stage reading the entry asks for it
            if entry.name not in self._year_before:
                self._year_before[entry.name] = yearbefore.resolve(self, entry, wait=not self.options.dry_run)
            return self._year_before[entry.name].item

    def provenance(self, stage: Stage, reason: str = "") -> str:
        """`reason`, followed by where a stage reading the year before's build took it from."""
        lines = [reason] if reason else []
        for r in stage.reads:
            entry = INPUTS.get(parse_read(r)[0])
            if isinstance(entry, YearBefore):
                self.year_before(entry)
                lines += [self._year_before[entry.name].line] if self._year_before[entry.name].line else []
        return "; ".join(lines)

    def check(self, stage: Stage, name: str, inputs: dict[str, str], dataset: str | None = None) -> tuple[bool, str]:
        """(hit, reason) for stage instance `name`: a hit restores the recorded outputs; a miss says which input
        changed."""
        if not self.options.force:
            rec = self.store.lookup(self.scope, name, key_of(inputs))
            if rec is not None:
                if not self.options.dry_run:
                    self.store.restore(rec)
                    for p in self.outputs(stage, dataset):
                        if p.relative_to(self.root).as_posix() not in rec.outputs:
                            p.unlink(missing_ok=True)
                elif not self.store.in_place(rec):
                    return True, "outputs would be restored from the cache"
                return True, ""
            damaged = self.store.damaged.pop((self.scope, name), "")
            return False, damaged or cache.why(self.store.last_inputs(self.scope, name), inputs)
        return False, "forced (--force)"

    def save(self, stage: Stage, name: str, dataset: str | None = None) -> None:
        outputs = [p for p in self.outputs(stage, dataset) if p.is_file()]
        inputs = key_inputs(self, stage, dataset)
        self.store.save(self.scope, name, key_of(inputs), inputs, outputs)

    def _mark(self, name: str, what: str) -> None:
        with self._progress:
            (self._started if what == "started" else self._finished).add(name)
            self._progress.notify_all()

    # ------------------------------------------------------------------ one step
    def plan_step(self, step: Step) -> tuple[dict[str, tuple[Stage, str | None]], dict[str, str]]:
        """({instance: (stage, dataset)} of the step's stages, {instance: why it must run}); hits are restored and
        logged as cached. A whole stage that reads what a stage of the same step will rewrite runs with it."""
        instances: dict[str, tuple[Stage, str | None]] = {}
        todo: dict[str, str] = {}
        for stage in step.stages:
            datasets: list[str | None] = [None]
            if stage.per_dataset:
                datasets = self.instances(stage)
                if not self.options.dry_run:  # a dataset absent this year keeps no outputs of an earlier year
                    for n in self.specs:
                        if n not in datasets:
                            for p in self.outputs(stage, n):
                                p.unlink(missing_ok=True)
            same_step = {n for n in after(stage.name) if STEP_OF[n] is step}
            rerun = [n for n in todo if n.partition(":")[0] in same_step]
            for d in datasets:
                name = f"{stage.name}:{d}" if d else stage.name
                instances[name] = (stage, d)
                if rerun:
                    todo[name] = f"after {rerun[0].partition(':')[0]} ran"
                    continue
                hit, reason = self.check(stage, name, key_inputs(self, stage, d), d)
                reason = self.provenance(stage, reason)
                if hit:
                    self.record(name, "cached", reason=reason)
                elif self.options.dry_run:
                    self.record(name, "would run", reason=reason)
                else:
                    todo[name] = reason
        return instances, todo

    def run_step(self, step: Step) -> None:
        if not any(asked(s, self.options.formats) for s in step.stages):
            for s in step.stages:  # not asked for: none of last time's outputs may be published
                for p in self.outputs(s):
                    p.unlink(missing_ok=True)
            return
        instances, todo = self.plan_step(step)
        if not todo:
            return
        self._mark(step.name, "started")
        started = time.monotonic()
        ok = False
        try:
            with tracing.tagged(step.name):
                if step.notebook:
                    self.run_notebook(step, [d for n, (_, d) in instances.items() if n in todo and d])
                else:
                    self.notes.extend(n for n in self.call(step) if n not in self.notes)
            ok = True
        finally:
            took = time.monotonic() - started
            for name, reason in todo.items():
                stage, d = instances[name]
                if ok:
                    self.record(name, "ran", took, reason)
                # a failed gate still leaves valid per-dataset results: keep them for the rerun
                if ok or (d is not None and all(p.is_file() for p in self.outputs(stage, d))):
                    self.save(stage, name, d)

    def call(self, step: Step) -> list[str]:
        """A driver step: its function, called with the build's params, places and options; returns its notes."""
        module, _, function = step.run.partition(":")
        fn = getattr(importlib.import_module(f"{PACKAGE}.{module}"), function)
        return fn(self.params, self.places, self.options) or []

    def run_notebook(self, step: Step, datasets: list[str]) -> None:
        extra: dict = {}
        if any(s.per_dataset for s in step.stages):
            extra["datasets"] = datasets
        for s in step.stages:  # the build's options a stage reads are the notebook's parameters of that name
            for r in s.reads:
                entry = INPUTS.get(parse_read(r)[0])
                if isinstance(entry, Setting) and entry.option:
                    extra[entry.name] = entry.value(self.params, None, self.options)
                if isinstance(entry, YearBefore):  # the handed-on file, relative to the project; "": none
                    found = self.year_before(entry)
                    extra[entry.name] = self.rel(found.path) if found is not None and found.path else ""
        kernels.run_notebook(
            step.notebook,
            self.params,
            self.work,
            self.places.folder("executed"),
            self.options.timeout,
            extra,
        )

    # ------------------------------------------------------------------ the graph
    def run(self, wanted_stages: tuple[str, ...] | None = None) -> list[StageResult]:
        """Run the steps (all, or those of the named stages and what they need) with `workers` kernels."""
        steps = order(set(wanted_stages) if wanted_stages else None)
        if self.options.dry_run:  # in order, no threads: nothing runs, so nothing to overlap
            changed: set[str] = set()
            for step in steps:
                if any(d in changed for d in step_after(step)):
                    for s in step.stages:
                        name = f"{s.name}:<changed datasets>" if s.per_dataset else s.name
                        self.record(
                            name, "waiting", reason="decided after the stages above run (its key is their output)"
                        )
                    changed.add(step.name)
                    continue
                before = sum(r.status == "would run" for r in self.results)
                self.run_step(step)
                if sum(r.status == "would run" for r in self.results) > before:
                    changed.add(step.name)
            return self.results
        self.work.mkdir(parents=True, exist_ok=True)
        kernels.slots.set(self.options.workers or os.cpu_count() or 1)
        self._handing = yearbefore.handing_on(self, steps)
        futures: dict[str, Future] = {}
        # A thread per step: a step waits for its parents inside its thread, so waiting never holds back a
        # runnable one; `workers` caps how many notebooks (CPU-bound kernels) run at once.
        with ThreadPoolExecutor(max_workers=len(steps), thread_name_prefix="stage") as pool:
            for step in steps:
                parents = [(d, futures[d]) for d in step_after(step) if d in futures]
                futures[step.name] = pool.submit(self._after, step, parents)
            wait(futures.values())
        self.write_timings(steps)
        for step in steps:  # the first failure in dependency order is the one to report
            exc = futures[step.name].exception()
            if exc is not None and not isinstance(exc, _ParentFailed):
                raise exc
        return self.results

    def write_timings(self, steps: list[Step]) -> None:
        """`build/<id>/timings.json`: when each step that ran began and ended (seconds since the build started at
        `started`, a Unix time), for `make bench`'s per-stage breakdown; the stage lines say the same in words."""
        ran: dict[str, list[StageResult]] = {}
        for r in self.results:
            if r.status == "ran":
                ran.setdefault(STEP_OF[r.name.partition(":")[0]].name, []).append(r)
        rows = [
            {
                "step": step.name,
                "stages": [r.name for r in ran[step.name]],
                "began": round(min(r.began for r in ran[step.name]), 3),
                "ended": round(max(r.at for r in ran[step.name]), 3),
            }
            for step in steps
            if step.name in ran
        ]
        data = {
            "build": self.scope,
            "started": self._epoch,
            "steps": rows,
            "cached": sum(r.status == "cached" for r in self.results),
        }
        path = self.work.parent / "timings.json"
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    def _after(self, step: Step, parents: list[tuple[str, Future]]) -> None:
        """A step's thread: start its kernel early when a step before it is running (that step's output will
        very likely make this one run too), wait for the steps before it, run."""
        warm = None
        try:
            if (
                step.notebook
                and parents
                and self.options.prewarm
                and self._wait_started_or_done([n for n, _ in parents])
            ):
                imports = "\n".join([*(f"import {m}" for m in step.warm), f"import {PACKAGE}.{step.module}"])
                warm = kernels.WarmKernel.start(self.root, imports)
            for _, f in parents:
                if f.exception() is not None:
                    raise _ParentFailed()
            kernels.warm_slot.kernel = warm
            self.run_step(step)
            yearbefore.hand_on(self, step, self._handing)
        finally:
            kernels.warm_slot.kernel = None
            if warm is not None:
                warm.shutdown()
            self._mark(step.name, "finished")  # also when it failed or a step before it did

    def _wait_started_or_done(self, names: list[str]) -> bool:
        """Block until each step has started running something or finished; True if any is running."""
        with self._progress:
            self._progress.wait_for(lambda: all(j in self._started or j in self._finished for j in names))
            return any(j in self._started and j not in self._finished for j in names)


class _ParentFailed(Exception):
    """A step this one needs failed; the build reports that failure, not this one."""
