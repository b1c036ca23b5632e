"""Shared fixtures: the repository root, demo params, and a tiny fixture year in a temp tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def copy_project(dest: Path, years: tuple[int, ...] = ()) -> Path:
    """A minimal project tree (code-side files only) for builds that must not touch the real one."""
    for d in ("specs", "expectations", "notebooks", "templates", "data/reference"):
        shutil.copytree(ROOT / d, dest / d)
    for y in years:
        (dest / "params" / "narrative").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "params" / f"{y}.yaml", dest / "params" / f"{y}.yaml")
        shutil.copytree(ROOT / "params" / "narrative" / str(y), dest / "params" / "narrative" / str(y))
    return dest
