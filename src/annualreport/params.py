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

from .errors import ParamsError
from .paths import inside, load_yaml, repo_root


class _Any:
    """Marker: any YAML value is accepted (its shape is checked where it is used)."""


# name -> (type, required, default). A dict type is a nested schema; a list [T] is a list of T.
DATASET_SCHEMA: dict[str, tuple] = {
    "optional": (bool, False, False),
    "expected_rows": ([int], False, None),
    "note": (str, False, None),
}

SCHEMA: dict[str, tuple] = {
    "year": (int, True, None),
    "institution": ({
        "name": (str, True, None),
        "short_name": (str, False, None),
        "report_title": (str, False, None),
    }, True, None),
    "paths": ({
        "raw": (str, False, None),
        "reference": (str, False, "data/reference"),
        "narrative": (str, False, None),
    }, False, {}),
    "employment_cutoff": (str, False, "08-31"),
    "datasets": (_Any, False, {}),
    "validation": ({
        "allow_warnings": (bool, False, True),
    }, False, {}),
    "build": ({
        "timeout_seconds": (int, False, 600),
        "max_file_mb": (int, False, 50),
    }, False, {}),
    "targets": ([dict], False, []),
}


def _type_name(t: Any) -> str:
    if isinstance(t, dict):
        return "a mapping"
    if isinstance(t, list):
        return f"a list of {_type_name(t[0])}"
    return {int: "an integer", str: "a string", bool: "true or false", dict: "a mapping"}.get(t, str(t))


def _check(value: Any, typ: Any, where: str, source: str) -> Any:
    if typ is _Any:
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
    for name, (typ, required, default) in schema.items():
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

    def dataset(self, name: str) -> dict:
        """Per-dataset settings with defaults filled in."""
        return _check_mapping(self.data["datasets"].get(name) or {}, DATASET_SCHEMA,
                              f"datasets.{name}", str(self.path))

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
        raise ParamsError(f"{source}: 'employment_cutoff' must look like 08-31, "
                          f"got {checked['employment_cutoff']!r}")
    if not isinstance(checked["datasets"], dict):
        raise ParamsError(f"{source}: 'datasets' must be a mapping of dataset names")
    params = Params(year=checked["year"], path=path, root=root, data=checked,
                    sha256=hashlib.sha256(raw_bytes).hexdigest())
    try:
        params.employment_cutoff  # noqa: B018 - checks that the date exists
    except ValueError as exc:
        raise ParamsError(f"{source}: 'employment_cutoff' is not a date: {exc}") from exc
    for key, value in checked["paths"].items():
        if value is not None and not inside(params._path(value), root):
            raise ParamsError(f"{source}: 'paths.{key}' points outside the repository: {value}")
    for name in checked["datasets"]:
        params.dataset(name)
    from .targets import check as check_targets

    check_targets(checked["targets"], source)
    return params


def previous_params(params: Params) -> Params | None:
    """The year before's params, from the same folder, if there is one."""
    path = params.path.parent / f"{params.year - 1}.yaml"
    return load_params(path, params.root) if path.exists() else None


def params_path_for(year: int, root: Path | None = None) -> Path:
    return (root or repo_root()) / "params" / f"{year}.yaml"
