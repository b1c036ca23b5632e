"""GX Data Docs (`validation/data_docs/`), rendered from the results the validation stage kept."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from annualreport.project.catalog import places
from annualreport.project.params import Params
from annualreport.validation.run import _gx
from annualreport.validation.suites import suite_files


def build_data_docs(params: Params, work_dir: Path, datasets: list[str], out_dir: Path) -> Path:
    """GX's own Data Docs for the year, under `out_dir` (validation/data_docs/), rendered from the
    results the validation stage kept (`validation/raw/<dataset>.json`): nothing is validated twice,
    and a dataset whose validation was reused from the cache still has its page. The run is named
    after the year with a fixed time, so the same results give the same pages."""
    gx, ctx = _gx()  # a fresh ephemeral context, progress bars off
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    out_dir = Path(out_dir).resolve()
    ctx.add_data_docs_site(
        site_name="audit",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    suites = suite_files(params.root)
    run_id = RunIdentifier(run_name=str(params.year), run_time=f"{params.year}-12-31T00:00:00+00:00")
    schema = ExpectationSuiteValidationResultSchema()
    for name in datasets:
        raw_path = places(params, Path(work_dir))("validation_raw", name)
        if name not in suites or not raw_path.exists():
            continue
        ctx.suites.add(gx.ExpectationSuite(**copy.deepcopy(suites[name].data)))
        result = schema.load(json.loads(raw_path.read_text(encoding="utf-8")))
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=name), run_id=run_id, batch_identifier=name
        )
        ctx.validation_results_store.set(key, result)
    ctx.build_data_docs(site_names=["audit"])
    return out_dir / "index.html"
