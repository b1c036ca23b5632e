"""The build's stages, declared once each: name, notebook, the stages before it, what it reads
(its content key), what it writes (catalog artefacts), the package code it runs and the imports to
warm. The scheduler (`scheduler.py`), `make plan`, `docs/architecture.md` and the README's stage
table all come from `STAGES`; a test fails when the README disagrees.

A stage's key is the sha256 of the digests `inputs(pipe, dataset)` returns (raw files, the params
slice it reads, its spec or suite, the package modules it imports, the lock, upstream outputs); file
times play no part. A per-dataset stage has one key per dataset (`clean:admissions`) and its
notebook runs once for all the datasets whose key changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annualreport.base.catalog import clean_outputs, validation_outputs
from annualreport.base.digests import text_digest
from annualreport.base.errors import ReportError

if TYPE_CHECKING:
    from pathlib import Path

    from annualreport.runner.scheduler import Pipeline


@dataclass(frozen=True)
class Stage:
    name: str  # in the build's log, the cache and `make plan`
    does: str  # one line for the docs' and the README's tables
    inputs: Callable[..., dict[str, str]]  # (pipe[, dataset]) -> {label: digest}
    writes: tuple[str, ...]  # catalog artefacts
    code: tuple[str, ...]  # package modules it runs (their imports are followed)
    after: tuple[str, ...] = ()  # stages whose outputs it reads
    notebook: str | None = None  # notebooks/<notebook>.ipynb, or None: the driver runs it in process
    warm: str = ""  # what its kernel imports while the stage before it runs
    per_dataset: bool = False  # one key per dataset: `<name>:<dataset>`


# ---------------------------------------------------------------------- inputs of each stage
def _raw(pipe: Pipeline, name: str) -> dict[str, str]:
    """A dataset's raw file by content, found as the clean stage finds it (by name, else by its headers:
    `ingest/recognise.py`), named with its sheet; a file the clean stage will refuse gets a marker
    instead, so the stage runs and says why (a link out of the repo is not followed, a huge file not read)."""
    from annualreport.ingest.readers import refusal
    from annualreport.ingest.recognise import resolve_for

    spec = pipe.specs[name]
    if not pipe.params.lists(name):
        return {f"raw:{name}": "not listed"}
    try:
        match = resolve_for(pipe.params, pipe.specs, spec.reference).match(name, pipe.root)
    except ReportError as exc:
        return {f"raw:{name}": f"error:{exc}"}
    if match is None:
        return {f"raw:{name}": "absent"}
    path = match.path
    reason = refusal(path, pipe.root, pipe.params.data["build"]["max_file_mb"])
    sheet = f"[{match.sheet}]" if match.sheet else ""
    return {f"raw:{pipe.rel(path)}{sheet}": f"refused:{reason}" if reason else pipe.digest(path)}


def clean_inputs(pipe: Pipeline, name: str) -> dict[str, str]:
    from annualreport.ingest import personal

    out = pipe.common("clean")
    out.update(_raw(pipe, name))
    out.update(pipe.files(pipe.root / "specs" / "datasets" / f"{name}.yaml"))
    for ref, rspec in pipe.specs.items():  # reference tables feed other datasets' rules
        if rspec.reference and ref != name:
            out.update(_raw(pipe, ref))
            out.update(pipe.files(pipe.root / "specs" / "datasets" / f"{ref}.yaml"))
    out["params"] = text_digest(
        {
            "year": pipe.params.year,
            "listed": pipe.params.lists(name),
            "dataset": pipe.params.dataset(name),
            "max_file_mb": pipe.params.data["build"]["max_file_mb"],
            "reference": pipe.specs[name].reference,
            "conventions": pipe.params.data["conventions"],
        }
    )
    out["salt"] = hashlib.sha256(personal.salt(str(pipe.root))).hexdigest()  # its digest, never the salt
    return out


def previous_inputs(pipe: Pipeline) -> dict[str, str]:
    out = pipe.common("previous")
    if pipe.prev is None:
        out["previous"] = "none"
        return out
    out.update(pipe.files(pipe.prev.path))
    for folder in (pipe.prev.raw_dir, pipe.prev.reference_dir, pipe.root / "specs", pipe.root / "expectations"):
        out.update(pipe.tree(folder))
    return out


def validate_inputs(pipe: Pipeline, name: str) -> dict[str, str]:
    out = pipe.common("validate")
    out.update(pipe.files(pipe.root / "expectations" / f"{name}.json"))
    out.update(pipe.files(pipe.root / "specs" / "datasets" / f"{name}.yaml"))  # its rules are suite parameters
    out.update(pipe.files(pipe.at("clean_data", name), pipe.at("clean_data", "majors")))
    out["params"] = text_digest(
        {
            "year": pipe.params.year,
            "cutoff": pipe.params.data["employment_cutoff"],
            "conventions": pipe.params.data["conventions"],
            "dataset": pipe.params.dataset(name),
        }
    )
    return out


def summary_inputs(pipe: Pipeline) -> dict[str, str]:
    out = pipe.common("validate")
    for n in pipe.present():
        out.update(
            pipe.files(
                pipe.at("validation_result", n),
                pipe.at("validation_part", n),
                pipe.at("accounting_part", n),
                pipe.at("quarantine", n),
            )
        )
    out.update(pipe.tree(pipe.root / "templates" / "validation"))
    out.update(pipe.files(pipe.root / "templates" / "report" / "report.css"))
    out["fonts"] = pipe.font_key()
    out["params"] = text_digest(
        {
            "institution": pipe.params.institution,
            "year": pipe.params.year,
            "allow_warnings": pipe.params.allow_warnings,
            "strict": pipe.options.strict,
        }
    )
    return out


def docs_inputs(pipe: Pipeline) -> dict[str, str]:
    """Data Docs depend only on the validation results, the suites and their vendored assets (not on the gate)."""
    out = pipe.common("data-docs")
    for n in pipe.present():
        out.update(pipe.files(pipe.at("validation_result", n), pipe.root / "expectations" / f"{n}.json"))
    out.update(pipe.tree(pipe.root / "templates" / "data_docs"))  # the vendored assets the pages load
    out["year"] = str(pipe.params.year)
    return out


def figures_inputs(pipe: Pipeline) -> dict[str, str]:
    names = pipe.present()
    out = pipe.common("figures")
    out.update(
        pipe.files(
            *(pipe.at("clean_data", n) for n in names),
            *(pipe.at("accounting_part", n) for n in names),
            pipe.at("validation_summary"),
            pipe.at("previous"),
            pipe.params.path,
            *([pipe.prev.path] if pipe.prev else []),
        )
    )
    out.update(pipe.tree(pipe.root / "specs" / "figures"))
    out.update(
        pipe.files(
            pipe.root / "specs" / "charts.yaml",
            pipe.params.narrative_dir / "sections.yaml",
            pipe.params.narrative_dir / "stated.yaml",
        )
    )
    return out


def report_inputs(pipe: Pipeline) -> dict[str, str]:
    out = pipe.common("report")
    out.update(
        pipe.files(
            *(pipe.at("clean_data", n) for n in pipe.present()),
            *(pipe.at(a) for a in ("ledger", "previous", "targets", "accounting", "validation_summary")),
            pipe.params.path,
        )
    )
    out.update(pipe.tree(pipe.params.narrative_dir))
    out.update(pipe.tree(pipe.root / "specs" / "datasets"))
    out.update(pipe.files(pipe.root / "specs" / "charts.yaml"))
    out["fonts"] = pipe.font_key()
    return out


def html_inputs(pipe: Pipeline) -> dict[str, str]:
    out = pipe.common("html")
    out.update(pipe.files(pipe.at("executed", notebook="40-report"), pipe.at("ledger"), pipe.params.path))
    out.update(pipe.tree(pipe.root / "templates" / "report"))
    out["fonts"] = pipe.font_key()
    return out


def annex_inputs(pipe: Pipeline) -> dict[str, str]:
    out = pipe.common("annex")
    out.update(
        pipe.files(
            pipe.at("ledger"),
            pipe.params.path,
            pipe.params.narrative_dir / "sections.yaml",  # the annex's sections, in the report's order
        )
    )
    out.update(pipe.tree(pipe.root / "templates" / "report"))
    out["fonts"] = pipe.font_key()
    return out


def pdf_inputs(pipe: Pipeline) -> dict[str, str]:
    out = pipe.common("pdf")
    out.update(pipe.files(pipe.at("report_html")))
    return out


def annex_pdf_inputs(pipe: Pipeline) -> dict[str, str]:
    out = pipe.common("annex-pdf")
    out.update(pipe.files(pipe.at("ledger_annex")))
    return out


def docx_inputs(pipe: Pipeline) -> dict[str, str]:
    """The Word document: the report page, the ledger and chart declarations it draws the charts from
    again (as PNG, in the same font), the params and outline its title and properties come from."""
    out = pipe.common("docx")
    out.update(
        pipe.files(
            pipe.at("report_html"),
            pipe.at("ledger"),
            pipe.root / "specs" / "charts.yaml",
            pipe.params.path,
            pipe.params.narrative_dir / "sections.yaml",
        )
    )
    out["fonts"] = pipe.font_key()
    return out


# ---------------------------------------------------------------------- the stages
STAGES: tuple[Stage, ...] = (
    Stage(
        "clean",
        "reads each office file (GBK/UTF-8 CSV, xlsx with title rows), maps headers and values to "
        "the data contract, quarantines bad rows",
        clean_inputs,
        ("clean_data", "quarantine", "accounting_part", "accounting"),
        ("ingest.year",),
        notebook="10-clean",
        per_dataset=True,
    ),
    Stage(
        "previous",
        "the year before's figures from its raw files (for 同比 columns and change targets)",
        previous_inputs,
        ("previous",),
        ("ingest.year", "figures.compute"),
        notebook="15-previous-year",
    ),
    Stage(
        "validate",
        "runs `expectations/<dataset>.json` (GX 1.x); a failed `blocking` expectation stops the "
        "build; the auditor's page and the corrections back to the offices",
        validate_inputs,
        (
            "validation_result",
            "validation_raw",
            "validation_part",
            "validation_summary",
            "validation_page",
            "corrections",
        ),
        ("validation.run", "validation.page", "validation.gate", "validation.reasons", "validation.corrections"),
        after=("clean",),
        notebook="20-validate",
        warm="import great_expectations\nfrom annualreport import entrypoints\n"
        "from annualreport.validation import run, page",
        per_dataset=True,
    ),
    Stage(
        "data-docs",
        "GX Data Docs from the kept validation results",
        docs_inputs,
        ("data_docs",),
        ("validation.data_docs",),
        after=("validate",),
        notebook="25-data-docs",
        warm="import great_expectations\nfrom annualreport import entrypoints\n"
        "from annualreport.validation import data_docs",
    ),
    Stage(
        "figures",
        "computes the ledger: every figure of `specs/figures/*.yaml`, the bars of the outline's charts, "
        "the year-before values and changes its tables show, last year's targets and the data-quality counts",
        figures_inputs,
        ("ledger", "ledger_xlsx", "targets"),
        ("figures.ledger",),
        after=("validate", "previous"),
        notebook="30-figures",
        warm="from annualreport import entrypoints\nfrom annualreport.figures import ledger",
    ),
    Stage(
        "report",
        "lays out the report from the year's narrative folder, the ledger and the data",
        report_inputs,
        ("executed",),
        ("report.views",),
        after=("figures",),
        notebook="40-report",
        warm="from annualreport.report import views\nimport matplotlib.pyplot",
    ),
    Stage(
        "html",
        "renders the executed report notebook to HTML (nbconvert); the report's figures link to their rows "
        "in the ledger annex",
        html_inputs,
        ("report_html",),
        ("report.render",),
        after=("report",),
    ),
    Stage(
        "annex",
        "writes the ledger annex: every number the report shows, by section, with its definition and the "
        "rows it was computed from (HTML)",
        annex_inputs,
        ("ledger_annex",),
        ("report.annex",),
        after=("figures",),
    ),
    Stage(
        "pdf",
        "lays out the HTML report as PDF (WeasyPrint)",
        pdf_inputs,
        ("report_pdf",),
        ("report.render",),
        after=("html",),
    ),
    Stage(
        "annex-pdf",
        "lays out the ledger annex as PDF (WeasyPrint, in a process of its own beside the report's stages)",
        annex_pdf_inputs,
        ("ledger_annex_pdf",),
        ("report.render",),
        after=("annex",),
    ),
    Stage(
        "docx",
        "writes the HTML report as a Word document for the office to edit: heading styles, a TOC field, "
        "real tables, the charts as PNG, GB/T 9704 page and type (python-docx)",
        docx_inputs,
        ("report_docx",),
        ("report.word",),
        after=("html",),
    ),
)
BY_NAME: dict[str, Stage] = {s.name: s for s in STAGES}
# Output formats (`--format`, `make report FORMAT=`): html, pdf, docx, both (html and pdf, as before
# docx existed) and all (html, pdf and docx: the default). The HTML is always built: the PDF and the
# Word document are made from it.
FORMATS = ("html", "pdf", "docx", "both", "all")
ASKED_BY = {
    "pdf": {"pdf", "both", "all"},
    "annex-pdf": {"pdf", "both", "all"},
    "docx": {"docx", "all"},
}  # optional stage -> formats asking for it


def asks_for(formats: tuple[str, ...], stage: str) -> bool:
    """Whether the formats ask for an optional stage (pdf, docx); the others always run."""
    return bool(ASKED_BY.get(stage, set()) & set(formats))


SUMMARY_INPUTS = summary_inputs  # the whole-year part of the validate stage (summary, page, gate)


def declared_outputs(pipe: Pipeline, name: str) -> list[Path]:
    """Files a stage (or one dataset's part of it) may write. On a cache hit, those its record does
    not list are removed (e.g. an optional dataset absent again keeps no earlier clean data)."""
    stage, _, ds = name.partition(":")
    if stage == "clean":
        return clean_outputs(pipe.places, ds)
    if stage == "validate" and ds:
        return validation_outputs(pipe.places, ds)
    if stage == "validate":
        folder = pipe.places.folder("corrections")
        offices = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
        return [pipe.at("validation_summary"), pipe.at("validation_page"), *offices]
    if stage == "data-docs":
        docs = pipe.at("data_docs")
        return sorted(p for p in docs.rglob("*") if p.is_file()) if docs.is_dir() else []
    if stage == "report":
        return [pipe.at("executed", notebook="40-report")]
    return [pipe.at(a) for a in BY_NAME[stage].writes]
