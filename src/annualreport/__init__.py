"""annualreport: a reproducible annual-report notebook suite.

Stages, one module each: cleaning (readers, clean, cleaning), validation (validate), figures
(figures, wording), narrative (narrative), the report's views (report) and rendering (render),
wired by the build driver (build).
"""

__version__ = "0.1.0"
