"""A new year made by `make new-year` goes out with nothing nobody has reread: the scaffold records what it copied,
a build of the copied narrative counts the carried paragraphs and the phrases outside the year in one line, and
the count falls to zero when the analyst rewrites or accepts them."""

from __future__ import annotations

import hashlib

import yaml

from annualreport.base.params import load_params
from annualreport.runner.newyear import scaffold
from tests.helpers import copy_project


def test_new_year_records_what_it_copied_and_leaves_the_year_befores_review(tmp_path):
    project = copy_project(tmp_path, years=(2021,))
    before = project / "params" / "narrative" / "2021"
    (before / "stated.yaml").write_text("stated: []\n", encoding="utf-8")
    (before / "copied.yaml").write_text("from_year: 2020\n", encoding="utf-8")  # 2021's own record
    assert (before / "reviewed.yaml").is_file()
    written = scaffold(2022, root=project)
    folder = project / "params" / "narrative" / "2022"
    record = folder / "copied.yaml"
    assert record in written
    for name in ("stated.yaml", "reviewed.yaml"):  # that year's facts and that year's review stay that year's
        assert not (folder / name).exists()
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert data["from_year"] == 2021 and data["from"] == "params/narrative/2021"
    copied = sorted(p.name for p in folder.iterdir() if p.name != "copied.yaml")
    assert sorted(data["files"]) == copied and "review.md" in copied and "sections.yaml" in copied
    for name, digest in data["files"].items():
        assert digest == hashlib.sha256((before / name).read_bytes()).hexdigest()
    text = record.read_text(encoding="utf-8")
    assert text.startswith("# make new-year copied this folder from params/narrative/2021/")
    assert "outputs/2022/reread.csv" in text
    assert load_params(project / "params" / "2022.yaml", project).narrative_dir == folder
