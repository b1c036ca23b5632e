"""The build's stages, their content keys, and a scheduler that runs only what changed.

Stages (one line each in the build's log):

| stage              | runs in            | inputs (besides the lock, the Python version and its code)   |
|--------------------|--------------------|---------------------------------------------------------------|
| `clean:<dataset>`  | 10-clean           | the raw file, its spec, reference tables, params slice, salt  |
| `previous`         | 15-previous-year   | last year's raw files and params, specs, figure definitions   |
| `validate:<dataset>` | 20-validate      | its clean data, its suite, the majors, params slice           |
| `validate`         | 20-validate        | every dataset's results and row accounting (summary, auditor's page, gate) |
| `data-docs`        | 25-data-docs       | every dataset's results and suites (GX Data Docs)              |
| `figures`          | 30-figures         | clean data, validation summary, the year before, figure specs, params |
| `report`           | 40-report          | the ledger, targets, narrative, params, clean data            |
| `html`, `pdf`      | the driver         | the executed report, templates, fonts / the HTML              |

A stage's key is computed when the stages before it are done, from the content of what they
produced, so a rerun that yields the same bytes stops the chain there (early cut-off). A notebook
runs when one of its stages must; clean and validate run only for the datasets that changed.
Independent notebooks (clean and the year before; later the validation beside nothing) run in
parallel threads, each driving its own fresh kernel process.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, layout
from .cache import Store, code_digests, file_digest, key_of, text_digest, tree_digests
from .errors import ReportError, StageFailed
from .params import Params, previous_params
from .paths import notebooks_dir

log = logging.getLogger(__name__)

KERNEL = "annualreport"
NOTEBOOKS = {"clean": "10-clean", "previous": "15-previous-year", "validate": "20-validate",
             "docs": "25-data-docs", "figures": "30-figures", "report": "40-report"}
# What a kernel imports while it waits for the stage before it to finish (see WarmKernel).
WARM_IMPORTS = {"validate": "import great_expectations\nfrom annualreport import stages, validate, auditor",
                "docs": "import great_expectations\nfrom annualreport import stages, validate",
                "figures": "from annualreport import stages, figures, targets",
                "report": "from annualreport import report\nimport matplotlib.pyplot"}
# The package modules each stage runs (their imports are followed); `stages` is the notebooks' glue.
CODE = {"clean": ("cleaning",), "previous": ("cleaning", "figures"), "validate": ("validate", "auditor"),
        "docs": ("validate",),
        "figures": ("figures", "targets"), "report": ("report",), "html": ("render",), "pdf": ("render",)}


@dataclass
class StageResult:
    name: str
    status: str  # ran, cached, would run, up to date, waiting
    seconds: float = 0.0
    reason: str = ""
    at: float = 0.0  # seconds since the build started, when it ended

    def line(self) -> str:
        took = f"{self.seconds:5.1f} s" if self.status == "ran" else ""
        return f"  {self.status:<9} {self.name:<30} {took:>7}  {self.reason}".rstrip()


@dataclass
class Options:
    formats: tuple[str, ...] = ("both",)
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
    store: Store = field(init=False)
    results: list[StageResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _progress: threading.Condition = field(default_factory=threading.Condition)
    _started: set = field(default_factory=set)
    _finished: set = field(default_factory=set)
    _t0: float = field(default_factory=time.monotonic)

    def __post_init__(self):
        self.root = self.params.root
        self.store = Store(self.root)
        self.scope = self.params.build_id
        self.work = self.params.work_dir
        self.executed = self.work / "notebooks"
        self.prev = previous_params(self.params)
        from .specs import load_specs

        self.specs = load_specs(self.root)
        unknown = sorted(set(self.params.data["datasets"]) - set(self.specs))
        if unknown:
            from .errors import ParamsError

            raise ParamsError(f"{self.rel(self.params.path)}: 'datasets' names unknown dataset(s): "
                              f"{', '.join(unknown)} (known: {', '.join(sorted(self.specs))})")
        self.env = cache.environment_digests(self.root)

    # ------------------------------------------------------------------ inputs
    def rel(self, p: Path) -> str:
        return p.relative_to(self.root).as_posix() if p.is_relative_to(self.root) else str(p)

    def files(self, *paths: Path) -> dict[str, str]:
        return {self.rel(p): file_digest(p) for p in paths if p.is_file()}

    def tree(self, p: Path) -> dict[str, str]:
        return tree_digests(self.root, self.rel(p)) if p.is_relative_to(self.root) else {}

    def common(self, job: str) -> dict[str, str]:
        out = dict(self.env)
        out.update(code_digests(*CODE[job]))
        if job in NOTEBOOKS:  # the notebook and its glue (not everything the glue imports)
            out["code:stages.py"] = file_digest(cache.PACKAGE / "stages.py")
            out.update(self.files(notebooks_dir(self.root) / f"{NOTEBOOKS[job]}.ipynb"))
        return out

    def raw_input(self, name: str) -> dict[str, str]:
        """The dataset's raw file by content; a file the clean stage will refuse gets a marker instead,
        so it runs and says why (a link out of the repo is not followed, a huge file not read)."""
        from .readers import find_input, refusal

        spec = self.specs[name]
        directory = self.params.reference_dir if spec.reference else self.params.raw_dir
        try:
            path = find_input(directory, spec.file, self.root)
        except ReportError as exc:
            return {f"raw:{name}": f"error:{exc}"}
        if path is None:
            return {f"raw:{name}": "absent"}
        label = f"raw:{self.rel(path)}"
        reason = refusal(path, self.root, self.params.data["build"]["max_file_mb"])
        return {label: f"refused:{reason}" if reason else file_digest(path)}

    def clean_inputs(self, name: str) -> dict[str, str]:
        from . import personal

        spec = self.specs[name]
        out = self.common("clean")
        out.update(self.raw_input(name))
        out.update(self.files(self.root / "specs" / "datasets" / f"{name}.yaml"))
        for ref, rspec in self.specs.items():  # reference tables feed other datasets' rules
            if rspec.reference and ref != name:
                out.update(self.raw_input(ref))
                out.update(self.files(self.root / "specs" / "datasets" / f"{ref}.yaml"))
        out["params"] = text_digest({"year": self.params.year, "dataset": self.params.dataset(name),
                                     "max_file_mb": self.params.data["build"]["max_file_mb"],
                                     "reference": spec.reference})
        out["salt"] = hashlib.sha256(personal.salt(str(self.root))).hexdigest()  # its digest, never the salt
        return out

    def clean_outputs(self, name: str) -> list[Path]:
        return [p for p in layout.clean_outputs(self.params, self.work, name) if p.exists()]

    def present(self) -> list[str]:
        """Datasets the clean stage produced this year (in the specs' order)."""
        return [n for n in self.specs if (self.work / "accounting" / f"{n}.csv").exists()]

    def parquet(self, names: list[str]) -> dict[str, str]:
        return self.files(*(self.params.processed_dir / f"{n}.parquet" for n in names))

    def validate_inputs(self, name: str) -> dict[str, str]:
        out = self.common("validate")
        out.update(self.files(self.root / "expectations" / f"{name}.json"))
        out.update(self.parquet([name, "majors"]))
        out["params"] = text_digest({"year": self.params.year, "cutoff": self.params.data["employment_cutoff"],
                                     "dataset": self.params.dataset(name)})
        return out

    def validate_outputs(self, name: str) -> list[Path]:
        return [p for p in layout.validation_outputs(self.work, name) if p.exists()]

    def summary_inputs(self, names: list[str]) -> dict[str, str]:
        out = self.common("validate")
        for n in names:
            result, _raw, part = layout.validation_outputs(self.work, n)
            out.update(self.files(result, part, self.work / "accounting" / f"{n}.csv",
                                  self.params.processed_dir / "quarantine" / f"{n}.csv"))
        out.update(self.tree(self.root / "templates" / "validation"))
        out.update(self.files(self.root / "templates" / "report" / "report.css"))
        out["fonts"] = self.font_key()
        out["params"] = text_digest({"institution": self.params.institution, "year": self.params.year,
                                     "allow_warnings": self.params.allow_warnings,
                                     "strict": self.options.strict})
        return out

    def summary_outputs(self) -> list[Path]:
        return [p for p in (self.work / "validation" / "summary.csv", self.work / "validation.html") if p.exists()]

    def docs_inputs(self, names: list[str]) -> dict[str, str]:
        """Data Docs depend only on the validation results and the suites (not on the gate)."""
        out = {**self.env, **code_digests("validate")}
        for n in names:
            out.update(self.files(layout.validation_outputs(self.work, n)[0],
                                  self.root / "expectations" / f"{n}.json"))
        out["year"] = str(self.params.year)
        return out

    def docs_outputs(self) -> list[Path]:
        docs = self.work / "validation" / "data_docs"
        return sorted(p for p in docs.rglob("*") if p.is_file()) if docs.is_dir() else []

    def previous_inputs(self) -> dict[str, str]:
        out = self.common("previous")
        if self.prev is None:
            out["previous"] = "none"
            return out
        out.update(self.files(self.prev.path))
        out.update(self.tree(self.prev.raw_dir))
        out.update(self.tree(self.prev.reference_dir))
        out.update(self.tree(self.root / "specs"))
        return out

    def figures_inputs(self) -> dict[str, str]:
        names = self.present()
        out = self.common("figures")
        out.update(self.parquet(names))
        out.update(self.files(*(self.work / "accounting" / f"{n}.csv" for n in names)))
        out.update(self.files(self.work / "validation" / "summary.csv", self.work / "figures_previous.csv",
                              self.params.path, *([self.prev.path] if self.prev else [])))
        out.update(self.tree(self.root / "specs" / "figures"))
        return out

    def report_inputs(self) -> dict[str, str]:
        out = self.common("report")
        out.update(self.parquet(self.present()))
        out.update(self.files(*(self.work / n for n in ("figures.csv", "figures_previous.csv", "targets.csv",
                                                        "row_accounting.csv")),
                              self.work / "validation" / "summary.csv", self.params.path))
        out.update(self.tree(self.params.narrative_dir))
        out.update(self.tree(self.root / "specs" / "datasets"))
        out["fonts"] = self.font_key()
        return out

    def html_inputs(self) -> dict[str, str]:
        out = self.common("html")
        out.update(self.files(self.executed / "40-report.ipynb", self.params.path))
        out.update(self.tree(self.root / "templates" / "report"))
        out["fonts"] = self.font_key()
        return out

    def pdf_inputs(self) -> dict[str, str]:
        out = self.common("pdf")
        out.update(self.files(self.work / "report.html"))
        return out

    def font_key(self) -> str:
        from . import fonts

        return fonts.font_key()

    # ------------------------------------------------------------------ bookkeeping
    def record(self, name: str, status: str, seconds: float = 0.0, reason: str = "") -> None:
        with self._lock:
            self.results.append(StageResult(name, status, seconds, reason, time.monotonic() - self._t0))
        log.info("%s %s %s", status, name, reason)

    def declared(self, name: str) -> list[Path]:
        """Files a stage may write: on a cache hit, those its record does not list are removed
        (e.g. an optional dataset absent again must not keep an earlier run's clean data)."""
        kind, _, ds = name.partition(":")
        if kind == "clean":
            return layout.clean_outputs(self.params, self.work, ds)
        if kind == "validate" and ds:
            return layout.validation_outputs(self.work, ds)
        if name == "previous":
            return [self.work / layout.PREVIOUS_FILE]
        if name == "figures":
            return [self.work / "targets.csv"]
        if name == "pdf":
            return [self.work / "report.pdf"]
        return []

    def check(self, name: str, inputs: dict[str, str]) -> tuple[bool, str]:
        """(hit, reason): a hit restores the recorded outputs; a miss says which input changed."""
        key = key_of(inputs)
        if not self.options.force:
            rec = self.store.lookup(self.scope, name, key)
            if rec is not None:
                if not self.options.dry_run:
                    self.store.restore(rec)
                    for p in self.declared(name):
                        if p.relative_to(self.root).as_posix() not in rec.outputs:
                            p.unlink(missing_ok=True)
                elif not self.store.in_place(rec):
                    return True, "outputs would be restored from the cache"
                return True, ""
        if self.options.force:
            return False, "forced (--force)"
        return False, cache.why(self.store.last_inputs(self.scope, name), inputs)

    def save(self, name: str, inputs: dict[str, str], outputs: list[Path]) -> None:
        self.store.save(self.scope, name, key_of(inputs), inputs, outputs)

    # ------------------------------------------------------------------ jobs
    def job_clean(self) -> None:
        names = [n for n in self.specs]
        inputs = {n: self.clean_inputs(n) for n in names}
        todo = self.misses({f"clean:{n}": inputs[n] for n in names})
        if todo:
            self.run_notebook("clean", {"datasets": [n.split(":", 1)[1] for n in todo]}, list(todo), todo)
            for n in todo:
                self.save(n, inputs[n.split(":", 1)[1]], self.clean_outputs(n.split(":", 1)[1]))
        if not self.options.dry_run:
            layout.combine_accounting(self.params, self.work, list(self.specs))

    def job_previous(self) -> None:
        self.single("previous", self.previous_inputs, lambda: [p for p in [self.work / "figures_previous.csv"] if p.exists()],
                    notebook="previous")

    def job_validate(self) -> None:
        names = self.present()
        inputs = {n: self.validate_inputs(n) for n in names}
        todo = self.misses({f"validate:{n}": inputs[n] for n in names})
        if todo:
            reason = "datasets revalidated"
        else:
            hit, reason = self.check("validate", self.summary_inputs(names))
            if hit:
                self.record("validate", "cached", reason=reason)
                return
            if self.options.dry_run:
                self.record("validate", "would run", reason=reason)
                return
        try:
            self.run_notebook("validate", {"datasets": [n.split(":", 1)[1] for n in todo],
                                           "strict": self.options.strict},
                              [*todo, "validate"], {**todo, "validate": reason})
        finally:  # a failed gate still leaves valid per-dataset results: keep them for the rerun
            for n in todo:
                outputs = self.validate_outputs(n.split(":", 1)[1])
                if len(outputs) == 3:
                    self.save(n, inputs[n.split(":", 1)[1]], outputs)
        self.save("validate", self.summary_inputs(names), self.summary_outputs())

    def job_docs(self) -> None:
        names = self.present()
        self.single("data-docs", lambda: self.docs_inputs(names), self.docs_outputs, notebook="docs")

    def job_figures(self) -> None:
        self.single("figures", self.figures_inputs,
                    lambda: [p for p in (self.work / n for n in ("figures.csv", "figures.xlsx", "targets.csv"))
                             if p.exists()], notebook="figures")

    def job_report(self) -> None:
        self.single("report", self.report_inputs, lambda: [self.executed / "40-report.ipynb"], notebook="report")

    def job_html(self) -> None:
        def run():
            from .render import render_html

            title = report_title(self.params)
            colophon = (f"{self.params.institution['name']} · {self.params.year}年度 · 本报告由 annualreport "
                        f"根据各部门数据生成，每个数字可在 figures.csv 中追溯来源")
            render_html(self.executed / "40-report.ipynb", self.work / "report.html", title, colophon)

        self.single("html", self.html_inputs, lambda: [self.work / "report.html"], fn=run)

    def job_pdf(self) -> None:
        if not ({"pdf", "both"} & set(self.options.formats)):
            (self.work / "report.pdf").unlink(missing_ok=True)
            return

        def run():
            from .render import PdfUnavailable, pdf_or_note

            try:
                pdf, notes = pdf_or_note(self.work / "report.html", self.work / "report.pdf", self.options.formats)
            except PdfUnavailable as exc:
                raise ReportError(str(exc)) from None
            if pdf is None:
                (self.work / "report.pdf").unlink(missing_ok=True)
            self.notes.extend(notes)

        self.single("pdf", self.pdf_inputs, lambda: [p for p in [self.work / "report.pdf"] if p.exists()], fn=run)

    def single(self, name: str, inputs_fn, outputs_fn, notebook: str | None = None, fn=None) -> None:
        inputs = inputs_fn()
        hit, reason = self.check(name, inputs)
        if hit:
            self.record(name, "cached", reason=reason)
            return
        if self.options.dry_run:
            self.record(name, "would run", reason=reason)
            return
        if notebook:
            self.run_notebook(notebook, {}, [name], {name: reason})
        else:
            self._mark(name, "started")
            started = time.monotonic()
            fn()
            self.record(name, "ran", time.monotonic() - started, reason)
        self.save(name, inputs_fn(), outputs_fn())

    def misses(self, stages: dict[str, dict[str, str]]) -> dict[str, str]:
        """{stage: reason} for the stages that must run; hits are restored and logged as cached."""
        todo = {}
        for name, inputs in stages.items():
            hit, reason = self.check(name, inputs)
            if hit:
                self.record(name, "cached", reason=reason)
            elif self.options.dry_run:
                self.record(name, "would run", reason=reason)
            else:
                todo[name] = reason
        return {} if self.options.dry_run else todo

    # ------------------------------------------------------------------ running notebooks
    def run_notebook(self, job: str, extra: dict, names: list[str], reasons: dict[str, str]) -> None:
        self._mark(job, "started")
        started = time.monotonic()
        run_notebook(NOTEBOOKS[job], self.params, self.work, self.executed, self.options.timeout, extra)
        took = time.monotonic() - started
        for n in names:
            self.record(n, "ran", took, reasons.get(n, ""))

    # ------------------------------------------------------------------ the graph
    GRAPH = {"clean": (), "previous": (), "validate": ("clean",), "docs": ("validate",),
             "figures": ("validate", "previous"),
             "report": ("figures",), "html": ("report",), "pdf": ("html",)}

    def run(self, jobs: tuple[str, ...] | None = None) -> list[StageResult]:
        """Run the jobs (all, or the named ones and what they need) with `workers` threads."""
        wanted = set(jobs or self.GRAPH)
        for j in list(wanted):
            wanted |= set(_ancestors(self.GRAPH, j))
        order = [j for j in _topological(self.GRAPH) if j in wanted]
        if self.options.dry_run:  # in order, no threads: nothing runs, so nothing to overlap
            changed: set[str] = set()
            for job in order:
                if any(d in changed for d in self.GRAPH[job]):
                    self.record_pending(job)
                    changed.add(job)
                    continue
                before = sum(r.status == "would run" for r in self.results)
                getattr(self, f"job_{job}")()
                if sum(r.status == "would run" for r in self.results) > before:
                    changed.add(job)
            return self.results
        self.work.mkdir(parents=True, exist_ok=True)
        _KERNELS.set(self.options.workers or os.cpu_count() or 1)
        futures: dict[str, Future] = {}
        # A thread per job: a job waits for its parents inside its thread, so waiting never holds
        # back a runnable job; `workers` caps how many notebooks (CPU-bound kernels) run at once.
        with ThreadPoolExecutor(max_workers=len(order), thread_name_prefix="stage") as pool:
            for job in order:
                parents = [(d, futures[d]) for d in self.GRAPH[job] if d in futures]
                futures[job] = pool.submit(self._after, job, parents, getattr(self, f"job_{job}"))
            wait(futures.values())
        for job in order:  # the first failure in dependency order is the one to report
            exc = futures[job].exception()
            if exc is not None and not isinstance(exc, _ParentFailed):
                raise exc
        return self.results

    def _after(self, job: str, parents: list[tuple[str, Future]], fn) -> None:
        """A job's thread: start its kernel early when a stage before it is running (that stage's
        output will very likely make this one run too), wait for the stages before it, run."""
        warm = None
        try:
            if job in WARM_IMPORTS and parents and self.options.prewarm:
                running = self._wait_started_or_done([name for name, _ in parents])
                if running:
                    warm = WarmKernel.start(self.root, WARM_IMPORTS[job])
            for _, f in parents:
                if f.exception() is not None:
                    raise _ParentFailed()
            _WARM.kernel = warm
            fn()
        finally:
            _WARM.kernel = None
            if warm is not None:
                warm.shutdown()
            self._mark(job, "finished")  # also when it failed or a stage before it did

    def _wait_started_or_done(self, jobs: list[str]) -> bool:
        """Block until each job has started running something or finished; True if any is running."""
        with self._progress:
            self._progress.wait_for(lambda: all(j in self._started or j in self._finished for j in jobs))
            return any(j in self._started and j not in self._finished for j in jobs)

    def _mark(self, job: str, what: str) -> None:
        with self._progress:
            (self._started if what == "started" else self._finished).add(job)
            self._progress.notify_all()

    def record_pending(self, job: str) -> None:
        names = {"validate": ["validate:<changed datasets>", "validate"], "docs": ["data-docs"]}.get(job, [job])
        for n in names:
            self.record(n, "waiting", reason="decided after the stages above run (its key is their output)")


class _ParentFailed(Exception):
    """A stage this one needs failed; the build reports that failure, not this one."""


def report_title(params: Params) -> str:
    """The page title: `institution.report_title` from the params, else the narrative outline's title."""
    if params.institution.get("report_title"):
        return params.institution["report_title"]
    from .narrative import load_outline

    title = load_outline(params.narrative_dir).title
    for key, value in (("{institution}", params.institution["name"]), ("{next_year}", str(params.year + 1)),
                       ("{prev_year}", str(params.year - 1)), ("{year}", str(params.year))):
        title = title.replace(key, value)
    return title


def _ancestors(graph: dict, job: str) -> list[str]:
    out = []
    for d in graph[job]:
        out += [d, *_ancestors(graph, d)]
    return out


def _topological(graph: dict) -> list[str]:
    order: list[str] = []

    def visit(j):
        if j in order:
            return
        for d in graph[j]:
            visit(d)
        order.append(j)

    for j in graph:
        visit(j)
    return order


class WarmKernel:
    """A fresh kernel started ahead of its notebook, with the notebook's heavy imports done
    (silently: no history, no execution count). It runs exactly one notebook, like a kernel
    papermill would start, so no state passes between notebooks; only the waiting is overlapped.
    Started, used and shut down in the same thread (the thread's event loop drives it)."""

    def __init__(self, km):
        self.km = km
        self.used = False

    @classmethod
    def start(cls, root: Path, code: str) -> "WarmKernel | None":
        with _IMPORTS:
            from jupyter_client.manager import AsyncKernelManager
            from jupyter_core.utils import run_sync
        _ensure_kernel_once()

        async def boot():
            km = AsyncKernelManager(kernel_name=KERNEL)
            await km.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"], cwd=str(root))
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=60)
                # Queue the imports and return: the kernel works through them while this thread
                # waits for the stage before; the notebook's first cell simply queues behind them.
                kc.execute(code, silent=True, store_history=False)
                await asyncio.sleep(0.05)
            finally:
                kc.stop_channels()
            return km

        logging.getLogger("traitlets").setLevel(logging.ERROR)  # a client papermill leaves to GC
        try:
            return cls(run_sync(boot)())
        except Exception as exc:  # a warm kernel is an optimisation: fall back to a cold one
            log.warning("could not prestart a kernel (%s); the notebook starts its own", exc)
            return None

    def take(self):
        self.used = True
        return self.km

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        async def stop():
            if self.km.has_kernel:
                await self.km.shutdown_kernel(now=True)

        try:
            run_sync(stop)()
        except Exception as exc:  # pragma: no cover - best effort
            log.debug("warm kernel shutdown: %s", exc)


_WARM = threading.local()
_IMPORTS = threading.Lock()


class _KernelSlots:
    """At most `workers` notebooks execute at once (each is a CPU-bound kernel process)."""

    def __init__(self):
        self._sem = threading.BoundedSemaphore(1)

    def set(self, n: int) -> None:
        self._sem = threading.BoundedSemaphore(max(1, n))

    def __enter__(self):
        self._sem.acquire()

    def __exit__(self, *exc):
        self._sem.release()


_KERNELS = _KernelSlots()


def ensure_kernel() -> None:
    """The notebooks run on kernel 'annualreport' = this interpreter. Register it if missing."""
    import json
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if KERNEL in specs:
        spec = json.loads((Path(specs[KERNEL]) / "kernel.json").read_text())
        if Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve():
            return
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL, display_name="annualreport (.venv)", prefix=sys.prefix)
    log.info("registered Jupyter kernel '%s' -> %s", KERNEL, sys.executable)


_KERNEL_CHECKED = threading.Lock()
_kernel_ok: list[bool] = []


def _ensure_kernel_once() -> None:
    with _KERNEL_CHECKED, _IMPORTS:
        if not _kernel_ok:
            ensure_kernel()
            _kernel_ok.append(True)


def run_notebook(name: str, params: Params, work: Path, executed_dir: Path, timeout: int,
                 extra: dict | None = None) -> Path:
    """Execute one notebook with papermill's API in a fresh kernel; raise StageFailed naming the
    executed notebook on an error, a dead kernel or a timeout."""
    with _IMPORTS:  # first imports from two threads at once can see a half-initialised module
        import papermill as pm

    root = params.root
    executed_dir.mkdir(parents=True, exist_ok=True)
    out = executed_dir / f"{name}.ipynb"
    parameters = {"year": params.year, "params_file": str(params.path.relative_to(root)),
                  "work_dir": str(work.relative_to(root)), **(extra or {})}
    rel = out.relative_to(root)
    _ensure_kernel_once()
    warm = getattr(_WARM, "kernel", None)
    engine = {"km": warm.take()} if warm is not None else {}
    with _KERNELS:
        try:
            pm.execute_notebook(str(notebooks_dir(root) / f"{name}.ipynb"), str(out), parameters=parameters,
                                kernel_name=KERNEL, cwd=str(root), progress_bar=False, log_output=False,
                                execution_timeout=timeout, extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                **engine)
        except pm.PapermillExecutionError as exc:
            reason = exc.evalue.strip().splitlines()[0] if exc.evalue.strip() else exc.ename
            raise StageFailed(f"{name}: {exc.ename}: {reason} (executed notebook: {rel})") from None
        except Exception as exc:  # kernel died, timeout, missing kernel ...
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise StageFailed(f"{name}: {type(exc).__name__}: {text} (executed notebook: {rel})") from None
    return out
