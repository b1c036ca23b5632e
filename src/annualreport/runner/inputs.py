"""What a stage reads in one build, from its declaration: each catalog entry it names, expanded to the files,
folders and values it stands for this year (`items`), which make the stage's cache key (`key_inputs`) and say
which files the stage may open (`covered`, for the test that traces real reads).

Per-dataset entries stand for the stage's own dataset in a per-dataset stage and for every present dataset in a
whole one; `@reference` for the reference tables (the own one aside); `[value]` fixes the one placeholder.
Artefacts and sources that do not exist this year stand for nothing (so their appearing changes the key).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from annualreport.base.catalog import (
    CATALOG,
    Artefact,
    Delivered,
    Machine,
    Setting,
    YearBefore,
    parse_read,
    placeholders,
)
from annualreport.base.digests import file_digest, text_digest, tree_digests
from annualreport.base.errors import ReportError
from annualreport.base.paths import cache_dir
from annualreport.base.places import source_path
from annualreport.ingest import personal
from annualreport.ingest.readers import refusal
from annualreport.ingest.recognise import resolve_for
from annualreport.runner.cache import code_digests
from annualreport.runner.graph import STEP_OF
from annualreport.typeset import fonts

if TYPE_CHECKING:
    from annualreport.base.params import Params
    from annualreport.base.places import Places
    from annualreport.ingest.specs import DatasetSpec
    from annualreport.runner.stages import Stage


class Build(Protocol):
    """What this module needs of a build (`runner.scheduler.Build` is one)."""

    root: Path
    params: Params
    options: object
    places: Places
    folders: dict[str, Path | None]
    specs: dict[str, DatasetSpec]
    env: dict[str, str]

    def rel(self, p: Path) -> str: ...

    def present(self) -> list[str]: ...

    def year_before(self, entry: YearBefore) -> Item | None: ...


@dataclass(frozen=True)
class Item:
    label: str  # its name in the key and in "why it ran": a path relative to the project, or `setting:…`
    path: Path | None  # the file or folder it stands for (None: a value)
    value: object = (
        None  # a setting's value, a marker for a delivered file the clean stage will refuse, a blob's digest
    )


def _datasets(build: Build, stage: Stage, selector: str, dataset: str | None) -> list[str]:
    if selector == "reference":
        return [n for n, spec in build.specs.items() if spec.reference and n != dataset]
    return [dataset] if stage.per_dataset and dataset else build.present()


def _path_items(build: Build, path: Path | None, folder: bool) -> list[Item]:
    if path is None:
        return []
    if path.is_file():
        return [Item(build.rel(path), path)]
    if folder and path.is_dir():
        return [Item(label, build.root / label) for label in tree_digests(build.root, build.rel(path))]
    return []


def _delivered(build: Build, name: str) -> Item:
    """A dataset's delivered file (and sheet) as the clean stage finds it (by name, else by its headers); a file
    the clean stage will refuse is a marker, so the stage runs and says why (a link out of the repo is not
    followed, a huge file not read)."""
    spec = build.specs[name]
    if not build.params.lists(name):
        return Item(f"raw:{name}", None, "not listed")
    try:
        match = resolve_for(build.params, build.specs, spec.reference).match(name, build.root)
    except ReportError as exc:
        return Item(f"raw:{name}", None, f"error:{exc}")
    if match is None:
        return Item(f"raw:{name}", None, "absent")
    reason = refusal(match.path, build.root, build.params.data["build"]["max_file_mb"])
    label = f"raw:{build.rel(match.path)}" + (f"[{'、'.join(match.sheets)}]" if match.sheets else "")
    return Item(label, None if reason else match.path, f"refused:{reason}" if reason else None)


def items(build: Build, stage: Stage, dataset: str | None = None) -> list[Item]:
    """Everything the stage (for `dataset`) reads this year, in the order its declaration names it."""
    out: list[Item] = []
    for read in stage.reads:
        name, selector, fixed = parse_read(read)
        entry = CATALOG[name]
        holes = placeholders(entry)
        if isinstance(entry, Setting):
            for d in _datasets(build, stage, selector, dataset) if entry.per_dataset else [None]:
                value = entry.value(build.params, d, build.options)
                out.append(Item(f"setting:{name}" + (f":{d}" if d else ""), None, value))
        elif isinstance(entry, Machine):
            out.append(_machine(build, name))
        elif isinstance(entry, YearBefore):  # what the year before's build handed on, if current
            found = build.year_before(entry)
            out += [found] if found is not None else []
        elif isinstance(entry, Delivered):
            out += [_delivered(build, d) for d in _datasets(build, stage, selector, dataset)]
        else:
            folder = entry.pattern.endswith("/")
            if fixed is not None:
                keys = [{holes.pop(): fixed}]
            elif "dataset" in holes:
                keys = [{"dataset": d} for d in _datasets(build, stage, selector, dataset)]
            else:
                keys = [{}]
            for kw in keys:
                if isinstance(entry, Artefact):
                    path = build.places(name, **kw)
                else:
                    path = source_path(name, build.params, folders=build.folders, **kw)
                out += _path_items(build, path, folder)
    return out


def _machine(build: Build, name: str) -> Item:
    if name == "fonts":
        return Item("fonts", cache_dir() / "fonts", fonts.font_key())
    salt_file = build.root / personal.SALT_FILE
    # its digest, never the salt
    return Item("salt", salt_file, hashlib.sha256(personal.salt(str(build.root))).hexdigest())


def key_inputs(build: Build, stage: Stage, dataset: str | None = None) -> dict[str, str]:
    """{label: digest} of everything the stage's key is made of: the lock and the interpreter, its step's code
    (the entry module and every package module it imports) and notebook, and what it reads."""
    step = STEP_OF[stage.name]
    out = dict(build.env)
    out.update(code_digests(step.module))
    if step.notebook:
        path = source_path("notebook", build.params, notebook=step.notebook, folders=build.folders)
        out[build.rel(path)] = file_digest(path)
    out.update(item_digests(items(build, stage, dataset)))
    return out


def item_digests(found: list[Item]) -> dict[str, str]:
    """{label: digest} of items: a value's (a setting, a marker, a blob's own digest), else its file's."""
    out = {}
    for item in found:
        if item.value is not None:
            out[item.label] = text_digest(item.value)
        elif item.path is not None:
            out[item.label] = file_digest(item.path)
    return out


def covered(build: Build, stage: Stage, dataset: str | None = None) -> list[Path]:
    """The files and folders the stage may open: what it reads, its notebook, and the params file (which every
    setting is a slice of)."""
    step = STEP_OF[stage.name]
    out = [item.path for item in items(build, stage, dataset) if item.path is not None]
    if any(isinstance(CATALOG[parse_read(r)[0]], Setting) for r in stage.reads):
        out.append(build.params.path)
    if step.notebook:
        out.append(source_path("notebook", build.params, notebook=step.notebook, folders=build.folders))
    return out
