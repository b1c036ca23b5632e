"""`make check-inputs`: the formats a year's files propose for the college's conventions, and writing them.

When almost every row of a file fails a college convention (a 工号 scheme the params do not describe), the
clean stage stops with a ConventionError carrying the column's values (`ingest/mismatch.py`). Here those values
are gathered for the year and for the year before (whose figures are recomputed from its own files with its own
params), one format is proposed per params file and key from all the values seen under that key
(`ingest/infer.py`), and, with `ACCEPT=1`, written into the params files under `conventions:`: the line
replaced or added in place, the file's comments and order kept, the result read back and checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from annualreport.base.errors import ParamsError, ReportError
from annualreport.base.params import Params, load_params, previous_params
from annualreport.ingest.infer import Proposal, propose, yaml_line
from annualreport.ingest.mismatch import ConventionError
from annualreport.ingest.specs import load_specs
from annualreport.ingest.year import clean_dataset, context_for


@dataclass
class Found:
    """The convention mismatches of one params file: key -> every value seen, and where."""

    params: Params
    values: dict[str, set] = field(default_factory=dict)
    where: dict[str, list[str]] = field(default_factory=dict)

    def add(self, exc: ConventionError) -> None:
        key = exc.setting.removeprefix("conventions.")
        self.values.setdefault(key, set()).update(exc.values)
        self.where.setdefault(key, []).append(exc.file + (f" [{exc.sheet}]" if exc.sheet else "") + f" {exc.column}")

    def proposals(self) -> dict[str, Proposal]:
        return {key: propose(values) for key, values in sorted(self.values.items())}


def mismatches(params: Params, errors: list[ReportError] | None = None) -> Found:
    """The convention mismatches of a year: from the errors check-inputs met, or by cleaning its files."""
    found = Found(params)
    if errors is None:
        errors = []
        ctx = context_for(params)
        for name, spec in load_specs(params.root).items():
            try:
                out = clean_dataset(spec, params, ctx)
            except ReportError as exc:
                errors.append(exc)
                continue
            if out is not None and spec.reference:
                ctx.reference[name] = out[0].frame
    for exc in errors:
        if isinstance(exc, ConventionError) and exc.setting:
            found.add(exc)
    return found


def gather(params: Params, errors: list[ReportError]) -> list[Found]:
    """The year's mismatches (from check-inputs' errors) and the year before's (its files cleaned with its
    params), those with any."""
    out = [mismatches(params, errors)]
    before = previous_params(params)
    if before is not None and before.raw_dir.is_dir():
        out.append(mismatches(before))
    return [f for f in out if f.values]


def describe(found: list[Found], root: Path) -> list[str]:
    """What check-inputs prints: per params file, the line each key would get, or why none is proposed."""
    lines = []
    for f in found:
        lines.append(f"formats proposed for {f.params.path.relative_to(root).as_posix()} (under conventions:):")
        for key, p in f.proposals().items():
            seen = "; ".join(f.where[key])
            if p.ok:
                lines.append(f"  {yaml_line(key, p.pattern)}    # {p.covered} of {p.values} values match ({seen})")
            else:
                lines.append(f"  {key}: none proposed: {p.why} ({seen})")
            if p.left_out:
                shown = ", ".join(repr(v) for v in p.left_out[:3])
                lines.append(f"    {len(p.left_out)} value(s) no format accepts stay set aside, e.g. {shown}")
    return lines


def accept(found: list[Found]) -> list[Path]:
    """Write every proposed line into its params file; the files changed. A key with no proposal is not written."""
    changed = []
    for f in found:
        wrote = False
        for key, p in f.proposals().items():
            if p.ok:
                wrote |= set_convention(f.params.path, key, p.pattern, f.params.root)
        if wrote:
            changed.append(f.params.path)
    return changed


_SECTION = re.compile(r"^conventions:\s*(\{\s*\})?\s*(#.*)?$")


def set_convention(path: Path, key: str, pattern: str, root: Path) -> bool:
    """Set `conventions.<key>` to `pattern` in the params file, in place (comments and order kept); False when it
    already has that value. The file is read back; a result that does not load, or loads another value, is undone."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    new = f"{yaml_line(key, pattern)}  # proposed by make check-inputs from the offices' files\n"
    at = next((n for n, line in enumerate(lines) if _SECTION.match(line.rstrip("\n"))), None)
    if at is None:
        lines += ["\n" if lines and not lines[-1].endswith("\n") else "", "conventions:\n", "  " + new]
    else:
        if _SECTION.match(lines[at].rstrip("\n")).group(1):  # `conventions: {}`
            lines[at] = "conventions:\n"
        end, indent = at + 1, "  "
        while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
            end += 1
        block = [n for n in range(at + 1, end) if lines[n].strip() and not lines[n].lstrip().startswith("#")]
        if block:
            indent = lines[block[0]][: len(lines[block[0]]) - len(lines[block[0]].lstrip())]
        mine = next((n for n in block if re.match(rf"\s+{re.escape(key)}\s*:", lines[n])), None)
        if mine is not None:
            lines[mine] = indent + new
        else:
            lines.insert(at + 1, indent + new)
    updated = "".join(lines)
    if updated == text:
        return False
    try:
        current = load_params(path, root).data.get("conventions", {}).get(key)
    except ReportError:
        current = None
    if current == pattern:
        return False
    path.write_text(updated, encoding="utf-8")
    try:
        written = load_params(path, root).data["conventions"][key]
    except (ReportError, KeyError) as exc:
        path.write_text(text, encoding="utf-8")
        raise ParamsError(f"{path.name}: could not write conventions.{key} ({exc}); the file is unchanged") from None
    if written != pattern:
        path.write_text(text, encoding="utf-8")
        raise ParamsError(f"{path.name}: conventions.{key} read back as {written!r}; the file is unchanged")
    return True
