"""The catalog: every file or value a stage reads or writes, named once.

Stages (`runner/stages.py`) declare what they read and write by these names, and everything else follows
from those declarations: the order of the stages, their cache keys, who reads and writes each entry, what is
published. Code asks for a path by name (`places(params)("ledger")`, `source_path("outline", params)`) and
never spells a file name itself (a test fails when it does).

Kinds of entries:

- `Artefact`: a file (or folder) a stage writes, in the build's work folder `{work}` (`build/<id>/work/`), its
  processed-data folder `{processed}` (`data/processed/<id>/`) or the published outputs `{outputs}`;
- `Source`: a file or folder of the project the analyst or the developers keep: specs, suites, templates,
  notebooks, the year's params file and narrative, the year before's params and raw files. `{root}` is the
  project, `{params}` the year's params file, `{narrative}`, `{raw}` and `{reference}` the year's folders
  (params `paths:`), `{previous_params}`, `{previous_raw}`, `{previous_reference}` and `{previous_narrative}` the
  year before's;
- `Delivered`: an office's file for a dataset, found by name or by its headers (`ingest/recognise.py`);
- `Setting`: a slice of the year's params or an option of the build (`make report ALLOW_WARNINGS=0`): read
  from the params file, which every setting covers;
- `Machine`: what this machine holds beside the project: the report's CJK faces, the person-hashing salt;
- `YearBefore`: what the year before's own build handed on (an artefact it wrote, kept in the cache), when that
  build was made from what the year before is now (`runner/yearbefore.py`); nothing otherwise.

`{dataset}` stands for a dataset's name and `{notebook}` for a notebook's. A stage names an entry plainly (its
own dataset's in a per-dataset stage, every present dataset's otherwise), as `name@reference` (the reference
tables': majors, poverty counties) or as `name[value]` (the one placeholder fixed: `executed[40-report]`).
Light module: nothing beyond the standard library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annualreport.base.params import Params


@dataclass(frozen=True)
class Artefact:
    name: str
    pattern: str  # "{work}/…", "{processed}/…" or "{outputs}/…"; a trailing "/" is a folder
    what: str
    published: bool = False  # copied into outputs/<year>/ (work-folder artefacts only)
    stable: bool = True  # the same inputs give the same bytes (a published stable file is in the manifest)
    bools: tuple[str, ...] = ()  # columns read back as bool (a CSV holds True/False)
    ints: tuple[str, ...] = ()  # columns read back as int
    # A CSV's text a spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe (tables.neutralise).
    # False for the ledgers, tables for programs whose values are the report's own (+2（+16.7%）, -3): written as
    # they are, read back the same; their spreadsheet copy is the workbook, whose text cells are typed as text.
    guarded: bool = True


@dataclass(frozen=True)
class Source:
    name: str
    pattern: str  # "{root}/…", "{params}", "{narrative}/…", "{previous_raw}/" …; a trailing "/" is a folder
    what: str


@dataclass(frozen=True)
class Delivered:
    name: str
    what: str


@dataclass(frozen=True)
class Setting:
    name: str
    what: str
    value: Callable[[Params, str | None, Any], Any]  # (params, dataset, build options) -> a JSON-able value
    per_dataset: bool = False  # one value per dataset
    option: bool = False  # an option of the build, not of the params: a notebook gets it as a parameter


@dataclass(frozen=True)
class Machine:
    name: str
    what: str


@dataclass(frozen=True)
class YearBefore:
    name: str
    artefact: str  # the artefact the year before's build wrote and handed on
    what: str


Entry = Artefact | Source | Delivered | Setting | Machine | YearBefore

_ACCOUNTING_INTS = (
    "physical_rows",
    "title_rows",
    "header_row",
    "blank_rows",
    "note_rows",
    "data_rows",
    "clean_rows",
    "quarantined_rows",
    "duplicate_rows",
)

ARTEFACTS: dict[str, Artefact] = {
    a.name: a
    for a in (
        Artefact("clean_data", "{processed}/{dataset}.parquet", "a dataset's clean rows, no personal columns"),
        Artefact(
            "quarantine",
            "{processed}/quarantine/{dataset}.csv",
            "a dataset's quarantined rows: file, sheet, row, column, rule, reason",
            guarded=True,
        ),
        Artefact("accounting_part", "{work}/accounting/{dataset}.csv", "one dataset's row accounting lines"),
        Artefact(
            "accounting",
            "{work}/row_accounting.csv",
            "row accounting of every file and sheet: data rows = clean + quarantined + duplicates",
            published=True,
            bools=("balanced",),
            ints=_ACCOUNTING_INTS,
        ),
        Artefact(
            "validation_result",
            "{work}/validation/{dataset}.json",
            "a dataset's GX validation result, ids and times stripped (stable bytes)",
            published=True,
        ),
        Artefact("validation_raw", "{work}/validation/raw/{dataset}.json", "GX's own result object, for Data Docs"),
        Artefact(
            "validation_part",
            "{work}/validation/summary/{dataset}.csv",
            "a dataset's summary lines, one per expectation",
        ),
        Artefact(
            "validation_summary",
            "{work}/validation/summary.csv",
            "every expectation of every dataset: severity, success, unexpected count",
            published=True,
            bools=("success",),
        ),
        Artefact("validation_page", "{work}/validation.html", "the auditor's page (Chinese, offline)", published=True),
        Artefact(
            "corrections",
            "{work}/corrections/{dataset}.xlsx",
            "corrections back to the offices: one workbook per office (the {dataset} slot holds the spec's office) "
            "listing its quarantined rows, the reason in Chinese and what to change",
            published=True,
        ),
        Artefact("data_docs", "{work}/validation/data_docs/", "GX Data Docs (a folder)", published=True),
        Artefact(
            "previous",
            "{work}/figures_previous.csv",
            "the year before's figures with today's definitions, from its raw files (computed, or taken from its own "
            "build when that was made from the same inputs and code)",
            published=True,
            guarded=False,
        ),
        Artefact(
            "handover",
            "{work}/handover.csv",
            "this year's figures as the year after's build takes them for its year-before column (its `previous`, "
            "byte for byte): the computed figures and the raw-file rows each used",
            guarded=False,  # written as `previous` is: the same bytes
        ),
        Artefact(
            "ledger",
            "{work}/figures.csv",
            "the figure ledger: every number the report shows, with its definition and inputs",
            published=True,
            guarded=False,
        ),
        Artefact("ledger_xlsx", "{work}/figures.xlsx", "the ledger as an Excel workbook", published=True),
        Artefact(
            "targets",
            "{work}/targets.csv",
            "last year's plan against this year's figures",
            published=True,
            guarded=False,
        ),
        Artefact(
            "row_tables",
            "{work}/row_tables.csv",
            "the rows the outline's row tables list (e.g. construction milestones), cell by cell as printed",
        ),
        Artefact(
            "executed",
            "{work}/notebooks/{notebook}.ipynb",
            "an executed notebook (the report's is rendered to HTML)",
            published=True,
            stable=False,  # papermill records when each cell ran
        ),
        Artefact(
            "logs",
            "{work}/logs/{notebook}.log",
            "a notebook's log lines (the notebook links it instead of printing them)",
            published=True,
            stable=False,  # GX names the temporary folders it makes
        ),
        Artefact(
            "report_html",
            "{work}/report.html",
            "the report the college circulates (印发稿), its web page: title, body, 落款, nothing else",
            published=True,
        ),
        Artefact(
            "report_pdf",
            "{work}/report.pdf",
            "the circulated report as PDF, laid out as an official document",
            published=True,
        ),
        Artefact(
            "review_html",
            "{work}/review.html",
            "the reviewers' copy (审阅稿): the same text, every number linked to its ledger row, the tables, charts, "
            "comparisons, data quality, changes since the signoff and what nobody has reread",
            published=True,
        ),
        Artefact(
            "review_pdf", "{work}/review.pdf", "the reviewers' copy as PDF, marked 审阅稿 on every page", published=True
        ),
        Artefact(
            "report_docx",
            "{work}/report.docx",
            "the circulated report as a Word document, for the office to edit",
            published=True,
        ),
        Artefact(
            "ledger_annex",
            "{work}/ledger.html",
            "the ledger annex (附件：数据来源与指标台账): every number the report shows, by section; "
            "the report's figures link to its rows",
            published=True,
        ),
        Artefact("ledger_annex_pdf", "{work}/ledger.pdf", "the ledger annex as PDF", published=True),
        Artefact(
            "manifest",
            "{outputs}/manifest.json",
            "what a published build was made from: params, raw inputs, versions, hashes",
        ),
        # the reread stage (report/reread.py)
        Artefact(
            "reread",
            "{work}/reread.csv",
            "text nobody has reread: the year's paragraphs carried unchanged from the year before and its year-bound "
            "phrases outside their years, one row each with the name it is accepted by, after a row counting the "
            "paragraphs",
            published=True,
            bools=("accepted",),
            ints=("paragraph",),
        ),
    )
}

INPUTS: dict[str, Source | Delivered | Setting | Machine | YearBefore] = {
    e.name: e
    for e in (
        # the project's own files
        Source("dataset_spec", "{root}/specs/datasets/{dataset}.yaml", "a dataset's spec: headers, types, rules"),
        Source("suite", "{root}/expectations/{dataset}.json", "a dataset's Great Expectations suite"),
        Source("specs", "{root}/specs/", "every spec: datasets, figures, charts, reviewed terms"),
        Source("suites", "{root}/expectations/", "every suite"),
        Source("figure_specs", "{root}/specs/figures/", "the figures' definitions, sets and status phrases"),
        Source("charts", "{root}/specs/charts.yaml", "the charts' declarations"),
        Source("terms", "{root}/specs/terms.yaml", "the reviewed names with digits"),
        Source("report_templates", "{root}/templates/report/", "the report's page template and stylesheets"),
        Source("page_style", "{root}/templates/report/report.css", "the shared stylesheet of every page"),
        Source("validation_templates", "{root}/templates/validation/", "the auditor's page template"),
        Source("data_docs_assets", "{root}/templates/data_docs/", "the pinned scripts and styles Data Docs load"),
        Source("notebook", "{root}/notebooks/{notebook}.ipynb", "a stage's notebook"),
        Source("lock", "{root}/requirements.lock", "the pinned dependencies"),
        # the year's files
        Source("params_file", "{params}", "the year's params file, whole"),
        Source("narrative", "{narrative}/", "the year's outline and prose"),
        Source("outline", "{narrative}/sections.yaml", "the year's outline"),
        Source("stated", "{narrative}/stated.yaml", "the figures the analyst states with their sources"),
        Source("previous_params_file", "{previous_params}", "the year before's params file"),
        Source("signoff", "{signoff}", "the signed build's record (make signoff), if there is one"),
        Source("previous_raw", "{previous_raw}/", "the year before's delivered files"),
        Source("previous_reference", "{previous_reference}/", "the year before's reference tables"),
        YearBefore(
            "year_before_build",
            "handover",
            "the year before's own build: the figures it handed on, when it was made from what the year before is now "
            "(same code, raw files, params, specs and suites); nothing otherwise",
        ),
        Delivered("raw", "a dataset's delivered file (and sheet), found by name or by its headers"),
        # slices of the params and the build's options
        Setting("year", "the report year", lambda p, d, o: p.year),
        Setting(
            "dataset_settings",
            "whether the params list the dataset, and its settings (optional, expected rows)",
            lambda p, d, o: {"listed": p.lists(d), "settings": p.dataset(d) if p.lists(d) else None},
            per_dataset=True,
        ),
        Setting("file_limits", "the largest delivered file read", lambda p, d, o: p.data["build"]["max_file_mb"]),
        Setting("conventions", "the college's ID formats", lambda p, d, o: p.data["conventions"]),
        Setting(
            "employment_cutoff", "the initial employment rate's cut-off", lambda p, d, o: p.data["employment_cutoff"]
        ),
        Setting("institution", "the college's names", lambda p, d, o: p.institution),
        Setting("allow_warnings", "whether failed warnings pass the gate", lambda p, d, o: p.allow_warnings),
        Setting(
            "strict", "warnings block too (make report ALLOW_WARNINGS=0)", lambda p, d, o: bool(o.strict), option=True
        ),
        # this machine
        Machine("fonts", "the report's CJK faces, made once per machine (~/.cache/annualreport/fonts)"),
        Machine("salt", "the salt persons are hashed with (its digest, never the salt)"),
        # the reread stage (report/reread.py)
        Source("previous_narrative", "{previous_narrative}/", "the year before's outline and prose"),
        Source("year_terms", "{root}/specs/year_terms.yaml", "the reviewed year-bound phrases and their years"),
        Source(
            "reviewed",
            "{narrative}/reviewed.yaml",
            "the findings of the reread stage the analyst accepted by name (make signoff ACCEPT=…)",
        ),
        Source("copied", "{narrative}/copied.yaml", "what make new-year copied into the folder, each file's sha256"),
    )
}

CATALOG: dict[str, Entry] = {**ARTEFACTS, **INPUTS}
if len(CATALOG) != len(ARTEFACTS) + len(INPUTS):  # pragma: no cover - a name given twice
    raise ValueError("catalog: an input and an artefact share a name")

# The top-level names under the work folder that publishing copies (files, or folders whole).
PUBLISHED: tuple[str, ...] = tuple(
    dict.fromkeys(a.pattern.removeprefix("{work}/").split("/")[0] for a in ARTEFACTS.values() if a.published)
)
# Folders under published ones that stay in the work folder (GX raw results, summary pieces).
UNPUBLISHED_DIRS: tuple[str, ...] = tuple(
    sorted(
        {
            a.pattern.removeprefix("{work}/").rsplit("/", 1)[0].split("/")[-1]
            for a in ARTEFACTS.values()
            if not a.published and a.pattern.startswith("{work}/validation/")
        }
    )
)


def parse_read(read: str) -> tuple[str, str, str | None]:
    """A stage's read as (entry, selector, fixed value): `clean_data` -> ("clean_data", "", None),
    `raw@reference` -> ("raw", "reference", None), `executed[40-report]` -> ("executed", "", "40-report")."""
    name, fixed = read, None
    if read.endswith("]") and "[" in read:
        name, fixed = read[:-1].split("[", 1)
    name, _, selector = name.partition("@")
    if name not in CATALOG:
        raise KeyError(f"'{read}' names no catalog entry")
    if selector not in ("", "reference"):
        raise KeyError(f"'{read}': unknown selector @{selector}")
    return name, selector, fixed


def placeholders(entry: Entry) -> set[str]:
    """The placeholders of an entry's path pattern: {dataset}, {notebook}."""
    pattern = getattr(entry, "pattern", "")
    return {k for k in ("dataset", "notebook") if "{" + k + "}" in pattern}


def per_dataset(entry: Entry) -> bool:
    """One per dataset: a pattern with {dataset}, a delivered file, or the dataset's settings."""
    return "dataset" in placeholders(entry) or isinstance(entry, Delivered) or getattr(entry, "per_dataset", False)
