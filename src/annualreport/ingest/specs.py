"""Dataset specs: `specs/datasets/<name>.yaml`, one per table an office delivers.

A spec says which file (and sheet) the table comes from, which headers (and aliases) map to which
canonical columns, each column's type and rule, the key, and which columns are personal data.
The generic cleaner (ingest/sheet.py) reads nothing else: adding a dataset is adding a spec file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from annualreport.base.conventions import IDS
from annualreport.base.errors import SpecError
from annualreport.base.paths import load_yaml, specs_dir
from annualreport.ingest.normalize import header as norm_header

TYPES = {"text", "id", "category", "int", "count", "number", "money", "percent", "date", "datetime", "bool"}
# A `count` column (views, viewers: counts as platforms show them, `1.2万`, `10万+`) has a companion boolean
# column `<name>` + AT_LEAST: true where the cell gave a lower bound (`10万+` is read as 100000).
AT_LEAST = "_at_least"
COLUMN_KEYS = {
    "header",
    "aliases",
    "name",
    "type",
    "required",
    "pattern",
    "prefixes",
    "convention",
    "allowed",
    "min",
    "max",
    "range",
    "ref",
    "fill_from",
    "personal",
    "default",
    "description",
}
SPEC_KEYS = {
    "name",
    "title",
    "office",
    "file",
    "sheet",
    "reference",
    "key",
    "columns",
    "min_rows",
    "derive",
    "person",
    "description",
    "note_markers",
}


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    aliases: tuple[str, ...] = ()
    name: str | None = None  # canonical name; None for personal columns (dropped)
    type: str = "text"
    required: bool = False
    pattern: str | None = None  # only a format the data contract fixes; local codes name a `convention`
    # an ID offices also write with one of these letters before it, and with stray spaces (申请号: CN…, ZL…): the
    # same ID without them (normalize.without_prefix), checked against `pattern` after
    prefixes: tuple[str, ...] = ()
    convention: str | dict | None = None  # a params `conventions` key, or {by: column, cases: {value: key}}
    allowed: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    range: str | None = None  # "year": within the params date range
    ref: dict | None = None  # {"table": "majors", "column": "major"}: value must be in that table
    fill_from: dict | None = None  # {"table": "majors", "match": "major", "column": "school"}
    personal: bool = False
    default: object = None
    description: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    @property
    def label(self) -> str:
        return self.header

    @property
    def conventions(self) -> list[tuple[str | None, str | None, str]]:
        """The conventions this column follows: (condition column, condition value, key); the condition is
        (None, None) for a convention that holds on every row."""
        if isinstance(self.convention, str):
            return [(None, None, self.convention)]
        if isinstance(self.convention, dict):
            return [(self.convention["by"], v, k) for v, k in self.convention["cases"].items()]
        return []


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    title: str
    office: str
    file: str
    sheet: str | None
    reference: bool
    key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    min_rows: int = 1
    derive: tuple[str, ...] = ()
    person: dict | None = None  # how to count persons where there is no ID column
    description: str = ""
    path: Path | None = field(default=None, compare=False)

    @property
    def canonical(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.name]

    @property
    def personal(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.personal]

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        if self.person and name == self.person["column"]:
            return ColumnSpec(header="人员", name=name)
        raise KeyError(name)

    def header_lookup(self) -> dict[str, ColumnSpec]:
        """Normalised header text -> column, for every header and alias."""
        out: dict[str, ColumnSpec] = {}
        for c in self.columns:
            for h in c.headers:
                out[norm_header(h)] = c
        return out


def _column(raw: dict, where: str) -> ColumnSpec:
    unknown = set(raw) - COLUMN_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown column key(s) {sorted(unknown)}")
    if "header" not in raw:
        raise SpecError(f"{where}: a column needs a 'header'")
    typ = raw.get("type", "text")
    if typ not in TYPES:
        raise SpecError(f"{where}: type '{typ}' is not one of {sorted(TYPES)}")
    if not raw.get("personal") and not raw.get("name"):
        raise SpecError(f"{where}: column '{raw['header']}' needs a canonical 'name' or 'personal: true'")
    if typ == "category" and not raw.get("allowed"):
        raise SpecError(f"{where}: category column '{raw['header']}' needs 'allowed' values")
    prefixes = raw.get("prefixes") or ()
    if prefixes and (typ != "id" or not all(isinstance(p, str) and p.strip() for p in prefixes)):
        raise SpecError(f"{where}: column '{raw['header']}': prefixes are letters written before an id, e.g. [CN, ZL]")
    if raw.get("convention") is not None:
        if raw.get("pattern"):
            raise SpecError(f"{where}: column '{raw['header']}' has both a 'pattern' and a 'convention'")
        _check_convention(raw["convention"], f"{where} ({raw['header']})")
    return ColumnSpec(
        header=str(raw["header"]),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        name=None if raw.get("personal") else raw.get("name"),
        type=typ,
        required=bool(raw.get("required", False)),
        pattern=raw.get("pattern"),
        prefixes=tuple(str(p).strip() for p in prefixes),
        convention=raw.get("convention"),
        allowed=tuple(str(a) for a in raw.get("allowed") or ()),
        min=raw.get("min"),
        max=raw.get("max"),
        range=raw.get("range"),
        ref=raw.get("ref"),
        fill_from=raw.get("fill_from"),
        personal=bool(raw.get("personal", False)),
        default=raw.get("default"),
        description=str(raw.get("description", "")),
    )


def _check_convention(conv, where: str) -> None:
    """`convention: staff_id`, or `{by: winner_type, cases: {学生: student_id, 教师: teacher_id}}`."""
    if isinstance(conv, dict):
        if set(conv) != {"by", "cases"} or not isinstance(conv["cases"], dict) or not conv["cases"]:
            raise SpecError(f"{where}: a conditional convention is {{by: <column>, cases: {{<value>: <key>}}}}")
        keys = list(conv["cases"].values())
    else:
        keys = [conv]
    for key in keys:
        if key not in IDS:
            raise SpecError(f"{where}: convention {key!r} is not a params conventions key ({', '.join(IDS)})")


def load_spec(path: Path) -> DatasetSpec:
    where = f"specs/datasets/{path.name}"
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{where}: not valid YAML: {exc}") from exc
    unknown = set(raw) - SPEC_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {sorted(unknown)}")
    for required in ("name", "file", "columns"):
        if required not in raw:
            raise SpecError(f"{where}: missing '{required}'")
    if raw["name"] != path.stem:
        raise SpecError(f"{where}: name '{raw['name']}' must equal the file name")
    columns = tuple(_column(c, f"{where} column {i + 1}") for i, c in enumerate(raw["columns"]))
    names = [c.name for c in columns if c.name]
    if len(names) != len(set(names)):
        raise SpecError(f"{where}: duplicate canonical column names")
    seen: dict[str, str] = {}
    for c in columns:
        for h in c.headers:
            k = norm_header(h)
            if k in seen:
                raise SpecError(f"{where}: header '{h}' is claimed twice")
            seen[k] = h
    for c in columns:
        by = c.convention.get("by") if isinstance(c.convention, dict) else None
        if by and by not in names:
            raise SpecError(f"{where}: column '{c.header}': convention by '{by}' is not a canonical column")
    key = tuple(raw.get("key") or ())
    person = raw.get("person")
    if person is not None and (not isinstance(person, dict) or "column" not in person):
        raise SpecError(f"{where}: person must be a mapping with a 'column' (and 'id' and/or 'fallback')")
    for k in key:
        if k not in names and not (person and k == person["column"]):
            raise SpecError(f"{where}: key column '{k}' is not a canonical column")
    return DatasetSpec(
        name=raw["name"],
        title=str(raw.get("title", raw["name"])),
        office=str(raw.get("office", "")),
        file=str(raw["file"]),
        sheet=raw.get("sheet"),
        reference=bool(raw.get("reference", False)),
        key=key,
        columns=columns,
        min_rows=int(raw.get("min_rows", 1)),
        derive=tuple(raw.get("derive") or ()),
        person=raw.get("person"),
        description=str(raw.get("description", "")),
        path=path,
    )


@cache
def _load_all(directory: str) -> dict[str, DatasetSpec]:
    specs = {}
    for p in sorted(Path(directory).glob("*.yaml")):
        spec = load_spec(p)
        specs[spec.name] = spec
    return specs


def load_specs(root: Path | None = None) -> dict[str, DatasetSpec]:
    """All dataset specs, by name, in a stable order: reference tables first, then alphabetical."""
    specs = _load_all(str(specs_dir(root) / "datasets"))
    return dict(sorted(specs.items(), key=lambda kv: (not kv[1].reference, kv[0])))
