"""Many builds at once: every params file (every year of every institution), in parallel.

Each build is its own process (`python -m annualreport build ...`): builds share nothing but the
content-addressed cache, whose writes are atomic, and each holds its own year lock. The processes
run `jobs` at a time (default: one per core); each build runs its notebooks one at a time then, so
the machine is not oversubscribed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from annualreport.project.paths import repo_root

YEAR_FILE = re.compile(r"\d{4}\.yaml")


def params_files(root: Path | None = None) -> list[Path]:
    """params/<year>.yaml and params/institutions/<name>/<year>.yaml, sorted."""
    root = root or repo_root()
    found = [p for p in (root / "params").glob("*.yaml") if YEAR_FILE.fullmatch(p.name)]
    found += [p for p in (root / "params" / "institutions").glob("*/*.yaml") if YEAR_FILE.fullmatch(p.name)]
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


def run_one(cmd: list[str], root: Path) -> tuple[int, str, float]:
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    return proc.returncode, (proc.stdout + proc.stderr).strip(), time.monotonic() - started


def build_all(
    formats: tuple[str, ...] = ("all",),
    strict: bool = False,
    jobs: int = 0,
    root: Path | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> int:
    """Build every params file; `executor` local (processes on this machine) or dask (each build
    one task on a Dask cluster whose workers see the same checkout, e.g. on a shared file system)."""
    root = root or repo_root()
    files = params_files(root)
    if not files:
        print("no params files under params/", file=sys.stderr)
        return 2
    jobs = jobs or os.cpu_count() or 1
    workers = max(1, (os.cpu_count() or 1) // min(jobs, len(files)))
    commands = {f: command(f, root, formats, strict, workers) for f in files}
    started = time.monotonic()
    if executor == "dask":
        try:
            results = run_dask(commands, root, jobs, scheduler)
        except ImportError:
            print(
                "the dask executor needs dask and distributed: .venv/bin/pip install dask distributed", file=sys.stderr
            )
            return 2
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {f: pool.submit(run_one, cmd, root) for f, cmd in commands.items()}
            results = {f: fut.result() for f, fut in futures.items()}
    worst = 0
    for f, (code, text, seconds) in results.items():
        worst = max(worst, code)
        label = f.relative_to(root / "params").with_suffix("").as_posix()
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"== {label}: {status} in {seconds:.1f} s")
        for line in text.splitlines():
            print(f"   {line}")
    print(f"{len(files)} build(s) in {time.monotonic() - started:.1f} s, {jobs} at a time ({executor})")
    return worst


def run_dask(commands: dict[Path, list[str]], root: Path, jobs: int, scheduler: str | None) -> dict:
    """Each build is one Dask task running the same command a local run would; the build's own
    lock, cache and atomic publishing work unchanged on every worker."""
    from distributed import Client

    client = Client(scheduler) if scheduler else Client(n_workers=jobs, threads_per_worker=1, processes=True)
    try:
        futures = {
            f: client.submit(run_one, cmd, root, pure=False, key=f"build-{f.stem}-{i}")
            for i, (f, cmd) in enumerate(commands.items())
        }
        return {f: fut.result() for f, fut in futures.items()}
    finally:
        client.close()
