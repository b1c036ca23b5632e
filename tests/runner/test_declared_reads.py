"""Declared reads held against real ones: a full 2020 build (with 2019 as the year before) in a temporary copy,
traced (every process's `open`s, base/tracing.py), opens no file that a stage does not declare, and declares
no file it never opens; with one declared read taken away, the check names the file it then misses."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from annualreport.base.params import load_params
from annualreport.runner import graph, reads
from annualreport.runner.scheduler import Build, Options
from tests.helpers import ROOT, copy_project

pytestmark = [pytest.mark.build, pytest.mark.slow]


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    """(the build's context, the trace) of a full build of 2020 (every format) in a temporary copy."""
    from annualreport.runner.driver import build

    project = copy_project(tmp_path_factory.mktemp("traced"), years=(2019, 2020))
    for year in (2019, 2020):
        shutil.copytree(ROOT / "data" / "raw" / str(year), project / "data" / "raw" / str(year))
    folder = project / "trace"
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    mp.setenv("ANNUALREPORT_TRACE_READS", str(folder))
    try:
        from annualreport.base import tracing

        tracing.install()  # this process (the driver); kernels and children install it on import
        build(2020, root=project, formats=("all",), force=True)
    finally:
        mp.undo()
    run = Build(load_params(project / "params" / "2020.yaml", project), Options())
    return run, reads.read_trace(folder)


def test_every_step_was_traced(traced):
    _, trace = traced
    assert set(trace) == {step.name for step in graph.STEPS}
    assert all(trace.values())


def test_no_stage_reads_what_it_does_not_declare(traced):
    run, trace = traced
    assert reads.undeclared(run, trace) == []


def test_no_stage_declares_a_file_it_never_reads(traced):
    run, trace = traced
    assert reads.unread(run, trace) == []


@pytest.mark.parametrize(("stage", "read"), [("figures", "figure_specs"), ("html", "executed[40-report]")])
def test_a_declared_read_taken_away_is_named(traced, monkeypatch, stage, read):
    run, trace = traced
    old = graph.BY_NAME[stage]
    fewer = dataclasses.replace(old, reads=tuple(r for r in old.reads if r != read))
    step = graph.STEP_OF[stage]
    narrower = dataclasses.replace(step, stages=tuple(fewer if s is old else s for s in step.stages))
    monkeypatch.setattr(reads, "STEPS", tuple(narrower if s is step else s for s in graph.STEPS))
    monkeypatch.setitem(graph.STEP_OF, stage, narrower)
    missing = reads.undeclared(run, trace)
    assert missing and all(line.startswith(f"{step.name}: ") for line in missing)
    if read == "figure_specs":
        assert any("specs/figures/" in line for line in missing)
    else:
        assert any("notebooks/40-report.ipynb" in line for line in missing)
