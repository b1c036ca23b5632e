"""Development tools (demo data, benchmark, audit, suite scaffolder); see docs/architecture.md."""

import annualreport  # noqa: F401  (keeps openpyxl on its standard-library writer: see annualreport/__init__.py)
