"""Command line: `python -m annualreport build --year 2020` (what `make report` runs).

Exit codes: 0 done; 2 bad input or params; 3 a blocking validation failure; 4 a notebook failed.
Errors print one line, naming file, sheet, row and column where they apply.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .errors import ReportError


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m annualreport", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    for name, helptext in (("build", "clean, validate, compute figures, render and publish a year"),
                           ("validate", "clean and validate a year only (no report)")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--year", type=int, required=True)
        p.add_argument("--params", help="params file (default params/<year>.yaml)")
        p.add_argument("--format", default="both", choices=["html", "pdf", "both"],
                       help="report.html, report.pdf or both (default); without pango, both builds HTML only")
        p.add_argument("--strict", action="store_true", help="treat validation warnings as blocking")
        p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
        p.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    from .build import build

    try:
        result = build(args.year, args.params, formats=(args.format,), clean_only=args.command == "validate",
                       strict=args.strict, force=args.force)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    root = Path.cwd()
    where = result.report or result.outputs
    try:
        where = where.relative_to(root)
    except ValueError:
        pass
    if args.command == "validate":
        print(f"{args.year}: validation passed in {result.seconds:.1f} s; results in {where}/validation/")
    else:
        pdf = f" and {where.with_suffix('.pdf')}" if result.pdf else ""
        done = "up to date, checked" if result.cached else "report built"
        print(f"{args.year}: {done} in {result.seconds:.1f} s: {where}{pdf}")
    for note in result.notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
