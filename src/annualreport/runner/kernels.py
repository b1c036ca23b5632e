"""Jupyter kernels for the build: the registered kernel, kernels started ahead of their notebook,
the cap on notebooks running at once, and running one notebook with papermill's API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import threading
from pathlib import Path

from jupyter_core.utils import run_sync

from annualreport.base.errors import StageFailed
from annualreport.base.params import Params
from annualreport.base.paths import notebooks_dir

log = logging.getLogger(__name__)

KERNEL = "annualreport"


# A kernel says nothing on the build's terminal: what fails in a notebook reaches the analyst as the build's one
# error line (StageFailed). Its own log would add "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel." each
# time a kernel is shut down while it waits (a warm kernel a failed build no longer needs, and after every run).
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


class WarmKernel:
    """A fresh kernel started ahead of its notebook, with the notebook's heavy imports done
    (silently: no history, no execution count). It runs exactly one notebook, like a kernel
    papermill would start, so no state passes between notebooks; only the waiting is overlapped.
    Started, used and shut down in the same thread (the thread's event loop drives it)."""

    def __init__(self, km):
        self.km = km
        self.used = False

    @classmethod
    def start(cls, root: Path, code: str) -> WarmKernel | None:
        with _IMPORTS:
            from jupyter_client.manager import AsyncKernelManager
        _ensure_kernel_once()

        async def boot():
            km = AsyncKernelManager(kernel_name=KERNEL)
            await km.start_kernel(extra_arguments=KERNEL_ARGS, cwd=str(root))
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=60)
                # Queue the imports and return: the kernel works through them while this thread
                # waits for the stage before; the notebook's first cell simply queues behind them.
                kc.execute(code, silent=True, store_history=False)
                await asyncio.sleep(0.05)
            except BaseException:  # not ready in time (a busy machine): no kernel may outlive the build
                with contextlib.suppress(Exception):
                    await km.shutdown_kernel(now=True)
                raise
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
        async def stop():
            if self.km.has_kernel:
                await self.km.shutdown_kernel(now=True)

        try:
            run_sync(stop)()
        except Exception as exc:  # pragma: no cover - best effort
            log.debug("warm kernel shutdown: %s", exc)


warm_slot = threading.local()  # the kernel started ahead for the notebook this thread runs next
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


slots = _KernelSlots()


def ensure_kernel() -> None:
    """The notebooks run on kernel 'annualreport' = this interpreter. Register it if missing."""

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


def run_notebook(
    name: str, params: Params, work: Path, executed_dir: Path, timeout: int, extra: dict | None = None
) -> Path:
    """Execute one notebook with papermill's API in a fresh kernel; raise StageFailed naming the
    executed notebook on an error, a dead kernel or a timeout."""
    with _IMPORTS:  # first imports from two threads at once can see a half-initialised module
        import papermill as pm

    root = params.root
    executed_dir.mkdir(parents=True, exist_ok=True)
    out = executed_dir / f"{name}.ipynb"
    parameters = {
        "params_file": str(params.path.relative_to(root)),
        "work_dir": str(work.relative_to(root)),
        **(extra or {}),
    }
    rel = out.relative_to(root)
    _ensure_kernel_once()
    warm = getattr(warm_slot, "kernel", None)
    engine = {"km": warm.take()} if warm is not None else {}
    with slots:
        try:
            for attempt in (1, 2):
                try:
                    pm.execute_notebook(
                        str(notebooks_dir(root) / f"{name}.ipynb"),
                        str(out),
                        parameters=parameters,
                        kernel_name=KERNEL,
                        cwd=str(root),
                        progress_bar=False,
                        log_output=False,
                        execution_timeout=timeout,
                        extra_arguments=KERNEL_ARGS,
                        **engine,
                    )
                    break
                except Exception as exc:
                    # A kernel that never came up (a busy machine, a port taken between choosing and
                    # binding it) ran nothing: start a fresh one, once, and say so.
                    if attempt == 2 or not _never_started(exc):
                        raise
                    log.warning("%s: the kernel did not start (%s); starting a fresh one", name, exc)
                    engine = {}
        except pm.PapermillExecutionError as exc:
            reason = exc.evalue.strip().splitlines()[0] if exc.evalue.strip() else exc.ename
            raise StageFailed(f"{name}: {exc.ename}: {reason} (executed notebook: {rel})") from None
        except Exception as exc:  # kernel died, timeout, missing kernel ...
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise StageFailed(f"{name}: {type(exc).__name__}: {text} (executed notebook: {rel})") from None
        finally:
            _relative_paths(out, root)
    return out


KERNEL_START_FAILURES = ("before replying to kernel_info", "didn't respond in", "Kernel died before")


def _never_started(exc: Exception) -> bool:
    """Whether `exc` says the kernel failed to start (no cell of the notebook ran)."""
    text = str(exc)
    return type(exc).__name__ != "PapermillExecutionError" and any(s in text for s in KERNEL_START_FAILURES)


def _relative_paths(executed: Path, root: Path) -> None:
    """papermill records the notebook's input and output paths as given (absolute): keep them
    relative to the project, so executed and published notebooks name no machine's folders."""
    if not executed.exists():
        return
    import nbformat  # deferred: only after a notebook ran (see tools/deferred_imports.toml)

    nb = nbformat.read(executed, as_version=4)
    meta = nb.metadata.get("papermill", {})
    changed = False
    for key in ("input_path", "output_path"):
        value = meta.get(key)
        if value and Path(value).is_absolute() and Path(value).is_relative_to(root):
            meta[key] = Path(value).relative_to(root).as_posix()
            changed = True
    if changed:
        tmp = executed.with_name(f".{executed.name}.tmp")
        nbformat.write(nb, tmp)
        tmp.replace(executed)
