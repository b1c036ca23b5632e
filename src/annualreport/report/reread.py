"""Text nobody has reread: the year's prose carried unchanged from the year before, and year-bound phrases used
outside their years, found by the build's reread stage and listed until the analyst edits or accepts them.

`make new-year` copies the year before's narrative folder, so a new year starts with last year's prose under this
year's numbers ("{year}年是中国共产党成立一百周年" printed for 2024). The reread stage (`run_reread`) reads this year's
narrative folder, the year before's and `specs/year_terms.yaml`, and writes one row per finding (the `reread`
artefact, published):

- `unchanged`: a paragraph of this year's prose identical to one of the year before's (spaces aside; a reference
  such as `{enrolled_vocational}` counts as its text, so a sentence whose numbers changed is still carried);
- `out_of_year`: a year-bound phrase used outside its years (`base/terms.py` `YearTerm.fits`: the review may use
  a phrase of the report year, the plan a phrase of the report year or the next; the plan is a section whose
  heading names `{next_year}`, with everything under it);
- and first, one `paragraphs` row whose `paragraph` column counts this year's paragraphs (`years`: the year compared
  with, empty when the year before has no narrative), so the build can say "41 of 58".

Paragraphs are the blocks of each prose file the outline names, separated by blank lines, numbered from 1 per file
(`split_paragraphs`), and the outline's headings, numbered from 1 in reading order (`Outline.walk()`) as
paragraphs of `sections.yaml`. Every paragraph is searched for phrases; a heading is compared with the year
before only when it is a sentence (it ends with 。, as the items of 存在的问题 do), the others being the report's
standing structure. A finding's name is stable and short: `review.md#1` (carried), `十九届五中全会@party_political.md#1`
(a phrase). The analyst accepts findings by name (`make signoff ACCEPT=…`), recorded with the paragraph's sha256 in
the narrative folder's `reviewed.yaml` (`accept`); an acceptance holds while the paragraph reads the same, wherever it
moves in its file, and an edited paragraph is a new one (no longer identical, so no longer carried).

The report's views read a build's findings through `load(places)` (`Findings.unreviewed`, `.out_of_year`, `.left`);
the driver prints `build_line`. Light module: the standard library and `base` only.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annualreport.base.catalog import INPUTS
from annualreport.base.errors import SpecError
from annualreport.base.outline import load_outline
from annualreport.base.paths import load_yaml
from annualreport.base.places import source_path
from annualreport.base.tables import atomic_write_bytes, unneutralise
from annualreport.base.terms import YearTerm, load_year_terms

if TYPE_CHECKING:
    from annualreport.base.params import Params
    from annualreport.base.places import Places

OUTLINE = INPUTS["outline"].pattern.rsplit("/", 1)[-1]  # sections.yaml: its headings are its paragraphs
PARAGRAPHS, UNCHANGED, OUT_OF_YEAR = "paragraphs", "unchanged", "out_of_year"
COLUMNS = ("name", "kind", "file", "paragraph", "term", "years", "accepted", "text", "sha256")
QUOTES = re.compile(r"[\s“”‘’\"'「」『』]+")
BLANK_LINE = re.compile(r"\n[ \t]*\n")
EXCERPT = 40  # characters of a paragraph kept in the findings and the reviewed file


# ------------------------------------------------------------------------------------------------- paragraphs
def split_paragraphs(text: str) -> list[str]:
    """A prose file's paragraphs: its blocks separated by blank lines, stripped, in order (number n is [n - 1])."""
    return [p.strip() for p in BLANK_LINE.split(text.replace("\r\n", "\n")) if p.strip()]


def same_text(text: str) -> str:
    """What two paragraphs must share to be the same: their text without spaces and line breaks."""
    return re.sub(r"\s+", "", text)


def digest(text: str) -> str:
    return hashlib.sha256(same_text(text).encode("utf-8")).hexdigest()


def phrase_text(text: str) -> str:
    """Text as phrases are matched: full-width forms folded (NFKC), quotation marks and spaces dropped."""
    return QUOTES.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Paragraph:
    file: str  # the prose file's name in the narrative folder, or sections.yaml for a heading
    number: int  # from 1, per file
    text: str  # as written, references and all
    plan: bool  # in the plan (a section whose heading names {next_year}, or under one)
    compared: bool  # compared with the year before (prose, and headings that are sentences)


def paragraphs(directory: Path) -> list[Paragraph]:
    """This year's paragraphs in reading order: each heading of the outline, then its section's prose."""
    outline = load_outline(directory)
    out: list[Paragraph] = []
    headings, seen = 0, set()

    def visit(sections, plan: bool) -> None:
        nonlocal headings
        for s in sections:
            inside = plan or "{next_year}" in s.heading
            headings += 1
            out.append(Paragraph(OUTLINE, headings, s.heading, inside, s.heading.rstrip().endswith("。")))
            if s.body and s.body not in seen:
                seen.add(s.body)
                text = (directory / s.body).read_text(encoding="utf-8")
                out.extend(Paragraph(s.body, n, p, inside, True) for n, p in enumerate(split_paragraphs(text), 1))
            visit(s.children, inside)

    visit(outline.sections, False)
    return out


def earlier_texts(directory: Path) -> set[str]:
    """The year before's paragraphs, as `same_text`: every prose file of its folder and its sentence headings."""
    texts = {same_text(p) for f in sorted(directory.glob("*.md")) for p in split_paragraphs(f.read_text("utf-8"))}
    if (directory / OUTLINE).is_file():
        texts |= {same_text(s.heading) for s in load_outline(directory).walk() if s.heading.rstrip().endswith("。")}
    return texts


# --------------------------------------------------------------------------------------------------- findings
@dataclass(frozen=True)
class Finding:
    name: str  # `review.md#1`, `十九届五中全会@party_political.md#1`: what the analyst accepts it by
    kind: str  # unchanged, out_of_year
    file: str
    paragraph: int
    term: str = ""  # the year-bound phrase (out_of_year)
    years: str = ""  # its years, "2020" or "2020 2021"
    accepted: bool = False
    text: str = ""  # the paragraph's first words
    sha256: str = ""  # of the paragraph's text, spaces aside (`digest`)

    @property
    def key(self) -> tuple[str, str, str]:
        """What an acceptance holds for: the phrase, the file and the paragraph's text (not its number)."""
        return (self.term, self.file, self.sha256)


def finding_name(file: str, paragraph: int, term: str = "") -> str:
    return f"{term}@{file}#{paragraph}" if term else f"{file}#{paragraph}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT] + "…"


def find(
    this: list[Paragraph], earlier: set[str] | None, terms: tuple[YearTerm, ...], year: int, accepted: set
) -> list[Finding]:
    """The findings of this year's paragraphs: carried unchanged (when there is a year before) and phrases outside
    their years (`terms`, longest first: a phrase inside a longer one found is not found again)."""
    out = []
    for p in this:
        sha, excerpt = digest(p.text), _excerpt(p.text)

        def finding(kind: str, term: str = "", years: str = "", p=p, sha=sha, excerpt=excerpt) -> Finding:
            name = finding_name(p.file, p.number, term)
            ok = (term, p.file, sha) in accepted
            return Finding(name, kind, p.file, p.number, term, years, ok, excerpt, sha)

        if earlier is not None and p.compared and same_text(p.text) in earlier:
            out.append(finding(UNCHANGED))
        text = phrase_text(p.text)
        for t in terms:
            words = phrase_text(t.term)
            if words and words in text:
                text = text.replace(words, "\x00")
                if not t.fits(year, p.plan):
                    out.append(finding(OUT_OF_YEAR, t.term, " ".join(map(str, t.years))))
    return out


@dataclass(frozen=True)
class Findings:
    """A build's findings (the `reread` artefact), as the report's views and the signoff ask about them."""

    year_before: int | None  # the year compared with (None: the year before has no narrative)
    paragraphs: int  # this year's paragraphs compared
    findings: tuple[Finding, ...]

    @property
    def left(self) -> tuple[Finding, ...]:
        """The findings nobody has accepted: while there is one, the circulated document is a 征求意见稿."""
        return tuple(f for f in self.findings if not f.accepted)

    def unreviewed(self, file: str, paragraph: int) -> bool:
        """Whether paragraph `paragraph` of `file` (a prose file, or sections.yaml for the n-th heading) is carried
        unchanged from the year before and nobody has accepted it."""
        return any(f.kind == UNCHANGED and (f.file, f.paragraph) == (file, paragraph) for f in self.left)

    def out_of_year(self, file: str, paragraph: int) -> tuple[str, ...]:
        """The year-bound phrases outside their years that the paragraph holds and nobody has accepted."""
        return tuple(f.term for f in self.left if f.kind == OUT_OF_YEAR and (f.file, f.paragraph) == (file, paragraph))

    def counts(self) -> tuple[int, int]:
        """(paragraphs carried unchanged, phrases outside their years), of those nobody has accepted."""
        left = self.left
        return sum(f.kind == UNCHANGED for f in left), sum(f.kind == OUT_OF_YEAR for f in left)


def detect(params: Params) -> Findings:
    """This year's findings: its narrative folder against the year before's and the year-bound phrases, with the
    acceptances of the folder's reviewed file."""
    here = params.narrative_dir
    before = source_path("previous_narrative", params)
    earlier = None
    if before is not None and before.is_dir() and before.resolve() != here.resolve():
        earlier = earlier_texts(before)
    this = paragraphs(here)
    accepted = {a.key for a in load_reviewed(source_path("reviewed", params))}
    found = find(this, earlier, load_year_terms(params.root), params.year, accepted)
    year_before = params.year - 1 if earlier is not None else None
    return Findings(year_before, sum(p.compared for p in this), tuple(found))


# ---------------------------------------------------------------------------------------- the table it writes
def write(at: Places, found: Findings) -> Path:
    """The `reread` artefact: a `paragraphs` row, then one row per finding (CSV for Excel, as the ledger)."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(COLUMNS)
    out.writerow([PARAGRAPHS, PARAGRAPHS, "", found.paragraphs, "", found.year_before or "", "", "", ""])
    for f in found.findings:
        out.writerow([getattr(f, c) for c in COLUMNS])  # values as they are (base/tables.py)
    path = at("reread")
    atomic_write_bytes(path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return path


def load(at: Places) -> Findings | None:
    """The findings of a build (its work folder, or a published outputs folder); None when it has none (built
    before the reread stage existed)."""
    path = at("reread")
    if not path.is_file():
        return None
    with open(path, encoding="utf-8-sig", newline="") as f:
        # unneutralise: a file written before values were written as they are carries the apostrophe guard
        rows = [{k: unneutralise(v) for k, v in r.items()} for r in csv.DictReader(f)]
    head = next((r for r in rows if r["kind"] == PARAGRAPHS), {})
    typed = {"paragraph": int, "accepted": lambda v: v == "True"}
    found = tuple(Finding(**{c: typed.get(c, str)(r[c]) for c in COLUMNS}) for r in rows if r["kind"] != PARAGRAPHS)
    before = head.get("years") or ""
    return Findings(int(before) if before else None, int(head.get("paragraph") or 0), found)


def run_reread(params: Params, at: Places, options) -> list[str]:
    """The reread stage (the driver calls it): detect, write the findings. Its line is `build_line`."""
    write(at, detect(params))
    return []


def build_line(params: Params, at: Places) -> tuple[str, ...]:
    """The build's one line about what nobody has reread, or nothing when nothing is left:
    `2024: 41 of 58 paragraphs unchanged from 2023, 6 phrases outside their year: see the 审阅稿 (…)`."""
    found = load(at)
    if found is None or not found.left:
        return ()
    unchanged, phrases = found.counts()
    parts = []
    if unchanged:
        parts.append(f"{unchanged} of {found.paragraphs} paragraphs unchanged from {found.year_before}")
    if phrases:
        parts.append(f"{phrases} phrase{'s' if phrases != 1 else ''} outside {'their' if phrases != 1 else 'its'} year")
    where = params.outputs_dir / at.relative("reread")
    shown = where.relative_to(params.root).as_posix() if where.is_relative_to(params.root) else str(where)
    return (f"{params.year}: {', '.join(parts)}: see the 审阅稿 (each by name in {shown})",)


# ------------------------------------------------------------------------------------------ the reviewed file
FIELDS = ("name", "sha256", "text", "by", "date")  # of an entry of the reviewed file


@dataclass(frozen=True)
class Acceptance:
    name: str
    sha256: str
    text: str = ""
    by: str = ""
    date: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        where, _, _ = self.name.rpartition("#")
        term, _, file = where.rpartition("@")
        return (term, file, self.sha256)


def load_reviewed(path: Path | None) -> list[Acceptance]:
    """The acceptances of a narrative folder's reviewed file (none when it has none)."""
    if path is None or not path.is_file():
        return []
    where = f"{path.parent.name}/{path.name}"
    try:
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    except Exception as exc:  # a YAML error of any kind: name the file
        raise SpecError(f"{where}: not readable as YAML ({type(exc).__name__})") from None
    items = raw.get("accepted") if isinstance(raw, dict) and set(raw) == {"accepted"} else None
    if not isinstance(items, list):
        raise SpecError(f"{where}: expected one key 'accepted' holding a list of {{name, sha256, text, by, date}}")
    out = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not {"name", "sha256"} <= set(item) <= set(FIELDS):
            raise SpecError(f"{where} entry {i}: each is {{name, sha256, text, by, date}} (got {item!r})")
        if not re.fullmatch(r"[0-9a-f]{64}", str(item["sha256"])) or "#" not in str(item["name"]):
            raise SpecError(f"{where} entry {i}: a finding's name (file#n) and its paragraph's sha256")
        out.append(Acceptance(*(str(item.get(k) or "") for k in FIELDS)))
    return out


REVIEWED_HEAD = """\
# Reviewed in {year}: text carried unchanged from the year before, and year-bound phrases outside their years
# (specs/year_terms.yaml), that the analyst reread and kept (make signoff YEAR={year} ACCEPT="…"; docs/review.md).
# An entry holds while its paragraph reads as it did (sha256 of its text, spaces aside), wherever it moves in its
# file; an edited paragraph is a new one. `make new-year` does not copy this file: each year is reread.
"""


def accept(params: Params, found: Findings, names: list[str], by: str, on: dt.date | None = None) -> list[Finding]:
    """Record the findings named in the narrative folder's reviewed file (kept entries stay). Returns those newly
    accepted; a name no finding has is an error naming the ones open."""
    by_name = {f.name: f for f in found.findings}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        left = " ".join(f.name for f in found.left) or "none"
        raise SpecError(f"no finding is named {' '.join(unknown)} (open: {left})")
    path = source_path("reviewed", params)
    kept = load_reviewed(path)
    have = {a.key for a in kept}
    new = [by_name[n] for n in dict.fromkeys(names) if by_name[n].key not in have]
    if not new:
        return []
    day = (on or dt.date.today()).isoformat()
    entries = kept + [Acceptance(f.name, f.sha256, f.text, by, day) for f in new]
    lines = [REVIEWED_HEAD.format(year=params.year), "accepted:"]
    for a in entries:
        lines.append("  - {" + ", ".join(f"{k}: {json.dumps(getattr(a, k), ensure_ascii=False)}" for k in FIELDS) + "}")
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return new
