"""GX Data Docs: offline (vendored assets, relative URLs) and in agreement with the gate (one suite per
severity; a failed warning suite is labelled a warning, never "Failed")."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from annualreport.base.places import places
from annualreport.ingest.specs import load_specs
from annualreport.typeset.fonts import FAMILY
from annualreport.typeset.pages import visible_text
from annualreport.validation import docs_run
from annualreport.validation.data_docs import (
    _ASSETS,
    CJK_CSS,
    VENDOR,
    WARNING_LABEL,
    build_data_docs,
    split_by_severity,
)
from annualreport.validation.run import validate_year
from tests.programs import program

ROOT = Path(__file__).resolve().parents[2]
ASSET_URL = re.compile(r"""<(?:script|link|img)\b[^>]*?(?:src|href)=["'](https?://[^"']*)""", re.I)


def _result(severity: str, success: bool) -> dict:
    return {"success": success, "expectation_config": {"meta": {"severity": severity}}, "exception_info": {}}


def test_split_by_severity_gives_each_severity_its_own_success_and_statistics():
    raw = {
        "success": False,
        "meta": {"expectation_suite_name": "x-3"},
        "results": [_result("blocking", True), _result("warning", False), _result("warning", True)],
        "statistics": {},
    }
    parts = split_by_severity(raw, "x")
    assert parts["blocking"]["success"] is True
    assert parts["blocking"]["suite_name"] == parts["blocking"]["meta"]["expectation_suite_name"] == "x.blocking"
    assert parts["warning"]["success"] is False
    assert parts["warning"]["statistics"]["unsuccessful_expectations"] == 1
    assert parts["warning"]["statistics"]["evaluated_expectations"] == 2
    raised = {**_result("blocking", True), "exception_info": {"raised_exception": True}}
    assert split_by_severity({**raw, "results": [raised]}, "x")["blocking"]["success"] is False
    assert "warning" not in split_by_severity({**raw, "results": [raised]}, "x")


def test_every_vendored_asset_is_there_with_a_licence():
    vendor = ROOT.joinpath(*VENDOR)
    for name in {v for v in _ASSETS.values() if v}:
        assert (vendor / name).stat().st_size > 0, name
    assert len(list(vendor.glob("LICENSE.*"))) == 6
    assert sum(p.stat().st_size for p in vendor.rglob("*") if p.is_file()) < 900_000  # ~820 KB, committed


def write_accounting(params, results, work: Path) -> None:
    """The row accounting the clean stage would have written (the Data Docs name each dataset's files)."""
    lines = [
        {**acc.as_row(), "sha256": hashlib.sha256((params.root / acc.as_row()["file"]).read_bytes()).hexdigest()}
        for r in results.values()
        for acc in r.accounts
    ]
    places(params, work).write("accounting", pd.DataFrame(lines))


@pytest.fixture(scope="module")
def docs(cleaned_years, tmp_path_factory):
    params, results = cleaned_years[2020]
    frames = {name: frame.copy() for name, frame in cleaned_years[2020].frames.items()}
    work = tmp_path_factory.mktemp("docs-work")
    write_accounting(params, results, work)
    summary = validate_year(params, work, frames)
    site = work / "data_docs"
    build_data_docs(params, work, list(frames), site)
    build_data_docs(params, work, list(frames), work / "again")
    return summary, site


def test_data_docs_load_nothing_from_the_network(docs):
    _, site = docs
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not ASSET_URL.findall(text), page
        for ref in re.findall(r"""(?:src|href)=["'](?!https?:|#|mailto:|javascript:)([^"'?#]+)""", text):
            if ref.startswith(("static/", "../")) and ref.endswith((".js", ".css", ".png")):
                assert (page.parent / ref).resolve().is_file(), (page, ref)
    assert (site / "static" / "vendor" / "LICENSE.jquery.txt").is_file()


def test_the_index_lists_every_suite_and_agrees_with_the_gate(docs):
    summary, site = docs
    index = (site / "index.html").read_text(encoding="utf-8")
    rows = re.split(r"(?=\{'validation_success': )", index)[1:]
    by_suite = {re.search(r"'_expectation_suite_name_sort': '([^']+)'", r).group(1): r for r in rows}
    expected = {f"{d}.{s}" for d, s in summary[["dataset", "severity"]].drop_duplicates().itertuples(index=False)}
    assert expected == set(by_suite)
    assert "'pagination': 'true'" not in index  # all on one page
    failed = summary[~summary["success"]]
    warned_only = set(failed[failed["severity"] == "warning"]["dataset"]) - set(
        failed[failed["severity"] == "blocking"]["dataset"]
    )
    assert warned_only, "the 2020 demo has datasets with only warning failures"
    for suite, row in by_suite.items():
        dataset, severity = suite.split(".")
        status = re.search(r"'_validation_success_text': '([^']+)'", row).group(1)
        if severity == "blocking" or dataset not in set(failed["dataset"]):
            assert status == "Success", suite
        else:
            assert status == WARNING_LABEL, suite
            assert "text-danger" not in row
    for dataset in warned_only:
        for page in (site / "validations" / dataset).rglob("*.html"):
            assert "</i> Failed" not in page.read_text(encoding="utf-8"), page


def test_offline_headless_chromium_lists_every_suite(docs, tmp_path):
    """The index opened with no network (every host unresolvable, a dead proxy): its scripts run from the
    vendored copies and the table they draw lists every suite. The flags let it run as root (CI) with a
    fresh profile and nothing started in the background."""
    chromium = program("chromium", "chromium")
    summary, site = docs
    cmd = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=5000",
        "--dump-dom", (site / "index.html").resolve().as_uri(),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    dom = done.stdout
    assert "fixed-table-body" in dom, done.stderr[-2000:]  # bootstrap-table ran: the vendored scripts loaded
    expected = {f"{d}.{s}" for d, s in summary[["dataset", "severity"]].drop_duplicates().itertuples(index=False)}
    assert expected <= set(re.findall(r">([a-z_]+\.(?:blocking|warning))<", dom))


# ---------------------------------------------------------------------------------- what the pages say they validated
DATA_URL = re.compile(r"data:[a-z/+-]+;base64,[A-Za-z0-9+/=]+")
GX_NOISE = re.compile(r"__none__|\bNone\b|(?i:newsletter|subscribe|docs\.greatexpectations\.io|how_to)")


def check_site_says_what_it_validated(site: Path, summary, accounting: list[dict], params) -> None:
    """No "None", "__none__", newsletter or how-to link in any page; every result page names its dataset (with
    its Chinese title), its files, the run and the build's time; every page's title names what it shows."""
    digest = docs_run.inputs_digest(accounting)
    run, when = docs_run.run_name(params.build_id, digest), docs_run.run_time(params.year)
    assert run.startswith(f"{params.build_id.replace('/', '-')}-") and len(run.rsplit("-", 1)[1]) == 12
    titles = {n: s.title for n, s in load_specs(params.root).items()}
    pages = sorted(p for p in site.rglob("*.html") if site / "static" not in p.parents)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        found = GX_NOISE.search(text)
        assert not found, (page, text[max(0, found.start() - 80) : found.end() + 80])
        assert len(re.findall(r"<title>", text)) == 1, page
    shown = {f"{d}.{s}" for d, s in summary[["dataset", "severity"]].drop_duplicates().itertuples(index=False)}
    for suite in shown:
        name, severity = suite.split(".")
        page = site / docs_run.result_page(name, severity, run, when)
        text = page.read_text(encoding="utf-8")
        visible = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)).split())
        asset = docs_run.asset_name(name, titles[name])
        assert titles[name] in asset
        assert f"Data asset: {asset}" in visible, page
        assert f"Run Name {run} Run Time {when.strftime('%Y-%m-%dT%H:%M:%SZ')}" in visible, page
        assert re.search(rf"<title>{re.escape(asset)} · [^<]*{re.escape(run)}</title>", text), page
        for line in docs_run.dataset_inputs(accounting, name):
            assert line.split(" sha256:")[1] in text  # the files it was read from, by sha256
    index = (site / docs_run.INDEX).read_text(encoding="utf-8")
    assert run in re.search(r"<title>([^<]*)</title>", index).group(1)
    assert "\\\\u" not in index  # Chinese shown as Chinese in the batch specs


def test_data_docs_say_what_they_validated(docs, cleaned_years):
    summary, site = docs
    params, _ = cleaned_years[2020]
    accounting = places(params, site.parent).read("accounting").to_dict("records")
    check_site_says_what_it_validated(site, summary, accounting, params)


def test_the_same_results_give_the_same_site(docs):
    _, site = docs
    again = site.parent / "again"
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (site / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_the_run_is_named_after_the_build_and_its_inputs(monkeypatch):
    lines = [
        {"file": "data/raw/2020/a.csv", "sheet": "", "sha256": "ab"},
        {"file": "b.xlsx", "sheet": "表", "sha256": "cd"},
    ]
    digest = docs_run.inputs_digest(lines)
    assert digest == docs_run.inputs_digest(list(reversed(lines)))  # the order files are listed in does not matter
    assert digest != docs_run.inputs_digest([{**lines[0], "sha256": "ac"}, lines[1]])  # one changed file does
    assert docs_run.run_name("binhai-demo/2020", digest) == f"binhai-demo-2020-{digest[:12]}"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609459200")
    assert docs_run.run_time(2020).isoformat() == "2021-01-01T00:00:00+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert docs_run.run_time(2021).isoformat() == "2022-01-01T00:00:00+00:00"
    assert docs_run.result_page("x", "warning", "r", docs_run.run_time(2021)) == (
        "validations/x/warning/r/20220101T000000.000000Z/x.html"
    )


@pytest.mark.build
def test_the_built_site_says_what_it_validated(demo_project):
    from annualreport.base.params import load_params

    params = load_params(demo_project / "params" / "2020.yaml", root=demo_project)
    out = demo_project / "outputs" / "2020"
    at = places(params, out)
    summary = at.read("validation_summary")
    check_site_says_what_it_validated(at("data_docs"), summary, at.read("accounting").to_dict("records"), params)
    pages = sorted(p for p in out.rglob("*.html") if "static" not in p.relative_to(out).parts)
    assert {"report.html", "review.html", "ledger.html", "validation.html"} <= {p.name for p in pages}
    for page in pages:  # every page the year publishes, its inlined faces (base64) left out
        text = DATA_URL.sub("", page.read_text(encoding="utf-8"))
        found = GX_NOISE.search(text)
        assert not found, (page, text[max(0, found.start() - 80) : found.end() + 80])


def cjk_glyphs(site: Path) -> set[str]:
    """The characters the site's CJK stylesheet's regular face has glyphs for."""
    from fontTools.ttLib import TTFont

    css = site.joinpath(*CJK_CSS).read_text(encoding="utf-8")
    data = re.search(r"font-weight: 400;[^}]*base64,([A-Za-z0-9+/=]+)", css).group(1)
    return {chr(c) for c in TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()}


def test_every_page_carries_a_face_for_its_chinese(docs):
    _, site = docs
    glyphs = cjk_glyphs(site)
    pages = sorted(p for p in site.rglob("*.html") if site / "static" not in p.parents)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        href = "../" * (len(page.relative_to(site).parts) - 1) + "/".join(CJK_CSS)
        assert f'<link rel="stylesheet" href="{href}">' in text, page
        chinese = {c for c in visible_text(text) if "\u4e00" <= c <= "\u9fff"}
        assert chinese <= glyphs, (page, chinese - glyphs)
    assert any("\u4e00" <= c <= "\u9fff" for c in glyphs)


def test_chromium_sets_the_chinese_names_in_the_embedded_face(docs, cleaned_years):
    """A result page opened in Chromium with no CJK font asked of the system: the dataset's Chinese name in
    "Data asset:" is drawn with the embedded Noto Sans SC (Chromium's own account of the fonts a node used)."""
    from playwright.sync_api import sync_playwright

    chromium = program("chromium", "chromium")
    summary, site = docs
    params, _ = cleaned_years[2020]
    accounting = places(params, site.parent).read("accounting").to_dict("records")
    run = docs_run.run_name(params.build_id, docs_run.inputs_digest(accounting))
    name, severity = summary[["dataset", "severity"]].iloc[0]
    page_path = site / docs_run.result_page(name, severity, run, docs_run.run_time(params.year))
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND"]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_path.as_uri())
            page.evaluate("document.fonts.ready")
            marked = page.evaluate(
                """() => {
                    const el = [...document.querySelectorAll('*')].find(
                        e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.includes('Data asset:')));
                    if (el) el.id = 'asset-probe';
                    return !!el;
                }"""
            )
            assert marked, "no 'Data asset:' on the page"
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#asset-probe"})["nodeId"]
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        finally:
            browser.close()
    assert any(f["familyName"] == FAMILY and f["glyphCount"] >= 2 for f in fonts), fonts
