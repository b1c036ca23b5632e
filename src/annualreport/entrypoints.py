"""The notebooks' entry points: one function per notebook, all state on disk, and the summaries the
notebooks display (tables with Chinese headers, read back from what the stages wrote).

Each stage reads what the stages before it wrote (see `project.catalog`), so a notebook can be rerun
alone, and the build driver can reuse any stage whose inputs did not change. The clean and validate
stages take the list of datasets to (re)do; `None` means all. Log lines go to the stage's log file
(`logs/<notebook>.log` in the work folder), not into the notebook.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from annualreport.base.catalog import Places, places
from annualreport.base.glossary import RULES_ZH, SEVERITY_ZH
from annualreport.base.outline import groups, section_codes
from annualreport.base.params import Params, load_params, previous_params
from annualreport.base.paths import work_path
from annualreport.ingest import year as ingest_year

log = logging.getLogger(__name__)


def setup_logging(work_dir: str, notebook: str) -> str:
    """Send this kernel's log lines to the stage's log file; return its path relative to the project."""
    path = Places(work_path(work_dir), work_path(work_dir))("logs", notebook=notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.captureWarnings(True)
    # The font subsetter (the auditor's page) logs every glyph name at INFO: keep its warnings only.
    logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
    root = work_path(".")
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _open(params_file: str, work_dir: str) -> tuple[Params, Places]:
    params = load_params(params_file)
    return params, places(params, work_path(work_dir))


def run_clean(params_file: str, work_dir: str, datasets: list[str] | None = None) -> pd.DataFrame:
    """Clean the datasets (all, or those named); returns the whole row accounting (one line per file)."""
    params, at = _open(params_file, work_dir)
    ingest_year.clean_year(params, at.work, datasets)
    return at.read("accounting")


def quarantine_overview(params_file: str, work_dir: str | None = None) -> pd.DataFrame:
    """Quarantined rows per dataset and rule: where to look first when fixing office files."""
    params = load_params(params_file)
    at = places(params, work_path(work_dir) if work_dir else None)
    frames = [
        q
        for q in (at.read("quarantine", n, missing_ok=True) for n in _present(params, at))
        if q is not None and not q.empty
    ]
    if not frames:
        return pd.DataFrame(columns=["dataset", "rule", "rows", "first_rows"])
    q = pd.concat(frames)
    return (
        q.groupby(["dataset", "rule"], sort=True)["row"]
        .agg(rows="count", first_rows=lambda s: ", ".join(list(s)[:5]))
        .reset_index()
    )


def _present(params: Params, at: Places) -> list[str]:
    """The datasets cleaned this year, in the specs' order (as the row accounting lists them)."""
    return list(dict.fromkeys(at.read("accounting")["dataset"]))


def clean_frames(params: Params, work_dir: Path) -> dict[str, pd.DataFrame]:
    at = places(params, Path(work_dir))
    return {name: ingest_year.load_clean(params, name) for name in at.read("accounting")["dataset"]}


def run_validate(
    params_file: str, work_dir: str, datasets: list[str] | None = None, strict: bool = False
) -> pd.DataFrame:
    """Validate the clean datasets (all, or those named); join every dataset's results into the
    validation summary; write the auditor's page and the offices' corrections; return the summary.
    Raises ValidationFailed on a blocking failure (on any failure when `strict`). Great Expectations is
    imported only to validate."""
    from annualreport.validation import gate, run
    from annualreport.validation.corrections import write_corrections
    from annualreport.validation.page import render_page

    params, at = _open(params_file, work_dir)
    frames = clean_frames(params, at.work)
    if datasets is None or datasets:
        run.validate_year(params, at.work, frames, datasets)
    names = list(frames)
    run.combine_summary(params, at.work, names)
    summary = at.read("validation_summary")
    page = render_page(params, at.work)
    write_corrections(params, at.work, names)
    where = str(page.relative_to(params.root))
    if strict:  # the rows behind a failed expectation are usually the quarantined ones: name them first
        gate.quarantine_gate([at.read("quarantine", n, missing_ok=True) for n in names], where)
    gate.gate(summary, params.allow_warnings and not strict, where=where)
    return summary


def run_data_docs(params_file: str, work_dir: str) -> str:
    """GX Data Docs from the results the validation kept; returns the index page, relative to the project."""
    from annualreport.validation.data_docs import build_data_docs

    params, at = _open(params_file, work_dir)
    index = build_data_docs(params, at.work, _present(params, at), at("data_docs"))
    return index.relative_to(params.root).as_posix() if index.is_relative_to(params.root) else str(index)


def run_previous(params_file: str, work_dir: str) -> pd.DataFrame | None:
    """The year before's figures, computed from that year's raw files (cleaned in memory), so the
    year-before column depends only on inputs, not on an earlier build's outputs; each figure carries
    that year's raw files (sha256) and its datasets' validation status, from the same suites run in
    memory. Removes the artefact when there is no year before."""
    from annualreport.figures.compute import compact_rows, compute_all
    from annualreport.figures.ledger import input_digests
    from annualreport.validation.gate import dataset_status
    from annualreport.validation.run import validate_in_memory

    params, at = _open(params_file, work_dir)
    prev = previous_params(params)
    if prev is None or not prev.raw_dir.is_dir():
        at("previous").unlink(missing_ok=True)
        return None
    frames, accounting = ingest_year.clean_in_memory(prev)
    inputs = input_digests(accounting) if len(accounting) else {}
    status = dataset_status(validate_in_memory(prev, frames))
    sources: dict[str, tuple[int, ...]] = {}
    ledger = compute_all(frames, prev.year, inputs, status, root=params.root, sources=sources)
    # the raw-file rows each figure used, for the ledger workbook's provenance sheet
    ledger["source_rows"] = [compact_rows(sources.get(i, ())) for i in ledger["id"]]
    at.write("previous", ledger)
    return ledger


def run_figures(params_file: str, work_dir: str) -> pd.DataFrame:
    """Compute the figure ledger (CSV and Excel) and the targets table."""
    from annualreport.figures import ledger
    from annualreport.validation.gate import dataset_status

    params, at = _open(params_file, work_dir)
    status = dataset_status(at.read("validation_summary"))
    return ledger.build(params, at, clean_frames(params, at.work), status)


# ---------------------------------------------------------------- what the notebooks show the analyst
# Tables with Chinese headers, read back from what the stages wrote (through the catalog), so a
# notebook shows its stage's result in the analyst's language without printing logs or paths.

FIRST_ROWS = 5  # row numbers listed per quarantine rule


def full_tables() -> None:
    """Show the summaries whole: pandas shortens a table over 60 rows and a cell over 50 characters."""
    pd.set_option("display.max_rows", None, "display.max_colwidth", None)


def link(label: str, path: str, work_dir: str):
    """`label：[path](href)` as Markdown, for a file a stage wrote. `path` is relative to the project
    (as `setup_logging` and `run_data_docs` return it); the link is relative to the notebook: in a
    build (kernel started at the project root) to the executed notebooks' folder, which is published
    beside the logs; otherwise to the kernel's folder (Jupyter starts it beside the notebook)."""
    import os
    from urllib.parse import quote

    from IPython.display import Markdown

    root, here = work_path(".").resolve(), Path.cwd().resolve()
    target = Path(path) if Path(path).is_absolute() else root / path
    work = work_path(work_dir)
    base = Places(work, work).folder("executed") if here == root else here
    shown = Path(path).name if Path(path).is_absolute() else path
    return Markdown(f"{label}：[`{shown}`]({quote(Path(os.path.relpath(target, base)).as_posix())})")


def _specs(params: Params):
    from annualreport.ingest.specs import load_specs

    return load_specs(params.root)


def _by_office(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of one office together, offices in the order they first appear (the specs' order)."""
    order = {office: i for i, office in enumerate(dict.fromkeys(frame["处室"]))}
    return frame.sort_values("处室", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def clean_summary(params_file: str, work_dir: str) -> pd.DataFrame:
    """Row accounting by office and dataset: files, data rows = clean + quarantined + duplicates;
    a dataset the params list but nobody delivered (optional) shows as 未交付; a 合计 line last."""
    params, at = _open(params_file, work_dir)
    acc = at.read("accounting")
    counts = {"数据行": "data_rows", "清洗后": "clean_rows", "隔离": "quarantined_rows", "重复": "duplicate_rows"}
    rows = []
    for name, spec in _specs(params).items():
        part = acc[acc["dataset"] == name]
        if part.empty and not params.lists(name):
            continue
        balanced = "未交付" if part.empty else _yes(part["balanced"].all())
        numbers = [int(part[c].sum()) for c in counts.values()]
        rows.append([spec.office, name, spec.title, part["file"].nunique(), *numbers, balanced])
    frame = _by_office(pd.DataFrame(rows, columns=["处室", "数据集", "名称", "文件数", *counts, "是否平衡"]))
    total = ["合计", "", "", acc["file"].nunique(), *(int(frame[c].sum()) for c in counts), _yes(acc["balanced"].all())]
    return pd.concat([frame, pd.DataFrame([total], columns=frame.columns)], ignore_index=True)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def quarantine_summary(params_file: str, work_dir: str) -> pd.DataFrame:
    """Quarantined rows by office, dataset, file and rule (in words), with the column named and the
    first row numbers of the file: where to look first when the office corrects its file. No values
    (the quarantine files hold the rows)."""
    params, at = _open(params_file, work_dir)
    columns = ["处室", "数据集", "文件", "问题", "字段", "行数", f"行号（前{FIRST_ROWS}个）"]
    rows = []
    for name, spec in _specs(params).items():
        q = at.read("quarantine", name, missing_ok=True)
        if q is None or q.empty:
            continue
        q = q.assign(where=q["file"] + q["sheet"].map(lambda s: f"（{s}）" if s else ""))
        for (where, rule, column), part in q.groupby(["where", "rule", "column"], sort=False):
            numbers = sorted(part["row"], key=lambda r: int(r) if r.isdigit() else 0)
            first = "、".join(numbers[:FIRST_ROWS]) + ("……" if len(numbers) > FIRST_ROWS else "")
            rows.append([spec.office, name, where, RULES_ZH.get(rule, rule), column, len(part), first])
    return _by_office(pd.DataFrame(rows, columns=columns))


def validation_summary(params_file: str, work_dir: str) -> pd.DataFrame:
    """Per dataset: failed blocking and warning expectations, passed, total, and the status the
    ledger shows (通过, 通过（n项警告）, 未通过)."""
    from annualreport.validation.gate import dataset_status

    params, at = _open(params_file, work_dir)
    summary = at.read("validation_summary")
    status = dataset_status(summary)
    specs = _specs(params)
    rows = []
    for name, part in summary.groupby("dataset", sort=False):
        failed = part.loc[~part["success"], "severity"]
        title = specs[name].title if name in specs else name
        blocking, warning = (int((failed == s).sum()) for s in ("blocking", "warning"))
        rows.append([name, title, blocking, warning, int(part["success"].sum()), len(part), status[name]])
    return pd.DataFrame(rows, columns=["数据集", "名称", "阻断项未通过", "警告项未通过", "通过", "共计", "状态"])


def validation_failures(params_file: str, work_dir: str) -> pd.DataFrame:
    """Every failed expectation, blocking first, in words (the suites describe each in Chinese), the
    column under its header in the office's file."""
    params, at = _open(params_file, work_dir)
    headers = {(n, c.name): c.header for n, spec in _specs(params).items() for c in spec.canonical}
    summary = at.read("validation_summary")
    failed = summary[~summary["success"]].sort_values("severity", key=lambda s: s != "blocking", kind="stable")
    column = [headers.get((d, c), c) for d, c in zip(failed["dataset"], failed["column"], strict=True)]
    failed = failed.assign(severity=failed["severity"].map(lambda s: SEVERITY_ZH.get(s, s)), column=column)
    return _columns(
        failed, dataset="数据集", severity="级别", description="检查项", column="字段", unexpected_count="不符合行数"
    )


def _columns(frame: pd.DataFrame, **names: str) -> pd.DataFrame:
    """The named columns of `frame`, in that order, under their Chinese headers."""
    return frame[list(names)].rename(columns=names).reset_index(drop=True)


def previous_summary(params_file: str, work_dir: str):
    """One Chinese sentence (Markdown): which year's figures the 同比 columns use, or why there are none."""
    from IPython.display import Markdown

    params, at = _open(params_file, work_dir)
    before = params.year - 1
    prev = at.read("previous", missing_ok=True)
    if prev is None:
        why = "没有上一年度的参数文件" if previous_params(params) is None else "没有上一年度的原始数据"
        return Markdown(f"{why}（{before}年），报告中的同比列和以上年为基数的目标留空。")
    valued = int((prev["value"] != "").sum())
    where = _relative(at("previous"), params.root)
    return Markdown(
        f"上一年度：{before}年。按现行指标定义，从{before}年的原始数据重新计算了 {len(prev)} 项指标，"
        f"其中 {valued} 项有数值，结果写入 `{where}`。"
    )


def _relative(path: Path, root: Path) -> str:
    """A path as the analyst may see it: relative to the project, else its name alone."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name


def previous_figures(params_file: str, work_dir: str) -> pd.DataFrame:
    """The year before's figures with Chinese headers (empty when there is no year before)."""
    _, at = _open(params_file, work_dir)
    prev = at.read("previous", missing_ok=True)
    return _figure_columns(
        prev if prev is not None else pd.DataFrame(columns=["id", "label", "value", "unit", "wording"])
    )


def _figure_columns(ledger: pd.DataFrame) -> pd.DataFrame:
    ledger = ledger.assign(value=ledger["value"].map(lambda v: v if v != "" else "无数据"))
    return _columns(ledger, id="编号", label="指标", wording="表述", value="数值", unit="单位")


def report_sections(params_file: str) -> pd.DataFrame:
    """The report's outline: level, code (as the figure specs refer to it) and heading."""
    rows = section_codes(load_params(params_file))
    return pd.DataFrame([(level, code, heading) for code, level, heading in rows], columns=["层级", "编号", "标题"])


def figures_by_section(params_file: str, work_dir: str) -> pd.DataFrame:
    """The ledger's figures grouped by the report section they belong to, in the report's order
    (`base.outline.groups`, as the ledger annex groups them); the defined and the stated figures only
    (bars, year-before rows etc. derive from them)."""
    params, at = _open(params_file, work_dir)
    ledger = at.read("ledger")
    ledger = ledger[ledger["kind"].isin(("computed", "stated"))]
    parts = [_figure_columns(part).assign(章节=heading) for heading, part in groups(ledger, params)]
    frame = pd.concat(parts, ignore_index=True) if parts else _figure_columns(ledger).assign(章节="")
    return frame[["章节", *(c for c in frame.columns if c != "章节")]]
