"""Formats proposed, not asked for (`ingest/infer.py`, `runner/proposals.py`): the format a column's values share,
never accepting what the contract calls a bad ID; a column with no common format is reported, not guessed; the
proposed line written into a params file in place."""

from __future__ import annotations

import re

import pytest

from annualreport.base.params import load_params
from annualreport.ingest.infer import propose, yaml_line
from annualreport.runner.proposals import set_convention
from tests.helpers import ROOT, copy_project


@pytest.mark.parametrize(
    "values, pattern",
    [
        (["RS-20123", "RS-31011", "N2020001", "N2021015"], r"N\d{7}|RS-\d{5}"),
        (["1234567", "123456", "2020001"], r"\d{6,7}"),
        (["JX2001", "DZ3002", "CL4003", "JD4004", "XX5005"], r"[A-Z]{2}\d{4}"),
        (["2019-2020-2", "2020-2021-1"], r"\d{4}-\d{4}-\d{1}"),
        (["A.12", "A.7"], r"A\.\d{1,2}"),
    ],
)
def test_the_format_the_values_share(values, pattern):
    p = propose(values)
    assert p.pattern == pattern and p.covered == p.values == len(set(values))
    assert all(re.fullmatch(p.pattern, v) for v in values)


def test_bad_ids_are_never_proposed_and_stay_bad():
    p = propose(["RS-20123", "RS-31011", "=RS-1", "+12345", "-12345", "@x1", "RS 20124", "", "（RS）"])
    assert p.pattern == r"RS-\d{5}" and p.covered == 2
    assert set(p.left_out) == {"=RS-1", "+12345", "-12345", "@x1", "RS 20124", "（RS）"}
    for bad in ("", " ", "RS-20123 ", "=RS-20123", "+20123", "RS- 20123"):
        assert not re.fullmatch(p.pattern, bad)


def test_a_column_whose_values_share_no_format_is_reported_not_guessed():
    p = propose(["a1", "b-2", "c_3_d", "44/x", "e.5.f.6", "1a2b3c"])
    assert p.pattern is None and "share no format" in p.why
    assert not propose([]).ok and not propose(["=1", "a b"]).ok


def test_the_line_is_yaml_the_analyst_would_write():
    assert yaml_line("staff_id", r"N\d{7}|RS-\d{5}") == r"staff_id: 'N\d{7}|RS-\d{5}'"
    assert yaml_line("x", "it's") == "x: 'it''s'"


def test_a_convention_is_written_in_place_keeping_comments(tmp_path):
    root = copy_project(tmp_path, years=(2020,))
    path = root / "params" / "2020.yaml"
    before = path.read_text(encoding="utf-8")
    assert set_convention(path, "staff_id", r"N\d{7}|RS-\d{5}", root)
    after = path.read_text(encoding="utf-8")
    assert load_params(path, root).data["conventions"]["staff_id"] == r"N\d{7}|RS-\d{5}"
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0].strip().startswith("staff_id:")  # one line, the rest kept
    assert not set_convention(path, "staff_id", r"N\d{7}|RS-\d{5}", root)  # twice: nothing to do
    assert set_convention(path, "hazard_id", r"YH-\d{4}", root)  # a key not set yet: added to the section
    assert load_params(path, root).data["conventions"]["hazard_id"] == r"YH-\d{4}"
    assert load_params(path, root).data["conventions"]["teacher_id"] == r"\d{6}"


def test_a_params_file_without_the_section_gets_one(tmp_path):
    root = copy_project(tmp_path, years=(2020,))
    path = root / "params" / "2020.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("conventions:")
    end = text.index("validation:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert set_convention(path, "staff_id", r"RS-\d{5}", root)
    assert load_params(path, root).data["conventions"]["staff_id"] == r"RS-\d{5}"


def test_the_repository_params_load_as_before():
    assert load_params(ROOT / "params" / "2020.yaml", ROOT).data["conventions"]["staff_id"] == r"\d{7}"
