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
FILES = {"README.md": ("stages",), "docs/architecture.md": ("stages", "artefacts")}


def stage_table() -> str:
    """The stages as the Markdown table the README and docs/architecture.md show."""
    from annualreport.base.catalog import ARTEFACTS
    from annualreport.runner.stages import STAGES

    rows = ["| stage | notebook | after | does | writes |", "|---|---|---|---|---|"]
    for s in STAGES:
        writes = ", ".join(f"`{_shown(ARTEFACTS[a].pattern)}`" for a in s.writes)
        rows.append(
            f"| `{s.name}`{' (per dataset)' if s.per_dataset else ''} | "
            f"{f'`{s.notebook}`' if s.notebook else 'driver'} | {', '.join(s.after) or '—'} | "
            f"{s.does} | {writes} |"
        )
    return "\n".join(rows)


def _shown(pattern: str) -> str:
    return pattern.replace("{processed}", "data/processed/<id>").removeprefix("{work}/")


def artefact_table() -> str:
    """The artefact catalog as a Markdown table (docs/architecture.md)."""
    from annualreport.base.catalog import ARTEFACTS

    rows = [
        "| artefact | path (work folder unless shown) | written by | read by | published | what |",
        "|---|---|---|---|---|---|",
    ]
    for a in ARTEFACTS.values():
        rows.append(
            f"| `{a.name}` | `{_shown(a.pattern)}` | {a.writer} | {', '.join(a.readers)} | "
            f"{'yes' if a.published else ''} | {a.what} |"
        )
    return "\n".join(rows)


def tables() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "src"))
    return {"stages": stage_table(), "artefacts": artefact_table()}


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
