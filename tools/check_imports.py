"""The package's import rules that import-linter does not check (run by `make lint`):

1. No private name crosses a module: `from annualreport.x import _name` and `module._name` on a module of the
   package are errors (a name with a leading underscore belongs to its module).
2. An import inside a function only where its start-up cost is measured and noted: every module a function
   imports must be listed in `tools/deferred_imports.toml` with its measured cost (`python -X importtime`) and
   why it waits; a module of the package itself is imported at the top unless listed too.

    python tools/check_imports.py              # check; exit 1 naming each offending line
    python tools/check_imports.py --measure    # measure each listed module's import cost (median of 5)
    python tools/check_imports.py --write      # measure and write the costs into tools/deferred_imports.toml

Standard library only (tomllib), so it runs before .venv's packages are imported; `--measure` runs the venv's
interpreter it is started with.
"""

from __future__ import annotations

import ast
import os
import re
import statistics
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "annualreport"
REGISTRY = ROOT / "tools" / "deferred_imports.toml"
RUNS = 5


def registry() -> dict[str, dict]:
    return tomllib.loads(REGISTRY.read_text(encoding="utf-8"))["modules"]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imported(node: ast.Import | ast.ImportFrom, known: dict[str, dict]) -> list[str]:
    """The modules an import statement imports that are not listed (the package imports absolutely: a relative
    import is named as such). `from a import b` is listed when `a` is, or `a.b` is (b a module)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if not listed(a.name, known)]
    module = f"{'.' * node.level}{node.module or ''}"
    if listed(module, known) or all(listed(f"{module}.{a.name}", known) for a in node.names):
        return []
    return [module]


def listed(module: str, known: dict[str, dict]) -> bool:
    """A module is listed itself or by a package above it (`fontTools` lists `fontTools.ttLib`)."""
    parts = module.split(".")
    return any(".".join(parts[:i]) in known for i in range(len(parts), 0, -1))


def problems() -> list[str]:
    known = registry()
    ours = {module_name(p) for p in PACKAGE.rglob("*.py")}
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = module_name(path)
        rel = path.relative_to(ROOT)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "annualreport":
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        out.append(f"{rel}:{node.lineno}: imports the private name {alias.name} of {node.module}")
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                base = node.value
                if isinstance(base, ast.Name) and _module_alias(tree, base.id) in ours - {here}:
                    out.append(f"{rel}:{node.lineno}: uses the private name {base.id}.{node.attr} of another module")
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    for module in imported(node, known):
                        out.append(
                            f"{rel}:{node.lineno}: {fn.name}() imports {module} inside a function; import it at the "
                            f"top, or list it in {REGISTRY.relative_to(ROOT)} with its measured cost"
                        )
    return sorted(set(out))


def _module_alias(tree: ast.Module, name: str) -> str | None:
    """The package module a top-level name of `tree` stands for (`from annualreport.x import y` binds y)."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                if (a.asname or a.name) == name:
                    return f"{node.module}.{a.name}"
        if isinstance(node, ast.Import):
            for a in node.names:
                if (a.asname or a.name.split(".")[0]) == name:
                    return a.name
    return None


def measure(module: str, pythonpath: str | None = None) -> float | None:
    """Milliseconds `import module` takes in a fresh interpreter of this venv (its cumulative -X importtime);
    None when the module is not installed here."""
    times = []
    env = {**os.environ, "PYTHONPATH": str(ROOT / pythonpath)} if pythonpath else None
    for _ in range(RUNS):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        rows = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
        match = [r for r in rows if r.rsplit("|", 1)[-1].strip() == module]
        if not match:
            return None
        times.append(int(match[-1].split("|")[1]) / 1000)
    return statistics.median(times)


def write(costs: dict[str, float]) -> None:
    text = REGISTRY.read_text(encoding="utf-8")
    for module, ms in costs.items():
        key = re.escape(f'"{module}"') if "." in module else re.escape(module)
        value = round(ms)
        text = re.sub(rf"^({key} = \{{ms = )\d+", lambda m, v=value: f"{m.group(1)}{v}", text, flags=re.M)
    REGISTRY.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--measure" in argv or "--write" in argv:
        costs = {m: measure(e.get("probe", m), e.get("pythonpath")) for m, e in registry().items()}
        for m, ms in costs.items():
            print(f"{m:<40} {'not installed here' if ms is None else f'{ms:8.0f} ms'}")
        if "--write" in argv:
            write({m: ms for m, ms in costs.items() if ms is not None})
        return 0
    found = problems()
    print("\n".join(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
