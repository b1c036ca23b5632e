"""annualreport: a reproducible annual-report notebook suite.

The subpackages are the pipeline, in the order the data flows: `project` (paths, params, the artefact
catalog), `ingest` (clean), `validation`, `figures` (the ledger), `report` (views, rendering) and
`build` (stage declarations, scheduler, cache, publishing). The top level holds the command line
(`__main__`) and the notebooks' entry points (`entrypoints`). See docs/architecture.md.
"""

import os

__version__ = "0.1.0"

# openpyxl writes other (equally valid) workbook bytes when lxml is importable, and python-docx (the Word
# export) brings lxml: keep openpyxl's standard-library writer, so the committed demo workbooks and the
# published ledger workbook do not change with what else is installed. Set before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")
