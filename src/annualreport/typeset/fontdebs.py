"""The two official-layout faces PyPI does not have, from pinned Debian packages (SIL OFL 1.1).

楷体 stand-in: LXGW WenKai Regular (`fonts-lxgw-wenkai`); 小标宋 stand-in and bold 仿宋: Noto Serif CJK SC
Bold (`fonts-noto-cjk`). `fetch()` runs once per machine from `make setup`: `apt-get download
<package>=<version>` (no root needed), the .deb's sha256 checked against the pin, `dpkg-deb -x` into a
scratch folder, the face cut down to the same character set as the others and saved with the package's
copyright file into the font cache. Without apt (or with `ANNUALREPORT_FONTS_FETCH=0`) nothing is
fetched and the report falls back (typeset/fonts.py `report_faces`), with one warning line per build.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTLibError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DebFont:
    role: str
    package: str
    version: str
    sha256: str  # of the .deb, as Debian's Packages index lists it
    member: str  # the font file inside the package
    face: str  # PostScript name of the face (picks one face of a .ttc)
    out: str  # file name in the cache

    @property
    def copyright(self) -> str:
        return f"usr/share/doc/{self.package}/copyright"


DEBS = (
    DebFont(
        "kai",
        "fonts-lxgw-wenkai",
        "1.250+repack-1",
        "6d1e4c4aac78ad32062aefa2c836ee4d6e58f9dcf8b3f4407c9eefe304615318",
        "usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
        "LXGWWenKai-Regular",
        "LXGWWenKai-Regular.ttf",
    ),
    DebFont(
        "serif_bold",
        "fonts-noto-cjk",
        "1:20220127+repack1-1",
        "4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502",
        "usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
        "NotoSerifCJKsc-Bold",
        "NotoSerifCJKsc-Bold.ttf",
    ),
)


class FetchError(RuntimeError):
    """A pinned package could not be fetched or did not match its pin."""


def key() -> str:
    """Identifies the pins (part of the font cache folder's name)."""
    return hashlib.sha256("|".join(f"{d.package}={d.version}:{d.sha256}" for d in DEBS).encode()).hexdigest()[:12]


def cached(folder: Path) -> dict[str, Path]:
    """{role: prepared face} of the Debian faces already in `folder`."""
    return {d.role: folder / d.out for d in DEBS if (folder / d.out).is_file()}


def fetch(folder: Path, prepare, run=subprocess.run) -> tuple[dict[str, Path], list[str]]:
    """Fetch, check and prepare each pinned face not yet in `folder`. `prepare(src, face, out)` cuts
    the face down (typeset/fonts.py). Returns the faces present and one line per face that failed."""
    problems = [line for deb in missing(folder) if (line := fetch_one(deb, folder, prepare, run))]
    return cached(folder), problems


def missing(folder: Path) -> list[DebFont]:
    """The pinned faces not yet prepared in `folder` (none when fetching is switched off)."""
    if os.environ.get("ANNUALREPORT_FONTS_FETCH", "1") == "0":
        return []
    return [deb for deb in DEBS if not (folder / deb.out).is_file()]


def fetch_one(deb: DebFont, folder: Path, prepare, run=subprocess.run) -> str | None:
    """Fetch, check and prepare one face; None, or the line saying why it failed."""
    try:
        with tempfile.TemporaryDirectory(prefix="annualreport-deb-") as tmp:
            src = _download(deb, Path(tmp), run)
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / "x" / deb.copyright, folder / f"{deb.package}.copyright")
            prepare(src, deb.face, folder / deb.out)
    except (FetchError, OSError, subprocess.SubprocessError, ValueError, TTLibError) as exc:
        return f"{deb.package}={deb.version}: {exc}"
    return None


def _download(deb: DebFont, tmp: Path, run) -> Path:
    """`apt-get download` the pinned package into `tmp`, check its sha256, extract it; the font file."""
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        raise FetchError("apt-get/dpkg-deb not found (not a Debian system)")
    done = run(["apt-get", "download", "-q", f"{deb.package}={deb.version}"], cwd=tmp, capture_output=True, text=True)
    files = sorted(tmp.glob("*.deb"))
    if done.returncode != 0 or not files:
        last = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or ["no .deb"]
        raise FetchError(f"apt-get download failed: {last[0]}")
    with files[0].open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    if digest != deb.sha256:
        raise FetchError(f"sha256 {digest[:12]}… does not match the pinned {deb.sha256[:12]}…")
    done = run(["dpkg-deb", "-x", str(files[0]), str(tmp / "x")], capture_output=True, text=True)
    files[0].unlink()
    src = tmp / "x" / deb.member
    if done.returncode != 0 or not src.is_file():
        raise FetchError(f"dpkg-deb -x did not give {deb.member}")
    return src
