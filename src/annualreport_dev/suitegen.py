"""Scaffold a GX suite from a dataset spec: `python -m annualreport_dev.suitegen <dataset> [--write]`.

The committed `expectations/<dataset>.json` is the source of truth and is edited by hand
afterwards (dataset-specific checks, severities, wording); this only writes the checks every spec
implies, so a new dataset starts with a complete, consistent suite.

A rule is written once: the checks of rules the spec holds (ID patterns, from the spec or the college's
`conventions` in the params; allowed sets; ranges) refer to suite parameters (`{"$PARAMETER":
"pattern_<column>"}`, `allowed_<column>`, `min_<column>`, `max_<column>`) that
`annualreport.validation.suites.spec_parameters` fills from the spec and the params at validation time.
"""

from __future__ import annotations

import argparse
import json
import sys

from annualreport.base.paths import expectations_dir
from annualreport.ingest.specs import AT_LEAST, ColumnSpec, DatasetSpec, load_specs

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


def _exp(type_: str, severity: str, description: str, **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "meta": {"severity": severity, "description": description}}


def _param(name: str) -> dict:
    return {"$PARAMETER": name}


def pattern_checks(c: ColumnSpec) -> list[dict]:
    """The ID pattern checks of a column: its pattern (the contract's) or its conventions (the college's)."""
    if c.pattern:
        return [
            _exp(
                "expect_column_values_to_match_regex",
                "blocking",
                f"{c.header}符合数据规范规定的格式",
                column=c.name,
                regex=_param(f"pattern_{c.name}"),
            )
        ]
    out = []
    for by, value, key in c.conventions:
        where = f"（{value}）" if by else ""
        kwargs = {"column": c.name, "regex": _param(f"pattern_{c.name}" if by is None else f"pattern_{c.name}_{key}")}
        if by:
            kwargs.update(row_condition=f'{by}=="{value}"', condition_parser="pandas")
        out.append(
            _exp(
                "expect_column_values_to_match_regex",
                "blocking",
                f"{c.header}{where}符合本校规定的格式（参数 conventions.{key}）",
                **kwargs,
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


def scaffold(spec: DatasetSpec, derived: list[str] | None = None) -> dict:
    cols = ["source_row"]
    for c in spec.canonical:
        cols += [c.name, c.name + AT_LEAST] if c.type == "count" else [c.name]
    cols += list(derived or [])
    if spec.person:
        cols.append(spec.person["column"])
    exps = [
        _exp(
            "expect_table_columns_to_match_set", "blocking", "表的列与数据规范一致", column_set=cols, exact_match=True
        ),
        _exp(
            "expect_table_row_count_to_be_between",
            "blocking",
            "行数在参数文件给出的本年度合理范围内",
            min_value={"$PARAMETER": "rows_min"},
            max_value={"$PARAMETER": "rows_max"},
        ),
    ]
    if spec.min_rows:
        exps.append(
            _exp("expect_table_row_count_to_be_between", "blocking", "表不能为空", min_value=_param("min_rows"))
        )
    for c in spec.canonical:
        exps.append(
            _exp(
                "expect_column_values_to_be_in_type_list",
                "blocking",
                f"{c.header}的类型正确",
                column=c.name,
                type_list=TYPE_LISTS[c.type],
            )
        )
        if c.type == "count":
            exps.append(flag_type_check(c))
    if len(spec.key) == 1:
        k = spec.column(spec.key[0])
        exps.append(_exp("expect_column_values_to_be_unique", "blocking", f"{k.header}不重复", column=k.name))
    elif spec.key:
        headers = "、".join(spec.column(k).header for k in spec.key)
        exps.append(
            _exp("expect_compound_columns_to_be_unique", "blocking", f"{headers}组合不重复", column_list=list(spec.key))
        )
    for c in spec.canonical:
        if c.required:
            exps.append(_exp("expect_column_values_to_not_be_null", "blocking", f"{c.header}不为空", column=c.name))
        if c.type == "category":
            exps.append(
                _exp(
                    "expect_column_values_to_be_in_set",
                    "blocking",
                    f"{c.header}取值在规定范围内",
                    column=c.name,
                    value_set=_param(f"allowed_{c.name}"),
                )
            )
        if (c.min is not None or c.max is not None) and c.type in ("int", "count", "number", "money", "percent"):
            exps.append(
                _exp(
                    "expect_column_values_to_be_between",
                    "blocking",
                    f"{c.header}在数据规范规定的范围内",
                    column=c.name,
                    min_value=None if c.min is None else _param(f"min_{c.name}"),
                    max_value=None if c.max is None else _param(f"max_{c.name}"),
                )
            )
        exps.extend(pattern_checks(c))
        if c.range == "year" and c.type in ("date", "datetime"):
            exps.append(
                _exp(
                    "expect_column_values_to_be_between",
                    "blocking",
                    f"{c.header}在本年度内",
                    column=c.name,
                    min_value={"$PARAMETER": "year_start"},
                    max_value={"$PARAMETER": "year_end"},
                )
            )
        if c.range == "year" and c.type == "int":
            exps.append(
                _exp(
                    "expect_column_values_to_be_between",
                    "blocking",
                    f"{c.header}等于报告年度",
                    column=c.name,
                    min_value={"$PARAMETER": "year"},
                    max_value={"$PARAMETER": "year"},
                )
            )
        if c.ref and c.ref.get("table") == "majors" and c.ref.get("column") in REF_PARAMETERS:
            exps.append(
                _exp(
                    "expect_column_values_to_be_in_set",
                    "blocking",
                    f"{c.header}都在专业目录中",
                    column=c.name,
                    value_set={"$PARAMETER": REF_PARAMETERS[c.ref["column"]]},
                )
            )
    return {"name": spec.name, "meta": {"dataset": spec.name, "title": spec.title}, "expectations": exps}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset")
    ap.add_argument("--derived", nargs="*", default=[], help="columns added by derive functions")
    ap.add_argument("--write", action="store_true", help="write expectations/<dataset>.json (refuses to overwrite)")
    args = ap.parse_args(argv)
    spec = load_specs()[args.dataset]
    text = json.dumps(scaffold(spec, args.derived), ensure_ascii=False, indent=2) + "\n"
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
