"""The reviewed year-bound phrases (specs/year_terms.yaml, base/terms.py): loaded and checked like terms.yaml."""

from __future__ import annotations

import pytest

from annualreport.base.errors import SpecError
from annualreport.base.terms import YearTerm, load_year_terms
from tests.helpers import ROOT


def test_the_year_terms_file_holds_the_reviewed_phrases():
    terms = {t.term: t for t in load_year_terms(ROOT)}
    for term in ("十三五收官", "十三五的收官之年", "建党100周年", "中国共产党成立一百周年", "十四五规划的开局之年"):
        assert term in terms
    for term in ("十九届五中全会", "疫情防控阻击战", "双战双赢"):
        assert 2020 in terms[term].years and 2024 not in terms[term].years
    assert terms["中国共产党成立一百周年"].years == (2021,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year_terms:\n  - {term: 双战双赢, years: [2020]}\n", "each term is {term, years, why}"),
        ("year_terms:\n  - {term: 双战双赢, years: 2020, why: x}\n", "years is a list of years"),
        ("year_terms:\n  - {term: 双战双赢, years: [20], why: x}\n", "years is a list of years"),
        ("year_terms:\n  - {term: '', years: [2020], why: x}\n", "has its words"),
        (
            "year_terms:\n  - {term: 双战双赢, years: [2020], why: x}\n  - {term: 双战双赢, years: [2021], why: y}\n",
            "twice",
        ),
        ("terms: []\n", "one key 'year_terms'"),
    ],
)
def test_a_malformed_year_terms_file_is_refused_naming_it(tmp_path, text, message):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "year_terms.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=r"specs/year_terms\.yaml") as err:
        load_year_terms(tmp_path)
    assert message in str(err.value)
    (tmp_path / "specs" / "year_terms.yaml").write_text("year_terms: [\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not readable as YAML"):
        load_year_terms(tmp_path)


def test_the_review_speaks_of_the_report_year_and_the_plan_of_the_next():
    term = YearTerm("建党100周年", (2021,), "the centenary")
    assert term.fits(2021, plan=False) and term.fits(2020, plan=True)
    assert not term.fits(2020, plan=False) and not term.fits(2021, plan=True) and not term.fits(2024, plan=False)
