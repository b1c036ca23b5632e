"""GX Data Docs: offline (vendored assets, relative URLs) and in agreement with the gate (one suite per
severity; a failed warning suite is labelled a warning, never "Failed")."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from annualreport.validation.data_docs import _ASSETS, VENDOR, WARNING_LABEL, build_data_docs, split_by_severity
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


@pytest.fixture(scope="module")
def docs(cleaned_years, tmp_path_factory):
    params, _ = cleaned_years[2020]
    frames = {name: frame.copy() for name, frame in cleaned_years[2020].frames.items()}
    work = tmp_path_factory.mktemp("docs-work")
    summary = validate_year(params, work, frames)
    site = work / "data_docs"
    build_data_docs(params, work, list(frames), site)
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
