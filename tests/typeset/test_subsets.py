"""Font subsets are kept between builds (typeset/subsets.py): read back for the same face and characters."""

from __future__ import annotations

from annualreport.typeset import subsets


def test_a_subset_is_made_once_for_a_face_and_its_characters(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNUALREPORT_CACHE", str(tmp_path / "cache"))
    face = tmp_path / "face.ttf"
    face.write_bytes(b"a face")
    made = []

    def make(text):
        return lambda: made.append(text) or text

    assert subsets.cached(face, "年度", "4.0", make("AAA")) == "AAA"
    assert subsets.cached(face, "年度", "4.0", make("BBB")) == "AAA"  # read back
    assert subsets.cached(face, "年度工作", "4.0", make("CCC")) == "CCC"  # other characters
    assert subsets.cached(face, "年度", "4.1", make("DDD")) == "DDD"  # another fontTools
    face.write_bytes(b"another face")
    assert subsets.cached(face, "年度", "4.0", make("EEE")) == "EEE"  # the face was made again
    assert made == ["AAA", "CCC", "DDD", "EEE"]


def test_only_the_newest_subsets_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNUALREPORT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(subsets, "KEEP", 3)
    face = tmp_path / "face.ttf"
    face.write_bytes(b"a face")
    for n in range(5):
        subsets.cached(face, str(n), "4.0", lambda n=n: f"subset {n}")
    assert len(list(subsets.folder().glob("*.b64"))) == 3
    assert subsets.cached(face, "4", "4.0", lambda: "made again") == "subset 4"


def test_a_cache_that_cannot_be_written_only_costs_the_cut(tmp_path, monkeypatch):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("ANNUALREPORT_CACHE", str(blocker))
    face = tmp_path / "face.ttf"
    face.write_bytes(b"a face")
    assert subsets.cached(face, "天", "4.0", lambda: "cut") == "cut"


def test_the_kept_subset_is_the_same_bytes_as_a_new_cut(tmp_path, monkeypatch):
    from annualreport.typeset import fonts

    face = fonts.ensure_fonts()["Regular"]  # the machine's prepared face, in its own cache
    monkeypatch.setenv("ANNUALREPORT_CACHE", str(tmp_path / "subsets-only"))  # the subsets in another
    first = fonts.subset_base64(face, "年度工作报告数据台账")
    assert list(subsets.folder().glob("*.b64"))
    again = fonts.subset_base64(face, "年度工作报告数据台账")
    assert again == first
    for kept in subsets.folder().glob("*.b64"):
        kept.unlink()
    assert fonts.subset_base64(face, "年度工作报告数据台账") == first
