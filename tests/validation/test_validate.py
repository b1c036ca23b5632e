"""The GX validation gate: suites complete and loaded whole, blocking failures stop, results stable."""

import json
from pathlib import Path

import pandas as pd
import pytest

from annualreport.base.errors import SpecError, ValidationFailed
from annualreport.ingest.specs import load_specs
from annualreport.validation.gate import gate
from annualreport.validation.run import summarise, validate_frame
from annualreport.validation.suites import SuiteFile, load_suite_file, suite_files

ROOT = Path(__file__).resolve().parents[2]


def test_every_dataset_has_a_suite_with_severities():
    suites = suite_files(ROOT)
    assert set(load_specs(ROOT)) <= set(suites)
    for s in suites.values():
        assert s.expectations
        assert all(e["meta"]["severity"] in ("blocking", "warning") for e in s.expectations)


def test_severity_is_required(tmp_path):
    p = tmp_path / "x.json"
    p.write_text(
        json.dumps({"name": "x", "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "a"}}]})
    )
    with pytest.raises(SpecError, match=r"needs meta\.severity"):
        load_suite_file(p)


def frame():
    return pd.DataFrame(
        {"source_row": pd.array([2, 3, 4], dtype="Int64"), "a": pd.array(["x", "y", "z"], dtype="string")}
    )


def suite(*exps):
    return SuiteFile("t", Path("expectations/t.json"), {"name": "t", "expectations": list(exps)})


def exp(type_, severity="blocking", **kwargs):
    return {"type": type_, "kwargs": kwargs, "meta": {"severity": severity}}


def test_unknown_expectation_type_is_an_error_not_a_silent_drop():
    s = suite(exp("expect_column_to_exist", column="a"), exp("expect_column_values_to_be_purple", column="a"))
    with pytest.raises(SpecError, match=r"unknown type.*expect_column_values_to_be_purple"):
        validate_frame(s, frame(), {})


def test_blocking_failure_stops_and_names_dataset_and_expectation():
    s = suite(
        exp("expect_column_values_to_be_in_set", column="a", value_set=["x", "y"]),
        exp("expect_table_row_count_to_be_between", "warning", min_value=5),
    )
    result = validate_frame(s, frame(), {})
    summary = pd.DataFrame(summarise("admissions", result, s))
    assert list(summary["success"]) == [False, False]
    bad = result["results"][0]["result"]["partial_unexpected_index_list"]
    assert bad == [{"a": "z", "source_row": 4}]
    with pytest.raises(ValidationFailed, match=r"admissions: expect_column_values_to_be_in_set\(a\), 1 unexpected"):
        gate(summary, allow_warnings=True)


def test_warnings_pass_unless_not_allowed():
    s = suite(exp("expect_table_row_count_to_be_between", "warning", min_value=5))
    summary = pd.DataFrame(summarise("d", validate_frame(s, frame(), {}), s))
    gate(summary, allow_warnings=True)
    with pytest.raises(ValidationFailed, match="warnings not allowed"):
        gate(summary, allow_warnings=False)


def test_parameters_fill_year_dependent_values():
    f = frame().assign(d=pd.to_datetime(["2020-01-05", "2020-06-01", "2021-01-02"]))
    s = suite(
        exp(
            "expect_column_values_to_be_between",
            column="d",
            min_value={"$PARAMETER": "year_start"},
            max_value={"$PARAMETER": "year_end"},
        )
    )
    r = validate_frame(s, f, {"year_start": "2020-01-01T00:00:00", "year_end": "2020-12-31T23:59:59"})
    assert r["results"][0]["result"]["unexpected_count"] == 1


def test_results_are_byte_identical_across_runs():
    s = suite(
        exp("expect_column_values_to_be_in_set", column="a", value_set=["x"]), exp("expect_column_to_exist", column="a")
    )
    a = json.dumps(validate_frame(s, frame(), {}), sort_keys=True, default=str)
    b = json.dumps(validate_frame(s, frame(), {}), sort_keys=True, default=str)
    assert a == b
    assert '"id"' not in a and "run_id" not in a and "ge_load_time" not in a
