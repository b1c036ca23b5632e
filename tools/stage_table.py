"""Write the stage and artefact tables generated from the declarations into README.md and
docs/architecture.md, between `<!-- stages:begin -->`/`<!-- stages:end -->` (and `artefacts`).

    python tools/stage_table.py          # rewrite the tables
    python tools/stage_table.py --check  # exit 1 when a table differs from the declarations
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {"README.md": ("stages",), "docs/architecture.md": ("stages", "artefacts", "inputs")}


def stage_table() -> str:
    """The stages as the Markdown table the README and docs/architecture.md show."""
    from annualreport.base.catalog import ARTEFACTS
    from annualreport.runner.graph import STAGES, STEP_OF, after

    rows = ["| stage | runs in | after | does | reads | writes |", "|---|---|---|---|---|---|"]
    for s in STAGES:
        step = STEP_OF[s.name]
        writes = ", ".join(f"`{_shown(ARTEFACTS[a].pattern)}`" for a in s.writes) or "—"
        runs = f"`{step.notebook}`" if step.notebook else "driver"
        rows.append(
            f"| `{s.name}`{' (per dataset)' if s.per_dataset else ''} | {runs} | {', '.join(after(s.name)) or '—'} | "
            f"{s.does}{_formats(s)} | {', '.join(f'`{r}`' for r in s.reads)} | {writes} |"
        )
    return "\n".join(rows)


def _formats(stage) -> str:
    return f" (only for FORMAT={'/'.join(stage.formats)})" if stage.formats else ""


def _shown(pattern: str) -> str:
    return pattern.replace("{processed}", "data/processed/<id>").removeprefix("{work}/").removeprefix("{root}/")


def artefact_table() -> str:
    """The artefacts as a Markdown table (docs/architecture.md): their writers and readers come from the stages."""
    from annualreport.base.catalog import ARTEFACTS
    from annualreport.runner.graph import readers, writers

    written = {w.partition("[")[0]: s for w, s in writers().items()}
    rows = [
        "| artefact | path (work folder unless shown) | written by | read by | published | what |",
        "|---|---|---|---|---|---|",
    ]
    for a in ARTEFACTS.values():
        writer = written.get(a.name, "every notebook" if a.name in ("executed", "logs") else "publish")
        rows.append(
            f"| `{a.name}` | `{_shown(a.pattern)}` | {writer} | {', '.join(readers().get(a.name, ())) or '—'} | "
            f"{'yes' if a.published else ''} | {a.what} |"
        )
    return "\n".join(rows)


def input_table() -> str:
    """The inputs as a Markdown table (docs/architecture.md): each file, folder or value and the stages reading it."""
    from annualreport.base.catalog import INPUTS, Delivered, Machine, Setting, Source, YearBefore
    from annualreport.runner.graph import readers

    kinds = {Source: "file", Delivered: "office file", Setting: "setting", Machine: "machine", YearBefore: "build"}
    rows = ["| input | kind | where | read by | what |", "|---|---|---|---|---|"]
    for e in INPUTS.values():
        where = f"`{_shown(e.pattern)}`" if isinstance(e, Source) else ""
        where = f"the year before's `{e.artefact}`, in the cache" if isinstance(e, YearBefore) else where
        kind = "folder" if where.endswith("/`") else kinds[type(e)]
        rows.append(f"| `{e.name}` | {kind} | {where} | {', '.join(readers().get(e.name, ())) or '—'} | {e.what} |")
    return "\n".join(rows)


def tables() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "src"))
    return {"stages": stage_table(), "artefacts": artefact_table(), "inputs": input_table()}


def rewrite(text: str, name: str, table: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:begin -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"no <!-- {name}:begin/end --> markers")
    return pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text)


def main(argv: list[str]) -> int:
    made, stale = tables(), []
    for rel, names in FILES.items():
        path = ROOT / rel
        text = path.read_text(encoding="utf-8")
        new = text
        for name in names:
            new = rewrite(new, name, made[name])
        if new != text:
            stale.append(rel)
            if "--check" not in argv:
                path.write_text(new, encoding="utf-8")
    if stale and "--check" in argv:
        print(f"stage tables out of date in: {', '.join(stale)} (run python tools/stage_table.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
