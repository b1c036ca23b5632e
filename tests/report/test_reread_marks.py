"""The review copy's marks on text nobody has reread (report/body.py Marks)."""

from __future__ import annotations

from annualreport.report.body import Marks
from annualreport.report.reread import OUT_OF_YEAR, UNCHANGED, Finding, Findings


def findings(*found: Finding) -> Findings:
    return Findings(2023, 10, found)


CARRIED = Finding("a.md#2", UNCHANGED, "a.md", 2)
PHRASE = Finding("十九届五中全会@a.md#2", OUT_OF_YEAR, "a.md", 2, "十九届五中全会", "2020 2021")
HEADING = Finding("双战双赢@sections.yaml#3", OUT_OF_YEAR, "sections.yaml", 3, "双战双赢", "2020")


def test_the_nth_paragraph_is_marked_with_what_is_wrong_and_its_phrase():
    rendered = '<p>一。</p>\n<p class="item">（1）学习<a class="fig" href="#x">十九届五中全会</a>十九届五中全会。</p>'
    out = Marks(findings(CARRIED, PHRASE), 2024).prose(rendered, "a.md")
    first, second = out.split("\n")
    assert first == "<p>一。</p>"
    assert second.startswith(
        '<p class="reread item" data-reread="与2023年相同，尚无人重读；“十九届五中全会”不属2024年">'
    )
    assert second.count('<mark class="out-of-year">十九届五中全会</mark>') == 2  # in text, and inside the link's text
    assert 'href="#x"' in second


def test_a_heading_is_marked_and_nothing_once_accepted():
    shown = '<h3 id="sec-2" class="sec sec-l2">（二）实现“双战双赢”</h3>'
    out = Marks(findings(HEADING), 2024).heading(shown, 3, "h3")
    assert out.startswith('<h3 id="sec-2" class="reread sec sec-l2" data-reread="“双战双赢”不属2024年">')
    assert '<mark class="out-of-year">双战双赢</mark>' in out
    accepted = Finding(**{**HEADING.__dict__, "accepted": True})
    assert Marks(findings(accepted), 2024).heading(shown, 3, "h3") == shown
    assert Marks(None, 2024).prose("<p>x</p>", "a.md") == "<p>x</p>"
