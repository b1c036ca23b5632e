"""The auditor's page (catalog: `validation_page`), in Chinese, offline, one section per dataset.

For every dataset: the file's row accounting (raw, clean, quarantined, duplicates, structure rows),
the quarantined rows by rule, every expectation in words with its severity and result, and up to
20 failing rows as values with their physical row numbers. Clean tables hold no personal columns;
persons' IDs (考生号, 学号, 工号 ...: `reasons.person_columns`) are masked wherever a value is shown,
and quarantine reasons and rule names are given in Chinese (`reasons.reason_zh`), built from the
rows' structured fields, not from the cleaner's English message. Built from what the clean and
validate stages wrote.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pandas as pd

from annualreport.base.glossary import RULES_ZH, SEVERITY_ZH
from annualreport.base.params import Params
from annualreport.base.paths import templates_dir
from annualreport.base.places import places
from annualreport.base.tables import atomic_write_bytes
from annualreport.ingest.specs import load_specs
from annualreport.typeset.pages import font_css, visible_text
from annualreport.validation.reasons import reason_zh, shown

MAX_ROWS = 20


def _examples(result: dict, spec=None, column: str = "") -> str:
    """Up to 20 failing values with their source rows, or the observed value of a table check;
    persons' IDs masked."""
    res = result.get("result") or {}
    rows = res.get("partial_unexpected_index_list") or []
    if rows:
        parts = []
        for r in rows[:MAX_ROWS]:
            row, sheet = r.get("source_row", "?"), r.get("source_sheet") or ""
            vals = "，".join(shown(spec, k, v) for k, v in r.items() if k not in ("source_row", "source_sheet"))
            parts.append(f"{sheet}第{row}行：{vals}")  # the sheet: a workbook's, as the office names it
        return "；".join(parts)
    values = res.get("partial_unexpected_list") or []
    if values:
        return "；".join(shown(spec, column, v) for v in values[:MAX_ROWS])
    if "observed_value" in res and not result.get("success"):
        return f"实际值：{json.dumps(res['observed_value'], ensure_ascii=False, default=str)}"
    info = result.get("exception_info") or {}
    if info.get("raised_exception"):
        return f"检查出错：{info.get('exception_message')}"
    return ""


def page_data(params: Params, work: Path) -> dict:

    specs = load_specs(params.root)
    at = places(params, work)
    accounting = at.read("accounting")
    summary = at.read("validation_summary")
    titles = {n: s.title for n, s in specs.items()}
    datasets = []
    for name in accounting["dataset"]:
        acc = accounting[accounting["dataset"] == name].to_dict("records")
        part = summary[summary["dataset"] == name]
        result_path = at("validation_result", name)
        results = json.loads(result_path.read_text(encoding="utf-8"))["results"] if result_path.exists() else []
        checks = []
        for (_, row), res in zip(part.iterrows(), results + [{}] * (len(part) - len(results)), strict=False):
            ok = bool(row["success"])
            checks.append(
                {
                    "index": row["index"],
                    "description": row["description"],
                    "type": row["expectation"],
                    "column": row["column"],
                    "severity": SEVERITY_ZH.get(row["severity"], row["severity"]),
                    "blocking": row["severity"] == "blocking",
                    "ok": ok,
                    "unexpected": row["unexpected_count"],
                    "examples": ""
                    if ok
                    else _examples(res, specs.get(name), row["column"] if isinstance(row["column"], str) else ""),
                }
            )
        quarantine = at.read("quarantine", name, missing_ok=True)
        if quarantine is None:
            quarantine = pd.DataFrame(columns=["rule", "row", "reason"])
        by_rule = (
            [
                {"rule": RULES_ZH.get(rule, rule), "code": rule, "rows": int(n)}
                for rule, n in quarantine.groupby("rule").size().items()
            ]
            if len(quarantine)
            else []
        )
        samples = [
            {
                "row": q["row"],
                "rule": RULES_ZH.get(q["rule"], q["rule"]),
                "column": q["column"],
                "reason": reason_zh(specs.get(name), q, params.year, titles),
            }
            for q in quarantine.head(MAX_ROWS).to_dict("records")
        ]
        datasets.append(
            {
                "name": name,
                "title": specs[name].title if name in specs else name,
                "accounting": acc,
                "checks": checks,
                "by_rule": by_rule,
                "quarantine": samples,
                "quarantine_total": len(quarantine),
                "failed_blocking": sum(1 for c in checks if not c["ok"] and c["blocking"]),
                "failed_warning": sum(1 for c in checks if not c["ok"] and not c["blocking"]),
            }
        )
    totals = {
        "datasets": len(datasets),
        "checks": sum(len(d["checks"]) for d in datasets),
        "passed": sum(1 for d in datasets for c in d["checks"] if c["ok"]),
        "failed_blocking": sum(d["failed_blocking"] for d in datasets),
        "failed_warning": sum(d["failed_warning"] for d in datasets),
        "quarantined": sum(d["quarantine_total"] for d in datasets),
    }
    verdict = (
        "未通过：存在阻断性问题，报告不予发布"
        if totals["failed_blocking"]
        else "通过（有警告）"
        if totals["failed_warning"]
        else "全部通过"
    )
    return {
        "institution": params.institution["name"],
        "year": params.year,
        "datasets": datasets,
        "totals": totals,
        "verdict": verdict,
    }


def render_page(params: Params, work: Path, out: Path | None = None) -> Path:
    """Write the auditor's page into the build's work folder (or `out`)."""

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "validation")), autoescape=True, keep_trailing_newline=True
    )
    data = page_data(params, work)
    css = (templates_dir() / "report" / "report.css").read_text(encoding="utf-8")
    template = env.get_template("validation.html.j2")
    draft = template.render(**data, css=css, font_css="")
    page = template.render(**data, css=css, font_css=font_css(visible_text(draft)))
    out = out or places(params, work)("validation_page")
    atomic_write_bytes(out, page.encode("utf-8"))
    return out
