"""`make lab` (`annualreport_dev.lab`): JupyterLab starts as root and as a user, serves the notebooks with the
project's kernel, and asks nothing of the network (no update check, no news, no question about news).

The server test starts `make lab` itself, as the analyst does (LAB_ARGS: a free port, a token, no browser), and
asks the server over HTTP. As root (CI) it runs twice: as root, and as `nobody` through `setpriv`. There `nobody`
keeps one capability, to read and enter folders (CAP_DAC_READ_SEARCH), because the interpreter the venv links
to may be under /root (closed to others); it writes only what it owns, like any user. Run by a user, the user
case runs as that user and the root case is skipped."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient

from annualreport_dev import lab
from tests.helpers import ROOT
from tests.programs import missing, program

TOKEN = "lab-test-token"
NOBODY = 65534
READ_SEARCH = 2  # CAP_DAC_READ_SEARCH, linux/capability.h
CONFIG_DATA = re.compile(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S)


def test_allow_root_only_as_root_and_no_network_calls():
    as_root, as_user = lab.command(ROOT, [], uid=0), lab.command(ROOT, [], uid=1000)
    assert "--allow-root" in as_root and "--allow-root" not in as_user
    for argv in (as_root, as_user):
        assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in argv
        assert "--LabApp.news_url=None" in argv and f"--notebook-dir={ROOT / 'notebooks'}" in argv
    assert lab.command(ROOT, ["--port=9999"], uid=1000)[-1] == "--port=9999"  # LAB_ARGS come last


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


def test_settings_a_user_cannot_write_give_a_warning_not_a_failure(tmp_path):
    (tmp_path / "file").write_text("")  # a venv the user cannot write: the settings folder cannot be made
    warning = lab.quiet_settings(tmp_path / "file" / "settings" / "overrides.json")
    assert warning and "make lab-setup" in warning
    assert lab.quiet_settings(tmp_path / "settings" / "overrides.json") is None


def _can_read_everywhere() -> bool:
    """Whether this process may hand CAP_DAC_READ_SEARCH to a child (its bounding set holds it)."""
    status = Path("/proc/self/status").read_text()
    bounding = int(re.search(r"^CapBnd:\s*([0-9a-f]+)", status, re.M).group(1), 16)
    return bool(bounding >> READ_SEARCH & 1)


def _as_user(home: Path) -> tuple[list[str], int]:
    """The prefix that starts a command as a user other than root, and that user's id."""
    if os.geteuid() != 0:
        return [], os.geteuid()
    if not _can_read_everywhere():
        pytest.skip("cannot let `nobody` read the checkout and interpreter (no CAP_DAC_READ_SEARCH here)")
    os.chown(home, NOBODY, NOBODY)
    cap = "+dac_read_search"
    setpriv = program("setpriv", "util-linux")
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", f"--inh-caps={cap}",
            f"--ambient-caps={cap}"], NOBODY  # fmt: skip


@pytest.fixture
def home():
    """A home folder whose parents anyone may enter, as a real one (pytest's tmp_path is under a 0700 folder)."""
    path = Path(tempfile.mkdtemp(prefix="annualreport-lab-home-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, path: str, body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        method="GET" if body is None else "POST",
        headers={"Authorization": f"token {TOKEN}"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read().decode("utf-8")
    return json.loads(text) if text.lstrip().startswith(("{", "[")) else text


def _serve(home: Path, log: Path, prefix: list[str]) -> tuple[subprocess.Popen, int]:
    """`make lab` with LAB_ARGS, as the analyst starts it (as the user `prefix` names); wait until it answers."""
    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MAKE", "MFLAGS"))}
    env["HOME"] = str(home)
    args = f"--no-browser --port={port} --ip=127.0.0.1 --IdentityProvider.token={TOKEN}"
    with log.open("w") as out:
        proc = subprocess.Popen([*prefix, "make", "-s", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 180  # a bound for a loaded machine, not a measure
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"`make lab` exited {proc.returncode}:\n{log.read_text()}")
        try:
            _request(port, "/api/status")
            return proc, port
        except OSError:
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError(f"JupyterLab did not answer:\n{log.read_text()}")


def _run_in_kernel(home: Path, kernel_id: str, code: str) -> str:
    """Run `code` in the server's kernel through its connection file; its printed output."""
    connection = home / ".local" / "share" / "jupyter" / "runtime" / f"kernel-{kernel_id}.json"
    client = BlockingKernelClient()
    client.load_connection_file(str(connection))
    # no heartbeat: it calls a kernel still starting on a loaded machine dead after 1 s; the server owns it
    client.start_channels(hb=False)
    try:
        client.wait_for_ready(timeout=120)
        printed: list[str] = []
        reply = client.execute_interactive(code, timeout=60, output_hook=lambda m: printed.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)  # fmt: skip
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(printed)
    finally:
        client.stop_channels()


@pytest.mark.slow
@pytest.mark.parametrize("as_root", [True, False], ids=["as-root", "as-user"])
def test_make_lab_serves_the_notebooks_with_the_projects_kernel_and_asks_nothing(tmp_path, home, as_root):
    if importlib.util.find_spec("jupyterlab") is None:
        missing("JupyterLab is not installed (`make lab-setup`; `.ci/run` runs it)")
    if subprocess.run(["make", "-q", ".venv/.lab-installed"], cwd=ROOT, env={**os.environ, "MAKEFLAGS": ""}).returncode:
        missing("the lab install is not up to date (`make lab-setup`; `.ci/run` runs it)")
    if as_root and os.geteuid() != 0:
        pytest.skip("the root start needs the tests to run as root (CI does)")
    prefix, uid = ([], 0) if as_root else _as_user(home)

    log = tmp_path / "lab.log"
    proc, port = _serve(home, log, prefix)
    try:
        # the notebooks, each on the project's kernel
        specs = _request(port, "/api/kernelspecs")["kernelspecs"]
        assert "annualreport" in specs, specs.keys()
        listed = {c["name"] for c in _request(port, "/api/contents")["content"] if c["type"] == "notebook"}
        assert listed == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
        for name in listed:
            metadata = _request(port, f"/api/contents/{name}")["content"]["metadata"]
            assert metadata["kernelspec"]["name"] == "annualreport", name
        # no question about news, no news feed, no update check: the defaults the server gives the page
        settings = _request(port, "/lab/api/settings/" + lab.NOTIFICATION)
        defaults = {k: v.get("default") for k, v in settings["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False
        assert settings["settings"] == {}  # nothing of the user's own settings in the way
        page = json.loads(CONFIG_DATA.search(_request(port, "/lab")).group(1))
        assert page["news"] == {"disabled": True}
        assert _request(port, "/lab/api/news") == {"news": []}
        assert _request(port, "/lab/api/update") == {"notification": None}
        # the project's kernel starts, runs .venv's Python as the server's user
        kernel = _request(port, "/api/kernels", {"name": "annualreport"})
        assert kernel["name"] == "annualreport"
        ran = _run_in_kernel(home, kernel["id"], "import os, sys; print(sys.prefix, os.geteuid())")
        prefix_, euid = ran.split()
        assert Path(prefix_).resolve() == (ROOT / ".venv").resolve() and int(euid) == uid
        _request(port, "/api/shutdown", {})
        assert proc.wait(timeout=120) == 0, log.read_text()  # `make lab` ends cleanly
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "Shutting down on /api/shutdown request" in log.read_text()
