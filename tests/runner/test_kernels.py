"""A kernel that fails to start is started again, once (runner/kernels.py run_notebook): no cell ran, so a
second start is safe; a kernel that dies while running a cell is a failed stage, never retried."""

from __future__ import annotations

import pytest

from annualreport.base.params import load_params
from annualreport.runner import kernels
from annualreport.runner.kernels import StageFailed
from tests.helpers import ROOT


@pytest.fixture
def params():
    return load_params(ROOT / "params" / "2020.yaml", ROOT)


def run(params, tmp_path, monkeypatch, failures):
    import papermill as pm

    calls = []

    def execute(*args, **kw):
        calls.append(kw)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]

    monkeypatch.setattr(pm, "execute_notebook", execute)
    monkeypatch.setattr(kernels, "_ensure_kernel_once", lambda: None)
    monkeypatch.setattr(kernels, "_relative_paths", lambda out, root: None)
    work = ROOT / "build" / "2020" / "work"  # paths the notebook is given, relative to the project; nothing runs
    kernels.run_notebook("10-clean", params, work, work / "notebooks", 60)
    return calls


def test_a_kernel_that_never_started_is_started_again_once(params, tmp_path, monkeypatch, caplog):
    calls = run(params, tmp_path, monkeypatch, [RuntimeError("Kernel died before replying to kernel_info")])
    assert len(calls) == 2 and "starting a fresh one" in caplog.text


def test_a_second_failure_to_start_fails_the_stage(params, tmp_path, monkeypatch):
    fail = RuntimeError("Kernel died before replying to kernel_info")
    with pytest.raises(StageFailed, match="10-clean: RuntimeError: Kernel died before replying"):
        run(params, tmp_path, monkeypatch, [fail, fail])


def test_a_kernel_dying_mid_notebook_is_not_retried(params, tmp_path, monkeypatch):
    from nbclient.exceptions import DeadKernelError

    with pytest.raises(StageFailed, match="DeadKernelError: Kernel died"):
        run(params, tmp_path, monkeypatch, [DeadKernelError("Kernel died"), None])


def test_a_kernel_left_at_the_end_of_a_build_is_stopped(caplog):
    """Whatever kernel a build started and did not shut down is killed when the build ends (a leaked kernel
    holding the build's output pipe once hung `reports`); other processes are left alone."""
    import subprocess
    import sys

    from annualreport.runner.driver import _no_kernel_left

    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    before = subprocess.Popen([*sleeper, "ipykernel_launcher"])  # started before the build: not its kernel
    with _no_kernel_left():
        leaked = subprocess.Popen([*sleeper, "ipykernel_launcher"])
        other = subprocess.Popen(sleeper)
    assert leaked.wait(timeout=10) != 0
    assert other.poll() is None and before.poll() is None
    assert "was still running at the end of the build" in caplog.text
    for p in (other, before):
        p.kill()
        p.wait()
