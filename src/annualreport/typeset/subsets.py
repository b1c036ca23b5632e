"""Font subsets kept between builds: a face cut down to a page's characters is the same bytes whenever the face
and the characters are, so it is kept in the machine's font cache (`<cache>/fonts/subsets/`) by the face's path,
size and modification time, fontTools' version and the characters, and read back instead of cut again.

A year's pages (the report's two editions, its annex, the auditor's page, the Data Docs) are cut from the same five
faces, and a rebuild after one changed value mostly shows the same characters, so most cuts of a build are read
back (each costs 0.1-0.5 s of CPU). The newest `KEEP` subsets are kept; older ones are removed when one is added.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from annualreport.base.paths import cache_dir
from annualreport.base.tables import atomic_write_bytes

KEEP = 256  # subsets kept; a year's build makes about a dozen


def folder() -> Path:
    return cache_dir() / "fonts" / "subsets"


def key(face: Path, chars: str, tool_version: str) -> str:
    st = face.stat()
    made_of = f"{face.resolve()}|{st.st_size}|{st.st_mtime_ns}|{tool_version}|{chars}"
    return hashlib.sha256(made_of.encode("utf-8")).hexdigest()


def cached(face: Path, chars: str, tool_version: str, make: Callable[[], str]) -> str:
    """The subset of `face` to `chars` (`make()` computes it, as base64 text): read back when kept, else made and
    kept. A cache that cannot be written (a read-only home) only costs the cut."""
    path = folder() / f"{key(face, chars, tool_version)}.b64"
    try:
        text = path.read_text(encoding="ascii")
        os.utime(path)  # the newest are kept
        return text
    except (OSError, ValueError):
        pass
    text = make()
    try:
        atomic_write_bytes(path, text.encode("ascii"))  # a failed write leaves no temporary file behind
        _prune(path.parent)
    except OSError:
        pass
    return text


def _prune(where: Path) -> None:
    kept = sorted(where.glob("*.b64"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)
