"""System programs some tests drive (headless Chromium, LibreOffice, Java) and the tools installed outside the
Python lock (the HTML checker, from npm): not project dependencies, so a test that needs one skips where it is
absent, with the reason in pytest's summary, and FAILS instead when ANNUALREPORT_REQUIRE_PROGRAMS=1 (set by
`.ci/run`, which installs them), so CI cannot skip them silently."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REQUIRE = "ANNUALREPORT_REQUIRE_PROGRAMS"


def program(name: str, package: str) -> str:
    """The path of `name` on PATH; where it is missing, fail when REQUIRE is set, else skip.
    `package` is the Debian package that provides it, named in the message."""
    __tracebackhide__ = True  # the skip or failure is reported at the calling test's line, not here
    path = shutil.which(name)
    if path:
        return path
    missing(f"`{name}` is not on PATH (Debian package: {package}; `.ci/run` installs it)")


def tool(path: Path, install: str) -> Path:
    """`path`, a file installed outside the lock by the command `install`; where it is missing, fail when
    REQUIRE is set, else skip (as `program`)."""
    __tracebackhide__ = True
    if path.is_file():
        return path
    missing(f"{path} is missing (install it: {install}; `.ci/run` does)")


def missing(message: str) -> None:
    __tracebackhide__ = True
    if os.environ.get(REQUIRE, "") not in ("", "0"):
        pytest.fail(f"{message}, and {REQUIRE}={os.environ[REQUIRE]} requires it", pytrace=False)
    pytest.skip(message)
