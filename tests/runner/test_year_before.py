"""The year before from its own build (runner/yearbefore.py): 2019 built, then 2020, takes 2019's figures from the
2019 build and publishes the same bytes as a 2020 build whose 2019 was never built (the session's demo project); a
three-year batch gives the same bytes as the separate builds, each year after waiting for the one before; a year
before built from other raw files, or whose build stopped before its figures, or whose handed-on file is damaged,
is never taken; a batch holds the lock of each year its year after waits for."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import DEMO_YEARS, ROOT, copy_project

FORMATS = ("docx",)  # what the session's demo project (tests/conftest.py) is built with


def new_project(base: Path, demo: Path) -> Path:
    project = copy_project(base, years=DEMO_YEARS)
    for year in DEMO_YEARS:
        shutil.copytree(ROOT / "data" / "raw" / str(year), project / "data" / "raw" / str(year))
    if (demo / ".salt").exists():  # the same machine's salt as the demo project's builds
        shutil.copy(demo / ".salt", project / ".salt")
    return project


def published(project: Path, year: int) -> dict[str, bytes]:
    """What a build promises to reproduce byte for byte (as tests/runner/test_dask_cluster.py): the year's outputs
    but the manifest, executed notebooks, logs and Data Docs, which record when they ran."""
    out = project / "outputs" / str(year)
    files = [p for p in out.iterdir() if p.is_file() and p.name != "manifest.json"]
    files += [*out.glob("corrections/*"), *out.glob("validation/*.json")]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(files)}


def previous_bytes(project: Path, year: int) -> bytes:
    from annualreport.base.params import load_params
    from annualreport.base.places import places

    return places(load_params(project / "params" / f"{year}.yaml", project))("previous").read_bytes()


def line(result, stage: str = "previous") -> str:
    return next(s.line() for s in result.stages if s.name == stage)


def build(project: Path, year: int, **kw):
    from annualreport.runner.driver import build as run

    mp = pytest.MonkeyPatch()
    mp.setenv("ANNUALREPORT_ROOT", str(project))
    try:
        return run(year, root=project, formats=FORMATS, **kw)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def sequential(tmp_path_factory, demo_project):
    """2019 built, then 2020 (separate builds)."""
    project = new_project(tmp_path_factory.mktemp("sequential"), demo_project)
    first = build(project, 2019)
    return project, first, build(project, 2020)


@pytest.mark.build
@pytest.mark.slow
def test_2020_takes_2019_from_its_build_and_publishes_the_same_bytes(sequential, demo_project):
    project, first, second = sequential
    assert "year before: from the 2019 build" in line(second)
    assert "year before" not in line(first)  # no 2018
    # the session's demo project built 2020 with no 2019 build: the year before recomputed from its raw files
    assert previous_bytes(project, 2020) == previous_bytes(demo_project, 2020)
    assert published(project, 2020) == published(demo_project, 2020)


@pytest.mark.build
@pytest.mark.slow
def test_a_three_year_batch_gives_the_bytes_of_separate_builds(tmp_path, sequential, demo_project, capsys):
    from annualreport.runner.batch import build_all

    project = new_project(tmp_path / "batch", demo_project)
    assert build_all(formats=FORMATS, root=project) == 0
    out = capsys.readouterr().out
    parts = {y: out.split(f"== {y}:")[1].split("\n== ")[0] for y in DEMO_YEARS}
    assert "year before: from the 2019 build" in parts[2020], out
    assert "year before: from the 2020 build" in parts[2021], out
    assert "recomputed" not in out
    assert published(project, 2019) == published(sequential[0], 2019)
    for year in (2020, 2021):  # the demo project: 2020 recomputed, then 2021 from the 2020 build
        assert previous_bytes(project, year) == previous_bytes(demo_project, year)
        assert published(project, year) == published(demo_project, year)


@pytest.mark.build
@pytest.mark.slow
def test_a_stale_or_half_built_year_before_is_never_taken(sequential):
    project = sequential[0]
    before = previous_bytes(project, 2020)
    raw = project / "data" / "raw" / "2019" / "admissions.csv"
    original = raw.read_bytes()
    # 2019's admissions cut to ten rows: 2019's build stops at its gate (too few rows), after cleaning them
    raw.write_bytes(b"\n".join(original.split(b"\n")[:12]) + b"\n")
    try:
        plan = build(project, 2020, dry_run=True)
        assert "recomputed from the 2019 raw files (its build differs: changed: data/raw/2019/admissions.csv" in line(
            plan
        )
        with pytest.raises(Exception, match="20-validate"):
            build(project, 2019)
        rebuilt = build(project, 2020)
        assert "recomputed from the 2019 raw files" in line(rebuilt)
        assert previous_bytes(project, 2020) != before  # 2019's admissions figures from its ten rows
    finally:
        raw.write_bytes(original)
    again = build(project, 2020)  # the inputs 2019 was built from: its build is current again
    assert "year before: from the 2019 build" in line(again)
    assert previous_bytes(project, 2020) == before

    # a damaged handed-on file is not taken
    from annualreport.base.params import load_params
    from annualreport.runner.cache import Store
    from annualreport.runner.scheduler import Build, Options
    from annualreport.runner.yearbefore import ENTRIES, handover_inputs, key_of

    params = load_params(project / "params" / "2020.yaml", project)
    b = Build(params, Options(dry_run=True))
    year = load_params(project / "params" / "2019.yaml", project)
    key = key_of(handover_inputs(b, year, ENTRIES[0]))
    blob = Store(project).handed_on("2019", ENTRIES[0].name, key)
    assert blob is not None
    kept = blob.read_bytes()
    blob.write_bytes(kept[:-10])
    try:
        assert "recomputed from the 2019 raw files" in line(build(project, 2020, dry_run=True))
    finally:
        blob.write_bytes(kept)
    assert "year before: from the 2019 build" in line(build(project, 2020, dry_run=True))


@pytest.mark.build
@pytest.mark.slow
def test_a_build_waits_for_its_year_before_being_built_beside_it(sequential):
    """While a batch holds 2019's lock, 2020's `previous` waits for 2019's figures (here: its record reappearing)
    rather than recomputing; a build whose inputs changed meanwhile records nothing, nor one without the handed-on
    file; a figures step done again with nothing new leaves the record as it is."""
    import fcntl

    from annualreport.base.params import load_params
    from annualreport.runner.graph import STEP_OF, writer_of
    from annualreport.runner.scheduler import Build, Options
    from annualreport.runner.yearbefore import ENTRIES, batch_lock_path, hand_on, handover_inputs, key_of, resolve

    project = sequential[0]
    entry = ENTRIES[0]
    b = Build(load_params(project / "params" / "2020.yaml", project), Options(timeout=60))
    key = key_of(handover_inputs(b, load_params(project / "params" / "2019.yaml", project), entry))
    record = project / "build" / "cache" / "actions" / "2019" / entry.name / f"{key}.json"
    aside = record.with_suffix(".aside")
    record.rename(aside)
    lock = batch_lock_path(project, "2019")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "wb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)

        def year_before_done():
            time.sleep(1.0)
            aside.rename(record)

        t = threading.Thread(target=year_before_done)
        t.start()
        found = resolve(b, entry, wait=True)
        t.join()
    assert found.item is not None and "from the 2019 build (waited" in found.line

    # the figures step done again with nothing new (a no-op build): the record is left as it is
    y2019 = Build(load_params(project / "params" / "2019.yaml", project), Options())
    step = STEP_OF[writer_of(entry.artefact)]
    kept = record.stat()
    hand_on(y2019, step, {entry.name: key})
    assert (record.stat().st_ino, record.stat().st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)
    # no handed-on file (a build that stopped before it): nothing recorded, nothing raised
    handover = y2019.places(entry.artefact)
    handover.rename(handover.with_suffix(".aside"))
    try:
        hand_on(y2019, step, {entry.name: "1" * 64})
    finally:
        handover.with_suffix(".aside").rename(handover)
    assert not (record.parent / f"{'1' * 64}.json").exists()

    # a key that is no longer the inputs' (a raw file edited while the year before was building): nothing recorded
    hand_on(y2019, step, {entry.name: "0" * 64})
    assert not (record.parent / f"{'0' * 64}.json").exists()


def test_a_batch_holds_the_lock_of_each_year_whose_year_after_it_builds(tmp_path):
    from annualreport.runner.batch import awaited, in_order, params_files
    from annualreport.runner.yearbefore import batch_lock_path, locked

    (tmp_path / "params" / "institutions" / "x").mkdir(parents=True)
    for rel in ("params/2021.yaml", "params/2019.yaml", "params/2020.yaml", "params/institutions/x/2020.yaml"):
        year = Path(rel).stem
        (tmp_path / rel).write_text((ROOT / "params" / f"{year}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    files = in_order(params_files(tmp_path))
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "params/2019.yaml",
        "params/2020.yaml",
        "params/institutions/x/2020.yaml",
        "params/2021.yaml",
    ]
    with awaited(tmp_path, files) as release:
        held = {i: locked(batch_lock_path(tmp_path, i)) for i in ("2019", "2020", "2021", "x/2020")}
        assert held == {"2019": True, "2020": True, "2021": False, "x/2020": False}
        release(files[0])
        assert not locked(batch_lock_path(tmp_path, "2019"))
        assert locked(batch_lock_path(tmp_path, "2020"))
    assert not locked(batch_lock_path(tmp_path, "2020"))


def test_the_handover_is_written_as_the_table_it_is_taken_for(tmp_path):
    """The year after copies the handed-on file as its reading stage's output (`previous`): the same kind of file,
    declared alike and written the same way (a ledger for programs: values as they are, no apostrophe), so the
    taken and the recomputed year before are the same bytes."""
    from dataclasses import fields

    import pandas as pd

    from annualreport.base.catalog import ARTEFACTS
    from annualreport.base.places import Places
    from annualreport.runner.yearbefore import ENTRIES, readers_of

    at = Places(tmp_path / "work", tmp_path / "processed")
    frame = pd.DataFrame({"id": ["a", "b", "c"], "display": ["+2（+16.7%）", "-3", "=1+1"], "value": ["2", "-3", ""]})
    for entry in ENTRIES:
        handed = ARTEFACTS[entry.artefact]
        for name in (w for stage in readers_of(entry) for w in stage.writes):
            taken = ARTEFACTS[name]
            same = ("name", "pattern", "what", "published")
            assert {f.name: getattr(handed, f.name) for f in fields(handed) if f.name not in same} == {
                f.name: getattr(taken, f.name) for f in fields(taken) if f.name not in same
            }, name
            assert at(entry.artefact).suffix == at(name).suffix
            assert at.write(entry.artefact, frame).read_bytes() == at.write(name, frame).read_bytes()
