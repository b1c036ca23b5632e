"""The artefact catalog: every file a stage writes or reads, named once, with its writer and readers.

A build has two places (`Places`): its work folder `build/<id>/work/` and the processed-data folder
`data/processed/<id>/`. Every artefact is a path pattern under one of them; `{dataset}` stands for a
dataset's name and `{notebook}` for a notebook's. Code asks the catalog for a path
(`places(params)("ledger")`) or a typed table (`places(params).read("validation_summary")`) and never
spells a file name itself; the build driver uses the same entries to decide what to cache and what to
publish. Light module: pandas is imported only when a table is read or written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the build driver plans without pandas
    import pandas as pd

    from annualreport.base.params import Params


@dataclass(frozen=True)
class Artefact:
    name: str
    pattern: str  # "{work}/…" or "{processed}/…"
    writer: str  # the stage that writes it ("publish" for the build driver)
    readers: tuple[str, ...]
    what: str
    published: bool = False  # copied into outputs/<year>/ (work-folder artefacts only)
    bools: tuple[str, ...] = ()  # columns read back as bool (a CSV holds True/False)
    ints: tuple[str, ...] = ()  # columns read back as int


ARTEFACTS: dict[str, Artefact] = {
    a.name: a
    for a in (
        Artefact(
            "clean_data",
            "{processed}/{dataset}.parquet",
            "clean",
            ("validate", "figures", "report"),
            "a dataset's clean rows, no personal columns",
        ),
        Artefact(
            "quarantine",
            "{processed}/quarantine/{dataset}.csv",
            "clean",
            ("validate",),
            "a dataset's quarantined rows: file, sheet, row, column, rule, reason",
        ),
        Artefact(
            "accounting_part",
            "{work}/accounting/{dataset}.csv",
            "clean",
            ("validate",),
            "one dataset's row accounting lines (one per file and sheet)",
        ),
        Artefact(
            "accounting",
            "{work}/row_accounting.csv",
            "clean",
            ("validate", "figures", "report", "publish"),
            "row accounting of every file and sheet: data rows = clean + quarantined + duplicates",
            published=True,
            bools=("balanced",),
            ints=(
                "physical_rows",
                "title_rows",
                "header_row",
                "blank_rows",
                "note_rows",
                "data_rows",
                "clean_rows",
                "quarantined_rows",
                "duplicate_rows",
            ),
        ),
        Artefact(
            "validation_result",
            "{work}/validation/{dataset}.json",
            "validate",
            ("validate", "data-docs"),
            "a dataset's GX validation result, ids and times stripped (stable bytes)",
            published=True,
        ),
        Artefact(
            "validation_raw",
            "{work}/validation/raw/{dataset}.json",
            "validate",
            ("data-docs",),
            "GX's own result object, for Data Docs",
        ),
        Artefact(
            "validation_part",
            "{work}/validation/summary/{dataset}.csv",
            "validate",
            ("validate",),
            "a dataset's summary lines, one per expectation",
        ),
        Artefact(
            "validation_summary",
            "{work}/validation/summary.csv",
            "validate",
            ("figures", "report"),
            "every expectation of every dataset: severity, success, unexpected count",
            published=True,
            bools=("success",),
        ),
        Artefact(
            "validation_page",
            "{work}/validation.html",
            "validate",
            ("publish",),
            "the auditor's page (Chinese, offline)",
            published=True,
        ),
        Artefact(
            "corrections",
            "{work}/corrections/{dataset}.xlsx",
            "validate",
            ("publish",),
            "corrections back to the offices: one workbook per office (the {dataset} slot holds the "
            "spec's office) listing its quarantined rows, the reason in Chinese and what to change",
            published=True,
        ),
        Artefact(
            "data_docs",
            "{work}/validation/data_docs",
            "data-docs",
            ("publish",),
            "GX Data Docs (a folder)",
            published=True,
        ),
        Artefact(
            "previous",
            "{work}/figures_previous.csv",
            "previous",
            ("figures", "report"),
            "the year before's figures, from its raw files",
            published=True,
        ),
        Artefact(
            "ledger",
            "{work}/figures.csv",
            "figures",
            ("report", "publish"),
            "the figure ledger: every number the report shows, with its definition and inputs",
            published=True,
        ),
        Artefact(
            "ledger_xlsx",
            "{work}/figures.xlsx",
            "figures",
            ("publish",),
            "the ledger as an Excel workbook",
            published=True,
        ),
        Artefact(
            "targets",
            "{work}/targets.csv",
            "figures",
            ("report",),
            "last year's plan against this year's figures",
            published=True,
        ),
        Artefact(
            "executed",
            "{work}/notebooks/{notebook}.ipynb",
            "*",
            ("html", "publish"),
            "an executed notebook (the report's is rendered to HTML)",
            published=True,
        ),
        Artefact(
            "logs",
            "{work}/logs/{notebook}.log",
            "*",
            ("analyst",),
            "a notebook's log lines (the notebook links it instead of printing them)",
            published=True,
        ),
        Artefact("report_html", "{work}/report.html", "html", ("pdf", "docx", "publish"), "the report", published=True),
        Artefact("report_pdf", "{work}/report.pdf", "pdf", ("publish",), "the report as PDF", published=True),
        Artefact(
            "report_docx",
            "{work}/report.docx",
            "docx",
            ("publish",),
            "the report as a Word document, for the office to edit and circulate",
            published=True,
        ),
        Artefact(
            "ledger_annex",
            "{work}/ledger.html",
            "annex",
            ("annex-pdf", "publish"),
            "the ledger annex (附件：数据来源与指标台账): every number the report shows, by section; "
            "the report's figures link to its rows",
            published=True,
        ),
        Artefact(
            "ledger_annex_pdf",
            "{work}/ledger.pdf",
            "annex-pdf",
            ("publish",),
            "the ledger annex as PDF",
            published=True,
        ),
        Artefact(
            "manifest",
            "{outputs}/manifest.json",
            "publish",
            ("verify",),
            "what a published build was made from: params, raw inputs, versions, hashes",
        ),
    )
}

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


class Places:
    """Where one build's artefacts live."""

    def __init__(self, work: Path, processed: Path, outputs: Path | None = None):
        self.work, self.processed, self.outputs = Path(work), Path(processed), outputs

    def __call__(self, name: str, dataset: str | None = None, notebook: str | None = None) -> Path:
        pattern = ARTEFACTS[name].pattern
        base, _, rest = pattern.partition("/")
        root = {"{work}": self.work, "{processed}": self.processed, "{outputs}": self.outputs}[base]
        if root is None:
            raise ValueError(f"artefact '{name}' lives in the outputs folder, which these places do not know")
        if ("{dataset}" in rest) != (dataset is not None) or ("{notebook}" in rest) != (notebook is not None):
            raise ValueError(f"artefact '{name}' ({pattern}) needs exactly its own placeholders")
        return root / rest.format(dataset=dataset, notebook=notebook)

    def folder(self, name: str) -> Path:
        """The folder holding every instance of a patterned artefact (e.g. the executed notebooks)."""
        return self(
            name, **{k: "_" for k in ("dataset", "notebook") if "{" + k + "}" in ARTEFACTS[name].pattern}
        ).parent

    def relative(self, name: str, **kw) -> str:
        """The artefact's path relative to the work folder (its place in outputs/<year>/)."""
        return self(name, **kw).relative_to(self.work).as_posix()

    def read(self, name: str, dataset: str | None = None, missing_ok: bool = False) -> pd.DataFrame | None:
        """A table the suite wrote, with its declared columns typed (everything else stays text)."""
        path = self(name, dataset)
        if missing_ok and not path.exists():
            return None
        if path.suffix == ".parquet":
            import pandas as pd

            return pd.read_parquet(path)
        from annualreport.base.tables import read_table

        frame = read_table(path)
        art = ARTEFACTS[name]
        for col in art.bools:
            if col in frame:
                frame[col] = frame[col].str.lower() == "true"
        for col in art.ints:
            if col in frame:
                frame[col] = frame[col].map(lambda v: int(v) if v != "" else 0)
        return frame

    def write(self, name: str, frame: pd.DataFrame, dataset: str | None = None, sheet: str = "figures") -> Path:
        from annualreport.base import tables

        path = self(name, dataset)
        if path.suffix == ".parquet":
            tables.write_parquet(frame, path)
        elif path.suffix == ".xlsx":
            tables.write_xlsx(frame, path, sheet)
        else:
            tables.write_csv(frame, path)
        return path

    def write_workbook(self, name: str, sheets: list[tuple[str, list[str], list[list]]]) -> Path:
        """An .xlsx artefact of several sheets, (title, header, rows) each (`tables.write_workbook`)."""
        from annualreport.base import tables

        path = self(name)
        tables.write_workbook(sheets, path)
        return path


def places(params: Params, work: Path | None = None) -> Places:
    """The places of the build `params` describes (its work folder, unless another is given)."""
    return Places(work if work is not None else params.work_dir, params.processed_dir, params.outputs_dir)


def clean_outputs(p: Places, name: str) -> list[Path]:
    """The clean stage's files for one dataset."""
    return [p("clean_data", name), p("quarantine", name), p("accounting_part", name)]


def validation_outputs(p: Places, name: str) -> list[Path]:
    """The validation of one dataset: result (stable bytes), GX's raw result (for Data Docs), summary lines."""
    return [p("validation_result", name), p("validation_raw", name), p("validation_part", name)]


def combine(p: Places, part: str, whole: str, names: list[str]) -> Path:
    """Join per-dataset CSV pieces (e.g. `accounting_part`) into one table, in the given order."""
    from annualreport.base.tables import concat_csv

    out = p(whole)
    concat_csv([q for name in names if (q := p(part, name)).exists()], out)
    return out
