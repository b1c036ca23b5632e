"""GX's expectation types in the words of the auditor's page: what a check looks at, in Chinese.

A suite's own words (`meta.description`) come first wherever a check is shown; these words stand in where a
suite gives none (`suites.describe`), so no page or table leads with an `expect_…` name, which stays beside the
words as small code text for whoever wants to look it up in GX's documentation.
"""

from __future__ import annotations

from collections.abc import Mapping

# expectation type -> what it checks, said of its column(s) (or of the table)
CHECKS_ZH = {
    "expect_table_columns_to_match_set": "表的列与数据规范一致",
    "expect_table_columns_to_match_ordered_list": "表的列及其顺序与数据规范一致",
    "expect_table_row_count_to_be_between": "表的行数在规定范围内",
    "expect_table_row_count_to_equal": "表的行数等于规定值",
    "expect_column_to_exist": "有这一列",
    "expect_column_values_to_be_in_type_list": "类型正确",
    "expect_column_values_to_be_of_type": "类型正确",
    "expect_column_values_to_not_be_null": "不为空",
    "expect_column_values_to_be_null": "为空",
    "expect_column_values_to_be_unique": "不重复",
    "expect_compound_columns_to_be_unique": "组合不重复",
    "expect_select_column_values_to_be_unique_within_record": "同一行内不重复",
    "expect_column_values_to_be_in_set": "取值在允许范围内",
    "expect_column_values_to_not_be_in_set": "不取禁止的值",
    "expect_column_distinct_values_to_be_in_set": "出现的取值都在允许范围内",
    "expect_column_values_to_be_between": "数值在规定范围内",
    "expect_column_min_to_be_between": "最小值在规定范围内",
    "expect_column_max_to_be_between": "最大值在规定范围内",
    "expect_column_sum_to_be_between": "合计在规定范围内",
    "expect_column_mean_to_be_between": "平均值在规定范围内",
    "expect_column_values_to_match_regex": "符合规定的格式",
    "expect_column_values_to_not_match_regex": "不含禁止的写法",
    "expect_column_value_lengths_to_be_between": "长度在规定范围内",
    "expect_column_pair_values_a_to_be_greater_than_b": "前者大于后者",
    "expect_column_pair_values_to_be_equal": "两列相等",
    "expect_multicolumn_sum_to_equal": "各列之和等于规定值",
}
TABLE = "表"


def columns_of(kwargs: Mapping) -> list[str]:
    """The columns a check names, in its own order."""
    if kwargs.get("column"):
        return [str(kwargs["column"])]
    if kwargs.get("column_A"):
        return [str(kwargs["column_A"]), str(kwargs.get("column_B", ""))]
    listed = kwargs.get("column_list")
    return [str(c) for c in listed] if isinstance(listed, list | tuple) else []


def check_words(kind: str, kwargs: Mapping, headers: Mapping[str, str] | None = None) -> str:
    """A check in Chinese from its type and kwargs: its column(s) by their Chinese headers where `headers`
    ({column: header}) knows them, else by name, then what is checked ("“性别”取值在允许范围内")."""
    what = CHECKS_ZH.get(kind, "符合检查规则")
    if kind.startswith("expect_table_"):
        return what if what.startswith(TABLE) else TABLE + what
    cols = [(headers or {}).get(c, c) for c in columns_of(kwargs) if c]
    return ("、".join(f"“{c}”" for c in cols) or TABLE) + what
