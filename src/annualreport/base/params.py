"""A year's parameters: `params/<year>.yaml`, loaded and checked by one function.

The schema below is the whole contract of a params file. Unknown keys, wrong types, a year that
does not match the file name and paths that leave the repository are errors naming the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from annualreport.base import conventions
from annualreport.base.document import DOCUMENT_DESCRIPTION, DOCUMENT_SCHEMA, check_document
from annualreport.base.errors import ParamsError
from annualreport.base.paths import inside, load_yaml, repo_root
from annualreport.base.targets import check as check_targets


class AnyValue:
    """Marker: any YAML value is accepted (its shape is checked where it is used)."""


# name -> (type, required, default, description). A dict type is a nested schema; a list [T] is a
# list of T. The descriptions are the reference: docs/params.md and params/params.schema.json are
# generated from these declarations by `python -m annualreport.base.params_doc`.
DATASET_SCHEMA: dict[str, tuple] = {
    "optional": (
        bool,
        False,
        False,
        "`true` lets the office deliver nothing this year: a missing file is not an error and its "
        "figures print 无数据 (no data).",
    ),
    "expected_rows": (
        [int],
        False,
        None,
        "Plausible [min, max] count of the year's clean rows; a count outside it fails a "
        "blocking expectation (a half-delivered file). Absent: no limit.",
    ),
    "note": (str, False, None, "Free text about this dataset this year, for people (the build does not read it)."),
}

SCHEMA: dict[str, tuple] = {
    "year": (int, True, None, "The report year; must match the file name (`params/2020.yaml` has `year: 2020`)."),
    "institution": (
        {
            "name": (
                str,
                True,
                None,
                "The college's full name, printed on the report cover, in its colophon and on the validation page.",
            ),
            "short_name": (
                str,
                False,
                None,
                "A shorter form of the name, kept for reference (the suite does not print it).",
            ),
            "report_title": (
                str,
                False,
                None,
                "The report's page title. Absent: the title of the narrative outline "
                "(`sections.yaml`) with its placeholders filled in.",
            ),
        },
        True,
        None,
        "The college the report is about.",
    ),
    "paths": (
        {
            "raw": (
                str,
                False,
                None,
                "Folder of the offices' delivered files for the year. Absent: `data/raw/<year>`.",
            ),
            "reference": (
                str,
                False,
                "data/reference",
                "Folder of the reference tables (majors, poverty counties), kept between years.",
            ),
            "narrative": (
                str,
                False,
                None,
                "Folder of the report's outline (`sections.yaml`) and prose. Absent: `params/narrative/<year>`.",
            ),
        },
        False,
        {},
        "Where the year's inputs are, relative to the repository root; each must stay inside it.",
    ),
    "document": (DOCUMENT_SCHEMA, False, {}, DOCUMENT_DESCRIPTION),
    "employment_cutoff": (
        str,
        False,
        "08-31",
        "Cut-off date (MM-DD, in the report year) of the initial employment rate: "
        "graduates' status dates must not be later.",
    ),
    "datasets": (
        AnyValue,
        False,
        {},
        "Per-dataset settings keyed by dataset name (a spec in `specs/datasets/`): a dataset not "
        "listed is absent that year; a name with no spec is an error.",
    ),
    "conventions": conventions.ENTRY,
    "validation": (
        {
            "allow_warnings": (
                bool,
                False,
                True,
                "`true` lets failed warning-level expectations through (listed in the report); `false` "
                "makes them block the build like blocking ones.",
            ),
        },
        False,
        {},
        "How validation results gate the build.",
    ),
    "build": (
        {
            "timeout_seconds": (
                int,
                False,
                600,
                "Longest time in seconds one notebook may run before the build stops it.",
            ),
            "max_file_mb": (
                int,
                False,
                50,
                "Largest delivered file in MB the build reads; a bigger one is refused as not an office table.",
            ),
        },
        False,
        {},
        "Limits of one build.",
    ),
    "targets": (
        [dict],
        False,
        [],
        "Next year's measurable targets (from this year's plan section), tracked by next year's "
        "report: one mapping per target.",
    ),
}


def _type_name(t: Any) -> str:
    if isinstance(t, dict):
        return "a mapping"
    if isinstance(t, list):
        return f"a list of {_type_name(t[0])}"
    return {int: "an integer", str: "a string", bool: "true or false", dict: "a mapping"}.get(t, str(t))


def _check(value: Any, typ: Any, where: str, source: str) -> Any:
    if typ is AnyValue:
        return value
    if isinstance(typ, dict):
        if not isinstance(value, dict):
            raise ParamsError(f"{source}: '{where}' must be a mapping, got {type(value).__name__}")
        return _check_mapping(value, typ, where, source)
    if isinstance(typ, list):
        if not isinstance(value, list):
            raise ParamsError(f"{source}: '{where}' must be {_type_name(typ)}, got {value!r}")
        return [_check(v, typ[0], f"{where}[{i}]", source) for i, v in enumerate(value)]
    # bool is a subclass of int in Python: `year: true` must not pass as an integer.
    ok = isinstance(value, typ) and not (typ is int and isinstance(value, bool))
    if not ok:
        raise ParamsError(f"{source}: '{where}' must be {_type_name(typ)}, got {value!r}")
    return value


def _check_mapping(data: dict, schema: dict, prefix: str, source: str) -> dict:
    unknown = sorted(set(data) - set(schema), key=str)
    if unknown:
        known = ", ".join(schema)
        raise ParamsError(f"{source}: unknown key '{_join(prefix, unknown[0])}' (known keys: {known})")
    out = {}
    for name, (typ, required, default, _description) in schema.items():
        key = _join(prefix, name)
        if name not in data or data[name] is None:
            if required:
                raise ParamsError(f"{source}: required key '{key}' is missing")
            default = _check_mapping({}, typ, key, source) if isinstance(typ, dict) else default
            out[name] = default
            continue
        out[name] = _check(data[name], typ, key, source)
    return out


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else str(name)


@dataclass(frozen=True)
class Params:
    """A checked params file. `data` is the full checked mapping; paths are resolved."""

    year: int
    path: Path
    root: Path
    data: dict = field(repr=False)
    sha256: str = ""

    @property
    def institution(self) -> dict:
        return self.data["institution"]

    @property
    def raw_dir(self) -> Path:
        return self._path(self.data["paths"]["raw"] or f"data/raw/{self.year}")

    @property
    def reference_dir(self) -> Path:
        return self._path(self.data["paths"]["reference"])

    @property
    def narrative_dir(self) -> Path:
        return self._path(self.data["paths"]["narrative"] or f"params/narrative/{self.year}")

    @property
    def build_id(self) -> str:
        """Where this params file's results go: `2020` for params/2020.yaml, `<name>/2020` for
        params/institutions/<name>/2020.yaml (processed data, work folder, outputs, cache scope)."""
        try:
            rel = self.path.relative_to(self.root / "params").with_suffix("")
        except ValueError:
            return str(self.year)
        parts = rel.parts[1:] if rel.parts[0] == "institutions" else rel.parts
        return "/".join(parts) if len(parts) > 1 else str(self.year)

    @property
    def processed_dir(self) -> Path:
        return self.root / "data" / "processed" / self.build_id

    @property
    def outputs_dir(self) -> Path:
        return self.root / "outputs" / self.build_id

    @property
    def work_dir(self) -> Path:
        """The build's persistent work folder (stage outputs the cache keeps current)."""
        return self.root / "build" / self.build_id / "work"

    @property
    def date_range(self) -> tuple[dt.date, dt.date]:
        return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)

    @property
    def employment_cutoff(self) -> dt.date:
        month, day = (int(p) for p in self.data["employment_cutoff"].split("-"))
        return dt.date(self.year, month, day)

    @property
    def allow_warnings(self) -> bool:
        return self.data["validation"]["allow_warnings"]

    def lists(self, name: str) -> bool:
        """True when the params list the dataset: one they do not list is absent that year."""
        return name in self.data["datasets"]

    def dataset(self, name: str) -> dict:
        """Per-dataset settings with defaults filled in."""
        return _check_mapping(self.data["datasets"].get(name) or {}, DATASET_SCHEMA, f"datasets.{name}", str(self.path))

    def _path(self, rel: str) -> Path:
        return (self.root / rel).resolve()


def load_params(path: str | Path, root: Path | None = None) -> Params:
    """Load and check `params/<year>.yaml`. Raises ParamsError naming the file and key."""
    root = (root or repo_root()).resolve()
    path = Path(path)
    if not path.is_absolute():
        path = root / path
    source = str(path.relative_to(root)) if inside(path, root) else str(path)
    if not path.is_file():
        raise ParamsError(f"{source}: params file not found")
    raw_bytes = path.read_bytes()
    try:
        data = load_yaml(raw_bytes.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ParamsError(f"{source}: not valid UTF-8 YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict):
        raise ParamsError(f"{source}: must be a mapping of keys to values")
    checked = _check_mapping(data, SCHEMA, "", source)

    stem_year = re.fullmatch(r"(\d{4})", path.stem)
    if stem_year and int(stem_year.group(1)) != checked["year"]:
        raise ParamsError(f"{source}: 'year' is {checked['year']} but the file is named for {path.stem}")
    if not re.fullmatch(r"\d{2}-\d{2}", checked["employment_cutoff"]):
        raise ParamsError(f"{source}: 'employment_cutoff' must look like 08-31, got {checked['employment_cutoff']!r}")
    if not isinstance(checked["datasets"], dict):
        raise ParamsError(f"{source}: 'datasets' must be a mapping of dataset names")
    params = Params(
        year=checked["year"], path=path, root=root, data=checked, sha256=hashlib.sha256(raw_bytes).hexdigest()
    )
    try:
        params.employment_cutoff  # noqa: B018 - checks that the date exists
    except ValueError as exc:
        raise ParamsError(f"{source}: 'employment_cutoff' is not a date: {exc}") from exc
    for key, value in checked["paths"].items():
        if value is not None and not inside(params._path(value), root):
            raise ParamsError(f"{source}: 'paths.{key}' points outside the repository: {value}")
    for name in checked["datasets"]:
        params.dataset(name)
    conventions.check(checked["conventions"], source)
    check_targets(checked["targets"], source)
    check_document(checked, source)
    return params


def check_known_datasets(params: Params, specs) -> None:
    """Every dataset the params list has a spec (a typo would otherwise drop an office silently)."""
    unknown = sorted(set(params.data["datasets"]) - set(specs))
    if unknown:
        source = str(params.path.relative_to(params.root)) if inside(params.path, params.root) else str(params.path)
        raise ParamsError(
            f"{source}: 'datasets' names unknown dataset(s): {', '.join(unknown)} (known: {', '.join(sorted(specs))})"
        )


def previous_params(params: Params) -> Params | None:
    """The year before's params, from the same folder, if there is one."""
    path = params.path.parent / f"{params.year - 1}.yaml"
    return load_params(path, params.root) if path.exists() else None


def params_path_for(year: int, root: Path | None = None) -> Path:
    return (root or repo_root()) / "params" / f"{year}.yaml"
