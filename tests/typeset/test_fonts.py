"""The official layout's faces: the pinned Debian fetch (mocked: no network, no apt), the roles and their
fallbacks, the CFF-to-TrueType conversion, the font lists of the HTML and of the PDF."""

from __future__ import annotations

import hashlib
import logging
import subprocess
from pathlib import Path

import pytest

from annualreport.report import render
from annualreport.typeset import fontconvert, fontdebs, fonts


def _deb(tmp_path: Path, content: bytes = b"fake deb") -> fontdebs.DebFont:
    return fontdebs.DebFont(
        "kai", "fonts-x", "1.0-1", hashlib.sha256(content).hexdigest(), "usr/share/fonts/x/X.ttf", "X", "X.ttf"
    )


class FakeApt:
    """Stands for apt-get download (writes `content` as the .deb) and dpkg-deb -x (writes the member)."""

    def __init__(self, content: bytes = b"fake deb", download_ok: bool = True):
        self.content, self.download_ok, self.calls = content, download_ok, []

    def __call__(self, cmd, cwd=None, **kw):
        self.calls.append(cmd[:2])
        if cmd[0] == "apt-get":
            if not self.download_ok:
                return subprocess.CompletedProcess(cmd, 100, "", "E: Unable to locate package fonts-x")
            (Path(cwd) / "fonts-x_1.0-1_all.deb").write_bytes(self.content)
            return subprocess.CompletedProcess(cmd, 0, "", "")
        out = Path(cmd[3])
        for member in ("usr/share/fonts/x/X.ttf", "usr/share/doc/fonts-x/copyright"):
            (out / member).parent.mkdir(parents=True, exist_ok=True)
            (out / member).write_bytes(b"font" if member.endswith("ttf") else b"OFL")
        return subprocess.CompletedProcess(cmd, 0, "", "")


@pytest.fixture
def apt_present(monkeypatch):
    monkeypatch.setattr(fontdebs.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.delenv("ANNUALREPORT_FONTS_FETCH", raising=False)


def _copy_prepare(src: Path, face, out: Path) -> Path:
    out.write_bytes(src.read_bytes())
    return out


def test_fetch_checks_the_pin_extracts_and_keeps_the_copyright(tmp_path, monkeypatch, apt_present):
    monkeypatch.setattr(fontdebs, "DEBS", (_deb(tmp_path),))
    apt = FakeApt()
    faces, problems = fontdebs.fetch(tmp_path / "cache", _copy_prepare, run=apt)
    assert problems == [] and faces == {"kai": tmp_path / "cache" / "X.ttf"}
    assert (tmp_path / "cache" / "fonts-x.copyright").read_bytes() == b"OFL"
    assert apt.calls == [["apt-get", "download"], ["dpkg-deb", "-x"]]
    # cached: a second run fetches nothing
    again = FakeApt()
    assert fontdebs.fetch(tmp_path / "cache", _copy_prepare, run=again)[0] == faces and again.calls == []


def test_a_deb_that_does_not_match_its_pin_is_refused(tmp_path, monkeypatch, apt_present):
    monkeypatch.setattr(fontdebs, "DEBS", (_deb(tmp_path),))
    faces, problems = fontdebs.fetch(tmp_path / "cache", _copy_prepare, run=FakeApt(content=b"tampered"))
    assert faces == {} and len(problems) == 1 and "does not match the pinned" in problems[0]
    assert not (tmp_path / "cache" / "X.ttf").exists()


def test_no_apt_or_no_package_gives_one_line_per_package_and_no_face(tmp_path, monkeypatch, apt_present):
    faces, problems = fontdebs.fetch(tmp_path / "c1", _copy_prepare, run=FakeApt(download_ok=False))
    assert faces == {} and len(problems) == len(fontdebs.DEBS) and "apt-get download failed" in problems[0]
    monkeypatch.setattr(fontdebs.shutil, "which", lambda name: None)
    faces, problems = fontdebs.fetch(tmp_path / "c2", _copy_prepare, run=FakeApt())
    assert faces == {} and all("not a Debian system" in p for p in problems)
    monkeypatch.setenv("ANNUALREPORT_FONTS_FETCH", "0")
    apt = FakeApt()
    assert fontdebs.fetch(tmp_path / "c3", _copy_prepare, run=apt) == ({}, []) and apt.calls == []


def test_the_pins_are_exact_versions_with_sha256():
    for deb in fontdebs.DEBS:
        assert "=" not in deb.version and len(deb.sha256) == 64 and deb.out.endswith(".ttf")
    assert {d.role for d in fontdebs.DEBS} == set(fonts.FALLBACK_NOTE)


@pytest.fixture
def fake_cache(tmp_path, monkeypatch):
    """fonts' paths pointed at empty files in tmp_path (no instancing, no subsetting)."""
    sans = {style: tmp_path / f"NotoSansSC-{style}.ttf" for style in fonts.WEIGHTS}
    for p in [*sans.values(), tmp_path / "serif.ttf", tmp_path / "black.ttf"]:
        p.write_bytes(b"")
    monkeypatch.setattr(fonts, "ensure_fonts", lambda fetch=False: sans)
    monkeypatch.setattr(fonts, "serif_path", lambda: tmp_path / "serif.ttf")
    monkeypatch.setattr(fonts, "black_path", lambda: tmp_path / "black.ttf")
    monkeypatch.setattr(fonts, "deb_folder", lambda: tmp_path / "deb")
    fonts._warn_fallback.cache_clear()
    return tmp_path


def test_without_the_debian_faces_the_roles_fall_back_with_one_warning(fake_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="annualreport.typeset.fonts"):
        faces = {f.family: f for f in fonts.report_faces()}
        fonts.report_faces()
    assert set(faces) == {"Report Body", "Report Hei", "Report Bold", "Report Title"}  # no Kai: CSS goes on to Body
    assert faces["Report Title"].path.name == "black.ttf" and faces["Report Title"].only_h1
    assert faces["Report Bold"].path.name == "NotoSansSC-Bold.ttf" and faces["Report Bold"].weight == 700
    assert faces["Report Body"].path.name == "serif.ttf"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "楷体" in warnings[0].getMessage()


def test_with_the_debian_faces_every_role_has_its_face(fake_cache, caplog):
    (fake_cache / "deb").mkdir()
    for deb in fontdebs.DEBS:
        (fake_cache / "deb" / deb.out).write_bytes(b"")
    with caplog.at_level(logging.WARNING):
        faces = {f.family: f.path.name for f in fonts.report_faces()}
    assert faces["Report Kai"] == "LXGWWenKai-Regular.ttf"
    assert faces["Report Title"] == faces["Report Bold"] == "NotoSerifCJKsc-Bold.ttf"
    assert not caplog.records


def test_the_font_key_says_which_debian_faces_the_machine_has(fake_cache, monkeypatch):
    monkeypatch.setattr(fonts, "_key", lambda: "k")
    before = fonts.font_key()
    (fake_cache / "deb").mkdir()
    (fake_cache / "deb" / fontdebs.DEBS[0].out).write_bytes(b"")
    assert fonts.font_key() != before


def test_a_cff_face_becomes_truetype_with_the_same_characters():
    from fontTools.ttLib import TTFont

    font = TTFont(fonts.serif_source(), recalcTimestamp=False, lazy=True)
    fonts._subset(font, "中文报告一、")
    fontconvert.to_truetype(font)
    import io

    buf = io.BytesIO()
    font.save(buf)
    again = TTFont(io.BytesIO(buf.getvalue()))
    assert "glyf" in again and "CFF " not in again and again.sfntVersion == "\x00\x01\x00\x00"
    cmap = again.getBestCmap()
    assert all(ord(c) in cmap for c in "中文报告一、")
    assert again["glyf"][cmap[ord("中")]].numberOfContours > 0
    assert again["name"].getDebugName(1) == "Noto Serif SC"


def test_the_html_names_office_faces_first_and_the_pdf_only_embedded_ones(root):
    css = (root / "templates" / "report" / "official.css").read_text(encoding="utf-8")
    assert '--f-body: "FangSong", "仿宋_GB2312"' in css and '--f-hei: "SimHei", "黑体"' in css
    assert '--f-kai: "KaiTi", "楷体_GB2312"' in css and '--f-title: "方正小标宋简体"' in css
    families = {f"--f-{k}" for k in ("body", "hei", "kai", "bold", "title", "number")}
    for var in families:
        assert var in render.PDF_CSS
    for office in ("FangSong", "SimHei", "KaiTi", "仿宋", "黑体", "楷体", "方正", "SimSun"):
        assert office not in render.PDF_CSS


def test_heading_forms_are_marked_whatever_the_depth():
    page = (
        '<h2 id="sec-0" class="sec sec-l1">一、回顾</h2><h3 id="sec-1" class="sec sec-l2">（一）党建</h3>'
        '<h3 id="sec-2" class="sec sec-l2">1.问题</h3><h5 id="sec-3" class="sec sec-l4">（1）细项</h5>'
        '<h2 class="sec sec-l1" id="quality">附：数据质量</h2><h2 class="toc-title">目录</h2>'
    )
    out = render.mark_heading_forms(page)
    assert '<h2 id="sec-0" class="sec sec-l1" data-num="1">' in out
    assert '<h3 id="sec-1" class="sec sec-l2" data-num="2">' in out
    assert '<h3 id="sec-2" class="sec sec-l2" data-num="3">' in out
    assert '<h5 id="sec-3" class="sec sec-l4" data-num="4">' in out
    assert '<h2 class="sec sec-l1" id="quality">附' in out and '<h2 class="toc-title">' in out


def test_a_process_making_faces_is_waited_for(tmp_path, monkeypatch):
    """While another process holds the font cache's lock (a first build's background child making the faces),
    font_key and ensure_fonts wait for it instead of seeing half of the faces or making them twice."""
    import subprocess
    import sys
    import time

    monkeypatch.setenv("ANNUALREPORT_CACHE", str(tmp_path))
    code = "import time; from annualreport.typeset import fonts\nwith fonts._locked():\n print('locked', flush=True); time.sleep(1.5)"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    started = time.monotonic()
    fonts.font_key()
    assert time.monotonic() - started >= 1.0
    child.wait()
    # with every face made, neither a background child nor the lock is needed
    for path in [*fonts.font_paths().values(), fonts.serif_path()]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"face")
    monkeypatch.setenv("ANNUALREPORT_FONTS_FETCH", "0")
    assert fonts.prepare_in_background() is None
