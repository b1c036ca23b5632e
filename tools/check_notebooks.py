"""Fail when a notebook to be committed carries outputs or execution counts (run by `make lint` and the
pre-commit hook). Notebooks are committed clean: the executed copies live in build/ and outputs/.

    python tools/check_notebooks.py                  # every notebook git tracks (else notebooks/*.ipynb)
    python tools/check_notebooks.py a.ipynb b.ipynb  # these (what pre-commit passes)

Prints one line per offending cell, `notebooks/10-clean.ipynb: cell 3 (id 1a2b): 2 outputs, execution_count 5`,
and exits 1; exits 0 when every notebook is clean. Standard library only, so it runs without .venv.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tracked_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks git tracks; outside a git checkout, notebooks/*.ipynb less executed copies."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--", "*.ipynb"], cwd=root, capture_output=True, text=True, check=True
        ).stdout
        return [root / p for p in out.split("\0") if p and (root / p).exists()]  # not deleted ones
    except (OSError, subprocess.CalledProcessError):
        return sorted(p for p in (root / "notebooks").glob("*.ipynb") if not p.name.endswith(".executed.ipynb"))


def problems(path: Path) -> list[str]:
    """What makes one notebook unfit to commit, one line per cell (or one for an unreadable file)."""
    label = path.relative_to(ROOT) if path.is_absolute() and path.is_relative_to(ROOT) else path
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{label}: not a readable notebook ({exc})"]
    found = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        what = []
        if cell.get("outputs"):
            n = len(cell["outputs"])
            what.append(f"{n} output{'s' if n != 1 else ''}")
        if cell.get("execution_count") is not None:
            what.append(f"execution_count {cell['execution_count']}")
        if what:
            cell_id = f" (id {cell['id']})" if cell.get("id") else ""
            found.append(f"{label}: cell {number}{cell_id}: {', '.join(what)}")
    return found


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] if argv else tracked_notebooks()
    found = [line for p in paths for line in problems(p)]
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(
            "notebooks must be committed without outputs: clear them (JupyterLab: Edit > Clear Outputs of All "
            "Cells; or jupyter nbconvert --clear-output --inplace NOTEBOOK)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
