"""Every suite agrees with its spec (docs/validation.md, "A suite agrees with its spec"): the checks the spec
implies are in the suite, the suite names only the clean table's columns and given parameters, and restates
no rule of the spec as a literal. Broken copies of a spec and suite pair show that each kind is reported."""

from __future__ import annotations

import json
import shutil

import pytest

from annualreport.ingest.specs import load_spec, load_specs
from annualreport.validation.suites import suite_files
from annualreport_dev import suitegen
from annualreport_dev.suitegen import check, derived_columns, disagreements, scaffold, year_parameters
from tests.helpers import ROOT


def test_every_suite_agrees_with_its_spec():
    found = check(ROOT)
    assert not found, "suites and specs disagree:\n" + "\n".join(found)


def test_every_spec_has_a_suite_and_every_suite_a_spec():
    assert set(load_specs(ROOT)) == set(suite_files(ROOT))


def test_the_drafts_agree_with_their_specs():
    for spec in load_specs(ROOT).values():
        assert disagreements(spec, scaffold(spec, derived_columns(spec))) == [], spec.name


def test_derived_columns_are_what_the_spec_derive_functions_add():
    specs = load_specs(ROOT)
    assert derived_columns(specs["graduates"]) == ["poverty_county", "home_county_status"]
    assert derived_columns(specs["construction"]) == ["status"]
    assert derived_columns(specs["admissions"]) == []


def test_the_year_parameters_are_those_suite_parameters_gives_every_suite():
    assert year_parameters(ROOT) == {
        "year",
        "year_start",
        "year_end",
        "employment_cutoff",
        "rows_min",
        "rows_max",
        "major_names",
        "group_names",
    }


# ---------------------------------------------------------------------------------------- broken copies
@pytest.fixture
def pair(tmp_path):
    """A copy of hazards' spec and suite: a category with allowed values used in row conditions, an ID
    convention, required and optional columns."""
    (tmp_path / "specs" / "datasets").mkdir(parents=True)
    (tmp_path / "expectations").mkdir()
    spec = shutil.copy(ROOT / "specs" / "datasets" / "hazards.yaml", tmp_path / "specs" / "datasets")
    suite = shutil.copy(ROOT / "expectations" / "hazards.json", tmp_path / "expectations")
    return tmp_path / spec, tmp_path / suite


def found(pair) -> list[str]:
    spec_path, suite_path = pair
    return disagreements(load_spec(spec_path), json.loads(suite_path.read_text(encoding="utf-8")))


def edit_spec(pair, old: str, new: str) -> None:
    path = pair[0]
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_suite(pair, change) -> None:
    path = pair[1]
    suite = json.loads(path.read_text(encoding="utf-8"))
    change(suite["expectations"])
    path.write_text(json.dumps(suite, ensure_ascii=False, indent=2), encoding="utf-8")


def index(exps: list[dict], type_: str, **kwargs) -> int:
    return next(i for i, e in enumerate(exps) if e["type"] == type_ and kwargs.items() <= e["kwargs"].items())


def test_the_copy_agrees_before_it_is_broken(pair):
    assert found(pair) == []


def test_a_dropped_check_the_spec_implies_is_reported(pair):
    edit_suite(pair, lambda exps: exps.pop(index(exps, "expect_column_values_to_not_be_null", column="hazard_id")))
    assert found(pair) == [
        'expectations/hazards.json: no expect_column_values_to_not_be_null (hazard_id) {"column": "hazard_id"}, '
        "a check the spec implies (specs/datasets/hazards.yaml: hazard_id is required)"
    ]


def test_a_column_added_to_the_spec_is_reported_for_each_check_it_implies(pair):
    edit_spec(
        pair,
        "  - {header: 整改完成日期",
        "  - {header: 责任人工号, name: owner_id, type: id, required: true, convention: staff_id}\n"
        "  - {header: 整改完成日期",
    )
    messages = found(pair)
    assert len(messages) == 4, messages
    assert messages[0].startswith(
        "expectations/hazards.json #1 expect_table_columns_to_match_set: the column set lacks owner_id"
    )
    for check_type in (
        "expect_column_values_to_be_in_type_list (owner_id)",
        "expect_column_values_to_not_be_null (owner_id)",
        "expect_column_values_to_match_regex (owner_id)",
    ):
        assert any(f"no {check_type}" in m for m in messages), (check_type, messages)
    assert "owner_id follows the convention staff_id" in messages[3]


def test_a_literal_allowed_list_in_the_suite_is_reported(pair):
    def literal(exps):
        exps[index(exps, "expect_column_values_to_be_in_set", column="status")]["kwargs"]["value_set"] = allowed

    allowed = ["已整改", "整改中", "未整改"]
    edit_suite(pair, literal)
    n = index(json.loads(pair[1].read_text(encoding="utf-8"))["expectations"], "expect_column_values_to_be_in_set") + 1
    where = f"expectations/hazards.json #{n} expect_column_values_to_be_in_set (status)"
    assert found(pair) == [
        f'{where}: kwargs {{"column": "status", "value_set": ["已整改", "整改中", "未整改"]}} differ from the check the '
        'spec implies, {"column": "status", "value_set": {"$PARAMETER": "allowed_status"}} '
        "(specs/datasets/hazards.yaml: status is a category, allowed: 已整改, 整改中, 未整改)",
        f"{where}: the literal value set restates specs/datasets/hazards.yaml's allowed values of status "
        '(已整改, 整改中, 未整改); refer to {"$PARAMETER": "allowed_status"}',
    ]


def test_a_column_the_spec_no_longer_has_is_reported_where_the_suite_names_it(pair):
    edit_spec(pair, "  - {header: 整改完成日期, aliases: [完成日期], name: fixed_on, type: date}\n", "")
    messages = found(pair)
    assert messages[0].startswith(
        "expectations/hazards.json #1 expect_table_columns_to_match_set: the column set has fixed_on, "
        "not a column of the clean table"
    )
    named = [m for m in messages if "column 'fixed_on' is not a column of the clean table" in m]
    assert len(named) == 4, messages  # its type check, the pair check and the two conditional checks


def test_an_unknown_parameter_a_wrong_severity_and_a_renamed_value_are_reported(pair):
    def change(exps):
        exps[index(exps, "expect_column_values_to_be_in_set", column="status")]["kwargs"]["value_set"] = {
            "$PARAMETER": "allowed_statuses"
        }
        exps[index(exps, "expect_column_values_to_match_regex", column="hazard_id")]["meta"]["severity"] = "warning"

    edit_suite(pair, change)
    exps = json.loads(pair[1].read_text(encoding="utf-8"))["expectations"]
    regex = index(exps, "expect_column_values_to_match_regex") + 1
    messages = "\n".join(found(pair))
    assert "parameter 'allowed_statuses' in value_set is given neither by specs/datasets/hazards.yaml" in messages
    assert "did you mean 'allowed_status'?" in messages
    assert f"#{regex} expect_column_values_to_match_regex (hazard_id): severity 'warning'" in messages
    # the suite's conditional checks compare status with 已整改: renamed in the spec, they would select nothing
    assert "row_condition compares status" not in messages
    edit_spec(pair, "allowed: [已整改, 整改中, 未整改]", "allowed: [已完成整改, 整改中, 未整改]")
    renamed = [m for m in found(pair) if "row_condition compares status with '已整改', not one of its allowed" in m]
    assert len(renamed) == 2, found(pair)


def test_a_spec_parameter_used_on_another_column_is_reported(pair):
    edit_suite(
        pair,
        lambda exps: exps.append(
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "category", "value_set": {"$PARAMETER": "allowed_status"}},
                "meta": {"severity": "warning", "description": "x"},
            }
        ),
    )
    n = len(json.loads(pair[1].read_text(encoding="utf-8"))["expectations"])
    assert found(pair) == [
        f"expectations/hazards.json #{n} expect_column_values_to_be_in_set (category): parameter 'allowed_status' is "
        "specs/datasets/hazards.yaml's rule for value_set of status, used here as value_set of category"
    ]


# ---------------------------------------------------------------------------------------- --check
def test_check_exits_0_on_the_project(capsys):
    assert suitegen.main(["--check"]) == 0
    assert "no disagreement between suites and specs" in capsys.readouterr().err


def test_check_exits_1_listing_each_disagreement(tmp_path, monkeypatch, capsys):
    for d in ("specs", "expectations"):
        shutil.copytree(ROOT / d, tmp_path / d)
    (tmp_path / "params").mkdir()
    shutil.copy(ROOT / "params" / "2020.yaml", tmp_path / "params")
    suite = tmp_path / "expectations" / "staff_changes.json"
    data = json.loads(suite.read_text(encoding="utf-8"))
    data["expectations"] = [e for e in data["expectations"] if e["kwargs"].get("column") != "effective_on"]
    suite.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "expectations" / "hazards_old.json").write_text(
        (ROOT / "expectations" / "hazards.json").read_text(encoding="utf-8").replace('"hazards"', '"hazards_old"'),
        encoding="utf-8",
    )
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(tmp_path))
    assert suitegen.main(["--check"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[-1] == "expectations/hazards_old.json: no spec specs/datasets/hazards_old.yaml (a suite of no dataset)"
    assert sum("expectations/staff_changes.json" in line for line in lines) == 3  # type, not null, in the year
    assert f"{len(lines)} disagreement(s)" in err
    assert suitegen.main(["--check", "majors"]) == 0


def test_a_draft_includes_the_derived_columns_and_agrees(capsys):
    assert suitegen.main(["graduates"]) == 0
    draft = json.loads(capsys.readouterr().out)
    assert {"poverty_county", "home_county_status"} <= set(draft["expectations"][0]["kwargs"]["column_set"])
    assert disagreements(load_specs(ROOT)["graduates"], draft) == []
