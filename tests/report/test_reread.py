"""Text nobody has reread (report/reread.py): paragraphs carried unchanged from the year before, year-bound
phrases (specs/year_terms.yaml) outside their years, accepted by name; on small texts, and on the demo years,
which carry no finding left."""

from __future__ import annotations

from pathlib import Path

import pytest

from annualreport.base.errors import SpecError
from annualreport.base.params import load_params
from annualreport.base.places import Places
from annualreport.base.terms import YearTerm
from annualreport.report import reread
from annualreport.report.reread import Paragraph, find, split_paragraphs
from tests.helpers import DEMO_YEARS, ROOT, copy_project

TERMS = (
    YearTerm("中国共产党成立一百周年", (2021,), "the centenary"),
    YearTerm("十九届五中全会", (2020, 2021), "the plenum"),
    YearTerm("十三五的收官之年", (2020,), "the plan's last year"),
    YearTerm("五中全会", (2020,), "a shorter term inside the plenum's"),
)


def para(text: str, file: str = "review.md", number: int = 1, plan: bool = False, compared: bool = True):
    return Paragraph(file, number, text, plan, compared)


# ------------------------------------------------------------------------------------------------ paragraphs
def test_paragraphs_are_blocks_between_blank_lines():
    text = "第一段，\n接着写。\n\n   \n第二段。\r\n\r\n（#）第三段。\n"
    assert split_paragraphs(text) == ["第一段，\n接着写。", "第二段。", "（#）第三段。"]
    assert split_paragraphs("\n\n") == []


def test_a_paragraph_is_carried_when_its_text_is_the_same_spaces_aside_references_counted():
    earlier = {reread.same_text(t) for t in ("全年开展各类培训{training_person_times}。", "学院 坚持\n立德树人。")}
    this = [
        para("全年开展各类培训{training_person_times}。", number=1),  # the number it prints changed: still carried
        para("学院坚持立德树人。", number=2),  # a line break and a space aside
        para("全年开展各类培训{training_income}。", number=3),  # another reference: another text
        para("全年开展各类培训{training_person_times}！", number=4),
    ]
    found = find(this, earlier, (), 2024, set())
    assert [(f.name, f.kind) for f in found] == [("review.md#1", "unchanged"), ("review.md#2", "unchanged")]
    assert find(this, None, (), 2024, set()) == []  # no year before: nothing is carried


def test_only_headings_that_are_sentences_are_compared(tmp_path):
    (tmp_path / "sections.yaml").write_text(
        "sections:\n"
        "  - heading: 工作回顾\n    body: review.md\n"
        "  - heading: 存在的问题\n    children:\n      - {heading: 主动谋改革的意识不强。}\n"
        "  - heading: '{next_year}年工作要点'\n    children:\n      - {heading: 指导思想, body: plan.md}\n",
        encoding="utf-8",
    )
    (tmp_path / "review.md").write_text("甲。\n\n乙。\n", encoding="utf-8")
    (tmp_path / "plan.md").write_text("丙。\n", encoding="utf-8")
    got = [(p.file, p.number, p.plan, p.compared) for p in reread.paragraphs(tmp_path)]
    assert got == [
        ("sections.yaml", 1, False, False),
        ("review.md", 1, False, True),
        ("review.md", 2, False, True),
        ("sections.yaml", 2, False, False),
        ("sections.yaml", 3, False, True),  # 主动谋改革的意识不强。: a sentence
        ("sections.yaml", 4, True, False),  # {next_year}年工作要点: the plan
        ("sections.yaml", 5, True, False),
        ("plan.md", 1, True, True),
    ]


# ------------------------------------------------------------------------------------------------ year terms
@pytest.mark.parametrize(
    ("text", "year", "plan", "terms"),
    [
        ("{year}年是“十三五”的收官之年。", 2020, False, []),  # quotation marks aside
        ("{year}年是“十三五”的收官之年。", 2021, False, ["十三五的收官之年"]),
        ("{next_year}年是“十三五”的收官之年。", 2019, True, []),  # the 2019 report's plan speaks of 2020
        ("迎接中国共产党成立一百周年。", 2020, True, []),
        ("迎接中国共产党成立一百周年。", 2021, False, []),
        ("迎接中国共产党成立一百周年。", 2021, True, ["中国共产党成立一百周年"]),  # the plan for 2022
        ("迎接中国共产党成立一百周年。", 2024, False, ["中国共产党成立一百周年"]),
        ("学习十九届五中全会精神。", 2021, False, []),  # its years are 2020 and 2021
        ("学习十九届五中全会精神。", 2021, True, ["十九届五中全会"]),  # found once, by the longer term
        ("学习 十九届 五中全会 精神。", 2024, False, ["十九届五中全会"]),
        ("学习十九届五中全会和五中全会精神。", 2022, False, ["十九届五中全会", "五中全会"]),
    ],
)
def test_a_year_bound_phrase_fits_the_year_its_part_speaks_of(text, year, plan, terms):
    ordered = tuple(sorted(TERMS, key=lambda t: len(t.term), reverse=True))
    found = find([para(text, plan=plan)], None, ordered, year, set())
    assert [f.term for f in found] == terms
    assert all(f.kind == "out_of_year" and f.name == f"{f.term}@review.md#1" for f in found)


def test_full_width_forms_are_folded_before_matching():
    term = YearTerm("建党100周年", (2021,), "the centenary")
    found = find([para("迎接建党１００周年")], None, (term,), 2024, set())
    assert [f.term for f in found] == ["建党100周年"]


# ------------------------------------------------------------------------------- a year, accepted by name
@pytest.fixture
def project(tmp_path) -> Path:
    """2020 and 2021's params and narratives in a temporary copy, 2021's review carried from 2020: 2020's first
    paragraph and a second one."""
    project = copy_project(tmp_path, years=(2020, 2021))
    n = project / "params" / "narrative"
    first = split_paragraphs((n / "2020" / "review.md").read_text("utf-8"))[0]
    for year in (2020, 2021):
        (n / str(year) / "review.md").write_text(f"{first}\n\n学院坚持立德树人，各项事业取得新进展。\n", "utf-8")
    return project


def test_a_carried_review_is_found_accepted_by_name_and_an_edit_is_a_new_paragraph(project, tmp_path):
    params = load_params(project / "params" / "2021.yaml", project)
    found = reread.detect(params)
    names = [f.name for f in found.left]
    # 2020's review carried: both its paragraphs, and the year of the first (十三五的收官之年) is 2020
    assert names == ["review.md#1", "十三五的收官之年@review.md#1", "review.md#2"]
    assert found.year_before == 2020 and found.counts() == (2, 1)
    assert found.unreviewed("review.md", 1) and found.out_of_year("review.md", 1) == ("十三五的收官之年",)
    assert not found.unreviewed("review.md", 3) and found.out_of_year("review.md", 2) == ()

    with pytest.raises(SpecError, match=r"no finding is named review\.md#9 "):
        reread.accept(params, found, ["review.md#9"], "审阅人")
    assert [f.name for f in reread.accept(params, found, ["review.md#2"], "审阅人")] == ["review.md#2"]
    assert reread.accept(params, found, ["review.md#2"], "审阅人") == []  # accepted once
    kept = (project / "params" / "narrative" / "2021" / "reviewed.yaml").read_text("utf-8")
    assert 'name: "review.md#2"' in kept and 'by: "审阅人"' in kept
    again = reread.detect(params)
    assert [f.name for f in again.left] == ["review.md#1", "十三五的收官之年@review.md#1"]
    assert not again.unreviewed("review.md", 2)

    # a paragraph inserted above: the accepted one moves to #3 and stays accepted
    path = project / "params" / "narrative" / "2021" / "review.md"
    first, second = split_paragraphs(path.read_text("utf-8"))
    path.write_text(f"新写的一段。\n\n{first}\n\n{second}\n", encoding="utf-8")
    moved = reread.detect(params)
    assert [f.name for f in moved.left] == ["review.md#2", "十三五的收官之年@review.md#2"]
    assert "review.md#3" in [f.name for f in moved.findings if f.accepted]

    # the analyst rewrites the first paragraph for 2021: it is no longer carried, nor out of its year
    path.write_text(f"新写的一段。\n\n{{year}}年，学院坚持立德树人。\n\n{second}\n", encoding="utf-8")
    assert reread.detect(params).left == ()

    # the table the stage writes reads back as it was
    at = Places(tmp_path / "work", tmp_path / "processed", tmp_path / "outputs")
    assert reread.load(at) is None
    reread.write(at, found)
    assert reread.load(at) == found


def test_the_build_line_counts_what_is_left_and_says_nothing_when_nothing_is(project, tmp_path):
    params = load_params(project / "params" / "2021.yaml", project)
    at = Places(tmp_path / "work", tmp_path / "processed", tmp_path / "outputs")
    found = reread.detect(params)
    reread.write(at, found)
    total = found.paragraphs
    assert reread.build_line(params, at) == (
        f"2021: 2 of {total} paragraphs unchanged from 2020, 1 phrase outside its year: see the 审阅稿 "
        "(each by name in outputs/2021/reread.csv)",
    )
    reread.accept(params, found, [f.name for f in found.left], "审阅人")
    reread.write(at, reread.detect(params))
    assert reread.build_line(params, at) == ()


def test_a_malformed_reviewed_file_is_refused_naming_it(project):
    params = load_params(project / "params" / "2021.yaml", project)
    path = project / "params" / "narrative" / "2021" / "reviewed.yaml"
    path.write_text("accepted:\n  - {name: review.md#1}\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"2021/reviewed\.yaml entry 1"):
        reread.detect(params)
    path.write_text("accepted: [\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"2021/reviewed\.yaml: not readable as YAML"):
        reread.detect(params)


@pytest.mark.parametrize("year", DEMO_YEARS)
def test_the_demo_years_are_reviewed_and_carry_no_finding(year):
    """Each demo year's prose fits its years, and what it repeats from the year before (a standing paragraph,
    the problems that persist) is accepted in its reviewed.yaml."""
    found = reread.detect(load_params(ROOT / "params" / f"{year}.yaml", ROOT))
    assert found.left == (), [f.name for f in found.left]
    assert all(f.kind == "unchanged" for f in found.findings)  # no phrase outside its year, accepted or not
