"""The auditor's page (catalog: `validation_page`), in Chinese, offline, one section per dataset.

For every dataset: the file's row accounting (raw, clean, quarantined, duplicates, structure rows),
the quarantined rows by rule, every expectation in words with its severity and result, and up to
20 failing rows as values with their physical row numbers. Clean tables hold no personal columns;
persons' IDs (考生号, 学号, 工号 ...: `reasons.person_columns`) are masked wherever a value is shown,
and quarantine reasons and rule names are given in Chinese (`reasons.reason_zh`), built from the
rows' structured fields, not from the cleaner's English message. Built from what the clean and
validate stages wrote.

Chinese first: each check is said in words (the suite's description, else `checks_zh`) with how many rows
failed it; GX's expectation type, the column's code and the rule ids follow as small secondary text. The
checks that failed are listed first, and each dataset links to its GX Data Docs pages (`docs_run` knows where
`data_docs` puts them).
"""

from __future__ import annotations

import json
import os
import re
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
from annualreport.validation import docs_run
from annualreport.validation.reasons import reason_zh, shown

MAX_ROWS = 20


_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00:00$")


_EMPTY = ("", "NaT", "nan", "NaN", "None", "<NA>")  # how an empty cell reaches GX's result (pandas, json)
EMPTY_ZH = "（空）"
_PARAMETER = re.compile(r"（参数 ([A-Za-z0-9_.]+)）$")  # a suite's description naming the params entry it uses


def _plain(text: str) -> str:
    """A value as a person reads it: a date without its midnight time, an empty cell as （空）."""
    return EMPTY_ZH if text in _EMPTY else _MIDNIGHT.sub(r"\1", text)


def _examples(result: dict, spec=None, column: str = "") -> str:
    """Up to 20 failing values with their source rows, or the observed value of a table check;
    persons' IDs masked."""
    res = result.get("result") or {}
    rows = res.get("partial_unexpected_index_list") or []
    if rows:
        found: dict[tuple[str, str], list[str]] = {}  # rows of one sheet with the same values are named together
        for r in rows[:MAX_ROWS]:
            row, sheet = r.get("source_row", "?"), r.get("source_sheet") or ""
            vals = "，".join(_plain(shown(spec, k, v)) for k, v in r.items() if k not in ("source_row", "source_sheet"))
            found.setdefault((sheet, vals), []).append(str(row))
        # the sheet: a workbook's, as the office names it
        return "；".join(f"{sheet}第{'、'.join(numbers)}行：{vals}" for (sheet, vals), numbers in found.items())
    values = res.get("partial_unexpected_list") or []
    if values:
        return "；".join(_plain(shown(spec, column, v)) for v in values[:MAX_ROWS])
    if "observed_value" in res and not result.get("success"):
        return f"实际值：{json.dumps(res['observed_value'], ensure_ascii=False, default=str)}"
    info = result.get("exception_info") or {}
    if info.get("raised_exception"):
        return f"检查出错：{info.get('exception_message')}"
    return ""


def _kwargs(result: dict) -> dict:
    return (result.get("expectation_config") or {}).get("kwargs") or {}


def _codes(description: str, result: dict) -> tuple[str, str, str]:
    """(words, pattern, parameter): an ID check's description ends with the pattern it ran with
    (`suites.describe`) and names the params entry it comes from ("（参数 conventions.student_id）"); both are
    shown apart, as code, so the words are Chinese alone."""
    regex, pattern = _kwargs(result).get("regex"), ""
    if isinstance(regex, str) and regex and description.endswith(f"：{regex}"):
        description, pattern = description[: -len(regex) - 1], regex
    found = _PARAMETER.search(description)
    if found:
        return description[: found.start()], pattern, found.group(1)
    return description, pattern, ""


def _count(row, ok: bool, mostly=None) -> str:
    """How many rows failed a check, in words ('' where the check counts no rows: a table's columns, its size);
    a check that allows a share of rows (`mostly`) and passed says they are within it."""
    n, of = row["unexpected_count"], row["element_count"]
    if n in ("", None):
        return ""
    if of in ("", None) or str(n) == "0":
        return f"{n} 行"
    within = f"，在允许的 {1 - float(mostly):.0%} 以内" if ok and isinstance(mostly, int | float) else ""
    return f"{n} 行（共 {of} 行{within}）"


def _site(at) -> str:
    """The Data Docs' folder relative to the auditor's page."""
    return Path(os.path.relpath(at("data_docs"), at("validation_page").parent)).as_posix()


def docs_links(params: Params, at, accounting: list[dict], severities: dict[str, list[str]]) -> dict[str, list]:
    """{dataset: [(label, href)]}: each dataset's GX Data Docs result pages, one per severity it has, relative to
    the auditor's page."""
    run = docs_run.run_name(params.build_id, docs_run.inputs_digest(accounting))
    when = docs_run.run_time(params.year)
    site = _site(at)
    return {
        name: [
            (f"{SEVERITY_ZH.get(s, s)}检查", f"{site}/{docs_run.result_page(name, s, run, when)}")
            for s in docs_run.SEVERITIES
            if s in present
        ]
        for name, present in severities.items()
    }


def page_data(params: Params, work: Path) -> dict:

    specs = load_specs(params.root)
    at = places(params, work)
    accounting = at.read("accounting")
    summary = at.read("validation_summary")
    titles = {n: s.title for n, s in specs.items()}
    links = docs_links(
        params,
        at,
        accounting.to_dict("records"),
        {n: list(part["severity"].unique()) for n, part in summary.groupby("dataset", sort=False)},
    )
    datasets = []
    for name in accounting["dataset"].unique():
        acc = accounting[accounting["dataset"] == name].to_dict("records")
        part = summary[summary["dataset"] == name]
        result_path = at("validation_result", name)
        results = json.loads(result_path.read_text(encoding="utf-8"))["results"] if result_path.exists() else []
        checks = []
        for (_, row), res in zip(part.iterrows(), results + [{}] * (len(part) - len(results)), strict=False):
            ok = bool(row["success"])
            words, pattern, parameter = _codes(row["description"], res)
            checks.append(
                {
                    "index": row["index"],
                    "description": words,
                    "pattern": pattern,
                    "parameter": parameter,
                    "type": row["expectation"],
                    "column": row["column"],
                    "severity": SEVERITY_ZH.get(row["severity"], row["severity"]),
                    "blocking": row["severity"] == "blocking",
                    "ok": ok,
                    "unexpected": _count(row, ok, _kwargs(res).get("mostly")),
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
                "code": q["rule"],
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
                "docs": links.get(name, []),
            }
        )
    failed = [
        {"name": d["name"], "title": d["title"], **c}
        for blocking in (True, False)
        for d in datasets
        for c in d["checks"]
        if not c["ok"] and c["blocking"] == blocking
    ]
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
        "failed": failed,
        "totals": totals,
        "verdict": verdict,
        "docs_index": f"{_site(at)}/{docs_run.INDEX}",
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
