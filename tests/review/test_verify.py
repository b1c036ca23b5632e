"""`make verify`: an outputs folder checked against its manifest, wherever the folder was copied to."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from annualreport.__main__ import main
from annualreport.base.errors import ReportError
from annualreport.review.verify import manifest_path, report_lines, verify


def _folder(tmp_path: Path) -> Path:
    """A small published-looking folder: three hashed files, an executed notebook, a log, a manifest."""
    out = tmp_path / "received" / "2020"
    files = {"report.html": b"<p>report</p>", "figures.csv": b"id,value\na,1\n", "validation/x.json": b"{}"}
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    (out / "notebooks").mkdir()
    (out / "notebooks" / "40-report.ipynb").write_text("{}")
    (out / "logs").mkdir()
    (out / "logs" / "40-report.log").write_text("")
    manifest = {
        "year": 2020,
        "institution": "示例学院",
        "git": {"commit": "a" * 40, "dirty": False},
        "params": {"file": "params/2020.yaml", "sha256": "b" * 64},
        "outputs_sha256": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        "built_at": "2020-12-31T00:00:00+00:00",
    }
    manifest_path(out).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return out


def test_an_intact_folder_passes_and_the_manifest_names_its_build(tmp_path):
    out = _folder(tmp_path)
    r = verify(out)
    assert r.ok and r.listed == 3
    assert r.unchecked == {"notebooks/": 1, "logs/": 1}
    lines = report_lines(r, "received/2020")
    assert lines[-1] == "OK: received/2020: all 3 files match the manifest"
    assert "sha256:" + hashlib.sha256(manifest_path(out).read_bytes()).hexdigest() in lines[0]
    assert "cannot hash itself" in lines[0]
    assert lines[1].startswith("build: 2020 示例学院, params params/2020.yaml sha256:bbbbbbbbbbbb, git aaaaaaaaaaaa")


def test_a_changed_byte_a_missing_file_and_an_extra_file_are_each_named(tmp_path):
    out = _folder(tmp_path)
    with open(out / "report.html", "ab") as f:
        f.write(b" ")
    (out / "validation" / "x.json").unlink()
    (out / "notes.txt").write_text("added after publishing")
    (out / "notebooks" / "readme.txt").write_text("not a notebook")  # the notebooks folder holds notebooks only
    r = verify(out)
    assert not r.ok
    assert [c[0] for c in r.changed] == ["report.html"]
    assert r.missing == ["validation/x.json"]
    assert r.extra == ["notebooks/readme.txt", "notes.txt"]
    lines = report_lines(r, "x")
    assert any(line.startswith("CHANGED  report.html (manifest sha256:") for line in lines)
    assert "MISSING  validation/x.json" in lines
    assert "EXTRA    notes.txt (not in the manifest)" in lines
    assert lines[-1] == "FAILED: x: 1 changed, 1 missing, 2 extra (manifest lists 3 files)"


def test_a_manifest_entry_outside_the_folder_is_refused_not_followed(tmp_path):
    out = _folder(tmp_path)
    (tmp_path / "received" / "secret").write_text("x")
    data = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    data["outputs_sha256"]["../secret"] = hashlib.sha256(b"x").hexdigest()
    manifest_path(out).write_text(json.dumps(data), encoding="utf-8")
    r = verify(out)
    assert r.invalid == ["../secret"] and not r.ok


def test_no_manifest_or_an_unreadable_one_is_a_one_line_error(tmp_path):
    with pytest.raises(ReportError, match="no such folder"):
        verify(tmp_path / "nowhere")
    with pytest.raises(ReportError, match="not a published outputs folder"):
        verify(tmp_path)
    manifest_path(tmp_path).write_text("{broken", encoding="utf-8")
    with pytest.raises(ReportError, match="unreadable manifest"):
        verify(tmp_path)


def test_the_command_exits_0_when_intact_1_on_a_difference_2_without_a_manifest(tmp_path, capsys):
    out = _folder(tmp_path)
    assert main(["verify", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("OK: ")
    (out / "figures.csv").write_bytes(b"id,value\na,2\n")
    assert main(["verify", str(out)]) == 1
    assert "CHANGED  figures.csv" in capsys.readouterr().out
    assert main(["verify", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


@pytest.mark.build
def test_a_built_folder_verifies_where_it_was_copied_and_a_byte_change_is_named(demo_project, tmp_path):
    copy = tmp_path / "elsewhere"
    shutil.copytree(demo_project / "outputs" / "2020", copy)
    r = verify(copy)
    assert r.ok, report_lines(r, "copy")
    assert r.identity["year"] == 2020 and r.identity["params_sha256"]
    data = bytearray((copy / "figures.csv").read_bytes())
    data[-2] ^= 1
    (copy / "figures.csv").write_bytes(bytes(data))
    assert [c[0] for c in verify(copy).changed] == ["figures.csv"]
