"""Repository hygiene: notebooks without outputs, exact pins shared by pip and conda, self-documenting Makefile."""

import re
import subprocess
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def test_notebooks_are_committed_without_outputs_and_have_a_parameters_cell():
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert names == ["10-clean.ipynb", "15-previous-year.ipynb", "20-validate.ipynb", "25-data-docs.ipynb", "30-figures.ipynb", "40-report.ipynb"]
    for name in names:
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), name
        assert "parameters" in code[0].metadata.get("tags", []), name
        assert not any("def " in c.source or "class " in c.source for c in code), f"{name}: logic belongs in src/"
        assert nb.metadata["kernelspec"]["name"] == "annualreport"


def pins(text: str) -> dict[str, str]:
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in re.finditer(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


def test_lock_is_exact_and_environment_yml_carries_the_same_pins():
    lock = pins((ROOT / "requirements.lock").read_text())
    env = pins((ROOT / "environment.yml").read_text())
    assert lock == env
    for pkg in ("papermill", "pandas", "matplotlib", "nbconvert", "great-expectations", "ipykernel", "openpyxl",
                "pyarrow", "pyyaml", "pytest"):
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
