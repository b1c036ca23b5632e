"""The build cache checks a blob against its name before it restores it (runner/cache.py)."""

from __future__ import annotations

import pytest

from annualreport.base.digests import file_digest
from annualreport.runner.cache import Store


@pytest.fixture
def store(tmp_path):
    out = tmp_path / "build" / "2020" / "ledger.csv"
    out.parent.mkdir(parents=True)
    out.write_bytes(b"id,value\nfigure,42\n" * 100)
    s = Store(tmp_path)
    rec = s.save("2020", "figures", "k1", {"a": "1"}, [out])
    return s, rec, out


def test_a_sound_entry_is_restored(store):
    s, rec, out = store
    data = out.read_bytes()
    out.unlink()
    found = s.lookup("2020", "figures", "k1")
    assert found == rec
    s.restore(found)
    assert out.read_bytes() == data


@pytest.mark.parametrize("damage", ["truncated", "flipped", "record"])
def test_a_damaged_entry_is_removed_and_the_stage_told_why(store, damage):
    s, rec, out = store
    (digest,) = rec.outputs.values()
    blob = s._blob(digest)
    data = blob.read_bytes()
    if damage == "truncated":
        blob.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        blob.write_bytes(bytes([data[0] ^ 1]) + data[1:])
    else:
        s._record_path("2020", "figures", "k1").write_text("{not json", encoding="utf-8")
    out.unlink()
    assert s.lookup("2020", "figures", "k1") is None
    assert "rerun" in s.damaged[("2020", "figures")]
    assert not s._record_path("2020", "figures", "k1").exists()
    if damage != "record":
        assert "ledger.csv is damaged" in s.damaged[("2020", "figures")] and not blob.exists()


def test_an_output_already_in_place_needs_no_blob_check(store):
    s, rec, out = store
    (digest,) = rec.outputs.values()
    s._blob(digest).write_bytes(b"damaged")  # never read: the file in place has the recorded content
    assert file_digest(out) == digest
    assert s.lookup("2020", "figures", "k1") == rec


def test_the_digest_memo_spares_reading_unchanged_files_between_builds(tmp_path, monkeypatch):
    """A build where nothing changed stats its inputs instead of reading them: digests are kept in
    build/<id>/digests.json by path, size, mtime and inode; a changed file is read again; a file written
    less than two seconds before it was hashed is not remembered; cache blobs never use the memo."""
    import os
    import time

    from annualreport.base import digests

    old, fresh = tmp_path / "old.csv", tmp_path / "fresh.csv"
    old.write_text("a,b\n1,2\n")
    fresh.write_text("x\n")
    two_minutes_ago = time.time_ns() - 120 * 10**9
    os.utime(old, ns=(two_minutes_ago, two_minutes_ago))
    memo = tmp_path / "build" / "2020" / "digests.json"
    digests.MEMO.load(memo)
    first = file_digest(old), file_digest(fresh)
    digests.MEMO.save()
    assert memo.is_file()
    reads = []
    real = digests._file_digest.__wrapped__
    monkeypatch.setattr(digests, "_file_digest", lambda path, *a: reads.append(path) or real(path, *a))
    digests.MEMO.load(memo)  # the next build
    assert (file_digest(old), file_digest(fresh)) == first
    assert reads == [str(fresh)]  # the old file came from the memo; the racy one was read
    old.write_text("a,b\n1,3\n")  # changed: read again, new digest
    assert file_digest(old) != first[0] and reads[-1] == str(old)
    digests.MEMO.save()


def test_values_derived_from_a_file_are_kept_with_the_memo_while_the_file_is_read(tmp_path):
    """`remember`ed values (a file's header rows, by its digest) are in the next build's memo; one the next build
    does not ask for is dropped when it saves, so the memo does not grow with every file content ever seen."""
    from annualreport.base.digests import DigestMemo

    memo, path = DigestMemo(), tmp_path / "digests.json"
    memo.load(path)
    memo.remember("heads/code/.csv/aaa", {"sheets": [[None, [["学号", "姓名"]]]], "hidden": []})
    memo.remember("heads/code/.csv/bbb", {"sheets": [], "hidden": []})
    memo.save()
    after = DigestMemo()
    after.load(path)
    assert after.recall("heads/code/.csv/aaa") == {"sheets": [[None, [["学号", "姓名"]]]], "hidden": []}
    assert after.recall("heads/code/.csv/ccc") is None
    after.save()  # bbb was not asked for
    last = DigestMemo()
    last.load(path)
    assert set(last.derived) == {"heads/code/.csv/aaa"}


def test_a_memo_from_before_derived_values_loads(tmp_path):
    from annualreport.base.digests import DigestMemo

    path = tmp_path / "digests.json"
    path.write_text('{"files": {}, "imports": {}}', encoding="utf-8")
    memo = DigestMemo()
    memo.load(path)
    assert memo.recall("heads/x") is None and memo.entries == {}
