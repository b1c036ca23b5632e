"""The params reference (docs/params.md) and JSON Schema (params/params.schema.json) are generated
from the schema in params.py, kept current, and agree with the loader."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import jsonschema
import pytest
import yaml

from annualreport.base import params_doc, targets
from annualreport.base.errors import ParamsError
from annualreport.base.params import DATASET_SCHEMA, SCHEMA, load_params
from annualreport.base.targets import TARGET_FIELDS

ROOT = Path(__file__).resolve().parents[2]
PARAMS_FILES = sorted([*(ROOT / "params").glob("*.yaml"), *(ROOT / "params" / "institutions").glob("*/*.yaml")])
BASE = "year: 2020\ninstitution:\n  name: 测试学院\n"
TARGET = {
    "id": "t",
    "label": "专利",
    "comparison": ">=",
    "target": 20,
    "unit": "项",
    "figure": "patents_filed",
    "wording": "20项",
    "reading": "不少于20项",
}


def targets_yaml(*items: dict) -> str:
    """A `targets:` block of the given items (flow mappings, as the params files write them)."""
    return "targets:\n" + "".join(f"  - {json.dumps(item, ensure_ascii=False)}\n" for item in items)


def validator() -> jsonschema.Draft202012Validator:
    schema = params_doc.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def all_declarations():
    for key, decl in SCHEMA.items():
        yield key, decl
        if isinstance(decl[0], dict):
            yield from ((f"{key}.{k}", d) for k, d in decl[0].items())
    yield from ((f"datasets.<name>.{k}", d) for k, d in DATASET_SCHEMA.items())
    yield from ((f"targets[].{k}", d) for k, d in TARGET_FIELDS.items())


def test_generated_files_are_current():
    for rel, text in params_doc.outputs().items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run {params_doc.COMMAND}"
    assert params_doc.main(["--check"], root=ROOT) == 0


def test_check_mode_names_a_stale_file(tmp_path, capsys):
    assert params_doc.main([], root=tmp_path) == 0
    assert params_doc.main(["--check"], root=tmp_path) == 0
    (tmp_path / params_doc.SCHEMA_PATH).write_text("{}\n", encoding="utf-8")
    assert params_doc.main(["--check"], root=tmp_path) == 1
    err = capsys.readouterr().err
    assert params_doc.SCHEMA_PATH in err and params_doc.DOC_PATH not in err
    assert (tmp_path / params_doc.SCHEMA_PATH).read_text(encoding="utf-8") == "{}\n"  # --check writes nothing


@pytest.mark.parametrize("path", PARAMS_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_params_file_validates_and_names_the_schema(path):
    text = path.read_text(encoding="utf-8")
    validator().validate(yaml.safe_load(text))
    schema = (path.parent / text.splitlines()[0].removeprefix("# yaml-language-server: $schema=")).resolve()
    assert schema == ROOT / params_doc.SCHEMA_PATH
    load_params(path, root=ROOT)


def test_repository_has_params_files():
    assert len(PARAMS_FILES) >= 4


def test_every_key_has_a_description():
    for where, decl in all_declarations():
        assert len(decl) == 4, where
        assert isinstance(decl[3], str) and decl[3].strip() and "\n" not in decl[3], where


def test_docs_mention_every_key():
    doc = params_doc.markdown()
    for where, _ in all_declarations():
        assert f"`{where}`" in doc, where
    for key in SCHEMA:
        assert f"| `{key}` |" in doc, key


def test_example_is_a_valid_params_file(tmp_path):
    validator().validate(yaml.safe_load(params_doc.EXAMPLE))
    (tmp_path / "params").mkdir()
    path = tmp_path / "params" / "2022.yaml"
    path.write_text(params_doc.EXAMPLE, encoding="utf-8")
    assert load_params(path, root=tmp_path).year == 2022
    assert params_doc.EXAMPLE.rstrip("\n") in params_doc.markdown()


def test_target_fields_agree_with_the_target_check():
    assert set(TARGET_FIELDS) == targets.TARGET_KEYS
    assert list(typing.get_args(TARGET_FIELDS["comparison"][0])) == list(targets.COMPARISONS)
    full = TARGET | {"section": "s", "basis": "change", "seed_wording": "w"}
    targets.check([full], "x")
    for name, (_typ, required, _default, _description) in TARGET_FIELDS.items():
        item = {k: v for k, v in full.items() if k != name}
        if required:
            with pytest.raises(ParamsError, match=f"missing '{name}'"):
                targets.check([item], "x")
        else:
            targets.check([item], "x")
    for basis in typing.get_args(TARGET_FIELDS["basis"][0]):
        targets.check([full | {"basis": basis}], "x")


# Files the loader refuses for a reason the schema can express: the schema refuses them too.
REFUSED = [
    BASE + "colour: red\n",
    BASE + "validation:\n  allow_warning: true\n",
    "year: '2020'\ninstitution: {name: x}\n",
    "year: true\ninstitution: {name: x}\n",
    BASE + "build: {timeout_seconds: soon}\n",
    "year: 2020\n",
    "year: 2020\ninstitution: {short_name: x}\n",
    BASE + "employment_cutoff: 31.08\n",
    BASE + "employment_cutoff: 31/08\n",
    BASE + "datasets: {admissions: {expected_rows: many}}\n",
    BASE + "datasets: {admissions: {optional: yes please}}\n",
    BASE + "datasets: {admissions: {rows: [1, 2]}}\n",
    BASE + "datasets: [admissions]\n",
    BASE + "targets: {id: x}\n",
    BASE + targets_yaml(TARGET | {"colour": "red"}),
    BASE + targets_yaml({k: v for k, v in TARGET.items() if k != "figure"}),
    BASE + targets_yaml(TARGET | {"comparison": ">"}),
    BASE + targets_yaml(TARGET | {"basis": "ratio"}),
    BASE + targets_yaml({k: v for k, v in TARGET.items() if k != "wording"}),
    BASE + targets_yaml(TARGET | {"wording": 20}),
    BASE + targets_yaml(TARGET | {"note": "n"}),
]

# Files the loader accepts: empty optional values take their defaults.
ACCEPTED = [
    BASE,
    BASE + "paths:\nvalidation:\nbuild:\ndatasets:\ntargets:\nemployment_cutoff:\n",
    BASE + "paths: {raw: , narrative: params/narrative/2020}\nbuild: {timeout_seconds: 60, max_file_mb: }\n",
    BASE + "datasets: {admissions: , graduates: {}, training: {optional: true, expected_rows: , note: x}}\n",
    BASE
    + targets_yaml(
        TARGET,
        TARGET
        | {"id": "d", "comparison": "<=", "target": "2021-05-31", "unit": "日期", "reading": "不晚于2021年5月31日"},
        TARGET | {"id": "r", "target": 1.5, "unit": "个百分点", "basis": "change", "reading": "至少1.5个百分点"},
    ),
]


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "params").mkdir(exist_ok=True)
    path = tmp_path / "params" / "2020.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text", REFUSED)
def test_schema_refuses_what_the_loader_refuses(tmp_path, text):
    with pytest.raises(ParamsError):
        load_params(_write(tmp_path, text), root=tmp_path)
    assert not validator().is_valid(yaml.safe_load(text))


@pytest.mark.parametrize("text", ACCEPTED)
def test_schema_accepts_what_the_loader_accepts(tmp_path, text):
    load_params(_write(tmp_path, text), root=tmp_path)
    errors = [e.message for e in validator().iter_errors(yaml.safe_load(text))]
    assert not errors


def test_schema_file_is_plain_json():
    data = json.loads((ROOT / params_doc.SCHEMA_PATH).read_text(encoding="utf-8"))
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert data["additionalProperties"] is False and set(data["properties"]) == set(SCHEMA)
