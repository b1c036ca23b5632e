"""Figures and tables as a report has them: 图N / 表N with captions, a source note under each, referred
to in the text; the unit label horizontal; one decimals rule per unit; categories in the order the text
names them; no tool colophon. Unit tests on the outline and prose, build tests on a built 2020 and 2021."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from annualreport.base.errors import SpecError
from annualreport.base.outline import load_outline
from annualreport.base.refs import XREF, Context
from annualreport.figures.charts import load_charts
from annualreport.figures.comparisons import year_before_rows
from annualreport.figures.compute import LEDGER_COLUMNS
from annualreport.report.captions import Sources, number_blocks
from annualreport.report.narrative import markdown_to_html
from annualreport.typeset.pages import visible_text
from tests.helpers import ROOT

OUTLINES = [
    ROOT / "params" / "narrative" / "2019",
    ROOT / "params" / "narrative" / "2020",
    ROOT / "params" / "narrative" / "2021",
    ROOT / "params" / "institutions" / "binhai-demo" / "narrative" / "2020",
]
SOURCE = re.compile(r"数据来源：[^（<]+（[^）<]+\.(?:csv|xlsx)[^）<]*）")


# ---------------------------------------------------------------------- outline and prose
@pytest.mark.parametrize("folder", OUTLINES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_has_an_id_and_blocks_are_numbered_in_reading_order(folder):
    outline = load_outline(folder)
    numbers = number_blocks(outline, with_targets=True)
    charts = [label for label, _ in numbers.labels if label.startswith("图")]
    tables = [label for label, _ in numbers.labels if label.startswith("表")]
    assert charts == [f"图{n}" for n in range(1, len(charts) + 1)]
    assert tables == [f"表{n}" for n in range(1, len(tables) + 1)]
    assert numbers.targets == (f"表{len(tables) + 1}", f"table-{len(tables) + 1}")
    assert len(numbers.refs) == len(numbers.labels) + 1  # every chart and table (and the targets) has a key


def test_the_2020_prose_refers_to_no_chart_or_table():
    """The seed's text has no 见表N: the circulated document has no table or chart, so its prose names none (a
    `{ref:…}` to a block the circulated document lacks is an error, tested below)."""
    for folder in (ROOT / "params" / "narrative" / str(y) for y in (2019, 2020, 2021)):
        used = {m.group(1) for md in folder.glob("*.md") for m in XREF.finditer(md.read_text(encoding="utf-8"))}
        assert not used, folder


def test_refs_print_the_number_and_an_unknown_ref_names_the_file():
    ctx = Context({}, 2020, "学院", refs={"party_table": ("表1", "table-1")})
    out = markdown_to_html("学习研讨（见{ref:party_table}）。", ctx, "party.md")
    assert '<a class="xref" href="#table-1">表1</a>' in out
    with pytest.raises(SpecError, match=r"talent\.md: unknown reference '\{ref:nope\}'"):
        markdown_to_html("（见{ref:nope}）", ctx, "talent.md")


def test_a_table_id_appears_once(tmp_path):
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "sections.yaml").write_text(
        "sections:\n  - heading: 回顾\n    blocks:\n"
        "      - table: {id: t, title: a, figures: []}\n      - table: {id: t, title: b, figures: []}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match=r"sections.yaml: the chart or table 't' appears twice"):
        number_blocks(load_outline(folder), with_targets=False)


def test_source_notes_name_offices_and_files():
    acc = pd.DataFrame(
        {"dataset": ["admissions", "graduates", "awards"], "file": ["data/raw/2020/admissions.csv", "g.xlsx", "a.xlsx"]}
    )
    specs = {
        n: type("S", (), {"office": o})() for n, o in {"admissions": "招生就业处", "graduates": "招生就业处"}.items()
    }
    src = Sources(specs, acc)
    assert src.text(["admissions"]) == "数据来源：招生就业处（admissions.csv）"
    assert src.text(["admissions", "graduates", "admissions"]) == "数据来源：招生就业处（admissions.csv、g.xlsx）"
    assert src.text(["", "admissions"]) == "数据来源：分析员陈述；招生就业处（admissions.csv）"


# ---------------------------------------------------------------------- decimals and order
def test_rates_and_their_changes_print_as_the_figure_rounds():
    """A table prints a rate and its change with the figure's own decimals (figures/comparisons.py), as the text
    words it: 75 and +5个百分点, not 75.00 and +5.00个百分点."""
    cur = pd.DataFrame([{**dict.fromkeys(LEDGER_COLUMNS, ""), "id": "r", "label": "率", "value": "75", "unit": "%"}])
    prev = pd.DataFrame([{**dict.fromkeys(LEDGER_COLUMNS, ""), "id": "r", "value": "70", "unit": "%"}])
    change = {r["id"]: r for r in year_before_rows(cur, prev, ["r"], 2020)}["r.change"]
    assert change["wording"] == "+5个百分点"


def test_award_levels_go_in_the_order_the_2020_text_names_them():
    order = load_charts(ROOT)["awards_by_level"].order
    assert order[:3] == ("国家级", "市级", "局级")
    text = (ROOT / "params" / "narrative" / "2020" / "contests.md").read_text(encoding="utf-8")
    named = [lvl for lvl in order if lvl in text]
    assert named == sorted(named, key=text.index)


# ---------------------------------------------------------------------- built reports
@pytest.fixture(scope="module")
def pages(demo_project):
    """The review copies: the tables and charts are theirs (the 2020 印发稿 has none, as the seed)."""
    return {y: (demo_project / "outputs" / str(y) / "review.html").read_text(encoding="utf-8") for y in (2020, 2021)}


CAPTION = re.compile(r'<caption id="(table-\d+)">(表\d+)[^<]*</caption>|<figcaption>(图\d+)')


@pytest.mark.build
@pytest.mark.parametrize("year", [2020, 2021])
def test_captions_are_numbered_with_a_source_note_each(pages, year):
    page = re.sub(r"<svg.*?</svg>", "<svg/>", pages[year], flags=re.S)
    tables = [m.group(2) for m in CAPTION.finditer(page) if m.group(2)]
    charts = [m.group(3) for m in CAPTION.finditer(page) if m.group(3)]
    assert tables == [f"表{n}" for n in range(1, len(tables) + 1)] and len(tables) >= 9
    assert charts == [f"图{n}" for n in range(1, len(charts) + 1)] and len(charts) == 4
    notes = re.findall(r'<caption id="table-\d+">.*?</table>\s*(<p[^>]*>[^<]*)', page, re.S)
    assert len(notes) == len(tables)
    for note in notes:
        assert note.startswith('<p class="source">') and SOURCE.search(note), note
    for fig in re.findall(r'<figure class="chart"[^>]*>.*?</figure>', page, re.S):
        # the note is the figcaption's last part (a figcaption is a figure's first or last child)
        assert re.search(r"<svg/>\s*<figcaption>图\d+ [^<]+<p class=\"source\">[^<]*</p></figcaption>", fig), fig
        assert SOURCE.search(fig), fig
    if year == 2021:  # the targets table is numbered after the outline's tables
        assert re.search(rf'<caption id="table-{len(tables)}">表{len(tables)} 2021年目标完成情况', page)


@pytest.mark.build
@pytest.mark.parametrize("year", [2020, 2021])
def test_charts_have_no_title_and_a_horizontal_unit_and_no_colophon(pages, year):
    page = pages[year]
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 4 and not any("rotate(-90" in s for s in svgs)
    assert "<footer" not in page and "annualreport" not in visible_text(page)


@pytest.mark.build
@pytest.mark.parametrize("year", [2020, 2021])
def test_rate_cells_print_as_the_text_rounds_them(pages, year):
    seen = 0
    for table in re.findall(r'<table[^>]*class="figtable"[^>]*>.*?</table>', pages[year], re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
            cells = [visible_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            if cells and cells[-1] == "%":
                seen += 1
                assert all(c in ("—", "新增") or re.fullmatch(r"\d+(\.\d*[1-9])?", c) for c in cells[1:-2]), cells
                last = cells[-2]
                assert last in ("—", "新增", "无数据") or re.fullmatch(r"[+-]?\d+(\.\d*[1-9])?(个百分点)?", last), cells
    assert seen >= 4
