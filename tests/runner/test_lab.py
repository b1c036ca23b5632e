"""`make lab` (`annualreport_dev.lab`): JupyterLab starts as root and as a user, serves the notebooks with the
project's kernel, and asks nothing of the network (no update check, no news, no question about news)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from annualreport_dev import lab
from tests.helpers import ROOT
from tests.programs import missing

TOKEN = "lab-test-token"


def test_allow_root_only_as_root_and_no_network_calls():
    as_root, as_user = lab.command(ROOT, [], uid=0), lab.command(ROOT, [], uid=1000)
    assert "--allow-root" in as_root and "--allow-root" not in as_user
    for argv in (as_root, as_user):
        assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in argv
        assert "--LabApp.news_url=None" in argv and f"--notebook-dir={ROOT / 'notebooks'}" in argv


def test_overrides_keep_other_settings_and_are_written_once(tmp_path):
    path = tmp_path / "settings" / "overrides.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    lab.write_overrides(path)
    data = json.loads(path.read_text())
    assert data[lab.NOTIFICATION] == {"fetchNews": "false", "checkForUpdates": False}
    assert data["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    mtime = path.stat().st_mtime_ns
    lab.write_overrides(path)
    assert path.stat().st_mtime_ns == mtime


def _open_to_others(path: Path) -> bool:
    """Whether every folder above `path` lets other users in (o+x), as a second user's start needs."""
    return all(p.stat().st_mode & 0o001 for p in path.parents)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(req, timeout=5) as r:
        body = r.read().decode("utf-8")
    return json.loads(body) if body.lstrip().startswith(("{", "[")) else body


def _serve(tmp_path: Path, user: bool):
    """Start the server as `make lab` does (as root, or as `nobody` through setpriv), wait until it answers."""
    port = _port()
    home = tmp_path / "home"
    home.mkdir(mode=0o777)
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "ANNUALREPORT_ROOT": str(ROOT),
    }
    env.pop("JUPYTER_CONFIG_DIR", None)
    argv = [sys.executable, "-m", "annualreport_dev.lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}"]  # fmt: skip
    if user:
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"JupyterLab exited {proc.returncode}:\n{proc.stdout.read()}")
        try:
            _get(port, "/api/status")
            return proc, port
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise AssertionError(f"JupyterLab did not answer in 90 s:\n{proc.stdout.read()}")


def _stop(proc) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


@pytest.mark.slow
@pytest.mark.parametrize("user", [False, True], ids=["as-root", "as-user"])
def test_make_lab_serves_the_notebooks_with_the_projects_kernel_and_asks_nothing(tmp_path, user):
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        missing("JupyterLab is not installed (`make lab-setup`; `.ci/run` runs it)")
    if os.geteuid() != 0:
        pytest.skip("starts the server as root and as another user: needs root (CI runs as root)")
    if user and not shutil.which("setpriv"):
        missing("`setpriv` is not on PATH (Debian package: util-linux)")
    if user and not all(_open_to_others(p) for p in (ROOT, Path(sys.executable).resolve())):
        pytest.skip("the checkout or the Python interpreter is in a folder other users cannot enter")
    proc, port = _serve(tmp_path, user)
    try:
        specs = _get(port, "/api/kernelspecs")
        assert "annualreport" in specs["kernelspecs"], specs["kernelspecs"].keys()
        listed = {c["name"] for c in _get(port, "/api/contents")["content"]}
        assert {"10-clean.ipynb", "20-validate.ipynb", "40-report.ipynb"} <= listed
        notebook = _get(port, "/api/contents/10-clean.ipynb")["content"]
        assert notebook["metadata"]["kernelspec"]["name"] == "annualreport"
        # the venv's overrides are the defaults the server gives the page: it never asks about news
        defaults = _get(port, "/lab/api/settings/" + lab.NOTIFICATION)["schema"]["properties"]
        assert defaults["fetchNews"]["default"] == "false" and defaults["checkForUpdates"]["default"] is False
        page = _get(port, "/lab")
        assert '"news": {"disabled": true}' in page  # no news feed
        assert _get(port, "/lab/api/update") == {"notification": None}  # no update check made
    finally:
        out = _stop(proc)
    assert "Running as root is not recommended" not in out or not user
