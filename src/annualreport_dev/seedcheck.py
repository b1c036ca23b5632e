"""How much of the seed report's text a built report carries, sentence by sentence and number by number.

The seed (`reference/seed-2021-work-report.txt`, the real 2021 work report as extracted from its PDF) is
cut into units: its parts 一 (the year's review), 二 (problems) and 三 (next year's plan), split into
sentences on 。；！？ and at paragraph ends, with headings such as "（一）…" and "1.…" as their own units.
Each unit is looked up in the built report's text: `present` (its normalised text is a substring),
`close` (the best-matching window has a similarity ratio of at least `CLOSE`) or `missing`. Every number
with its measure word (14名, 600万元, 3-4个, 100%, 近千, 1+X) is counted the same way.

    python -m annualreport_dev.seedcheck --year 2020 [--report PATH] [--out build/seedcheck/2020.md]
                                         [--min-sentences PCT] [--min-numbers PCT]

It exits 1 only when a --min-* threshold is given and not met (`make seed-check YEAR=2020`).
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from annualreport.base.paths import repo_root

SEED = Path("reference") / "seed-2021-work-report.txt"
CLOSE = 0.6  # a unit whose best window scores below this is missing
GOOD = 0.9  # "present or close >= GOOD" is the headline's second number
PARTS = ("一", "二", "三")
_CN = "一二三四五六七八九十"
# Numbering prefixes, by level: 一、 / （一） / 1. / （1）
LEVELS = (
    re.compile(rf"^[{_CN}]+、"),
    re.compile(rf"^[（(][{_CN}]+[）)]"),
    re.compile(r"^\d{1,2}[.．、](?!\d)"),
    re.compile(r"^[（(]\d{1,2}[）)]"),
)
_PART = re.compile(rf"^\s*([{_CN}])、")
_PAGE_NUMBER = re.compile(r"^\s*(?:[—–\-－]+\s*)?\d{1,3}(?:\s*[—–\-－]+)?\s*$")
_ENDS = "。；！？"
_SPLIT = re.compile(rf"(?<=[{_ENDS}])")
# Glyphs the seed's PDF extraction substituted (GBK look-alikes) and the punctuation variants it mixes.
_FIXES = str.maketrans("臵臶〃・•‧“”„‘’—–－～", '置帜····"""\'\'---~')
_MEASURES = (
    "人次|万元|万只|万次|万个|万人|亿元|余次|周年|小时|课时|学时|个|名|项|门|人|次|篇|所|套|支|家|位|届|"
    "年|月|日|层|期|批|件|条|类|场|轮|只|倍|元|级|型|天|万|%"
)
_NUMBER = re.compile(
    rf"(?<![\d.])\d+(?:\.\d+)?(?:[-~]\d+(?:\.\d+)?)?(?:{_MEASURES})"  # 14名, 2.1万个, 3-4个, 96.17%
    rf"|\d\+X"  # 1+X
    rf"|[近超逾][千万百]"  # 近千
    rf"|百分之百"
    rf"|(?<![{_CN}两])[两二三四五六七八九十]+(?:个|项|家|支|套|所)"  # 四家, 五大赛项八个 -> 八个
)


@dataclass
class Unit:
    part: str  # 一, 二 or 三
    section: str  # the headings above it, "（一）… / 1.…"
    text: str  # as the seed has it (spaces removed)
    norm: str
    heading: bool = False


@dataclass
class Match:
    unit: Unit
    status: str  # present, close or missing
    ratio: float
    best: str  # the report's best-matching window (normalised)


def normalise(text: str) -> str:
    """Comparable text: NFKC (full-width letters, digits and punctuation to half-width), look-alike glyphs
    and quote/dash variants unified, all whitespace removed."""
    text = unicodedata.normalize("NFKC", text.translate(_FIXES)).translate(_FIXES)
    return re.sub(r"\s+", "", text)


def level(text: str) -> int | None:
    """The numbering level (0 for 一、 … 3 for （1）) a text starts with, or None."""
    return next((i for i, pat in enumerate(LEVELS) if pat.match(text.strip())), None)


def strip_numbering(norm: str) -> str:
    pat = next((p for p in LEVELS if p.match(norm)), None)
    return pat.sub("", norm, count=1) if pat else norm


def unit_key(text: str) -> str:
    """A unit's normalised text without its numbering and its closing 。；！？."""
    return strip_numbering(normalise(text)).rstrip(";!?。")


def _paragraphs(lines: list[str]) -> list[str]:
    """Join wrapped lines. A paragraph ends at a line with trailing whitespace (the extraction's paragraph
    mark) or before a line that starts with a numbering prefix; page-number lines are dropped."""
    paras, current = [], ""
    for raw in lines:
        if not raw.strip() or _PAGE_NUMBER.match(raw):
            continue
        line = raw.strip()
        if current and level(line) is not None:
            paras.append(current)
            current = ""
        current += line
        if raw != raw.rstrip():
            paras.append(current)
            current = ""
    if current:
        paras.append(current)
    return [re.sub(r"\s+", "", p) for p in paras]


def seed_parts(text: str) -> dict[str, list[Unit]]:
    """The seed's parts 一、二、三 (from the heading "一、…工作回顾" to the end) as units."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if re.match(r"^\s*一、.*工作回顾", ln)), None)
    if start is None:
        raise ValueError("the seed has no heading 一、…工作回顾")
    parts: dict[str, list[Unit]] = {p: [] for p in PARTS}
    part, path = "一", ["", "", "", ""]
    for para in _paragraphs(lines[start:]):
        m = _PART.match(para)
        if m and m.group(1) in PARTS and len(para) <= 30:
            part = m.group(1)
            path = [para, "", "", ""]
        lvl = level(para)
        for i, sentence in enumerate(s for s in _SPLIT.split(para) if s.strip()):
            key = unit_key(sentence)
            if not key or not re.search(r"[\w\u4e00-\u9fff]", key):
                continue  # empty or pure numbering
            heading = i == 0 and lvl is not None
            if heading and lvl > 0:
                path[lvl:] = [sentence.rstrip(_ENDS)[:24]] + [""] * (3 - lvl)
            section = " / ".join(p for p in path[1:3] if p) or path[0]
            parts[part].append(Unit(part, section, sentence, key, heading))
    return parts


def report_text(path: Path, appendices: bool = False) -> str:
    """The built report's text: `pdftotext -layout` for a PDF (pypdf's text when pdftotext is absent),
    the visible text for HTML. Page-number lines are dropped; lines are kept (normalise() joins them).
    The appendices (from the last line starting 附一 or 附：, the data-quality appendix; older reports
    also had the ledger there, which quotes the seed's wording) are cut off unless `appendices`."""
    path = Path(path)
    if path.suffix.lower() == ".pdf" and shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
        text = done.stdout.decode("utf-8", errors="replace")
    elif path.suffix.lower() == ".pdf":
        text = pdf_text(path)
    else:
        from annualreport.typeset.pages import visible_text

        html = path if path.suffix.lower() != ".pdf" else path.with_suffix(".html")
        text = visible_text(html.read_text(encoding="utf-8"))
    return body_text(text, appendices)


def pdf_text(path: Path) -> str:
    """A PDF's text by pypdf (in the lock), page by page, lines kept: what pdftotext gives where poppler is
    not installed (CI)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def body_text(text: str, appendices: bool = False) -> str:
    """A report's text without page-number lines ("— 7 —") and, unless `appendices`, its appendices."""
    lines = [ln for ln in text.replace("\f", "\n").splitlines() if not _PAGE_NUMBER.match(ln)]
    heads = [i for i, ln in enumerate(lines) if re.match(r"^\s*附[一1：:]", ln)]
    if heads and not appendices and heads[-1] > len(lines) // 5:  # not the table of contents
        lines = lines[: heads[-1]]
    return "\n".join(lines)


class Index:
    """The normalised report with an index of its k-grams, to find candidate windows fast."""

    def __init__(self, text: str, k: int = 6):
        self.norm, self.k = normalise(text), k
        self.grams: dict[str, list[int]] = defaultdict(list)
        for i in range(len(self.norm) - k + 1):
            self.grams[self.norm[i : i + k]].append(i)

    def best(self, key: str, tries: int = 4) -> tuple[float, str]:
        k = min(self.k, len(key))
        votes: Counter[int] = Counter()
        for off in range(len(key) - k + 1):
            hits = self.grams.get(key[off : off + k], []) if k == self.k else []
            if k < self.k:  # a short unit: scan for it
                hits = [m.start() for m in re.finditer(re.escape(key[off : off + k]), self.norm)][:50]
            if 0 < len(hits) <= 20:  # distinctive grams only
                for h in hits:
                    votes[(h - off) // 8] += 1
        best = (0.0, "")
        for bucket, _ in votes.most_common(tries):
            start = bucket * 8
            pad = len(key) // 3 + 8
            window = self.norm[max(0, start - pad) : start + len(key) + pad]
            sm = difflib.SequenceMatcher(None, key, window, autojunk=False)
            blocks = [b for b in sm.get_matching_blocks() if b.size >= 2] or sm.get_matching_blocks()[:-1]
            if not blocks:
                continue
            span = window[blocks[0].b : blocks[-1].b + blocks[-1].size]
            ratio = difflib.SequenceMatcher(None, key, span, autojunk=False).ratio()
            if ratio > best[0]:
                best = (ratio, span)
        return best


def coverage(units: list[Unit], report: str | Index, close: float = CLOSE) -> list[Match]:
    index = report if isinstance(report, Index) else Index(report)
    out = []
    for u in units:
        if u.norm in index.norm:
            out.append(Match(u, "present", 1.0, u.norm))
            continue
        ratio, best = index.best(u.norm)
        out.append(Match(u, "close" if ratio >= close else "missing", round(ratio, 3), best))
    return out


def numbers(text: str) -> Counter[str]:
    """Every number with its measure word, in normalised form (14名, 2.1万个, 3-4个, 100%, 近千, 1+X)."""
    return Counter(m.group(0) for m in _NUMBER.finditer(normalise(text)))


def number_coverage(units: list[Unit], report: str | Index) -> tuple[Counter[str], Counter[str]]:
    """(seed counts, counts found in the report, each capped at the seed's count)."""
    norm = report.norm if isinstance(report, Index) else normalise(report)
    seed = Counter()
    for u in units:
        seed.update(numbers(u.text))
    found = Counter()
    for token, n in seed.items():
        lead = r"(?<![\d.])" if token[0].isdigit() else ""
        found[token] = min(n, len(re.findall(lead + re.escape(token), norm)))
    return seed, found


def pct(n: float, d: float) -> float:
    return round(100.0 * n / d, 1) if d else 100.0


def summary(matches: list[Match], seed_nums: Counter, found: Counter) -> dict[str, float]:
    n = len(matches)
    return {
        "units": n,
        "present": pct(sum(m.status == "present" for m in matches), n),
        "good": pct(sum(m.status == "present" or m.ratio >= GOOD for m in matches), n),
        "close": pct(sum(m.status != "missing" for m in matches), n),
        "numbers": pct(sum(found.values()), sum(seed_nums.values())),
        "numbers_total": sum(seed_nums.values()),
    }


def gaps(matches: list[Match]) -> list[tuple[str, int, int, int]]:
    """Sub-sections by seed characters not present: (part / section, missing chars, units, units not present)."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for m in matches:
        a = acc[f"{m.unit.part} / {m.unit.section}"]
        a[1] += 1
        if m.status != "present":
            a[0] += round(len(m.unit.norm) * (1 - m.ratio))
            a[2] += 1
    return sorted(((k, *v) for k, v in acc.items()), key=lambda r: -r[1])


def markdown(matches: list[Match], stats: dict, seed_nums: Counter, found: Counter, source: str) -> str:
    out = [
        f"# Seed coverage of {source}",
        "",
        f"- sentences: {stats['units']}; present {stats['present']}%; present or close ≥ {GOOD}: "
        f"{stats['good']}%; present or close ≥ {CLOSE}: {stats['close']}%",
        f"- numbers with measure words: {stats['numbers']}% of {stats['numbers_total']}",
        "",
        "## Thinnest sub-sections (seed characters not present)",
        "",
        "| part / section | chars missing | units | not present |",
        "|---|---|---|---|",
    ]
    out += [f"| {k} | {c} | {n} | {m} |" for k, c, n, m in gaps(matches)[:15]]
    out += ["", "## Numbers not found", ""]
    lost = [f"`{t}` ×{seed_nums[t] - found[t]}" for t in sorted(seed_nums) if found[t] < seed_nums[t]]
    out.append(", ".join(lost) or "none")
    section = None
    for m in matches:
        if m.status == "present":
            continue
        head = m.unit.section if m.unit.section.startswith(m.unit.part) else f"{m.unit.part}、 {m.unit.section}"
        if head != section:
            out += ["", f"## {head}", ""]
            section = head
        tag = "heading " if m.unit.heading else ""
        out.append(f"- **{m.status}** {tag}({m.ratio:.2f}): {m.unit.text}")
        if m.best:
            out.append(f"  - best match: {m.best}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m annualreport_dev.seedcheck", description=__doc__.split("\n")[0])
    ap.add_argument("--year", type=int, default=2020)
    ap.add_argument("--report", type=Path, help="the built report (PDF or HTML); default: outputs/<year>/'s PDF")
    ap.add_argument("--seed", type=Path, help=f"the seed text (default {SEED})")
    ap.add_argument("--out", type=Path, help="the Markdown report (default build/seedcheck/<year>.md)")
    ap.add_argument("--with-appendices", action="store_true", help="search the appendices too")
    ap.add_argument("--close", type=float, default=CLOSE, help="ratio below which a unit is missing")
    ap.add_argument("--min-sentences", type=float, help="exit 1 when fewer %% of the units are present")
    ap.add_argument("--min-numbers", type=float, help="exit 1 when fewer %% of the numbers are found")
    args = ap.parse_args(argv)
    root = repo_root()
    if args.report is None:
        from annualreport.base.places import Places

        args.report = Places(root / "outputs" / str(args.year), root)("report_pdf")
    if not args.report.exists():
        print(f"error: {args.report} not found (build it: make report YEAR={args.year})", file=sys.stderr)
        return 2
    seed = (args.seed or root / SEED).read_text(encoding="utf-8")
    units = [u for part in seed_parts(seed).values() for u in part]
    index = Index(report_text(args.report, args.with_appendices))
    matches = coverage(units, index, args.close)
    seed_nums, found = number_coverage(units, index)
    stats = summary(matches, seed_nums, found)
    out = args.out or root / "build" / "seedcheck" / f"{args.year}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown(matches, stats, seed_nums, found, str(args.report)), encoding="utf-8")
    for part in PARTS:
        ms = [m for m in matches if m.unit.part == part]
        print(f"{part}: {len(ms)} units, {pct(sum(m.status == 'present' for m in ms), len(ms))}% present")
    print(
        f"sentences: {stats['present']}% present, {stats['good']}% present or close>={GOOD} "
        f"({stats['units']} units); numbers: {stats['numbers']}% of {stats['numbers_total']}; details: {out}"
    )
    failed = []
    if args.min_sentences is not None and stats["present"] < args.min_sentences:
        failed.append(f"sentences {stats['present']}% < {args.min_sentences}%")
    if args.min_numbers is not None and stats["numbers"] < args.min_numbers:
        failed.append(f"numbers {stats['numbers']}% < {args.min_numbers}%")
    for f in failed:
        print(f"below threshold: {f}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
