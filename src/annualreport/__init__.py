"""annualreport: a reproducible annual-report notebook suite.

The subpackages are layers, each importing only those below it (docs/architecture.md; `make lint` checks):
`base` (paths, params, the catalog, the outline, the glossary), `typeset` (the CJK faces and the page every
HTML output shares) and `ingest` (clean) beside it, `validation`, `figures` (the ledger), `report` (views,
rendering), `review` (verify, diff, signoff) and `runner` (stage declarations, scheduler, cache, publishing).
The top level holds only the command line (`__main__`).
"""

import os

from annualreport.base import tracing

__version__ = "0.1.0"

# openpyxl writes other (equally valid) workbook bytes when lxml is importable, and python-docx (the Word
# export) brings lxml: keep openpyxl's standard-library writer, so the committed demo workbooks and the
# published ledger workbook do not change with what else is installed. Set before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")

# A build run with ANNUALREPORT_TRACE_READS records the files each stage opens (tests only; base/tracing.py).
tracing.install()
