"""The version store: its rules, its names, its atomic writes, verify, and the shipped seed."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from textver.errors import TextverError
from textver.store import JOURNAL, Store

REPO = Path(__file__).resolve().parents[1]
SEED_WORK = "russia-and-the-changing-world"

TEXT_A = "First paragraph of a test text.\n\nA second paragraph, with more words in it.\n"
TEXT_B = "First paragraph of a test text.\n\nA second paragraph, now reworded a little.\n"


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


# --- the rules of add ------------------------------------------------------------------------


def test_add_then_get_round_trips_text_and_provenance(store: Store) -> None:
    meta = {"publication": "The Daily Test", "date": "2001-02-03", "language": "en"}
    assert store.add("essay", "daily", TEXT_A, meta, work_meta={"title": "An Essay"}) == "added"
    v = store.get("essay", "daily")
    assert v.text == TEXT_A
    assert (v.label, v.source) == ("daily", "essay:daily")
    assert v.meta["publication"] == "The Daily Test"
    assert v.meta["date"] == "2001-02-03"
    assert v.meta["sha256"] == hashlib.sha256(TEXT_A.encode()).hexdigest() == v.sha256
    assert v.meta["words"] == "14"
    assert store.work("essay").title == "An Essay"
    assert store.works() == ["essay"]


def test_text_is_stored_byte_exact_in_utf8(store: Store) -> None:
    text = "Crème brûlée — “quoted”\r\nline two\u00a0end"
    store.add("w", "a", text, {})
    ed = store.work("w").edition("a")
    assert (store.root / "w" / ed.file).read_bytes() == text.encode("utf-8")
    assert store.get("w", "a").text == text


def test_identical_text_again_is_a_no_op(store: Store, tree_digest) -> None:
    store.add("w", "a", TEXT_A, {"publication": "P"})
    before = tree_digest(store.root)
    assert store.add("w", "a", TEXT_A, {"publication": "P"}) == "unchanged"
    assert store.add("w", "a", TEXT_A, {"retrieved": "2026-12-01T00:00:00Z"}) == "unchanged"
    assert tree_digest(store.root) == before


def test_identical_text_with_new_metadata_says_to_edit(store: Store, tree_digest) -> None:
    """New metadata with the same text is never dropped in silence (issue 14)."""
    store.add("w", "a", TEXT_A, {"publication": "P"})
    before = tree_digest(store.root)
    with pytest.raises(TextverError, match=r"w:a: .*already stored.*textver edit w:a --date"):
        store.add("w", "a", TEXT_A, {"publication": "P", "date": "1859"})
    assert tree_digest(store.root) == before


def test_different_text_under_a_stored_label_is_refused(store: Store, tree_digest) -> None:
    store.add("w", "a", TEXT_A, {})
    before = tree_digest(store.root)
    with pytest.raises(TextverError, match=r"w:a: a different text is already stored.*--replace"):
        store.add("w", "a", TEXT_B, {})
    assert tree_digest(store.root) == before
    assert store.get("w", "a").text == TEXT_A


def test_replace_swaps_the_text_and_keeps_the_metadata(store: Store) -> None:
    store.add("w", "a", TEXT_A, {"publication": "P", "date": "2000-01-01"})
    old_file = store.work("w").edition("a").file
    assert store.add("w", "a", TEXT_B, {"date": "2000-01-02"}, replace=True) == "replaced"
    v = store.get("w", "a")
    assert v.text == TEXT_B
    assert v.meta["publication"] == "P" and v.meta["date"] == "2000-01-02"
    assert not (store.root / "w" / old_file).exists()
    assert store.verify() == []
    # and back again: the file name alternates, never overwriting the one in use
    assert store.add("w", "a", TEXT_A, {}, replace=True) == "replaced"
    assert store.get("w", "a").text == TEXT_A
    assert sorted(p.name for p in (store.root / "w").glob("*.txt")) == ["a.txt"]
    assert store.verify() == []


def test_known_edition_needs_no_text_and_cannot_be_read(store: Store) -> None:
    meta = {"publication": "Gazette", "date": "2012-02-27", "language": "ru"}
    assert store.add("w", "gazette", None, meta, known=True) == "recorded"
    ed = store.work("w").edition("gazette")
    assert ed.status == "known" and not ed.file and ed.words is None
    assert list((store.root / "w").glob("*.txt")) == []
    with pytest.raises(TextverError, match=r"w:gazette: text not held \(status known\).*add"):
        store.get("w", "gazette")
    assert store.add("w", "gazette", None, meta, known=True) == "unchanged"
    assert store.add("w", "gazette", None, {"notes": "n"}, known=True) == "updated"


def test_adding_text_to_a_known_edition_upgrades_it(store: Store) -> None:
    store.add(
        "w", "g", None, {"publication": "Gazette", "date": "2012-02-27", "notes": "old"}, known=True
    )
    assert store.add("w", "g", TEXT_A, {"notes": "new", "encoding": "utf-8"}) == "added"
    ed = store.work("w").edition("g")
    assert ed.status == "stored"
    assert (ed.publication, ed.date, ed.notes, ed.encoding) == (
        "Gazette",
        "2012-02-27",
        "new",
        "utf-8",
    )
    assert store.get("w", "g").text == TEXT_A
    assert store.verify() == []


def test_stored_edition_cannot_be_downgraded_to_known(store: Store) -> None:
    store.add("w", "a", TEXT_A, {})
    with pytest.raises(TextverError, match="w:a: text is already stored"):
        store.add("w", "a", None, {}, known=True)


def test_ingest_metadata_keys_are_all_recorded(store: Store) -> None:
    meta = {
        "url": "https://example.org/a",
        "retrieved": "2026-01-01T00:00:00Z",
        "encoding": "windows-1252",
        "content_type": "text/html",
        "sha256": "ignored",
    }
    store.add("w", "a", TEXT_A, meta)
    doc = tomllib.loads((store.root / "w" / "manifest.toml").read_text("utf-8"))
    entry = doc["editions"][0]
    assert entry["retrieved"] == "2026-01-01T00:00:00Z"
    assert entry["encoding"] == "windows-1252"
    assert entry["content_type"] == "text/html"
    assert entry["sha256"] == hashlib.sha256(TEXT_A.encode()).hexdigest()
    assert store.get("w", "a").meta["content_type"] == "text/html"


@pytest.mark.parametrize(
    "meta, problem",
    [
        ({"date": "2012-02-30"}, "invalid date '2012-02-30'"),
        ({"date": "27/02/2012"}, "invalid date"),
        ({"date": "2012-2-7"}, "invalid date"),
        ({"language": "english please"}, "invalid language"),
        ({"url": "javascript:alert(1)"}, "invalid url"),
        ({"Bad Key": "x"}, "invalid metadata key"),
    ],
)
def test_bad_metadata_is_refused_before_anything_is_written(
    store: Store, meta: dict, problem: str
) -> None:
    with pytest.raises(TextverError, match=problem):
        store.add("w", "a", TEXT_A, meta)
    assert not store.root.exists()


# --- names -----------------------------------------------------------------------------------

BAD_NAMES = ["", "..", "../x", "a/b", "/abs", "a\\b", "Upper", "a..b", ".hidden", "-dash",
             "sp ace", "x" * 101, "tab\t", "é"]  # fmt: skip


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_work_names_are_refused(tmp_path: Path, name: str) -> None:
    store = Store(tmp_path / "s" / "versions")
    with pytest.raises(TextverError, match="invalid work name"):
        store.add(name, "ok", TEXT_A, {})
    with pytest.raises(TextverError, match="invalid work name"):
        store.work(name)
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_labels_are_refused(tmp_path: Path, name: str) -> None:
    store = Store(tmp_path / "s" / "versions")
    with pytest.raises(TextverError, match=r"invalid label '"):
        store.add("ok", name, TEXT_A, {})
    with pytest.raises(TextverError, match=r"invalid label '"):
        store.add("ok", name, None, {}, known=True)
    assert list(tmp_path.rglob("*")) == []


def test_good_names_are_accepted(store: Store) -> None:
    for label in ["a", "0", "v1.2_final-draft", "x" * 100]:
        store.add("work-1.a_b", label, TEXT_A, {})
    assert len(store.work("work-1.a_b").editions) == 4


def test_unknown_work_and_label_errors_name_the_reference(store: Store) -> None:
    with pytest.raises(TextverError, match=r"versions/nope: no such work"):
        store.work("nope")
    store.add("w", "a", TEXT_A, {})
    store.add("w", "b", None, {}, known=True)
    with pytest.raises(TextverError, match=r"w:z: no edition labelled 'z' \(editions: a, b\)"):
        store.get("w", "z")


def test_from_env_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEXTVER_STORE", raising=False)
    assert Store.from_env(None).root == Path("versions")
    monkeypatch.setenv("TEXTVER_STORE", "/env/store")
    assert Store.from_env(None).root == Path("/env/store")
    assert Store.from_env("opt").root == Path("opt")


# --- atomic writes ---------------------------------------------------------------------------


def test_no_temporary_files_are_left_and_texts_are_read_only(store: Store) -> None:
    store.add("w", "a", TEXT_A, {})
    store.add("w", "b", None, {}, known=True)
    store.add("w", "a", TEXT_B, {}, replace=True)
    assert temp_files(store.root) == []
    for p in (store.root / "w").glob("*.txt"):
        assert p.stat().st_mode & 0o222 == 0


def _failing_replace(monkeypatch: pytest.MonkeyPatch, fail_on_call: int) -> None:
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == fail_on_call:
            raise OSError(28, "No space left on device (simulated)")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("fail_on_call", [1, 2, 3])
def test_failed_write_leaves_the_old_edition_intact(
    store: Store, tree_digest, monkeypatch: pytest.MonkeyPatch, fail_on_call: int
) -> None:
    """Call 1 is the add's journal, 2 the text file, 3 the manifest: any failure leaves the
    store as it was."""
    store.add("w", "a", TEXT_A, {"publication": "P"})
    before = tree_digest(store.root)
    _failing_replace(monkeypatch, fail_on_call)
    with pytest.raises(TextverError, match=r"cannot write to the store: No space left.*simulated"):
        store.add("w", "a", TEXT_B, {"publication": "Q"}, replace=True)
    monkeypatch.undo()
    assert tree_digest(store.root) == before
    assert temp_files(store.root) == []
    assert store.get("w", "a").text == TEXT_A
    assert store.verify() == []


@pytest.mark.parametrize("fail_on_call", [1, 2, 3])
def test_failed_new_add_leaves_no_trace(
    store: Store, tree_digest, monkeypatch: pytest.MonkeyPatch, fail_on_call: int
) -> None:
    store.add("w", "a", TEXT_A, {})
    before = tree_digest(store.root)
    _failing_replace(monkeypatch, fail_on_call)
    with pytest.raises(TextverError, match="simulated"):
        store.add("w", "b", TEXT_B, {})
    monkeypatch.undo()
    assert tree_digest(store.root) == before
    assert [e.label for e in store.work("w").editions] == ["a"]
    assert store.verify() == []


# --- verify ----------------------------------------------------------------------------------


def _two_texts(store: Store) -> Path:
    store.add("w", "a", TEXT_A, {})
    store.add("w", "b", TEXT_B, {})
    store.add("w", "k", None, {}, known=True)
    return store.root / "w"


def test_verify_clean_store(store: Store) -> None:
    _two_texts(store)
    assert store.verify() == []
    assert store.verified_count() == 2


def test_verify_detects_a_tampered_text(store: Store) -> None:
    folder = _two_texts(store)
    path = folder / "b.txt"
    path.chmod(0o644)
    path.write_text(TEXT_B.replace("little", "lot"), encoding="utf-8")
    problems = store.verify()
    assert [(p.path, "has changed" in p.problem) for p in problems] == [(path, True)]
    with pytest.raises(TextverError, match=r"b\.txt: text of w:b has changed"):
        store.get("w", "b")


def test_verify_detects_a_missing_text(store: Store) -> None:
    folder = _two_texts(store)
    (folder / "a.txt").unlink()
    problems = store.verify()
    assert [(p.path, p.problem) for p in problems] == [
        (folder / "a.txt", "missing text file of edition 'a'")
    ]


def test_verify_reports_an_orphan_text_as_incomplete_add(store: Store) -> None:
    folder = _two_texts(store)
    (folder / "c.txt").write_text("written before a crash\n", encoding="utf-8")
    (folder / ".manifest.toml.x1y2.tmp").write_text("partial", encoding="utf-8")
    problems = {p.path.name: p.problem for p in store.verify()}
    assert problems["c.txt"].startswith("incomplete add")
    assert "interrupted write" in problems[".manifest.toml.x1y2.tmp"]
    assert len(problems) == 2
    # the next add in that work clears temporary files of interrupted writes
    store.add("w", "c", "written before a crash\n", {})
    assert store.verify() == []


def test_a_store_that_cannot_be_locked_is_still_read_and_verified(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers fall back to reading without the lock where they cannot take it (a read-only
    copy of a store); writers never do."""
    from filelock import FileLock

    folder = _two_texts(store)
    (folder / "b.txt").chmod(0o644)
    (folder / "b.txt").write_text("changed\n", encoding="utf-8")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(folder / ".manifest.lock"))

    monkeypatch.setattr(FileLock, "acquire", refuse)
    assert store.get("w", "a").text == TEXT_A
    with pytest.raises(TextverError, match=r"b\.txt: text of w:b has changed"):
        store.get("w", "b")  # re-read (unlocked) after the first look found it changed
    assert [p.path.name for p in store.verify()] == ["b.txt"]
    with pytest.raises(TextverError, match="cannot write to the store: Permission denied"):
        store.add("w", "c", TEXT_A, {})


DAMAGED = [
    ("title = 'unterminated\n", "damaged manifest"),
    ("title = 3\n", "title must be a string"),
    ("editions = 'x'\n", "array of tables"),
    ("[[editions]]\nstatus = 'known'\n", "missing label"),
    ("[[editions]]\nlabel = 'a'\nstatus = 'lost'\n", "status must be"),
    ("[[editions]]\nlabel = 'a'\nstatus = 'stored'\nfile = 'a.txt'\n", "needs file and sha256"),
    (
        "[[editions]]\nlabel = 'a'\nstatus = 'known'\n" * 2,
        "appears twice",
    ),
    (
        "[[editions]]\nlabel = 'a'\nfile = '../../etc/passwd'\nsha256 = '" + "0" * 64 + "'\n",
        "invalid file name",
    ),
    ("[[editions]]\nlabel = 'a'\nstatus = 'known'\ndate = 'Feb 2012'\n", "invalid date"),
    ("[[editions]]\nlabel = 'a'\nstatus = 'known'\nwords = 'many'\n", "words must be"),
    (b"title = '\xff'\n", "damaged manifest"),
]


@pytest.mark.parametrize("content, problem", DAMAGED)
def test_damaged_manifest_is_reported_and_never_overwritten(
    store: Store, content: str | bytes, problem: str
) -> None:
    store.add("w", "k", None, {}, known=True)
    manifest = store.root / "w" / "manifest.toml"
    manifest.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = manifest.read_bytes()
    for action in (
        lambda: store.work("w"),
        lambda: store.get("w", "a"),
        lambda: store.add("w", "new", TEXT_A, {}),
        lambda: store.add("w", "k2", None, {}, known=True),
    ):
        with pytest.raises(TextverError) as err:
            action()
        assert str(err.value).startswith(f"{manifest}: ")
        assert problem in str(err.value)
    assert manifest.read_bytes() == before
    assert list((store.root / "w").glob("*.txt")) == []
    problems = store.verify()
    assert len(problems) == 1 and problems[0].path == manifest
    assert problem in problems[0].problem


def test_hand_edited_manifest_metadata_is_kept(store: Store) -> None:
    store.add("w", "a", TEXT_A, {})
    manifest = store.root / "w" / "manifest.toml"
    manifest.write_text(
        manifest.read_text("utf-8").replace(
            'status = "stored"', 'status = "stored"\npublication = "Edited by hand"'
        ),
        encoding="utf-8",
    )
    store.add("w", "b", TEXT_B, {})
    assert store.work("w").edition("a").publication == "Edited by hand"
    assert store.verify() == []


# --- the shipped seed store ------------------------------------------------------------------


def test_shipped_store_verifies_and_holds_the_seed_editions() -> None:
    shipped = Store(REPO / "versions")
    assert shipped.verify() == []
    work = shipped.work(SEED_WORK)
    assert (work.title, work.author, work.language) == (
        "Russia and the Changing World",
        "Vladimir Putin",
        "ru",
    )
    status = {e.label: e.status for e in work.editions}
    assert status == {
        "foreign-policy-blogs": "stored",
        "prime-minister-website": "known",
        "moskovskiye-novosti": "known",
        "the-moscow-news": "known",
        "russkiy-mir": "known",
        "worldmeets-us": "known",
    }
    text = shipped.get(SEED_WORK, "foreign-policy-blogs").text
    assert text.startswith("Russia is part of the greater world.")
    assert text.rstrip().endswith("mutually respectful partnership.")
    assert "Foreign Policy Blogs" not in text and "guest post" not in text
    fpb = work.edition("foreign-policy-blogs")
    assert fpb.date == "" and fpb.language == "en"
    assert "guest post by Russian Federation Prime Minister Vladimir Putin" in fpb.notes
    assert work.edition("moskovskiye-novosti").date == "2012-02-27"
    # The two full English translations are recorded with where they were published, no text.
    rm, wm = work.edition("russkiy-mir"), work.edition("worldmeets-us")
    assert rm.url == "https://russkiymir.ru/en/publications/139698/" and rm.date == "2012-02-27"
    assert wm.url == "https://worldmeets.us/Moskovskiye.Novosti000001.shtml"
    assert wm.translator == "Igor Medvedev"
    assert {e.label for e in work.editions if e.url} == {"russkiy-mir", "worldmeets-us"}
    assert sorted(
        p.name for p in (REPO / "versions" / SEED_WORK).iterdir() if not p.name.startswith(".")
    ) == ["foreign-policy-blogs.txt", "manifest.toml"]


def test_shipped_text_is_the_seed_essay_body_verbatim() -> None:
    shared = Path(os.environ.get("TEXTVER_SHARED") or REPO.parent / "shared")
    seed = shared / "seeds" / "000_3a30943cf18cda19.txt"
    if not seed.is_file():
        pytest.skip(f"seed text not found at {seed} (set TEXTVER_SHARED)")
    source = seed.read_text(encoding="utf-8")
    text = Store(REPO / "versions").get(SEED_WORK, "foreign-policy-blogs").text
    body = text.removesuffix("\n")
    assert body in source
    start = source.index(body)
    assert source[:start].rstrip().endswith("Government of the Russian Federation")
    assert source[start + len(body) :].strip().startswith("Vladimir Putin is prime minister")


# --- several processes -----------------------------------------------------------------------


def test_twelve_concurrent_adds_lose_nothing(tmp_path: Path, textver_cmd) -> None:
    root = tmp_path / "versions"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = []
    for i in range(12):
        args = ["--store", str(root), "add", "busy", "--label", f"ed-{i:02d}"]
        args += ["--publication", f"Publication {i}"]
        if i % 3 == 2:
            args.append("--known")
        else:
            src = tmp_path / f"src-{i}.txt"
            src.write_text(
                f"Edition number {i}.\n\n" + "words " * (i * 50) + "\n", encoding="utf-8"
            )
            args.insert(4, str(src))
        cmd = [sys.executable, "-m", "textver", *args]
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        procs.append(subprocess.Popen(cmd, env=env, text=True, **pipes))
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 12, outs
    store = Store(root)
    eds = {e.label: e for e in store.work("busy").editions}
    assert sorted(eds) == [f"ed-{i:02d}" for i in range(12)]
    assert all(eds[f"ed-{i:02d}"].publication == f"Publication {i}" for i in range(12))
    assert sum(e.stored for e in eds.values()) == 8
    assert store.verify() == []
    assert store.get("busy", "ed-04").text.startswith("Edition number 4.")
    listing = textver_cmd("--store", root, "list", "busy")
    assert listing.returncode == 0 and all(f"ed-{i:02d}" in listing.stdout for i in range(12))


def test_killed_add_leaves_a_consistent_store(tmp_path: Path) -> None:
    """SIGKILL ``textver add`` of a large text at random moments and right inside its writes.

    Afterwards the manifest parses, the other editions are intact, verify names nothing but the
    interrupted add, and running the same add again completes it.
    """
    root = tmp_path / "versions"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    big = tmp_path / "big.txt"
    big.write_text(
        "A line of a long text that takes a while to store.\n\n" * 20_000, encoding="utf-8"
    )
    store = Store(root)
    store.add("w", "small", TEXT_A, {})
    folder = root / "w"

    def add(label: str) -> subprocess.Popen:
        cmd = [sys.executable, "-m", "textver", "--store", str(root), "add", "w", str(big)]
        cmd += ["--label", label]
        return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    start = time.monotonic()
    full = add("timing")
    assert full.wait(timeout=300) == 0, full.stderr.read()
    duration = time.monotonic() - start
    rng = random.Random(20120227)
    modes = ["random", "in-temp-write", "after-text-write"] * 2
    for attempt, mode in enumerate(modes):
        label = f"killed-{attempt}"
        proc = add(label)
        if mode == "random":
            time.sleep(rng.uniform(0.2, 1.05) * duration)
        else:  # kill as soon as the text's temporary file, or the text file, appears
            pattern = f".{label}.txt.*.tmp" if mode == "in-temp-write" else f"{label}.txt"
            while proc.poll() is None and not any(folder.glob(pattern)):
                pass
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        work = store.work("w")  # the manifest parses
        assert {"small", "timing"} <= {e.label for e in work.editions}
        leftovers = (label, f".{label}.", ".manifest.toml.", JOURNAL)
        for problem in store.verify():
            assert problem.path.name.startswith(leftovers), problem
            assert "interrupted" in problem.problem, problem
        assert store.get("w", "small").text == TEXT_A
        if attempt % 2:  # the repair removes exactly what verify blamed on the kill
            blamed = {p.path for p in store.verify()}
            assert {r.path for r in store.repair()} == blamed
            assert store.verify() == []
        again = add(label)
        assert again.wait(timeout=300) == 0, again.stderr.read()
        assert store.verify() == []
    assert len(store.work("w").editions) == 2 + len(modes)
