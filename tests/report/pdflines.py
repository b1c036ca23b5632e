"""The lines of a PDF as poppler's `pdftotext -bbox-layout` sees them, and what a print office checks in them:
wrapped body lines that end short of the right margin, paragraphs ending on a lone character, pages left short."""

from __future__ import annotations

import itertools
import re
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MM = 72 / 25.4
TOP, LEFT, WIDTH, HEIGHT = 37 * MM, 28 * MM, 156 * MM, 225 * MM
RIGHT = LEFT + WIDTH
CHAR = WIDTH / 28  # one character of the 28-a-line grid
PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")
LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S)


@dataclass(frozen=True)
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def body(self) -> bool:
        """A line of body text (16 pt on the 29 pt pitch), not a page number or a 22 pt title."""
        return 15 < self.y1 - self.y0 < 30 and not PAGE_NUMBER.fullmatch(self.text)


def lines(pdf: Path, pdftotext: str = "pdftotext") -> list[Line]:
    out = Path(tempfile.mkdtemp()) / "bbox.html"
    subprocess.run([pdftotext, "-bbox-layout", str(pdf), str(out)], check=True)
    found = []
    for number, page in enumerate(re.findall(r"<page .*?</page>", out.read_text(encoding="utf-8"), re.S), start=1):
        for m in LINE.finditer(page):
            text = "".join(re.findall(r">([^<]*)</word>", m.group(5)))
            found.append(Line(number, *(float(m.group(i)) for i in range(1, 5)), text))
    return found


def wrapped(found: list[Line]) -> list[Line]:
    """Body lines followed by a line of the same paragraph (it starts at the left margin, right under it or atop
    the next page)."""
    body = [line for line in found if line.body]
    out = []
    for line, nxt in itertools.pairwise(body):
        same_page = nxt.page == line.page and 0 < nxt.y0 - line.y0 < 40
        if abs(nxt.x0 - LEFT) < 2 and (same_page or nxt.page == line.page + 1):
            out.append(line)
    return out


def short(found: list[Line]) -> list[Line]:
    """Wrapped lines that end more than one character short of the right margin."""
    return [line for line in wrapped(found) if RIGHT - line.x1 > CHAR]


def letters(text: str) -> int:
    return sum(1 for c in text if c.strip() and not unicodedata.category(c).startswith("P"))


def lone_endings(found: list[Line]) -> list[Line]:
    """Paragraphs' last lines (they start at the margin, after a line of the same page) holding one character."""
    body = [line for line in found if line.body]
    return [
        line
        for prev, line in itertools.pairwise(body)
        if abs(line.x0 - LEFT) < 2 and prev.page == line.page and line not in wrapped(found) and letters(line.text) <= 1
    ]


def fullness(found: list[Line]) -> dict[int, float]:
    """Per page, how far down the text block its lowest body line reaches (0..1)."""
    out: dict[int, float] = {}
    for line in found:
        if line.body:
            out[line.page] = max(out.get(line.page, 0.0), (line.y1 - TOP) / HEIGHT)
    return out
