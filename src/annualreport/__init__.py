"""annualreport: a reproducible annual-report notebook suite.

The subpackages are the pipeline, in the order the data flows: `project` (paths, params, the artefact
catalog), `ingest` (clean), `validation`, `figures` (the ledger), `report` (views, rendering) and
`build` (stage declarations, scheduler, cache, publishing). The top level holds the command line
(`__main__`) and the notebooks' entry points (`entrypoints`). See docs/architecture.md.
"""

__version__ = "0.1.0"
