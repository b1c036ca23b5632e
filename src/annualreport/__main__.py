"""Command line: `python -m annualreport build --year 2020` (what `make report` runs).

Commands: build (one year), validate (clean and validate only), plan (what a build would run,
running nothing), reports (every params file, in parallel), verify (an outputs folder against its
manifest), reproduce (rebuild an outputs folder from its manifest and compare every file), diff (what
changed since an earlier build or the signoff), signoff (record the reviewed build).
Exit codes: 0 done; 1 verify, reproduce or diff found a difference; 2 bad input or params; 3 a blocking validation failure; 4 a notebook failed.
Errors print one line, naming file, sheet, row and column where they apply.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from annualreport.base.errors import ReportError
from annualreport.base.params import load_params, params_path_for
from annualreport.base.paths import repo_root
from annualreport.review import reproduce
from annualreport.review.diff import lines
from annualreport.review.earlier import run
from annualreport.review.signoff import record
from annualreport.review.verify import report_lines, verify
from annualreport.runner.batch import build_all
from annualreport.runner.driver import build
from annualreport.runner.stages import FORMATS


def _where(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def print_stages(result, quiet: bool) -> None:
    for s in result.stages:
        if quiet and s.status == "cached":
            continue
        print(s.line())


def main(argv: list[str] | None = None) -> int:

    ap = argparse.ArgumentParser(prog="python -m annualreport", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("build", "clean, validate, compute figures, render and publish a year"),
        ("validate", "clean and validate a year only (no report)"),
        ("plan", "show which stages a build would run and why; run nothing"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--year", type=int, required=True)
        p.add_argument("--params", help="params file (default params/<year>.yaml)")
        p.add_argument(
            "--format",
            default="all",
            choices=list(FORMATS),
            help="html, pdf, docx (each with the HTML it is made from), both (html and pdf) or all "
            "(html, pdf and docx: the default); without pango, both and all build no PDF and say so",
        )
        p.add_argument("--strict", action="store_true", help="treat validation warnings as blocking")
        p.add_argument("--force", action="store_true", help="rerun every stage even when nothing changed")
        p.add_argument("--dry-run", action="store_true", help="same as the plan command")
        p.add_argument("--workers", type=int, default=0, help="notebooks run at once (default: one per core)")
        p.add_argument("-q", "--quiet", action="store_true", help="do not list cached stages")
        p.add_argument("-v", "--verbose", action="store_true")
    p = sub.add_parser("new-year", help="scaffold a year's params, narrative and data folder from the year before")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--institution", help="params/institutions/<name>/ instead of params/")
    p.add_argument("-v", "--verbose", action="store_true")
    p = sub.add_parser(
        "check-inputs",
        help="say which file (and sheet) is taken for each of a year's datasets and why, and what is missing",
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--params", help="params file (default params/<year>.yaml)")
    p.add_argument(
        "--accept",
        action="store_true",
        help="write the formats proposed for the college's conventions into the params files (the year's and, "
        "where its files need it, the year before's)",
    )
    p.add_argument("-v", "--verbose", action="store_true")
    p = sub.add_parser("reports", help="build every params file (all years, all institutions) in parallel")
    p.add_argument("--format", default="all", choices=list(FORMATS))
    p.add_argument("--strict", action="store_true")
    p.add_argument("--jobs", type=int, default=0, help="builds at once (default: one per core)")
    p.add_argument(
        "--executor",
        default="local",
        choices=["local", "dask"],
        help="local processes (default) or a Dask cluster (each build one task)",
    )
    p.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786); default: a local cluster")
    p.add_argument(
        "--params",
        nargs="+",
        metavar="FILE",
        help="build only these params files (paths or globs, e.g. 'params/institutions/*/2020.yaml')",
    )
    p.add_argument("-v", "--verbose", action="store_true")
    review_parsers(sub)
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.command == "reports":
        return build_all(
            formats=(args.format,),
            strict=args.strict,
            jobs=args.jobs,
            executor=args.executor,
            scheduler=args.scheduler,
            only=args.params,
        )
    if args.command in ("new-year", "check-inputs"):
        return year_tools(args)
    if args.command in ("verify", "reproduce", "diff", "signoff"):
        return review_tools(args)

    dry = args.command == "plan" or args.dry_run
    try:
        result = build(
            args.year,
            args.params,
            formats=(args.format,),
            clean_only=args.command == "validate",
            strict=args.strict,
            force=args.force,
            dry_run=dry,
            workers=args.workers,
        )
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print_stages(result, args.quiet)
    ran = len(result.ran)
    if dry:
        todo = sum(s.status in ("would run", "waiting") for s in result.stages)
        print(f"{args.year}: {todo} stage(s) would run, {len(result.stages) - todo} cached (nothing was run)")
    elif args.command == "validate":
        print(
            f"{args.year}: validation passed in {result.seconds:.1f} s ({ran} stage(s) ran); "
            f"results in {_where(result.outputs)}/validation/"
        )
    else:
        where = _where(result.report)
        pdf = "".join(f", {_where(p)}" for p in (result.pdf, result.docx) if p)
        done = "up to date" if result.cached else f"report built ({ran} stage(s) ran)"
        print(f"{args.year}: {done} in {result.seconds:.1f} s: {where}{pdf}")
    for note in result.notes:
        print(note)
    return 0


def year_tools(args) -> int:
    # deferred: the year tools clean sample rows (pandas); a build or a verify does not pay for them
    from annualreport.runner.newyear import check_inputs, format_check, scaffold
    from annualreport.runner.proposals import accept, describe, gather

    try:
        if args.command == "new-year":
            for path in scaffold(args.year, institution=args.institution):
                print(f"wrote {_where(path)}")
            print(
                f"next: put the offices' files in the raw folder (see its README.md), review the params file "
                f"(its targets are a draft copied from {args.year - 1}) and the narrative, "
                f"then `make check-inputs YEAR={args.year}`"
            )
            print(
                f"the narrative is {args.year - 1}'s prose: copied.yaml records what was copied; every build counts "
                f"the paragraphs still unchanged and the phrases outside {args.year}, and `make signoff` refuses "
                "until each is rewritten or accepted by name (docs/review.md)"
            )
            return 0
        params = load_params(args.params or params_path_for(args.year))
        lines, ok = check_inputs(params)
        print(format_check(lines))
        found = gather(params, [x["error"] for x in lines if "error" in x])
        if found:
            print("\n".join(["", *describe(found, params.root)]))
            if not args.accept:
                print(f"to write them: make check-inputs YEAR={args.year} ACCEPT=1")
            else:
                for path in accept(found):
                    print(f"wrote {_where(path)}")
                params = load_params(params.path)
                lines, ok = check_inputs(params)
                print(format_check(lines))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    expected = [x for x in lines if x["dataset"]]
    bad = [x for x in expected if x["status"] in ("MISSING", "UNREADABLE", "AMBIGUOUS")]
    stray = len(lines) - len(expected)
    print(
        f"{args.year}: {len(expected) - len(bad)} of {len(expected)} files usable"
        + ("" if ok else f"; {len(bad)} missing, unreadable or ambiguous (fix them before `make report`)")
        + (f"; {stray} file(s) or sheet(s) matched no dataset (listed above)" if stray else "")
    )
    return 0 if ok else 1


def review_parsers(sub) -> None:
    p = sub.add_parser("verify", help="check an outputs folder against its manifest (exit 1 on any difference)")
    p.add_argument("folder", help="an outputs folder, e.g. outputs/2020 (may be a copy anywhere)")
    p.add_argument("-v", "--verbose", action="store_true")
    p = sub.add_parser(
        "reproduce",
        help="rebuild an outputs folder from its manifest (its commit, in a throw-away git worktree, with the raw "
        "files it names) and compare every file byte for byte (exit 1 on any difference)",
    )
    p.add_argument("folder", help="an outputs folder, e.g. outputs/2020 (may be a copy anywhere)")
    p.add_argument("-v", "--verbose", action="store_true")
    p = sub.add_parser("diff", help="what changed since an earlier build (exit 1 when something changed)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--params", help="params file (default params/<year>.yaml)")
    earlier = p.add_mutually_exclusive_group(required=True)
    earlier.add_argument("--from", dest="source", help="the earlier build: an outputs folder or a git revision")
    earlier.add_argument("--signed", action="store_true", help="compare with the signoff record instead")
    p.add_argument("-v", "--verbose", action="store_true")
    p = sub.add_parser("signoff", help="record the published build's figures as reviewed (a file to commit)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--params", help="params file (default params/<year>.yaml)")
    p.add_argument("--by", help="who signs off (default $ANNUALREPORT_SIGNOFF_BY, git user.name, login)")
    p.add_argument("--note", default="", help="a note kept in the record (e.g. the review meeting)")
    p.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="NAMES",
        help="accept findings of the reread check by name (review.md#1, 十九届五中全会@party_political.md#1), "
        "separated by spaces; recorded in the narrative folder's reviewed.yaml",
    )
    p.add_argument("-v", "--verbose", action="store_true")


def review_tools(args) -> int:
    """verify: 0 all files match, 1 a difference, 2 no readable manifest. reproduce: 0 every file rebuilt
    identical, 1 a difference, 2 no manifest, no commit or a failed rebuild. diff: 0 nothing changed,
    1 something changed, 2 an error. signoff: 0 recorded."""
    try:
        if args.command == "verify":
            folder = Path(args.folder)
            result = verify(folder)
            print("\n".join(report_lines(result, args.folder.rstrip("/"))))
            return 0 if result.ok else 1
        if args.command == "reproduce":
            again = reproduce.reproduce(Path(args.folder), repo_root(), say=lambda line: print(line, flush=True))
            print("\n".join(reproduce.report_lines(again, args.folder.rstrip("/"))))
            return 0 if again.ok else 1

        params = load_params(args.params or params_path_for(args.year))
        if args.command == "signoff":
            accept = tuple(n for names in args.accept for n in names.replace(",", " ").split())
            path = record(params, by=args.by, note=args.note, accept=accept)
            print(f"{args.year}: signed off {_where(params.outputs_dir)} in {_where(path)} (commit it)")
            return 0

        d, page = run(params, args.source, args.signed)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        for line in getattr(exc, "details", ()):  # the signoff's refusal names each finding (review/signoff.py)
            print(line, file=sys.stderr)
        return exc.exit_code
    print("\n".join(lines(d, _where(page))))
    return 1 if not d.empty else 0


if __name__ == "__main__":
    sys.exit(main())
