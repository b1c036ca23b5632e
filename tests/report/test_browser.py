"""The review copy (审阅稿) as its reviewers use it, in a real browser: Debian's Chromium (`/usr/bin/chromium`,
never a browser download) driven by Playwright's Python package, on the demo's 2020 build opened from disk.

- a number (`a.fig`) clicked opens its row of the ledger annex: the browser is at `ledger.html#fig-<id>`, the row
  with that id exists, is the `:target`, shows (its highlight) and is scrolled into view;
- every number of the review copy links to a row that exists in the annex;
- neither page makes a request other than to its own files (`file:`, and the inlined `data:` faces), nor logs
  an error to the console;
- printing it (Chromium's print-to-PDF) gives A4 pages, each with the 审阅稿 mark.

The browser runs with no network: every host unresolvable and a dead proxy, so a request that slipped past the
page's own check could still not leave the machine."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.programs import program

pytestmark = pytest.mark.build

# As root (CI) with a fresh profile, nothing started in the background, no network (as tests/validation's
# Data Docs test).
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]  # fmt: skip
LOCAL = {"file", "data"}
HIGHLIGHT = "rgb(251, 239, 241)"  # templates/report/report.css: table.ledger.annex tr:target
A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = program("chromium", "chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser context on the build's pages, recording every request (anything not local is aborted)
    and every console error or uncaught exception."""

    def __init__(self, browser):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.route("**/*", self.route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))

    def route(self, route):
        if urlsplit(route.request.url).scheme in LOCAL:
            route.continue_()
        else:
            route.abort()

    def external(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme not in LOCAL]


@pytest.fixture(scope="module")
def built(demo_project) -> Path:
    return demo_project / "outputs" / "2020"


@pytest.fixture
def visit(browser):
    v = Visit(browser)
    yield v
    v.context.close()


def numbers(page) -> list[dict]:
    """The review copy's numbers: their link, the ledger id and whether they sit in a table."""
    return page.eval_on_selector_all(
        "a.fig",
        "els => els.map(a => ({href: a.getAttribute('href'), title: a.title, inTable: !!a.closest('table')}))",
    )


def test_a_number_clicked_shows_its_row_of_the_ledger_annex(visit, built):
    page = visit.page
    page.goto((built / "review.html").as_uri())
    figs = numbers(page)
    assert len(figs) > 50, "the review copy links its numbers to the ledger annex"
    prose = next(i for i, f in enumerate(figs) if not f["inTable"])
    table = next(i for i, f in enumerate(figs) if f["inTable"])
    for index in (prose, table, len(figs) - 1):  # one in the text, one in a table, the last one
        fig = figs[index]
        fid = re.fullmatch(r"ledger\.html#(fig-[^\s\"'#]+)", fig["href"]).group(1)
        link = page.locator("a.fig").nth(index)
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_url(re.compile(r"/ledger\.html#"))
        assert page.url == (built / "ledger.html").as_uri() + f"#{fid}"
        row = page.locator(f'tr[id="{fid}"]')
        assert row.count() == 1, f"{fid}: no such row in ledger.html"
        assert page.evaluate("() => document.querySelector(':target')?.id") == fid
        assert row.is_visible()
        assert row.evaluate("r => getComputedStyle(r).backgroundColor") == HIGHLIGHT, f"{fid}: not highlighted"
        box, height = row.bounding_box(), page.viewport_size["height"]
        # the row's top at the viewport's top, give or take its border's half pixel
        assert box is not None and -1 <= box["y"] < height, f"{fid}: its row is not scrolled into view ({box})"
        page.go_back()
        page.wait_for_url(re.compile(r"/review\.html"))
    assert not visit.external(), visit.external()
    assert not visit.errors, visit.errors


def test_every_number_links_to_a_row_of_the_annex(visit, built):
    page = visit.page
    page.goto((built / "review.html").as_uri())
    targets = {f["href"].split("#", 1)[1] for f in numbers(page)}
    page.goto((built / "ledger.html").as_uri())
    rows = set(page.eval_on_selector_all("tr[id^='fig-']", "rows => rows.map(r => r.id)"))
    assert targets and not targets - rows, sorted(targets - rows)[:20]
    assert not visit.external(), visit.external()
    assert not visit.errors, visit.errors


def test_the_pages_make_no_request_beyond_their_own_files_and_log_no_error(visit, built):
    for name in ("review.html", "ledger.html", "report.html"):
        visit.page.goto((built / name).as_uri(), wait_until="networkidle")
    assert any(u.endswith("/review.html") for u in visit.requests), visit.requests
    assert not visit.external(), f"requests leaving the page's own files: {visit.external()}"
    assert not visit.errors, visit.errors


def test_printing_the_review_copy_gives_a4_pages_each_marked(visit, built):
    from pypdf import PdfReader

    page = visit.page
    page.goto((built / "review.html").as_uri())
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) > 5
    for n, p in enumerate(pdf.pages, 1):
        size = (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        assert size == A4_POINTS, f"page {n}: {size} pt, not A4"
        assert "审阅稿" in p.extract_text(), f"page {n} of the printed review copy lacks the 审阅稿 mark"
    assert not visit.errors, visit.errors
