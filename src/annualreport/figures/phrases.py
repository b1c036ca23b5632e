"""Statements: phrases of the prose that state a status (按项目计划推进, 为零, 全部就业), chosen from the data.

A sentence that says how things went must not be fixed text: if the data say otherwise, a fixed
"按项目计划推进" above a table of late milestones contradicts the table. A statement is declared beside
the figures (`statements:` in any `specs/figures/*.yaml`) as cases over figures; the figures stage picks
the first case whose conditions hold and writes the chosen phrase to the ledger; prose prints it with
`{statement_id}` like a figure.

```yaml
statements:
  - id: construction_progress
    section: 一(九)
    label: 基建项目推进情况
    cases:                          # the first case whose `when` holds; the last has no `when`
      - when: {construction_milestones_late: 0, construction_milestones_open: 0}
        text: 按项目计划推进
      - when: {construction_milestones_open: 0}
        text: 有序推进，本年度计划的{construction_milestones_due}节点中{construction_milestones_late}滞后完成
      - text: 持续推进，本年度计划的{construction_milestones_due}节点中{construction_milestones_open}尚未完成
```

- `when`: figure id → a number (equal to it) or `{eq|ne|gt|gte|lt|lte: number}`; every condition must
  hold. A condition on a figure without a value (无数据) does not hold. The last case has no `when` (so
  one case always applies); no other case may omit it.
- `text`: the phrase as printed; `{figure_id}` / `{figure_id:style}` print the figure's wording (no typed
  digits, as in prose: the bare-number test reads these texts too).
- No data, no claim: when a figure the statement reads has no value, the statement has none either (its
  wording 无数据, as a figure without data), whatever its cases say.
- Ledger row (kind `statement`): `value` the chosen case's number (1 = first), `wording` the phrase with
  its figures filled in, `definition` the cases and the values they were chosen on, `inputs` and
  `validation` those of the figures it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from annualreport.base.errors import SpecError
from annualreport.base.paths import load_yaml, specs_dir
from annualreport.base.refs import Context, fill_text
from annualreport.base.terms import bare_numbers, load_terms

STATEMENT_KEYS = {"id", "section", "label", "cases", "description"}
CASE_KEYS = {"when", "text"}
OPS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}
OPS_ZH = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
ID = re.compile(r"[a-z_][a-z0-9_]*\Z")
REF = re.compile(r"\{([a-z_][a-z0-9_]*)(?::[a-z]+)?\}")
NO_DATA = "无数据"


@dataclass(frozen=True)
class Case:
    when: tuple[tuple[str, str, Decimal], ...]  # (figure, op, number)
    text: str


@dataclass(frozen=True)
class StatementDef:
    id: str
    section: str
    label: str
    cases: tuple[Case, ...]
    description: str = ""

    @property
    def figures(self) -> list[str]:
        """The figures it reads: its conditions' and its texts', in order, each once."""
        ids = [f for c in self.cases for f, _, _ in c.when] + [m for c in self.cases for m in REF.findall(c.text)]
        return list(dict.fromkeys(ids))


def _number(v, where: str) -> Decimal:
    try:
        return Decimal(str(v))
    except InvalidOperation:
        raise SpecError(f"{where}: {v!r} is not a number") from None


def _conditions(when, where: str) -> tuple[tuple[str, str, Decimal], ...]:
    if not isinstance(when, dict) or not when:
        raise SpecError(f"{where}: `when` maps figure ids to a number or {{op: number}}")
    out = []
    for fid, cond in when.items():
        if isinstance(cond, dict):
            if len(cond) != 1 or next(iter(cond)) not in OPS:
                raise SpecError(f"{where}: condition on {fid} must be one of {', '.join(OPS)}: number")
            ((op, arg),) = cond.items()
        else:
            op, arg = "eq", cond
        out.append((str(fid), op, _number(arg, f"{where} ({fid})")))
    return tuple(out)


def _statement(item, where: str) -> StatementDef:
    if not isinstance(item, dict):
        raise SpecError(f"{where}: a statement is a mapping")
    unknown = set(item) - STATEMENT_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {sorted(unknown)}")
    for k in ("id", "label", "cases"):
        if k not in item:
            raise SpecError(f"{where}: missing '{k}'")
    if not ID.match(str(item["id"])):
        raise SpecError(f"{where}: id {item['id']!r} must be [a-z_][a-z0-9_]*")
    raw_cases = item["cases"]
    if not isinstance(raw_cases, list) or not raw_cases:
        raise SpecError(f"{where}: `cases` is a non-empty list")
    cases = []
    for n, case in enumerate(raw_cases, start=1):
        at = f"{where} case {n}"
        if not isinstance(case, dict) or set(case) - CASE_KEYS or "text" not in case:
            raise SpecError(f"{at}: a case is {{when, text}} (text required)")
        last = n == len(raw_cases)
        if last and "when" in case:
            raise SpecError(f"{at}: the last case has no `when` (it applies when no other does)")
        if not last and "when" not in case:
            raise SpecError(f"{at}: only the last case may omit `when`")
        cases.append(Case(_conditions(case["when"], at) if "when" in case else (), str(case["text"])))
    return StatementDef(
        str(item["id"]),
        str(item.get("section", "")),
        str(item["label"]),
        tuple(cases),
        str(item.get("description", "")),
    )


def load_statements(root: Path | None = None, figure_ids=()) -> dict[str, StatementDef]:
    """Every statement of `specs/figures/*.yaml`; ids unique and distinct from the figures', every figure
    a statement reads defined, and no typed digits in its texts (the reviewed terms of specs/terms.yaml
    aside, as in prose)."""
    known = set(figure_ids)
    out: dict[str, StatementDef] = {}
    names: tuple[str, ...] = ()
    for path in sorted((specs_dir(root) / "figures").glob("*.yaml")):
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
        if raw.get("statements") and not names:
            names = load_terms(root)
        for i, item in enumerate(raw.get("statements") or [], start=1):
            where = (
                f"specs/figures/{path.name} statement {i} ({item.get('id', '?') if isinstance(item, dict) else '?'})"
            )
            st = _statement(item, where)
            if st.id in out or st.id in known:
                raise SpecError(f"{where}: id '{st.id}' is already a figure or a statement")
            missing = [f for f in st.figures if known and f not in known]
            if missing:
                raise SpecError(f"{where}: unknown figure(s) {', '.join(missing)}")
            typed = [d for c in st.cases for d in bare_numbers(c.text, names)]
            if typed:
                raise SpecError(f"{where}: typed digits {typed} in a text (print numbers as figures: {{id}})")
            out[st.id] = st
    return out


def _value(row: dict | None) -> Decimal | None:
    if row is None or row["value"] in ("", None):
        return None
    try:
        return Decimal(str(row["value"]))
    except InvalidOperation:
        return None


def choose(st: StatementDef, figures: dict[str, dict]) -> int:
    """The index (from 0) of the first case whose conditions all hold."""
    for i, case in enumerate(st.cases):
        if all((v := _value(figures.get(f))) is not None and OPS[op](v, n) for f, op, n in case.when):
            return i
    return len(st.cases) - 1


def _named(fid: str, figures: dict[str, dict]) -> str:
    """A figure as a definition names it: by its label (“安全事故”), its id where it has none."""
    return f"“{(figures.get(fid) or {}).get('label') or fid}”"


def _describe(st: StatementDef, figures: dict[str, dict], chosen: int | None) -> str:
    """The cases and the values the choice was made on, figures named by their labels (ids are the ledger's
    编号 column), a figure a phrase prints shown as 〔its label〕."""

    def cond(c: Case) -> str:
        return "且".join(f"{_named(f, figures)}{OPS_ZH[op]}{n}" for f, op, n in c.when) or "其他情况"

    def text(c: Case) -> str:
        return REF.sub(lambda m: f"〔{_named(m.group(1), figures)[1:-1]}〕", c.text)

    cases = "；".join(f"情形{i + 1}（{cond(c)}）：{text(c)}" for i, c in enumerate(st.cases))
    values = "，".join(f"{_named(f, figures)}={(figures.get(f) or {}).get('value', '') or NO_DATA}" for f in st.figures)
    taken = "缺少数据，不作表述" if chosen is None else f"取情形{chosen + 1}"
    return f"按数据选择表述，{taken}。{cases}。依据：{values}"


def statement_rows(statements: dict[str, StatementDef], figures: dict[str, dict], year: int, institution: str) -> list:
    """One ledger row (kind `statement`) per statement, its phrase filled from the figures' wordings."""
    ctx = Context(figures=figures, year=year, institution=institution)
    rows = []
    for st in statements.values():
        used = [figures[f] for f in st.figures if f in figures]
        missing = [f for f in st.figures if _value(figures.get(f)) is None]
        if missing:  # no data, no claim: the statement has no value, as a figure without data
            i, text = None, NO_DATA
            note = f"缺少数值：{'、'.join(_named(f, figures) for f in missing)}"
        else:
            i = choose(st, figures)
            text = fill_text(st.cases[i].text, ctx, f"statement {st.id}")
            note = st.description
        rows.append(
            {
                "id": st.id,
                "section": st.section,
                "label": st.label,
                "value": "" if i is None else str(i + 1),
                "unit": "",
                "display": text,
                "wording": text,
                "dataset": "; ".join(dict.fromkeys(r["dataset"] for r in used if r["dataset"])),
                "definition": _describe(st, figures, i),
                "rows_used": "",
                "inputs": "; ".join(dict.fromkeys(r["inputs"] for r in used if r["inputs"])),
                "validation": "; ".join(dict.fromkeys(r["validation"] for r in used if r["validation"])),
                "note": note,
                "kind": "statement",
            }
        )
    return rows
