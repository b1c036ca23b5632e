"""Where each stage writes, in one light module (no pandas): the stages write there and the build
driver hashes and caches those files without importing what produced them."""

from __future__ import annotations

from pathlib import Path

from .params import Params

ACCOUNTING_FILE = "row_accounting.csv"
ACCOUNTING_DIR = "accounting"
PREVIOUS_FILE = "figures_previous.csv"


def clean_outputs(params: Params, work_dir: Path, name: str) -> list[Path]:
    """The clean stage's files for one dataset: clean rows, quarantined rows, its accounting line."""
    return [params.processed_dir / f"{name}.parquet", params.processed_dir / "quarantine" / f"{name}.csv",
            Path(work_dir) / ACCOUNTING_DIR / f"{name}.csv"]


def validation_outputs(work_dir: Path, name: str) -> list[Path]:
    """The validation of one dataset: result (stable bytes), GX's raw result (for Data Docs), summary lines."""
    v = Path(work_dir) / "validation"
    return [v / f"{name}.json", v / "raw" / f"{name}.json", v / "summary" / f"{name}.csv"]


def combine_accounting(params: Params, work_dir: Path, names: list[str]) -> Path:
    """`row_accounting.csv` from the per-dataset lines, in the given (specs') order."""
    from .tables import concat_csv

    parts = [p for name in names if (p := Path(work_dir) / ACCOUNTING_DIR / f"{name}.csv").exists()]
    out = Path(work_dir) / ACCOUNTING_FILE
    concat_csv(parts, out)
    return out
