"""Draft a GX suite from a dataset spec, and check that the committed suites agree with their specs.

    python -m annualreport_dev.suitegen <dataset> [--write]     # print (or write) the draft suite
    python -m annualreport_dev.suitegen --check [<dataset> ...]   # exit 1 listing every disagreement

The committed `expectations/<dataset>.json` is the source of truth and is edited by hand
afterwards (dataset-specific checks, severities, wording); this only writes the checks every spec
implies, so a new dataset starts with a complete, consistent suite.

A rule is written once: the checks of rules the spec holds (ID patterns, from the spec or the college's
`conventions` in the params; allowed sets; ranges; the fewest rows) refer to suite parameters (`{"$PARAMETER":
"pattern_<column>"}`, `allowed_<column>`, `min_<column>`, `max_<column>`, `min_rows`) that
`annualreport.validation.suites.spec_parameters` fills from the spec and the params at validation time.

After the draft, nothing else keeps a suite and its spec together; `disagreements` (and `--check`, and
tests/validation/test_suite_spec_agreement.py) does. A suite agrees with its spec when
1. every check the spec implies (`spec_checks`, the draft's checks) is in the suite with the same type and
   kwargs (kwargs that GX reads as sets compared as sets; a None kwarg is an absent one) and severity
   `blocking`; only its `meta.description` is the suite's to word. A softer variant (a warning, `mostly`) is a
   check of the suite's own, beside the spec's, never instead of it;
2. every column it names (`column`, `column_A`/`column_B`, `column_list`, the names in a `row_condition`) is a
   column of the clean table: `source_row`, the spec's canonical columns with each count's `_at_least` flag, the
   `person` column, and the columns the spec's `derive:` functions add (`derived_columns`);
3. every `$PARAMETER` it refers to is given: by the spec (`spec_parameters`) or by the year's params
   (`suite_parameters`: the year, its dates, the expected rows, the majors' names and groups); and a spec's
   parameter is used only where the spec's check uses it (`allowed_status` as the value set of `status`);
4. it restates no rule of the spec as a literal: no literal regex on a column with a pattern or convention, no
   literal value set on a category or on a column the majors table checks, no literal bound equal to the spec's
   `min`/`max`, no literal row floor equal to `min_rows`;
5. a `row_condition` comparing a category column with a literal names one of its allowed values (a renamed
   value would make the condition select no row, and the check pass on nothing).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import sys
from collections.abc import Collection
from functools import cache
from pathlib import Path

import pandas as pd

from annualreport.base.errors import SpecError
from annualreport.base.params import load_params
from annualreport.base.paths import expectations_dir, repo_root
from annualreport.ingest.cells import CleanContext
from annualreport.ingest.derive import DERIVATIONS
from annualreport.ingest.frames import empty_frame
from annualreport.ingest.specs import AT_LEAST, ColumnSpec, DatasetSpec, load_specs
from annualreport.validation.suites import spec_parameters, suite_files, suite_parameters

TYPE_LISTS = {
    "text": ["str", "string", "StringDtype", "object"],
    "id": ["str", "string", "StringDtype", "object"],
    "category": ["str", "string", "StringDtype", "object"],
    "int": ["int64", "Int64", "Int64Dtype"],
    "count": ["int64", "Int64", "Int64Dtype"],
    "number": ["float64", "Float64", "Float64Dtype"],
    "money": ["float64", "Float64", "Float64Dtype"],
    "percent": ["float64", "Float64", "Float64Dtype"],
    "date": ["datetime64", "datetime64[us]", "datetime64[ns]"],
    "datetime": ["datetime64", "datetime64[us]", "datetime64[ns]"],
    "bool": ["bool", "boolean", "BooleanDtype"],
}


# Reference columns whose values suites receive as parameters (validate.suite_parameters).
REF_PARAMETERS = {"major": "major_names", "group": "group_names"}

# Kwargs GX reads as sets: their order does not matter when a suite's check is compared with the spec's.
SET_KWARGS = ("column_set", "column_list", "type_list", "value_set")


def _exp(type_: str, severity: str, description: str, **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "meta": {"severity": severity, "description": description}}


def _param(name: str) -> dict:
    return {"$PARAMETER": name}


def pattern_checks(c: ColumnSpec) -> list[tuple[str, dict]]:
    """The ID pattern checks of a column, each with the rule behind it: its pattern (the contract's) or its
    conventions (the college's)."""
    if c.pattern:
        return [
            (
                f"{c.name} has the pattern {c.pattern!r}",
                _exp(
                    "expect_column_values_to_match_regex",
                    "blocking",
                    f"{c.header}符合数据规范规定的格式",
                    column=c.name,
                    regex=_param(f"pattern_{c.name}"),
                ),
            )
        ]
    out = []
    for by, value, key in c.conventions:
        where = f"（{value}）" if by else ""
        kwargs = {"column": c.name, "regex": _param(f"pattern_{c.name}" if by is None else f"pattern_{c.name}_{key}")}
        if by:
            kwargs.update(row_condition=f'{by}=="{value}"', condition_parser="pandas")
        why = f"{c.name} follows the convention {key}" + (f" where {by} is {value}" if by else "")
        out.append(
            (
                why,
                _exp(
                    "expect_column_values_to_match_regex",
                    "blocking",
                    f"{c.header}{where}符合本校规定的格式（参数 conventions.{key}）",
                    **kwargs,
                ),
            )
        )
    return out


def flag_type_check(c: ColumnSpec) -> dict:
    return _exp(
        "expect_column_values_to_be_in_type_list",
        "blocking",
        f"{c.header}是否为下限（如10万+）的类型正确",
        column=c.name + AT_LEAST,
        type_list=TYPE_LISTS["bool"],
    )


def clean_columns(spec: DatasetSpec, derived: list[str] | None = None) -> list[str]:
    """The columns of the dataset's clean table: source_row and source_sheet, the canonical columns (a count
    with its flag), the derived columns, the person column."""
    cols = ["source_row", "source_sheet"]
    for c in spec.canonical:
        cols += [c.name, c.name + AT_LEAST] if c.type == "count" else [c.name]
    cols += list(derived or [])
    if spec.person:
        cols.append(spec.person["column"])
    return cols


def spec_checks(spec: DatasetSpec, derived: list[str] | None = None) -> list[tuple[str, dict]]:
    """The checks every spec implies, each with the rule of the spec behind it (in English, for messages)."""
    out: list[tuple[str, dict]] = []

    def add(why: str, type_: str, description: str, **kwargs) -> None:
        out.append((why, _exp(type_, "blocking", description, **kwargs)))

    cols = clean_columns(spec, derived)
    add(
        f"the clean table has exactly the columns {', '.join(cols)}",
        "expect_table_columns_to_match_set",
        "表的列与数据规范一致",
        column_set=cols,
        exact_match=True,
    )
    add(
        "the params' datasets.<name>.expected_rows bound the year's rows",
        "expect_table_row_count_to_be_between",
        "行数在参数文件给出的本年度合理范围内",
        min_value=_param("rows_min"),
        max_value=_param("rows_max"),
    )
    if spec.min_rows:
        add(
            f"min_rows: {spec.min_rows}",
            "expect_table_row_count_to_be_between",
            "表不能为空",
            min_value=_param("min_rows"),
        )
    for c in spec.canonical:
        add(
            f"{c.name} is of type {c.type}",
            "expect_column_values_to_be_in_type_list",
            f"{c.header}的类型正确",
            column=c.name,
            type_list=TYPE_LISTS[c.type],
        )
        if c.type == "count":
            out.append((f"{c.name} is a count, flagged in {c.name + AT_LEAST} where a lower bound", flag_type_check(c)))
    if len(spec.key) == 1:
        k = spec.column(spec.key[0])
        add(f"key: [{k.name}]", "expect_column_values_to_be_unique", f"{k.header}不重复", column=k.name)
    elif spec.key:
        headers = "、".join(spec.column(k).header for k in spec.key)
        add(
            f"key: [{', '.join(spec.key)}]",
            "expect_compound_columns_to_be_unique",
            f"{headers}组合不重复",
            column_list=list(spec.key),
        )
    for c in spec.canonical:
        if c.required:
            add(f"{c.name} is required", "expect_column_values_to_not_be_null", f"{c.header}不为空", column=c.name)
        if c.type == "category":
            add(
                f"{c.name} is a category, allowed: {', '.join(c.allowed)}",
                "expect_column_values_to_be_in_set",
                f"{c.header}取值在规定范围内",
                column=c.name,
                value_set=_param(f"allowed_{c.name}"),
            )
        if (c.min is not None or c.max is not None) and c.type in ("int", "count", "number", "money", "percent"):
            add(
                f"{c.name} has"
                + (f" min {c.min}" if c.min is not None else "")
                + (f" max {c.max}" if c.max is not None else ""),
                "expect_column_values_to_be_between",
                f"{c.header}在数据规范规定的范围内",
                column=c.name,
                min_value=None if c.min is None else _param(f"min_{c.name}"),
                max_value=None if c.max is None else _param(f"max_{c.name}"),
            )
        out.extend(pattern_checks(c))
        if c.range == "year" and c.type in ("date", "datetime"):
            add(
                f"{c.name} has range: year",
                "expect_column_values_to_be_between",
                f"{c.header}在本年度内",
                column=c.name,
                min_value=_param("year_start"),
                max_value=_param("year_end"),
            )
        if c.range == "year" and c.type == "int":
            add(
                f"{c.name} has range: year (the report year)",
                "expect_column_values_to_be_between",
                f"{c.header}等于报告年度",
                column=c.name,
                min_value=_param("year"),
                max_value=_param("year"),
            )
        if c.ref and c.ref.get("table") == "majors" and c.ref.get("column") in REF_PARAMETERS:
            add(
                f"{c.name} refers to majors.{c.ref['column']}",
                "expect_column_values_to_be_in_set",
                f"{c.header}都在专业目录中",
                column=c.name,
                value_set=_param(REF_PARAMETERS[c.ref["column"]]),
            )
    return out


def scaffold(spec: DatasetSpec, derived: list[str] | None = None) -> dict:
    """The draft suite: the checks every spec implies (`spec_checks`)."""
    exps = [exp for _, exp in spec_checks(spec, derived)]
    return {"name": spec.name, "meta": {"dataset": spec.name, "title": spec.title}, "expectations": exps}


# ---------------------------------------------------------------------------------------- agreement
def derived_columns(spec: DatasetSpec) -> list[str]:
    """The columns the spec's `derive:` functions add to its clean table. No file lists them (each function's
    docstring says what it adds): they are found by running the functions on an empty clean table."""
    frame = before = empty_frame(spec)
    ctx = CleanContext(year=2000, date_min=pd.Timestamp(2000, 1, 1), date_max=pd.Timestamp(2000, 12, 31))
    for name in spec.derive:
        if name not in DERIVATIONS:
            raise SpecError(f"specs/datasets/{spec.name}.yaml: unknown derivation '{name}'")
        try:
            frame = DERIVATIONS[name](frame, ctx)
        except Exception as exc:  # a derivation reading a column the spec no longer has
            raise SpecError(
                f"specs/datasets/{spec.name}.yaml: derive: {name} fails on the spec's clean table: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
    return [c for c in frame.columns if c not in before.columns]


@cache
def _year_parameters(root: str) -> frozenset[str]:
    paths = sorted(Path(root, "params").glob("*.yaml")) + sorted(Path(root, "params", "institutions").glob("*/*.yaml"))
    if not paths:
        raise SpecError(f"{root}/params: no params file to take the year's suite parameters from")
    # The majors reference table is cleaned first in every build, so its names and groups are always given.
    majors = pd.DataFrame({"major": pd.Series([], dtype="string"), "group": pd.Series([], dtype="string")})
    names = [set(suite_parameters(load_params(p, root=Path(root)), "", {"majors": majors})) for p in paths]
    return frozenset(set.intersection(*names))


def year_parameters(root: Path | None = None) -> frozenset[str]:
    """The names of the parameters every suite is given whatever its spec (`suite_parameters` on each params
    file of the project, with no dataset: the year, its dates, the expected rows, the majors' names)."""
    return _year_parameters(str((root or repo_root()).resolve()))


def _target(kwargs: dict) -> str:
    cols = kwargs.get("column") or kwargs.get("column_A") or ", ".join(kwargs.get("column_list") or ())
    if kwargs.get("column_B"):
        cols += f", {kwargs['column_B']}"
    return f" ({cols})" if cols else ""


def _condition(text: str) -> ast.Expression | None:
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return None


def _canon(kwargs: dict) -> str:
    """A check's kwargs as compared: None dropped, set-like lists sorted, a row_condition as its syntax tree."""
    out = {}
    for k, v in kwargs.items():
        if v is None:
            continue
        if k in SET_KWARGS and isinstance(v, list):
            v = sorted(json.dumps(x, ensure_ascii=False, sort_keys=True) for x in v)
        if k == "row_condition" and isinstance(v, str) and (tree := _condition(v)) is not None:
            v = ast.dump(tree)
        out[k] = v
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def _slot(exp: dict) -> tuple:
    """What a check is about: its type, columns and row condition (not its bounds or sets)."""
    kw = exp["kwargs"]
    cond = kw.get("row_condition")
    tree = _condition(cond) if isinstance(cond, str) else None
    cols = (kw.get("column"), kw.get("column_A"), kw.get("column_B"), tuple(sorted(kw.get("column_list") or ())))
    return exp["type"], cols, ast.dump(tree) if tree else cond


def _compared(tree: ast.Expression) -> list[tuple[str, str]]:
    """(column, literal) for each comparison of a name with a string in a row_condition (==, !=, in)."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        names = [o.id for o in operands if isinstance(o, ast.Name)]
        literals = []
        for o in operands:
            items = o.elts if isinstance(o, ast.List | ast.Tuple | ast.Set) else [o]
            literals += [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
        out += [(n, v) for n in names for v in literals]
    return out


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def disagreements(
    spec: DatasetSpec, suite: dict, *, derived: list[str] | None = None, given: Collection[str] | None = None
) -> list[str]:
    """Where `suite` (a suite file's JSON) and its spec disagree, one message each, naming the file, the
    expectation (#number, type, column) and what the spec says; empty when they agree (the rules: this
    module's docstring). `derived`: the derived columns (default: `derived_columns`); `given`: the names of the
    year's parameters (default: `year_parameters()` of this checkout)."""
    out: list[str] = []
    if derived is None:
        try:
            derived = derived_columns(spec)
        except SpecError as exc:
            out.append(str(exc))
            derived = []
    pair = _Pair(spec, suite, spec_checks(spec, derived), clean_columns(spec, derived))
    given = set(year_parameters() if given is None else given)
    return out + pair.missing() + pair.columns() + pair.parameters(given) + pair.literals()


class _Pair:
    """A spec and its suite, compared rule by rule (the module's docstring); each method returns messages."""

    def __init__(self, spec: DatasetSpec, suite: dict, checks: list[tuple[str, dict]], columns: list[str]):
        self.spec, self.exps, self.checks, self.clean = spec, suite["expectations"], checks, columns
        self.sfile = f"expectations/{suite.get('name') or spec.name}.json"
        self.yfile = f"specs/datasets/{spec.name}.yaml"

    def label(self, i: int) -> str:
        return f"{self.sfile} #{i + 1} {self.exps[i]['type']}{_target(self.exps[i]['kwargs'])}"

    def missing(self) -> list[str]:
        """1. Every check the spec implies is in the suite, same type and kwargs, blocking."""
        out = []
        keys = [(e["type"], _canon(e["kwargs"])) for e in self.exps]
        found = {
            id(g): [i for i, k in enumerate(keys) if k == (g["type"], _canon(g["kwargs"]))] for _, g in self.checks
        }
        matched = {i for ids in found.values() for i in ids}
        for why, g in self.checks:
            spec_says = f"({self.yfile}: {why})"
            if found[id(g)]:
                i = found[id(g)][0]
                if all(self.exps[j]["meta"].get("severity") != "blocking" for j in found[id(g)]):
                    out.append(
                        f"{self.label(i)}: severity {self.exps[i]['meta'].get('severity')!r}, but the checks a spec "
                        f"implies are blocking {spec_says}; a softer variant is a check of the suite's own beside it"
                    )
                continue
            near = [i for i, e in enumerate(self.exps) if i not in matched and _slot(e) == _slot(g)]
            if not near:
                out.append(
                    f"{self.sfile}: no {g['type']}{_target(g['kwargs'])} {_show(g['kwargs'])}, a check the spec "
                    f"implies {spec_says}"
                )
                continue
            kw = self.exps[near[0]]["kwargs"]
            if g["type"] == "expect_table_columns_to_match_set" and isinstance(kw.get("column_set"), list):
                want = g["kwargs"]["column_set"]
                lacks = [c for c in want if c not in kw["column_set"]]
                extra = [c for c in kw["column_set"] if c not in want]
                if lacks or extra:
                    says = [f"lacks {', '.join(lacks)}"] if lacks else []
                    says += [f"has {', '.join(extra)}, not a column of the clean table"] if extra else []
                    out.append(f"{self.label(near[0])}: the column set {' and '.join(says)} {spec_says}")
                    continue
            out.append(
                f"{self.label(near[0])}: kwargs {_show(kw)} differ from the check the spec implies, "
                f"{_show(g['kwargs'])} {spec_says}"
            )
        return out

    def columns(self) -> list[str]:
        """2. Every column named is one of the clean table's; 5. a row_condition's values are allowed ones."""
        out = []
        allowed = {c.name: c.allowed for c in self.spec.canonical if c.type == "category"}
        for i, e in enumerate(self.exps):
            kw = e["kwargs"]
            named = [kw.get(k) for k in ("column", "column_A", "column_B")] + list(kw.get("column_list") or ())
            cond = kw.get("row_condition")
            tree = _condition(cond) if isinstance(cond, str) else None
            if isinstance(cond, str) and tree is None:
                out.append(f"{self.label(i)}: row_condition {cond!r} is not an expression the check can read")
            if tree is not None:
                named += sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)})
            for col in dict.fromkeys(c for c in named if isinstance(c, str)):
                if col not in self.clean:
                    derive = self.spec.derive
                    out.append(
                        f"{self.label(i)}: column '{col}' is not a column of the clean table ({self.yfile} has no "
                        f"column '{col}'" + (f", and its derive: {', '.join(derive)} adds none" if derive else "") + ")"
                    )
            for col, value in _compared(tree) if tree is not None else []:
                if col in allowed and value not in allowed[col]:
                    out.append(
                        f"{self.label(i)}: row_condition compares {col} with {value!r}, not one of its allowed values "
                        f"({self.yfile}: {', '.join(allowed[col])}), so it would select no row"
                    )
        return out

    def parameters(self, given: set[str]) -> list[str]:
        """3. Every parameter is given, by the spec or the year's params; the spec's where its checks use them."""
        out = []
        own = set(spec_parameters(self.spec, {}))
        where = {
            v["$PARAMETER"]: (g["kwargs"].get("column"), k)
            for _, g in self.checks
            for k, v in g["kwargs"].items()
            if isinstance(v, dict) and v.get("$PARAMETER") in own
        }
        for i, e in enumerate(self.exps):
            column = e["kwargs"].get("column")
            for k, v in e["kwargs"].items():
                p = v.get("$PARAMETER") if isinstance(v, dict) else None
                if p is None:
                    continue
                if p not in own | given:
                    close = difflib.get_close_matches(str(p), sorted(own | given), n=1)
                    out.append(
                        f"{self.label(i)}: parameter {p!r} in {k} is given neither by {self.yfile} (its rules: "
                        f"{', '.join(sorted(own))}) nor by the params ({', '.join(sorted(given))})"
                        + (f"; did you mean {close[0]!r}?" if close else "")
                    )
                elif p in where and where[p] != (column, k):
                    col, kwarg = where[p]
                    out.append(
                        f"{self.label(i)}: parameter {p!r} is {self.yfile}'s rule for {kwarg} of "
                        + (col or "the table")
                        + f", used here as {k}"
                        + (f" of {column}" if column else "")
                    )
        return out

    def literals(self) -> list[str]:
        """4. No literal restates a rule of the spec."""
        out = []
        canonical = {c.name: c for c in self.spec.canonical}
        for i, e in enumerate(self.exps):
            kw = e["kwargs"]
            c = canonical.get(kw.get("column"))
            restates = f"{self.label(i)}: the literal"
            if c is not None and isinstance(kw.get("regex"), str) and (c.pattern or c.convention):
                cases = ", ".join(f"{v}: {key}" for by, v, key in c.conventions if by)
                rule = f"pattern {c.pattern!r}" if c.pattern else f"convention {c.convention}"
                rule = f"conventions by {c.convention['by']} ({cases})" if cases else rule
                names = [f"pattern_{c.name}"] if c.pattern or isinstance(c.convention, str) else []
                names += [f"pattern_{c.name}_{key}" for by, _, key in c.conventions if by]
                out.append(
                    f"{restates} regex {kw['regex']!r} restates {self.yfile}'s {rule} of {c.name}; refer to "
                    + " or ".join(_show(_param(n)) for n in names)
                )
            if c is not None and isinstance(kw.get("value_set"), list):
                if c.allowed:
                    out.append(
                        f"{restates} value set restates {self.yfile}'s allowed values of {c.name} "
                        f"({', '.join(c.allowed)}); refer to {_show(_param('allowed_' + c.name))}"
                    )
                elif c.ref and c.ref.get("table") == "majors" and c.ref.get("column") in REF_PARAMETERS:
                    out.append(
                        f"{restates} value set restates the majors table's {c.ref['column']} ({self.yfile}: ref); "
                        f"refer to {_show(_param(REF_PARAMETERS[c.ref['column']]))}"
                    )
            for bound in ("min", "max") if c is not None else ():
                lit, value = kw.get(f"{bound}_value"), getattr(c, bound)
                if value is not None and isinstance(lit, int | float) and not isinstance(lit, bool) and lit == value:
                    out.append(
                        f"{restates} {bound}_value {lit} restates {self.yfile}'s {bound} of {c.name}; "
                        f"refer to {_show(_param(f'{bound}_{c.name}'))}"
                    )
            table_rows = e["type"] == "expect_table_row_count_to_be_between"
            if table_rows and self.spec.min_rows and kw.get("min_value") == self.spec.min_rows:
                out.append(
                    f"{restates} min_value {self.spec.min_rows} restates {self.yfile}'s min_rows; "
                    f"refer to {_show(_param('min_rows'))}"
                )
        return out


def check(root: Path | None = None, datasets: list[str] | None = None) -> list[str]:
    """Every disagreement between the project's suites and specs (those of `datasets`, default all), with the
    suites whose spec is gone and the specs that have no suite."""
    specs, suites = load_specs(root), suite_files(root)
    unknown = sorted(set(datasets or ()) - set(specs) - set(suites))
    if unknown:
        raise SpecError(f"no spec or suite named {', '.join(unknown)} (known: {', '.join(sorted(specs))})")
    out = []
    for name in [*specs, *sorted(set(suites) - set(specs))]:
        if datasets and name not in datasets:
            continue
        if name not in specs:
            out.append(f"expectations/{name}.json: no spec specs/datasets/{name}.yaml (a suite of no dataset)")
        elif name not in suites:
            out.append(
                f"specs/datasets/{name}.yaml: no suite expectations/{name}.json "
                f"(`python -m annualreport_dev.suitegen {name} --write` drafts one)"
            )
        else:
            out += disagreements(specs[name], suites[name].data, given=year_parameters(root))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", nargs="*", help="the dataset to draft a suite for; with --check, those to check")
    ap.add_argument("--derived", nargs="*", help="columns added by derive functions (default: what they add)")
    ap.add_argument("--write", action="store_true", help="write expectations/<dataset>.json (refuses to overwrite)")
    ap.add_argument("--check", action="store_true", help="list where suites and specs disagree; exit 1 if any")
    args = ap.parse_args(argv)
    if args.check:
        if args.write or args.derived is not None:
            ap.error("--check drafts nothing: no --write or --derived")
        try:
            found = check(datasets=args.dataset or None)
        except SpecError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for line in found:
            print(line)
        if found:
            print(f"{len(found)} disagreement(s) between suites and specs (docs/validation.md)", file=sys.stderr)
            return 1
        print("no disagreement between suites and specs", file=sys.stderr)
        return 0
    if len(args.dataset) != 1:
        ap.error("name one dataset to draft a suite for (or --check)")
    specs = load_specs()
    if args.dataset[0] not in specs:
        ap.error(f"no spec specs/datasets/{args.dataset[0]}.yaml")
    spec = specs[args.dataset[0]]
    derived = derived_columns(spec) if args.derived is None else args.derived
    text = json.dumps(scaffold(spec, derived), ensure_ascii=False, indent=2) + "\n"
    if not args.write:
        sys.stdout.write(text)
        return 0
    path = expectations_dir() / f"{spec.name}.json"
    if path.exists():
        print(f"{path} exists; not overwriting", file=sys.stderr)
        return 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
