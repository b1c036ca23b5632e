"""Narrative and phrase texts hold no hand-typed numbers: `bare_numbers()` finds digits outside references,
dates and the reviewed names with digits of `specs/terms.yaml` ("1+X", 中国制造2025: proper names that state no
quantity); a test fails on any in a narrative file, and the figures stage refuses one in a status phrase.

Beside them, `specs/year_terms.yaml` lists the phrases that belong to certain years (十三五的收官之年: 2020), which
the reread stage finds in prose outside their years (`report/reread.py`; `load_year_terms`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from annualreport.base.errors import SpecError
from annualreport.base.paths import load_yaml, specs_dir
from annualreport.base.refs import REF, XREF

# Dates are allowed as typed: 2021年5月31日, 5月31日, 2021-05-31, 11月30日.
DATE = re.compile(r"(\d{4}年)?\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}")
DIGIT = re.compile(r"[0-9０-９]")
TERMS_FILE = "terms.yaml"


def load_terms(root: Path | None = None) -> tuple[str, ...]:
    """The reviewed names with digits (`specs/terms.yaml`: `terms: [{term, why}]`), longest first. Each
    entry says why its digits state no quantity; a term without an ASCII or full-width digit, a missing
    `why`, an unknown key or a term listed twice is an error."""
    path = specs_dir(root) / TERMS_FILE
    if not path.is_file():
        raise SpecError(f"specs/{TERMS_FILE}: the reviewed terms file is missing")
    raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    items = raw.get("terms") if isinstance(raw, dict) and set(raw) == {"terms"} else None
    if not isinstance(items, list):
        raise SpecError(f"specs/{TERMS_FILE}: expected one key 'terms' holding a list of {{term, why}}")
    terms: list[str] = []
    for i, item in enumerate(items, start=1):
        where = f"specs/{TERMS_FILE} term {i}"
        if not isinstance(item, dict) or set(item) != {"term", "why"}:
            raise SpecError(f"{where}: each term is {{term, why}} (got {item!r})")
        term, why = str(item["term"] or ""), str(item["why"] or "").strip()
        if not DIGIT.search(term) or not why:
            raise SpecError(f"{where} ({term!r}): a term holds a digit and says why it is not a quantity")
        if term in terms:
            raise SpecError(f"{where}: {term!r} is listed twice")
        terms.append(term)
    return tuple(sorted(terms, key=len, reverse=True))


def bare_numbers(text: str, terms: tuple[str, ...] | None = None) -> list[str]:
    """Digits typed into narrative text outside figure/year references, dates and the reviewed terms
    (`terms`, default `load_terms()`): a digit inside a listed term is not a bare number, one anywhere
    else is (a term's text is cut out, so `21+X` still leaves its `2`)."""
    stripped = DATE.sub("", REF.sub("", XREF.sub("", text)))
    for name in load_terms() if terms is None else terms:
        stripped = stripped.replace(name, " ")
    return re.findall(r"[0-9０-９]+(?:[.,．][0-9０-９]+)*", stripped)


# --------------------------------------------------------------------------------------------------- year terms
YEAR_TERMS_FILE = "year_terms.yaml"


@dataclass(frozen=True)
class YearTerm:
    """A phrase that belongs to certain years (`specs/year_terms.yaml`): 十三五的收官之年 to 2020."""

    term: str
    years: tuple[int, ...]
    why: str

    def fits(self, year: int, plan: bool) -> bool:
        """Whether the report of `year` may use it in its review (which speaks of `year`) or in its plan (which
        speaks of `year + 1`): the year that part speaks of is one of the term's years."""
        return (year + 1 if plan else year) in self.years


def load_year_terms(root: Path | None = None) -> tuple[YearTerm, ...]:
    """The reviewed year-bound phrases (`specs/year_terms.yaml`: `year_terms: [{term, years, why}]`), longest
    first. A missing `why`, years that are not a list of years, an unknown key or a term listed twice is an
    error."""
    path = specs_dir(root) / YEAR_TERMS_FILE
    where = f"specs/{YEAR_TERMS_FILE}"
    if not path.is_file():
        raise SpecError(f"{where}: the reviewed year-bound phrases file is missing")
    try:
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SpecError(f"{where}: not readable as YAML ({type(exc).__name__})") from None
    items = raw.get("year_terms") if isinstance(raw, dict) and set(raw) == {"year_terms"} else None
    if not isinstance(items, list):
        raise SpecError(f"{where}: expected one key 'year_terms' holding a list of {{term, years, why}}")
    out: dict[str, YearTerm] = {}
    for i, item in enumerate(items, start=1):
        at = f"{where} term {i}"
        if not isinstance(item, dict) or set(item) != {"term", "years", "why"}:
            raise SpecError(f"{at}: each term is {{term, years, why}} (got {item!r})")
        term, why, years = str(item["term"] or "").strip(), str(item["why"] or "").strip(), item["years"]
        if not term or not why:
            raise SpecError(f"{at} ({term!r}): a term has its words and says why it belongs to its years")
        if (
            not isinstance(years, list)
            or not years
            or not all(isinstance(y, int) and not isinstance(y, bool) and 1900 < y < 2200 for y in years)
        ):
            raise SpecError(f"{at} ({term!r}): years is a list of years, e.g. [2020] (got {years!r})")
        if term in out:
            raise SpecError(f"{at}: {term!r} is listed twice")
        out[term] = YearTerm(term, tuple(sorted(set(years))), why)
    return tuple(sorted(out.values(), key=lambda t: len(t.term), reverse=True))
