"""Declared reads held against real ones: the files each step opened in a traced build (`base/tracing.py`) that
none of its stages declares. A stage's key is made of what it declares (`runner/inputs.py`), so a file it reads
without declaring could change and leave a stale output in the cache; the test over a full build fails on any.

A file counts as declared when it is (or lies in a folder that is) something a stage of the step reads or
writes, its notebook, or the params file (every setting is a slice of it). The package's code (its key follows
the step's imports), the virtual environment, the tools' caches (`.cache/`: matplotlib's font list) and anything
outside the project and the font cache are not inputs of a stage.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from annualreport.base.catalog import parse_read
from annualreport.base.paths import cache_dir
from annualreport.runner.graph import STEP_OF
from annualreport.runner.inputs import covered, items
from annualreport.runner.stages import STEPS

if TYPE_CHECKING:
    from annualreport.runner.scheduler import Build  # a checker of builds: it stands above the scheduler

NOT_INPUTS = ("src", ".venv", ".cache", ".git")  # folders of the project whose files are no stage's input


def read_trace(folder: Path) -> dict[str, set[Path]]:
    """{tag: the files opened for reading under it} from a traced build's folder of `<pid>.tsv` files."""
    out: dict[str, set[Path]] = defaultdict(set)
    for log in sorted(Path(folder).glob("*.tsv")):
        for line in log.read_text(encoding="utf-8").splitlines():
            tag, _, path = line.partition("\t")
            if tag and path:
                out[tag].add(Path(path))
    return dict(out)


def relevant(path: Path, root: Path) -> bool:
    """Whether a read is of the project's files or the font cache (not the code, the venv, the tools' caches)."""
    fonts = cache_dir() / "fonts"
    if path.is_relative_to(fonts):
        return True
    if not path.is_relative_to(root):
        return False
    first = path.relative_to(root).parts[:1]
    return bool(first) and first[0] not in NOT_INPUTS


def allowed(build: Build, step_name: str) -> list[Path]:
    """The files and folders a step's stages declare (reads and writes), for every dataset they ran for."""
    step = next(s for s in STEPS if s.name == step_name)
    out: list[Path] = []
    for stage in step.stages:
        for d in build.instances(stage) if stage.per_dataset else [None]:
            out += covered(build, stage, d)
            out += build.outputs(stage, d)
        if stage.per_dataset:
            out += [p for n in build.specs for p in build.outputs(stage, n)]
    return out


def undeclared(build: Build, trace: dict[str, set[Path]]) -> list[str]:
    """`step: path` for every relevant file a step opened that none of its stages declares."""
    out = []
    steps = {s.name for s in STEPS} | set(STEP_OF)
    for tag, paths in sorted(trace.items()):
        if tag not in steps:
            out += [f"{tag}: {build.rel(p)} (read under a tag no step has)" for p in sorted(paths)]
            continue
        ok = [p.resolve() for p in allowed(build, STEP_OF[tag].name if tag in STEP_OF else tag)]
        for p in sorted(paths):
            if relevant(p, build.root) and not any(p.resolve() == a or p.resolve().is_relative_to(a) for a in ok):
                out.append(f"{tag}: {build.rel(p)}")
    return out


def unread(build: Build, trace: dict[str, set[Path]]) -> list[str]:
    """`stage: entry` for every file or folder a stage declares and its step never opened: a declaration wider
    than the reads (it reruns the stage for nothing when that file changes). Values (settings) aside."""

    out = []
    for step in STEPS:
        opened = [p.resolve() for p in trace.get(step.name, ())]
        for stage in step.stages:
            for read in stage.reads:
                probe = type(stage)(stage.name, stage.does, (read,), (), stage.per_dataset, stage.formats)
                paths = [
                    i.path.resolve()
                    for d in (build.instances(stage) if stage.per_dataset else [None])
                    for i in items(build, probe, d)
                    if i.path is not None
                ]
                if paths and not any(o == p or o.is_relative_to(p) for p in paths for o in opened):
                    out.append(f"{stage.name}: {parse_read(read)[0]}")
    return out
