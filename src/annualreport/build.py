"""The build driver: run the notebooks of a year with papermill, render, publish atomically.

One Python process drives everything through papermill's API (a CLI start per notebook costs
seconds), with a fresh kernel per notebook so no state leaks between stages. Work happens in
`build/<year>/stage/`; only when every stage and the rendering succeeded is that folder moved into
`outputs/<year>/` (rename, same file system), so a failed run never leaves half a report where
a finished one belongs and the previous report stays in place.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import ReportError, StageFailed
from .params import Params, load_params, params_path_for
from .paths import notebooks_dir, repo_root

log = logging.getLogger(__name__)

KERNEL = "annualreport"
NOTEBOOKS = ["10-clean", "20-validate", "30-figures", "40-report"]
CLEAN_ONLY = ["10-clean", "20-validate"]


@dataclass
class BuildResult:
    year: int
    outputs: Path
    report: Path | None
    seconds: float
    pdf: Path | None = None
    notes: tuple[str, ...] = ()
    cached: bool = False


def deterministic_env(root: Path) -> None:
    """Environment every kernel inherits: fixed hash seed, caches inside the checkout."""
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["ANNUALREPORT_ROOT"] = str(root)
    os.environ.setdefault("MPLCONFIGDIR", str(root / ".cache" / "matplotlib"))
    os.environ.setdefault("IPYTHONDIR", str(root / ".cache" / "ipython"))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1609459200")
    for var in ("MPLCONFIGDIR", "IPYTHONDIR"):
        Path(os.environ[var]).mkdir(parents=True, exist_ok=True)


def ensure_kernel() -> None:
    """The notebooks run on kernel 'annualreport' = this interpreter. Register it if missing."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if KERNEL in specs:
        spec = json.loads((Path(specs[KERNEL]) / "kernel.json").read_text())
        if Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve():
            return
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL, display_name="annualreport (.venv)", prefix=sys.prefix)
    log.info("registered Jupyter kernel '%s' -> %s", KERNEL, sys.executable)


@contextmanager
def year_lock(root: Path, year: int):
    """One build per year at a time: a second one waits up to a minute, then refuses."""
    lock_dir = root / "build"
    lock_dir.mkdir(exist_ok=True)
    with open(lock_dir / f"{year}.lock", "w") as f:
        deadline = time.monotonic() + float(os.environ.get("ANNUALREPORT_LOCK_WAIT", "60"))
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ReportError(f"another build of {year} is running (lock build/{year}.lock); "
                                      f"wait for it to finish") from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def run_notebook(name: str, params: Params, stage_rel: str, executed_dir: Path, timeout: int,
                 extra: dict | None = None) -> Path:
    import papermill as pm

    root = params.root
    out = executed_dir / f"{name}.ipynb"
    parameters = {"year": params.year, "params_file": str(params.path.relative_to(root)),
                  "stage_dir": stage_rel, **(extra or {})}
    started = time.monotonic()
    try:
        pm.execute_notebook(str(notebooks_dir(root) / f"{name}.ipynb"), str(out), parameters=parameters,
                            kernel_name=KERNEL, cwd=str(root), progress_bar=False, log_output=False,
                            execution_timeout=timeout,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except pm.PapermillExecutionError as exc:
        rel = out.relative_to(root)
        reason = exc.evalue.strip().splitlines()[0] if exc.evalue.strip() else exc.ename
        raise StageFailed(f"{name}: {exc.ename}: {reason} (executed notebook: {rel})") from None
    except Exception as exc:  # kernel died, timeout, missing kernel ...
        rel = out.relative_to(root)
        raise StageFailed(f"{name}: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
                          f" (executed notebook: {rel})") from None
    log.info("%-12s ran in %.1f s", name, time.monotonic() - started)
    return out


def publish(stage: Path, final: Path) -> None:
    """Swap the finished stage folder into place: rename old away, rename new in, delete old."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.parent / f".{final.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.rename(final, old)
    os.rename(stage, final)
    if old.exists():
        shutil.rmtree(old)


def _files(root: Path, rel: str, pattern: str = "**/*") -> list[Path]:
    base = root / rel
    if base.is_file():
        return [base]
    if not base.is_dir():
        return []
    return sorted(p for p in base.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def inputs_key(params: Params, formats: tuple[str, ...], strict: bool) -> str:
    """sha256 over the content of everything a year's report is made from (not file times: a fresh clone
    or a checkout touches every file): params and narrative of this year and the year before, raw and
    reference files, specs, suites, notebooks, templates, the package's code, the lock, the options."""
    root = params.root
    prev = params.path.parent / f"{params.year - 1}.yaml"
    rels = [str(params.path.relative_to(root)), str(prev.relative_to(root)) if prev.exists() else "",
            str(params.narrative_dir.relative_to(root)), str(params.raw_dir.relative_to(root)),
            str(params.reference_dir.relative_to(root)), f"data/raw/{params.year - 1}", "specs", "expectations",
            "notebooks", "templates", "requirements.lock"]
    h = hashlib.sha256(json.dumps({"formats": sorted(formats), "strict": strict}).encode())
    files = [f for rel in rels if rel for f in _files(root, rel)]
    files += sorted(p for p in Path(__file__).parent.rglob("*.py") if "__pycache__" not in p.parts)
    for f in files:
        name = str(f.relative_to(root)) if f.is_relative_to(root) else f"package/{f.relative_to(Path(__file__).parent)}"
        h.update(name.encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def published_is_current(params: Params, key: str) -> bool:
    """True when outputs/<year>/ was built from exactly these inputs and its files are intact."""
    manifest = params.outputs_dir / "manifest.json"
    if not manifest.exists():
        return False
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    if data.get("inputs_key") != key:
        return False
    for name, digest in (data.get("outputs_sha256") or {}).items():
        path = params.outputs_dir / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
    return True


def build(year: int, params_file: str | None = None, root: Path | None = None, formats: tuple[str, ...] = ("both",),
          clean_only: bool = False, strict: bool = False, force: bool = False) -> BuildResult:
    """Build one year's report (or, with clean_only, clean and validate only). Raises ReportError.

    When nothing the report is made from has changed since the published build (same content hashes)
    and its files are intact, nothing is rerun (`force` rebuilds anyway)."""
    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.timezone.utc)
    root = (root or repo_root()).resolve()
    deterministic_env(root)
    params = load_params(params_file or params_path_for(year, root), root)
    if params.year != year:
        raise ReportError(f"{params.path.name} is for {params.year}, not {year}")
    key = inputs_key(params, formats, strict)
    with year_lock(root, year):
        if not clean_only and not force and published_is_current(params, key):
            out = params.outputs_dir
            return BuildResult(year, out, out / "report.html", time.monotonic() - started,
                               out / "report.pdf" if (out / "report.pdf").exists() else None,
                               ("nothing changed since the published build (--force rebuilds)",), cached=True)
        ensure_kernel()
        work = root / "build" / str(year)
        stage = work / "stage"
        executed = work / "notebooks"
        for d in (stage, executed):
            if d.exists():
                shutil.rmtree(d)
            d.mkdir(parents=True)
        stage_rel = str(stage.relative_to(root))
        timeout = params.data["build"]["timeout_seconds"]
        for name in (CLEAN_ONLY if clean_only else NOTEBOOKS):
            extra = {"strict": strict} if name == "20-validate" else None
            run_notebook(name, params, stage_rel, executed, timeout, extra)
        if clean_only:
            return BuildResult(year, stage, None, time.monotonic() - started)
        from .render import PdfUnavailable, pdf_or_note, render_html

        title = f"{params.institution['name']}{params.year + 1}年工作报告（{params.year}年工作回顾）"
        colophon = (f"{params.institution['name']} · {params.year}年度 · 本报告由 annualreport 根据各部门数据生成，"
                    f"每个数字可在 figures.csv 中追溯来源")
        render_html(executed / "40-report.ipynb", stage / "report.html", title, colophon)
        try:
            pdf, notes = pdf_or_note(stage / "report.html", stage / "report.pdf", formats)
        except PdfUnavailable as exc:
            raise ReportError(str(exc)) from None
        shutil.copytree(executed, stage / "notebooks")
        from .manifest import write_manifest

        write_manifest(params, stage, started_at, time.monotonic() - started, formats, key)
        final = params.outputs_dir
        publish(stage, final)
    return BuildResult(year, final, final / "report.html", time.monotonic() - started,
                       final / "report.pdf" if pdf else None, tuple(notes))
