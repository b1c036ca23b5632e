"""`make reproduce`: a published year rebuilt from its manifest alone (its commit in a throw-away git worktree, the
raw files it names, this checkout's interpreter with the worktree's code) and compared file by file.

The year is the smallest demo (the fictional second institution's 2020, HTML only: about 15 s a build), built once
in a tiny repository holding the package's source, committed. A fresh build reproduces identically; one raw value
changed in the data folder is named, with the files it changes, and the command exits 1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annualreport.runner.manifest import git_state
from tests.helpers import ROOT, copy_project

PARAMS = "params/institutions/binhai-demo/2020.yaml"
OUT = "outputs/binhai-demo/2020"
RAW = "data/institutions/binhai-demo/raw/2020/training.csv"


def git_env(project: Path, top: Path) -> dict:
    env = dict(os.environ, ANNUALREPORT_ROOT=str(project), GIT_CEILING_DIRECTORIES=str(top), ANNUALREPORT_SALT="t")
    return env | {f"GIT_{w}_{k}": v for w in ("AUTHOR", "COMMITTER") for k, v in (("NAME", "t"), ("EMAIL", "t@t.org"))}


def commit_all(project: Path, env: dict, message: str) -> str:
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True).stdout.strip()


def cli(project: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "annualreport", *args], cwd=project, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, dict]:
    """The project with the package's source in a git repository of its own, committed, the demo year built."""
    top = tmp_path_factory.mktemp("reproduce")
    project = copy_project(top / "repo")
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in (".gitignore", "requirements.lock"):
        shutil.copy(ROOT / name, project / name)
    for folder in ("params/institutions/binhai-demo", "data/institutions/binhai-demo"):
        shutil.copytree(ROOT / folder, project / folder)
    env = git_env(project, top)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    commit_all(project, env, "the year as built")
    done = cli(project, env, "build", "--year", "2020", "--params", PARAMS, "--format", "html", "-q")
    assert done.returncode == 0, done.stderr[-2000:]
    return project, env


def worktrees(project: Path) -> list[str]:
    out = subprocess.run(["git", "worktree", "list", "--porcelain"], cwd=project, capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line.startswith("worktree ")]


@pytest.mark.build
def test_a_fresh_build_reproduces_byte_for_byte(repo):
    project, env = repo
    manifest = json.loads((project / OUT / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["git"]["dirty"] is False and manifest["git"]["untracked"] == []
    assert RAW in manifest["sources"]["files"] and manifest["sources"]["folders"]["raw"] == str(Path(RAW).parent)
    assert manifest["project_files"]["narrative"]["path"] == "params/institutions/binhai-demo/narrative/2020"
    done = cli(project, env, "reproduce", OUT)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[-1].startswith(f"OK: {OUT}: all ") and "rebuilt byte for byte from commit" in lines[-1], lines
    assert not [line for line in lines if line.split(" ")[0] in ("DIFFERS", "MISSING", "EXTRA", "RAW")], lines
    tree = next(line for line in lines if line.startswith("worktree at commit")).split(": ", 1)[1].split(" (")[0]
    assert not Path(tree).exists() and worktrees(project) == [f"worktree {project}"]


@pytest.mark.build
def test_a_changed_raw_value_is_named_and_fails(repo):
    project, env = repo
    raw = project / RAW
    original = raw.read_bytes()
    raw.write_bytes(original.replace(b",120,32,", b",121,32,", 1))
    assert raw.read_bytes() != original
    try:
        done = cli(project, env, "reproduce", OUT)
    finally:
        raw.write_bytes(original)
    assert done.returncode == 1, done.stdout + done.stderr[-2000:]
    lines = done.stdout.splitlines()
    named = [line for line in lines if line.startswith("RAW ")]
    assert len(named) == 1 and RAW in named[0] and "changed since the build" in named[0], lines
    differs = {line.split()[1].rstrip(":"): line for line in lines if line.startswith("DIFFERS ")}
    assert "figures.csv" in differs and RAW in differs["figures.csv"], lines
    assert lines[-1].startswith(f"FAILED: {OUT}: ") and "1 input difference" in lines[-1], lines
    assert (project / "build" / "reproduce" / "binhai-demo" / "2020" / "figures.csv").is_file()
    assert worktrees(project) == [f"worktree {project}"]


def test_a_commit_the_repository_lacks_is_one_line(tmp_path):
    """Nothing can be rebuilt: one error line naming the commit, exit 2; no worktree is made."""
    project = tmp_path / "repo"
    (project / "outputs" / "2020").mkdir(parents=True)
    env = git_env(project, tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "README.md").write_text("x\n")
    commit_all(project, env, "one")
    manifest = {"year": 2020, "git": {"commit": "0" * 40, "dirty": False}, "outputs_sha256": {}}
    (project / "outputs" / "2020" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = cli(project, env, "reproduce", "outputs/2020")
    assert done.returncode == 2 and done.stdout == "", done.stdout + done.stderr
    assert done.stderr.startswith("error: commit 000000000000 is missing from the repository"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and worktrees(project) == [f"worktree {project}"]


def test_the_manifest_names_uncommitted_and_untracked_files(tmp_path):
    project = tmp_path / "repo"
    (project / "data" / "raw" / "2020").mkdir(parents=True)
    env = git_env(project, tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "specs.yaml").write_text("a: 1\n")
    commit_all(project, env, "one")
    (project / "specs.yaml").write_text("a: 2\n")
    (project / "new.yaml").write_text("b: 1\n")
    (project / "data" / "raw" / "2020" / "training.csv").write_text("x\n")  # delivered data: untracked by design
    state = git_state(project, ("data/raw/2020",))
    assert state["dirty"] is True and state["uncommitted"] == ["specs.yaml"] and state["untracked"] == ["new.yaml"]
