"""`make bench`: how fast a build is, against the naive way and against the floor of the work.

    python -m annualreport_dev.bench [--runs 3] [--only cold,naive,...] [--out build/bench/results.md]

Every case runs in a throw-away copy of the project under `build/bench/` (specs, suites, notebooks,
templates, params and the demo data), so the checkout's outputs and cache are not touched. Each case
is the median of `--runs` runs, all in this one invocation on this machine; peak memory is the
largest sum of resident memory over the build's whole process tree (driver and kernels), sampled
every 0.1 s from /proc. The table is printed and written to `--out` (Markdown).

Cases:
- cold: one year, HTML + PDF, empty cache and work folders, environment ready;
- naive: the same notebooks by the `papermill` CLI one after another, then `jupyter nbconvert --to html`
  on each, then the `weasyprint` CLI for the PDF: what the design card gives without care;
- floor: the same cleaning, validation, Data Docs, figures and rendering called from one Python
  process, no notebooks, no kernels;
- no-op: a second build with nothing changed;
- one raw file: one value in one office file changed (one trainee more), then put back;
- one narrative: one sentence added to one narrative file, then removed;
- 10x, 100x: the demo data at 10 and 100 times the rows (`python -m annualreport_dev.demo --scale N`);
- three years: 2019, 2020 and 2021 built at once (`python -m annualreport reports`), cold.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from annualreport.project.paths import repo_root

YEAR = 2020
CASES = ("cold", "naive", "floor", "noop", "raw", "narrative", "x10", "x100", "years3")
TARGETS = {  # case: (what it is compared with, the largest ratio allowed, text)
    "cold": [("naive", 0.35, "≤ 0.35 × naive"), ("floor", 1.5, "≤ 1.5 × floor")],
    "noop": [(None, 0.5, "≤ 0.5 s")],
    "raw": [("cold", 0.5, "≤ 0.5 × cold")],
    "x100": [("cold", 3.0, "≤ 3 × the 1× build, peak ≤ 2 GB")],
    "years3": [("cold", 1.4, "≤ 1.4 × one year")],
}


# ----------------------------------------------------------------------------- measuring
class PeakMemory:
    """Largest total RSS of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree_rss(self) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    parts = f.read().rsplit(")", 1)[1].split()
                ppid, pages = int(parts[1]), int(parts[21])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
            rss[int(d)] = pages * os.sysconf("SC_PAGE_SIZE")
        total, todo = 0, [self.pid]
        while todo:
            p = todo.pop()
            total += rss.get(p, 0)
            todo += children.get(p, [])
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self._stop.wait(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run(cmd: list[str], cwd: Path, env: dict | None = None, check: bool = True) -> tuple[float, int]:
    """Wall seconds and peak tree memory (bytes) of one command."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    mem = PeakMemory(proc.pid)
    out, _ = proc.communicate()
    peak = mem.stop()
    took = time.monotonic() - started
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out[-3000:]}")
    return took, peak


# ----------------------------------------------------------------------------- projects
def make_project(dest: Path, raw_from: Path | None = None, scale: int = 1) -> Path:
    """A copy of the project's code-side files and params, with the demo data (or scaled data)."""
    src = repo_root()
    if dest.exists():
        shutil.rmtree(dest)
    for d in ("specs", "expectations", "notebooks", "templates", "params"):
        shutil.copytree(src / d, dest / d)
    shutil.copy(src / "requirements.lock", dest / "requirements.lock")
    raw_root = raw_from or src / "data" / "raw"
    ref = (
        (raw_from.parent / "reference")
        if raw_from and (raw_from.parent / "reference").is_dir()
        else src / "data" / "reference"
    )
    shutil.copytree(ref, dest / "data" / "reference")
    for y in (2019, 2020, 2021):
        if (raw_root / str(y)).is_dir():
            shutil.copytree(raw_root / str(y), dest / "data" / "raw" / str(y))
    if scale > 1:  # expected row ranges and the file size limit grow with the data
        for p in (dest / "params").glob("*.yaml"):
            text = re.sub(
                r"expected_rows: \[(\d+), (\d+)\]",
                lambda m: f"expected_rows: [{int(m.group(1)) * scale}, {int(m.group(2)) * scale}]",
                p.read_text(encoding="utf-8"),
            )
            text = text.replace("timeout_seconds: 600", "timeout_seconds: 3600")
            text = re.sub(r"(build:\n)", r"\1  max_file_mb: 5000\n", text, count=1)
            p.write_text(text, encoding="utf-8")
    return dest


def env_for(project: Path) -> dict:
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project), "PYTHONHASHSEED": "0"}
    env.setdefault("ANNUALREPORT_SALT", "bench")
    return env


def reset(project: Path) -> None:
    for d in ("build", "outputs", "data/processed"):
        shutil.rmtree(project / d, ignore_errors=True)


def build_cmd(year: int = YEAR, *extra: str) -> list[str]:
    return [sys.executable, "-m", "annualreport", "build", "--year", str(year), "-q", *extra]


def places_for(project: Path):
    from annualreport.project.catalog import places
    from annualreport.project.params import load_params

    return places(load_params(project / "params" / f"{YEAR}.yaml", project))


# ----------------------------------------------------------------------------- cases
def case_cold(project: Path) -> tuple[float, int]:
    reset(project)
    return run(build_cmd(), project, env_for(project))


def case_noop(project: Path) -> tuple[float, int]:
    if not (project / "outputs" / str(YEAR) / places_for(project).relative("report_html")).exists():
        run(build_cmd(), project, env_for(project))
    return run(build_cmd(), project, env_for(project))


def _edit_and_build(project: Path, path: Path, edit) -> tuple[float, int]:
    env = env_for(project)
    run(build_cmd(), project, env)  # settled
    original = path.read_bytes()
    path.write_bytes(edit(original))
    try:
        return run(build_cmd(), project, env)
    finally:
        path.write_bytes(original)
        run(build_cmd(), project, env)  # back to the cached state


def case_raw(project: Path) -> tuple[float, int]:
    def edit(data: bytes) -> bytes:
        text = data.decode("gb18030")
        assert ",121,24," in text
        return text.replace(",121,24,", ",122,24,", 1).encode("gb18030")

    return _edit_and_build(project, project / "data" / "raw" / str(YEAR) / "training.csv", edit)


def case_narrative(project: Path) -> tuple[float, int]:
    return _edit_and_build(
        project,
        project / "params" / "narrative" / str(YEAR) / "review.md",
        lambda b: b + "\n\n本段为基准测试所加。\n".encode(),
    )


def case_naive(project: Path) -> tuple[float, int]:
    """papermill CLI per notebook, then nbconvert CLI per executed notebook, then the weasyprint CLI."""
    reset(project)
    env = env_for(project)
    out = project / "build" / "naive"
    out.mkdir(parents=True)
    bindir = Path(sys.executable).parent
    total, peak = 0.0, 0
    notebooks = sorted(p.stem for p in (project / "notebooks").glob("*.ipynb"))
    for nb in notebooks:
        t, m = run(
            [
                str(bindir / "papermill"),
                f"notebooks/{nb}.ipynb",
                str(out / f"{nb}.ipynb"),
                "-k",
                "annualreport",
                "-p",
                "params_file",
                f"params/{YEAR}.yaml",
                "-p",
                "work_dir",
                "build/naive/work",
                "--log-level",
                "ERROR",
            ],
            project,
            env,
        )
        total, peak = total + t, max(peak, m)
    for nb in notebooks:
        t, m = run(
            [str(bindir / "jupyter"), "nbconvert", "--to", "html", str(out / f"{nb}.ipynb"), "--log-level", "ERROR"],
            project,
            env,
        )
        total, peak = total + t, max(peak, m)
    t, m = run([str(bindir / "weasyprint"), str(out / "40-report.html"), str(out / "naive.pdf")], project, env)
    return total + t, max(peak, m)


FLOOR = """
from annualreport.ingest import year as cleaning
from annualreport import entrypoints as stages
from annualreport.validation import run as validate
from annualreport.validation.data_docs import build_data_docs
from annualreport.report import render
from annualreport.validation.page import render_page
from annualreport.project.params import load_params
from annualreport.report.views import Report
from annualreport.build.scheduler import report_title
from annualreport.project.catalog import places
import nbformat
p = load_params("params/{year}.yaml")
at = places(p)
work = p.work_dir
work.mkdir(parents=True, exist_ok=True)
cleaning.clean_year(p, work)
stages.run_previous(str(p.path), str(work))
frames = stages.clean_frames(p, work)
validate.validate_year(p, work, frames)
summary = validate.combine_summary(p, work, list(frames))
render_page(p, work)
build_data_docs(p, work, list(frames), at("data_docs"))
stages.run_figures(str(p.path), str(work))
nb = Report.load(str(p.path), str(work)).as_notebook()
nbformat.write(nb, str(work / "report.ipynb"))
render.render_html(work / "report.ipynb", at("report_html"), report_title(p), "floor")
render.render_pdf(at("report_html"), at("report_pdf"))
"""


def case_floor(project: Path) -> tuple[float, int]:
    reset(project)
    return run([sys.executable, "-c", FLOOR.format(year=YEAR)], project, env_for(project))


def scaled_project(base: Path, scale: int) -> Path:
    data = repo_root() / "build" / f"demo-x{scale}" / "raw"
    if not (data / str(YEAR)).is_dir():
        print(f"generating the demo data at {scale}x (once; kept in build/demo-x{scale}/) ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "annualreport_dev.demo", "--scale", str(scale), "--years", str(YEAR - 1), str(YEAR)],
            cwd=repo_root(),
            check=True,
        )
    return make_project(base / f"x{scale}", raw_from=data, scale=scale)


def case_scaled(project: Path) -> tuple[float, int]:
    reset(project)
    return run(build_cmd(), project, env_for(project))


def case_years3(project: Path) -> tuple[float, int]:
    reset(project)
    for p in (project / "params").glob("*.yaml"):
        if p.stem not in ("2019", "2020", "2021"):
            p.unlink()
    return run([sys.executable, "-m", "annualreport", "reports"], project, env_for(project))


# ----------------------------------------------------------------------------- table
def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


LABELS = {
    "cold": "cold build, one year, HTML + PDF",
    "naive": "naive: papermill CLI + nbconvert CLI + weasyprint CLI",
    "floor": "floor: same work in one process, no notebooks",
    "noop": "no-op rebuild",
    "raw": "one raw file changed",
    "narrative": "one narrative file changed",
    "x10": "demo data 10×",
    "x100": "demo data 100×",
    "years3": "three years in parallel (2019–2021), cold",
}


def table(results: dict[str, list[tuple[float, int]]], runs: int) -> str:
    med = {k: statistics.median(t for t, _ in v) for k, v in results.items()}
    peak = {k: max(m for _, m in v) for k, v in results.items()}
    lines = [
        f"Machine: {machine()}",
        f"Runs per case: {runs} (median shown); date: {time.strftime('%Y-%m-%d')}",
        "",
        "| case | median s | runs (s) | peak memory | target | ratio | met |",
        "|---|---:|---|---:|---|---:|---|",
    ]
    for case in CASES:
        if case not in results:
            continue
        runs_s = ", ".join(f"{t:.1f}" for t, _ in results[case])
        targets = TARGETS.get(case, [])
        if not targets:
            lines.append(f"| {LABELS[case]} | {med[case]:.2f} | {runs_s} | {peak[case] / 2**20:.0f} MB | | | |")
        for i, (base, limit, text) in enumerate(targets):
            if base is None:
                ratio, ok = med[case], med[case] <= limit
                shown = f"{ratio:.2f} s"
            elif base in med:
                ratio = med[case] / med[base]
                ok = ratio <= limit and (case != "x100" or peak[case] <= 2 * 2**30)
                shown = f"{ratio:.2f}"
            else:
                shown, ok = "n/a", None
            head = [LABELS[case], f"{med[case]:.2f}", runs_s, f"{peak[case] / 2**20:.0f} MB"] if i == 0 else [""] * 4
            met = "yes" if ok else "no" if ok is not None else ""
            lines.append("| " + " | ".join([*head, text, shown, met]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m annualreport_dev.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=",".join(CASES), help=f"comma-separated cases of: {', '.join(CASES)}")
    ap.add_argument("--out", default="build/bench/results.md")
    args = ap.parse_args(argv)
    cases = [c for c in args.only.split(",") if c]
    unknown = set(cases) - set(CASES)
    if unknown:
        ap.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    base = repo_root() / "build" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    project = make_project(base / "project")
    results: dict[str, list[tuple[float, int]]] = {}
    fns = {
        "cold": case_cold,
        "naive": case_naive,
        "floor": case_floor,
        "noop": case_noop,
        "raw": case_raw,
        "narrative": case_narrative,
    }
    for case in cases:
        if case in fns:
            target, fn = project, fns[case]
        elif case in ("x10", "x100"):
            target, fn = scaled_project(base, int(case[1:])), case_scaled
        else:
            target, fn = make_project(base / "years3"), case_years3
        results[case] = []
        for i in range(args.runs):
            took, peak = fn(target)
            results[case].append((took, peak))
            print(f"{case:10s} run {i + 1}: {took:7.2f} s, peak {peak / 2**20:6.0f} MB", flush=True)
    text = table(results, args.runs)
    print()
    print(text)
    out = repo_root() / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
