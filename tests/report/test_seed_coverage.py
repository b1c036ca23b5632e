"""The 2020 report carries the seed: every sentence of its parts 一、二、三 in the seed's wording and every
number with its measure word (issue 14), measured by `annualreport_dev.seedcheck` on a built report.

`assert_seed_coverage(report)` takes the report's path: the session build's HTML here, or a PDF, which is
what `make seed-check YEAR=2020` measures (pdftotext reads it, pypdf when pdftotext is absent). The PDF tests
lay out the session build's HTML once (conftest `demo_pdfs`): one reads it with pypdf, one as seed-check does
(the same pypdf text where pdftotext is absent, as on CI).
Another report can be checked instead of the session's PDF:
`SEEDCHECK_REPORT=outputs/2020/report.pdf pytest tests/report/test_seed_coverage.py -k given_report`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annualreport_dev import seedcheck as sc
from tests.helpers import ROOT

MIN_SENTENCES = 95.0  # % of the seed's sentences present word for word (OCR slips mended)
MIN_NUMBERS = 98.0  # % of the seed's numbers with their measure words


def seed_coverage(report: Path, seed: Path = ROOT / sc.SEED) -> tuple[dict, list[sc.Match], list[str]]:
    """(summary, the units not present, the numbers not found) of `report` against the seed."""
    units = [u for part in sc.seed_parts(seed.read_text(encoding="utf-8")).values() for u in part]
    index = sc.Index(sc.report_text(Path(report)))
    matches = sc.coverage(units, index)
    seed_nums, found = sc.number_coverage(units, index)
    lost = [t for t in sorted(seed_nums) if found[t] < seed_nums[t]]
    return sc.summary(matches, seed_nums, found), [m for m in matches if m.status != "present"], lost


def assert_seed_coverage(
    report: Path, min_sentences: float = MIN_SENTENCES, min_numbers: float = MIN_NUMBERS, seed: Path = ROOT / sc.SEED
) -> dict:
    stats, absent, lost = seed_coverage(report, seed)
    shown = "\n".join(f"  {m.status} ({m.ratio:.2f}) {m.unit.section}: {m.unit.text}" for m in absent)
    assert stats["present"] >= min_sentences, f"{stats['present']}% of the seed's sentences present:\n{shown}"
    assert stats["numbers"] >= min_numbers, f"{stats['numbers']}% of the seed's numbers found; not found: {lost}"
    return stats


@pytest.mark.build
def test_the_2020_report_carries_the_seed(demo_project):
    stats = assert_seed_coverage(demo_project / "outputs" / "2020" / "report.html")
    assert stats["units"] > 250 and stats["numbers_total"] > 120  # the whole seed was measured


@pytest.mark.build
def test_the_2020_pdf_text_carries_the_seed(demo_pdfs, monkeypatch):
    """The done-criterion of issue 14, on the PDF's own text (pypdf, as on CI where poppler is absent)."""
    monkeypatch.setattr(sc.shutil, "which", lambda name: None)
    text = sc.report_text(demo_pdfs["report"])
    assert "一、2020年工作回顾" in text.replace(" ", "")
    stats = assert_seed_coverage(demo_pdfs["report"])
    assert stats["units"] > 250


@pytest.mark.build
def test_a_given_report_carries_the_seed(request):
    """The report `make seed-check` measures, read as it reads it (pdftotext where installed, else pypdf): the
    session's 2020 PDF, or the report SEEDCHECK_REPORT names (then the session's PDF is not laid out)."""
    given = os.environ.get("SEEDCHECK_REPORT")
    report = Path(given) if given else request.getfixturevalue("demo_pdfs")["report"]
    assert report.is_file(), f"SEEDCHECK_REPORT={given}: no such file"
    assert_seed_coverage(report)


@pytest.mark.build
def test_the_plan_tasks_are_numbered_run_in_items_in_the_seeds_order(demo_project):
    from annualreport.typeset.pages import visible_text

    page = (demo_project / "outputs" / "2020" / "report.html").read_text(encoding="utf-8")
    assert page.count('<p class="item">') == 26  # 三(三) 1.–7.: 5 + 3 + 4 + 5 + 2 + 2 + 5 items
    text = sc.normalise(visible_text(page))
    heads = [
        "1.坚持政治引领,加强党的领导",
        "(1)深入学习贯彻党的十九届五中全会精神。",
        "(5)持续推动全面从严治党向纵深发展。",
    ]
    heads += ['2.深入推进"三全育人"综合改革', "(3)实现学生工作提质高效。", "7.着力实施高效能治理"]
    heads += ["(5)巩固疫情防控成果。"]
    positions = [text.find(h) for h in heads]
    assert -1 not in positions and positions == sorted(positions), dict(zip(heads, positions, strict=True))


# ------------------------------------------------------------------ the measure itself (no build)
def test_a_report_missing_a_sentence_and_a_number_falls_below_the_thresholds(tmp_path):
    seed = "一、2020年工作回顾 \n\n学院完成任务。录取新生4001人。 \n\n二、存在的问题 \n\n1.手段单一。 \n"
    (tmp_path / "seed.txt").write_text(seed, encoding="utf-8")
    full = tmp_path / "full.html"
    body = "<h2>一、2020年工作回顾</h2>{}<h2>二、存在的问题</h2><p>1.手段单一。</p>"
    full.write_text(body.format("<p>学院完成任务。录取新生4001人。</p>"), encoding="utf-8")
    short = tmp_path / "short.html"
    short.write_text(body.format("<p>学院完成任务。</p>"), encoding="utf-8")
    stats, absent, lost = seed_coverage(full, tmp_path / "seed.txt")
    assert (stats["present"], stats["numbers"], absent, lost) == (100.0, 100.0, [], [])
    stats, absent, lost = seed_coverage(short, tmp_path / "seed.txt")
    assert [m.unit.norm for m in absent] == ["录取新生4001人"] and lost == ["4001人"]
    with pytest.raises(AssertionError, match="录取新生4001人"):
        assert_seed_coverage(short, seed=tmp_path / "seed.txt")
    with pytest.raises(AssertionError, match=r"50.0% of the seed's numbers|numbers found"):
        assert_seed_coverage(short, min_sentences=0, seed=tmp_path / "seed.txt")
