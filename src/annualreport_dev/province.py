"""`make province`: a province on one machine. N fictional institutions × several years built through a real
Dask cluster (a LocalCluster: one scheduler, one worker process per core), measured.

    python -m annualreport_dev.province [--n 20] [--years 2019 2020 2021] [--format html] [--workers 0]

In a throw-away project under `build/province/` (code-side files of this checkout, no demo years), the
institutions are written by `annualreport_dev.institutions`, then every params file is built by
`python -m annualreport reports --executor dask --scheduler <the cluster>`; the same command is run a second
time (nothing changed: every build is a cache hit). Printed and written to `build/province/results.md`: wall
time, builds per hour, the slowest and median build, the shared cache's size and entries, and the rebuild.
Needs `make cluster-setup`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from annualreport.base.paths import repo_root
from annualreport.runner import batch

from . import institutions
from .bench import PeakMemory, machine, make_project

BUILD_LINE = re.compile(r"^== (?P<label>\S+): (?P<status>ok|FAILED.*) in (?P<s>[\d.]+) s")


def du(path: Path) -> tuple[int, int]:
    """(bytes, files) under path."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def reports(project: Path, address: str, fmt: str, jobs: int) -> tuple[float, int, str]:
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project), "PYTHONHASHSEED": "0"}
    env.setdefault("ANNUALREPORT_SALT", "province")
    cmd = [sys.executable, "-m", "annualreport", "reports", "--executor", "dask", "--scheduler", address]
    cmd += ["--format", fmt, "--jobs", str(jobs)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    mem = PeakMemory(os.getpid())  # this process's tree holds the cluster's workers and their builds
    out, _ = proc.communicate()
    peak = mem.stop()
    return time.monotonic() - started, peak, out if proc.returncode == 0 else f"FAILED ({proc.returncode})\n{out}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m annualreport_dev.province", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--years", type=int, nargs="+", default=[2019, 2020, 2021])
    ap.add_argument("--format", default="html", help="what each build makes (default html)")
    ap.add_argument("--workers", type=int, default=0, help="Dask worker processes (default: one per core)")
    ap.add_argument("--out", default="build/province/results.md")
    args = ap.parse_args(argv)
    workers = args.workers or os.cpu_count() or 1
    base = repo_root() / "build" / "province"
    project = make_project(base / "project", years=(), institutions=False)
    t0 = time.monotonic()
    slugs = institutions.generate(args.n, args.years, project)
    generated = time.monotonic() - t0
    print(f"{len(slugs)} institutions × {len(args.years)} years written in {generated:.1f} s", flush=True)

    batch.use_cluster_site()
    try:
        from distributed import LocalCluster
    except ImportError:
        print("the province run needs Dask: run `make cluster-setup`", file=sys.stderr)
        return 2
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        cold, peak, out = reports(project, cluster.scheduler_address, args.format, workers)
        print(out.splitlines()[-1] if out else "", flush=True)
        if out.startswith("FAILED"):
            print(out, file=sys.stderr)
            return 1
        again, _, out2 = reports(project, cluster.scheduler_address, args.format, workers)
    builds = {m["label"]: float(m["s"]) for m in map(BUILD_LINE.match, out.splitlines()) if m}
    failed = [m["label"] for m in map(BUILD_LINE.match, out.splitlines()) if m and m["status"] != "ok"]
    cache_bytes, cache_files = du(project / "build" / "cache")
    n = len(builds)
    rows = [
        ("machine", machine()),
        ("date", time.strftime("%Y-%m-%d")),
        ("institutions × years", f"{len(slugs)} × {len(args.years)} ({', '.join(map(str, args.years))}) = {n} builds"),
        ("format", args.format),
        ("cluster", f"Dask LocalCluster, 1 scheduler, {workers} worker processes × 1 thread"),
        ("data generation", f"{generated:.1f} s"),
        ("all builds, cold (wall)", f"{cold:.0f} s ({cold / 60:.1f} min)"),
        ("builds per hour", f"{n / cold * 3600:.0f}"),
        (
            "one build (median / slowest, as timed by its worker)",
            f"{statistics.median(builds.values()):.1f} s / {max(builds.values()):.1f} s",
        ),
        ("failed builds", ", ".join(failed) or "none"),
        ("peak memory (this process, the cluster and every build)", f"{peak / 2**30:.2f} GB"),
        ("shared cache (build/cache/)", f"{cache_bytes / 2**20:.0f} MB in {cache_files} files"),
        ("second run, nothing changed (wall)", f"{again:.1f} s"),
    ]
    text = "| measure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
    print()
    print(text)
    dest = repo_root() / args.out
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text + "\n\n```\n" + out + "\n```\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 1 if failed or out2.startswith("FAILED") else 0


if __name__ == "__main__":
    sys.exit(main())
