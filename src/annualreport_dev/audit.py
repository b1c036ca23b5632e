"""`make audit`: known vulnerabilities in the pinned dependencies, by pip-audit on requirements.lock.

pip-audit exits 0 and prints "No known vulnerabilities found" even when it could not ask anyone:
packages the advisory service does not answer for are only *skipped*. This wrapper reads its JSON
and says plainly what was and was not checked:

- exit 0: every pinned package was checked and none has a known vulnerability;
- exit 1: known vulnerabilities (listed with their ids and fixed versions);
- exit 3: the audit could not be done: the service was unreachable, or some packages were skipped
  (listed). Never a pass.

    python -m annualreport_dev.audit [--pip-audit PATH] [--service pypi|osv] [--lock requirements.lock]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from annualreport.base.paths import repo_root

NETWORK_HINTS = (
    "ConnectionError",
    "Max retries exceeded",
    "NameResolutionError",
    "Name or service not known",
    "Temporary failure in name resolution",
    "timed out",
    "Connection refused",
    "SSLError",
    "ProxyError",
)


def classify(returncode: int, stdout: str, stderr: str, service: str) -> tuple[int, str]:
    """(exit code, message) from one pip-audit run with `-f json`."""
    if any(h in stderr for h in NETWORK_HINTS):
        last = next((ln for ln in reversed(stderr.strip().splitlines()) if ln.strip()), "")
        return 3, (
            f"audit NOT done: the advisory service ({service}) could not be reached: {last.strip()[:300]}\n"
            f"No package was checked. Run `make audit` where {service} is reachable."
        )
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError:
        tail = "\n".join((stderr or stdout).strip().splitlines()[-5:])
        return 3, f"audit NOT done: pip-audit failed (exit {returncode}) without a result:\n{tail}"
    deps = data.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    checked = [d for d in deps if not d.get("skip_reason")]
    vulnerable = [d for d in checked if d.get("vulns")]
    lines = []
    for d in vulnerable:
        for v in d["vulns"]:
            fixed = ", ".join(v.get("fix_versions") or []) or "no fixed release"
            lines.append(f"  {d['name']} {d.get('version', '')}: {v.get('id')} (fixed in {fixed})")
    if vulnerable:
        msg = f"{len(lines)} known vulnerabilit{'y' if len(lines) == 1 else 'ies'} in {len(vulnerable)} package(s):\n"
        msg += "\n".join(lines)
        if skipped:
            msg += f"\nand {len(skipped)} package(s) could not be checked"
        return 1, msg
    if not checked:
        return 3, (
            f"audit NOT done: the advisory service ({service}) answered for none of the {len(deps)} pinned "
            f"packages (first reason: {skipped[0]['skip_reason'] if skipped else 'no packages'}).\n"
            f'pip-audit would say "No known vulnerabilities found"; that is not a result. '
            f"Run `make audit` where {service} is reachable."
        )
    if skipped:
        names = ", ".join(d["name"] for d in skipped[:10]) + (" ..." if len(skipped) > 10 else "")
        return 3, (
            f"audit incomplete: {len(checked)} package(s) checked, no known vulnerabilities; "
            f"{len(skipped)} could not be checked: {names}"
        )
    return 0, f"no known vulnerabilities in the {len(checked)} pinned packages (service: {service})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m annualreport_dev.audit", description=__doc__.splitlines()[0])
    ap.add_argument("--pip-audit", default="build/audit-venv/bin/pip-audit")
    ap.add_argument("--service", default="pypi", choices=["pypi", "osv"])
    ap.add_argument("--lock", default="requirements.lock")
    args = ap.parse_args(argv)
    root = repo_root()
    tool = Path(args.pip_audit)
    if not (root / tool).exists() and not tool.exists():
        print(
            f"audit NOT done: {tool} not found (`make audit` installs it from requirements-audit.lock)", file=sys.stderr
        )
        return 3
    cmd = [
        str(tool),
        "-r",
        args.lock,
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "-f",
        "json",
        "-s",
        args.service,
    ]
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        print(f"audit NOT done: pip-audit did not finish in 10 minutes ({args.service} too slow?)", file=sys.stderr)
        return 3
    code, message = classify(proc.returncode, proc.stdout, proc.stderr, args.service)
    print(message, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
