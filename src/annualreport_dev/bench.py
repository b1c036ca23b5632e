"""`make bench`: how fast a build is, against the naive way and against the floor of the work.

    python -m annualreport_dev.bench [--runs 3] [--runs-for x100=2 ...] [--only cold,naive,...]
                                     [--out build/bench/results.md]

Every case runs in a throw-away copy of the project under `build/bench/` (specs, suites, notebooks,
templates, params and the demo data), so the checkout's outputs and cache are not touched. Each case
is the median of `--runs` runs, all in this one invocation on this machine; peak memory is the
largest sum of resident memory over the build's whole process tree (driver and kernels), sampled
every 0.1 s from /proc. The table is printed and written to `--out` (Markdown).

Cases:
- cold: one year, HTML + PDF of the report and its ledger annex (`--format both`), empty cache and work
  folders, environment ready (so the year before is computed from its raw files);
- prevbuilt: the same, but the year before was built already (untimed, kept): this year's cache entries, work,
  processed-data and outputs folders empty; its `previous` stage takes the year before's figures from that build;
- naive: the same notebooks by the `papermill` CLI one after another, then `jupyter nbconvert --to html`
  on each, the ledger annex written, then the `weasyprint` CLI for both PDFs: what the design card gives
  without care;
- floor: the same cleaning, validation, Data Docs, figures, annex and rendering called from one Python
  process, no notebooks, no kernels;
- no-op: a second build with nothing changed;
- one raw file: one value in one office file changed (one trainee more), then put back;
- one narrative: one sentence added to one narrative file, then removed;
- 10x, 100x: the demo data at 10 and 100 times the rows (`python -m annualreport_dev.demo --scale N`);
- three years: 2019, 2020 and 2021 built at once (`python -m annualreport reports`), cold; its copy
  holds exactly those three params files (no params/institutions/);
- fresh: `git clone` of HEAD and `make report` in it, with empty package (uv, pip) and font caches: what
  a new user waits for before the first report (HTML, PDF, Word).

Runs: the fast cases (cold, floor, no-op, raw, narrative) run `--runs` times; the slow ones (naive,
x10, x100, years3, fresh) run once by default (`SLOW_RUNS`), so `make bench` (RUNS=3) runs every case in one
invocation within 45 minutes on a 2-core machine; `--runs-for case=N` sets any case's count. Each
run of `raw` and `narrative` makes a change of its own (training.csv 121→122, then 123, ...; a
sentence saying which run in Chinese numerals), so no run measures a cache hit of an earlier one.

The scaled demo data (`--scale 10`, `--scale 100`, years 2019 and 2020) are generated once, before
any case is timed, and kept in `build/demo-xN/`; the generation's time is printed on a line of its
own (and under the table), not counted in any case.

Per-stage breakdown: for the cold, prevbuilt and one-raw-value cases, the median run's steps as the driver timed
them (`build/<id>/timings.json`: when each step that ran began and ended), a notebook's wait for its kernel and
its longest cell (papermill's record in the executed notebook), the start-up before the first step and the
publishing after the last (`annualreport_dev.breakdown`); printed and written under the table.
"""

from __future__ import annotations

import argparse
import functools
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

from annualreport.base.paths import repo_root

from . import breakdown

YEAR_FILE = re.compile(r"\d{4}\.yaml")

YEAR = 2020
CASES = ("cold", "prevbuilt", "naive", "floor", "noop", "raw", "narrative", "x10", "x100", "years3", "fresh")
BROKEN_DOWN = ("cold", "prevbuilt", "raw")  # the cases whose median run is shown stage by stage
SLOW_RUNS = {"naive": 1, "x10": 1, "x100": 1, "years3": 1, "fresh": 1}  # runs of the slow cases unless --runs-for
GB = 2**30
# case: (what it is compared with, the largest value allowed, text). None: the median in seconds;
# "peak": the case's peak memory in bytes; a case name: the ratio of the medians.
TARGETS = {
    "cold": [("naive", 0.35, "≤ 0.35 × naive"), ("floor", 0.8, "≤ 0.8 × floor")],
    "noop": [(None, 0.3, "≤ 0.3 s")],
    "raw": [("cold", 0.5, "≤ 0.5 × cold")],
    "x100": [("cold", 3.0, "≤ 3 × the 1× build"), ("peak", 2 * GB, "peak ≤ 2 GB")],
    "years3": [("cold", 2.0, "≤ 2.0 × one year")],  # issue 25 (1.4 before it)
    "fresh": [(None, 60.0, "≤ 60 s")],
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
def make_project(
    dest: Path,
    raw_from: Path | None = None,
    scale: int = 1,
    years: tuple[int, ...] | None = None,
    institutions: bool = True,
) -> Path:
    """A copy of the project's code-side files and params, with the demo data (or scaled data).

    `years`: keep only those params/<year>.yaml; `institutions=False`: no params/institutions/.
    Whatever a kept params file reads (its `paths`: raw, reference, narrative) is copied too."""
    src = repo_root()
    if dest.exists():
        shutil.rmtree(dest)
    for d in ("specs", "expectations", "notebooks", "templates", "params"):
        shutil.copytree(src / d, dest / d)
    shutil.copy(src / "requirements.lock", dest / "requirements.lock")
    if not institutions:
        shutil.rmtree(dest / "params" / "institutions", ignore_errors=True)
    if years is not None:
        for p in (dest / "params").glob("*.yaml"):
            if YEAR_FILE.fullmatch(p.name) and int(p.stem) not in years:
                p.unlink()
    raw_root = raw_from or src / "data" / "raw"
    ref = (
        (raw_from.parent / "reference")
        if raw_from and (raw_from.parent / "reference").is_dir()
        else src / "data" / "reference"
    )
    shutil.copytree(ref, dest / "data" / "reference")
    for y in years or (2019, 2020, 2021):
        if (raw_root / str(y)).is_dir():
            shutil.copytree(raw_root / str(y), dest / "data" / "raw" / str(y))
    for needed in params_needs(dest):  # e.g. params/institutions/<name>/ reads data/institutions/<name>/
        if not (dest / needed).exists() and (src / needed).exists():
            if (src / needed).is_dir():
                shutil.copytree(src / needed, dest / needed)
            else:
                (dest / needed).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(src / needed, dest / needed)
    if scale > 1:  # expected row ranges and the file size limit grow with the data
        for p in (dest / "params").glob("*.yaml"):
            text = re.sub(
                r"expected_rows: \[(\d+), (\d+)\]",
                # the upper bound grows with the data; the lower stays (reference tables are not scaled)
                lambda m: f"expected_rows: [{m.group(1)}, {int(m.group(2)) * scale}]",
                p.read_text(encoding="utf-8"),
            )
            text = text.replace("timeout_seconds: 600", "timeout_seconds: 3600")
            text = re.sub(r"(build:\n)", r"\1  max_file_mb: 5000\n", text, count=1)
            p.write_text(text, encoding="utf-8")
    return dest


def params_files(project: Path) -> list[Path]:
    """The params files a build of `project` finds: params/<year>.yaml and params/institutions/*/<year>.yaml."""
    found = [p for p in (project / "params").glob("*.yaml") if YEAR_FILE.fullmatch(p.name)]
    found += [p for p in (project / "params" / "institutions").glob("*/*.yaml") if YEAR_FILE.fullmatch(p.name)]
    return sorted(found)


def params_needs(project: Path) -> list[Path]:
    """The paths (relative to the project) the params files of `project` read: raw, reference, narrative."""
    import yaml

    needs: set[Path] = set()
    for p in params_files(project):
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        paths = data.get("paths") or {}
        defaults = {
            "raw": f"data/raw/{p.stem}",
            "reference": "data/reference",
            "narrative": f"params/narrative/{p.stem}",
        }
        for key, default in defaults.items():
            value = paths.get(key) or default
            rel = Path(str(value))
            if not rel.is_absolute() and ".." not in rel.parts:
                needs.add(rel)
    return sorted(needs)


# Python's defaults, as a user's shell has them: a sandbox or CI that turns bytecode caching off would have every
# kernel compile the package's modules again (about 0.1 s of the no-op build, more in each kernel of the others).
NOT_PASSED = ("PYTHONDONTWRITEBYTECODE",)


def env_for(project: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED}
    env.update(ANNUALREPORT_ROOT=str(project), PYTHONHASHSEED="0")
    env.setdefault("ANNUALREPORT_SALT", "bench")
    return env


def reset(project: Path) -> None:
    for d in ("build", "outputs", "data/processed"):
        shutil.rmtree(project / d, ignore_errors=True)


FORMAT = "both"  # HTML and PDF of the report and its ledger annex: what naive and floor make too


def build_cmd(year: int = YEAR, *extra: str) -> list[str]:
    return [sys.executable, "-m", "annualreport", "build", "--year", str(year), "--format", FORMAT, "-q", *extra]


def places_for(project: Path):
    from annualreport.base.params import load_params
    from annualreport.base.places import places

    return places(load_params(project / "params" / f"{YEAR}.yaml", project))


# {case: [(seconds, its steps as timed)]} of the cases broken down stage by stage
TIMELINES: dict[str, list[tuple[float, list[breakdown.Row]]]] = {}


def timed_build(project: Path, case: str, env: dict | None = None) -> tuple[float, int]:
    """One timed build of YEAR, its steps kept for the case's breakdown."""
    spawned = time.time()
    took, peak = run(build_cmd(), project, env or env_for(project))
    rows = breakdown.timeline(project / "build" / str(YEAR) / "work", spawned, time.time())
    TIMELINES.setdefault(case, []).append((took, rows))
    return took, peak


# ----------------------------------------------------------------------------- cases
def case_cold(project: Path, run_no: int = 1) -> tuple[float, int]:
    reset(project)
    return timed_build(project, "cold")


def case_prevbuilt(project: Path, run_no: int = 1) -> tuple[float, int]:
    """Cold for YEAR, with the year before built (untimed; a cache hit after the first run)."""
    env = env_for(project)
    run(build_cmd(YEAR - 1), project, env)
    for d in (f"build/{YEAR}", f"build/cache/actions/{YEAR}", f"outputs/{YEAR}", f"data/processed/{YEAR}"):
        shutil.rmtree(project / d, ignore_errors=True)
    return timed_build(project, "prevbuilt", env)


def case_noop(project: Path, run_no: int = 1) -> tuple[float, int]:
    if not (project / "outputs" / str(YEAR) / places_for(project).relative("report_html")).exists():
        run(build_cmd(), project, env_for(project))
    return run(build_cmd(), project, env_for(project))


def _edit_and_build(project: Path, path: Path, edit, case: str = "") -> tuple[float, int]:
    env = env_for(project)
    run(build_cmd(), project, env)  # settled
    original = path.read_bytes()
    path.write_bytes(edit(original))
    try:
        return timed_build(project, case, env) if case else run(build_cmd(), project, env)
    finally:
        path.write_bytes(original)
        run(build_cmd(), project, env)  # back to the cached state


RAW_FILE = "training.csv"
RAW_CELL = ",121,24,"  # one office's row: 121 trainees


def raw_edit(data: bytes, run_no: int) -> bytes:
    """Run `run_no` (1, 2, ...) of the raw case: 121 trainees become 121 + run_no, a change of its own."""
    text = data.decode("gb18030")
    assert RAW_CELL in text, f"{RAW_FILE} no longer holds {RAW_CELL!r}"
    return text.replace(RAW_CELL, f",{121 + run_no},24,", 1).encode("gb18030")


CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (1..99): narrative prose holds no typed digits."""
    if not 0 < n < 100:
        raise ValueError(f"{n} is out of 1..99")
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (CN_DIGITS[ones] if ones else "")


def narrative_edit(data: bytes, run_no: int) -> bytes:
    """Run `run_no` of the narrative case: a sentence of its own (the run in Chinese numerals, no digits)."""
    return data + f"\n\n本段为基准测试所加（第{chinese_numeral(run_no)}次）。\n".encode()


def case_raw(project: Path, run_no: int = 1) -> tuple[float, int]:
    return _edit_and_build(
        project, project / "data" / "raw" / str(YEAR) / RAW_FILE, lambda b: raw_edit(b, run_no), "raw"
    )


def case_narrative(project: Path, run_no: int = 1) -> tuple[float, int]:
    return _edit_and_build(
        project,
        project / "params" / "narrative" / str(YEAR) / "review.md",
        lambda b: narrative_edit(b, run_no),
    )


def case_naive(project: Path, run_no: int = 1) -> tuple[float, int]:
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
    total, peak = total + t, max(peak, m)
    # the ledger annex, written from the naive run's ledger, and its PDF by the CLI too
    annex = f"from annualreport.base.params import load_params; from annualreport.report.annex import write_annex; p = load_params('params/{YEAR}.yaml'); write_annex(p, __import__('pathlib').Path('build/naive/work'), __import__('pathlib').Path('build/naive/annex.html'), 'naive')"
    t, m = run([sys.executable, "-c", annex], project, env)
    total, peak = total + t, max(peak, m)
    t, m = run([str(bindir / "weasyprint"), str(out / "annex.html"), str(out / "annex.pdf")], project, env)
    return total + t, max(peak, m)


FLOOR = """
from annualreport.ingest import year as cleaning
from annualreport.figures.previous import run_previous
from annualreport.figures.stage import run_figures
from annualreport.ingest.specs import load_specs
from annualreport.validation import run as validate
from annualreport.validation.data_docs import build_data_docs
from annualreport.report import render
from annualreport.validation.page import render_page
from annualreport.base.params import load_params
from annualreport.report.views import Report
from annualreport.report.outputs import report_title
from annualreport.base.places import places
from annualreport.report.annex import write_annex
import nbformat
p = load_params("params/{year}.yaml")
at = places(p)
work = p.work_dir
work.mkdir(parents=True, exist_ok=True)
cleaning.clean_year(p, work)
run_previous(str(p.path), str(work))
frames = {{n: cleaning.load_clean(p, n) for n in cleaning.present(at, load_specs(p.root))}}
validate.validate_year(p, work, frames)
summary = validate.combine_summary(p, work, list(frames))
render_page(p, work)
build_data_docs(p, work, list(frames), at("data_docs"))
run_figures(str(p.path), str(work))
nb = Report.load(str(p.path), str(work)).as_notebook()
nbformat.write(nb, str(work / "report.ipynb"))
render.render_html(work / "report.ipynb", at("report_html"), report_title(p), "floor")
write_annex(p, work, at("ledger_annex"), report_title(p))
render.render_pdf(at("report_html"), at("report_pdf"))
render.render_pdf(at("ledger_annex"), at("ledger_annex_pdf"))
"""


def case_floor(project: Path, run_no: int = 1) -> tuple[float, int]:
    reset(project)
    return run([sys.executable, "-c", FLOOR.format(year=YEAR)], project, env_for(project))


SCALED_YEARS = (YEAR - 1, YEAR)


def scaled_data(scale: int) -> tuple[Path, float | None]:
    """The demo data at `scale`× (years 2019 and 2020), generated once into build/demo-x<scale>/ and kept.

    Returns the raw root and the generation's wall seconds (None when it was there already). A
    `complete` marker is written last, so an interrupted generation is made again, not used."""
    top = repo_root() / "build" / f"demo-x{scale}"
    data, marker = top / "raw", top / "complete"
    if marker.exists() and all((data / str(y)).is_dir() for y in SCALED_YEARS):
        return data, None
    print(f"generating the demo data at {scale}x (once; kept in build/demo-x{scale}/) ...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "annualreport_dev.demo", "--scale", str(scale), "--years", *map(str, SCALED_YEARS)],
        cwd=repo_root(),
        check=True,
    )
    took = time.monotonic() - started
    marker.write_text(f"demo data at {scale}x, years {' '.join(map(str, SCALED_YEARS))}\n", encoding="utf-8")
    return data, took


def scaled_project(base: Path, scale: int) -> Path:
    data, _ = scaled_data(scale)
    # Only the scaled years' params: no 1× year (2021) next to the scaled ones.
    return make_project(base / f"x{scale}", raw_from=data, scale=scale, years=SCALED_YEARS)


def case_scaled(project: Path, run_no: int = 1) -> tuple[float, int]:
    reset(project)
    return run(build_cmd(), project, env_for(project))


THREE_YEARS = (2019, 2020, 2021)


def years3_project(base: Path) -> Path:
    """Exactly the three demo years: params/2019.yaml to params/2021.yaml, no params/institutions/."""
    return make_project(base / "years3", years=THREE_YEARS, institutions=False)


def case_years3(project: Path, run_no: int = 1) -> tuple[float, int]:
    reset(project)
    return run([sys.executable, "-m", "annualreport", "reports", "--format", FORMAT], project, env_for(project))


def case_fresh(base: Path, run_no: int = 1) -> tuple[float, int]:
    """`git clone` of this checkout's HEAD, then `make report` as a new user runs it: the venv made, the
    lock installed, the kernel registered, the fonts prepared and 2020 built (HTML, PDF, Word), with empty
    package and font caches (so the packages are downloaded again)."""
    dest = base / "fresh"
    shutil.rmtree(dest, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", str(repo_root()), str(dest)], check=True)
    caches = base / "fresh-caches"
    shutil.rmtree(caches, ignore_errors=True)
    env = {
        k: v for k, v in os.environ.items() if k not in ("ANNUALREPORT_ROOT", "VIRTUAL_ENV", "PYTHONPATH", *NOT_PASSED)
    }
    env.update(
        ANNUALREPORT_CACHE=str(caches / "annualreport"),
        UV_CACHE_DIR=str(caches / "uv"),
        PIP_NO_CACHE_DIR="1",
        ANNUALREPORT_SALT="bench",
    )
    return run(["make", "report"], dest, env)


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
        f"{platform.system()} {platform.release()}; one core's speed: {core_speed():.2f} s"
    )


@functools.cache
def core_speed() -> float:
    """Seconds for a fixed pure-Python loop (the sum of 5 million squares; best of three), measured before the
    cases: a virtual machine's core is not as fast every day, so runs of different days compare through it."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(5_000_000))
        best = min(best, time.perf_counter() - started)
    return best


LABELS = {
    "cold": "cold build, one year, HTML + PDF",
    "prevbuilt": "cold build, the year before built (kept)",
    "naive": "naive: papermill CLI + nbconvert CLI + weasyprint CLI",
    "floor": "floor: same work in one process, no notebooks",
    "noop": "no-op rebuild",
    "raw": "one raw file changed",
    "narrative": "one narrative file changed",
    "x10": "demo data 10×",
    "x100": "demo data 100×",
    "years3": "three years in parallel (2019–2021), cold",
    "fresh": "fresh clone: `make report` (venv, locked install, kernel, fonts, build with Word), empty caches",
}


def runs_text(runs: int, counts: dict[str, int] | None = None) -> str:
    """'3 (median shown)', with the cases run another number of times after it."""
    other = {c: n for c, n in (counts or {}).items() if n != runs}
    text = f"{runs} (median shown)"
    if other:
        by_n: dict[int, list[str]] = {}
        for c in CASES:
            if c in other:
                by_n.setdefault(other[c], []).append(c)
        text += "; " + "; ".join(f"{', '.join(cs)}: {n}" for n, cs in sorted(by_n.items()))
    return text


def check(case: str, base, limit: float, med: dict[str, float], peak: dict[str, int]) -> tuple[str, bool | None]:
    """(value shown, met) of one target; met is None when the case it compares with was not run."""
    if base is None:
        return f"{med[case]:.2f} s", med[case] <= limit
    if base == "peak":
        return f"{peak[case] / GB:.2f} GB", peak[case] <= limit
    if base in med and med[base] > 0:
        ratio = med[case] / med[base]
        return f"{ratio:.2f}", ratio <= limit
    return "n/a", None


def table(
    results: dict[str, list[tuple[float, int]]],
    runs: int,
    counts: dict[str, int] | None = None,
    generation: dict[int, float] | None = None,
) -> str:
    """The Markdown table: one row per target (a case without target: one row, no target).

    `counts`: runs per case where it differs from `runs`; `generation`: {scale: seconds} of the
    scaled demo data made in this invocation (printed under the table, in no case's time)."""
    med = {k: statistics.median(t for t, _ in v) for k, v in results.items()}
    peak = {k: max(m for _, m in v) for k, v in results.items()}
    lines = [
        f"Machine: {machine()}",
        f"Runs per case: {runs_text(runs, counts)}; date: {time.strftime('%Y-%m-%d')}",
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
            shown, ok = check(case, base, limit, med, peak)
            head = [LABELS[case], f"{med[case]:.2f}", runs_s, f"{peak[case] / 2**20:.0f} MB"] if i == 0 else [""] * 4
            met = "yes" if ok else "no" if ok is not None else ""
            lines.append("| " + " | ".join([*head, text, shown, met]) + " |")
    for scale, took in sorted((generation or {}).items()):
        lines.append("")
        lines.append(f"Demo data at {scale}× generated before the cases (in no case's time): {took:.1f} s")
    return "\n".join(lines)


def breakdowns(timelines: dict[str, list[tuple[float, list[breakdown.Row]]]]) -> str:
    """Each broken-down case's median run, step by step (Markdown)."""
    parts = []
    for case in BROKEN_DOWN:
        runs = sorted(timelines.get(case, []), key=lambda r: r[0])
        if not runs:
            continue
        took, rows = runs[(len(runs) - 1) // 2]
        parts.append(f"### {LABELS[case]}: where the time goes (median run, {took:.1f} s)")
        parts.append("")
        parts.append(breakdown.table(rows))
        parts.append("")
    return "\n".join(parts)


def parse_runs_for(items: list[str]) -> dict[str, int]:
    """`--runs-for case=N ...` → {case: N}."""
    out = {}
    for item in items:
        case, sep, n = item.partition("=")
        if not sep or case not in CASES or not n.isdigit() or int(n) < 1:
            raise ValueError(f"--runs-for {item!r}: expected case=N with a case of {', '.join(CASES)} and N ≥ 1")
        out[case] = int(n)
    return out


def runs_per_case(cases: list[str], runs: int, runs_for: dict[str, int]) -> dict[str, int]:
    """How many times each case runs: --runs-for, else SLOW_RUNS for the slow cases, else --runs."""
    return {c: runs_for.get(c, min(runs, SLOW_RUNS[c]) if c in SLOW_RUNS else runs) for c in cases}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m annualreport_dev.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of the fast cases (the slow ones: once)")
    ap.add_argument(
        "--runs-for",
        nargs="+",
        default=[],
        metavar="CASE=N",
        help=f"runs of one case, e.g. x100=2 (default for {', '.join(SLOW_RUNS)}: 1)",
    )
    ap.add_argument("--only", default=",".join(CASES), help=f"comma-separated cases of: {', '.join(CASES)}")
    ap.add_argument("--out", default="build/bench/results.md")
    args = ap.parse_args(argv)
    cases = [c for c in args.only.split(",") if c]
    unknown = set(cases) - set(CASES)
    if unknown:
        ap.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    try:
        counts = runs_per_case(cases, args.runs, parse_runs_for(args.runs_for))
    except ValueError as exc:
        ap.error(str(exc))
    base = repo_root() / "build" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    print(f"one core's speed (a fixed Python loop): {core_speed():.2f} s", flush=True)
    # The scaled data first, each generated at most once and timed on its own line, before any case.
    generation: dict[int, float] = {}
    for case in cases:
        if case in ("x10", "x100"):
            scale = int(case[1:])
            _, took = scaled_data(scale)
            if took is not None:
                generation[scale] = took
                print(f"demo data {scale}x generated in {took:.1f} s (not part of any case)", flush=True)
            else:
                print(f"demo data {scale}x: kept from an earlier run (build/demo-x{scale}/)", flush=True)
    project = make_project(base / "project")
    results: dict[str, list[tuple[float, int]]] = {}
    fns = {
        "cold": case_cold,
        "prevbuilt": case_prevbuilt,
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
        elif case == "fresh":
            target, fn = base, case_fresh
        else:
            target, fn = years3_project(base), case_years3
        results[case] = []
        for i in range(counts[case]):
            took, peak = fn(target, i + 1)
            results[case].append((took, peak))
            print(f"{case:10s} run {i + 1}: {took:7.2f} s, peak {peak / 2**20:6.0f} MB", flush=True)
    text = table(results, args.runs, counts, generation)
    if TIMELINES:
        text += "\n\n" + breakdowns(TIMELINES)
    print()
    print(text)
    out = repo_root() / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
