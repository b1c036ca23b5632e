"""The build's stages, each declared once: what it reads and what it writes, in catalog terms (`base/catalog.py`),
and the step that runs it: a notebook in a fresh kernel, or a function the driver calls.

Everything else is derived from these declarations (`runner/graph.py`): the order (a stage comes after the
stages that write what it reads), the cache keys (the digests of what it reads, its step's code and notebook, the
lock and the interpreter), the readers and writers of each catalog entry, which steps run in a kernel and which in
the driver, the tables of the README and docs/architecture.md (`python tools/stage_table.py`). A test adds a
stage and an input in a temporary copy by editing this file and the catalog alone; another holds the declared
reads against the files each stage really opens (`base/tracing.py`).

A per-dataset stage has one key per dataset (`clean:admissions`); a step's notebook runs once for every dataset
whose key changed (its `datasets` parameter) and for its whole-year stages (which read what the per-dataset ones
wrote, so run with them). A whole notebook step writes its executed notebook and its log besides.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    name: str  # in the build's log, the cache and `make plan`
    does: str  # one line for the README's and the docs' tables
    reads: tuple[str, ...]  # catalog entries (`name`, `name@reference`, `name[value]`)
    writes: tuple[str, ...]  # catalog artefacts
    per_dataset: bool = False  # one key per dataset: `<name>:<dataset>`
    formats: tuple[str, ...] = ()  # the output formats that ask for it; () = always built


@dataclass(frozen=True)
class Step:
    run: str  # "ingest.stage:run_clean": the package function the notebook (or the driver) calls; its module's
    # imports are the step's code
    stages: tuple[Stage, ...]
    notebook: str | None = None  # notebooks/<notebook>.ipynb, run in a fresh kernel; None: the driver calls `run`
    warm: tuple[str, ...] = ()  # heavy modules its kernel imports while the step before it runs

    @property
    def name(self) -> str:
        return self.notebook or self.stages[0].name

    @property
    def module(self) -> str:
        return self.run.partition(":")[0]


# Output formats (`--format`, `make report FORMAT=`): html, pdf, docx, both (html and pdf, as before docx
# existed) and all (html, pdf and docx: the default). The HTML is always built: the PDF and the Word document
# are made from it.
FORMATS = ("html", "pdf", "docx", "both", "all")
PDF_FORMATS = ("pdf", "both", "all")

STEPS: tuple[Step, ...] = (
    Step(
        "ingest.stage:run_clean",
        (
            Stage(
                "clean",
                "reads each office file (GBK/UTF-8 CSV, xlsx with title rows), maps headers and values to the data "
                "contract, quarantines bad rows",
                reads=(
                    "raw",
                    "dataset_spec",
                    "raw@reference",
                    "dataset_spec@reference",
                    "year",
                    "dataset_settings",
                    "file_limits",
                    "conventions",
                    "salt",
                ),
                writes=("clean_data", "quarantine", "accounting_part"),
                per_dataset=True,
            ),
            Stage(
                "accounting",
                "joins every dataset's row accounting: data rows = clean + quarantined + duplicates, per file",
                reads=("accounting_part",),
                writes=("accounting",),
            ),
        ),
        notebook="10-clean",
    ),
    Step(
        "figures.previous:run_previous",
        (
            Stage(
                "previous",
                "the year before's figures (for 同比 columns and change targets): those its own build handed on when "
                "that build was made from the same code and inputs, else computed from its raw files",
                reads=(
                    "year",
                    "previous_params_file",
                    "previous_raw",
                    "previous_reference",
                    "specs",
                    "suites",
                    "salt",
                    "year_before_build",
                ),
                writes=("previous",),
            ),
        ),
        notebook="15-previous-year",
    ),
    Step(
        "validation.stage:run_validate",
        (
            Stage(
                "validate",
                "runs `expectations/<dataset>.json` (GX 1.x) on the dataset's clean rows",
                reads=(
                    "suite",
                    "dataset_spec",
                    "clean_data",
                    "clean_data@reference",
                    "year",
                    "employment_cutoff",
                    "conventions",
                    "dataset_settings",
                ),
                writes=("validation_result", "validation_raw", "validation_part"),
                per_dataset=True,
            ),
            Stage(
                "gate",
                "joins every dataset's results, writes the auditor's page and the corrections back to the offices; "
                "a failed `blocking` expectation stops the build",
                reads=(
                    "validation_part",
                    "quarantine",
                    "accounting",
                    "dataset_spec",
                    "validation_templates",
                    "page_style",
                    "fonts",
                    "institution",
                    "year",
                    "allow_warnings",
                    "strict",
                ),
                writes=("validation_summary", "validation_page", "corrections"),
            ),
            Stage(
                "data-docs",
                "GX Data Docs from the kept validation results, in the same kernel (one Great Expectations start)",
                reads=(
                    "validation_raw",
                    "accounting",
                    "suites",
                    "dataset_spec",
                    "data_docs_assets",
                    "fonts",
                    "institution",
                    "year",
                ),
                writes=("data_docs",),
            ),
        ),
        notebook="20-validate",
        warm=("great_expectations",),
    ),
    Step(
        "figures.stage:run_figures",
        (
            Stage(
                "figures",
                "computes the ledger: every figure of `specs/figures/*.yaml`, the bars of the outline's charts, the "
                "year-before values and changes its tables show, last year's targets, the data-quality counts and "
                "the rows of the outline's row tables",
                reads=(
                    "clean_data",
                    "quarantine",
                    "accounting",
                    "validation_summary",
                    "previous",
                    "params_file",
                    "previous_params_file",
                    "signoff",
                    "figure_specs",
                    "charts",
                    "terms",
                    "outline",
                    "stated",
                    "dataset_spec",
                ),
                writes=("ledger", "ledger_xlsx", "targets", "row_tables", "handover"),
            ),
        ),
        notebook="30-figures",
    ),
    Step(
        "report.views:Report",
        (
            Stage(
                "report",
                "lays out the report from the year's narrative folder and the ledger",
                reads=(
                    "ledger",
                    "row_tables",
                    "accounting",
                    "reread",
                    "params_file",
                    "narrative",
                    "charts",
                    "dataset_spec",
                    "fonts",
                ),
                writes=(),
            ),
        ),
        notebook="40-report",
        warm=("matplotlib.pyplot",),
    ),
    Step(
        "report.outputs:html",
        (
            Stage(
                "html",
                "renders the executed report notebook's circulated edition (印发稿) to HTML (nbconvert)",
                reads=("executed[40-report]", "institution", "year", "outline", "report_templates", "fonts"),
                writes=("report_html",),
            ),
        ),
    ),
    Step(
        "report.outputs:review_html",
        (
            Stage(
                "review-html",
                "renders the executed report notebook's review edition (审阅稿) to HTML (nbconvert); its numbers link "
                "to their rows in the ledger annex",
                reads=("executed[40-report]", "institution", "year", "outline", "report_templates", "fonts"),
                writes=("review_html",),
            ),
        ),
    ),
    Step(
        "report.outputs:annex",
        (
            Stage(
                "annex",
                "writes the ledger annex: every number the report shows, by section, with its definition and the "
                "rows it was computed from (HTML)",
                reads=("ledger", "institution", "year", "outline", "report_templates", "fonts"),
                writes=("ledger_annex",),
            ),
        ),
    ),
    Step(
        "report.outputs:pdf",
        (
            Stage(
                "pdf",
                "lays out the circulated report as PDF (WeasyPrint), as an official document",
                reads=("report_html",),
                writes=("report_pdf",),
                formats=PDF_FORMATS,
            ),
        ),
    ),
    Step(
        "report.outputs:review_pdf",
        (
            Stage(
                "review-pdf",
                "lays out the review copy as PDF (WeasyPrint), 审阅稿 on every page",
                reads=("review_html",),
                writes=("review_pdf",),
                formats=PDF_FORMATS,
            ),
        ),
    ),
    Step(
        "report.outputs:annex_pdf",
        (
            Stage(
                "annex-pdf",
                "lays out the ledger annex as PDF (WeasyPrint, in a process of its own beside the report's stages)",
                reads=("ledger_annex",),
                writes=("ledger_annex_pdf",),
                formats=PDF_FORMATS,
            ),
        ),
    ),
    Step(
        "report.outputs:docx",
        (
            Stage(
                "docx",
                "writes the circulated report as a Word document for the office to edit: the same pages as its PDF, "
                "heading styles, GB/T 9704 page and type (python-docx)",
                reads=("report_html", "ledger", "charts", "institution", "year", "outline"),
                writes=("report_docx",),
                formats=("docx", "all"),
            ),
        ),
    ),
    Step(
        "report.reread:run_reread",
        (
            Stage(
                "reread",
                "lists the text nobody has reread: paragraphs carried unchanged from the year before's narrative, "
                "year-bound phrases (`specs/year_terms.yaml`) outside their years, and which the analyst accepted",
                reads=("narrative", "reviewed", "previous_params_file", "previous_narrative", "year_terms", "year"),
                writes=("reread",),
            ),
        ),
    ),
)
