"""The auditor's trail in Chinese (issue 24): every definition and note of the ledger annex and of the auditor's
workbook, as the demo's 2020 and 2021 builds publish them, reads without a Latin word but the codes (figure ids,
dataset ids, in columns of their own) and the few names listed below; the annex and the workbook head their
columns with the glossary's words; no kind and no section is announced without rows; and in the annex's PDF no
code runs out of its column."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from annualreport.base.catalog import ARTEFACTS
from annualreport.base.glossary import COLUMN_ZH, KIND_ZH, KINDS_EXPLAINED
from annualreport.base.tables import read_table
from annualreport.report.annex import COLUMNS
from annualreport.typeset.pages import visible_text
from tests.programs import program

pytestmark = pytest.mark.build

LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
# Latin a definition or note may hold besides the codes: names the sources themselves spell so.
TERMS = ("1+X",)  # the “1+X” certificate system (a national policy's name), in an analyst's stated source
# What the workbook's 说明 sheet and the annex's intro may name besides: the published files and the digest.
PAGE_TERMS = ("SHA-256",)
YEARS = (2020, 2021)


def _out(project: Path, year: int, name: str) -> Path:
    return project / "outputs" / str(year) / ARTEFACTS[name].pattern.removeprefix("{work}/")


def _latin(text: str, codes: set[str], terms=TERMS) -> list[str]:
    for term in terms:
        text = text.replace(term, "")
    return [w for w in LATIN.findall(text) if w.rstrip(".") not in codes]


def _codes(project: Path, year: int) -> set[str]:
    """What a definition or note may spell in Latin letters: the ledger's ids, datasets and units."""
    ledger = read_table(_out(project, year, "ledger"))
    return set(ledger["id"]) | set(ledger["dataset"]) | set(ledger["unit"])


def _annex_cells(page: str) -> list[tuple[str, str, str, str]]:
    """(row id, definition, note, raw files) of every row of the annex, as text (the raw files' paths, codes, cut)."""
    out = []
    for rid, cell in re.findall(r'<tr id="fig-([^"]+)">.*?<td class="def">(.*?)</td>', page, re.S):
        note = re.search(r'<span class="note">(.*?)</span>', cell, re.S)
        files = re.search(r'<span class="source">(.*?)</span>', cell, re.S)
        definition = re.sub(r'<span class="(note|source)">.*?</span>', "", cell, flags=re.S)
        files_text = re.sub(r"<code>.*?</code>", "", files.group(1), flags=re.S) if files else ""
        out.append(
            (rid, html.unescape(definition), html.unescape(note.group(1)) if note else "", html.unescape(files_text))
        )
    return out


@pytest.mark.parametrize("year", YEARS)
def test_every_definition_and_note_of_the_annex_is_chinese(demo_project, year):
    page = _out(demo_project, year, "ledger_annex").read_text(encoding="utf-8")
    codes = _codes(demo_project, year)
    cells = _annex_cells(page)
    ledger = read_table(_out(demo_project, year, "ledger"))
    assert [c[0] for c in cells] and {c[0] for c in cells} == set(ledger["id"])  # every row has its definition
    latin = {rid: _latin(d + n + f, codes) for rid, d, n, f in cells if _latin(d + n + f, codes)}
    assert not latin, latin
    notes = [n for _, _, n, _ in cells if n]
    assert notes and all(n.startswith(f"{COLUMN_ZH['note']}：") for n in notes)
    files = {rid: f for rid, _, _, f in cells if f}  # every row with raw files names them, in words and codes
    assert set(files) == set(ledger.loc[ledger["inputs"] != "", "id"])
    assert all(f.startswith(f"{COLUMN_ZH['inputs']}：") for f in files.values())
    intro = visible_text(page.split('<h2 class="sec annex-sec"', 1)[0])
    files = {ARTEFACTS[n].pattern.removeprefix("{work}/") for n in ("review_html", "ledger", "ledger_xlsx")}
    assert not _latin(intro, files, (*TERMS, *PAGE_TERMS)), _latin(intro, files, (*TERMS, *PAGE_TERMS))


@pytest.mark.parametrize("year", YEARS)
def test_every_definition_and_note_of_the_workbook_is_chinese(demo_project, year):
    wb = openpyxl.load_workbook(_out(demo_project, year, "ledger_xlsx"))
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    codes = _codes(demo_project, year)
    bad = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        r = dict(zip(header, row, strict=True))
        words = _latin(f"{r[COLUMN_ZH['definition']] or ''} {r[COLUMN_ZH['note']] or ''}", codes)
        if words:
            bad[r[COLUMN_ZH["id"]]] = words
    assert not bad, bad
    page = _out(demo_project, year, "validation_page").name
    for item, text in wb["说明"].iter_rows(min_row=2, values_only=True):
        assert not _latin(f"{item} {text}", {page}, (*TERMS, *PAGE_TERMS)), (item, text)


def test_one_word_per_column_and_no_kind_or_section_announced_without_rows(demo_project):
    for year in YEARS:
        page = _out(demo_project, year, "ledger_annex").read_text(encoding="utf-8")
        ledger = read_table(_out(demo_project, year, "ledger"))
        assert re.findall(r"<th>([^<]+)</th>", page)[: len(COLUMNS)] == list(COLUMNS)
        assert COLUMN_ZH["value"] in COLUMNS and "<th>精确值</th>" not in page  # the value column has one name
        header = [c.value for c in openpyxl.load_workbook(_out(demo_project, year, "ledger_xlsx"))["台账"][1]]
        assert set(COLUMNS) <= set(header) and COLUMN_ZH["value"] in header
        announced = re.findall(r"<li><b>([^<]+)</b>", page)
        present = set(ledger["kind"])
        assert announced == [t for kinds, t, _ in KINDS_EXPLAINED if present & set(kinds)]
        # every table under a heading has rows
        for table in re.findall(r'</h2><table class="ledger annex">(.*?)</table>', page, re.S):
            assert '<tr id="fig-' in table
        kinds_shown = set(re.findall(r"<td>([^<]+)</td>", page)) & set(KIND_ZH.values())
        assert kinds_shown == {KIND_ZH[k] for k in present}
    # 2020 tracks no targets (the 2019 params set none), 2021 tracks the 2020 plan's: announced only there
    t2020 = _out(demo_project, 2020, "ledger_annex").read_text(encoding="utf-8")
    t2021 = _out(demo_project, 2021, "ledger_annex").read_text(encoding="utf-8")
    assert f"<li><b>{KIND_ZH['target']}</b>" not in t2020 and f"<li><b>{KIND_ZH['target']}</b>" in t2021


CODE = re.compile(r"[a-z0-9_./]*[a-z][a-z0-9_./]*")  # an id, a dataset, a raw file's path (or a piece of one)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def test_no_code_runs_out_of_its_column_in_the_annex_pdf(demo_pdfs, tmp_path):
    """Each page's header gives the columns' left edges; every code of the 编号 and 数据集 columns and every raw
    file's path under a definition (broken only at _, . and /) ends before the next column starts."""
    out = tmp_path / "words.html"
    subprocess.run([program("pdftotext", "poppler-utils"), "-bbox", str(demo_pdfs["ledger"]), str(out)], check=True)
    pages = re.findall(r"<page .*?</page>", out.read_text(encoding="utf-8"), re.S)
    checked = 0
    for number, page in enumerate(pages, start=1):
        words = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in WORD.findall(page)]
        heads: dict[str, tuple[float, float]] = {}
        for x0, y0, _, _, t in words:
            if t in COLUMNS:
                heads.setdefault(t, (x0, y0))  # the page's first table header
        if set(COLUMNS) - set(heads):
            continue  # the cover page's intro: no table header yet
        edges = sorted(x for x, _ in heads.values())
        for column in (COLUMN_ZH["id"], COLUMN_ZH["dataset"], COLUMN_ZH["definition"]):
            left = heads[column][0]
            right = edges[edges.index(left) + 1]
            inside = [
                w for w in words if left - 1 <= w[0] < right and w[1] > heads[column][1] + 5 and CODE.fullmatch(w[4])
            ]
            over = [(w[4], round(w[2] - right, 1)) for w in inside if w[2] > right - 2]
            assert not over, f"page {number}: {column} runs into the next column: {over}"
            checked += len(inside)
    assert checked > 300
