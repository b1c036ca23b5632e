"""GX Data Docs (`validation/data_docs/`), rendered from the results the validation stage kept.

What GX's own pages get wrong for this project is put right here:

- **What was validated.** GX's pages said "Data asset: None" and "Run Name / Run Time: __none__". Each result
  now names its asset (the dataset with its Chinese title, the files it was read from and their sha256 in its
  batch spec), its run (the build and its inputs) and the build's time (`validation/docs_run.py`); GX's batch
  markers (a load time, a fingerprint of salted data) are left out, and GX's random element ids are numbered,
  so the same results give the same bytes.
- **No newsletter, no how-to.** GX's footer ("Subscribe" to its newsletter) is removed from every page and its
  how-to buttons are switched off (`show_how_to_buttons`); GX has no switch for the footer.
- **Chinese shown.** GX's pages name no face with Chinese in it; the report's Noto Sans SC, cut down to the
  site's characters, is linked from every page (`cjk_faces`), so the Chinese names read on any machine.
- **Offline.** GX's pages load bootstrap, jQuery, bootstrap-table and more from CDNs, and the index's table
  is drawn by those scripts: offline it lists nothing. The pinned copies in `templates/data_docs/vendor/`
  (each with its licence; see its README) are copied into `static/vendor/` and every page's URLs are
  rewritten to relative paths; the assets this project does not need (vega, a dark theme) are dropped,
  and GX's logo comes from GX's own `static/images/`. The index lists every suite on one page.
- **Severity.** GX knows no severity: a dataset with a failed warning check would show as "Failed" though
  the gate passed it. Each dataset is shown as one suite per severity, `<dataset>.blocking` and
  `<dataset>.warning`; a failed warning suite is labelled "Warning (does not block)", never "Failed".
"""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
from pathlib import Path

from annualreport.base import notebook as nb
from annualreport.base.glossary import SEVERITY_ZH
from annualreport.base.params import Params
from annualreport.base.places import places
from annualreport.base.tables import atomic_write_bytes
from annualreport.ingest.specs import load_specs
from annualreport.ingest.year import present
from annualreport.typeset.fonts import FAMILY
from annualreport.typeset.pages import font_css, visible_text
from annualreport.validation import docs_run
from annualreport.validation.docs_run import SEVERITIES, asset_name, suite_name
from annualreport.validation.run import gx_context
from annualreport.validation.suites import suite_files

VENDOR = ("templates", "data_docs", "vendor")
CJK_CSS = ("static", "cjk.css")  # in the site
# bootstrap 4's own sans-serif faces, then the report's CJK face (`cjk_faces`)
_BODY_FONTS = (
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
    f'"{FAMILY}", sans-serif'
)
_NOT_ASCII = "U+0080-10FFFF"  # the face is for what bootstrap's faces lack: Latin text keeps its own faces
WARNING_LABEL = "Warning (does not block)"

# a CDN URL GX's templates use -> the vendored file (None: the tag is removed)
_ASSETS = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": (
        "bootstrap-table-filter-control.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": (
        "bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": (
        "bootstrap-table-filter-control.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker.min.css"
    ),
    "https://cdn.jsdelivr.net/npm/vega@5": None,
    "https://cdn.jsdelivr.net/npm/vega-lite@5": None,
    "https://cdn.jsdelivr.net/npm/vega-embed@6": None,
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": None,
}
_TAG = re.compile(r"""<(script|link)\b[^>]*?(?:src|href)=["'](https?://[^"']+)["'][^>]*>(?:\s*</script>)?""", re.I)
_FOOTER = re.compile(r"\s*<footer>\s*<p>[^<]*newsletter[^<]*<a [^>]*>[^<]*</a>\s*</p>\s*</footer>", re.I)
_TITLE = re.compile(r"<title>[^<]*</title>")
_JSON_ESCAPE = re.compile(r"\\\\u([0-9a-f]{4})")  # json.dumps's \uXXXX inside the index's script data
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_LOGO = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[A-Za-z_-]+\.png(\?[^\"')\s]*)?"
)


def index_page(out_dir: Path) -> Path:
    """The Data Docs' entry page."""
    return out_dir / docs_run.INDEX


def split_by_severity(raw: dict, name: str) -> dict[str, dict]:
    """GX's raw result of one dataset as one result per severity present, named `<name>.<severity>`,
    each with its own success and statistics (an expectation that raised is a failure)."""
    out = {}
    for severity in SEVERITIES:
        results = [r for r in raw["results"] if (r["expectation_config"].get("meta") or {}).get("severity") == severity]
        if not results:
            continue
        ok = [bool(r["success"]) and not (r.get("exception_info") or {}).get("raised_exception") for r in results]
        part = copy.deepcopy(raw)
        part["results"] = copy.deepcopy(results)
        part["success"] = all(ok)
        part["suite_name"] = suite_name(name, severity)
        part["meta"]["expectation_suite_name"] = part["suite_name"]
        part["statistics"] = {
            "evaluated_expectations": len(ok),
            "successful_expectations": sum(ok),
            "unsuccessful_expectations": len(ok) - sum(ok),
            "success_percent": 100.0 * sum(ok) / len(ok),
        }
        out[severity] = part
    return out


def _suite_part(data: dict, name: str, severity: str) -> dict:
    part = copy.deepcopy(data)
    part["name"] = suite_name(name, severity)
    part["expectations"] = [e for e in part["expectations"] if (e.get("meta") or {}).get("severity") == severity]
    return part


def run_data_docs(params_file: str, work_dir: str) -> str:
    """GX Data Docs from the results the validation kept, on their own (the validation step renders them with
    `build_data_docs` in its kernel); returns the index page, relative to the project."""
    params, at = nb.open_year(params_file, work_dir)
    return nb.relative(build_data_docs(params, at.work, present(at, load_specs(params.root)), at("data_docs")))


def build_data_docs(params: Params, work_dir: Path, datasets: list[str], out_dir: Path) -> Path:
    """GX's own Data Docs for the year, under `out_dir` (validation/data_docs/), rendered from the
    results the validation stage kept (`validation/raw/<dataset>.json`): nothing is validated twice,
    and a dataset whose validation was reused from the cache still has its page. Each result names its
    asset, its run and the build's time (`docs_run`), so the same results give the same pages. One suite per
    severity per dataset; the pages load nothing from the network (see the module's docstring)."""
    gx, ctx = gx_context()  # a fresh ephemeral context, progress bars off
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    at = places(params, Path(work_dir))
    accounting = at.read("accounting").to_dict("records")
    titles = {n: s.title for n, s in load_specs(params.root).items()}
    digest = docs_run.inputs_digest(accounting)
    run = docs_run.run_name(params.build_id, digest)
    when = docs_run.run_time(params.year)
    out_dir = Path(out_dir).resolve()
    site = f"{params.institution['name']}{params.year}年度数据校验 · {run}"
    ctx.add_data_docs_site(
        site_name=site,
        site_config={
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    suites = suite_files(params.root)
    run_id = RunIdentifier(run_name=run, run_time=when)
    schema = ExpectationSuiteValidationResultSchema()
    warning_suites = []
    for name in datasets:
        raw_path = at("validation_raw", name)
        if name not in suites or not raw_path.exists():
            continue
        raw = json.loads(raw_path.read_text(encoding="utf-8"))
        raw["meta"] = {
            "great_expectations_version": raw["meta"].get("great_expectations_version"),
            "run_id": {"run_name": run, "run_time": when.isoformat()},
            "batch_spec": {
                "data_asset_name": asset_name(name, titles.get(name, "")),
                "dataset": name,
                "title": titles.get(name, name),
                "build": params.build_id,
                "year": params.year,
                "inputs": docs_run.dataset_inputs(accounting, name),
                "inputs_sha256": digest,
            },
        }
        for severity, part in split_by_severity(raw, name).items():
            ctx.suites.add(gx.ExpectationSuite(**_suite_part(suites[name].data, name, severity)))
            key = ValidationResultIdentifier(
                expectation_suite_identifier=ExpectationSuiteIdentifier(name=part["suite_name"]),
                run_id=run_id,
                batch_identifier=name,
            )
            ctx.validation_results_store.set(key, schema.load(part))
            if severity == "warning":
                warning_suites.append(part["suite_name"])
    ctx.build_data_docs(site_names=[site])
    make_offline(out_dir, Path(params.root).joinpath(*VENDOR))
    label_warnings(out_dir, warning_suites)
    settle(out_dir, {n: asset_name(n, titles.get(n, "")) for n in datasets}, f"{params.year}年度 · {run}")
    return index_page(out_dir)


def settle(site: Path, assets: dict[str, str], label: str) -> None:
    """Every page without GX's newsletter footer, titled with what it shows (the dataset with its Chinese name,
    the severity, the year and run: `label`), with GX's random element ids numbered in order of appearance (the
    same results give the same bytes); the index's batch specs show Chinese as Chinese, not as JSON escapes;
    every page's Chinese set in the report's face (`cjk_faces`)."""
    pages = {}
    for page in sorted(site.rglob("*.html")):
        if site / "static" in page.parents:
            continue
        parts = page.relative_to(site).parts
        if parts[0] in ("validations", "expectations") and len(parts) > 2:
            name, severity = parts[1], Path(parts[2]).stem
            what = "校验结果" if parts[0] == "validations" else "检查项"
            title = f"{assets.get(name, name)} · {SEVERITY_ZH.get(severity, severity)}{what} · {label}"
        else:
            title = f"{label} · GX Data Docs"
        pages[page] = settled(page.read_text(encoding="utf-8"), title, index=len(parts) == 1)
    cjk_faces(site, pages)
    for page, text in pages.items():
        page.write_text(text, encoding="utf-8")


def cjk_faces(site: Path, pages: dict[Path, str]) -> None:
    """GX's pages name no face with Chinese in it: where no system font has the characters (a server, a fresh
    Linux desktop) the datasets' Chinese names show as boxes. One stylesheet (`static/cjk.css`) holds the
    report's Noto Sans SC cut down to the characters the site shows (`pages.font_css`), for characters
    beyond ASCII only, and puts it after bootstrap's own faces; every page links it. `pages` ({page: text}) are changed in place."""
    chars = "".join(sorted({c for text in pages.values() for c in visible_text(text) if ord(c) > 0x7F}))
    faces = font_css(chars).replace("font-style: normal;", f"font-style: normal; unicode-range: {_NOT_ASCII};")
    css = f"{faces}\nbody {{ font-family: {_BODY_FONTS}; }}\n"
    atomic_write_bytes(site.joinpath(*CJK_CSS), css.encode("utf-8"))
    for page, text in pages.items():
        href = "../" * (len(page.relative_to(site).parts) - 1) + "/".join(CJK_CSS)
        pages[page] = text.replace("</head>", f'<link rel="stylesheet" href="{href}">\n</head>', 1)


def settled(text: str, title: str, index: bool = False) -> str:
    """One page settled (see `settle`); `index`: the index page, whose table data hold JSON-escaped batch specs."""
    numbers: dict[str, str] = {}
    text = _UUID.sub(lambda m: numbers.setdefault(m.group(0), f"n{len(numbers) + 1}"), _FOOTER.sub("", text))
    if index:
        text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    named = f"<title>{html.escape(title)}</title>"
    return _TITLE.sub(lambda m: named, text.replace("<title></title>", ""), count=1)


def make_offline(site: Path, vendor: Path) -> None:
    """Copy the vendored assets into `static/vendor/` and point every page at them (relative URLs)."""
    target = site / "static" / "vendor"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(vendor, target)
    for page in sorted(site.rglob("*.html")):
        if target in page.parents:
            continue
        up = "../" * (len(page.relative_to(site).parts) - 1)
        text = page.read_text(encoding="utf-8")

        def tag(m: re.Match, up: str = up) -> str:
            url = m.group(2)
            if url not in _ASSETS:
                return m.group(0)
            local = _ASSETS[url]
            return "" if local is None else m.group(0).replace(url, f"{up}static/vendor/{local}")

        text = _TAG.sub(tag, text)
        text = _LOGO.sub(f"{up}static/images/logo-long.png", text)
        page.write_text(text, encoding="utf-8")


def label_warnings(site: Path, warning_suites: list[str]) -> None:
    """A failed warning suite is a warning: its page's status and its index row say so, not "Failed"."""
    failed = '<i class="fas fa-times text-danger" aria-hidden="true"></i> Failed'
    warned = f'<i class="fas fa-exclamation-triangle text-warning" aria-hidden="true"></i> {WARNING_LABEL}'
    for suite in warning_suites:
        for page in (site / "validations" / Path(*suite.split("."))).rglob("*.html"):  # GX nests a dotted name
            text = page.read_text(encoding="utf-8")
            page.write_text(text.replace(failed, warned), encoding="utf-8")
    index = site / docs_run.INDEX
    if not index.exists():
        return
    text = index.read_text(encoding="utf-8")
    chunks = re.split(r"(?=\{'validation_success': )", text)
    for i, chunk in enumerate(chunks):
        if any(f"'_expectation_suite_name_sort': '{s}'" in chunk for s in warning_suites):
            chunks[i] = chunk.replace(
                "'_validation_success_text': 'Failed'", f"'_validation_success_text': '{WARNING_LABEL}'"
            ).replace("fa-times text-danger ge-failed-icon", "fa-exclamation-triangle text-warning ge-warning-icon")
    # every suite on one page (GX pages the index by 10), so the index lists them all at once
    index.write_text("".join(chunks).replace("'pagination': 'true'", "'pagination': false"), encoding="utf-8")
