"""Rewrite tests/ingest/clean_digests.json: the digests of every clean table, quarantine and row accounting of the
demo years and the second institution, which `tests/ingest/test_matrix.py` holds the cleaner to. Run it only
when a change of the clean tables is intended, and say why in the commit.

    .venv/bin/python tools/clean_digests.py
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.ingest.test_matrix import DIGESTS, current_digests

DIGESTS.write_text(json.dumps(current_digests(), indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {DIGESTS}")
