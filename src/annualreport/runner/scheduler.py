"""The scheduler: runs the stages `stages.STAGES` declares, only those whose key changed.

A stage's key is computed when the stages before it are done, from the content of what they
produced, so a rerun that yields the same bytes stops the chain there (early cut-off). A notebook
runs when one of its stages must; per-dataset stages run only for the datasets that changed.
Independent stages (clean and the year before; Data Docs beside the figures) run in parallel
threads, each driving its own fresh kernel process; `workers` caps the kernels at once.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from annualreport.base.catalog import combine, places
from annualreport.base.digests import file_digest, tree_digests
from annualreport.base.errors import ReportError
from annualreport.base.params import Params, check_known_datasets, previous_params
from annualreport.base.paths import notebooks_dir
from annualreport.runner import cache, kernels
from annualreport.runner.cache import Store, code_digests, key_of
from annualreport.runner.stages import ASKED_BY, BY_NAME, STAGES, SUMMARY_INPUTS, Stage, asks_for, declared_outputs

log = logging.getLogger(__name__)

ENTRYPOINTS = cache.PACKAGE / "entrypoints.py"  # the notebooks' glue (not everything it imports)


@dataclass
class StageResult:
    name: str
    status: str  # ran, cached, would run, waiting
    seconds: float = 0.0
    reason: str = ""
    at: float = 0.0  # seconds since the build started, when it ended

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
    prewarm: bool = True  # start a stage's kernel while the stage before it runs


@dataclass
class Pipeline:
    params: Params
    options: Options
    results: list[StageResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _progress: threading.Condition = field(default_factory=threading.Condition)
    _started: set = field(default_factory=set)
    _finished: set = field(default_factory=set)
    _t0: float = field(default_factory=time.monotonic)

    def __post_init__(self):
        from annualreport.ingest.specs import load_specs

        self.root = self.params.root
        self.store = Store(self.root)
        self.scope = self.params.build_id
        self.work = self.params.work_dir
        self.places = places(self.params)
        self.prev = previous_params(self.params)
        self.specs = load_specs(self.root)
        check_known_datasets(self.params, self.specs)
        self.env = cache.environment_digests(self.root)
        unlisted = [n for n in self.specs if not self.params.lists(n)]
        if unlisted:
            self.notes.append(
                f"{self.params.year}: not listed in {self.rel(self.params.path)}, so absent this year: "
                f"{', '.join(unlisted)}"
            )

    # ------------------------------------------------------------------ helpers for the stages' inputs
    def rel(self, p: Path) -> str:
        return p.relative_to(self.root).as_posix() if p.is_relative_to(self.root) else str(p)

    def digest(self, p: Path) -> str:
        return file_digest(p)

    def files(self, *paths: Path) -> dict[str, str]:
        return {self.rel(p): file_digest(p) for p in paths if p.is_file()}

    def tree(self, p: Path) -> dict[str, str]:
        return tree_digests(self.root, self.rel(p)) if p.is_relative_to(self.root) else {}

    def at(self, artefact: str, dataset: str | None = None, notebook: str | None = None) -> Path:
        return self.places(artefact, dataset, notebook)

    def common(self, stage: str) -> dict[str, str]:
        """What every key of a stage holds: the lock, the Python version, its code and its notebook."""
        s = BY_NAME[stage]
        out = dict(self.env)
        out.update(code_digests(*s.code))
        if s.notebook:
            out["code:entrypoints.py"] = file_digest(ENTRYPOINTS)
            out.update(self.files(notebooks_dir(self.root) / f"{s.notebook}.ipynb"))
        return out

    def present(self) -> list[str]:
        """Datasets the clean stage produced this year (in the specs' order)."""
        return [n for n in self.specs if self.at("accounting_part", n).exists()]

    def font_key(self) -> str:
        from annualreport.typeset import fonts

        return fonts.font_key()

    # ------------------------------------------------------------------ bookkeeping
    def record(self, name: str, status: str, seconds: float = 0.0, reason: str = "") -> None:
        with self._lock:
            self.results.append(StageResult(name, status, seconds, reason, time.monotonic() - self._t0))
        log.info("%s %s %s", status, name, reason)

    def check(self, name: str, inputs: dict[str, str]) -> tuple[bool, str]:
        """(hit, reason): a hit restores the recorded outputs; a miss says which input changed."""
        key = key_of(inputs)
        if not self.options.force:
            rec = self.store.lookup(self.scope, name, key)
            if rec is not None:
                if not self.options.dry_run:
                    self.store.restore(rec)
                    for p in declared_outputs(self, name):
                        if p.relative_to(self.root).as_posix() not in rec.outputs:
                            p.unlink(missing_ok=True)
                elif not self.store.in_place(rec):
                    return True, "outputs would be restored from the cache"
                return True, ""
        if self.options.force:
            return False, "forced (--force)"
        damaged = self.store.damaged.pop((self.scope, name), "")
        return False, damaged or cache.why(self.store.last_inputs(self.scope, name), inputs)

    def save(self, name: str, inputs: dict[str, str]) -> None:
        outputs = [p for p in declared_outputs(self, name) if p.is_file()]
        self.store.save(self.scope, name, key_of(inputs), inputs, outputs)

    def misses(self, keys: dict[str, dict[str, str]]) -> dict[str, str]:
        """{stage: reason} for the stages that must run; hits are restored and logged as cached."""
        todo = {}
        for name, inputs in keys.items():
            hit, reason = self.check(name, inputs)
            if hit:
                self.record(name, "cached", reason=reason)
            elif self.options.dry_run:
                self.record(name, "would run", reason=reason)
            else:
                todo[name] = reason
        return {} if self.options.dry_run else todo

    # ------------------------------------------------------------------ running one stage
    def run_stage(self, stage: Stage) -> None:
        if stage.per_dataset:
            self.run_per_dataset(stage)
        elif stage.name in ASKED_BY and not asks_for(self.options.formats, stage.name):
            for artefact in stage.writes:  # not asked for: none of last time's may be published
                self.at(artefact).unlink(missing_ok=True)
        else:
            self.run_whole(stage)

    def run_per_dataset(self, stage: Stage) -> None:
        if stage.name == "clean":  # a dataset the params do not list is absent: no stage, no stale outputs
            names = [n for n in self.specs if self.params.lists(n)]
            for n in self.specs:
                if n not in names and not self.options.dry_run:
                    for path in declared_outputs(self, f"clean:{n}"):
                        path.unlink(missing_ok=True)
        else:
            names = self.present()
        inputs = {f"{stage.name}:{n}": stage.inputs(self, n) for n in names}
        todo = self.misses(inputs)
        reasons, ran = dict(todo), list(todo)
        if stage.name == "validate":  # its whole-year part: the summary, the auditor's page, the gate
            if todo:
                reasons["validate"] = "datasets revalidated"
            else:
                hit, reason = self.check("validate", SUMMARY_INPUTS(self))
                if hit or self.options.dry_run:
                    self.record("validate", "cached" if hit else "would run", reason=reason)
                    return
                reasons["validate"] = reason
            ran.append("validate")
        if ran:
            extra = {"datasets": [n.split(":", 1)[1] for n in todo]}
            if stage.name == "validate":
                extra["strict"] = self.options.strict
            try:
                self.run_notebook(stage, extra, ran, reasons)
            finally:  # a failed gate still leaves valid per-dataset results: keep them for the rerun
                for n in todo:
                    if stage.name == "clean" or all(p.is_file() for p in declared_outputs(self, n)):
                        self.save(n, inputs[n])
            if stage.name == "validate":
                self.save("validate", SUMMARY_INPUTS(self))
        if stage.name == "clean" and not self.options.dry_run:
            combine(self.places, "accounting_part", "accounting", list(self.specs))

    def run_whole(self, stage: Stage) -> None:
        inputs = stage.inputs(self)
        hit, reason = self.check(stage.name, inputs)
        if hit:
            self.record(stage.name, "cached", reason=reason)
            return
        if self.options.dry_run:
            self.record(stage.name, "would run", reason=reason)
            return
        if stage.notebook:
            self.run_notebook(stage, {}, [stage.name], {stage.name: reason})
        else:
            self._mark(stage.name, "started")
            started = time.monotonic()
            IN_PROCESS[stage.name](self)
            self.record(stage.name, "ran", time.monotonic() - started, reason)
        self.save(stage.name, stage.inputs(self))

    def run_notebook(self, stage: Stage, extra: dict, names: list[str], reasons: dict[str, str]) -> None:
        self._mark(stage.name, "started")
        started = time.monotonic()
        kernels.run_notebook(
            stage.notebook,
            self.params,
            self.work,
            self.at("executed", notebook=stage.notebook).parent,
            self.options.timeout,
            extra,
        )
        took = time.monotonic() - started
        for n in names:
            self.record(n, "ran", took, reasons.get(n, ""))

    # ------------------------------------------------------------------ the graph
    def run(self, wanted_stages: tuple[str, ...] | None = None) -> list[StageResult]:
        """Run the stages (all, or the named ones and what they need) with `workers` kernels."""
        wanted = set(wanted_stages or BY_NAME)
        for name in list(wanted):
            wanted |= set(_ancestors(name))
        order = [s for s in STAGES if s.name in wanted]  # STAGES is in dependency order
        if self.options.dry_run:  # in order, no threads: nothing runs, so nothing to overlap
            changed: set[str] = set()
            for stage in order:
                if any(d in changed for d in stage.after):
                    self.record_pending(stage)
                    changed.add(stage.name)
                    continue
                before = sum(r.status == "would run" for r in self.results)
                self.run_stage(stage)
                if sum(r.status == "would run" for r in self.results) > before:
                    changed.add(stage.name)
            return self.results
        self.work.mkdir(parents=True, exist_ok=True)
        kernels.slots.set(self.options.workers or os.cpu_count() or 1)
        futures: dict[str, Future] = {}
        # A thread per stage: a stage waits for its parents inside its thread, so waiting never holds
        # back a runnable one; `workers` caps how many notebooks (CPU-bound kernels) run at once.
        with ThreadPoolExecutor(max_workers=len(order), thread_name_prefix="stage") as pool:
            for stage in order:
                parents = [(d, futures[d]) for d in stage.after if d in futures]
                futures[stage.name] = pool.submit(self._after, stage, parents)
            wait(futures.values())
        for stage in order:  # the first failure in dependency order is the one to report
            exc = futures[stage.name].exception()
            if exc is not None and not isinstance(exc, _ParentFailed):
                raise exc
        return self.results

    def _after(self, stage: Stage, parents: list[tuple[str, Future]]) -> None:
        """A stage's thread: start its kernel early when a stage before it is running (that stage's
        output will very likely make this one run too), wait for the stages before it, run."""
        warm = None
        try:
            if (
                stage.warm
                and parents
                and self.options.prewarm
                and self._wait_started_or_done([name for name, _ in parents])
            ):
                warm = kernels.WarmKernel.start(self.root, stage.warm)
            for _, f in parents:
                if f.exception() is not None:
                    raise _ParentFailed()
            kernels.warm_slot.kernel = warm
            self.run_stage(stage)
        finally:
            kernels.warm_slot.kernel = None
            if warm is not None:
                warm.shutdown()
            self._mark(stage.name, "finished")  # also when it failed or a stage before it did

    def _wait_started_or_done(self, names: list[str]) -> bool:
        """Block until each stage has started running something or finished; True if any is running."""
        with self._progress:
            self._progress.wait_for(lambda: all(j in self._started or j in self._finished for j in names))
            return any(j in self._started and j not in self._finished for j in names)

    def _mark(self, name: str, what: str) -> None:
        with self._progress:
            (self._started if what == "started" else self._finished).add(name)
            self._progress.notify_all()

    def record_pending(self, stage: Stage) -> None:
        names = ["validate:<changed datasets>", "validate"] if stage.name == "validate" else [stage.name]
        for n in names:
            self.record(n, "waiting", reason="decided after the stages above run (its key is their output)")


class _ParentFailed(Exception):
    """A stage this one needs failed; the build reports that failure, not this one."""


def _ancestors(name: str) -> list[str]:
    out = []
    for d in BY_NAME[name].after:
        out += [d, *_ancestors(d)]
    return out


# ---------------------------------------------------------------------- stages the driver runs itself
def _html(pipe: Pipeline) -> None:
    from annualreport.report.render import render_html

    # No colophon: the report names no tool (its sources are under each chart and table, the ledger is the annex).
    render_html(pipe.at("executed", notebook="40-report"), pipe.at("report_html"), report_title(pipe.params))


def _annex(pipe: Pipeline) -> None:
    from annualreport.report.annex import write_annex

    write_annex(pipe.params, pipe.work, pipe.at("ledger_annex"), report_title(pipe.params))


def _pdf_of(pipe: Pipeline, source: str, target: str, child: bool) -> None:
    from annualreport.report.render import PdfUnavailable, pdf_or_note

    # `all` asks for the PDF as `both` does: without pango, a note and no PDF rather than a failure
    formats = tuple("both" if f == "all" else f for f in pipe.options.formats)
    try:
        pdf, notes = pdf_or_note(pipe.at(source), pipe.at(target), formats, child=child)
    except PdfUnavailable as exc:
        raise ReportError(str(exc)) from None
    if pdf is None:
        pipe.at(target).unlink(missing_ok=True)
    pipe.notes.extend(n for n in notes if n not in pipe.notes)  # the pango note once, not once per file


def _pdf(pipe: Pipeline) -> None:
    _pdf_of(pipe, "report_html", "report_pdf", child=False)


def _annex_pdf(pipe: Pipeline) -> None:
    # laid out by a child process: this thread only waits, so the driver's other stages (the report's
    # HTML and PDF) go on beside it on another core
    _pdf_of(pipe, "ledger_annex", "ledger_annex_pdf", child=True)


def _docx(pipe: Pipeline) -> None:
    from annualreport.report.word import write_docx

    write_docx(
        pipe.params,
        pipe.at("report_html"),
        pipe.places.read("ledger"),
        pipe.at("report_docx"),
        report_title(pipe.params),
    )


IN_PROCESS = {"html": _html, "annex": _annex, "pdf": _pdf, "annex-pdf": _annex_pdf, "docx": _docx}


def report_title(params: Params) -> str:
    """The page title: `institution.report_title` from the params, else the narrative outline's title."""
    if params.institution.get("report_title"):
        return params.institution["report_title"]
    from annualreport.base.outline import load_outline

    title = load_outline(params.narrative_dir).title
    for key, value in (
        ("{institution}", params.institution["name"]),
        ("{next_year}", str(params.year + 1)),
        ("{prev_year}", str(params.year - 1)),
        ("{year}", str(params.year)),
    ):
        title = title.replace(key, value)
    return title
