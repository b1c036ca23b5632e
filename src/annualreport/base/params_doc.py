"""The params reference, generated from the schema in `annualreport.base.params`.

`python -m annualreport.base.params_doc` writes `docs/params.md` (the reference for people) and
`params/params.schema.json` (a JSON Schema, draft 2020-12, that editors use through the
`# yaml-language-server: $schema=...` first line of each params file). `--check` writes nothing and
exits 1 naming each file that differs from what it would write.

The JSON Schema says what the loader says: unknown keys are errors (`additionalProperties: false`)
and an optional key left empty (`null`) takes its default. A few checks the loader makes after the
types (the cut-off's MM-DD form, a [min, max] pair of expected rows) are added as constraints; the
rest (the year matching the file name, paths inside the repository, dataset names with a spec) are
only said in the descriptions.
"""

from __future__ import annotations

import argparse
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from annualreport.base.params import DATASET_SCHEMA, SCHEMA, AnyValue
from annualreport.base.paths import repo_root
from annualreport.base.targets import TARGET_FIELDS

DOC_PATH = "docs/params.md"
SCHEMA_PATH = "params/params.schema.json"
COMMAND = "python -m annualreport.base.params_doc"

# Keys whose items the schema in params.py leaves opaque (checked elsewhere): name -> ($defs name, fields).
ITEMS = {"datasets": ("dataset", DATASET_SCHEMA), "targets": ("target", TARGET_FIELDS)}
# Constraints the loader checks after the types, by dotted key.
EXTRA = {
    "employment_cutoff": {"pattern": r"^\d{2}-\d{2}$"},
    "document.date": {"pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "datasets.<name>.expected_rows": {"minItems": 2, "maxItems": 2},
}

EXAMPLE = """\
# yaml-language-server: $schema=params.schema.json
year: 2022
institution:
  name: 示例职业技术学院
  short_name: 示例职院
paths:
  raw: data/raw/2022
  narrative: params/narrative/2022
document:
  date: "2023-03-01"
employment_cutoff: "08-31"
validation:
  allow_warnings: true
build:
  timeout_seconds: 600
datasets:
  admissions: {expected_rows: [3000, 6000]}
  patents: {optional: true, note: the research office may deliver nothing this year}
targets:
  - {id: patents_filed, section: 三(三)4, label: 专利申报, comparison: ">=", target: 25, unit: 项,
     figure: patents_filed, wording: 25项, reading: 按下限理解：全年专利申报不少于25项,
     seed_wording: 完成专利申报25项}
"""

_JSON_TYPES = {int: "integer", float: "number", str: "string", bool: "boolean", dict: "object"}
_DOC_TYPES = {int: "integer", float: "number", str: "string", bool: "true / false", dict: "mapping"}


# ---------------------------------------------------------------------------------------- JSON Schema
def _json_type(typ: Any) -> dict:
    if typing.get_origin(typ) is typing.Literal:
        return {"type": "string", "enum": list(typing.get_args(typ))}
    if isinstance(typ, types.UnionType):
        names = [_JSON_TYPES[t] for t in typing.get_args(typ)]
        if "number" in names:  # a JSON Schema number includes the integers
            names = [n for n in names if n != "integer"]
        return {"type": names}
    return {"type": _JSON_TYPES[typ]}


def _property(decl: tuple, where: str, defs: dict, nullable: bool) -> dict:
    """One key's schema. `nullable`: the loader treats an empty optional value as absent (its default)."""
    typ, required, default, description = decl
    out: dict = {"description": description}
    if isinstance(typ, dict):
        out.update(_object(typ, where, defs, nullable))
    elif where in ITEMS:
        ref, fields = ITEMS[where]
        if where == "datasets":  # a mapping of dataset names, each to its settings (or empty)
            defs[ref] = _object(fields, "datasets.<name>", defs, nullable=True)
            defs[ref]["type"] = ["object", "null"]
            out.update({"type": "object", "additionalProperties": {"$ref": f"#/$defs/{ref}"}})
        else:  # a list of mappings checked field by field, with no empty values
            defs[ref] = _object(fields, f"{where}[]", defs, nullable=False)
            out.update({"type": "array", "items": {"$ref": f"#/$defs/{ref}"}})
    elif isinstance(typ, list):
        out.update({"type": "array", "items": _json_type(typ[0])})
    else:
        out.update(_json_type(typ))
    if nullable and not required:
        out["type"] = [*([out["type"]] if isinstance(out["type"], str) else out["type"]), "null"]
    if default is not None and not isinstance(typ, dict):
        out["default"] = default
    out.update(EXTRA.get(where, {}))
    return out


def _object(fields: dict, prefix: str, defs: dict, nullable: bool) -> dict:
    props = {k: _property(decl, _join(prefix, k), defs, nullable) for k, decl in fields.items()}
    out: dict = {"type": "object", "properties": props}
    required = [k for k, decl in fields.items() if decl[1]]
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a params file."""
    defs: dict = {}
    props = {k: _property(decl, k, defs, nullable=True) for k, decl in SCHEMA.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "annualreport params file",
        "description": (
            f"params/<year>.yaml or params/institutions/<name>/<year>.yaml. Generated from "
            f"src/annualreport/base/params.py by `{COMMAND}`; see {DOC_PATH}."
        ),
        "type": "object",
        "properties": props,
        "required": [k for k, decl in SCHEMA.items() if decl[1]],
        "additionalProperties": False,
        "$defs": defs,
    }


# ---------------------------------------------------------------------------------------- Markdown
def _doc_type(typ: Any, where: str) -> str:
    if where == "datasets":
        return "mapping: name → settings"
    if isinstance(typ, dict):
        return "mapping"
    if isinstance(typ, list):
        return "list of " + ("mappings" if typ[0] is dict else _DOC_TYPES[typ[0]] + "s")
    if typing.get_origin(typ) is typing.Literal:
        return " / ".join(f"`{v}`" for v in typing.get_args(typ))
    if isinstance(typ, types.UnionType):
        names = [_DOC_TYPES[t] for t in typing.get_args(typ)]
        return " or ".join(dict.fromkeys(["number" if n == "integer" else n for n in names]))
    return "any" if typ is AnyValue else _DOC_TYPES[typ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(fields: dict, prefix: str) -> list[str]:
    out = ["| key | type | required | default | meaning |", "|---|---|---|---|---|"]
    for key, (typ, required, default, description) in fields.items():
        where = _join(prefix, key)
        shown = "—" if default is None else f"`{json.dumps(default, ensure_ascii=False)}`"
        out.append(
            f"| `{where}` | {_cell(_doc_type(typ, where))} | {'yes' if required else 'no'} | {shown} | "
            f"{_cell(description)} |"
        )
    return [*out, ""]


def markdown() -> str:
    """docs/params.md: how params files are checked, a table per section, an example."""
    out = [
        "# Params files",
        "",
        f"<!-- Generated from src/annualreport/base/params.py by `{COMMAND}`; do not edit by hand. -->",
        "",
        "A build's parameters are one YAML file per report: `params/<year>.yaml`, or "
        "`params/institutions/<name>/<year>.yaml` for another institution. `load_params` "
        "(`src/annualreport/base/params.py`) checks the whole file before anything runs: an unknown key, "
        "a wrong type, a missing required key, a `year` that does not match the file name or a path outside "
        "the repository stops the build with an error naming the file and the key. An optional key left out "
        "or left empty takes its default. The first line of each params file, "
        f"`# yaml-language-server: $schema=...`, points editors at `{SCHEMA_PATH}`, a JSON Schema generated "
        f"with this page from the same declarations (`{COMMAND}` rewrites both, `--check` finds them stale).",
        "",
        "## Top-level keys",
        "",
        *_table(SCHEMA, ""),
    ]
    for key, (typ, *_rest, description) in SCHEMA.items():
        if isinstance(typ, dict):
            out += [f"## `{key}`", "", description, "", *_table(typ, key)]
        elif key in ITEMS:
            fields = ITEMS[key][1]
            where = "datasets.<name>" if key == "datasets" else f"{key}[]"
            intro = (
                "The settings of one dataset; a dataset listed with no settings (`admissions: {}`) takes "
                "these defaults."
                if key == "datasets"
                else "The fields of one target (checked by `annualreport.base.targets.check`)."
            )
            out += [f"## `{where}`", "", intro, "", *_table(fields, where)]
    out += ["## Example", "", "```yaml", EXAMPLE.rstrip("\n"), "```", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------- files
def outputs() -> dict[str, str]:
    """What the generator writes: repository-relative path -> text."""
    return {
        DOC_PATH: markdown(),
        SCHEMA_PATH: json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n",
    }


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    ap = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")
    args = ap.parse_args(argv)
    root = root or repo_root()
    stale = []
    for rel, text in outputs().items():
        path = root / rel
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if args.check:
            stale.append(rel)
            print(f"{rel} is stale: regenerate it with `{COMMAND}`", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
