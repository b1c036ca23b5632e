"""Stated figures: numbers no office file carries (a ranking, a count from a ministry's notice), declared
by the analyst with their source in the year's narrative folder, `params/narrative/<year>/stated.yaml`:

```yaml
stated:
  - id: double_high_rank           # the id prose refers to: {double_high_rank}
    section: 一(四)1
    label: 全国“双高”校排名
    value: 3                       # a number (a rank is one too, with its unit)
    unit: 名
    source: 天津市教委通报           # the document or office the number comes from
    date: 2020-12-20               # the date the source gives it (YYYY-MM-DD)
    wording: plain                 # optional, as for computed figures
    note: ...                      # optional
```

The file is optional (absent: no stated figures) and checked strictly: unknown keys, a missing source or
date, a bad date or value, or an id another figure has are errors naming the file and the item. Each
stated figure becomes a ledger row of kind `stated` (`stated_rows`), worded like a computed figure, its
definition naming the source and date and its inputs the file's sha256; prose refers to it by id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from annualreport.base.errors import SpecError
from annualreport.base.glossary import STATED
from annualreport.base.paths import load_yaml, repo_root
from annualreport.base.wording import STYLES, word
from annualreport.figures.compute import load_definitions
from annualreport.figures.definitions import rounding_note

STATED_FILE = "stated.yaml"
REQUIRED = ("id", "section", "label", "value", "unit", "source", "date")
STATED_KEYS = {*REQUIRED, "wording", "note"}
WORDING_KEYS = {"style", "step", "band"}
# As prose references spell a figure id (report/narrative.py REF), without the reserved names.
ID = re.compile(r"[a-z_][a-z0-9_]*\Z")
RESERVED_IDS = {"year", "prev_year", "next_year", "institution"}  # names prose references resolve first
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
HINTS = {
    "source": " (the document or office the number comes from)",
    "date": " (YYYY-MM-DD, when the source says so)",
}


@dataclass(frozen=True)
class StatedDef:
    id: str
    section: str
    label: str
    value: Decimal
    unit: str
    source: str  # the document or office, e.g. 教育部《关于公布第二批…的通知》 or 教务处
    date: dt.date  # when the source says so
    wording: dict = field(default_factory=lambda: {"style": "plain"})
    note: str = ""


def stated_path(narrative_dir: Path) -> Path:
    return Path(narrative_dir) / STATED_FILE


def _shown(path: Path, root: Path | None) -> str:
    """The file as messages and the ledger name it: relative to the project root when inside it."""
    base = (root or repo_root()).resolve()
    full = path.resolve()
    return full.relative_to(base).as_posix() if full.is_relative_to(base) else str(path)


def load_stated(narrative_dir: Path, root: Path | None = None) -> list[StatedDef]:
    """The stated figures of a year's narrative folder (none when it has no `stated.yaml`). `root` is the
    project whose `specs/figures/` ids a stated id must not take."""
    path = stated_path(narrative_dir)
    if not path.is_file():
        return []
    shown = _shown(path, root)
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:  # YAML syntax, or a date YAML cannot construct (2020-02-30)
        raise SpecError(f"{shown}: not readable as YAML ({' '.join(str(exc).split())})") from exc
    if raw is None:
        return []
    if not isinstance(raw, dict) or set(raw) - {"stated"}:
        keys = sorted(map(str, raw)) if isinstance(raw, dict) else type(raw).__name__
        raise SpecError(f"{shown}: expected one key 'stated' holding a list, got {keys}")
    items = raw.get("stated") or []
    if not isinstance(items, list):
        raise SpecError(f"{shown}: 'stated' must be a list of figures")
    computed, _ = load_definitions(root)
    defs: dict[str, StatedDef] = {}
    for i, item in enumerate(items, start=1):
        label = item.get("id", "?") if isinstance(item, dict) else "?"
        where = f"{shown} stated figure {i} ({label})"
        defn = _stated(item, where)
        if defn.id in computed:
            raise SpecError(f"{where}: id '{defn.id}' is already a computed figure of specs/figures/")
        if defn.id in defs:
            raise SpecError(f"{where}: id '{defn.id}' is stated twice")
        defs[defn.id] = defn
    return list(defs.values())


def _stated(item, where: str) -> StatedDef:
    if not isinstance(item, dict):
        raise SpecError(f"{where}: a stated figure is a mapping of {', '.join(REQUIRED)}")
    unknown = set(item) - STATED_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {sorted(map(str, unknown))}")
    for k in REQUIRED:
        blank = isinstance(item.get(k), str) and not item[k].strip() and k != "unit"  # a unit may be ""
        if item.get(k) is None or blank:
            raise SpecError(f"{where}: missing '{k}'{HINTS.get(k, '')}")
    fid = item["id"]
    if not isinstance(fid, str) or not ID.match(fid) or fid in RESERVED_IDS:
        raise SpecError(f"{where}: id {fid!r} must be lower-case ASCII [a-z0-9_] and not a reserved name")
    for k in ("section", "label", "unit", "source", "note"):
        if k in item and item[k] is not None and not isinstance(item[k], (str, int)):
            raise SpecError(f"{where}: '{k}' must be text")
    value = _value(item["value"], where)
    wording = _wording(item.get("wording"), where)
    return StatedDef(
        id=fid,
        section=str(item["section"]),
        label=str(item["label"]),
        value=value,
        unit=str(item["unit"]),
        source=str(item["source"]).strip(),
        date=_date(item["date"], where),
        wording=wording,
        note=str(item.get("note") or ""),
    )


def _value(raw, where: str) -> Decimal:
    """A number: an int, a decimal, or a decimal written as text ("96.170", to keep its places)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise SpecError(f"{where}: value must be a number, got {raw!r}")
    if isinstance(raw, str) and not NUMBER.match(raw.strip()):
        raise SpecError(f"{where}: value must be a number, got {raw!r}")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise SpecError(f"{where}: value must be a number, got {raw!r}") from exc
    if not value.is_finite():
        raise SpecError(f"{where}: value must be a finite number, got {raw!r}")
    return value


def _date(raw, where: str) -> dt.date:
    """YYYY-MM-DD (YAML reads it unquoted as a date; quoted, it is checked here)."""
    if isinstance(raw, dt.datetime):
        raise SpecError(f"{where}: date must be a day (YYYY-MM-DD), got {raw!r}")
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str) and DATE.match(raw.strip()):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise SpecError(f"{where}: date must be a real day written YYYY-MM-DD, got {raw!r}")


def _wording(raw, where: str) -> dict:
    """As a computed figure's `wording`: a style name, or {style, step, band} (base/wording.py)."""
    if raw is not None and not isinstance(raw, (str, dict)):
        raise SpecError(f"{where}: wording is a style name or {{style, step, band}}, got {raw!r}")
    wording = {"style": raw} if isinstance(raw, str) else dict(raw or {"style": "plain"})
    unknown = set(wording) - WORDING_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown wording key(s) {sorted(map(str, unknown))}")
    style = wording.setdefault("style", "plain")
    if style not in STYLES:
        raise SpecError(f"{where}: unknown wording style {style!r} (known: {', '.join(STYLES)})")
    for k in ("step", "band"):
        if k in wording and (isinstance(wording[k], bool) or not isinstance(wording[k], int) or wording[k] <= 0):
            raise SpecError(f"{where}: wording {k} must be a positive whole number")
    if style in ("near", "over", "plus") and "step" not in wording:
        raise SpecError(f"{where}: wording style {style} needs a step")
    return wording


def stated_rows(defs: list[StatedDef], path: Path, year: int, root: Path | None = None) -> list[dict]:
    """The ledger rows (kind `stated`) of the stated figures declared in `path` (its `stated.yaml`) for the
    report year: value and wording as for computed figures, the source and date as the definition, the
    file's sha256 as the inputs. A source dated outside the report year is noted (an old ranking, a file
    carried over by `make new-year`), not refused."""
    if not defs:
        return []
    inputs = f"{_shown(Path(path), root)} sha256:{hashlib.sha256(Path(path).read_bytes()).hexdigest()}"
    rows = []
    for d in defs:
        w = d.wording
        shown = word(d.value, d.unit, w["style"], w.get("step"), w.get("band"))
        notes = [d.note, rounding_note(d.value, d.unit, w, shown)]
        if d.date.year != year:
            notes.append(f"来源日期为{d.date.isoformat()}，不在{year}年内")
        rows.append(
            {
                "id": d.id,
                "section": d.section,
                "label": d.label,
                "value": format(d.value, "f"),
                "unit": d.unit,
                "display": shown.display,
                "wording": shown.text,
                "dataset": "",
                "definition": f"分析员陈述：{d.source}（{d.date.isoformat()}）",
                "rows_used": "",
                "inputs": inputs,
                "validation": STATED,
                "note": "；".join(n for n in notes if n),
                "kind": "stated",
            }
        )
    return rows
