"""The report computes nothing: every number in the body of a built report is a row of its ledger.

The unit tests cover the figures-stage pieces behind that rule (chart series, year-before rows,
targets as rows, chart references in outlines) and guard the report's views against computing. The
build tests build 2020 and 2021 in a temporary project and read every number of the body (the report
before its appendices) back against the ledger.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
import pytest

from annualreport.base.errors import SpecError
from annualreport.base.outline import load_outline
from annualreport.base.terms import DATE, load_terms
from annualreport.base.wording import STYLES, word
from annualreport.figures.charts import ChartDef, check_outline, load_charts, series_rows
from annualreport.figures.comparisons import table_figures, year_before_rows
from annualreport.figures.compute import LEDGER_COLUMNS
from annualreport.figures.definitions import Words
from annualreport.figures.tracking import assess, ledger_rows, plan_rows
from annualreport.ingest.specs import ColumnSpec, DatasetSpec
from annualreport.typeset.pages import visible_text
from tests.helpers import ROOT

SETS = {"employed": ["协议就业", "升学"]}
# The dataset the chart tests read, as its spec names its columns (the bars' definitions are written from it).
SPEC = DatasetSpec(
    name="t",
    title="测试表",
    office="",
    file="t",
    sheet=None,
    reference=False,
    key=(),
    columns=tuple(
        ColumnSpec(header=h, name=n, type=k)
        for h, n, k in (
            ("学院", "school", "text"),
            ("层次", "level", "category"),
            ("就业状态", "status", "category"),
            ("人次", "trainees", "int"),
            ("开班日期", "on", "date"),
        )
    ),
)
WORDS = Words({"t": SPEC}, SETS, 2020)


# ---------------------------------------------------------------------- charts
def chart(**kw) -> ChartDef:
    base = dict(id="c", title="标题", dataset="t", group="school", unit="人", measure="count")
    return ChartDef(**{**base, **kw})


FRAME = pd.DataFrame(
    {
        "school": ["乙院", "甲院", "甲院", "丙院", None, "乙院"],
        "level": ["高职", "高职", "本科", "本科", "高职", "高职"],
        "status": ["协议就业", "待就业", "升学", "升学", "协议就业", "升学"],
        "trainees": pd.array([10, 20, 5, 7, 1, 3], dtype="Int64"),
        "on": pd.to_datetime(["2020-03-02", "2020-03-30", "2020-11-01", "2019-12-01", "2020-05-05", None]),
    }
)


def test_chart_series_are_ledger_rows_one_per_bar():
    rows = series_rows(chart(where={"level": "高职"}), FRAME, SETS, 2020, "raw sha256:x", "通过", words=WORDS)
    assert [r["id"] for r in rows] == ["chart.c.1", "chart.c.2", "chart.c.3"]
    # categories sorted as text; the filter applies inside each, so 丙院 (no 高职 rows) is a bar of 0
    assert [(r["label"], r["value"], r["wording"], r["rows_used"]) for r in rows] == [
        ("丙院", "0", "0人", 0),
        ("乙院", "2", "2人", 2),
        ("甲院", "1", "1人", 1),
    ]
    assert list(rows[0]) == LEDGER_COLUMNS and {r["kind"] for r in rows} == {"chart"}
    assert rows[1]["inputs"] == "raw sha256:x" and rows[1]["validation"] == "通过" and "乙院" in rows[1]["definition"]


def test_chart_rates_skip_undefined_bars_and_months_run_through_the_year():
    rate = chart(measure={"rate": {"status": {"in": "employed"}}}, where={"level": "本科"}, precision=2, unit="%")
    rows = series_rows(rate, FRAME, SETS, 2020, words=WORDS)
    assert [(r["label"], r["value"]) for r in rows] == [("丙院", "100.00"), ("甲院", "100.00")]  # 乙院: no rows
    months = series_rows(
        chart(group={"month": "on"}, measure={"sum": "trainees"}, unit="人次"), FRAME, SETS, 2020, words=WORDS
    )
    assert [r["label"] for r in months] == [f"{m}月" for m in range(1, 13)]
    assert {r["label"]: r["value"] for r in months if r["value"] != "0"} == {"3月": "30", "5月": "1", "11月": "5"}
    assert series_rows(chart(), None, SETS, 2020, words=WORDS) == []  # dataset not delivered: no bars


def test_chart_order_is_explicit_and_complete():
    rows = series_rows(chart(order=("甲院", "乙院", "丙院", "丁院")), FRAME, SETS, 2020, words=WORDS)
    assert [(r["label"], r["value"]) for r in rows] == [("甲院", "2"), ("乙院", "2"), ("丙院", "1"), ("丁院", "0")]
    with pytest.raises(SpecError, match=r"categories \['丙院'\] of 'school' are not in the chart's order"):
        series_rows(chart(order=("甲院", "乙院")), FRAME, SETS, 2020, words=WORDS)


def test_charts_are_declared_once_with_valid_keys(tmp_path):
    charts = load_charts(ROOT)
    assert {"admissions_by_school", "employment_rate_by_school", "awards_by_level", "training_by_month"} <= set(charts)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "charts.yaml").write_text(
        "charts:\n  - {id: x, title: t, dataset: d, group: g, unit: 人, colour: red}\n", encoding="utf-8"
    )
    with pytest.raises(SpecError, match=r"specs/charts.yaml chart 1 \(x\): unknown key"):
        load_charts(tmp_path)


def write_outline(folder: Path, block: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "sections.yaml").write_text(
        f"sections:\n  - heading: 回顾\n    blocks:\n      - {block}\n", encoding="utf-8"
    )
    return folder


def test_an_unknown_chart_id_is_a_spec_error_naming_the_outline(tmp_path):
    folder = write_outline(tmp_path / "narrative" / "2020", "chart: nope")
    with pytest.raises(SpecError, match=r"narrative/2020/sections.yaml: unknown chart 'nope'"):
        check_outline(load_outline(folder), load_charts(ROOT))
    inline = write_outline(tmp_path / "old", "chart: {title: t, dataset: admissions, group: school}")
    with pytest.raises(SpecError, match=r"old/sections.yaml: a chart block names a chart .* by id"):
        check_outline(load_outline(inline), load_charts(ROOT))


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_every_outline_names_declared_charts(year):
    check_outline(load_outline(ROOT / "params" / "narrative" / str(year)), load_charts(ROOT))


# ---------------------------------------------------------------------- year-before rows
def ledger(*rows) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c, "") for c in LEDGER_COLUMNS} for r in rows], columns=LEDGER_COLUMNS)


def test_year_before_and_change_rows():
    cur = ledger(
        {"id": "n", "label": "录取", "value": "4001", "unit": "人", "rows_used": 4001},
        {"id": "r", "label": "就业率", "value": "81.24", "unit": "%"},
        {"id": "z", "label": "事故", "value": "0", "unit": "起"},
        {"id": "m", "label": "新", "value": "3", "unit": "个"},
    )
    prev = ledger(
        {"id": "n", "value": "3712", "wording": "3712人", "display": "3712", "inputs": "old"},
        {"id": "r", "value": "77.39", "wording": "77.39%"},
        {"id": "z", "value": "0", "wording": "零"},
    )
    rows = {r["id"]: r for r in year_before_rows(cur, prev, ["n", "r", "z", "m"], 2020)}
    assert rows["n.previous"]["value"] == "3712" and rows["n.previous"]["inputs"] == "old"
    assert rows["n.change"]["value"] == "289" and rows["n.change"]["wording"] == "+289（+7.8%）"
    assert rows["n.change_pct"]["value"] == "7.8" and rows["n.change_pct"]["wording"] == "+7.8%"
    assert rows["r.change"]["wording"] == "+3.85个百分点" and "r.change_pct" not in rows
    assert rows["z.change"]["wording"] == "0" and rows["z.change_pct"]["value"] == ""  # the year before is 0
    assert rows["m.previous"]["value"] == "" and rows["m.change"]["value"] == ""  # not in the year before
    assert {r["kind"] for r in rows.values()} == {"previous", "change"}
    none = year_before_rows(cur, None, ["n"], 2020)
    assert none[0]["note"] == "没有2019年的原始数据或参数，无法计算上年数" and none[1]["value"] == ""


def test_change_in_percent_is_rounded_half_up():
    cur, prev = ledger({"id": "n", "label": "x", "value": "81", "unit": "人"}), ledger({"id": "n", "value": "80"})
    rows = {r["id"]: r for r in year_before_rows(cur, prev, ["n"], 2020)}
    assert rows["n.change_pct"]["value"] == "1.3"  # 1.25 -> 1.3, not to even


def test_tables_name_known_figures(tmp_path):
    folder = write_outline(tmp_path / "n", "table: {title: t, figures: [a, nope]}")
    with pytest.raises(SpecError, match="table names unknown figure 'nope'"):
        table_figures(load_outline(folder), ["a"])


# ---------------------------------------------------------------------- targets as rows
def test_targets_become_ledger_rows():
    targets = [
        {"id": "a", "label": "课程", "comparison": ">=", "target": 40, "unit": "门", "figure": "courses"},
        {"id": "d", "label": "竣工", "comparison": "<=", "target": "2021-05-31", "unit": "日期", "figure": "dorm"},
        {"id": "f", "label": "专利", "comparison": ">=", "target": 20, "unit": "项", "figure": "missing"},
    ]
    cur = ledger(
        {"id": "courses", "value": "42", "dataset": "online_courses", "rows_used": 42},
        {"id": "dorm", "value": "2021-05-28", "dataset": "construction"},
    )
    rows = {r["id"]: r for r in ledger_rows(assess(targets, cur, None), cur, 2021)}
    assert (rows["target.a.target"]["value"], rows["target.a.target"]["wording"]) == ("40", "不低于40门")
    assert (rows["target.a.actual"]["value"], rows["target.a.actual"]["wording"]) == ("42", "42门")
    assert (rows["target.a.gap"]["value"], rows["target.a.gap"]["wording"]) == ("2", "+2门")
    assert rows["target.a.status"]["wording"] == "达成" and rows["target.a.actual"]["dataset"] == "online_courses"
    assert (rows["target.d.gap"]["value"], rows["target.d.gap"]["unit"], rows["target.d.gap"]["wording"]) == (
        "-3",
        "天",
        "提前3天",
    )
    assert rows["target.f.status"]["wording"] == "无数据" and rows["target.f.actual"]["value"] == ""
    assert [rows[f"target.{k}"]["wording"] for k in ("count", "met", "missed", "nodata")] == [
        "3项",
        "2项",
        "0项",
        "1项",
    ]
    assert all(set(r) == set(LEDGER_COLUMNS) and r["kind"] == "target" for r in rows.values())
    plan = plan_rows(targets[:2], cur, 2020)
    assert [(r["id"], r["value"], r["wording"], r["kind"]) for r in plan] == [
        ("plan.a", "40", "40门", "plan"),
        ("plan.d", "2021-05-31", "2021年5月31日", "plan"),
    ]


# ---------------------------------------------------------------------- the views compute nothing
def test_the_report_views_call_no_computation():
    code = (ROOT / "src" / "annualreport" / "report" / "views.py").read_text(encoding="utf-8")
    for call in (
        "compute(",
        "compute_all(",
        "series_rows(",
        "evaluate(",
        "assess(",
        "year_before_rows(",
        "quality_rows(",
        "target_texts(",
        "round_half_up(",
        "Decimal(",
        ".sum(",
        "nunique(",
        "groupby(",
    ):
        assert call not in code, f"report/views.py computes: {call}"
    # the year before, the targets and the data-quality counts come from the ledger, not their artefacts
    assert not re.search(r"read\(\s*\"(previous|targets|accounting|validation_summary)\"", code)


# ---------------------------------------------------------------------- every number of a built report
NUMBER = re.compile(
    r"(?:近|超过)?[+\-]?\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?(?:万|千)?余?%?|近[千万]"
)  # a range (3-4) is one number
YEARS = re.compile(r"\d{4}(?=年|届|级)|\d{4}(?=-\d{4}年)")  # 2020年, 2021届, 2020级 (a cohort), 2019-2020年
SECTION_NUMBER = re.compile(r"^\s*(?:\d+\.|（\d+）)")
CAPTION_NUMBER = re.compile(r"[图表]\s*\d+")


def body_html(page: str) -> str:
    """The report before its appendix (the heading with id="quality" starts it; the ledger is the annex)."""
    starts = [m.start() for m in re.finditer(r'<h\d[^>]*\bid="quality"', page)]
    assert starts, "no appendix heading"
    return page[: min(starts)]


def without_rows_tables(body: str) -> tuple[str, list[str]]:
    """The body without its `rows` tables, and their cells: a rows table lists a clean dataset's rows
    (names and dates as delivered, e.g. a milestone called 主体一次结构2层施工), not figures."""
    cells: list[str] = []

    def cut(m: re.Match) -> str:
        cells.extend(visible_text(c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", m.group(0), re.S))
        return ""

    return re.sub(r'<table[^>]*class="figtable rows".*?</table>', cut, body, flags=re.S), cells


def strip_section_numbers(body: str) -> str:
    """Headings (and their TOC entries) without their numbers: 1. and （1） are numbering, not figures."""

    def heading(m: re.Match) -> str:
        return m.group(1) + SECTION_NUMBER.sub("", m.group(2))

    body = re.sub(r"(<h\d[^>]*>)([^<]*)", heading, body)
    return re.sub(r'(<a href="#sec-\d+">)([^<]*)', heading, body)


def numbers(text: str) -> list[tuple[str, str]]:
    """(number, context) for every number of the text outside dates, years and names with digits."""
    for name in load_terms():
        text = text.replace(name, " ")
    text = CAPTION_NUMBER.sub(" ", YEARS.sub(" ", DATE.sub(" ", text)))
    return [(m.group(0), text[max(0, m.start() - 20) : m.end() + 20].replace("\n", " ")) for m in NUMBER.finditer(text)]


def _decimal(s: str) -> Decimal | None:
    try:
        return Decimal(s)
    except (InvalidOperation, ValueError):
        return None


class Traces:
    """What the ledger lets the report print: its values (as numbers) and its wordings."""

    def __init__(self, ledger: pd.DataFrame):
        self.ledger = ledger
        self.values = {d for v in ledger["value"] if (d := _decimal(v)) is not None}
        self.texts = [t for t in pd.concat([ledger["wording"], ledger["display"]]) if t]

    def traced(self, token: str) -> bool:
        bounded = re.compile(rf"(?<![\d.]){re.escape(token)}(?![\d.])")
        if any(bounded.search(t) for t in self.texts):
            return True
        d = _decimal(token.lstrip("+").rstrip("%"))
        return d is not None and d in self.values


def assert_body_traced(page: str, ledger: pd.DataFrame, names: set[str]) -> list[str]:
    body, cells = without_rows_tables(body_html(page))
    traces = Traces(ledger)
    found = numbers(visible_text(strip_section_numbers(body)))
    untraced = [f"{tok!r} in …{ctx}…" for tok, ctx in found if not traces.traced(tok)]
    assert not untraced, "numbers in the report body that are no ledger row:\n" + "\n".join(untraced)
    # Figures in prose link to their ledger row and print its wording (or its value in another style).
    by_id = ledger.set_index("id")
    for fid, shown in re.findall(r'<a class="fig" href="ledger\.html#fig-([^"]+)"[^>]*>([^<]*)</a>', body):
        assert fid in by_id.index, fid
        r = by_id.loc[fid]
        styled = (
            {word(r["value"], r["unit"], s).text for s in STYLES if s not in ("near", "over", "plus")}
            if _decimal(r["value"]) is not None
            else set()
        )
        assert shown in {r["wording"], r["display"]} | styled, (fid, shown)
    for cell in cells:  # a rows table's cells: dates (2021-05-31), or names as the dataset has them
        assert cell == "—" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell) or cell in names, cell
    return [tok for tok, _ in found]


def test_the_check_finds_a_number_that_is_no_ledger_row():
    rows = ledger(
        {"id": "n", "value": "4001", "unit": "人", "wording": "4001人", "display": "4001"},
        {"id": "m", "value": "21486", "unit": "个", "wording": "超过2.1万个", "display": "超过2.1万"},
    )
    page = (
        '<h2 id="sec-0">一、2020年工作回顾</h2><h4 id="sec-1">1.招生</h4><p>2020年5月31日前录取'
        '<a class="fig" href="ledger.html#fig-n">4001人</a>，资源<a class="fig" href="ledger.html#fig-m">超过2.1万个</a>，'
        "“1+X”证书。"
        '</p><table><tr><td>21486</td></tr></table>{extra}<h2 class="sec sec-l1" id="quality">附：数据质量</h2><p>999行</p>'
    )
    assert assert_body_traced(page.format(extra=""), rows, set()) == ["4001", "超过2.1万", "21486"]
    with pytest.raises(AssertionError, match=r"'123' in"):
        assert_body_traced(page.format(extra="<p>另有123人</p>"), rows, set())
    with pytest.raises(AssertionError, match=r"'近千' in"):
        assert_body_traced(page.format(extra="<p>近千人</p>"), rows, set())


@pytest.fixture(scope="module")
def project(demo_project):
    return demo_project


def read_ledger(project: Path, year: int) -> pd.DataFrame:
    from annualreport.base.tables import read_table

    return read_table(project / "outputs" / str(year) / "figures.csv")


def report_page(project: Path, year: int) -> str:
    """The review copy: the same text as the 印发稿, with every table and chart."""
    return (project / "outputs" / str(year) / "review.html").read_text(encoding="utf-8")


def dataset_names(project: Path, year: int, dataset: str) -> set[str]:
    frame = pd.read_parquet(project / "data" / "processed" / str(year) / f"{dataset}.parquet")
    return {str(v) for col in frame.columns if pd.api.types.is_string_dtype(frame[col]) for v in frame[col].dropna()}


@pytest.mark.build
@pytest.mark.parametrize("year", [2020, 2021])
def test_every_number_in_the_report_body_is_a_ledger_row(project, year):
    ledger = read_ledger(project, year)
    found = assert_body_traced(report_page(project, year), ledger, dataset_names(project, year, "construction"))
    assert len(found) > 200  # the tables with their year-before columns, the prose, (2021) the targets
    assert set(ledger["kind"]) >= {"computed", "chart", "previous", "change", "plan", "quality"} | (
        {"target"} if year == 2021 else set()
    )


@pytest.mark.build
def test_tables_and_targets_print_their_ledger_rows(project):
    page = body_html(report_page(project, 2021))
    rows = read_ledger(project, 2021).set_index("id")
    r = "hazard_rectification_rate"  # 2021: 98.25 this year, 100 the year before
    # a rate prints as the figure rounds it, the year before as its ledger row shows it, the change in 百分点 as its
    # wording; each cell a link to its row
    cells = [rows.loc[r, "display"], rows.loc[f"{r}.previous", "display"], rows.loc[f"{r}.change", "wording"]]
    assert cells == ["98.25", "100", "-1.75个百分点"]
    row = next(tr for tr in re.findall(r"<tr>.*?</tr>", page, re.S) if ">安全隐患整改率<" in tr)
    shown = [visible_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert shown[1:4] == cells
    for rid in (r, f"{r}.previous", f"{r}.change"):
        assert f'href="ledger.html#fig-{rid}"' in row, rid
    targets = visible_text(page[page.index('id="targets"') :])
    counts = [rows.loc[f"target.{k}", "wording"] for k in ("count", "met", "missed")]
    assert f"共{counts[0]}：达成{counts[1]}，未达成{counts[2]}" in targets
    for tid in ("patents_filed", "training_income", "dormitory_completed"):
        assert "".join(
            rows.loc[f"target.{tid}.{p}", "wording"] for p in ("target", "actual", "status", "gap")
        ) in re.sub(r"\s+", "", targets), tid


@pytest.mark.build
def test_chart_bars_are_the_ledger_rows(project):
    rows = read_ledger(project, 2020)
    by_school = rows[rows["id"].str.startswith("chart.admissions_by_school.")]
    # every 高职 candidate is admitted to one 二级学院: the bars add up to the figure
    assert sum(int(v) for v in by_school["value"]) == int(rows.set_index("id").loc["enrolled_vocational", "value"])
    months = rows[rows["id"].str.startswith("chart.training_by_month.")]
    assert list(months["label"]) == [f"{m}月" for m in range(1, 13)] and set(months["kind"]) == {"chart"}
    assert report_page(project, 2020).count("<svg") == 4
