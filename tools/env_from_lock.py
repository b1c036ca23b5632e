"""Write environment.yml with exactly the pins of requirements.lock (run by `make lock`)."""

from pathlib import Path

root = Path(__file__).resolve().parent.parent
pins = [line.strip() for line in (root / "requirements.lock").read_text().splitlines() if "==" in line]
body = "\n".join(f"      - {p}" for p in pins)
(
    root / "environment.yml"
).write_text(f"""# Conda environment with the same pins as requirements.lock (generated from it by `make lock`).
# conda env create -f environment.yml && conda activate annualreport
# then, from the checkout: python -m pip install --no-deps --no-build-isolation -e .
# for the Dask executor (docs/scaling.md), what `make cluster-setup` does:
#   python -m pip install --no-deps --target "$CONDA_PREFIX/cluster" -r requirements-cluster.lock
name: annualreport
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
{body}
""")
