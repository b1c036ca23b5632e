"""Repository hygiene: notebooks without outputs, exact pins shared by pip and conda, self-documenting Makefile,
an installable package, and docs that name only paths that exist."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]


def test_notebooks_are_committed_without_outputs_and_have_a_parameters_cell():
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert names == [
        "10-clean.ipynb",
        "15-previous-year.ipynb",
        "20-validate.ipynb",
        "30-figures.ipynb",
        "40-report.ipynb",
    ]
    for name in names:
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), name
        assert "parameters" in code[0].metadata.get("tags", []), name
        assert not any("def " in c.source or "class " in c.source for c in code), f"{name}: logic belongs in src/"
        assert nb.metadata["kernelspec"]["name"] == "annualreport"


def pins(text: str) -> dict[str, str]:
    return {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)
    }


def test_lock_is_exact_and_environment_yml_carries_the_same_pins():
    lock = pins((ROOT / "requirements.lock").read_text())
    env = pins((ROOT / "environment.yml").read_text())
    assert lock == env
    for pkg in (
        "papermill",
        "pandas",
        "matplotlib",
        "nbconvert",
        "great-expectations",
        "ipykernel",
        "openpyxl",
        "pyarrow",
        "pyyaml",
        "pytest",
    ):
        assert pkg in lock, pkg
    assert "jupyterlab" not in lock  # authoring extra, kept out of the runner (import cost)
    assert tuple(int(x) for x in lock["nbconvert"].split(".")[:3]) >= (7, 17, 1)
    assert int(lock["mistune"].split(".")[0]) >= 3
    assert lock["great-expectations"].startswith("1.")
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        assert line.startswith("#") or "==" in line or not line.strip(), line


def test_make_help_lists_every_target():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    targets = re.findall(r"^## ([a-z-]+):", (ROOT / "Makefile").read_text(), re.M)
    assert {"report", "test", "validate", "help", "setup"} <= set(targets)
    for t in targets:
        assert re.search(rf"^\s+{t}\s", out, re.M), t


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make report" in (ROOT / "README.md").read_text() and "make test" in (ROOT / "README.md").read_text()


def test_the_person_salt_comes_from_the_environment_or_an_ignored_file_never_the_repo(monkeypatch, tmp_path):
    from annualreport.ingest import personal

    assert ".salt" in (ROOT / ".gitignore").read_text().split()
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ".salt" not in tracked
    personal.salt.cache_clear()
    monkeypatch.setenv("ANNUALREPORT_SALT", "from-the-environment")
    try:
        assert personal.salt() == b"from-the-environment"
        monkeypatch.delenv("ANNUALREPORT_SALT")
        personal.salt.cache_clear()
        made = personal.salt(str(tmp_path))  # no salt yet: a random one, written to the ignored file
        assert (tmp_path / ".salt").read_text().strip().encode() == made and len(made) == 64
        assert oct((tmp_path / ".salt").stat().st_mode & 0o777) == "0o600"
    finally:
        personal.salt.cache_clear()


def test_the_package_installs_editable_from_pyproject_with_the_locked_setuptools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "setuptools.build_meta"
    assert project["tool"]["setuptools"]["packages"]["find"]["where"] == ["src"]
    assert project["project"]["scripts"]["annualreport"] == "annualreport.__main__:main"
    lock = pins((ROOT / "requirements.lock").read_text())
    # `pip install --no-build-isolation -e .` builds with the venv's setuptools (>= 77: PEP 660 without `wheel`,
    # SPDX license). Plain `pip freeze` (what `make lock` writes) leaves setuptools out: keep the pin.
    assert int(lock["setuptools"].split(".")[0]) >= 77, "requirements.lock must pin setuptools >= 77"
    assert "ruff" in lock  # `make lint` and the pre-commit hooks run .venv's ruff
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in makefile
    assert 'echo "$(CURDIR)/src" >' not in makefile  # the old .pth install
    import annualreport

    assert Path(annualreport.__file__).resolve().is_relative_to(ROOT / "src")


def _notebook(path: Path, cells: list[dict]) -> Path:
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_check_notebooks_names_the_notebook_and_the_cell_with_outputs(tmp_path):
    clean = _notebook(
        tmp_path / "clean.ipynb",
        [{"cell_type": "code", "id": "a", "source": "x = 1", "outputs": [], "execution_count": None, "metadata": {}}],
    )
    run = _notebook(
        tmp_path / "run.ipynb",
        [
            {"cell_type": "markdown", "id": "m", "source": "# t", "metadata": {}},
            {"cell_type": "code", "id": "a", "source": "x = 1", "outputs": [], "execution_count": None, "metadata": {}},
            {
                "cell_type": "code",
                "id": "b",
                "source": "x",
                "outputs": [{"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {}}],
                "execution_count": 2,
                "metadata": {},
            },
        ],
    )
    tool = [sys.executable, str(ROOT / "tools" / "check_notebooks.py")]
    ok = subprocess.run([*tool, str(clean)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([*tool, str(clean), str(run)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert f"{run}: cell 3 (id b): 1 output, execution_count 2" in bad.stderr.splitlines()
    assert str(clean) not in bad.stderr
    # with no arguments it checks the committed notebooks, which are clean
    tracked = subprocess.run(tool, cwd=ROOT, capture_output=True, text=True)
    assert tracked.returncode == 0, tracked.stderr


# Repository paths as the docs and docstrings spell them: a top-level folder, then a path ending in a file
# extension or "/" (`src/annualreport/runner/stages.py`, "specs/figures/"), outside a longer path.
_TOP = ("src", "specs", "params", "docs", "notebooks", "expectations", "templates", "tools", "tests")
_PATH = re.compile(rf"(?<![\w./-])((?:{'|'.join(_TOP)})/[^\s`'\"()\[\],;|]*)")
# What `make new-year` creates: a later year's params file and narrative folder, named as examples.
_NEW_YEAR = re.compile(r"params/(narrative/)?\d{4}(\.yaml|/[\w.-]*)")  # a year the analyst makes, and its files


def _stale_paths() -> list[str]:
    files = [*sorted((ROOT / "src").rglob("*.py")), *sorted((ROOT / "src").rglob("*.md"))]
    files += [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
    stale = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
            for m in _PATH.finditer(line):
                path = m.group(1).rstrip(".:")
                if any(c in path for c in "<{*…") or _NEW_YEAR.fullmatch(path):
                    continue  # a pattern (`params/<year>.yaml`, f"specs/datasets/{name}.yaml"), not a path
                if not (path.endswith("/") or re.search(r"\.\w+$", path)):
                    continue  # a module or folder named without its extension or "/": too loose to check
                if not (ROOT / path).exists():
                    stale.append(f"{f.relative_to(ROOT)}:{n}: {path}")
    return stale


def test_docs_and_docstrings_name_only_paths_that_exist():
    stale = _stale_paths()
    assert not stale, "paths that no longer exist:\n" + "\n".join(stale)
