"""`make bench` without builds: the copies it makes, the changes its runs make, the table it prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from annualreport.base.terms import bare_numbers
from annualreport_dev import bench

ROOT = Path(__file__).resolve().parents[2]


def test_years3_copy_holds_exactly_the_three_demo_years(tmp_path):
    project = bench.years3_project(tmp_path)
    assert not (project / "params" / "institutions").exists()
    assert [p.name for p in bench.params_files(project)] == ["2019.yaml", "2020.yaml", "2021.yaml"]
    for needed in bench.params_needs(project):
        assert (project / needed).exists(), needed
    assert sorted(p.name for p in (project / "data" / "raw").iterdir()) == ["2019", "2020", "2021"]


def test_copy_holds_what_every_params_file_it_keeps_reads(tmp_path):
    project = bench.make_project(tmp_path / "project")
    kept = bench.params_files(project)
    assert any("institutions" in p.parts for p in kept)  # the second institution stays in this copy ...
    needs = bench.params_needs(project)
    assert any(Path("data/institutions") in n.parents for n in needs)  # ... and so does its data
    for needed in needs:
        assert (project / needed).exists(), needed


def test_raw_edits_differ_per_run_and_keep_the_encoding():
    original = (ROOT / "data" / "raw" / str(bench.YEAR) / bench.RAW_FILE).read_bytes()
    edits = [bench.raw_edit(original, n) for n in (1, 2, 3)]
    assert len({original, *edits}) == 4
    texts = [e.decode("gb18030") for e in edits]
    for n, text in zip((1, 2, 3), texts, strict=True):
        assert f",{121 + n},24," in text
        assert len(text.splitlines()) == len(original.decode("gb18030").splitlines())


def test_narrative_edits_differ_per_run_and_hold_no_digits():
    original = (ROOT / "params" / "narrative" / str(bench.YEAR) / "review.md").read_bytes()
    edits = [bench.narrative_edit(original, n) for n in (1, 2, 3, 10, 12, 25)]
    assert len({original, *edits}) == 7
    for e in edits:
        added = e[len(original) :].decode()
        assert added.strip().startswith("本段为基准测试所加")
        assert not bare_numbers(added)
        assert not any(ch.isdigit() for ch in added)
    assert [bench.chinese_numeral(n) for n in (1, 2, 10, 12, 20, 25, 99)] == [
        "一",
        "二",
        "十",
        "十二",
        "二十",
        "二十五",
        "九十九",
    ]


def _results(**medians):
    return {case: [(float(t), 100 * 2**20)] for case, t in medians.items()}


def _row(text: str, target: str) -> list[str]:
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 7 and cells[4] == target:
            return cells
    raise AssertionError(f"no row with target {target!r} in:\n{text}")


def test_table_marks_targets_met_and_missed():
    results = _results(cold=40, naive=200, floor=60, noop=0.2, raw=25, x10=90, years3=50)
    text = bench.table(results, 3)
    assert _row(text, "≤ 0.35 × naive")[5:] == ["0.20", "yes"]
    assert _row(text, "≤ 0.8 × floor")[5:] == ["0.67", "yes"]
    assert _row(text, "≤ 0.3 s")[5:] == ["0.20 s", "yes"]
    assert _row(text, "≤ 0.5 × cold")[5:] == ["0.62", "no"]
    assert _row(text, "≤ 2.0 × one year")[5:] == ["1.25", "yes"]
    x10 = next(line for line in text.splitlines() if line.startswith(f"| {bench.LABELS['x10']} "))
    assert x10.endswith("| | | |")  # a row, no target

    text = bench.table(_results(cold=50, floor=60, noop=0.31), 3)
    assert _row(text, "≤ 0.8 × floor")[5:] == ["0.83", "no"]
    assert _row(text, "≤ 0.3 s")[5:] == ["0.31 s", "no"]
    assert _row(text, "≤ 0.35 × naive")[5:] == ["n/a", ""]  # naive not run


def test_table_x100_time_and_peak_are_two_targets():
    results = _results(cold=40)
    results["x100"] = [(100.0, int(1.5 * 2**30))]
    text = bench.table(results, 1)
    assert _row(text, "≤ 3 × the 1× build")[5:] == ["2.50", "yes"]
    assert _row(text, "peak ≤ 2 GB")[5:] == ["1.50 GB", "yes"]
    results["x100"] = [(130.0, int(2.5 * 2**30))]
    text = bench.table(results, 1, generation={100: 123.4})
    assert _row(text, "≤ 3 × the 1× build")[5:] == ["3.25", "no"]
    assert _row(text, "peak ≤ 2 GB")[5:] == ["2.50 GB", "no"]
    assert "generated before the cases (in no case's time): 123.4 s" in text


def test_slow_cases_run_once_unless_asked():
    counts = bench.runs_per_case(list(bench.CASES), 3, {})
    assert {c for c, n in counts.items() if n == 1} == {"naive", "x10", "x100", "years3", "fresh"}
    assert all(counts[c] == 3 for c in ("cold", "floor", "noop", "raw", "narrative"))
    counts = bench.runs_per_case(["x100", "cold"], 3, bench.parse_runs_for(["x100=2", "cold=5"]))
    assert counts == {"x100": 2, "cold": 5}
    assert bench.runs_text(3, bench.runs_per_case(list(bench.CASES), 3, {})) == (
        "3 (median shown); naive, x10, x100, years3, fresh: 1"
    )
    for bad in ("x100", "nope=2", "x100=0", "x100=a"):
        with pytest.raises(ValueError):
            bench.parse_runs_for([bad])


def test_scaled_copy_holds_only_the_scaled_years(tmp_path):
    raw = tmp_path / "demo-x2" / "raw"
    for y in bench.SCALED_YEARS:  # stand-in for the scaled data: the committed files
        (raw / str(y)).mkdir(parents=True)
        (raw / str(y) / bench.RAW_FILE).write_bytes((ROOT / "data" / "raw" / str(y) / bench.RAW_FILE).read_bytes())
    project = bench.make_project(tmp_path / "x2", raw_from=raw, scale=2, years=bench.SCALED_YEARS)
    assert sorted(p.name for p in (project / "data" / "raw").iterdir()) == [str(y) for y in bench.SCALED_YEARS]
    assert {int(p.stem) for p in (project / "params").glob("*.yaml") if bench.YEAR_FILE.fullmatch(p.name)} == set(
        bench.SCALED_YEARS
    )
    assert "graduates: {expected_rows: [3000, 12000]}" in (project / "params" / f"{bench.YEAR}.yaml").read_text(
        encoding="utf-8"
    )


def test_main_generates_scaled_data_before_any_case_and_runs_slow_cases_once(tmp_path, monkeypatch, capsys):
    events: list[str] = []

    def fake_data(scale):
        events.append(f"generate x{scale}")
        return tmp_path, 12.5

    def fake_case(name):
        def case(project, run_no=1):
            events.append(f"{name} {run_no}")
            return 1.0 + run_no, 2**20

        return case

    monkeypatch.setattr(bench, "scaled_data", fake_data)
    monkeypatch.setattr(bench, "make_project", lambda dest, **kw: dest)
    monkeypatch.setattr(bench, "scaled_project", lambda base, scale: base / f"x{scale}")
    monkeypatch.setattr(bench, "years3_project", lambda base: base / "years3")
    for name in ("cold", "naive", "floor", "noop", "raw", "narrative", "scaled", "years3"):
        monkeypatch.setattr(bench, f"case_{name}", fake_case(name))
    out = tmp_path / "results.md"
    assert (
        bench.main(["--runs", "2", "--only", "x100,raw,naive,years3", "--runs-for", "years3=2", "--out", str(out)]) == 0
    )
    assert events == ["generate x100", "scaled 1", "raw 1", "raw 2", "naive 1", "years3 1", "years3 2"]
    printed = capsys.readouterr().out
    assert "demo data 100x generated in 12.5 s (not part of any case)" in printed
    text = out.read_text(encoding="utf-8")
    assert "Runs per case: 2 (median shown); naive, x100: 1" in text
    assert "Demo data at 100× generated before the cases (in no case's time): 12.5 s" in text
