"""What GX's Data Docs say they validated, decided without GX: the run (the year's build and its inputs), its
time, each dataset's asset, and where each result page lies, so the auditor's page (`validation/page.py`) links
to the very pages `validation/data_docs.py` renders.

- **The run** is named `<build>-<inputs>`: the build's id (`2020`, or `<institution>-2020`) and the first
  12 hex digits of `inputs_digest`, the sha256 of the year's raw and reference files as the row accounting
  (and the manifest's `inputs`) lists them. The same files give the same name; any changed file a new one.
- **The time** is the build's document time, the one its PDF and Word documents carry: `SOURCE_DATE_EPOCH`
  (the build sets it), else 1 January after the report year. A rebuild from the same inputs gives the same
  pages; the wall-clock time of a build is the manifest's `built_at`.
- **The asset** is the dataset, named with its Chinese title (`admissions（招生录取名单）`); its batch spec lists
  the files it was read from with their sha256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Mapping

SEVERITIES = ("blocking", "warning")
INDEX = "index.html"  # the site's entry page, in its folder
DIGITS = 12  # of the inputs' digest in the run name


def inputs_digest(accounting: Iterable[Mapping]) -> str:
    """sha256 of the year's input files: one line `file<TAB>sheet<TAB>sha256` per row accounting line, sorted,
    each ending in a newline (recomputable from the manifest's `inputs`)."""
    lines = sorted({f"{r['file']}\t{r.get('sheet') or ''}\t{r['sha256']}\n" for r in accounting})
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def run_name(build_id: str, digest: str) -> str:
    """The run's name: the build and its inputs (a path segment: no slash)."""
    return f"{build_id.replace('/', '-')}-{digest[:DIGITS]}"


def run_time(year: int) -> dt.datetime:
    """The build's document time (see the module's docstring), in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)


def asset_name(name: str, title: str) -> str:
    """A dataset as Data Docs name it: its id and its Chinese title."""
    return f"{name}（{title}）" if title and title != name else name


def suite_name(name: str, severity: str) -> str:
    """The suite Data Docs show for one severity of a dataset's checks."""
    return f"{name}.{severity}"


def result_page(name: str, severity: str, run: str, when: dt.datetime) -> str:
    """Where GX puts the result page of `<name>.<severity>` for this run, relative to the site's folder
    (GX nests a dotted suite name: validations/<name>/<severity>/<run>/<time>/<batch>.html)."""
    stamp = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"validations/{name}/{severity}/{run}/{stamp}/{name}.html"


def dataset_inputs(accounting: Iterable[Mapping], name: str) -> list[str]:
    """The files a dataset was read from, as the manifest names them: `file[sheet] sha256:…`."""
    out = []
    for r in accounting:
        if r["dataset"] == name:
            sheet = f"[{r['sheet']}]" if r.get("sheet") else ""
            out.append(f"{r['file']}{sheet} sha256:{r['sha256']}")
    return out
