"""Hardening, end to end on the demo year in a temp project: hostile values in every text column,
a kernel that dies, a stage past its timeout, two builds of the same year at once."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from annualreport.base.tables import FORMULA_PREFIXES, normalise_zip
from annualreport.ingest.specs import load_specs
from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.build

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    '=HYPERLINK("http://evil.example","点我")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "$$\\frac{1}{2}$$ **粗体** [链接](javascript:alert(1)) \\(x\\)",
]


def _header_index(rows: list[list], headers: set[str]) -> int:
    for i, r in enumerate(rows[:30]):
        if len(headers & {re.sub(r"[\s*]", "", str(c or "")) for c in r}) >= 2:
            return i
    raise AssertionError("no header row")


def poison(project: Path) -> int:
    """Put the payloads into every non-personal text, id and category column of every raw file."""
    n = 0
    specs = load_specs(project)
    by_file: dict[str, list] = {}
    for spec in specs.values():
        if not spec.reference:
            by_file.setdefault(spec.file, []).append(spec)
    for stem, file_specs in by_file.items():
        raw = project / "data" / "raw" / "2020"
        path = raw / f"{stem}.csv" if (raw / f"{stem}.csv").exists() else raw / f"{stem}.xlsx"
        if path.suffix == ".csv":
            data = path.read_bytes()
            try:
                data.decode("utf-8-sig")
                enc = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
            except UnicodeDecodeError:
                enc = "gb18030"
            rows = list(csv.reader(io.StringIO(data.decode(enc), newline="")))
            n += _poison_rows(rows, file_specs[0])
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n").writerows(rows)
            path.write_bytes(buf.getvalue().encode(enc))
        else:
            import openpyxl

            wb = openpyxl.load_workbook(path)
            for spec in file_specs:
                ws = wb[spec.sheet] if spec.sheet else wb.worksheets[0]
                rows = [list(r) for r in ws.iter_rows(values_only=True)]
                before = [list(r) for r in rows]
                n += _poison_rows(rows, spec)
                for i, (a, b) in enumerate(zip(before, rows, strict=True)):
                    for j, (x, y) in enumerate(zip(a, b, strict=True)):
                        if x != y:
                            ws.cell(row=i + 1, column=j + 1, value=y)
            buf = io.BytesIO()
            wb.save(buf)
            path.write_bytes(normalise_zip(buf.getvalue()))
    return n


def _poison_rows(rows: list[list], spec) -> int:
    cols = [c for c in spec.columns if c.name and c.type in ("text", "id", "category")]
    h = _header_index(rows, {c.header for c in spec.columns})
    index = {re.sub(r"[\s*]", "", str(c or "")): i for i, c in enumerate(rows[h])}
    n = 0
    for k, col in enumerate(cols):
        names = [col.header, *col.aliases]
        i = next((index[x] for x in names if x in index), None)
        if i is None:
            continue
        # text columns: three rows carry payloads (kept as text); ids and categories: one row (quarantined)
        for r in range(h + 1 + k % 3, min(len(rows), h + 4 + k % 3) if col.type == "text" else h + 2 + k % 3):
            if r < len(rows) and i < len(rows[r]) and rows[r][i] not in (None, ""):
                rows[r][i] = PAYLOADS[(n + k) % len(PAYLOADS)] + str(rows[r][i])
                n += 1
    return n


def env(project: Path, **extra) -> dict:
    return {**os.environ, "ANNUALREPORT_ROOT": str(project), "ANNUALREPORT_SALT": "test", **extra}


def cli(project: Path, *args: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "annualreport", *args],
        cwd=project,
        env=env(project, **extra),
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    dest = copy_project(tmp_path_factory.mktemp("hostile"), years=(2020,))
    shutil.copytree(ROOT / "data" / "raw" / "2020", dest / "data" / "raw" / "2020")
    assert poison(dest) > 40
    return dest


@pytest.fixture(scope="module")
def built(project):
    proc = cli(project, "build", "--year", "2020", "--format", "html")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return project / "outputs" / "2020"


def test_hostile_values_stay_text_in_the_html(built):
    template_scripts = 0  # the report and auditor templates write no script at all
    for page in ("report.html", "review.html", "validation.html", "ledger.html"):
        text = (built / page).read_text(encoding="utf-8")
        assert len(re.findall(r"<script\b", text, re.I)) == template_scripts, page
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", text, re.I), page
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", text, re.I), page
        assert "<svg onload" not in text and "<img src=x" not in text
    report = (built / "review.html").read_text(encoding="utf-8")  # the review copy's tables show the fields
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report or "&lt;img src=x" in report  # shown, as text


def _cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_quarantine_csvs_neutralise_formulas_and_the_ledger_keeps_its_values(built, project):
    """A CSV of office data (the quarantine) gets an apostrophe before a formula start; the ledger, a table for
    programs, keeps every value as written (its spreadsheet copy, figures.xlsx, types text cells as text)."""
    seen_payload = False
    for path in sorted((project / "data" / "processed" / "2020" / "quarantine").glob("*.csv")):
        for cell in _cells(path):
            assert not cell.startswith(FORMULA_PREFIXES) or re.fullmatch(r"-?\d+(\.\d+)?", cell), (path.name, cell)
            seen_payload |= cell.startswith("'=HYPERLINK")
    assert seen_payload  # the payload reached a quarantine CSV, neutralised with a leading apostrophe
    # most hostile rows are quarantined; a payload that reaches the ledger does so inside a definition (a category
    # in quotes), written as it is (tests/base/test_tables.py writes payloads at a cell's start); the workbook runs none
    ledger = _cells(built / "figures.csv")
    assert not [c for c in ledger if c.startswith("'")]
    assert any(p in c for c in ledger for p in ("@SUM(A1)", "+SUM(1,2)", "=HYPERLINK"))
    with zipfile.ZipFile(built / "figures.xlsx") as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)  # no formula cell


def _inject(project: Path, notebook: str, source: str):
    path = project / "notebooks" / f"{notebook}.ipynb"
    original = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)
    return path, original


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import os\nos._exit(1)", "30-figures: DeadKernelError"),
        ("import time\ntime.sleep(60)", "30-figures: CellTimeoutError"),
    ],
)
def test_a_dead_kernel_or_a_timeout_names_the_notebook_and_publishes_nothing(project, built, source, expected):
    before = (built / "report.html").read_bytes()
    params = project / "params" / "2020.yaml"
    original_params = params.read_text(encoding="utf-8")
    params.write_text(original_params.replace("timeout_seconds: 600", "timeout_seconds: 5"), encoding="utf-8")
    path, original = _inject(project, "30-figures", source)
    try:
        proc = cli(project, "build", "--year", "2020", "--format", "html")
    finally:
        path.write_bytes(original)
        params.write_text(original_params, encoding="utf-8")
    last = proc.stderr.strip().splitlines()[-1]
    assert proc.returncode == 4, proc.stderr[-2000:]
    assert (
        last.startswith(f"error: {expected}")
        and "(executed notebook: build/2020/work/notebooks/30-figures.ipynb)" in last
    )
    assert (built / "report.html").read_bytes() == before


def test_a_failed_build_prints_its_one_clear_line_and_nothing_from_the_kernels(project, built):
    """A notebook's error is the build's one error line; no kernel adds its shutdown log
    ("[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.") above it."""
    path, original = _inject(project, "30-figures", "raise ValueError('测试：此处出错')")
    try:
        proc = cli(project, "build", "--year", "2020", "--format", "html")
    finally:
        path.write_bytes(original)
    assert proc.returncode == 4, proc.stderr[-2000:]
    assert "IPKernelApp" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
    assert errors == [proc.stderr.strip().splitlines()[-1]], proc.stderr[-2000:]
    assert errors[0].startswith("error: 30-figures: ValueError: 测试：此处出错")


def test_two_builds_of_the_same_year_at_once(project, built):
    """The second waits for the lock (here 1 s), then refuses; the first publishes a whole report."""
    narrative = project / "params" / "narrative" / "2020" / "review.md"
    text = narrative.read_text(encoding="utf-8")
    narrative.write_text(text + "\n\n并发构建测试。\n", encoding="utf-8")
    try:
        cmd = [sys.executable, "-m", "annualreport", "build", "--year", "2020", "--format", "html"]
        procs = [
            subprocess.Popen(
                cmd,
                cwd=project,
                env=env(project, ANNUALREPORT_LOCK_WAIT="1"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [(p.wait(timeout=900), p.stderr.read()) for p in procs]
    finally:
        narrative.write_text(text, encoding="utf-8")
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "another build of 2020 is running (lock build/2020.lock)" in refused
    report = (built / "report.html").read_text(encoding="utf-8")
    assert "并发构建测试" in report and report.rstrip().endswith("</html>")
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["outputs_sha256"].items():
        import hashlib

        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == digest, name
    import pandas as pd

    for parquet in (project / "data" / "processed" / "2020").glob("*.parquet"):
        pd.read_parquet(parquet)  # whole files, never half-written
