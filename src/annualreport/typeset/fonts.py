"""The report's CJK faces (all SIL OFL 1.1; docs/fonts.md says which serves which level).

Noto Sans SC, from the pinned `justmytype-intl-cjk` package, ships as one variable font. Charts
(matplotlib) and PDF (WeasyPrint) need static faces, and WeasyPrint does not fake bold, so
`ensure_fonts()` makes a Regular (400) and a Bold (700) instance, subset to GB2312 plus ASCII and CJK
punctuation, once per machine, in the cache (`~/.cache/annualreport/fonts`). It also cuts Noto Serif
SC Regular (the body face, from the pinned `pylopdf-fonts-zh-cn`) down to the same characters, and,
with `fetch=True` (`make setup`), the two Debian faces of typeset/fontdebs.py. Output is deterministic
(no timestamps). `report_faces()` says which file serves which role of the official layout, with the
fallbacks; `subset_base64()` cuts a face down to the characters a page uses, for inlining into HTML.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import io
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from annualreport.base.paths import cache_dir
from annualreport.typeset import fontdebs, subsets
from annualreport.typeset.fontconvert import cff_passes_skipped, to_truetype

log = logging.getLogger(__name__)

FAMILY = "Noto Sans SC"
WEIGHTS = {"Regular": 400, "Bold": 700}
FONT_VERSION = "3"  # bump when the recipe below changes
EXTRA = "•　、。·ˉˇ¨〃々—～‖…‘’“”〔〕〈〉《》「」『』〖〗【】±×÷∶∧∨∑∏∪∩∈∷√⊥∥∠⌒⊙∫∮≡≌≈∽∝≠≮≯≤≥∞∵∴♂♀°′″℃＄¤￠￡‰§№☆★○●◎◇◆□■△▲※→←↑↓〓％＋－，．：；？！（）"


def source_font() -> Path:
    import justmytype_intl_cjk

    base = Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc"
    found = sorted(base.glob("NotoSansSC*.ttf"))
    if not found:
        raise FileNotFoundError(f"Noto Sans SC not found under {base}")
    return found[0]


def serif_source() -> Path:
    import pylopdf_fonts_zh_cn

    path = Path(pylopdf_fonts_zh_cn.__file__).parent / "NotoSerifSC-Regular.otf"
    if not path.is_file():
        raise FileNotFoundError(f"Noto Serif SC not found at {path}")
    return path


def serif_licence_text() -> str:

    from importlib.metadata import distribution  # deferred: only when a face is made (tools/deferred_imports.toml)

    return distribution("pylopdf-fonts-zh-cn").read_text("licenses/LICENSE") or ""


def charset() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([b1, b2]).decode("gb2312"))
    chars.update(EXTRA)
    return "".join(sorted(chars))


def _key() -> str:
    import fontTools

    src = source_font()
    h = hashlib.sha256(f"{FONT_VERSION}|{fontTools.version}|{src.name}|{src.stat().st_size}".encode())
    return h.hexdigest()[:16]


def font_paths() -> dict[str, Path]:
    d = cache_dir() / "fonts" / _key()
    return {style: d / f"NotoSansSC-{style}.ttf" for style in WEIGHTS}


def serif_path() -> Path:
    src = serif_source()
    h = hashlib.sha256(f"{FONT_VERSION}|{_fonttools()}|{src.name}|{src.stat().st_size}".encode()).hexdigest()[:16]
    return cache_dir() / "fonts" / f"serif-{h}" / "NotoSerifSC-Regular.ttf"


def deb_folder() -> Path:
    h = hashlib.sha256(f"{FONT_VERSION}|{_fonttools()}|{fontdebs.key()}".encode()).hexdigest()[:16]
    return cache_dir() / "fonts" / f"deb-{h}"


def _fonttools() -> str:
    import fontTools

    return fontTools.version


def ensure_fonts(fetch: bool = False) -> dict[str, Path]:
    """Make (once) and return the static Regular and Bold Noto Sans SC faces; also prepare (once) the
    serif body face and, with `fetch`, the pinned Debian faces (a warning line per face that failed).
    The faces are independent: on a machine with several cores each is made in a process of its own.
    Processes preparing faces take turns (a lock in the font cache): one waits for the other, then finds
    the faces made."""
    if not _jobs(fetch):
        return font_paths()
    with _locked():
        return _ensure_locked(fetch)


def _jobs(fetch: bool) -> list[tuple]:
    """The faces still to make, the longest first (the Noto CJK package is a large download), so two
    cores balance."""
    jobs: list[tuple] = []
    if fetch:
        jobs += [("deb", deb.package) for deb in fontdebs.missing(deb_folder())][::-1]
    if not serif_path().exists():
        jobs.append(("serif",))
    return jobs + [("instance", style) for style, path in font_paths().items() if not path.exists()]


@contextlib.contextmanager
def _locked():

    lock = font_paths()["Regular"].parent.parent / ".lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _ensure_locked(fetch: bool) -> dict[str, Path]:
    jobs = _jobs(fetch)
    if not jobs:
        return font_paths()
    log.warning("preparing the report's CJK faces once for this machine (%d of them, about 20 s)", len(jobs))
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers > 1:
        import multiprocessing  # deferred: only when faces are made, once per machine
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_make, jobs))
    else:
        results = [_make(job) for job in jobs]
    for line in filter(None, results):
        log.warning("font not fetched, the report falls back (docs/fonts.md): %s", line)
    return font_paths()


def prepare_in_background():
    """When faces are missing (a first build on a new machine), start making them, with the Debian faces,
    in a child process and return it once it holds the lock: the build's first stages (cleaning,
    validation, figures) need no font and run meanwhile; whatever needs a face waits for the child.
    None when every face is there."""
    if not _jobs(fetch=True):
        return None

    code = "from annualreport.typeset import fonts; fonts.prepare_as_child()"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    child.stdout.readline()  # "locked" (or nothing, when the child failed: the stages make the faces then)
    return child


def prepare_as_child() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    with _locked():
        print("locked", flush=True)
        _ensure_locked(fetch=True)


def _make(job: tuple) -> str | None:
    """One face (run in a worker process): None, or the line saying why a fetched face failed."""
    kind, name = job[0], job[-1]
    if kind == "serif":
        prepare(serif_source(), None, serif_path())
        (serif_path().parent / "OFL.txt").write_text(serif_licence_text(), encoding="utf-8")
        return None
    if kind == "deb":
        deb = next(d for d in fontdebs.DEBS if d.package == name)
        return fontdebs.fetch_one(deb, deb_folder(), prepare)
    from fontTools.ttLib import TTFont

    src = TTFont(source_font(), recalcTimestamp=False)
    _subset(src, charset())
    _save(_instance(src, name, WEIGHTS[name]), font_paths()[name])
    return None


def _instance(src, style: str, weight: int):
    from fontTools.varLib import instancer

    inst = instancer.instantiateVariableFont(src, {"wght": weight}, inplace=False, updateFontNames=True)
    _set_names(inst, style)
    return inst


def _save(font, target: Path) -> None:
    buf = io.BytesIO()
    font.save(buf)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, target)


def prepare(src: Path, face: str | None, target: Path) -> Path:
    """Cut a static face (the one named `face` of a .ttc) down to `charset()`, names kept, into `target`,
    as TrueType outlines: WeasyPrint subsets a CFF face five times slower (it desubroutinizes every
    glyph), so the conversion (about 10 s, once) saves seconds on every PDF."""
    from fontTools.ttLib import TTCollection, TTFont

    fonts = (
        TTCollection(src, recalcTimestamp=False).fonts if src.suffix == ".ttc" else [TTFont(src, recalcTimestamp=False)]
    )
    found = [f for f in fonts if face is None or f["name"].getDebugName(6) == face]
    if not found:
        raise fontdebs.FetchError(f"{src.name} has no face {face}")
    font = found[0]
    if "CFF " in font:
        with cff_passes_skipped(font):
            _subset(font, charset())
        to_truetype(font)
    else:
        _subset(font, charset())
    _save(font, target)
    return target


def black_path() -> Path:
    """Noto Sans SC Black (900), the title's stand-in when the heavy serif was not fetched (made once)."""
    target = font_paths()["Regular"].with_name("NotoSansSC-Black.ttf")
    if not target.exists():
        from fontTools.ttLib import TTFont

        src = TTFont(source_font(), recalcTimestamp=False)
        _subset(src, charset())
        _save(_instance(src, "Black", 900), target)
    return target


@dataclass(frozen=True)
class Face:
    """One @font-face of the report: the CSS family the stylesheet names, its weight, the file."""

    family: str
    weight: int
    path: Path
    only_h1: bool = False  # subset to the title's characters only (it serves nothing else)


FALLBACK_NOTE = {
    "kai": "（一） headings in the serif body face instead of 楷体 (LXGW WenKai)",
    "serif_bold": "title in Noto Sans SC Black and bold text in Noto Sans SC Bold instead of Noto Serif CJK SC Bold",
}


def report_faces() -> list[Face]:
    """The faces of the official layout by role (families of templates/report/official.css): body
    (仿宋 stand-in), 黑体, bold serif, 楷体, title (小标宋 stand-in). A Debian face not fetched falls
    back (FALLBACK_NOTE), with one warning line per process."""
    sans, debs = ensure_fonts(), fontdebs.cached(deb_folder())
    bold = debs.get("serif_bold")
    faces = [
        Face("Report Body", 400, serif_path()),
        Face("Report Hei", 400, sans["Bold"]),
        Face("Report Bold", 700, bold or sans["Bold"]),
        Face("Report Title", 400, bold or black_path(), only_h1=True),
    ]
    if "kai" in debs:
        faces.append(Face("Report Kai", 400, debs["kai"]))
    missing = tuple(role for role in FALLBACK_NOTE if role not in debs)
    if missing:
        _warn_fallback(missing)
    return faces


@cache
def _warn_fallback(missing: tuple[str, ...]) -> None:
    log.warning(
        "official-layout fonts not fetched (make setup on a Debian system with apt fetches them): %s",
        "; ".join(FALLBACK_NOTE[r] for r in missing),
    )


def _subset(font, text: str) -> None:
    """Cut `font` down to the glyphs of `text`, keeping layout features and names."""
    from fontTools import subset

    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)


def _set_names(font, style: str) -> None:
    """Family 'Noto Sans SC', subfamily Regular/Bold, so CSS and matplotlib see one family."""
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 16):
            name.setName(FAMILY, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID in (2, 17):
            name.setName(style, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 4:
            name.setName(f"{FAMILY} {style}", rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 6:
            name.setName(f"NotoSansSC-{style}", rec.nameID, rec.platformID, rec.platEncID, rec.langID)
    if style == "Bold":
        font["OS/2"].usWeightClass = 700
        font["OS/2"].fsSelection = (font["OS/2"].fsSelection | 0x20) & ~0x40
        font["head"].macStyle |= 0x1
    else:
        font["OS/2"].usWeightClass = 400


@cache
def setup_matplotlib() -> None:
    """Register the CJK faces with matplotlib and make charts reproducible (SVG ids, metadata)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rcParams

    for p in ensure_fonts().values():
        font_manager.fontManager.addfont(str(p))
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [FAMILY, "DejaVu Sans"]
    rcParams["axes.unicode_minus"] = False
    rcParams["svg.hashsalt"] = "annualreport"
    rcParams["svg.fonttype"] = "path"


def subset_base64(style: str | Path, text: str) -> str:
    """The face (a Noto Sans SC style, or a prepared face's path) cut down to the characters of `text`
    (plus ASCII), as base64 WOFF-less TTF/OTF."""
    path = style if isinstance(style, Path) else ensure_fonts()[style]
    chars = "".join(sorted(set(text) | {chr(c) for c in range(0x20, 0x7F)}))

    def make() -> str:
        from fontTools.ttLib import TTFont

        # Glyphs are copied as they are (no bounding-box recalculation, lazy tables): 3x faster, same bytes.
        font = TTFont(path, recalcTimestamp=False, recalcBBoxes=False, lazy=True)
        _subset(font, chars)
        buf = io.BytesIO()
        font.save(buf)
        return base64.b64encode(buf.getvalue()).decode("ascii")

    return subsets.cached(path, chars, _fonttools(), make)  # kept between builds


def font_key() -> str:
    """Identifies the prepared faces (recipe, fontTools, source fonts, which Debian faces this machine
    has): part of stage keys, so a machine that falls back never reuses another's cached pages."""
    with _locked():  # faces being made (by a build's background child) are waited for, not half seen
        debs = ",".join(sorted(fontdebs.cached(deb_folder())))
    return hashlib.sha256(f"{_key()}|{serif_path().parent.name}|{deb_folder().name}:{debs}".encode()).hexdigest()[:16]
