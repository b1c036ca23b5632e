"""What changed since the reviewed draft (`make diff YEAR=2020 FROM=<revision or outputs folder>`).

Compares the published ledger and report of a year with an earlier build's: an outputs folder kept
from the review, a git revision (built in a temporary worktree with that revision's own code, see
`build/revision.py`) or the signoff record (`review/signoff.py`). It lists the figures whose value or
wording changed, old and new, with what changed underneath each one: a raw file (the ledger's
`inputs` carry each file's sha256), the stated-figures file, the definition, the params file or, when
none of these did, the code; the figures that are new or gone; and the report sections whose prose
changed (the report's visible text, split at its section headings), sentence by sentence. The same
result is written as a page in the report's look (Chinese headings, for the reviewer) outside the
published folder, so the published folder and its manifest stay as they were.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from annualreport.base.errors import ReportError
from annualreport.base.places import Places
from annualreport.base.tables import read_table
from annualreport.typeset.pages import visible_text

HEADING = re.compile(r'<(h[2-5])\b[^>]*class="[^"]*\bsec\b[^"]*"[^>]*>(.*?)</\1>', re.S)
SENTENCE = re.compile(r"(?<=[。；！？!?])")
BLOCK_END = re.compile(r"</(?:p|tr|li|caption|h[1-6]|div|figcaption|table|thead|tbody)\s*>|<br\s*/?>", re.I)
OPENING = "（标题与目录）"


@dataclass
class Side:
    """One build to compare: its ledger rows by id, what it was made from, its report page."""

    label: str
    rows: dict[str, dict]
    params_sha256: str | None = None
    commit: str | None = None
    report_html: Path | None = None
    section_digests: dict[str, str] = field(default_factory=dict)  # a signoff keeps these, not the page


@dataclass
class Cause:
    what: str  # raw, added, removed, stated, definition, params, code, none, derived
    subject: str = ""
    old: str = ""
    new: str = ""

    def english(self) -> str:
        return {
            "raw": f"raw file {self.subject} changed (sha256 {self.old[:12]} → {self.new[:12]})",
            "stated": f"stated value file {self.subject} changed (sha256 {self.old[:12]} → {self.new[:12]})",
            "added": f"new input {self.subject}",
            "removed": f"input {self.subject} no longer used",
            "definition": f"definition changed ({self.subject}): {self.old} → {self.new}",
            "params": f"params {self.subject} changed (sha256 {self.old[:12]} → {self.new[:12]})",
            "code": f"no input the ledger records changed; the commit did (code, specs, suites or narrative: "
            f"git {self.old[:12]} → {self.new[:12]})",
            "none": "no recorded input changed (same params, raw files, definition and commit)",
            "derived": f"follows the changed figure(s) {self.subject}",
        }[self.what]

    def chinese(self) -> str:
        return {
            "raw": f"原始文件 {self.subject} 变化（sha256 {self.old[:12]} → {self.new[:12]}）",
            "stated": f"陈述数值文件 {self.subject} 变化（sha256 {self.old[:12]} → {self.new[:12]}）",
            "added": f"新增输入 {self.subject}",
            "removed": f"不再使用输入 {self.subject}",
            "definition": f"定义变化（{self.subject}）：{self.old} → {self.new}",
            "params": f"参数文件 {self.subject} 变化",
            "code": f"台账记录的输入未变，版本变化（代码、定义、校验规则或正文；git {self.old[:12]} → {self.new[:12]}）",
            "none": "未发现记录在案的输入变化",
            "derived": f"随所依据的指标 {self.subject} 变化",
        }[self.what]


@dataclass
class FigureChange:
    id: str
    old: dict | None
    new: dict | None
    causes: list[Cause] = field(default_factory=list)

    @property
    def row(self) -> dict:
        return self.new or self.old or {}


@dataclass
class ProseChange:
    heading: str
    status: str  # changed, new, removed
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class Diff:
    old: Side
    new: Side
    changed: list[FigureChange] = field(default_factory=list)
    added: list[FigureChange] = field(default_factory=list)
    removed: list[FigureChange] = field(default_factory=list)
    prose: list[ProseChange] = field(default_factory=list)
    inputs_only: list[str] = field(default_factory=list)  # inputs or definition changed, value and wording not

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed or self.prose)


# -- reading a side -------------------------------------------------------------------------------
def read_ledger(path: Path) -> dict[str, dict]:

    if not path.is_file():
        raise ReportError(f"{path}: no figure ledger there (build the year first: make report)")
    # guarded: a ledger published before the ledger's values were written as they are carries the apostrophe
    # guard ("'+2"); no text of a ledger starts with an apostrophe, so undoing it reads older and newer alike
    return {r["id"]: r for r in read_table(path, guarded=True).to_dict("records")}


def side_from_folder(folder: Path, label: str) -> Side:
    """A published (or copied) outputs folder: its ledger, its manifest's params and commit, its page."""

    at = Places(folder, folder, folder)
    rows = read_ledger(at("ledger"))
    try:
        manifest = json.loads(at("manifest").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    page = at("report_html")
    return Side(
        label,
        rows,
        (manifest.get("params") or {}).get("sha256"),
        (manifest.get("git") or {}).get("commit"),
        page if page.is_file() else None,
    )


# -- figures --------------------------------------------------------------------------------------
def parse_inputs(text: str) -> dict[str, str]:
    """`file[sheet] sha256:…; …` (the ledger's inputs column) as {file[sheet]: sha256}."""
    out = {}
    for entry in (text or "").split("; "):
        name, sep, digest = entry.rpartition(" sha256:")
        if sep:
            out[name] = digest
    return out


def definition_source(root: Path, row: dict) -> str:
    """Where a figure's definition lives, as a path the analyst can open."""
    fid, kind = row.get("id", ""), row.get("kind", "")
    if kind == "chart":
        return "specs/charts.yaml"
    if kind in ("plan", "target"):
        return "params (targets)"
    if kind == "stated":
        return "stated.yaml in the narrative folder"
    base = re.escape(fid.split(".")[0])
    for spec in sorted((root / "specs" / "figures").glob("*.yaml")):
        if re.search(rf"\bid:\s*['\"]?{base}['\"]?\s*$", spec.read_text(encoding="utf-8"), re.M):
            return spec.relative_to(root).as_posix()
    return "specs/figures/"


def causes(old: dict, new: dict, a: Side, b: Side, root: Path) -> list[Cause]:
    """What changed underneath one figure: its inputs' digests, its definition; else params or code."""
    out = []
    before, after = parse_inputs(old.get("inputs", "")), parse_inputs(new.get("inputs", ""))
    for name in sorted(before.keys() | after.keys()):
        if name not in before:
            out.append(Cause("added", name, "", after[name]))
        elif name not in after:
            out.append(Cause("removed", name, before[name], ""))
        elif before[name] != after[name]:
            out.append(Cause("stated" if new.get("kind") == "stated" else "raw", name, before[name], after[name]))
    if old.get("definition", "") != new.get("definition", ""):
        out.append(Cause("definition", definition_source(root, new), old.get("definition", ""), new["definition"]))
    if out:
        return out
    if a.params_sha256 and b.params_sha256 and a.params_sha256 != b.params_sha256:
        return [Cause("params", "file", a.params_sha256, b.params_sha256)]
    if a.commit and b.commit and a.commit != b.commit:
        return [Cause("code", "", a.commit, b.commit)]
    return [Cause("none")]


def compare_figures(d: Diff, root: Path) -> None:
    a, b = d.old.rows, d.new.rows
    for fid, new in b.items():
        old = a.get(fid)
        if old is None:
            d.added.append(FigureChange(fid, None, new))
        elif (old.get("value"), old.get("wording")) != (new.get("value"), new.get("wording")):
            d.changed.append(FigureChange(fid, old, new, causes(old, new, d.old, d.new, root)))
        elif (old.get("inputs"), old.get("definition")) != (new.get("inputs"), new.get("definition")):
            d.inputs_only.append(fid)
    d.removed = [FigureChange(fid, old, None) for fid, old in a.items() if fid not in b]
    changed = {c.id for c in d.changed}
    for c in d.changed:  # a change or target row follows its figure: name that figure when it changed
        if c.causes[0].what in ("code", "none", "params"):
            base = c.id.removeprefix("target.").split(".")[0]
            related = [r for r in (base, f"{base}.previous") if r in changed and r != c.id]
            if related:
                c.causes = [Cause("derived", ", ".join(related))]


# -- prose ----------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _text(fragment: str) -> str:
    """Visible text, one line per block (paragraph, table row, list item), whitespace collapsed."""

    marked = BLOCK_END.sub(lambda m: m.group(0) + "\x00", re.sub(r"</t[dh]\s*>", r"\g<0> ", fragment, flags=re.I))
    return "\n".join(t for t in (_norm(x) for x in visible_text(marked).split("\x00")) if t)


def sections(page: str) -> dict[str, str]:
    """{heading: visible text up to the next section heading} (h2–h5 with class `sec`)."""

    marks = list(HEADING.finditer(page))
    out = {OPENING: _text(page[: marks[0].start()] if marks else page)}
    for i, m in enumerate(marks):
        heading = _norm(visible_text(m.group(2)))
        end = marks[i + 1].start() if i + 1 < len(marks) else len(page)
        key, n = heading, 2
        while key in out:
            key, n = f"{heading} ({n})", n + 1
        out[key] = _text(page[m.end() : end])
    return out


def sentences(text: str) -> list[str]:
    """A section's text as sentences (and table rows), the units its changes are shown in."""
    return [s.strip() for line in text.splitlines() for s in SENTENCE.split(line) if s.strip()]


def compare_prose(old_page: str, new_page: str) -> list[ProseChange]:
    a, b = sections(old_page), sections(new_page)
    out = []
    for heading, text in b.items():
        if heading not in a:
            out.append(ProseChange(heading, "new", added=sentences(text)))
        elif a[heading] != text:
            x, y = sentences(a[heading]), sentences(text)
            change = ProseChange(heading, "changed")
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=x, b=y, autojunk=False).get_opcodes():
                if op != "equal":
                    change.removed += x[i1:i2]
                    change.added += y[j1:j2]
            out.append(change)
    out += [ProseChange(h, "removed", removed=sentences(t)) for h, t in a.items() if h not in b]
    return out


def compare(old: Side, new: Side, root: Path) -> Diff:
    d = Diff(old, new)
    compare_figures(d, root)
    if old.report_html and new.report_html:
        d.prose = compare_prose(
            old.report_html.read_text(encoding="utf-8"), new.report_html.read_text(encoding="utf-8")
        )
    elif old.section_digests and new.report_html:
        now = section_digests(new.report_html.read_text(encoding="utf-8"))
        then = old.section_digests
        d.prose = [ProseChange(h, "changed" if h in then else "new") for h in now if then.get(h) != now[h]]
        d.prose += [ProseChange(h, "removed") for h in then if h not in now]
    return d


def section_digests(page: str) -> dict[str, str]:
    """{heading: sha256 of its visible text}: enough to say which sections changed, not how."""

    return {h: hashlib.sha256(t.encode("utf-8")).hexdigest() for h, t in sections(page).items()}


# -- the terminal ---------------------------------------------------------------------------------
def shown(row: dict | None) -> str:
    if not row:
        return "—"
    value = f"{row.get('value', '')} {row.get('unit', '')}".strip()
    return f"{value} “{row.get('wording', '')}”"


def lines(d: Diff, page: Path | None = None, limit: int = 6) -> list[str]:
    out = [f"then: {d.old.label}", f"now:  {d.new.label}"]
    if d.changed:
        out.append(f"{len(d.changed)} figure(s) changed (value or wording):")
        for c in d.changed:
            r = c.row
            out.append(
                f"  {c.id} [{r.get('kind')}] {r.get('section')} {r.get('label')}: {shown(c.old)} → {shown(c.new)}"
            )
            out += [f"      because: {cause.english()}" for cause in c.causes]
    for word, items in (("new", d.added), ("removed", d.removed)):
        if items:
            out.append(f"{len(items)} {word} figure(s):")
            out += [f"  {c.id} [{c.row.get('kind')}] {c.row.get('label')}: {shown(c.row)}" for c in items]
    if d.prose:
        out.append(f"prose changed in {len(d.prose)} section(s):")
        for p in d.prose:
            out.append(f"  {p.heading}" + ("" if p.status == "changed" else f" ({p.status})"))
            out += [f"      - {s}" for s in p.removed[:limit]] + [f"      + {s}" for s in p.added[:limit]]
            more = max(len(p.removed) - limit, 0) + max(len(p.added) - limit, 0)
            if more:
                out.append(f"      … {more} more sentence(s) on the page")
    if any(not (p.removed or p.added) for p in d.prose):
        out.append("  (the signoff keeps one hash per section: for the sentences, diff --from the reviewed build)")
    if d.inputs_only:
        ids = ", ".join(d.inputs_only[:limit]) + (" …" if len(d.inputs_only) > limit else "")
        out.append(f"{len(d.inputs_only)} figure(s) have new inputs or definitions, same value and wording: {ids}")
    summary = (
        "no figure and no prose changed"
        if d.empty
        else f"{len(d.changed)} changed, {len(d.added)} new, {len(d.removed)} removed figure(s); "
        f"{len(d.prose)} section(s) of prose changed"
    )
    out.append(summary + (f"; page: {page}" if page else ""))
    return out
