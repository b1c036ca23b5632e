"""Workbooks saved as other programs save them, at test time, from an `.xlsx`:

- `libreoffice`: `.xls` (Excel 97–2003) and `.ods` by LibreOffice Calc (`soffice --headless --convert-to`, Debian
  package libreoffice-calc-nogui, installed by `.ci/run`), as offices on LibreOffice save them;
- `libreoffice-pretty`: `.ods` by LibreOffice with "Size optimization for ODF format" off (its XML indented);
- `sheetjs`: `.xlsb` (and `.xls`, BIFF8) by SheetJS, the library behind many web systems' exports (the npm package
  `xlsx`, pinned in tools/sheet-convert/package-lock.json, run on Node.js; `.ci/run` installs it with `npm ci`).
  LibreOffice writes no `.xlsb`; Excel, which does, does not run here.

A program that is missing skips the test, and fails it on CI (tests/programs.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.helpers import ROOT
from tests.programs import missing, program, tool

FILTERS = {".xls": "xls:MS Excel 97", ".ods": "ods"}
SHEETJS = ROOT / "tools" / "sheet-convert"
PRETTY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Save/Document"><prop oor:name="PrettyPrinting" oor:op="fuse">
<value>true</value></prop></item>
</oor:items>
"""


def convert(source: Path, suffix: str, out_dir: Path, writer: str = "libreoffice") -> Path:
    """`source` saved by `writer` as `suffix` into `out_dir` (same stem); the converted file."""
    return convert_all([source], suffix, out_dir, writer)[0]


def convert_all(sources: list[Path], suffix: str, out_dir: Path, writer: str = "libreoffice") -> list[Path]:
    """Several files saved by `writer` as `suffix` into `out_dir`, in one start of the program (one costs seconds)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / (s.stem + suffix) for s in sources]
    if writer == "sheetjs":
        return _sheetjs(sources, targets)
    return _libreoffice(sources, suffix, out_dir, targets, pretty=writer == "libreoffice-pretty")


def _libreoffice(sources: list[Path], suffix: str, out_dir: Path, targets: list[Path], pretty: bool) -> list[Path]:
    soffice = program("soffice", "libreoffice-calc-nogui")
    profile = out_dir / ".lo-profile"
    if pretty:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PRETTY, encoding="utf-8")
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", FILTERS[suffix],
         "--outdir", str(out_dir), *map(str, sources)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    shutil.rmtree(profile, ignore_errors=True)
    for source, target in zip(sources, targets, strict=True):
        if not target.is_file():
            missing(f"LibreOffice could not save {source.name} as {suffix} (Calc missing? libreoffice-calc-nogui): "
                    f"{done.stderr.strip()[-300:]}")  # fmt: skip
    return targets


def _sheetjs(sources: list[Path], targets: list[Path]) -> list[Path]:
    node = program("node", "nodejs")
    tool(SHEETJS / "node_modules" / "xlsx" / "package.json", "npm ci --prefix tools/sheet-convert")
    pairs = [str(p) for pair in zip(sources, targets, strict=True) for p in pair]
    done = subprocess.run([node, str(SHEETJS / "convert.js"), *pairs], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and all(t.is_file() for t in targets), f"SheetJS could not save: {done.stderr[-500:]}"
    return targets
