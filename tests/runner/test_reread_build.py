"""A year whose prose is carried from the year before, built whole: the build line counts the carried paragraphs and
the phrases outside the year, the 印发稿 is stamped 征求意见稿 (its Word copy too), the 审阅稿 marks each paragraph
and phrase, `make signoff` refuses; once the analyst rewrites them, the count falls to zero and the stamp goes.

The year is the demo's 2021 with four of its files carried back from 2020 (the epidemic section, the party's
political work, innovation and the plan for the party: what a `make new-year` copy leaves unchanged), built from a
copy of the session's demo build, so only the narrative's stages run again."""

from __future__ import annotations

import base64
import io
import re
import shutil

import pytest
from docx import Document
from fontTools.ttLib import TTFont

from annualreport.base.params import load_params
from annualreport.review.signoff import NotReread, record
from annualreport.runner.driver import build
from annualreport.typeset.pages import visible_text

pytestmark = pytest.mark.build

CARRIED = ("epidemic.md", "party_political.md", "plan_party.md", "innovation.md")


@pytest.fixture(scope="module")
def carried(demo_project, tmp_path_factory):
    project = tmp_path_factory.mktemp("carried") / "project"
    shutil.copytree(demo_project, project, symlinks=True)
    n = project / "params" / "narrative"
    kept = {name: (n / "2021" / name).read_bytes() for name in CARRIED}
    for name in CARRIED:
        shutil.copyfile(n / "2020" / name, n / "2021" / name)
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        stale = build(2021, root=project, formats=("docx",))
        out = project / "outputs" / "2021"
        pages = {name: (out / f"{name}.html").read_text(encoding="utf-8") for name in ("report", "review")}
        word = "\n".join(p.text for p in Document(out / "report.docx").paragraphs)
        try:  # make signoff, while the carried text is published
            record(load_params(project / "params" / "2021.yaml", project), by="审阅人")
            refused = None
        except NotReread as exc:
            refused = exc
        for name, data in kept.items():  # the analyst rewrites them: 2021's own prose again
            (n / "2021" / name).write_bytes(data)
        fresh = build(2021, root=project, formats=("docx",))
        after = {name: (out / f"{name}.html").read_text(encoding="utf-8") for name in ("report", "review")}
    finally:
        mp.undo()
    return project, stale, pages, word, fresh, after, refused


def test_the_build_says_it_in_one_line(carried):
    _, stale, *_ = carried
    lines = [x for x in stale.notes if x.startswith("2021: ") and "审阅稿" in x]
    assert len(lines) == 1, stale.notes
    m = re.fullmatch(
        r"2021: (\d+) of (\d+) paragraphs unchanged from 2020, (\d+) phrases? outside (?:their|its) year: "
        r"see the 审阅稿 \(each by name in outputs/2021/reread\.csv\)",
        lines[0],
    )
    assert m, lines[0]
    unchanged, total, phrases = map(int, m.groups())
    assert unchanged >= 3 and total > 50 and phrases >= 2


def test_the_circulated_document_is_stamped_and_its_word_copy_too(carried):
    _, _, pages, word, *_ = carried
    assert '<p class="stamp">征求意见稿</p>' in pages["report"]
    assert word.lstrip().startswith("征求意见稿")
    assert "reread" not in pages["report"].split("<body", 1)[1]  # no marks: the 印发稿 is the college's text


def test_the_review_copy_marks_each_paragraph_and_phrase(carried):
    _, _, pages, *_ = carried
    review = pages["review"]
    notes = re.findall(r'class="[^"]*\breread\b[^"]*" data-reread="([^"]+)"', review)
    assert sum("与2020年相同，尚无人重读" in x for x in notes) >= 3
    assert any("不属2021年" in x for x in notes)
    assert re.search(r'<mark class="out-of-year">[^<]+</mark>', review)
    assert "本稿中尚无人重读的文字" in visible_text(review)
    # what the stylesheet prints after a marked paragraph (〔note〕) is drawn with the page's own faces: no tofu
    drawn = set()
    for data in re.findall(r"base64,([A-Za-z0-9+/=]+)", review):
        drawn |= set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap())
    assert {ord(ch) for ch in "〔〕" + "".join(notes)} <= drawn


def test_signoff_refuses_while_any_is_left(carried):
    refused = carried[-1]
    assert refused is not None
    assert re.match(r"2021 not signed off: \d+ paragraph\(s\) unchanged from 2020", str(refused))
    assert "party_political.md#1" in str(refused) and len(refused.details) >= 4


def test_rewritten_the_count_falls_to_zero_and_the_stamp_goes(carried):
    _, _, _, _, fresh, after, _ = carried
    assert not [x for x in fresh.notes if "审阅稿" in x], fresh.notes
    assert "征求意见稿" not in after["report"].split("<body", 1)[1]
    assert 'data-reread="' not in after["review"] and "本稿中尚无人重读的文字" not in after["review"]
