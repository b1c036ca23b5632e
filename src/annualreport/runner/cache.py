"""Content-addressed cache for build stages.

A stage's *key* is the sha256 of its named inputs' digests (raw files, the params slice it reads,
its spec or suite file, the package code it imports, the dependency lock, upstream outputs). File
times play no part: a fresh clone or `git checkout` touches every file without changing a key.

After a stage ran, its output files are copied into a blob store addressed by their own sha256
(`build/cache/blobs/`), and an *action record* maps the key to those outputs
(`build/cache/actions/<stage>/<key>.json`). A later build with the same key restores the outputs
(when the files in place differ) instead of running the stage. Each stage also keeps its last
inputs (`<stage>/last.json`), which is how the build says *why* a stage ran.

Nothing here imports pandas, GX or Jupyter: the driver plans a build in a fraction of a second.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import sys
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from annualreport.base.digests import MEMO, content_digest, file_digest, text_digest

PACKAGE = Path(__file__).resolve().parents[1]  # src/annualreport


@cache
def _module_path(module: str) -> Path | None:
    """The source file of a package module given relative to the package (`ingest.year`); found once per process
    (every stage's key asks for the modules of its closure: about 2,500 lookups a build)."""
    for p in (PACKAGE / (module.replace(".", "/") + ".py"), PACKAGE / module.replace(".", "/") / "__init__.py"):
        if p.exists():
            return p
    return None


def _imports(module: str) -> set[str]:
    """The package's own modules a module imports (absolute `annualreport.x.y` or relative, also
    inside functions), read from the source's syntax tree, never by importing it; remembered by the
    source's digest (in this process, and between builds in the digest memo)."""
    path = _module_path(module)
    key = f"{module}@{file_digest(path)}"
    found = MEMO.imports.get(key)
    if found is None:
        found = sorted(_parse_imports(module, path))
        MEMO.remember_imports(key, found)
    return set(found)


def _parse_imports(module: str, path: Path) -> set[str]:
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            bases = [a.name for a in node.names]
            names: list[str] = []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                bases = [".".join([PACKAGE.name, *parts, *([node.module] if node.module else [])])]
            else:
                bases = [node.module or ""]
            names = [a.name for a in node.names]
        else:
            continue
        for base in bases:
            if base != PACKAGE.name and not base.startswith(PACKAGE.name + "."):
                continue
            rel = base[len(PACKAGE.name) + 1 :]
            for candidate in [rel, *(f"{rel}.{n}".lstrip(".") for n in names)]:
                if candidate and _module_path(candidate) is not None:
                    found.add(candidate)
    return found


_PARSING = threading.Lock()  # ast.parse is not safe in several threads at once on 3.11 (cpython#106905)


@cache
def code_closure(*entry: str) -> tuple[str, ...]:
    """Every package module the entry modules import, directly or not (static, from the source)."""
    seen: set[str] = set()
    todo = list(entry)
    with _PARSING:
        while todo:
            m = todo.pop()
            if m in seen:
                continue
            seen.add(m)
            todo.extend(_imports(m))
    return tuple(sorted(seen))


def code_digests(*entry: str) -> dict[str, str]:
    out = {}
    for m in code_closure(*entry):
        path = _module_path(m)
        out[_code_label(path)] = file_digest(path)
    return out


@cache
def _code_label(path: Path) -> str:
    return f"code:{path.relative_to(PACKAGE).as_posix()}"


def environment_digests(root: Path) -> dict[str, str]:
    """What every stage depends on: the dependency lock and the interpreter's version."""
    out = {"python": text_digest(sys.version.split()[0])}
    lock = root / "requirements.lock"
    if lock.exists():
        out["requirements.lock"] = file_digest(lock)
    return out


def key_of(inputs: dict[str, str]) -> str:
    return text_digest(sorted(inputs.items()))


def why(old: dict[str, str] | None, new: dict[str, str]) -> str:
    """A short reason a stage runs, from its last inputs and the current ones."""
    if old is None:
        return "not built before"
    changed = sorted(k for k in new if k in old and old[k] != new[k])
    added = sorted(k for k in new if k not in old)
    removed = sorted(k for k in old if k not in new)
    parts = []
    for label, names in (("changed", changed), ("new", added), ("gone", removed)):
        if names:
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            parts.append(f"{label}: {shown}")
    return "; ".join(parts) or "outputs missing or altered"


@dataclass
class Record:
    stage: str
    key: str
    outputs: dict[str, str] = field(default_factory=dict)  # path relative to the repo -> sha256


class Store:
    """Blobs by sha256 and action records by (stage, key), under `build/cache/`."""

    def __init__(self, root: Path, directory: Path | None = None):
        self.root = root
        self.dir = directory or root / "build" / "cache"
        self.damaged: dict[tuple[str, str], str] = {}  # (scope, stage) -> what was wrong with its entry

    # -- blobs -----------------------------------------------------------------------------
    def _blob(self, digest: str) -> Path:
        return self.dir / "blobs" / digest[:2] / digest

    def _put(self, path: Path) -> str:
        digest = file_digest(path)
        blob = self._blob(digest)
        if not blob.exists():
            blob.parent.mkdir(parents=True, exist_ok=True)
            tmp = blob.with_name(f".{digest}.{os.getpid()}")
            shutil.copyfile(path, tmp)
            os.replace(tmp, blob)
        return digest

    # -- records ---------------------------------------------------------------------------
    def _safe(self, stage: str) -> str:
        return stage.replace(":", "--").replace("/", "_")

    def _record_path(self, year_scope: str, stage: str, key: str) -> Path:
        return self.dir / "actions" / year_scope / self._safe(stage) / f"{key}.json"

    def lookup(self, scope: str, stage: str, key: str) -> Record | None:
        """The record for this key when all its blobs are there and sound. A blob that would be restored
        (its output is not already in place) is hashed first: one whose bytes no longer match its name
        (a truncated copy, a disk error) is removed with its record, the stage reruns, and `damaged` says
        why. A record that cannot be read is removed the same way."""
        path = self._record_path(scope, stage, key)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            rec = Record(stage, key, dict(data["outputs"]))
        except (OSError, ValueError, KeyError, TypeError):
            return self._drop(scope, stage, path, "its cache record is unreadable")
        for rel, digest in rec.outputs.items():
            blob = self._blob(digest)
            if not blob.is_file():
                return None
            here = self.root / rel
            if here.is_file() and file_digest(here) == digest:
                continue
            if content_digest(blob) != digest:
                blob.unlink(missing_ok=True)
                return self._drop(scope, stage, path, f"cached {Path(rel).name} is damaged (sha256 mismatch)")
        return rec

    def handed_on(self, scope: str, stage: str, key: str) -> Path | None:
        """The one blob a record of what a build handed on names (`runner/yearbefore.py`), when it is there and its
        bytes are those its name says (hashed now: it is read from the cache itself, never restored); else None."""
        path = self._record_path(scope, stage, key)
        try:
            outputs = json.loads(path.read_text(encoding="utf-8"))["outputs"]
            (digest,) = outputs.values()
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        blob = self._blob(digest)
        try:
            return blob if content_digest(blob) == digest else None
        except OSError:
            return None

    def _drop(self, scope: str, stage: str, record: Path, why: str) -> None:
        record.unlink(missing_ok=True)
        self.damaged[(scope, stage)] = f"{why}: entry removed, rerun"
        return None

    def in_place(self, rec: Record) -> bool:
        """True when every output file in the checkout already has the recorded content."""
        for rel, digest in rec.outputs.items():
            p = self.root / rel
            if not p.is_file() or file_digest(p) != digest:
                return False
        return True

    def restore(self, rec: Record) -> None:
        """Put the recorded outputs in place (only the files that differ)."""
        for rel, digest in rec.outputs.items():
            p = self.root / rel
            if p.is_file() and file_digest(p) == digest:
                continue
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_name(f".{p.name}.restore{os.getpid()}")
            shutil.copyfile(self._blob(digest), tmp)
            os.replace(tmp, p)

    def save(self, scope: str, stage: str, key: str, inputs: dict[str, str], outputs: list[Path]) -> Record:
        rec = Record(stage, key, {p.relative_to(self.root).as_posix(): self._put(p) for p in sorted(outputs)})
        path = self._record_path(scope, stage, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_json(path, {"stage": stage, "key": key, "outputs": rec.outputs})
        _write_json(path.parent / "last.json", inputs)
        return rec

    def last_inputs(self, scope: str, stage: str) -> dict[str, str] | None:
        try:
            return json.loads(
                (self.dir / "actions" / scope / self._safe(stage) / "last.json").read_text(encoding="utf-8")
            )
        except (OSError, json.JSONDecodeError):
            return None


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
