"""Many builds at once: every params file (every year of every institution), in parallel.

Each build is its own process (`python -m annualreport build ...`): builds share nothing but the
content-addressed cache, whose writes are atomic, and each holds its own year lock. The processes
run `jobs` at a time (default: one per core); each build runs its notebooks one at a time then, so
the machine is not oversubscribed.

A year whose year after is in the batch too is built first (its build is started, or given to the cluster with a
higher priority, before the year after's), and the batch holds its batch lock from before any build starts until
that build ends: the year after's `previous` stage waits for the figures the year before's build hands on instead
of cleaning the year before's raw files again (`runner/yearbefore.py`), and takes the same bytes.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from annualreport.base.errors import ReportError
from annualreport.base.params import load_params
from annualreport.base.paths import repo_root
from annualreport.runner.yearbefore import batch_lock_path

YEAR_FILE = re.compile(r"\d{4}\.yaml")


def params_files(root: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """params/<year>.yaml and params/institutions/<name>/<year>.yaml, sorted; `only`: these params files
    (paths relative to the project, or glob patterns such as params/institutions/*/2020.yaml)."""
    root = root or repo_root()
    found = [p for p in (root / "params").glob("*.yaml") if YEAR_FILE.fullmatch(p.name)]
    found += [p for p in (root / "params" / "institutions").glob("*/*.yaml") if YEAR_FILE.fullmatch(p.name)]
    if only:
        wanted = {m.resolve() for pattern in only for m in root.glob(pattern)}
        found = [p for p in found if p.resolve() in wanted]
    return sorted(found)


def command(path: Path, root: Path, formats: tuple[str, ...], strict: bool, workers: int) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "annualreport",
        "build",
        "--year",
        path.stem,
        "--params",
        str(path.relative_to(root)),
        "--format",
        formats[0],
        "--quiet",
        "--workers",
        str(workers),
    ]
    return cmd + (["--strict"] if strict else [])


def year_after(path: Path) -> Path:
    return path.with_name(f"{int(path.stem) + 1}{path.suffix}")


def in_order(files: list[Path]) -> list[Path]:
    """The params files by year, then path: a year's build starts before its year after's."""
    return sorted(files, key=lambda f: (int(f.stem), f.as_posix()))


@contextlib.contextmanager
def awaited(root: Path, files: list[Path]) -> Iterator[Callable[[Path], None]]:
    """Hold the batch lock of every year whose year after the batch builds too, from now until `release(file)`
    (when its build ended) or the end of the batch; a year another batch holds is left to it."""
    held: dict[Path, object] = {}
    wanted = set(files)
    for f in files:
        if year_after(f) not in wanted:
            continue
        try:
            lock = batch_lock_path(root, load_params(f, root).build_id)
        except ReportError:  # a broken params file: its build says why
            continue
        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "wb")  # noqa: SIM115 - held until released
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        held[f] = handle

    def release(f: Path) -> None:
        handle = held.pop(f, None)
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    try:
        yield release
    finally:
        for f in list(held):
            release(f)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the build gets SIGKILL when the process that started it dies (PR_SET_PDEATHSIG), so a lost
    cluster worker leaves no orphan build holding the year's lock. Elsewhere nothing."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def run_one(cmd: list[str], root: Path) -> tuple[int, str, float]:
    """One build, as its own process in the project `root` (named in the environment, so a worker on
    another machine builds the same checkout); (exit code, its output, seconds)."""
    started = time.monotonic()
    env = {**os.environ, "ANNUALREPORT_ROOT": str(root)}
    preexec = _die_with_parent if sys.platform.startswith("linux") else None
    # the output goes to a file, not a pipe: a process the build leaves behind (a kernel) that still holds
    # the pipe would keep a reader waiting after the build ended
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        proc = subprocess.run(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=preexec)
        out.seek(0)
        text = out.read()
    return proc.returncode, text.strip(), time.monotonic() - started


def build_all(
    formats: tuple[str, ...] = ("all",),
    strict: bool = False,
    jobs: int = 0,
    root: Path | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    only: list[str] | None = None,
) -> int:
    """Build every params file (or those `only` names); `executor` local (processes on this machine) or
    dask (each build one task on a Dask cluster whose workers see the same checkout, e.g. on a shared
    file system)."""
    root = root or repo_root()
    files = in_order(params_files(root, only))
    if not files:
        print(f"no params files under params/{' matching ' + ' '.join(only) if only else ''}", file=sys.stderr)
        return 2
    jobs = jobs or os.cpu_count() or 1
    workers = max(1, (os.cpu_count() or 1) // min(jobs, len(files)))
    commands = {f: command(f, root, formats, strict, workers) for f in files}
    started = time.monotonic()
    with awaited(root, files) as release:
        if executor == "dask":
            try:
                results = run_dask(commands, root, jobs, scheduler, release)
            except ImportError:
                print(
                    f"the dask executor needs dask and distributed: run `make cluster-setup` (installs "
                    f"requirements-cluster.lock into {cluster_site()})",
                    file=sys.stderr,
                )
                return 2
        else:

            def one(f: Path) -> tuple[int, str, float]:
                try:
                    return run_one(commands[f], root)
                finally:
                    release(f)

            with ThreadPoolExecutor(max_workers=jobs) as pool:  # started in the order submitted: by year
                futures = {f: pool.submit(one, f) for f in commands}
                results = {f: fut.result() for f, fut in futures.items()}
    worst = 0
    for f, (code, text, seconds) in sorted(results.items()):
        worst = max(worst, code)
        label = f.relative_to(root / "params").with_suffix("").as_posix()
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"== {label}: {status} in {seconds:.1f} s")
        for line in text.splitlines():
            print(f"   {line}")
    print(f"{len(files)} build(s) in {time.monotonic() - started:.1f} s, {jobs} at a time ({executor})")
    return worst


def cluster_site() -> Path:
    """Where `make cluster-setup` installs dask and distributed (requirements-cluster.lock): a folder of
    the venv that is not on its import path, so a single-machine build never imports them."""
    return Path(sys.prefix) / "cluster"


def use_cluster_site() -> None:
    """Put the cluster packages on this process's path (Dask's worker processes, spawned from it, inherit
    it); the builds the workers start do not."""
    site = str(cluster_site())
    if Path(site).is_dir() and site not in sys.path:
        sys.path.insert(0, site)


def run_dask(
    commands: dict[Path, list[str]],
    root: Path,
    jobs: int,
    scheduler: str | None,
    release: Callable[[Path], None] = lambda f: None,
) -> dict:
    """Each build is one Dask task running the same command a local run would; the build's own lock,
    cache and atomic publishing work unchanged on every worker. A worker lost mid-build takes its build
    process with it (nothing is published: a year is published whole or not at all) and the scheduler
    runs the task again on another worker; a build that cannot finish is reported failed in one line."""
    use_cluster_site()
    from distributed import Client

    client = (
        Client(scheduler)
        if scheduler
        else Client(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
    )
    try:
        futures = {  # an earlier year first: the year after waits for its figures (runner/yearbefore.py)
            f: client.submit(run_one, cmd, root, pure=False, key=f"build-{f.stem}-{i}", priority=-int(f.stem))
            for i, (f, cmd) in enumerate(commands.items())
        }
        results = {}
        for f, fut in futures.items():
            try:
                code, text, seconds = fut.result()
            except Exception as exc:  # the task never finished: e.g. KilledWorker after repeated worker losses
                code, text, seconds = 1, f"error: the cluster lost this build ({type(exc).__name__}: {exc})", 0.0
            release(f)  # in year order: a year after waiting for this one without its figures goes on
            starts = _attempts(client, fut.key)
            if starts > 1:
                text = f"ran {starts} times: a worker was lost during an earlier attempt\n{text}".strip()
            results[f] = code, text, seconds
        return results
    finally:
        client.close()


def _attempts(client, key) -> int:
    """How many times the scheduler started the task (more than once when a worker was lost)."""
    try:
        story = client.story(key)
    except Exception:  # an older scheduler, or a stand-in client
        return 1
    return max(1, sum(1 for event in story if len(event) > 2 and event[2] == "processing"))
