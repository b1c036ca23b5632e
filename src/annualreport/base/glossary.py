"""The Chinese words of the suite's labels and statuses, in one place: what the ledger annex, the auditor's
workbook, the notebooks and the auditor's page call a ledger row's kind, an expectation's severity and a
quarantine rule. Codes (figure ids, dataset ids, rule ids) stay as they are beside these words.
"""

from __future__ import annotations

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
KINDS_EXPLAINED = (
    ("计算（来自部门数据）", "按 specs/figures/ 中的定义，从各部门提交并经清洗、校验的数据计算得出。"),
    ("陈述（分析员登记，注明来源）", "没有部门数据文件可依的数字，由分析人员登记来源和日期（stated.yaml）。"),
    (
        "按数据选择的表述",
        "正文中陈述进展或状态的措辞（如“按项目计划推进”），按 specs/figures/ 中声明的条件由数据选定。",
    ),
    ("上年数 / 同比变化", "正文表格中的上一年度数值（按现行定义从上年原始数据重算）及其变化。"),
    ("图表数值", "正文图表中每一根柱子的数值。"),
    ("目标跟踪", "上一年度工作报告提出的本年度目标：目标值、实际值、差距与完成情况。"),
    ("计划目标", "本报告提出的下一年度可量化目标。"),
    ("数据质量", "报告“附：数据质量”引用的文件数、行数和校验结果。"),
    ("签认时的数值", "自上次签认（make signoff）以来数值或表述有变化的指标，在签认时的数值和表述。"),
)

SEVERITY_ZH = {"blocking": "阻断", "warning": "警告"}

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
