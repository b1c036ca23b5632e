"""A build killed at any moment (SIGKILL: no cleanup runs) leaves the published report, the cache and the
lock usable: the next build succeeds and publishes the same bytes as an uninterrupted build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.build


def start(project: Path) -> subprocess.Popen:
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-m", "annualreport", "build", "--year", "2020", "--format", "html"]
    return subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(proc: subprocess.Popen, ready, timeout: float = 300) -> bool:
    """SIGKILL the build (its main process only, as `kill -9 <pid>` does) once `ready()` holds; False
    when the build finished first."""
    t0 = time.monotonic()
    while not ready():
        if proc.poll() is not None:
            return False
        assert time.monotonic() - t0 < timeout, "the build never reached the point to kill it at"
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    time.sleep(3)  # its kernels notice their parent is gone and exit
    return True


def published(project: Path) -> dict[str, bytes]:
    out = project / "outputs" / "2020"
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and p.suffix != ".json"}


def run(project: Path) -> None:
    proc = start(project)
    assert proc.wait(timeout=600) == 0


def test_a_build_killed_mid_stage_is_followed_by_a_good_build(tmp_path):
    project = copy_project(tmp_path / "p", years=(2020,))
    shutil.copytree(ROOT / "data" / "raw" / "2020", project / "data" / "raw" / "2020")
    work = project / "build" / "2020" / "work"
    # killed while validating (some suites' results written, others not): nothing is published
    assert kill_when(start(project), lambda: any((work / "validation").glob("*.json")))
    assert not (project / "outputs" / "2020").exists()
    run(project)
    first = published(project)
    # killed again during the report stage of a rebuild (a narrative file changed, then changed back)
    narrative = project / "params" / "narrative" / "2020" / "epidemic.md"
    text = narrative.read_text(encoding="utf-8")
    narrative.write_text(text + "\n", encoding="utf-8")
    log = work / "logs" / "40-report.log"
    killed = kill_when(start(project), lambda: log.exists() and log.stat().st_size > 0)
    assert published(project) == first  # the report published before stays whole
    narrative.write_text(text, encoding="utf-8")
    run(project)
    assert published(project) == first, f"killed={killed}"
    # and the same bytes as a build from nothing (no cache, no work folder)
    for folder in ("outputs", "build", "data/processed"):
        shutil.rmtree(project / folder)
    run(project)
    assert published(project) == first
