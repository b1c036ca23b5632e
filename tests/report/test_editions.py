"""The two editions of the demo's 2020 report (report/editions.py), as the session builds them.

- The circulated document (report.html; its PDF is measured in test_layout_pdf.py) holds the title, the body and
  the 落款: no link, table, chart, source line, data-quality part or 审阅稿 mark, no 见表N, and no Latin word the
  seed does not have.
- The reviewers' copy (review.html) has the same text, says 审阅稿, and every number of its prose and appendices
  is a link to a row of the ledger annex that exists.
"""

from __future__ import annotations

import re

import pytest

from annualreport.base.params import load_params
from annualreport.base.terms import bare_numbers
from annualreport.typeset.pages import visible_text
from tests.helpers import ROOT

pytestmark = pytest.mark.build

LINK = re.compile(r'<a class="fig" href="ledger\.html#fig-([^"]+)"[^>]*>(.*?)</a>', re.S)


@pytest.fixture(scope="module")
def pages(demo_project) -> dict[str, str]:
    out = demo_project / "outputs" / "2020"
    return {name: (out / f"{name}.html").read_text(encoding="utf-8") for name in ("report", "review", "ledger")}


def body(page: str) -> str:
    """A page's body (its head holds the shared stylesheet, which styles both editions)."""
    return page[page.index("<body") :]


def paragraphs(page: str) -> list[str]:
    """The visible text of each paragraph of a page's prose."""
    prose = "".join(re.findall(r'<div class="prose">(.*?)</div>', page, re.S))
    return [visible_text(p) for p in re.findall(r"<p\b.*?</p>", prose, re.S)]


def test_the_circulated_document_holds_only_what_the_college_wrote(pages):
    page = body(pages["report"])
    text = visible_text(page)
    name = load_params(ROOT / "params" / "2020.yaml", root=ROOT).institution["name"]
    assert f"{name}2021年工作报告" in text and "2021年3月1日" in text
    for mark in ("<a ", "<table", "<figure", "<svg", 'class="source"', 'class="toc"', "数据来源", "附：", "审阅稿"):
        assert mark not in page and mark not in text, mark
    assert not re.search(r"见[表图]\d", text)
    seed = (ROOT / "reference" / "seed-2021-work-report.txt").read_text(encoding="utf-8")
    assert set(re.findall(r"[A-Za-z]+", text)) <= set(re.findall(r"[A-Za-z]+", seed))


def test_both_editions_carry_the_same_text(pages):
    """The review copy's body reads as the circulated document's: every paragraph of the one is in the other."""
    review = paragraphs(pages["review"])
    circulated = paragraphs(pages["report"])
    assert len(circulated) > 50 and circulated == review[: len(circulated)]


def test_every_number_of_the_review_copy_is_a_link_to_a_ledger_row(pages):
    page, ledger = pages["review"], pages["ledger"]
    assert "审阅稿" in visible_text(page)
    links = LINK.findall(page)
    rows = set(re.findall(r'<tr id="fig-([^"]+)"', ledger))
    assert len(links) > 150 and {rid for rid, _ in links} <= rows
    # the prose and the appendices: with the links, the numbered headings and items taken away, no digit is left
    # but in a date or a reviewed name (base/terms.py)
    prose = "".join(re.findall(r'<div class="prose">(.*?)</div>', page, re.S))
    prose = LINK.sub("", prose)
    prose = re.sub(r'<strong class="sec[^"]*">.*?</strong>', "", prose)
    prose = re.sub(r'<p class="item">（\d+）', "<p>", prose)
    text = re.sub(r"(?<!\d)20(19|20|21)(?!\d)", "", visible_text(prose))  # the years it names ({year} …)
    assert bare_numbers(text) == []


def test_every_number_of_the_review_copy_tables_is_a_link(pages):
    """A figure table's cells (this year, the year before, the change) link to their ledger rows; only the label,
    the unit and — (no value) are plain."""
    tables = re.findall(r'<table[^>]*class="figtable"[^>]*>.*?</table>', pages["review"], re.S)
    assert tables
    for table in tables:
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S):
            if re.search(r"\d", visible_text(cell)) and not LINK.fullmatch(cell.strip()):
                label = re.fullmatch(r"[^<]*", cell) is not None and not re.fullmatch(r"[-+\d.（）%个百分点]+", cell)
                assert label, cell
