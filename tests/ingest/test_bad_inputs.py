"""The bad-input corpus (`tests/ingest/bad_inputs/`): every case is a file an office (or the analyst)
could hand over. Each must stop the run with a non-zero exit and one line naming the file, sheet,
row and column and what was expected, and leave `outputs/<year>/` as it was.

The project here has one year whose datasets are all optional; the clean base file
(`bad_inputs/base/training.csv`) passes even in strict mode, so a case's message is its own. Row-level
problems (a bad date, a negative count, a conflicting duplicate, an ID with a letter) are quarantined
by the contract, and stop the run in strict mode (`ALLOW_WARNINGS=0`, `--strict`), which is what an
analyst runs to check a corrected file. Expected messages: `bad_inputs/cases.yaml`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.build
HERE = Path(__file__).resolve().parent / "bad_inputs"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
RAW = Path("data/raw/2020")
EARLIER = "earlier report, must stay"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    dest = copy_project(tmp_path_factory.mktemp("bad"), years=(2020,))
    params = dest / "params" / "2020.yaml"
    text = params.read_text(encoding="utf-8")
    params.write_text(optional_params(text), encoding="utf-8")
    (dest / RAW).mkdir(parents=True)
    shutil.copy(HERE / "base" / "training.csv", dest / RAW / "training.csv")
    out = dest / "outputs" / "2020"
    out.mkdir(parents=True)
    (out / "report.html").write_text(EARLIER, encoding="utf-8")
    return dest


def optional_params(text: str) -> str:
    """Every dataset optional, no expected row counts: the corpus delivers one file at a time."""
    import re

    text = re.sub(r"\{expected_rows: \[\d+, \d+\]\}", "{optional: true}", text)
    return re.sub(r"\ntargets:.*", "\ntargets: []\n", text, flags=re.S)


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANNUALREPORT_ROOT": str(project), "ANNUALREPORT_SALT": "test"}
    return subprocess.run(
        [sys.executable, "-m", "annualreport", "validate", "--year", "2020", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def last_line(proc) -> str:
    return proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""


def test_the_base_passes_even_in_strict_mode(project):
    proc = run(project, "--strict")
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_corpus_has_at_least_thirty_cases():
    assert len(CASES) >= 30
    on_disk = {p.name for p in HERE.iterdir() if p.is_dir() and p.name != "base"}
    assert on_disk == {c for c, v in CASES.items() if not v.get("made_by_test")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_with_its_message(project, case):
    spec = CASES[case]
    placed: list[tuple[Path, bytes | None]] = []

    def put(rel: Path, data: bytes | None = None, link: Path | None = None):
        target = project / rel
        placed.append((target, target.read_bytes() if target.exists() and not target.is_symlink() else None))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():
            target.unlink()
        if link is not None:
            target.symlink_to(link)
        else:
            target.write_bytes(data)

    if case == "junk_200mb":
        target = project / RAW / "training.csv"
        placed.append((target, target.read_bytes()))
        with open(target, "wb") as f:  # sparse: 200 MB on paper, nothing much on disk
            f.write(os.urandom(4096))
            f.truncate(200 * 1024 * 1024)
    elif case == "link_outside_repository":
        outside = project.parent / "outside.csv"
        outside.write_bytes((HERE / "base" / "training.csv").read_bytes())
        put(RAW / "training.csv", link=outside)
    else:
        for f in sorted((HERE / case).iterdir()):
            put(Path("params") / f.name if f.suffix == ".yaml" else RAW / f.name, f.read_bytes())
    started = time.monotonic()
    try:
        proc = run(project, *(["--strict"] if spec.get("strict") else []))
    finally:
        for target, data in reversed(placed):
            target.unlink(missing_ok=True)
            if data is not None:
                target.write_bytes(data)
    took = time.monotonic() - started
    assert proc.returncode == spec["exit"], proc.stderr[-2000:]
    assert last_line(proc) == "error: " + spec["message"], last_line(proc)
    assert (project / "outputs" / "2020" / "report.html").read_text(encoding="utf-8") == EARLIER
    assert sorted(p.name for p in (project / "outputs" / "2020").iterdir()) == ["report.html"]
    if case == "junk_200mb":
        assert took < 30, f"a 200 MB file must be refused without reading it ({took:.1f} s)"


if __name__ == "__main__":  # print what each case says now (to write cases.yaml)
    import tempfile

    base = Path(tempfile.mkdtemp())
    proj = copy_project(base, years=(2020,))
    p = proj / "params" / "2020.yaml"
    p.write_text(optional_params(p.read_text(encoding="utf-8")), encoding="utf-8")
    (proj / RAW).mkdir(parents=True)
    for case in sys.argv[1:]:
        shutil.rmtree(proj / RAW)
        (proj / RAW).mkdir()
        shutil.copy(HERE / "base" / "training.csv", proj / RAW / "training.csv")
        shutil.copy(ROOT / "params" / "2020.yaml", proj / "params" / "2020.yaml")
        p.write_text(optional_params(p.read_text(encoding="utf-8")), encoding="utf-8")
        for f in (HERE / case).iterdir():
            (proj / ("params" if f.suffix == ".yaml" else RAW) / f.name).write_bytes(f.read_bytes())
        strict = case in (
            "date_2020_02_30",
            "wan_amount_unparseable",
            "negative_count",
            "duplicate_key_different_values",
            "id_with_a_letter",
            "text_in_a_count",
            "missing_required_value",
        )
        proc = run(proj, *(["--strict"] if strict else []))
        print(f"{case}: rc={proc.returncode} strict={strict}\n  {last_line(proc)}")
