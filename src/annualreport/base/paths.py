"""Where things live in a checkout. One place, so tests can point the suite at a fixture tree."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/annualreport


def repo_root() -> Path:
    """The project root: $ANNUALREPORT_ROOT if set, else the checkout this package lives in."""
    env = os.environ.get("ANNUALREPORT_ROOT")
    if env:
        return Path(env).resolve()
    return PACKAGE_DIR.parent.parent


def specs_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "specs"


def expectations_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "expectations"


def notebooks_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "notebooks"


def templates_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "templates"


def cache_dir() -> Path:
    """Machine-level cache (fonts): $ANNUALREPORT_CACHE, else $XDG_CACHE_HOME/annualreport."""
    env = os.environ.get("ANNUALREPORT_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "annualreport"


def inside(path: Path, root: Path) -> bool:
    """True when `path` (resolved, links followed) lies inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def work_path(work_dir: str | Path) -> Path:
    """A work folder given relative to the repository (how notebooks get it) made absolute."""
    p = Path(work_dir)
    return p if p.is_absolute() else repo_root() / p


def load_yaml(text: str):
    """YAML with libyaml's C loader when present (several times faster than the pure-Python one)."""

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
