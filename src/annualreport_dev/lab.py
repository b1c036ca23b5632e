"""`make lab`: JupyterLab on the project's notebooks, as any user, asking nothing of the network.

- As root (containers, the build machines) JupyterLab refuses to start without `--allow-root`; it is passed
  only then, so a normal user's start is unchanged.
- No update check (`LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate`) and no news feed
  (`LabApp.news_url=None`): an offline college machine cannot answer either.
- No question "Would you like to get notified about official Jupyter news?": the notification settings
  `fetchNews: "false"` and `checkForUpdates: false` are set in the overrides of the venv's own JupyterLab
  (`<venv>/share/jupyter/lab/settings/overrides.json`: the defaults the server gives the page), not in the
  user's ~/.jupyter. They are written when the lab lock is installed (`make lab-setup`) and checked at every
  start; a user who cannot write a venv someone else installed gets a warning, and the server starts anyway.
- The notebooks run on the project's kernel (`annualreport`, registered in the venv by `make setup`); every
  notebook names it in its metadata.

    python -m annualreport_dev.lab [extra JupyterLab arguments]   # what `make lab` runs (LAB_ARGS appended)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

NOTIFICATION = "@jupyterlab/apputils-extension:notification"
QUIET = {"fetchNews": "false", "checkForUpdates": False}
OFFLINE = ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=None"]


def overrides_path(prefix: str = sys.prefix) -> Path:
    """The overrides file of the JupyterLab installed in `prefix` (its application settings folder)."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def write_overrides(path: Path | None = None) -> Path:
    """Merge the quiet notification settings into the overrides file, keeping any other setting there."""
    path = path or overrides_path()
    current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    wanted = {**current, NOTIFICATION: {**current.get(NOTIFICATION, {}), **QUIET}}
    if wanted != current:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(wanted, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def quiet_settings(path: Path | None = None) -> str | None:
    """Write the quiet notification settings; where the file cannot be written, the warning to print."""
    path = path or overrides_path()
    try:
        write_overrides(path)
    except OSError as exc:
        return (
            f"warning: could not write {path} ({exc.strerror or exc}): JupyterLab may ask about Jupyter news; "
            "run `make lab-setup` as the owner of .venv"
        )
    return None


def command(root: Path, extra: list[str], uid: int | None = None) -> list[str]:
    """The JupyterLab command line: the project's notebooks folder, offline, `--allow-root` only as root."""
    uid = os.geteuid() if uid is None else uid
    argv = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={root / 'notebooks'}", *OFFLINE]
    if uid == 0:
        argv.append("--allow-root")
    return argv + extra


def main(argv: list[str] | None = None) -> None:
    root = Path(os.environ.get("ANNUALREPORT_ROOT") or Path.cwd())
    warning = quiet_settings()
    if warning:
        print(warning, file=sys.stderr)
    args = command(root, list(sys.argv[1:] if argv is None else argv))
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
