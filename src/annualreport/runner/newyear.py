"""The analyst's year: scaffold a new year from the last one, and check the offices' files before a build.

`make new-year YEAR=2022` writes `params/2022.yaml` (from 2021's: same datasets and row ranges, the
year and paths moved on, 2021's targets as a marked draft of the plan this year's report will set),
copies the narrative folder as a draft (without `stated.yaml`: a year states its own facts; nor 2021's
`reviewed.yaml`: each year is reread), records what it copied in the new folder's `copied.yaml` (the year
and each file's sha256 at copy time), and
creates `data/raw/2022/README.md` listing every file the offices must deliver (from the dataset
specs). The copied plan prose prints the drafted targets, so the scaffold builds; the analyst rewrites
both. This year's report tracks the targets in the year before's params, which stay where they are.

`make check-inputs YEAR=2022` says, per dataset, which delivered file (and sheet) was taken and why
(by name, or by its headers), or that it is missing, unreadable or ambiguous (two candidate files),
reading each one as the build would (encoding, workbook, sheet, header row) without building; then
it lists the delivered files that matched no dataset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

from annualreport.base.errors import ParamsError, ReportError
from annualreport.base.params import Params, load_params
from annualreport.base.paths import repo_root
from annualreport.base.places import places, source_path
from annualreport.ingest.recognise import resolve_for
from annualreport.ingest.specs import DatasetSpec, load_specs
from annualreport.ingest.workbooks import WORKBOOK_SUFFIXES
from annualreport.ingest.year import clean_dataset, context_for


def params_dir_for(root: Path, institution: str | None) -> Path:
    return root / "params" / "institutions" / institution if institution else root / "params"


def scaffold(year: int, root: Path | None = None, institution: str | None = None) -> list[Path]:
    """Create the params, narrative and raw-data folder of `year` from `year - 1`. Returns what it wrote."""
    root = (root or repo_root()).resolve()
    pdir = params_dir_for(root, institution)
    prev_path, new_path = pdir / f"{year - 1}.yaml", pdir / f"{year}.yaml"
    rel = lambda p: p.relative_to(root).as_posix()  # noqa: E731
    if not prev_path.exists():
        raise ParamsError(f"{rel(prev_path)} not found: a new year starts from the year before")
    if new_path.exists():
        raise ParamsError(f"{rel(new_path)} already exists; edit it, or delete it to scaffold again")
    prev = load_params(prev_path, root)
    text = prev_path.read_text(encoding="utf-8")
    old, new = str(year - 1), str(year)
    lines = []
    for line in text.splitlines():
        if re.match(r"year:\s*\d{4}\s*$", line):
            line = f"year: {year}"
        elif re.match(r"\s+(raw|narrative):\s", line) or line.startswith("#"):
            line = line.replace(old, new)
        elif m := re.match(r"(\s+)date:\s*\S", line):  # the closing's date is the new report's to set
            line = f'{m.group(1)}# date: "YYYY-MM-DD"  # the day this report is issued (its closing); was {line.split(":", 1)[1].strip()}'
        lines.append(line)
    text = "\n".join(lines) + "\n"
    text = (
        text.replace("\ntargets:", "\n" + _targets_comment(year) + "targets:", 1)
        if "\ntargets:" in text
        else text + _targets_comment(year) + "targets: []\n"
    )
    new_path.write_text(text, encoding="utf-8")
    written = [new_path]
    params = load_params(new_path, root)  # the scaffold must itself be a valid params file
    if prev.narrative_dir.is_dir() and not params.narrative_dir.exists():
        # stated figures are that year's facts with their sources: the new year states its own; the year before's
        # review and copy record are its own too
        left_out = [source_path(name, prev).name for name in ("stated", "reviewed", "copied")]
        shutil.copytree(prev.narrative_dir, params.narrative_dir, ignore=shutil.ignore_patterns(*left_out))
        written.append(params.narrative_dir)
        written.append(record_copy(prev, params))
    params.raw_dir.mkdir(parents=True, exist_ok=True)
    readme = params.raw_dir / "README.md"
    readme.write_text(delivery_list(params), encoding="utf-8")
    written.append(readme)
    return written


def record_copy(prev: Params, params: Params, on: dt.date | None = None) -> Path:
    """The copy record in the new narrative folder (`copied.yaml`): the year copied from and each file's sha256 at
    copy time, so what was never edited since can be told (the build's reread stage lists the paragraphs)."""
    rel = lambda p: p.relative_to(params.root).as_posix() if p.is_relative_to(params.root) else str(p)  # noqa: E731
    path = source_path("copied", params)
    files = sorted(p for p in params.narrative_dir.rglob("*") if p.is_file() and p != path)
    table = rel(params.outputs_dir / places(params).relative("reread"))
    lines = [
        f"# make new-year copied this folder from {rel(prev.narrative_dir)}/ (the {prev.year} report's outline and",
        f"# prose) for {params.year}. Each file's sha256 when it was copied is listed: a file whose sha256 is still",
        f"# this one has not been edited since. Every build lists the paragraphs still as {prev.year} wrote them and",
        f"# the year-bound phrases outside {params.year} ({table}; make signoff refuses until each is",
        "# edited or accepted by name; docs/review.md). This file is a record: editing it changes nothing.",
        f"from_year: {prev.year}",
        f"from: {rel(prev.narrative_dir)}",
        f"copied_on: {(on or dt.date.today()).isoformat()}",
        "files:",
    ]
    lines += [
        f"  {json.dumps(p.relative_to(params.narrative_dir).as_posix(), ensure_ascii=False)}: "
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}"
        for p in files
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _targets_comment(year: int) -> str:
    return (
        f"# DRAFT copied from {year - 1}: the {year + 1} plan's measurable targets (the plan section of this\n"
        f"# report, which the copied narrative prints with {{target.<id>}}), tracked by the {year + 1} report.\n"
        f"# Set this year's numbers and words. This year's report tracks the targets in the {year - 1} params.\n"
    )


def delivery_list(params: Params) -> str:
    """`data/raw/<year>/README.md`: every file the offices must deliver, from the dataset specs."""
    specs = load_specs(params.root)
    by_file: dict[str, list[DatasetSpec]] = {}
    for spec in specs.values():
        if not spec.reference:
            by_file.setdefault(spec.file, []).append(spec)
    out = [
        f"# Files to deliver for {params.year} ({params.institution['name']})",
        "",
        f"Put each office's file here as it came, as {', '.join(f'`{x}`' for x in WORKBOOK_SUFFIXES)} or `.csv` "
        "(UTF-8 or GBK): any file or sheet name",
        "is fine, each is recognised by its header row; the names below also work and win outright.",
        "Column headers may carry a trailing `*` and the aliases listed in `specs/datasets/`; a title",
        "row above the header is fine. `make check-inputs YEAR=" + str(params.year) + "` says what is",
        "present, missing or unreadable before a build. Never edit a delivered file by hand here: ask",
        "the office for a corrected one (raw files are kept as delivered).",
        "",
        "| file | sheet | dataset | office | required columns (others optional) | optional this year |",
        "|---|---|---|---|---|---|",
    ]
    for stem, group in sorted(by_file.items()):
        for spec in group:
            required = "、".join(c.header for c in spec.columns if c.required)
            optional = "yes" if params.dataset(spec.name)["optional"] else ""
            out.append(
                f"| `{stem}{WORKBOOK_SUFFIXES[0]}` ({', '.join(f'`{x}`' for x in WORKBOOK_SUFFIXES[1:])}) / `.csv` | "
                f"{spec.sheet or '(first)'} | {spec.title} (`{spec.name}`) | "
                f"{spec.office} | {required} | {optional} |"
            )
    out += [
        "",
        "Reference tables (`"
        + params.reference_dir.relative_to(params.root).as_posix()
        + "/`) are kept between years:",
        "",
    ]
    for spec in specs.values():
        if spec.reference:
            out.append(f"- `{spec.file}.csv`: {spec.title} ({spec.office})")
    return "\n".join(out) + "\n"


def check_inputs(params: Params) -> tuple[list[dict], bool]:
    """One line per expected dataset: which file (and sheet) was taken and why (by name, or by headers:
    `ingest/recognise.py`), with its rows; missing, unreadable, or AMBIGUOUS (two candidate files); then
    one line per delivered file or sheet that matched no dataset. Reads each file as the build would;
    writes nothing. Returns (lines, every required dataset usable)."""

    ctx = context_for(params)
    specs = load_specs(params.root)
    rel = lambda p: p.relative_to(params.root).as_posix() if p.is_relative_to(params.root) else str(p)  # noqa: E731
    resolved = {kind: resolve_for(params, specs, kind) for kind in (True, False)}
    lines, ok = [], True
    shown_once: set[Path] = set()  # split workbooks, whose skipped sheets are named on their dataset's line
    for name, spec in specs.items():
        line = {"dataset": name, "title": spec.title, "office": spec.office, "file": "—", "sheet": ""}
        if not params.lists(name):
            lines.append(
                {**line, "status": "not listed", "detail": f"absent this year ({params.path.name} does not list it)"}
            )
            continue
        optional = params.dataset(name)["optional"]
        directory = params.reference_dir if spec.reference else params.raw_dir
        line.update(
            file=rel(directory) + f"/{spec.file}" + "|".join((*WORKBOOK_SUFFIXES, ".csv")),
            sheet=spec.sheet or "",
            status="",
            detail="",
        )
        res = resolved[spec.reference]
        try:
            if name in res.conflicts:
                line["status"] = "AMBIGUOUS"
                line["file"] = " and ".join(m.where(params.root) for m in res.conflicts[name])
                line["sheet"] = ""
                res.match(name, params.root)  # raises, naming both
            match = res.match(name, params.root)
            if match is None:
                line["status"] = "missing (optional)" if optional else "MISSING"
                ok &= optional
            else:
                line["file"], line["sheet"] = rel(match.path), "、".join(match.sheets)
                result, _ = clean_dataset(spec, params, ctx)
                if spec.reference:
                    ctx.reference[name] = result.frame
                acc = result.accounting
                line["status"] = "present"
                line["detail"] = (
                    f"{match.how}; {acc.data_rows} data rows from row {acc.header_row + 1}: "
                    f"{len(result.frame)} usable, {len(result.quarantine)} would be set aside"
                )
                if len(result.accounts) > 1:  # a split table: each sheet's rows
                    line["detail"] += " (" + "; ".join(f"{a.sheet}: {a.data_rows}" for a in result.accounts) + ")"
                if len(match.sheets) > 1:  # the workbook shown once: its other sheets on this line
                    skipped = [(sh, why) for pth, sh, why in res.unmatched if pth == match.path and sh]
                    shown_once.add(match.path)
                    if skipped:
                        line["detail"] += "; other sheets skipped: " + ", ".join(f"{sh} ({why})" for sh, why in skipped)
        except ReportError as exc:
            line["status"] = line["status"] or "UNREADABLE"
            line["detail"] = str(exc)
            line["error"] = exc  # a convention mismatch proposes a format (runner/proposals.py)
            ok = False
        lines.append(line)
    for res in resolved.values():
        for path, sheet, why in res.unmatched:
            if path in shown_once:
                continue
            lines.append(
                {
                    "dataset": "",
                    "title": "matched no dataset",
                    "office": why,
                    "file": rel(path),
                    "sheet": sheet or "",
                    "status": "not recognised",
                    "detail": "",
                }
            )
    return lines, ok


def format_check(lines: list[dict]) -> str:
    width = max(len(f"{x['file']}" + (f" [{x['sheet']}]" if x["sheet"] else "")) for x in lines)
    out = []
    for x in lines:
        where = x["file"] + (f" [{x['sheet']}]" if x["sheet"] else "")
        out.append(
            f"  {x['status']:<18} {where:<{width}}  {x['title']} ({x['office']})"
            + (f"\n  {'':<18} {x['detail']}" if x["detail"] else "")
        )
    return "\n".join(out)
