"""Fixtures of the report's tests: the demo's 2020 report and annex laid out as PDF once per session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_pdfs(demo_project, tmp_path_factory) -> dict[str, Path]:
    """The demo's 2020 circulated report, review copy and ledger annex as PDF, laid out once by the pdf stage's
    function from the session build's HTML: {"report": path, "review": path, "ledger": path}."""
    from annualreport.report.render import render_pdf

    out = tmp_path_factory.mktemp("demo-pdf")
    built = demo_project / "outputs" / "2020"
    return {name: render_pdf(built / f"{name}.html", out / f"{name}.pdf") for name in ("report", "review", "ledger")}
