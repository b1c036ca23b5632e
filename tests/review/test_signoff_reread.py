"""`make signoff` refuses while the published build lists text nobody has reread (report/reread.py), naming each
finding, and records the ones the analyst accepts by name (`ACCEPT=`) for the next build."""

from __future__ import annotations

import pytest

from annualreport.base.errors import ReportError, SpecError
from annualreport.base.params import load_params
from annualreport.base.places import Places
from annualreport.report import reread
from annualreport.review.signoff import NotReread, check_reread
from tests.helpers import copy_project


@pytest.fixture
def year(tmp_path):
    """2021's params and narrative in a temporary copy, 2021's review carried from 2020, and a published folder
    holding the findings a build would list."""
    project = copy_project(tmp_path / "project", years=(2020, 2021))
    n = project / "params" / "narrative"
    (n / "2021" / "review.md").write_text((n / "2020" / "review.md").read_text("utf-8"), encoding="utf-8")
    params = load_params(project / "params" / "2021.yaml", project)
    folder = params.outputs_dir
    at = Places(folder, folder, folder)
    reread.write(at, reread.detect(params))
    return params, at


def test_signoff_refuses_naming_each_finding(year):
    params, at = year
    with pytest.raises(NotReread) as err:
        check_reread(params, at)
    message = str(err.value)
    names = [f.name for f in reread.load(at).left]
    assert names[:2] == ["review.md#1", "十三五的收官之年@review.md#1"] and len(names) > 3
    assert message.startswith("2021 not signed off: 2 paragraph(s) unchanged from 2020, ")
    assert "phrase(s) outside their year nobody has reviewed (outputs/2021/reread.csv)" in message
    assert f'make signoff YEAR=2021 ACCEPT="{" ".join(names)}"' in message
    assert len(err.value.details) == len(names)
    assert err.value.details[0].split()[:4] == ["review.md#1", "unchanged", "from", "2020:"]
    assert "十三五的收官之年@review.md#1" in err.value.details[1] and " a phrase of 2020: " in err.value.details[1]


def test_accepted_names_are_recorded_and_the_rest_still_named(year):
    params, at = year
    with pytest.raises(SpecError, match=r"no finding is named nosuch\.md#1"):
        check_reread(params, at, ("nosuch.md#1",), "审阅人")
    assert "review.md#1" not in (params.narrative_dir / "reviewed.yaml").read_text("utf-8")
    with pytest.raises(NotReread) as err:
        check_reread(params, at, ("review.md#1",), "审阅人")
    assert 'ACCEPT="十三五的收官之年@review.md#1 ' in str(err.value)  # review.md#1 no longer named
    assert 'name: "review.md#1"' in (params.narrative_dir / "reviewed.yaml").read_text("utf-8")

    rest = tuple(f.name for f in reread.load(at).left if f.name != "review.md#1")
    with pytest.raises(NotReread, match=r"\d+ finding\(s\) accepted in params/narrative/2021/reviewed\.yaml since"):
        check_reread(params, at, rest, "审阅人")  # all accepted: the report that carries them is the next build's

    reread.write(at, reread.detect(params))  # the rebuild: nothing left
    assert reread.load(at).left == ()
    check_reread(params, at)


def test_a_build_without_the_check_is_not_signed(year):
    params, at = year
    at("reread").unlink()
    with pytest.raises(ReportError, match="built before the check existed"):
        check_reread(params, at)
