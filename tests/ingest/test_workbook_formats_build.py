"""The 2020 demo year delivered in another workbook kind, one build per kind: its eight workbooks saved as `.xls`
(by LibreOffice), as `.xlsb` (by SheetJS) or as `.ods` (by LibreOffice), the CSVs as they are. Each builds with
the same figures as the `.xlsx` year; `check-inputs` lists the files, and the manifest and the ledger's
provenance name them with their digests, as for an `.xlsx` year (the stages' input keys and the read tracing
follow the file recognition found, whatever its kind)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from annualreport.base.places import Places
from annualreport.ingest.readers import sha256_file
from tests.helpers import ROOT, copy_project
from tests.ingest.convert import convert_all
from tests.ingest.test_recognise_build import cli

KINDS = [(".xls", "libreoffice"), (".xlsb", "sheetjs"), (".ods", "libreoffice")]


def published(project, name: str):
    out = project / "outputs" / "2020"
    return Places(out, out, out)(name)


def ledger(project) -> pd.DataFrame:
    return pd.read_csv(published(project, "ledger"), dtype=str, keep_default_na=False)


@pytest.mark.build
@pytest.mark.parametrize("suffix, writer", KINDS)
def test_a_year_of_xls_xlsb_or_ods_workbooks_builds_the_same_figures(tmp_path, demo_project, suffix, writer):
    project = copy_project(tmp_path / "p", years=(2019, 2020))
    shutil.copytree(ROOT / "data" / "raw" / "2019", project / "data" / "raw" / "2019")
    raw = project / "data" / "raw" / "2020"
    shutil.copytree(ROOT / "data" / "raw" / "2020", raw)
    books = sorted(raw.glob("*.xlsx"))
    assert len(books) == 8
    convert_all(books, suffix, raw, writer)
    for book in books:
        book.unlink()
    delivered = {p.name for p in raw.iterdir() if p.suffix != ".csv"}
    assert len(delivered) == len(books) and all(name.endswith(suffix) for name in delivered)

    proc = cli(project, "check-inputs", "--year", "2020")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert all(f"data/raw/2020/{name}" in proc.stdout for name in delivered), proc.stdout

    proc = cli(project, "build", "--year", "2020", "--format", "html", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    figures, expected = ledger(project), ledger(demo_project)
    pd.testing.assert_frame_equal(figures.drop(columns="inputs"), expected.drop(columns="inputs"))
    used = "".join(figures["inputs"])
    assert all(f"data/raw/2020/{name}" in used for name in delivered)

    manifest = json.loads(published(project, "manifest").read_text(encoding="utf-8"))
    hashed = {i["file"]: i["sha256"] for i in manifest["inputs"]}
    for name in delivered:
        assert hashed[f"data/raw/2020/{name}"] == sha256_file(raw / name), name
