"""Stated figures: numbers no office file carries, declared by the analyst with their source and date in
`params/narrative/<year>/stated.yaml`, become ledger rows of kind `stated` that prose refers to by id."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from decimal import Decimal

import pytest

from annualreport.base.errors import SpecError
from annualreport.figures.compute import KINDS, LEDGER_COLUMNS
from annualreport.figures.stated import StatedDef, load_stated, stated_path, stated_rows
from tests.helpers import ROOT, copy_project

ITEM = (
    "  - {id: double_high_rank, section: 一(四)1, label: 全国“双高”校排名, value: 3, unit: 名,\n"
    "     source: 天津市教委通报, date: 2020-12-20}\n"
)
STATED = "stated:\n" + ITEM


def narrative(tmp_path, text: str):
    """A project at tmp_path (its specs those of the repository) whose 2020 narrative states `text`."""
    d = tmp_path / "params" / "narrative" / "2020"
    d.mkdir(parents=True)
    (tmp_path / "specs").symlink_to(ROOT / "specs")
    (d / "stated.yaml").write_text(text, encoding="utf-8")
    return d


# ---------------------------------------------------------------------- loading
def test_no_file_no_stated_figures(tmp_path):
    assert load_stated(tmp_path, ROOT) == []
    assert stated_rows([], stated_path(tmp_path), 2020, ROOT) == []


def test_an_empty_file_states_nothing(tmp_path):
    assert load_stated(narrative(tmp_path, "# nothing stated this year\n"), tmp_path) == []
    assert load_stated(narrative(tmp_path / "b", "stated: []\n"), tmp_path / "b") == []


def test_loading_a_stated_figure(tmp_path):
    text = STATED + (
        "  - id: provincial_awards\n    section: 一(六)\n    label: 省级奖项\n    value: '96.170'\n    unit: '%'\n"
        "    source: 教务处\n    date: '2020-06-30'\n    wording: {style: near, step: 100, band: 5}\n    note: 见通知\n"
    )
    rank, awards = load_stated(narrative(tmp_path, text), tmp_path)
    assert rank == StatedDef(
        "double_high_rank", "一(四)1", "全国“双高”校排名", Decimal(3), "名", "天津市教委通报", dt.date(2020, 12, 20)
    )
    assert awards.value == Decimal("96.170") and str(awards.value) == "96.170"
    assert awards.date == dt.date(2020, 6, 30) and awards.note == "见通知"
    assert awards.wording == {"style": "near", "step": 100, "band": 5}


BAD = [
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 个, source: s, date: 2020-01-01, by: me}\n",
        "unknown key",
    ),
    ("stated:\n  - {id: x, section: s, label: l, value: 1, unit: 个, date: 2020-01-01}\n", "missing 'source'"),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 个, source: '  ', date: 2020-01-01}\n",
        "missing 'source'",
    ),
    ("stated:\n  - {id: x, section: s, label: l, value: 1, unit: 个, source: 教务处}\n", "missing 'date'"),
    ("stated:\n  - {section: s, label: l, value: 1, unit: 个, source: 教务处, date: 2020-01-01}\n", "missing 'id'"),
    ("stated:\n  - {id: x, section: s, label: l, unit: 个, source: 教务处, date: 2020-01-01}\n", "missing 'value'"),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 个, source: 教务处, date: 2020/12/20}\n",
        "date must be",
    ),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 个, source: 教务处, date: '2020-02-30'}\n",
        "date must be",
    ),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 个, source: 教务处, date: 2020-02-30}\n",
        "not readable",
    ),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 个, source: 教务处, date: 2020-12-20 10:00:00}\n",
        "date must be",
    ),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 第三, unit: 名, source: 教务处, date: 2020-12-20}\n",
        "value must be",
    ),
    (
        "stated:\n  - {id: x, section: s, label: l, value: true, unit: 名, source: 教务处, date: 2020-12-20}\n",
        "value must be",
    ),
    ("stated:\n  - {id: x, section: s, label: l, value: .nan, unit: 名, source: 教务处, date: 2020-12-20}\n", "finite"),
    (
        "stated:\n  - {id: X-1, section: s, label: l, value: 1, unit: 名, source: 教务处, date: 2020-12-20}\n",
        "lower-case",
    ),
    (
        "stated:\n  - {id: year, section: s, label: l, value: 1, unit: 名, source: 教务处, date: 2020-12-20}\n",
        "reserved",
    ),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 名, source: 教务处, date: 2020-12-20, wording: fancy}\n",
        "unknown wording style",
    ),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 名, source: 教务处, date: 2020-12-20, wording: near}\n",
        "needs a step",
    ),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 名, source: 教务处, date: 2020-12-20,"
        " wording: {style: near, steps: 10}}\n",
        "unknown wording key",
    ),
    (
        "stated:\n  - {id: enrolled_vocational, section: s, label: l, value: 1, unit: 人, source: 招生办, date: 2020-12-20}\n",
        "already a computed figure",
    ),
    (STATED + ITEM, "stated twice"),
    (
        "stated:\n  - {id: x, section: s, label: l, value: 1, unit: 名, source: 教务处, date: 2020-12-20, wording: [near]}\n",
        "wording is a style name",
    ),
    ("stated: {id: x}\n", "must be a list"),
    ("figures: []\n", "one key 'stated'"),
    ("stated:\n  - just text\n", "mapping"),
    ("stated: [\n", "not readable"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[m for _, m in BAD])
def test_every_mistake_is_an_error_naming_the_file_and_the_item(tmp_path, text, message):
    with pytest.raises(SpecError, match=message) as err:
        load_stated(narrative(tmp_path, text), tmp_path)
    assert str(err.value).startswith("params/narrative/2020/stated.yaml")
    if "stated figure" in str(err.value):
        assert "stated figure 1 (" in str(err.value) or "stated figure 2 (double_high_rank)" in str(err.value)


def test_the_clash_with_a_computed_figure_reads_the_projects_specs(tmp_path):
    text = "stated:\n  - {id: enrolled_vocational, section: s, label: l, value: 1, unit: 人, source: 招生办, date: 2020-12-20}\n"
    d = narrative(tmp_path, text)
    with pytest.raises(SpecError, match=r"stated figure 1 \(enrolled_vocational\): id 'enrolled_vocational'"):
        load_stated(d, tmp_path)
    (tmp_path / "specs").unlink()  # another project, without that figure: no clash
    (tmp_path / "specs" / "figures").mkdir(parents=True)
    (tmp_path / "specs" / "figures" / "01.yaml").write_text(
        "figures:\n  - {id: other, label: l, dataset: d, unit: 个}\n", encoding="utf-8"
    )
    assert [s.id for s in load_stated(d, tmp_path)] == ["enrolled_vocational"]


# ---------------------------------------------------------------------- ledger rows
def test_stated_rows_are_ledger_rows_of_kind_stated(tmp_path):
    text = STATED + (
        "  - {id: partner_count, section: 一(六), label: 合作企业, value: 4, unit: 家, source: 教育部《关于公布第二批…的通知》,"
        " date: 2019-11-02, wording: cn, note: 来自通知附件}\n"
    )
    d = narrative(tmp_path, text)
    path = stated_path(d)
    rows = stated_rows(load_stated(d, tmp_path), path, 2020, tmp_path)
    assert "stated" in KINDS
    assert all(list(r) == LEDGER_COLUMNS for r in rows) and {r["kind"] for r in rows} == {"stated"}
    rank, partners = rows
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert rank == {
        "id": "double_high_rank",
        "section": "一(四)1",
        "label": "全国“双高”校排名",
        "value": "3",
        "unit": "名",
        "display": "3",
        "wording": "3名",
        "dataset": "",
        "definition": "分析员陈述：天津市教委通报（2020-12-20）",
        "rows_used": "",
        "inputs": f"params/narrative/2020/stated.yaml sha256:{digest}",
        "validation": "陈述",
        "note": "",
        "kind": "stated",
    }
    # the wording style applies as for computed figures; a source dated outside the year is noted
    assert (partners["display"], partners["wording"]) == ("四", "四家")
    assert partners["definition"] == "分析员陈述：教育部《关于公布第二批…的通知》（2019-11-02）"
    assert partners["note"] == "来自通知附件；来源日期为2019-11-02，不在2020年内"


def test_a_style_that_does_not_apply_falls_back_and_says_so(tmp_path):
    text = "stated:\n  - {id: x, section: s, label: l, value: 250, unit: 个, source: 教务处, date: 2020-12-20, wording: cn}\n"
    d = narrative(tmp_path, text)
    (row,) = stated_rows(load_stated(d, tmp_path), stated_path(d), 2020, tmp_path)
    assert row["wording"] == "250个" and row["note"] == "数值不符合“汉字数字”的表述条件，报告按实际数表述"


# ---------------------------------------------------------------------- a build
SENTENCE = "在全国“双高”校建设绩效评价中位列第{double_high_rank}。"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    dest = copy_project(tmp_path_factory.mktemp("stated"), years=(2020,))
    shutil.copytree(ROOT / "data" / "raw" / "2020", dest / "data" / "raw" / "2020")
    folder = dest / "params" / "narrative" / "2020"
    stated = folder / "stated.yaml"  # the year's own stated figures stay: its prose refers to them
    kept = stated.read_text(encoding="utf-8") if stated.exists() else "stated:\n"
    stated.write_text(kept.rstrip("\n") + "\n" + ITEM, encoding="utf-8")
    body = folder / "talent_double_high.md"
    body.write_text(body.read_text(encoding="utf-8").rstrip("\n") + SENTENCE + "\n", encoding="utf-8")
    return dest


def _build(project, **kw):
    from annualreport.runner.driver import build

    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        return build(2020, root=project, formats=("html",), **kw)
    finally:
        mp.undo()


@pytest.mark.build
def test_a_stated_figure_builds_into_the_prose_and_the_ledger(project):
    from annualreport.base.params import load_params
    from annualreport.base.places import places
    from annualreport.typeset.pages import visible_text

    result = _build(project)
    text = visible_text(result.report.read_text(encoding="utf-8"))
    assert "位列第3名。" in text
    at = places(load_params(project / "params" / "2020.yaml", project))
    ledger = at.read("ledger")
    row = ledger.set_index("id").loc["double_high_rank"]
    assert (row["kind"], row["value"], row["wording"], row["validation"]) == ("stated", "3", "3名", "陈述")
    assert row["definition"] == "分析员陈述：天津市教委通报（2020-12-20）"
    assert row["inputs"].startswith("params/narrative/2020/stated.yaml sha256:")
    # after the computed figures, before the chart bars
    kinds = list(ledger["kind"])
    assert kinds.index("stated") > max(i for i, k in enumerate(kinds) if k == "computed")
    assert kinds.index("stated") < kinds.index("chart")
    # the ledger annex lists it: 陈述 as its dataset, its source and date visible
    annex = visible_text((result.report.parent / at.relative("ledger_annex")).read_text("utf-8"))
    assert "全国“双高”校排名" in annex and "陈述" in annex and "天津市教委通报（2020-12-20）" in annex


@pytest.mark.build
def test_changing_only_stated_yaml_reruns_the_figures_stage(project):
    from annualreport.typeset.pages import visible_text

    _build(project)
    plan = {s.name: s for s in _build(project, dry_run=True).stages}
    assert plan["figures"].status == "cached"
    path = project / "params" / "narrative" / "2020" / "stated.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(ITEM, ITEM.replace("value: 3", "value: 2")), encoding="utf-8")
    try:
        plan = {s.name: s for s in _build(project, dry_run=True).stages}
        assert plan["figures"].status == "would run" and "stated.yaml" in plan["figures"].reason
        assert not {n for n, s in plan.items() if n.startswith(("clean", "validate")) and s.status == "would run"}
        result = _build(project)
        assert "figures" in result.ran
        assert "位列第2名。" in visible_text(result.report.read_text(encoding="utf-8"))
    finally:
        path.write_text(original, encoding="utf-8")
