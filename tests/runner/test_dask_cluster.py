"""Builds on a real Dask cluster: a LocalCluster (a scheduler and two worker processes) builds two params files
through `reports --executor dask`; the outputs are byte-identical to the same years built locally, and a worker
killed (SIGKILL) in the middle of a build leaves no half-published year: the scheduler runs the build again on
a worker and it publishes the same bytes.

Dask comes from requirements-cluster.lock, installed by `make cluster-setup` into .venv/cluster/ (`make test`
installs it first); without it this test fails and says so rather than skipping, since CI must run it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annualreport.runner import batch

pytestmark = [pytest.mark.build, pytest.mark.slow]

YEARS = ("2020", "2021")


def outputs(project: Path, year: str) -> dict[str, bytes]:
    """What a build promises to reproduce byte for byte: the documents and auditor files at the top of the
    year's outputs, the corrections and the validation results (the manifest, executed notebooks, logs and
    GX Data Docs record when they ran)."""
    out = project / "outputs" / year
    files = [p for p in out.iterdir() if p.is_file() and p.name != "manifest.json"]
    files += [*out.glob("corrections/*"), *out.glob("validation/*.json")]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(files)}


def build_pids(year: str) -> list[tuple[int, int]]:
    """(pid, parent pid) of the running `annualreport build --year <year>` processes."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{d}/cmdline").read_bytes().split(b"\0")
            stat = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if b"annualreport" in cmd and b"build" in cmd and year.encode() in cmd:
            found.append((int(d), int(stat[1])))
    return found


def alive(pid: int) -> bool:
    """Running (a killed process whose parent is gone may linger as a zombie until reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def cluster():
    site = batch.cluster_site()
    if not (site / "distributed").is_dir():
        pytest.fail(f"Dask is not installed in {site}: run `make cluster-setup` (make test does it first)")
    batch.use_cluster_site()
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def test_two_years_on_a_local_dask_cluster_match_local_builds_and_survive_a_killed_worker(
    demo_project, cluster, tmp_path
):
    # the session's demo project holds 2020 and 2021 built locally (HTML and Word); a copy without its
    # build folder and outputs is built on the cluster, cold
    project = tmp_path / "project"
    shutil.copytree(demo_project, project, ignore=shutil.ignore_patterns("build", "outputs"))
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project), "PYTHONHASHSEED": "0"}
    cmd = [
        sys.executable,
        "-m",
        "annualreport",
        "reports",
        "--executor",
        "dask",
        "--scheduler",
        cluster.scheduler_address,
    ]
    cmd += ["--format", "docx", "--jobs", "2", "--params", *(f"params/{y}.yaml" for y in YEARS)]
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    # SIGKILL the worker running 2021 once that build is validating (its kernels busy, nothing published)
    killed: dict[str, object] = {}

    def kill_worker() -> None:
        work = project / "build" / "2021" / "work" / "validation"
        t0 = time.monotonic()
        while time.monotonic() - t0 < 400 and proc.poll() is None:
            running = build_pids("2021")
            if running and any(work.glob("*.json")):
                pid, worker = running[0]
                os.kill(worker, signal.SIGKILL)
                killed["worker"] = worker
                time.sleep(1)
                killed["published_after_kill"] = (project / "outputs" / "2021").exists()
                killed["build_survived"] = alive(pid)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_worker)
    killer.start()
    out, _ = proc.communicate(timeout=900)
    killer.join()
    assert proc.returncode == 0, out
    assert killed.get("worker"), f"the 2021 build finished before a worker could be killed:\n{out}"
    assert killed["published_after_kill"] is False  # the killed attempt published nothing
    assert killed["build_survived"] is False  # its build process died with the worker (no orphan holds the lock)
    assert "ran 2 times: a worker was lost" in out, out
    assert "2 build(s)" in out and "(dask)" in out
    for year in YEARS:
        here, local = outputs(project, year), outputs(demo_project, year)
        assert sorted(here) == sorted(local)
        assert [f for f in here if here[f] != local[f]] == [], f"{year} differs from the local build"


def test_the_runner_never_imports_dask(tmp_path):
    """Dask lives in .venv/cluster/, off the runner's import path: a build's driver cannot import it."""
    code = "import importlib.util, sys; sys.exit(importlib.util.find_spec('distributed') is not None)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
