"""End to end: papermill runs the notebooks on a fixture year in a temp project, nbconvert renders,
and failures (a blocking expectation, a notebook error) leave the earlier report in place."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from annualreport.base.errors import StageFailed
from annualreport.base.params import load_params
from annualreport.base.tables import normalise_zip
from annualreport.runner.driver import build
from annualreport.typeset.pages import visible_text
from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.build


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def make_project(base: Path, hostile: bool) -> Path:
    dest = copy_project(base, years=(2020,))
    shutil.copytree(ROOT / "data" / "raw" / "2020", dest / "data" / "raw" / "2020")
    if hostile:  # a value typed by an office that looks like markup: it must stay text
        import openpyxl

        path = dest / "data" / "raw" / "2020" / "construction.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        for row in ws.iter_rows():
            if row[1].value and "桩基" in str(row[1].value):
                row[1].value = HOSTILE + str(row[1].value)
                break
        wb.save(path)
        path.write_bytes(normalise_zip(path.read_bytes()))  # fixed zip times: same edit, same bytes
    return dest


def run_build(project: Path):
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        return build(2020, root=project)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("project"), hostile=True)


@pytest.fixture(scope="module")
def built(project):
    return run_build(project)


def test_report_is_built_with_the_slice_figures(project, built):
    out = project / "outputs" / "2020"
    assert built.report == out / "report.html"
    page = built.report.read_text(encoding="utf-8")
    text_only = visible_text(page)
    name = load_params(project / "params" / "2020.yaml", root=project).institution["name"]
    for text in (
        name,
        "一、2020年工作回顾",
        "（四）推进产教深度融合",
        "2.加强专业群建设",
        "4001人",
        "81.24%",
        "52个贫困县",
        "41名学生全部就业",
    ):
        assert text in text_only, text
    assert "<svg" not in page and "@font-face" in page  # the 印发稿 has no chart (the outline places none in it)
    assert "<svg" in (out / "review.html").read_text(encoding="utf-8")  # the review copy has them
    assert "<script" not in page
    # offline: no resource is loaded from the network (XML namespace URIs are names, not requests)
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", page)
    assert "In&nbsp;[" not in page and "jp-InputArea" not in page
    ledger = (out / "figures.csv").read_text(encoding="utf-8-sig")
    assert ledger.splitlines()[0].startswith("id,section,label,value,unit,display,wording,dataset,definition")
    for fid, value in [
        ("enrolled_vocational", "4001"),
        ("enrolled_joint_bachelor", "100"),
        ("enrolled_international", "6"),
        ("employment_rate_initial", "81.24"),
        ("poverty_counties", "52"),
        ("poverty_graduates", "41"),
    ]:
        assert any(line.startswith(f"{fid},") and f",{value}," in line for line in ledger.splitlines()), fid
    assert (out / "validation" / "admissions.json").exists() and (out / "row_accounting.csv").exists()
    assert (project / "data" / "processed" / "2020" / "admissions.parquet").exists()


def test_no_personal_data_in_processed_outputs_or_executed_notebooks(project, built):
    from annualreport.base.params import load_params
    from annualreport.ingest.specs import load_specs
    from tests.helpers import personal_values

    values = personal_values(load_params(project / "params" / "2020.yaml", root=project), load_specs(project))
    ids = {v for v in values if len(v) == 18}
    names = {v for v in values if 3 <= len(v) <= 4 and not v.isdigit()}
    assert len(ids) > 1000 and len(names) > 1000
    for folder in (project / "data" / "processed", project / "outputs", project / "build"):
        for f in folder.rglob("*"):
            if f.is_file() and f.suffix in (".csv", ".json", ".html", ".ipynb", ".txt"):
                text = f.read_text(encoding="utf-8-sig", errors="ignore")
                text = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", text)  # inlined font data is not text
                assert not [i for i in ids if i in text], f
                assert not [n for n in names if n in text], f


def test_markup_in_a_data_field_stays_text(built):
    review = built.outputs / "review.html"
    for page in (built.report, review, built.outputs / "validation.html", built.outputs / "ledger.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "onerror=" not in text.replace("onerror=alert(1)&gt;", ""), page
        assert not re.search(r"<[^>]+\son\w+\s*=", text), page
        assert "javascript:" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in review.read_text(encoding="utf-8")  # its tables show the field


def test_figure_ledger_for_excel_and_the_pdf_embeds_the_cjk_font(built):
    out = built.outputs
    assert (out / "figures.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Chinese
    assert (out / "figures.xlsx").read_bytes().startswith(b"PK")
    assert built.pdf == out / "report.pdf"
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(out / "report.pdf").pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts", []):
                d = desc.get_object().get("/FontDescriptor").get_object()
                if "/FontFile2" in d or "/FontFile3" in d:
                    fonts.add(str(font["/BaseFont"]))
    # the official layout's faces by their CSS family (docs/fonts.md): serif body, 黑体 headings
    assert any("Report-Body" in f for f in fonts), fonts
    assert any("Report-Hei" in f for f in fonts), fonts
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(out / "report.pdf")], capture_output=True, text=True).stdout
        assert re.search(r"Report-Body\s+CID TrueType\s+Identity-H\s+yes", listing), listing


def test_a_second_clone_rebuilds_the_same_bytes(built, tmp_path):
    other = run_build(make_project(tmp_path / "clone", hostile=True))
    for name in [
        "report.html",
        "report.pdf",
        "report.docx",
        "review.html",
        "review.pdf",
        "reread.csv",
        "ledger.html",
        "ledger.pdf",
        "figures.csv",
        "figures.xlsx",
        "validation.html",
        "row_accounting.csv",
    ] + [f"validation/{p.name}" for p in (built.outputs / "validation").glob("*.json")]:
        assert (built.outputs / name).read_bytes() == (other.outputs / name).read_bytes(), name
    mine, theirs = (b.outputs / "validation" / "data_docs" for b in (built, other))  # GX Data Docs too
    files = sorted(p.relative_to(mine) for p in mine.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file())
    for rel in files:
        assert (mine / rel).read_bytes() == (theirs / rel).read_bytes(), rel
    manifest = json.loads((other.outputs / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["figures_sha256"] and manifest["inputs"] and manifest["packages"]["great_expectations"]


def test_blocking_failure_stops_and_keeps_the_previous_report(project, built, monkeypatch):
    before = built.report.read_bytes()
    suite_path = project / "expectations" / "admissions.json"
    original = suite_path.read_text(encoding="utf-8")
    suite = json.loads(original)
    suite["expectations"].append(
        {
            "type": "expect_table_row_count_to_be_between",
            "kwargs": {"min_value": 10_000_000},
            "meta": {"severity": "blocking"},
        }
    )
    suite_path.write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        with pytest.raises(StageFailed) as exc:
            build(2020, root=project)
    finally:
        suite_path.write_text(original, encoding="utf-8")
    msg = str(exc.value)
    assert "20-validate: ValidationFailed" in msg and "admissions" in msg
    assert "expect_table_row_count_to_be_between" in msg and "build/2020/work/notebooks/20-validate.ipynb" in msg
    assert built.report.read_bytes() == before


def test_notebook_error_names_the_executed_notebook(project, built, monkeypatch):
    before = built.report.read_bytes()
    talent = project / "params" / "narrative" / "2020" / "talent.md"
    original = talent.read_text(encoding="utf-8")
    talent.write_text(original + "{no_such_figure}", encoding="utf-8")
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        with pytest.raises(StageFailed) as exc:
            build(2020, root=project)
    finally:
        talent.write_text(original, encoding="utf-8")
    assert "40-report: SpecError" in str(exc.value) and "no_such_figure" in str(exc.value)
    assert "build/2020/work/notebooks/40-report.ipynb" in str(exc.value)
    assert built.report.read_bytes() == before


def test_raw_files_are_unchanged_by_a_build(project, built):
    from annualreport.ingest.readers import sha256_file

    manifest = json.loads((built.outputs / "manifest.json").read_text(encoding="utf-8"))
    listed = {(i["file"], i["sha256"]) for i in manifest["inputs"]}
    assert len(listed) >= 17
    for file, digest in listed:
        assert sha256_file(project / file) == digest, file


def test_a_second_build_of_the_same_year_waits_then_refuses(project, built, monkeypatch):
    from annualreport.base.errors import ReportError
    from annualreport.runner.driver import year_lock

    monkeypatch.setenv("ANNUALREPORT_LOCK_WAIT", "1")
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    before = (project / "outputs" / "2020" / "report.html").read_bytes()
    with year_lock(project, 2020), pytest.raises(ReportError, match="another build of 2020 is running"):
        build(2020, root=project)
    assert (project / "outputs" / "2020" / "report.html").read_bytes() == before


def _build(project, **kw):
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        return build(2020, root=project, **kw)
    finally:
        mp.undo()


def test_unchanged_build_reruns_no_stage_and_touching_a_file_changes_nothing(project, built):
    import os

    _build(project)  # settle after the tests above edited and restored files
    again = _build(project)
    assert again.cached and again.ran == [] and "nothing changed" in again.notes[0]
    assert {s.status for s in again.stages} == {"cached"}
    assert len(again.stages) >= 2 * 19 + 6  # clean and validate per dataset, and the other stages
    raw = project / "data" / "raw" / "2020" / "training.csv"
    os.utime(raw, None)  # a checkout or copy touches files without changing them
    assert _build(project).ran == []


def test_one_raw_file_reruns_its_dataset_and_what_depends_on_it_and_nothing_else(project, built):
    raw = project / "data" / "raw" / "2020" / "training.csv"
    original = raw.read_bytes()
    _build(project)
    report = (project / "outputs" / "2020" / "report.html").read_bytes()
    text = original.decode("utf-8-sig") if original.startswith(b"\xef\xbb\xbf") else original.decode("gb18030")
    assert ",121,24," in text
    raw.write_bytes(text.replace(",121,24,", ",122,24,", 1).encode("gb18030"))  # one trainee more
    try:
        ran = set(_build(project).ran)
    finally:
        raw.write_bytes(original)
    assert {"clean:training", "accounting", "validate:training", "gate", "figures", "report", "html"} <= ran
    assert not {n for n in ran if n.startswith(("clean:", "validate:")) and not n.endswith(":training")}
    assert "previous" not in ran
    back = _build(project)  # the file as it was: everything comes back from the cache
    assert back.ran == []
    assert (project / "outputs" / "2020" / "report.html").read_bytes() == report


def test_one_narrative_file_reruns_only_the_report(project, built):
    narrative = project / "params" / "narrative" / "2020" / "review.md"
    text = narrative.read_text(encoding="utf-8")
    _build(project)
    narrative.write_text(text + "\n\n本段为测试。\n", encoding="utf-8")
    try:
        ran = set(_build(project).ran)
    finally:
        narrative.write_text(text, encoding="utf-8")
    # the narrative's stages: the reread check, the report and its two editions' layouts
    assert ran and ran <= {"reread", "report", "html", "review-html", "pdf", "review-pdf", "docx"}


def test_changing_a_stages_code_reruns_it_and_the_plan_says_why(project, built, monkeypatch):
    from annualreport.runner import cache, inputs

    _build(project)
    real = cache.code_digests

    def edited(*entry):
        out = dict(real(*entry))
        if "code:ingest/sheet.py" in out:
            out["code:ingest/sheet.py"] = "0" * 64  # as if src/annualreport/ingest/sheet.py had been edited
        return out

    monkeypatch.setattr(inputs, "code_digests", edited)
    plan = {s.name: s for s in _build(project, dry_run=True).stages}
    assert plan["clean:training"].status == "would run" and "code:ingest/sheet.py" in plan["clean:training"].reason
    assert plan["previous"].status == "would run"  # the year before is cleaned by the same code
    assert plan["figures"].status == "waiting" and plan["report"].status == "waiting"
    assert "would run" not in {s.status for n, s in plan.items() if n in ("html", "review-html", "pdf", "docx")}


def test_a_published_file_changed_by_hand_is_republished(project, built):
    _build(project)
    ledger = project / "outputs" / "2020" / "figures.csv"
    original = ledger.read_bytes()
    ledger.write_text("tampered", encoding="utf-8")
    result = _build(project)
    assert result.ran == [] and not result.cached
    assert ledger.read_bytes() == original


@pytest.mark.parametrize("damage", ["truncated", "corrupted"])
def test_damaged_cache_entries_are_detected_rerun_and_never_published(project, built, damage):
    """Every blob of the cache cut in half (a half copy) or with one byte changed (a disk error), so every
    kind of stage output is damaged: cleaned frames, quarantines, validation results, Data Docs, ledger,
    notebooks, HTML, PDF and Word. A build from scratch restores none of them, reruns every stage, says
    where it saw the damage, and publishes the same bytes as before."""
    import shutil

    _build(project)
    out = project / "outputs" / "2020"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".json"}
    blobs = [b for b in sorted((project / "build" / "cache" / "blobs").rglob("*")) if b.is_file()]
    for blob in blobs:
        data = blob.read_bytes()
        if not data:  # an empty file (a log with no lines) cannot be damaged
            continue
        blob.write_bytes(data[: len(data) // 2] if damage == "truncated" else bytes([data[0] ^ 1]) + data[1:])
    for folder in (out, project / "build" / "2020", project / "data" / "processed" / "2020"):
        shutil.rmtree(folder)
    result = _build(project)
    assert [s.name for s in result.stages if s.status == "cached"] == []
    ran = [s for s in result.stages if s.status == "ran"]
    assert {s.name for s in ran} >= {"html", "pdf", "docx", "figures", "report", "gate", "data-docs", "previous"}
    # every stage that looked its entry up found it damaged; five had new keys and looked nothing up: the
    # accounting, the gate and the Data Docs rerun with their step's per-dataset stage, and the two editions'
    # html read the executed report notebook (which records when it ran)
    undamaged = {s.name: s.reason for s in ran if "damaged" not in s.reason}
    assert undamaged == {
        "accounting": "after clean ran",
        "gate": "after validate ran",
        "data-docs": "after validate ran",
        "html": "changed: build/2020/work/notebooks/40-report.ipynb",
        "review-html": "changed: build/2020/work/notebooks/40-report.ipynb",
    }
    # the same bytes (the manifest aside: it records when and how long the build ran)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".json"} == before


@pytest.mark.parametrize("fails_at", ["copy", "manifest", "swap"])
def test_a_full_disk_while_publishing_leaves_the_previous_report(project, built, monkeypatch, fails_at):
    """A write that fails mid-publish (ENOSPC while copying into staging, while writing the manifest, or at
    the final rename) leaves the published year as it was, no staging folder, and a one-line error; the
    next build publishes."""
    import errno
    import os

    from annualreport.runner import driver, publish

    _build(project)
    out = project / "outputs" / "2020"
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    narrative = project / "params" / "narrative" / "2020" / "talent.md"
    original = narrative.read_text(encoding="utf-8")
    narrative.write_text(original + "\n本段为磁盘已满测试所加。\n", encoding="utf-8")
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    calls = {"n": 0}

    def failing(real, after, counts=lambda *args: True):  # the counted call after `after` good ones fails, once
        def call(*args, **kw):
            if counts(*args):
                calls["n"] += 1
                if calls["n"] == after + 1:
                    raise full
            return real(*args, **kw)

        return call

    if fails_at == "copy":  # copying into staging (the cache copies files too, at the same time: not counted)
        into_staging = lambda src, dst, *rest: ".2020.staging-" in str(dst)  # noqa: E731
        monkeypatch.setattr(publish.shutil, "copyfile", failing(shutil.copyfile, 5, into_staging))
    elif fails_at == "manifest":
        monkeypatch.setattr(driver, "write_manifest", failing(driver.write_manifest, 0))
    else:  # the swap: the old year is renamed away, then renaming the new one in fails
        monkeypatch.setattr(publish.os, "rename", failing(os.rename, 1))
    try:
        with pytest.raises(publish.PublishFailed) as exc:
            _build(project)
    finally:
        monkeypatch.undo()
        narrative.write_text(original, encoding="utf-8")
    assert "No space left on device" in str(exc.value) and "published before is unchanged" in str(exc.value)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not list(out.parent.glob(".2020.staging-*")) and not (project / "build" / "2020" / "staging").exists()
    assert not list(out.parent.glob(".2020.old"))
    _build(project)  # nothing left over in the way
    assert (out / "report.html").read_bytes() == before[Path("report.html")]
