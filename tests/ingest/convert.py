"""Workbooks converted as offices' older programs save them: `.xls` (Excel 97–2003) and `.ods`, written by LibreOffice
Calc (`soffice --headless --convert-to`, Debian package libreoffice-calc-nogui, installed by `.ci/run`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.programs import missing, program

FILTERS = {".xls": "xls:MS Excel 97", ".ods": "ods"}


def convert(source: Path, suffix: str, out_dir: Path) -> Path:
    """`source` saved by LibreOffice Calc as `suffix` into `out_dir` (same stem); the converted file."""
    soffice = program("soffice", "libreoffice-calc-nogui")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / ".lo-profile"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", FILTERS[suffix],
         "--outdir", str(out_dir), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    shutil.rmtree(profile, ignore_errors=True)
    target = out_dir / (source.stem + suffix)
    if not target.is_file():
        missing(f"LibreOffice could not save {source.name} as {suffix} (Calc missing? libreoffice-calc-nogui): "
                f"{done.stderr.strip()[-300:]}")  # fmt: skip
    return target
