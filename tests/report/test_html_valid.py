"""Every HTML page of the demo's builds is valid HTML: the W3C Nu HTML Checker (vnu.jar, pinned in
tools/html-check/package-lock.json, run on the machine's Java) reports no error on the circulated report, the
review copy, the ledger annex and the auditor's page of 2020 and 2021. Warnings and notes are not errors.

The checker is installed outside the Python lock: `npm ci` in tools/html-check/ (`.ci/run` does it before
`make test`; `.npmrc` there keeps npm from running the package's install script, which would download a Java).
Without it, or without Java, the test skips, and fails on CI (tests/programs.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.programs import program, tool

pytestmark = pytest.mark.build

CHECKER = ROOT / "tools" / "html-check"
JAR = CHECKER / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = ("report.html", "review.html", "ledger.html", "validation.html")
YEARS = (2020, 2021)


def nu_errors(java: str, jar: Path, pages: list[Path]) -> list[dict]:
    """The checker's errors on `pages` (one JVM for all): its JSON messages of type "error", and any
    "non-document-error" (a page it could not read)."""
    cmd = [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    # vnu writes its JSON report to stderr and exits 1 when it found errors
    report = json.loads(done.stderr or done.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def describe(message: dict) -> str:
    where = Path(message.get("url", "?")).name
    line = message.get("lastLine", "?")
    extract = " ".join(message.get("extract", "").split())[:120]
    return f"{where}:{line}: {message['message']}  [{extract}]"


def test_every_page_of_the_demo_passes_the_nu_html_checker(demo_project):
    java = program("java", "default-jre-headless")
    jar = tool(JAR, f"npm ci --prefix {CHECKER.relative_to(ROOT)}")
    pages = [demo_project / "outputs" / str(year) / name for year in YEARS for name in PAGES]
    for page in pages:
        assert page.is_file(), f"the demo build published no {page.relative_to(demo_project)}"
    errors = nu_errors(java, jar, pages)
    assert not errors, f"{len(errors)} error(s) from the Nu HTML Checker:\n" + "\n".join(map(describe, errors))
