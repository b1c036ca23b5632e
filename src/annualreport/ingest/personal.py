"""Counting persons without keeping who they are.

Where a table has no ID column for a person (the contract's experts sheet: 工号, or else the last four
ID characters + name), distinct persons are counted by a salted hash. The salt comes from the
environment (`ANNUALREPORT_SALT`) or from the git-ignored file `.salt` at the project root, created
on first use; it is never committed and never written to outputs, so a hash cannot be reversed by
trying names.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from functools import cache
from pathlib import Path

from annualreport.base.paths import repo_root

SALT_FILE = ".salt"


@cache
def salt(root: str | None = None) -> bytes:
    env = os.environ.get("ANNUALREPORT_SALT")
    if env:
        return env.encode("utf-8")
    path = Path(root or repo_root()) / SALT_FILE
    if not path.exists():  # made whole, then linked into place: two threads or processes agree on one salt
        tmp = path.with_name(f"{SALT_FILE}.{os.getpid()}.{threading.get_ident()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another made it first: theirs is the salt
        finally:
            tmp.unlink()
    return path.read_text().strip().encode("utf-8")


def person_key(*parts: str) -> str:
    """A stable, salted, one-way key for a person from identifying parts (ID, or name + unit)."""
    h = hashlib.sha256(salt())
    for p in parts:
        h.update(b"\x1f" + p.encode("utf-8"))
    return h.hexdigest()[:16]
