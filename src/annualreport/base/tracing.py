"""Tracing the files a build reads, so a test can hold each stage's declared reads against the real ones
(`runner/reads.py`, tests/runner/test_declared_reads.py).

When `ANNUALREPORT_TRACE_READS` names a folder, every process of the build that imports the package (the driver,
each notebook's kernel, a child laying out a PDF) installs an audit hook (`sys.addaudithook`, which sees every
`open` Python makes) and appends one line per file opened for reading to `<folder>/<pid>.tsv`: the tag of what
was running and the path. The tag is the stage or step the driver's thread runs (`tagged`), a notebook's name in
its kernel (`set_tag`, called by `base.notebook.start`), or, in a child process, its parent's
(`ANNUALREPORT_TRACE_TAG`, `child_env`). Unset, nothing is installed and nothing is recorded.

Files read by native code (Arrow's, calamine's) are not seen by the hook; the suite opens such files with
Python's `open` and hands the library the file object, so they are traced too.
"""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager

ENV = "ANNUALREPORT_TRACE_READS"
TAG_ENV = "ANNUALREPORT_TRACE_TAG"
_WRITE = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_TRUNC  # a file opened so is written (or made), not read

_local = threading.local()
_state = {"installed": False, "tag": os.environ.get(TAG_ENV, "")}


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def install() -> None:
    """Install the hook in this process when tracing is on (once; audit hooks cannot be removed)."""
    folder = os.environ.get(ENV)
    if not folder or _state["installed"]:
        return
    _state["installed"] = True
    os.makedirs(folder, exist_ok=True)
    out = open(os.path.join(folder, f"{os.getpid()}.tsv"), "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    lock = threading.Lock()
    busy = threading.local()

    def hook(event: str, args: tuple) -> None:
        if event != "open" or getattr(busy, "on", False):
            return
        path, mode, flags = args
        if not isinstance(path, str | bytes | os.PathLike):
            return  # a file descriptor
        if (mode is not None and "r" not in str(mode)) or (mode is None and flags is not None and flags & _WRITE):
            return
        tag = getattr(_local, "tag", None) or _state["tag"]
        if not tag:
            return
        busy.on = True
        try:
            with lock:
                out.write(f"{tag}\t{os.path.abspath(os.fsdecode(path))}\n")
        finally:
            busy.on = False

    sys.addaudithook(hook)


def set_tag(tag: str) -> None:
    """Tag everything this process reads from now on (a notebook's kernel: its notebook)."""
    _state["tag"] = tag


@contextmanager
def tagged(tag: str):
    """Tag what this thread reads inside the block (the driver's thread running a stage)."""
    before = getattr(_local, "tag", None)
    _local.tag = tag
    try:
        yield
    finally:
        _local.tag = before


def current() -> str:
    return getattr(_local, "tag", None) or _state["tag"]


def child_env() -> dict[str, str]:
    """The environment for a child process: this one's, with the running tag handed on."""
    env = dict(os.environ)
    if enabled() and current():
        env[TAG_ENV] = current()
    return env
