"""What every stage notebook does first and shows alike: open the year (`start`: its log file, its params and
places), show tables whole, link a file a stage wrote. Each notebook then calls its stage's entry point
(`ingest/stage.py`, `validation/stage.py` …) and shows that stage's own tables; all state is on disk, so a
notebook can be rerun alone.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import quote

from annualreport.base import tracing
from annualreport.base.params import Params, load_params
from annualreport.base.paths import work_path
from annualreport.base.places import Places, places


def start(params_file: str, work_dir: str, notebook: str) -> str:
    """Open a notebook's run: its log lines go to the stage's log file (not into the notebook), the files it
    reads from here on are traced under its name when the build traces reads (`base/tracing.py`). Returns the
    log file's path relative to the project."""
    tracing.set_tag(notebook)
    _, at = open_year(params_file, work_dir)
    return setup_logging(at, notebook)


def open_year(params_file: str, work_dir: str) -> tuple[Params, Places]:
    """The params and places of a build (for a notebook's tables, after `start`)."""
    params = load_params(params_file)
    return params, places(params, work_path(work_dir))


def setup_logging(at: Places, notebook: str) -> str:
    """Send this kernel's log lines to the stage's log file; return its path relative to the project."""
    path = at("logs", notebook=notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.captureWarnings(True)
    # The font subsetter (the auditor's page) logs every glyph name at INFO: keep its warnings only.
    logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
    return relative(path)


def relative(path: Path) -> str:
    """A path as the analyst may see it: relative to the project, else as it is."""
    root = work_path(".")
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def full_tables() -> None:
    """Show the summaries whole: pandas shortens a table over 60 rows and a cell over 50 characters."""
    import pandas as pd  # deferred: pandas (see tools/deferred_imports.toml)

    pd.set_option("display.max_rows", None, "display.max_colwidth", None)


def link(label: str, path: str, work_dir: str):
    """`label：[path](href)` as Markdown, for a file a stage wrote. `path` is relative to the project
    (as `start` returns the log's); the link is relative to the notebook: in a build (kernel started at the
    project root) to the executed notebooks' folder, which is published beside the logs; otherwise to the
    kernel's folder (Jupyter starts it beside the notebook)."""
    from IPython.display import Markdown  # deferred: IPython (see tools/deferred_imports.toml)

    root, here = work_path(".").resolve(), Path.cwd().resolve()
    target = Path(path) if Path(path).is_absolute() else root / path
    work = work_path(work_dir)
    base = Places(work, work).folder("executed") if here == root else here
    shown = Path(path).name if Path(path).is_absolute() else path
    return Markdown(f"{label}：[`{shown}`]({quote(Path(os.path.relpath(target, base)).as_posix())})")


def markdown(text: str):
    """A sentence the notebook shows as Markdown."""
    from IPython.display import Markdown  # deferred: IPython

    return Markdown(text)


def columns(frame, **names: str):
    """The named columns of `frame`, in that order, under their Chinese headers."""
    return frame[list(names)].rename(columns=names).reset_index(drop=True)


def by_office(frame):
    """Rows of one office together, offices in the order they first appear (the specs' order)."""
    order = {office: i for i, office in enumerate(dict.fromkeys(frame["处室"]))}
    return frame.sort_values("处室", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def yes(value: bool) -> str:
    return "是" if value else "否"
