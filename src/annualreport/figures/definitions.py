"""A figure's definition in Chinese, written from its spec (`specs/figures/*.yaml`, `specs/charts.yaml`) and its
dataset's (`specs/datasets/*.yaml`): the dataset's Chinese title, its filters and measure in words with the
columns' Chinese headers, the key a person or thing is counted once by, the date window. For example

    《招生录取名单》中培养层次为“高职(专科)”的人数，按考生号去重（同一考生号只计一次）
    《党建与活动台账》中活动类型为“中心组集中学习”的记录数，日期在2020年内

The ledger's `definition` column (and so the ledger annex and the auditor's workbook) holds these words; codes
(the figure's id, the dataset's) have columns of their own. A filter or measure kind the engine computes
(`figures/compute.py`) has its words here: `FILTER_ZH` and `MEASURE_ZH` list them, and a kind without words is
an error (tests/figures/test_definitions.py holds the two lists against compute.py's).

`rounding_note` says, in the reader's words, what a rounded wording stands for (报告表述“30余”：实际数在31至39之间).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from annualreport.base.errors import SpecError
from annualreport.base.wording import Wording, plain, round_half_up
from annualreport.ingest.specs import DatasetSpec, load_specs

DATE_TYPES = {"date", "datetime"}
# Filter operators (`where`) in words: op -> (for numbers, for dates); `{h}` the column, `{v}` the argument.
FILTER_ZH = {
    "equals": ("{h}为{v}", "{h}为{v}"),  # `col: value` and `col: [a, b]`
    "in": ("{h}为{v}", "{h}为{v}"),
    "not_in": ("{h}不为{v}", "{h}不为{v}"),
    "within": ("{h}在{year}年内", "{h}在{year}年内"),
    "eq_year": ("{h}为{year}", "{h}为{year}年"),
    "null": ("{h}为空", "{h}为空"),
    "not_null": ("{h}已填写", "{h}已填写"),
    "gte": ("{h}不小于{v}", "{h}不早于{v}"),
    "lte": ("{h}不大于{v}", "{h}不晚于{v}"),
    "gt": ("{h}大于{v}", "{h}晚于{v}"),
    "lt": ("{h}小于{v}", "{h}早于{v}"),
    "eq": ("{h}等于{v}", "{h}为{v}"),
    "lte_col": ("{h}不大于同一行的{o}", "{h}不晚于同一行的{o}"),
    "gte_col": ("{h}不小于同一行的{o}", "{h}不早于同一行的{o}"),
}
# Measures in words (what is counted or computed); see `_measure`.
MEASURE_ZH = {
    "count": "记录数",
    "distinct": "{noun}，按{h}去重（{who}同一{h}只计一次）",
    "sum": "{h}之和",
    "rate": "{base}，{inner}的记录所占百分比",
    "max": "{h}的最大值",
    "min": "{h}的最小值",
    "max_date": "{h}（有多条时取最晚者）",
    "min_date": "{h}（有多条时取最早者）",
    "min_count_per": "记录数，按{h}分组计数，取《{universe}》所列各{uh}中最少的一组（没有记录的{uh}计为0）",
    "list": "记录，逐条列出{columns}（每条记录连写为一项{sort}，重复的只列一次）；数值为列出的项数",
}
# A distinct count's noun by the figure's unit (人 -> 人数); other units: the unit followed by 数.
UNIT_NOUN = {"人": "人数", "名": "人数", "人次": "人次数", "次": "次数"}
# Columns a dataset's `derive:` rule adds (ingest/derive.py), which its spec has no header for: the column in
# words and, where its values are codes, each value's words (the condition then reads "<column><value words>").
DERIVED = {
    "status": ("节点状态（年末按计划与实际完成日期判定）", {}),
    "home_county_status": (
        "生源县",
        {"matched": "在贫困县名单中", "unmatched": "不在贫困县名单中", "blank": "未填写"},
    ),
    "poverty_county": ("匹配到的贫困县", {}),
}
# The wording styles (base/wording.py) by the words they print; a note says what a rounded form (near, over,
# plus, wan) stands for, and that a style which does not fit the value fell back to the number itself. The other
# styles print the value exactly and need no note.
STYLE_ZH = {"near": "近", "over": "超过", "plus": "余", "wan": "万", "cn": "汉字数字", "all": "全部", "zero": "零",
            "full": "百分之百"}  # fmt: skip
ROUNDED = ("near", "over", "plus", "wan")


@dataclass(frozen=True)
class Words:
    """What a definition is written from: the dataset specs, the named value sets and the report year."""

    specs: Mapping[str, DatasetSpec]
    sets: Mapping[str, list]
    year: int

    @classmethod
    def load(cls, root: Path | None, sets: Mapping[str, list], year: int) -> Words:
        return cls(load_specs(root), sets, year)


def quoted(values) -> str:
    """“甲” / “甲”或“乙” / “甲”、“乙”或“丙”."""
    items = [f"“{_value(v)}”" for v in values]
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "或" + items[-1]


def _value(v) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    return plain(v) if isinstance(v, (int, float, Decimal)) else str(v)


def column_words(spec: DatasetSpec, column: str) -> tuple[str, dict, bool]:
    """(the column in words, its coded values' words, whether it holds dates)."""
    try:
        col = spec.column(column)
    except KeyError:
        if column not in DERIVED:
            raise SpecError(f"specs/datasets/{spec.name}.yaml: column '{column}' has no Chinese name") from None
        name, values = DERIVED[column]
        return name, values, False
    return col.header, {}, col.type in DATE_TYPES


def _person_key(spec: DatasetSpec, column: str) -> str:
    """How a `person` column (`person:` of a dataset spec) tells people apart, in words: 有工号的按工号，无工号的按证件后四位和
    姓名 ('' for any other column)."""
    person = spec.person or {}
    if column != person.get("column"):
        return ""
    ident = spec.column(person["id"]).header if person.get("id") else ""
    fallback = "和".join(person.get("fallback") or ())
    if ident and fallback:
        return f"有{ident}的按{ident}，无{ident}的按{fallback}"
    return f"按{ident or fallback}"


def condition(spec: DatasetSpec, column: str, cond, words: Words) -> tuple[str, bool]:
    """One `where` entry in words, and whether it is a date window (`within: year`)."""
    h, coded, is_date = column_words(spec, column)
    pick = 1 if is_date else 0
    if isinstance(cond, list):
        return FILTER_ZH["equals"][pick].format(h=h, v=quoted(cond)), False
    if not isinstance(cond, dict):
        if cond in coded:
            return f"{h}{coded[cond]}", False
        return FILTER_ZH["equals"][pick].format(h=h, v=quoted([cond])), False
    parts, window = [], False
    for op, arg in cond.items():
        op = "null" if op is None else op
        if op == "null":
            op = "null" if arg else "not_null"
        if op not in FILTER_ZH or op == "equals":
            raise SpecError(f"specs/figures: filter operator '{op}' has no Chinese words (figures/definitions.py)")
        if op in ("in", "not_in"):
            values = arg if isinstance(arg, list) else words.sets.get(arg, [arg])
            v = quoted(values)
        elif op in ("lte_col", "gte_col"):
            v = ""
        else:
            v = _value(arg)
        other = column_words(spec, arg)[0] if op in ("lte_col", "gte_col") else ""
        parts.append(FILTER_ZH[op][pick].format(h=h, v=v, o=other, year=words.year))
        window |= op == "within"
    return "、".join(parts), window


def conditions(spec: DatasetSpec, where: dict, words: Words) -> tuple[list[str], list[str]]:
    """(filters, date windows) of a `where`, in words."""
    filters, windows = [], []
    for column, cond in where.items():
        text, window = condition(spec, column, cond, words)
        (windows if window else filters).append(text)
    return filters, windows


def _subject(spec: DatasetSpec, filters: list[str]) -> str:
    """《招生录取名单》中培养层次为“高职(专科)”的 / 《招生录取名单》的."""
    return f"《{spec.title}》中{'、'.join(filters)}的" if filters else f"《{spec.title}》的"


def _list_columns(arg) -> tuple[list[str], list[str]]:
    """(columns, sort) of a `list` measure (checked when the figure was loaded: figures/compute.py `list_spec`)."""
    columns, sort = (arg.get("columns"), arg.get("sort") or []) if isinstance(arg, dict) else (arg, [])
    return ([columns] if isinstance(columns, str) else list(columns)), ([sort] if isinstance(sort, str) else list(sort))


def define(
    dataset: str, measure, where: dict, unit: str, precision: int, words: Words, extra: tuple[str, ...] = ()
) -> str:
    """A figure (or a chart's bar: `extra` adds its category's condition) in Chinese words."""
    spec = words.specs.get(dataset)
    if spec is None:
        raise SpecError(f"specs/figures: dataset '{dataset}' has no spec (specs/datasets/{dataset}.yaml)")
    filters, windows = conditions(spec, where, words)
    filters = [*filters, *extra]
    tail: list[str] = []
    if measure == "count":
        text = _subject(spec, filters) + MEASURE_ZH["count"]
    elif isinstance(measure, dict) and len(measure) == 1:
        ((op, arg),) = measure.items()
        if op == "rate":
            base = f"《{spec.title}》中{'、'.join(filters + windows)}的记录里" if filters or windows else (
                f"《{spec.title}》的全部记录中"
            )  # fmt: skip
            inner = "、".join(f for part in conditions(spec, arg, words) for f in part)
            text, windows = MEASURE_ZH["rate"].format(base=base, inner=inner), []
            tail.append(_decimals(precision))
        elif op == "list":
            columns, sort = _list_columns(arg)
            named = "和".join(column_words(spec, c)[0] for c in columns)
            order = f"，按{'、'.join(column_words(spec, c)[0] for c in sort)}排序" if sort else ""
            text = _subject(spec, filters + windows) + MEASURE_ZH["list"].format(columns=named, sort=order)
            windows = []
        elif op == "min_count_per":
            universe = arg.get("universe") or {}
            uspec = words.specs.get(universe.get("dataset", ""))
            if uspec is None:
                raise SpecError(f"specs/figures: min_count_per universe {universe!r} has no dataset spec")
            text = _subject(spec, filters + windows) + MEASURE_ZH["min_count_per"].format(
                h=column_words(spec, arg["column"])[0],
                universe=uspec.title,
                uh=column_words(uspec, universe["column"])[0],
            )
            windows = []
        elif op in ("distinct", "sum", "max", "min"):
            h, _, is_date = column_words(spec, arg)
            key = f"{op}_date" if op in ("max", "min") and is_date else op
            noun = UNIT_NOUN.get(unit, f"{unit}数" if unit else "个数")
            who = _person_key(spec, arg)
            text = _subject(spec, filters) + MEASURE_ZH[key].format(h=h, noun=noun, who=f"{who}识别，" if who else "")
            if precision and op == "sum":
                tail.append(_decimals(precision))
        else:
            raise SpecError(f"specs/figures: measure '{op}' has no Chinese words (figures/definitions.py)")
    else:
        raise SpecError(f"specs/figures: measure {measure!r} has no Chinese words (figures/definitions.py)")
    return "，".join([text, *windows, *(t for t in tail if t)])


def _decimals(precision: int) -> str:
    return f"保留{precision}位小数（四舍五入）" if precision else "取整数（四舍五入）"


def rounding_note(value, unit: str, wording: dict, shown: Wording) -> str:
    """What a rounded wording stands for, for a reader of the ledger: 报告表述“30余”：实际数在31至39之间. A style that
    fell back to the plain number (`shown.note`) says so; an exact style says nothing."""
    style = wording.get("style", "plain")
    if style not in STYLE_ZH or value is None:
        return ""
    if shown.note:
        return f"数值不符合“{STYLE_ZH[style]}”的表述条件，报告按实际数表述"
    if style not in ROUNDED:
        return ""
    d = Decimal(str(value))
    if style == "wan":
        exact = d / 10000 == round_half_up(d / 10000, 2)
        return "" if exact else f"报告表述“{shown.text}”：以万为单位，保留两位小数（四舍五入）"
    step = int(wording["step"])
    band = int(wording.get("band") or step)
    n = int(d)
    if style == "near":
        top = -(-n // step) * step
        top += step if top == n else 0
        low, high = top - band, top - 1
    elif style == "over":
        low, high = n // step * step + 1, n // step * step + band
    else:  # plus
        low, high = n // step * step + 1, n // step * step + step - 1
    return f"报告表述“{shown.text}”：实际数在{low}至{high}之间"
