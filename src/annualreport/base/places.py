"""Where the catalog's entries live for one build: artefacts in its work, processed-data and outputs folders
(`Places`), the project's and the year's files (`source_path`). Light module: pandas is imported only when a
table is read or written (the build driver plans without it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annualreport.base import tables
from annualreport.base.catalog import ARTEFACTS, INPUTS, Source, placeholders
from annualreport.base.params import previous_params
from annualreport.base.tables import concat_csv, read_table

if TYPE_CHECKING:
    import pandas as pd

    from annualreport.base.params import Params


class Places:
    """Where one build's artefacts live."""

    def __init__(self, work: Path, processed: Path, outputs: Path | None = None):
        self.work, self.processed, self.outputs = Path(work), Path(processed), outputs

    def __call__(self, name: str, dataset: str | None = None, notebook: str | None = None) -> Path:
        pattern = ARTEFACTS[name].pattern.rstrip("/")
        base, _, rest = pattern.partition("/")
        root = {"{work}": self.work, "{processed}": self.processed, "{outputs}": self.outputs}[base]
        if root is None:
            raise ValueError(f"artefact '{name}' lives in the outputs folder, which these places do not know")
        if ("{dataset}" in rest) != (dataset is not None) or ("{notebook}" in rest) != (notebook is not None):
            raise ValueError(f"artefact '{name}' ({pattern}) needs exactly its own placeholders")
        return root / rest.format(dataset=dataset, notebook=notebook)

    def folder(self, name: str) -> Path:
        """The folder holding every instance of a patterned artefact (e.g. the executed notebooks)."""
        return self(name, **{k: "_" for k in placeholders(ARTEFACTS[name])}).parent

    def relative(self, name: str, **kw) -> str:
        """The artefact's path relative to the work folder (its place in outputs/<year>/)."""
        return self(name, **kw).relative_to(self.work).as_posix()

    def read(self, name: str, dataset: str | None = None, missing_ok: bool = False) -> pd.DataFrame | None:
        """A table the suite wrote, with its declared columns typed (everything else stays text)."""
        path = self(name, dataset)
        if missing_ok and not path.exists():
            return None
        if path.suffix == ".parquet":
            import pandas as pd  # deferred: pandas (see tools/deferred_imports.toml)

            with open(path, "rb") as f:  # Python's open: a traced build sees the read (base/tracing.py)
                return pd.read_parquet(f)

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

        path = self(name, dataset)
        if path.suffix == ".parquet":
            tables.write_parquet(frame, path)
        elif path.suffix == ".xlsx":
            tables.write_xlsx(frame, path, sheet)
        else:
            tables.write_csv(frame, path, guard=ARTEFACTS[name].guarded)
        return path

    def write_workbook(self, name: str, sheets: list[tuple[str, list[str], list[list]]]) -> Path:
        """An .xlsx artefact of several sheets, (title, header, rows) each (`tables.write_workbook`)."""

        path = self(name)
        tables.write_workbook(sheets, path)
        return path


def unhashed(at: Places) -> dict[Path, str]:
    """{folder: the suffix its files have ('' for any)} of the published artefacts that are not byte-stable (the
    executed notebooks, the logs, Data Docs): the manifest does not hash them, `verify` counts them apart."""
    out = {}
    for a in ARTEFACTS.values():
        if a.published and not a.stable:
            holes = placeholders(a)
            out[at.folder(a.name) if holes else at(a.name)] = Path(a.pattern).suffix if holes else ""
    return out


def places(params: Params, work: Path | None = None) -> Places:
    """The places of the build `params` describes (its work folder, unless another is given)."""
    return Places(work if work is not None else params.work_dir, params.processed_dir, params.outputs_dir)


def combine(p: Places, part: str, whole: str, names: list[str]) -> Path:
    """Join per-dataset CSV pieces (e.g. `accounting_part`) into one table, in the given order."""

    out = p(whole)
    concat_csv([q for name in names if (q := p(part, name)).exists()], out)
    return out


def year_folders(params: Params) -> dict[str, Path | None]:
    """What a source pattern's leading placeholder stands for in this build (None: there is no year before)."""
    before = previous_params(params)
    return {
        "{root}": params.root,
        "{params}": params.path,
        "{narrative}": params.narrative_dir,
        "{raw}": params.raw_dir,
        "{reference}": params.reference_dir,
        "{signoff}": params.root / "params" / "signoff" / f"{params.build_id}.json",
        "{previous_params}": before.path if before else None,
        "{previous_raw}": before.raw_dir if before else None,
        "{previous_reference}": before.reference_dir if before else None,
        "{previous_narrative}": before.narrative_dir if before else None,
    }


def source_path(
    name: str, params: Params, dataset: str | None = None, notebook: str | None = None, folders=None
) -> Path | None:
    """The file or folder a `Source` entry names in this build (None when it names the year before and there is
    none). `folders`: `year_folders(params)`, when the caller resolves many."""
    entry = INPUTS[name]
    if not isinstance(entry, Source):
        raise TypeError(f"'{name}' is not a file or folder of the project")
    base, _, rest = entry.pattern.rstrip("/").partition("/")
    root = (folders or year_folders(params))[base]
    if root is None:
        return None
    return root / rest.format(dataset=dataset, notebook=notebook) if rest else root
