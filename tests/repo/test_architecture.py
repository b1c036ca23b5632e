"""The package is laid out as the pipeline: stages declared once (the README's and the docs' tables
come from the declarations), artefacts named once, modules small, the top level only the command line
and the notebooks' entry points."""

import re
import subprocess
import sys

from annualreport.base.catalog import ARTEFACTS, PUBLISHED
from annualreport.runner.graph import problems
from annualreport.runner.stages import STEPS
from tests.helpers import ROOT

PACKAGE = ROOT / "src" / "annualreport"


def test_the_readme_and_docs_stage_tables_match_the_declarations():
    done = subprocess.run([sys.executable, "tools/stage_table.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_declarations_hold_together_and_name_the_notebooks():
    assert problems() == []
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks == sorted(s.notebook for s in STEPS if s.notebook)


def test_no_runtime_module_exceeds_400_lines_and_the_top_level_is_thin():
    for path in PACKAGE.rglob("*.py"):
        n = len(path.read_text(encoding="utf-8").splitlines())
        assert n <= 400, f"{path.relative_to(ROOT)}: {n} lines"
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py"]


def _file_names() -> set[str]:
    names = set()
    for a in ARTEFACTS.values():
        base = a.pattern.rsplit("/", 1)[-1]
        if "{" not in base and "." in base:  # files (folders are checked as path parts below)
            names.add(base)
    return names


def test_each_artefact_file_name_appears_in_one_place_of_the_source():
    catalog = PACKAGE / "base" / "catalog.py"
    sources = [p for p in (ROOT / "src").rglob("*.py") if p != catalog]
    folders = {a.pattern.split("/")[1] for a in ARTEFACTS.values() if a.pattern.count("/") > 1} | set(PUBLISHED)
    # the repository's own folders of the same name (notebooks/, templates/validation/) are not artefacts
    folders -= {p.name for p in ROOT.iterdir()} | {p.name for p in (ROOT / "templates").iterdir()}
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for name in _file_names():
            assert not re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.])", text), (
                f"{path.relative_to(ROOT)} spells the artefact file name {name}"
            )
        for folder in folders - _file_names():
            assert not re.search(rf"""/ ["']{re.escape(folder)}["']""", text), (
                f"{path.relative_to(ROOT)} builds a path into the artefact folder {folder}"
            )


def test_ruff_lint_and_format_are_clean():
    """`make lint` in the test suite, so CI (which runs `make test`) checks it too."""
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run([*ruff, "check", "--quiet", "."], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run([*ruff, "format", "--check", "--quiet", "."], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
