"""`make diff` and `make signoff`: what changed since the reviewed draft, and which input changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from annualreport.review.diff import Cause, Side, compare, compare_prose, lines, parse_inputs, sections
from annualreport.review.signoff import _changed, build_notes, dumps, figure_hash, signoff_path
from tests.helpers import ROOT

RAW = "data/raw/2020/training.csv sha256:"


def _row(fid, value, wording=None, inputs=RAW + "a" * 64, definition="sum of trainees", kind="computed"):
    return {
        "id": fid,
        "section": "一(四)4",
        "label": "各类培训",
        "kind": kind,
        "value": value,
        "unit": "人次",
        "wording": wording or f"{value}人次",
        "inputs": inputs,
        "definition": definition,
    }


def _side(*rows, params="p1", commit="c1") -> Side:
    return Side("then", {r["id"]: r for r in rows}, params, commit)


def test_inputs_parse_as_file_and_sheet_with_their_digests():
    text = "data/raw/2020/staff.xlsx[人员变动] sha256:abc; data/raw/2020/training.csv sha256:def"
    assert parse_inputs(text) == {"data/raw/2020/staff.xlsx[人员变动]": "abc", "data/raw/2020/training.csv": "def"}
    assert parse_inputs("") == {}


def test_a_changed_value_names_the_raw_file_whose_digest_changed():
    old = _side(_row("training_person_times", "28408"), _row("same", "1"), _row("gone", "2"))
    new = _side(_row("training_person_times", "28508", inputs=RAW + "b" * 64), _row("same", "1"), _row("new", "3"))
    d = compare(old, new, ROOT)
    [c] = d.changed
    assert (c.id, c.old["value"], c.new["value"]) == ("training_person_times", "28408", "28508")
    assert [(x.what, x.subject) for x in c.causes] == [("raw", "data/raw/2020/training.csv")]
    assert "raw file data/raw/2020/training.csv changed" in c.causes[0].english()
    assert "原始文件 data/raw/2020/training.csv 变化" in c.causes[0].chinese()
    assert [x.id for x in d.added] == ["new"] and [x.id for x in d.removed] == ["gone"]
    out = lines(d)
    assert "  training_person_times [computed] 一(四)4 各类培训: 28408 人次 “28408人次” → 28508 人次 “28508人次”" in out
    assert out[-1].startswith("1 changed, 1 new, 1 removed figure(s)")


def test_definition_params_code_and_derived_rows_are_told_apart():
    old = _side(
        _row("training_person_times", "1", definition="old rule"),
        _row("a", "1"),
        _row("b.previous", "5", kind="previous"),
        _row("b.change", "1", kind="change"),
    )
    new = _side(
        _row("training_person_times", "2", definition="new rule"),
        _row("a", "2"),
        _row("b.previous", "4", kind="previous", inputs=""),
        _row("b.change", "2", kind="change"),
        params="p2",
    )
    causes = {c.id: c.causes for c in compare(old, new, ROOT).changed}
    assert causes["training_person_times"][0].what == "definition"
    assert causes["training_person_times"][0].subject == "specs/figures/04-education.yaml"
    assert causes["a"] == [Cause("params", "file", "p1", "p2")]
    assert causes["b.previous"][0].what == "removed"
    assert causes["b.change"] == [Cause("derived", "b.previous")]
    code = compare(_side(_row("a", "1")), _side(_row("a", "2"), commit="c2"), ROOT).changed[0].causes
    assert [x.what for x in code] == ["code"]


PAGE = """<h1>报告</h1><nav>目录</nav>
<h2 class="sec sec-l1" id="sec-0">一、回顾</h2><p>总述。</p>
<h3 class="sec sec-l2" id="sec-1">（一）培训</h3><p>培训28408人次。收入486万元。</p>
<table><tr><td>各类培训</td><td>28408</td></tr><tr><td>收入</td><td>486</td></tr></table>
<h3 class="sec sec-l2" id="sec-2">（二）其他</h3><p>不变。</p><svg><text>9</text></svg>"""


def test_prose_is_compared_per_section_sentence_by_sentence_and_row_by_row():
    assert list(sections(PAGE)) == ["（标题与目录）", "一、回顾", "（一）培训", "（二）其他"]
    changed = PAGE.replace("28408", "28508").replace("<p>不变。</p>", "")
    [p, q] = compare_prose(PAGE, changed)
    assert (p.heading, p.status) == ("（一）培训", "changed")
    assert p.removed == ["培训28408人次。", "各类培训 28408"]
    assert p.added == ["培训28508人次。", "各类培训 28508"]
    assert (q.heading, q.removed, q.added) == ("（二）其他", ["不变。"], [])
    assert compare_prose(PAGE, PAGE.replace("<svg><text>9</text></svg>", "<svg><text>8</text></svg>")) == []


def test_a_figure_hash_covers_id_value_wording_inputs_and_definition():
    row = _row("a", "1")
    assert figure_hash(row) == figure_hash(dict(row, label="another label", note="x"))
    for key in ("id", "value", "wording", "inputs", "definition"):
        assert figure_hash(dict(row, **{key: row[key] + "x"})) != figure_hash(row), key


def test_the_signoff_file_has_one_line_per_figure_and_reads_back():
    data = {"year": 2020, "signed_by": "审阅人", "figures": {"a": {"sha256": "1", "value": "1"}, "b": {"sha256": "2"}}}
    text = dumps(data)
    assert json.loads(text) == data
    assert '  "a": {"sha256": "1", "value": "1"},' in text.splitlines()


def _params(root: Path, year: int = 2020):
    return SimpleNamespace(root=root, year=year, build_id=str(year), outputs_dir=root / "outputs" / str(year))


def test_a_build_warns_in_one_line_when_signed_figures_changed_and_never_fails(tmp_path):
    params = _params(tmp_path)
    assert build_notes(params) == ()  # no signoff: nothing to say
    out = params.outputs_dir
    out.mkdir(parents=True)
    (out / "figures.csv").write_text("id,value,wording,inputs,definition\na,1,1人,,d\nb,2,2人,,d\n", encoding="utf-8")
    rows = {"a": dict(id="a", value="1", wording="1人", inputs="", definition="d")}
    signed = {
        "signed_by": "审阅人",
        "signed_at": "2020-12-31",
        "figures": {"a": {"sha256": figure_hash(rows["a"]), "value": "1", "wording": "1人"}},
    }
    signoff_path(params).parent.mkdir(parents=True)
    signoff_path(params).write_text(dumps(signed), encoding="utf-8")
    assert build_notes(params) == ()
    signed["figures"]["a"]["sha256"] = "0" * 64
    signed["figures"]["c"] = {"sha256": "1" * 64}
    signoff_path(params).write_text(dumps(signed), encoding="utf-8")
    assert _changed(signed, rows) == (["a"], ["c"])
    [note] = build_notes(params)
    assert note.startswith(
        "warning: 1 of 2 signed-off figures changed (0 in value or wording), 1 gone since the signoff by 审阅人"
    )
    assert "params/signoff/2020.json" in note and "make diff YEAR=2020 SIGNED=1" in note
    signoff_path(params).write_text("{broken", encoding="utf-8")
    assert build_notes(params)[0].startswith("warning: signoff not checked:")


# -- end to end, in a copy of the session's demo build ------------------------------------------------------
def _copy_demo(demo_project: Path, dest: Path) -> Path:
    """The demo project with its caches, so a rebuild reruns only what a change affects."""
    shutil.copytree(demo_project, dest, symlinks=True)
    return dest


def _change_training(project: Path) -> None:
    raw = project / "data" / "raw" / "2020" / "training.csv"
    data = raw.read_bytes()
    assert data.count(b",121,24,65000,") == 1  # one programme of 121 trainees, started 2020-06-18
    raw.write_bytes(data.replace(b",121,24,65000,", b",221,24,65000,"))


@pytest.mark.build
def test_signoff_then_a_raw_change_is_warned_and_diffed_with_its_file(demo_project, tmp_path, monkeypatch, capsys):
    from annualreport.__main__ import main
    from annualreport.base.params import load_params
    from annualreport.review.earlier import run
    from annualreport.review.signoff import record
    from annualreport.review.verify import verify
    from annualreport.runner.driver import build

    project = _copy_demo(demo_project, tmp_path / "project")
    monkeypatch.setenv("ANNUALREPORT_ROOT", str(project))
    params = load_params(project / "params" / "2020.yaml", project)
    reviewed = tmp_path / "reviewed-2020"
    shutil.copytree(params.outputs_dir, reviewed)
    path = record(params, by="审阅人", note="第一次审阅")
    assert json.loads(path.read_text(encoding="utf-8"))["signed_by"] == "审阅人"

    _change_training(project)
    result = build(2020, root=project, formats=("html",))
    [warning] = [n for n in result.notes if "signed-off figures changed" in n]
    assert "params/signoff/2020.json" in warning
    assert verify(params.outputs_dir).ok and verify(reviewed).ok

    d, page = run(params, str(reviewed))
    changed = {c.id: c for c in d.changed}
    c = changed["training_person_times"]
    assert (c.old["value"], c.new["value"]) == ("28408", "28508")
    assert [(x.what, x.subject) for x in c.causes] == [("raw", "data/raw/2020/training.csv")]
    assert "chart.training_by_month.6" in changed
    assert any("28508" in s for p in d.prose for s in p.added)
    assert page == project / "build" / "diff" / "2020" / "diff.html" and "原始文件" in page.read_text(encoding="utf-8")

    signed, _ = run(params, signed=True)
    assert "training_person_times" in {x.id for x in signed.changed}
    assert main(["diff", "--year", "2020", "--from", str(reviewed)]) == 1
    out = capsys.readouterr().out
    assert "because: raw file data/raw/2020/training.csv changed" in out
    assert main(["diff", "--year", "2020", "--from", str(params.outputs_dir)]) == 0


@pytest.mark.build
@pytest.mark.slow
def test_diff_from_a_git_revision_builds_that_revision_with_its_own_code(demo_project, tmp_path):
    """A tiny repository: the demo project with the package's source, committed; then a raw value
    changes in the working tree and the published build is compared with HEAD as built from git."""
    project = _copy_demo(demo_project, tmp_path / "repo")
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".gitignore", project / ".gitignore")
    env = dict(os.environ, ANNUALREPORT_ROOT=str(project), GIT_CEILING_DIRECTORIES=str(tmp_path))
    env |= {f"GIT_{w}_{k}": v for w in ("AUTHOR", "COMMITTER") for k, v in (("NAME", "t"), ("EMAIL", "t@example.org"))}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "reviewed draft"]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True)
    _change_training(project)
    cli = [sys.executable, "-m", "annualreport"]
    subprocess.run([*cli, "build", "--year", "2020", "--format", "html", "-q"], cwd=project, env=env, check=True)
    done = subprocess.run(
        [*cli, "diff", "--year", "2020", "--from", "HEAD"], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert "training_person_times [computed]" in done.stdout
    assert "because: raw file data/raw/2020/training.csv changed" in done.stdout
    assert list((project / "build" / "diff" / "2020").glob("rev-*/report.html"))
    assert not (project / "build" / "diff" / "trees").exists() or not any(
        (project / "build" / "diff" / "trees").iterdir()
    )
