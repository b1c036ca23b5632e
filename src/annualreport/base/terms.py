"""Narrative and phrase texts hold no hand-typed numbers: `bare_numbers()` finds digits outside references,
dates and the reviewed names with digits of `specs/terms.yaml` ("1+X", 中国制造2025: proper names that state no
quantity); a test fails on any in a narrative file, and the figures stage refuses one in a status phrase."""

from __future__ import annotations

import re
from pathlib import Path

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
