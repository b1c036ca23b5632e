"""`make diff`: the earlier build to compare with, and the reviewer's page.

The earlier build is an outputs folder (one kept from the review, or a copy someone sent), a git
revision, or the signoff record (`review/signoff.py`). A revision is built with its own code and files:
the revision's files exported (`git archive`, which only reads the repository: no worktree is
registered) into a temporary folder under `build/diff/`, where `python -m annualreport build`
runs with that tree as the project root and its `src/` first on the path (the kernels inherit
both), HTML only; its outputs folder is kept as `build/diff/<id>/rev-<commit>/`, so diffing against the
same revision again builds nothing. The tree is removed afterwards. The person-hashing salt of
this checkout is passed on, so distinct-person counts hash the same way.

The page is written to `build/diff/<id>/diff.html`, outside the published folder (whose files the
manifest lists).
"""

from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from annualreport.base.errors import ReportError
from annualreport.base.params import Params
from annualreport.base.places import Places
from annualreport.ingest.personal import SALT_FILE
from annualreport.review import signoff
from annualreport.review.diff import Diff, Side, compare, shown, side_from_folder
from annualreport.typeset.pages import render_page


def diff_dir(params: Params) -> Path:
    return params.root / "build" / "diff" / params.build_id


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def resolve_commit(root: Path, rev: str) -> str:
    args = ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"]
    try:
        done = subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=60)
    except OSError as exc:
        raise ReportError(f"--from {rev}: not an outputs folder, and git cannot run ({exc})") from None
    if done.returncode != 0:
        raise ReportError(f"--from {rev}: neither an outputs folder nor a git revision of {root}")
    return done.stdout.strip()


def build_revision(params: Params, rev: str) -> Path:
    """The outputs folder of `params`' year as revision `rev` builds it (built once per commit)."""
    root = params.root
    commit = resolve_commit(root, rev)
    kept = diff_dir(params) / f"rev-{commit[:12]}"
    if Places(kept, kept, kept)("ledger").is_file():
        return kept
    tree = root / "build" / "diff" / "trees" / commit[:12]
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    try:
        export(root, commit, tree)
        params_file = _rel(params.path, root)
        if not (tree / params_file).is_file():
            raise ReportError(f"{params_file} does not exist at {rev} ({commit[:12]})")
        # git must not find this checkout above the tree (the build would record its commit)
        env = dict(os.environ, ANNUALREPORT_ROOT=str(tree), GIT_CEILING_DIRECTORIES=str(tree.parent))
        env["PYTHONPATH"] = os.pathsep.join([str(tree / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
        salt = root / SALT_FILE
        if "ANNUALREPORT_SALT" not in env and salt.is_file():
            env["ANNUALREPORT_SALT"] = salt.read_text().strip()
        cmd = [sys.executable, "-m", "annualreport", "build", "--year", str(params.year), "--format", "html", "-q"]
        cmd += ["--params", params_file]
        print(f"building {params.build_id} as of {rev} ({commit[:12]}) in {_rel(tree, root)} …", flush=True)
        done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
            raise ReportError(f"building {params.build_id} at {rev} ({commit[:12]}) failed: {last[0]}")
        partial = kept.with_name(kept.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(tree / "outputs" / params.build_id, partial)
        os.replace(partial, kept)
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    return kept


def export(root: Path, commit: str, tree: Path) -> None:
    """The files of `commit` (as `git archive` gives them) into `tree`: the repository is only read,
    no worktree is registered, nothing in the checkout changes."""

    done = subprocess.run(["git", "archive", "--format=tar", commit], cwd=root, capture_output=True, timeout=300)
    if done.returncode != 0:
        raise ReportError(f"git archive {commit[:12]} failed: {done.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
        tar.extractall(tree, filter="data")


def earlier(params: Params, source: str | None, signed: bool) -> Side:
    """The earlier side: the signoff, an outputs folder, or a git revision built for the purpose."""
    if signed:
        data = signoff.load(params)
        if data is None:
            raise ReportError(
                f"no signoff for {params.build_id} yet ({_rel(signoff.signoff_path(params), params.root)})"
            )
        return signoff.side(params, data)
    if not source:
        raise ReportError("say what to compare with: --from <outputs folder or git revision>, or --signed")
    folder = Path(source)
    if folder.is_dir():
        return side_from_folder(folder, f"{source} (outputs folder)")
    kept = build_revision(params, source)
    side = side_from_folder(
        kept, f"git {source} ({kept.name.removeprefix('rev-')}, built in {_rel(kept, params.root)})"
    )
    side.commit = resolve_commit(params.root, source)  # the export has no .git: its manifest records none
    return side


def run(params: Params, source: str | None = None, signed: bool = False) -> tuple[Diff, Path]:
    """Compare the published build of `params` with the earlier one; write the page; return both."""
    now = params.outputs_dir
    if not Places(now, now, now)("ledger").is_file():
        raise ReportError(f"{_rel(now, params.root)} has no published build yet: make report YEAR={params.year}")
    old = earlier(params, source, signed)
    new = side_from_folder(now, f"{_rel(now, params.root)} (published now)")
    d = compare(old, new, params.root)
    return d, write_page(d, diff_dir(params) / "diff.html", params)


# -- the reviewer's page --------------------------------------------------------------------------
STYLE = (
    "table.diff th, table.diff td { text-align: left !important; vertical-align: top; } "
    "table.diff td:first-child { min-width: 0; overflow-wrap: anywhere; } "
    "table.diff td:last-child { color: inherit; overflow-wrap: anywhere; min-width: 14em; } "
    "del { color: #9b1c1c; } ins { color: #1c6b2e; text-decoration: none; }"
)


def _e(value) -> str:
    return html.escape(str(value if value is not None else ""))


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="ledger diff"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def write_page(d: Diff, out: Path, params: Params) -> Path:

    title = f"{params.institution['name']}{params.year}年报告：与审阅稿相比的变化"
    parts = [f"<style>{STYLE}</style>", f"<h1>{_e(title)}</h1>", "<h2 class='sec'>比较对象</h2>"]
    parts.append(_table(["", "来源"], [["审阅稿", _e(d.old.label)], ["当前", _e(d.new.label)]]))
    if d.empty:
        parts.append("<p>指标和正文均无变化。</p>")
    parts.append(f"<h2 class='sec'>数值或表述变化的指标（{len(d.changed)}）</h2>")
    rows = [
        [
            _e(c.id),
            _e(c.row.get("section")),
            _e(c.row.get("label")),
            _e(shown(c.old)),
            _e(shown(c.new)),
            "<br>".join(_e(x.chinese()) for x in c.causes),
        ]
        for c in d.changed
    ]
    parts.append(_table(["编号", "章节", "指标", "审阅稿", "当前", "变化来源"], rows) if rows else "<p>无。</p>")
    for heading, items in (("新增指标", d.added), ("删除的指标", d.removed)):
        parts.append(f"<h2 class='sec'>{heading}（{len(items)}）</h2>")
        rows = [[_e(c.id), _e(c.row.get("section")), _e(c.row.get("label")), _e(shown(c.row))] for c in items]
        parts.append(_table(["编号", "章节", "指标", "数值与表述"], rows) if rows else "<p>无。</p>")
    if d.inputs_only:
        parts.append(f"<h2 class='sec'>数值与表述未变、输入或定义有变化的指标（{len(d.inputs_only)}）</h2>")
        parts.append(f"<p>{_e('、'.join(d.inputs_only))}</p>")
    parts.append(f"<h2 class='sec'>正文有变化的章节（{len(d.prose)}）</h2>")
    status = {"changed": "修改", "new": "新增章节", "removed": "删除章节"}
    for p in d.prose:
        parts.append(f"<h3 class='sec'>{_e(p.heading)}（{status[p.status]}）</h3>")
        parts += [f"<p><del>{_e(s)}</del></p>" for s in p.removed] + [f"<p><ins>{_e(s)}</ins></p>" for s in p.added]
        if not (p.removed or p.added):
            parts.append("<p>（签核记录只保存各章节文字的哈希；逐句对比请用 --from 指定审阅稿的输出目录或版本。）</p>")
    if not d.prose:
        parts.append("<p>无。</p>")
    return render_page(title, "\n".join(parts), out, page_class="diff")
