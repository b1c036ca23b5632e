"""The report's outputs the build driver writes itself (no notebook): the HTML page from the executed report
notebook, the ledger annex, their PDFs and the Word copy. Each entry point takes the build's params, places and
options and returns the notes the build prints (e.g. why a PDF was skipped)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annualreport.base.errors import ReportError
from annualreport.base.outline import load_outline
from annualreport.base.refs import fill_names, year_names
from annualreport.report.annex import write_annex
from annualreport.report.editions import CIRCULATED, REVIEW
from annualreport.report.render import PdfUnavailable, pdf_or_note, render_html
from annualreport.report.word import write_docx

if TYPE_CHECKING:
    from annualreport.base.params import Params
    from annualreport.base.places import Places

REPORT_NOTEBOOK = "40-report"


def report_title(params: Params) -> str:
    """The page title: `institution.report_title` from the params, else the narrative outline's title."""
    if params.institution.get("report_title"):
        return params.institution["report_title"]
    return fill_names(load_outline(params.narrative_dir).title, year_names(params.year, params.institution["name"]))


def html(params: Params, at: Places, options) -> list[str]:
    """The circulated document's web page (印发稿): no colophon, no tool named, nothing the college did not write."""
    render_html(at("executed", notebook=REPORT_NOTEBOOK), at("report_html"), report_title(params), edition=CIRCULATED)
    return []


def review_html(params: Params, at: Places, options) -> list[str]:
    """The reviewers' copy (审阅稿), from the same executed notebook."""
    render_html(at("executed", notebook=REPORT_NOTEBOOK), at("review_html"), report_title(params), edition=REVIEW)
    return []


def annex(params: Params, at: Places, options) -> list[str]:
    write_annex(params, at.work, at("ledger_annex"), report_title(params))
    return []


def _pdf_of(at: Places, source: str, target: str, formats: tuple[str, ...], child: bool) -> list[str]:
    # `all` asks for the PDF as `both` does: without pango, a note and no PDF rather than a failure
    formats = tuple("both" if f == "all" else f for f in formats)
    try:
        pdf, notes = pdf_or_note(at(source), at(target), formats, child=child)
    except PdfUnavailable as exc:
        raise ReportError(str(exc)) from None
    if pdf is None:
        at(target).unlink(missing_ok=True)
    return notes


def pdf(params: Params, at: Places, options) -> list[str]:
    return _pdf_of(at, "report_html", "report_pdf", options.formats, child=False)


def review_pdf(params: Params, at: Places, options) -> list[str]:
    return _pdf_of(at, "review_html", "review_pdf", options.formats, child=False)


def annex_pdf(params: Params, at: Places, options) -> list[str]:
    # laid out by a child process: the driver's thread only waits, so the report's HTML and PDF go on beside it
    return _pdf_of(at, "ledger_annex", "ledger_annex_pdf", options.formats, child=True)


def docx(params: Params, at: Places, options) -> list[str]:
    write_docx(params, at("report_html"), at.read("ledger"), at("report_docx"), report_title(params))
    return []
