"""Narrative files: no hand-typed numbers; every reference resolves; raw HTML never becomes markup."""

from pathlib import Path

import pytest

from annualreport.base.errors import SpecError
from annualreport.base.outline import load_outline
from annualreport.base.refs import REF, Context
from annualreport.base.terms import bare_numbers, load_terms
from annualreport.figures.compute import load_definitions
from annualreport.report.narrative import markdown_to_html

ROOT = Path(__file__).resolve().parents[2]
NARRATIVE_FILES = sorted((ROOT / "params").rglob("narrative/**/*.md")) + sorted(
    (ROOT / "params").rglob("sections.yaml")
)


def test_there_are_narrative_files():
    assert len(NARRATIVE_FILES) >= 6


@pytest.mark.parametrize("path", NARRATIVE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_bare_number_in_narrative(path):
    text = path.read_text(encoding="utf-8")
    if path.name == "sections.yaml":  # only the prose values (headings, titles) count, not the structure
        import yaml

        def strings(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k in ("heading", "title", "subtitle"):
                        yield str(v)
                    else:
                        yield from strings(v)
            elif isinstance(node, list):
                for v in node:
                    yield from strings(v)

        text = "\n".join(strings(yaml.safe_load(text)))
    assert bare_numbers(text) == [], f"{path}: type figures as {{figure_id}} references, not digits"


def test_bare_number_rule():
    assert bare_numbers("录取{enrolled_vocational}，{year}年") == []
    assert bare_numbers("2021年5月31日竣工，11月30日揭牌") == []
    assert bare_numbers("录取4001人") == ["4001"]
    assert bare_numbers("达到９６.１７%") == ["９６.１７"]


def test_reviewed_terms_let_their_digits_through_and_nothing_else():
    terms = load_terms(ROOT)
    assert {"1+X", "中国制造2025", "ST18", "“630”专项"} <= set(terms)
    # a term of the list passes
    assert (
        bare_numbers("持续推动“1+X”证书制度试点，围绕中国制造2025，完成ST18型零件升级，对“630”专项工作开展监督") == []
    )
    # the same digits outside a term fail
    assert bare_numbers("开展2+X试点，完成1项") == ["2", "1"]
    assert bare_numbers("对“630”工作开展监督") == ["630"]
    assert bare_numbers("完成ST180型零件，围绕中国制造2026") == ["0", "2026"]
    assert bare_numbers("开展21+X试点") == ["2"]  # a term inside a longer number leaves its other digits
    # an unlisted name with digits fails
    assert bare_numbers("实施“双百”计划和“5G+”工程") == ["5"]
    assert bare_numbers("“十四五”规划") == []  # Chinese numerals are not digits: no entry needed


def test_the_terms_are_taken_from_the_file_only():
    assert bare_numbers("开展“1+X”试点", terms=()) == ["1"]
    assert bare_numbers("实施“5G+”工程", terms=("5G",)) == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("terms:\n  - {term: 1+X}\n", "each term is"),
        ("terms:\n  - {term: 1+X, why: a name, note: x}\n", "each term is"),
        ("terms:\n  - {term: 十四五, why: a name}\n", "holds a digit"),
        ("terms:\n  - {term: 1+X, why: ''}\n", "holds a digit"),
        ("terms:\n  - {term: 1+X, why: a}\n  - {term: 1+X, why: b}\n", "listed twice"),
        ("names: []\n", "one key 'terms'"),
    ],
)
def test_a_bad_terms_file_is_an_error(tmp_path, text, message):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "terms.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        load_terms(tmp_path)


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_every_reference_is_a_defined_figure(year):
    from annualreport.base.params import load_params
    from annualreport.figures.phrases import load_statements
    from annualreport.figures.stated import load_stated

    defs, _ = load_definitions(ROOT)
    defs = {**defs, **load_statements(ROOT, defs)}  # statements print like figures
    outline = load_outline(ROOT / "params" / "narrative" / str(year))
    defs = {**defs, **{d.id: d for d in load_stated(outline.directory, ROOT)}}  # the year's stated figures
    targets = load_params(ROOT / "params" / f"{year}.yaml", root=ROOT).data["targets"]
    names = {"year", "prev_year", "next_year", "institution"} | {f"target.{t['id']}" for t in targets}
    for s in outline.walk():
        texts = [s.heading] + ([(outline.directory / s.body).read_text(encoding="utf-8")] if s.body else [])
        for t in texts:
            for m in REF.finditer(t):
                assert m.group(1) in defs or m.group(1) in names, m.group(0)
        for b in s.blocks:
            for fid in b.get("table", {}).get("figures", []):
                assert fid in defs


def test_html_in_narrative_is_escaped_and_figures_link_to_the_ledger():
    ctx = Context(
        {"x": {"label": "标签", "value": "4", "unit": "人", "dataset": "d", "definition": "<b>", "wording": "4人"}},
        2020,
        "学院",
    )
    out = markdown_to_html("共{x}，<script>alert(1)</script> <img src=x onerror=alert(1)>", ctx)
    assert "<script>" not in out and "<img" not in out
    assert '<a class="fig" href="ledger.html#fig-x"' in out and "&lt;b&gt;" in out


def test_unknown_reference_is_an_error():
    ctx = Context({}, 2020, "学院")
    with pytest.raises(SpecError, match=r"unknown figure '\{nope\}'"):
        markdown_to_html("共{nope}", ctx, "talent.md")


# ---------------------------------------------------------------- numbered run-in items
def test_item_paragraphs_are_numbered_run_in_items():
    md = "（#）深入学习贯彻党的十九届五中全会精神。以习近平…\n\n（#）全面强化党的政治建设。持续…\n\n说明段落。\n\n(#) 夯实基层党组织建设。"
    out = markdown_to_html(md)
    assert out.count('<p class="item">') == 3 and "<h" not in out  # paragraphs, not headings
    assert '<p class="item">（1）深入学习贯彻党的十九届五中全会精神。以习近平…</p>' in out
    assert '<p class="item">（2）全面强化党的政治建设。' in out and "<p>说明段落。</p>" in out
    assert '<p class="item">（3）夯实基层党组织建设。</p>' in out  # ASCII parentheses too, the space dropped
    assert "#" not in out


@pytest.mark.parametrize("level, first", [(1, "一、"), (2, "（一）"), (3, "1."), (4, "（1）"), (5, "（1）")])
def test_items_are_numbered_at_their_level(level, first):
    assert markdown_to_html("（#）甲。\n\n（#）乙。", item_level=level).startswith(f'<p class="item">{first}甲。')


def test_items_count_from_one_in_each_section_one_level_below_its_heading(tmp_path):
    from annualreport.report.narrative import render_body

    (tmp_path / "sections.yaml").write_text(
        "sections:\n  - heading: 工作要点\n    children:\n      - heading: 主要任务\n        child_numbering: arabic\n"
        "        children:\n          - {heading: 甲, body: a.md}\n          - {heading: 乙, body: b.md}\n",
        encoding="utf-8",
    )
    (tmp_path / "a.md").write_text("（#）一项。\n\n（#）二项，共{x}。\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("（#）又一项。\n", encoding="utf-8")
    outline = load_outline(tmp_path)
    ctx = Context(
        {"x": {"label": "x", "value": "4", "unit": "人", "dataset": "", "definition": "d", "wording": "4人"}},
        2020,
        "学院",
    )
    a, b = (s for s in outline.walk() if s.body)
    assert a.number == "1." and a.level == 3
    out_a, out_b = render_body(outline, a, ctx), render_body(outline, b, ctx)
    assert '<p class="item">（1）一项。</p>' in out_a and '<p class="item">（2）二项，共<a class="fig"' in out_a
    assert out_b.startswith('<p class="item">（1）又一项。')


@pytest.mark.parametrize("md", ["甲。\n（#）乙。", "- （#）乙。", "甲（#）乙。", "    （#）代码。"])
def test_an_item_marker_that_does_not_start_a_paragraph_is_an_error(md):
    with pytest.raises(SpecError, match="must start a paragraph"):
        markdown_to_html(md, where="plan.md")


def test_item_markers_hold_no_digits_and_the_2020_plan_uses_them():
    assert bare_numbers("（#）深入学习贯彻党的十九届五中全会精神。") == []
    plan = (ROOT / "params" / "narrative" / "2020" / "plan_party.md").read_text(encoding="utf-8")
    assert plan.count("（#）") == 5


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_no_markdown_markup_is_left_as_text(year):
    """An unclosed ** (a bold lead-in missing its end) would print the asterisks in the report."""
    from annualreport.report.narrative import markdown_to_html
    from annualreport.typeset.pages import visible_text

    for path in sorted((ROOT / "params" / "narrative" / str(year)).glob("*.md")):
        text = visible_text(markdown_to_html(path.read_text(encoding="utf-8")))
        assert "**" not in text and "__" not in text, path.name
