"""Quarantine reasons in Chinese, and persons' IDs masked, for pages and files people read.

The cleaner writes each quarantined row's reason in English (logs, CLI, tests rely on it) together
with structured fields: the rule, the column (its header) and the row's raw texts. Here the Chinese
reason is built from those fields and the spec (allowed values, range, reference table), never from
the English text, and the value shown is masked when the column holds a person's ID.

Which columns hold a person's ID is read from the specs: an `id` column whose convention is a
person convention (`conventions.PERSON_IDS`: candidate_id, student_id, staff_id, teacher_id,
lead_id; a per-row convention counts when any of its cases is one), or the spec's `person.id`.
"""

from __future__ import annotations

import re

from annualreport.base.conventions import PERSON_IDS, mask
from annualreport.base.glossary import RULES_ZH
from annualreport.ingest.specs import ColumnSpec, DatasetSpec

# What the office should change, one short instruction per rule.
FIX_ZH = {
    "missing_required": "请补填该项",
    "not_in_set": "请改为允许的取值之一",
    "bad_value": "请改为可识别的数字或日期（如 2020-09-01）",
    "bad_id": "请按本校编号格式更正",
    "negative": "请改为 0 或正数",
    "out_of_range": "请核对并改为允许范围内的数值",
    "date_out_of_range": "请核对日期是否属于本年度，非本年度的行请删除",
    "too_long": "该单元格内容远超正常长度（可能误粘贴了大段文字），请改为应填的值",
    "not_in_reference": "请改为参考表中的名称（如专业目录中的专业名称）",
    "key_conflict": "同一编号出现在多行且内容不同：请核对，只保留正确的一行",
}

TYPE_ZH = {
    "int": "整数",
    "count": "数量",
    "number": "数字",
    "money": "金额",
    "percent": "百分比",
    "date": "日期",
    "datetime": "日期时间",
    "bool": "是/否",
}


def mask_id(value) -> str:
    """A person's ID as shown to readers: `project.conventions.mask` (one rule everywhere)."""

    return mask(value)


def is_person_id(spec: DatasetSpec, col: ColumnSpec) -> bool:
    """Whether the column holds a person's ID (see the module's docstring)."""
    if col.type != "id" and not (spec.person and col.name == spec.person.get("id")):
        return False
    if spec.person and col.name == spec.person.get("id"):
        return True
    conv = col.convention
    if isinstance(conv, str):
        return conv in PERSON_IDS
    if isinstance(conv, dict):
        return any(key in PERSON_IDS for key in (conv.get("cases") or {}).values())
    return False


def person_columns(spec: DatasetSpec) -> set[str]:
    """Canonical names and headers of the spec's person-ID columns."""
    out: set[str] = set()
    for col in spec.canonical:
        if is_person_id(spec, col):
            out.update({col.name, *col.headers})
    return out


def shown(spec: DatasetSpec | None, column: str, value) -> str:
    """A value as a page or a file shows it: masked when `column` (name or header) is a person's ID."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    if spec is not None and column in person_columns(spec):
        return mask_id(text)
    return text


def _column(spec: DatasetSpec | None, header: str) -> ColumnSpec | None:
    if spec is None:
        return None
    for col in spec.canonical:
        if header in col.headers:
            return col
    return None


def _num(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def raw_value(spec: DatasetSpec | None, row: dict) -> str:
    """The raw text of the row's failing column, masked if it is a person's ID ('' when none)."""
    col = _column(spec, str(row.get("column", "")))
    if col is None:
        return ""
    return shown(spec, col.name, row.get(col.name))


def reason_zh(spec: DatasetSpec | None, row: dict, year: int | None = None, titles: dict | None = None) -> str:
    """The Chinese reason of one quarantined row, from its rule, column, value and the spec
    (`titles`: reference tables' Chinese titles by name)."""
    rule = str(row.get("rule", ""))
    header = str(row.get("column", ""))
    col = _column(spec, header)
    value = raw_value(spec, row)
    where = f"“{header}”" if header else "该行"
    said = f"{where}的值“{value}”" if value else where
    if rule == "missing_required":
        text = f"{where}为空（必填）"
    elif rule == "not_in_set":
        allowed = "、".join(col.allowed) if col is not None and col.allowed else ""
        text = f"{said}不在允许范围内" + (f"（允许：{allowed}）" if allowed else "")
    elif rule == "bad_value":
        kind = TYPE_ZH.get(col.type, "") if col is not None else ""
        text = f"{said}无法识别" + (f"为{kind}" if kind else "")
    elif rule == "bad_id":
        text = f"{said}编号格式不符"
    elif rule == "negative":
        text = f"{said}为负数"
    elif rule == "out_of_range":
        text = f"{said}超出允许范围" + _bounds(col, year)
    elif rule == "date_out_of_range":
        text = f"{said}不在本年度" + (f"（{year}年）" if year else "")
    elif rule == "not_in_reference":
        table = col.ref["table"] if col is not None and col.ref else ""
        title = (titles or {}).get(table, "")
        text = f"{said}不在参考表" + (f"（{title}）" if title else "") + "中"
    elif rule == "too_long":
        text = f"{where}的内容过长（超过一个单元格可容纳的32767字），可能误粘贴了大段文字"
    elif rule == "key_conflict":
        others = re.search(r"also on row\(s\) ([\d, ]+)", str(row.get("reason", "")))
        rows = "、".join(others.group(1).replace(" ", "").split(",")) if others else ""
        text = f"主键（{header}）与" + (f"第 {rows} 行" if rows else "其他行") + "相同，但其他内容不同"
    else:
        text = f"{where}：{RULES_ZH.get(rule, rule)}"
    more = _other_columns(spec, row, header)
    return text + (f"；另有问题的列：{'、'.join(more)}" if more else "")


def _bounds(col: ColumnSpec | None, year: int | None) -> str:
    if col is None:
        return ""
    if col.range == "year":
        return f"（应为 {year}）" if year else "（应为本年度）"
    if col.min is not None and col.max is not None:
        return f"（{_num(col.min)}–{_num(col.max)}）"
    if col.min is not None:
        return f"（不小于 {_num(col.min)}）"
    if col.max is not None:
        return f"（不大于 {_num(col.max)}）"
    return ""


def _other_columns(spec: DatasetSpec | None, row: dict, first: str) -> list[str]:
    """The other columns the English reason names ('<header>: ...; <header>: ...')."""
    if spec is None:
        return []
    reason = str(row.get("reason", ""))
    headers = [h for c in spec.canonical for h in (c.header,)]
    out = []
    for part in reason.split("; "):
        for h in headers:
            if part.startswith(f"{h}: ") and h != first and h not in out:
                out.append(h)
    return out


def fix_zh(rule: str) -> str:
    """What the office should change for a row quarantined by `rule`."""
    return FIX_ZH.get(rule, "请核对并更正该行")
