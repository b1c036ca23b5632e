"""The Chinese words of the suite's labels and statuses, in one place: what the ledger annex, the auditor's
workbook, the notebooks and the auditor's page call a ledger column, a ledger row's kind, a validation status,
an expectation's severity and a quarantine rule. Codes (figure ids, dataset ids, rule ids) stay as they are
beside these words, in their own column.

Every page and sheet takes its headers from `COLUMN_ZH` (one word per column everywhere: the value is 数值, in
the annex, the workbook and the notebooks alike) and its kinds from `KIND_ZH`; `kinds_explained` gives the
explanation of the kinds a ledger actually has, so no page announces a kind it has no row of.
"""

from __future__ import annotations

from collections.abc import Iterable

# The ledger's columns (its CSV keeps the English names, for programs) as people read them.
COLUMN_ZH = {
    "id": "编号",
    "section": "章节",
    "heading": "章节标题",
    "label": "指标",
    "kind": "类别",
    "value": "数值",
    "unit": "单位",
    "display": "报告中的数字",
    "wording": "报告中的表述",
    "dataset": "数据集",
    "definition": "定义",
    "rows_used": "所用行数",
    "inputs": "原始文件",
    "validation": "校验",
    "note": "说明",
}

# The ledger's kinds in Chinese, in the order the intro explains them.
KIND_ZH = {
    "computed": "计算",
    "stated": "陈述",
    "statement": "按数据选择的表述",
    "previous": "上年数",
    "change": "同比变化",
    "chart": "图表数值",
    "target": "目标跟踪",
    "plan": "计划目标",
    "quality": "数据质量",
    "signed": "签认时的数值",
}
# (the kinds it explains, its title, what they are), in the order the annex and the workbook list them.
KINDS_EXPLAINED = (
    (("computed",), "计算（来自部门数据）", "按指标定义，从各部门提交并经清洗、校验的数据计算得出。"),
    (("stated",), "陈述（分析员登记，注明来源）", "没有部门数据文件可依的数字，由分析人员登记其来源文件和日期。"),
    (
        ("statement",),
        "按数据选择的表述",
        "正文中陈述进展或状态的措辞（如“按项目计划推进”），按事先声明的条件由数据选定。",
    ),
    (
        ("previous", "change"),
        "上年数 / 同比变化",
        "正文表格中的上一年度数值（按现行指标定义，由上一年度的原始数据重新计算）及本年较上年的变化。",
    ),
    (("chart",), "图表数值", "正文图表中每一根柱子的数值。"),
    (("target",), "目标跟踪", "上一年度工作报告提出的本年度目标：目标值、实际值、差距与完成情况。"),
    (("plan",), "计划目标", "本报告提出的下一年度可量化目标。"),
    (("quality",), "数据质量", "报告“附：数据质量”引用的文件数、行数和校验结果。"),
    (("signed",), "签认时的数值", "自上次签认以来数值或表述有变化的指标，在签认时的数值和表述。"),
)

# A dataset's validation status as the ledger's 校验 column holds it (validation/gate.py `dataset_status` writes
# the first three; a stated figure has no dataset and reads STATED).
PASSED = "通过"
PASSED_WITH_WARNINGS = "通过（{n}项警告）"
FAILED = "未通过"
STATED = "陈述"
# The words a status is shown in where a reader meets it (the annex, the workbook); a status not listed shows as is.
STATUS_SHOWN = {STATED: "不适用（分析员陈述）", "": "—"}

SEVERITY_ZH = {"blocking": "阻断", "warning": "警告"}

# The columns of the validation's tables (the 20-validate notebook's, the auditor's page's) as people read them: a
# dataset, its status and a check are called what the ledger calls them (数据集, 校验), a check's severity and result
# in the words above. The page (validation/page.py, templates/validation/) is to take its headers from here too.
CHECK_COLUMN_ZH = {
    "dataset": COLUMN_ZH["dataset"],
    "title": "名称",
    "status": COLUMN_ZH["validation"],  # a dataset's status: PASSED, PASSED_WITH_WARNINGS or FAILED
    "index": "序号",
    "description": "检查内容",
    "severity": "级别",
    "result": "结果",  # a check's: PASSED or FAILED
    "column": "列",
    "unexpected_count": "不符合行数",
    "failed_blocking": "阻断项未通过",
    "failed_warning": "警告项未通过",
    "passed": PASSED,
    "total": "共计",
    "row": "行号",
    "rule": "规则",
    "reason": "原因",
}

RULES_ZH = {  # quarantine rule ids (ingest.sheet.RULES) in the offices' words
    "missing_required": "必填项为空",
    "not_in_set": "取值不在允许范围内",
    "bad_value": "无法识别的值（数字、日期等）",
    "bad_id": "编号格式不符",
    "negative": "出现负数",
    "out_of_range": "数值超出允许范围",
    "date_out_of_range": "日期不在本年度",
    "not_in_reference": "不在参考表中",
    "key_conflict": "同一编号有多行不同的内容",
    "too_long": "单元格内容过长",
}


def kinds_explained(kinds: Iterable[str]) -> list[tuple[str, str]]:
    """(title, explanation) of each kind group that has at least one of `kinds`, in the glossary's order."""
    present = set(kinds)
    return [(title, text) for group, title, text in KINDS_EXPLAINED if present & set(group)]


def status_shown(status: str) -> str:
    """A ledger row's 校验 cell as a reader sees it (陈述 says that no data check applies)."""
    return STATUS_SHOWN.get(status, status)
