"""The auditor's page (validation.html) as a person reads it, on the demo's 2020 build: Chinese first (each check
in words, how many rows failed it), GX's expectation names and rule ids only as small secondary text, the failed
checks listed first, each dataset linked to its GX Data Docs pages, and a title that wraps between its parts (in
Debian's Chromium at 1280 and 800 px)."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import pytest

from annualreport.base.catalog import ARTEFACTS
from annualreport.base.glossary import RULES_ZH
from annualreport.base.params import load_params
from annualreport.base.places import places
from annualreport.validation.checks_zh import CHECKS_ZH, check_words
from annualreport.validation.suites import describe
from tests.programs import program

SECONDARY = re.compile(r'<span class="code-note">.*?</span>|<small class="code">.*?</small>', re.S)


def test_a_check_without_a_description_is_said_in_chinese():
    exp = {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "sex", "value_set": ["男"]}, "meta": {}}
    assert describe(exp) == "“sex”取值在允许范围内"
    assert check_words(exp["type"], exp["kwargs"], {"sex": "性别"}) == "“性别”取值在允许范围内"
    assert check_words("expect_table_row_count_to_be_between", {}) == "表的行数在规定范围内"
    pair = check_words("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "ends", "column_B": "starts"})
    assert pair == "“ends”、“starts”前者大于后者"
    assert not re.search(r"[A-Za-z]", check_words("expect_something_new", {}))


def test_every_expectation_type_the_suites_use_has_words(root):
    used = set(
        re.findall(r'"type":\s*"(expect_[a-z_]+)"', "".join(p.read_text() for p in root.glob("expectations/*.json")))
    )
    assert used <= set(CHECKS_ZH), used - set(CHECKS_ZH)


@pytest.fixture(scope="module")
def built(demo_project):
    params = load_params(demo_project / "params" / "2020.yaml", root=demo_project)
    at = places(params, demo_project / "outputs" / "2020")
    return at, at("validation_page").read_text(encoding="utf-8"), at.read("validation_summary")


@pytest.mark.build
def test_codes_are_secondary_and_words_come_first(built):
    _, page, _ = built
    body = re.sub(r"<style>.*?</style>|<title>.*?</title>", "", page, flags=re.S)
    primary = SECONDARY.sub("", body)
    assert "expect_" not in primary
    for code in RULES_ZH:
        assert not re.search(rf"\b{code}\b", re.sub(r'href="[^"]*"', "", primary)), code
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", html.unescape(re.sub(r"<[^>]+>", " ", primary))))
    assert not words & {"NaT", "nan", "NaN", "None", "null"}  # an empty cell is （空）
    codes = [w for w in words if w.startswith(("conventions.", "expect_")) or w in ("employment_cutoff", "mostly")]
    assert not codes  # a check's params entry is secondary text too
    cells = re.findall(r'<td class="check">(.*?)</td>', body, flags=re.S)
    assert len(cells) > 300
    for cell in cells:  # each check is said in Chinese before any code
        assert re.match(r"[^<]*[\u4e00-\u9fff]", cell), cell
        assert "expect_" in cell  # and GX's name is there, small, for whoever looks it up
    assert re.search(r'<span class="code-note">格式 \^[^<]*· 参数 conventions\.[a-z_]+</span>', body)
    assert "（空）" in page  # the empty cells a not-null check found


@pytest.mark.build
def test_the_failed_checks_are_listed_first_with_their_rows(built):
    _, page, summary = built
    failed = summary[~summary["success"]]
    assert len(failed)
    listed = page[page.index("未通过的检查") : page.index('<nav class="toc">')]
    for row in failed.itertuples():
        assert f"{row.dataset} #{row.index}" in listed
        if str(row.unexpected_count) not in ("", "0"):
            assert f"{row.unexpected_count} 行（共 {row.element_count} 行）" in listed


@pytest.mark.build
def test_a_passed_check_that_allows_some_rows_says_so(built):
    _, page, summary = built
    allowed = summary[summary["success"] & ~summary["unexpected_count"].astype(str).isin(["", "0"])]
    shares = re.findall(r"(\d+) 行\s*（共 (\d+) 行，在允许的 (\d+)% 以内）", page)
    assert shares and len(allowed)
    for n, of, share in shares:
        assert int(n) <= int(of) * int(share) / 100


@pytest.mark.build
def test_every_dataset_links_its_data_docs_pages(built):
    at, page, summary = built
    base = at("validation_page").parent
    links = [unquote(h) for h in re.findall(r'href="([^"#]+)"', page)]
    assert links and all((base / h).is_file() for h in links), [h for h in links if not (base / h).is_file()]
    for dataset, severity in summary[["dataset", "severity"]].drop_duplicates().itertuples(index=False):
        section = page[page.index(f'id="ds-{dataset}"') :]
        assert re.search(rf'href="[^"]*/validations/{dataset}/{severity}/[^"]+\.html"', section[:2000]), dataset
    assert ARTEFACTS["data_docs"].published


@pytest.mark.build
def test_the_title_wraps_between_its_parts(built, tmp_path):
    from playwright.sync_api import sync_playwright

    chromium = program("chromium", "chromium")
    at, _, _ = built
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND"]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        try:
            for width in (1280, 800, 600):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(at("validation_page").as_uri())
                lines = page.evaluate(
                    """() => {
                        const h1 = document.querySelector('h1');
                        const line = parseFloat(getComputedStyle(h1).lineHeight);
                        return {h1: h1.getBoundingClientRect().height / line,
                                parts: [...h1.children].map(s => s.getBoundingClientRect().height / line)};
                    }"""
                )
                assert all(n < 1.5 for n in lines["parts"]), (width, lines)  # no part broken inside
                if width == 1280:
                    assert lines["h1"] < 1.5, lines  # one line where there is room
                page.close()
        finally:
            browser.close()
