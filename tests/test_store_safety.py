"""Store safety through the CLI: no edition's file is ever written over, verify neither misses
damage nor invents it, ``verify --repair`` removes only provable leftovers, and a damaged or
odd store gives one-line errors (exit 2), never an internal error."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from textver.cli import cli
from textver.store import Store

JOURNAL = ".add-in-progress"  # textver.store.JOURNAL, spelled out so this file runs on old code
T1 = "The first text of the work. It has two sentences.\n"
T2 = "The second text of the work, which replaced the first.\n"
T3 = "A third text, stored under a label that looks like a file name.\n"


@pytest.fixture
def tv():
    """The textver command run in this process (as ``textver_cmd`` does in a child, faster)."""

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        r = CliRunner().invoke(cli, list(map(str, args)))
        return subprocess.CompletedProcess(args, r.exit_code, r.stdout, r.stderr)

    return run


@pytest.fixture
def texts(tmp_path: Path) -> list[Path]:
    paths = []
    for i, text in enumerate((T1, T2, T3), 1):
        path = tmp_path / f"t{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def manifest_of(root: Path, work: str) -> dict:
    return tomllib.loads((root / work / "manifest.toml").read_text("utf-8"))


def file_of(root: Path, work: str, label: str) -> str:
    eds = manifest_of(root, work)["editions"]
    return next(e["file"] for e in eds if e["label"] == label)


def one_line_error(r: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("textver: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    for needle in needles:
        assert needle in r.stderr, r.stderr


# --- 1. a new label never writes over another edition's file -----------------------------------


def test_a_label_shaped_like_a_replaced_file_does_not_overwrite_it(
    tmp_path: Path, texts: list[Path], tv
) -> None:
    root = tmp_path / "versions"
    t1, t2, t3 = texts
    assert tv("--store", root, "add", "c", t1, "--label", "a").returncode == 0
    r = tv("--store", root, "add", "c", t2, "--label", "a", "--replace")
    assert r.returncode == 0, r.stderr
    stored_as = file_of(root, "c", "a")
    assert stored_as == f"a.{hashlib.sha256(T2.encode()).hexdigest()[:12]}.txt"
    twin = stored_as.removesuffix(".txt")  # the label whose plain file name is a's file
    r = tv("--store", root, "add", "c", t3, "--label", twin)
    assert r.returncode == 0 and r.stdout.startswith(f"added: c:{twin} "), r.stderr
    assert file_of(root, "c", twin) != stored_as
    assert tv("--store", root, "show", "--text", "c:a").stdout == T2
    assert tv("--store", root, "show", "--text", f"c:{twin}").stdout == T3
    r = tv("--store", root, "verify")
    assert (r.returncode, r.stdout) == (0, "ok: 2 texts verified\n")


def test_a_replace_never_lands_on_a_file_of_another_label(
    tmp_path: Path, texts: list[Path], tv
) -> None:
    """The other order: the dotted label first, then a replace whose new name would be its."""
    root = tmp_path / "versions"
    t1, t2, t3 = texts
    twin = f"b.{hashlib.sha256(T2.encode()).hexdigest()[:12]}"
    assert tv("--store", root, "add", "c", t3, "--label", twin).returncode == 0
    assert tv("--store", root, "add", "c", t1, "--label", "b").returncode == 0
    r = tv("--store", root, "add", "c", t2, "--label", "b", "--replace")
    assert r.returncode == 0 and r.stdout.startswith("replaced: c:b "), r.stderr
    assert len({file_of(root, "c", twin), file_of(root, "c", "b")}) == 2
    assert tv("--store", root, "show", "--text", f"c:{twin}").stdout == T3
    assert tv("--store", root, "show", "--text", "c:b").stdout == T2
    assert tv("--store", root, "verify").returncode == 0


def test_editions_sharing_a_file_are_reported_and_never_written_through(store: Store) -> None:
    """A store damaged by the old naming (two editions, one file) is named by verify, and
    adding back one edition's text neither overwrites nor removes the other's file."""
    store.add("w", "a", T1, {})
    store.add("w", "b", T2, {})
    manifest = store.root / "w" / "manifest.toml"
    manifest.write_text(
        manifest.read_text("utf-8").replace('file = "b.txt"', 'file = "a.txt"'), "utf-8"
    )
    (store.root / "w" / "b.txt").unlink()
    problems = [str(p) for p in store.verify()]
    assert any("one file for several editions ('a', 'b')" in p for p in problems), problems
    assert store.add("w", "b", T2, {}) == "restored"
    assert (store.root / "w" / "a.txt").read_text("utf-8") == T1
    assert store.get("w", "a").text == T1 and store.get("w", "b").text == T2
    assert store.verify() == []


def test_an_add_never_writes_over_a_file_it_did_not_write(store: Store, tv) -> None:
    """A file no edition lists (put there by hand, or left by an older textver) is kept."""
    store.add("w", "other", T1, {})
    stray = store.root / "w" / "a.txt"
    stray.write_text("notes kept here by hand\n", encoding="utf-8")
    assert store.add("w", "a", T2, {}) == "added"
    assert stray.read_text("utf-8") == "notes kept here by hand\n"
    assert store.work("w").edition("a").file != "a.txt"
    assert store.get("w", "a").text == T2
    r = tv("--store", store.root, "verify", "--repair")
    assert r.returncode == 1 and stray.is_file()
    assert f"{stray}: incomplete add or stray file" in r.stdout


# --- 2. verify: no false OK on a missing store or manifest -------------------------------------


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_verify_of_a_store_that_is_not_there_fails(tmp_path: Path, textver_cmd, kind: str) -> None:
    root = tmp_path / "typo"
    if kind == "file":
        root.write_text("not a store\n", encoding="utf-8")
    r = textver_cmd("--store", root, "verify")
    one_line_error(r, str(root), "no such store folder" if kind == "missing" else "not a folder")
    assert r.stdout == ""
    one_line_error(textver_cmd("--store", root, "verify", "--repair"), str(root))


@pytest.mark.parametrize("how", ["deleted", "emptied", "header only"])
def test_a_lost_manifest_is_a_problem_and_add_will_not_start_a_new_one(
    tmp_path: Path, texts: list[Path], tv, tree_digest, how: str
) -> None:
    root = tmp_path / "versions"
    t1, t2, t3 = texts
    assert tv("--store", root, "add", "c", t1, "--label", "a").returncode == 0
    assert tv("--store", root, "add", "c", t2, "--label", "b").returncode == 0
    manifest = root / "c" / "manifest.toml"
    if how == "deleted":
        manifest.unlink()
    else:
        manifest.write_text("" if how == "emptied" else "# textver manifest\n", "utf-8")
    r = tv("--store", root, "verify")
    assert r.returncode == 1
    what = "missing" if how == "deleted" else "lists no editions"
    assert f"{manifest}: {what}, but the folder holds 2 text files" in r.stdout
    before = tree_digest(root)
    r = tv("--store", root, "add", "c", t3, "--label", "new")
    one_line_error(r, str(manifest), "holds 2 text files", "restore the manifest")
    r = tv("--store", root, "verify", "--repair")
    assert r.returncode == 1 and "repaired: nothing to repair" in r.stdout
    assert tree_digest(root) == before


# --- 2. verify --repair: what a killed add leaves, and only that --------------------------------

# Runs the CLI in a child that dies (as under SIGKILL: no cleanup) at a chosen point of an add.
_DIE_AT = r"""
import os, sys
from pathlib import Path
import textver.store as store
point, target = sys.argv[1], sys.argv[2]
if point == "unlink":  # just before the named file is removed
    real_unlink = Path.unlink
    def unlink(self, *args, **kwargs):
        if self.name == target:
            os._exit(137)
        return real_unlink(self, *args, **kwargs)
    Path.unlink = unlink
else:  # just after the named file has been written
    real_write = store.write_atomic
    def write_atomic(path, data, mode=0o644):
        real_write(path, data, mode)
        if Path(path).name == target:
            os._exit(137)
    store.write_atomic = write_atomic
from textver.cli import main
main(sys.argv[3:])
"""


def die_during(point: str, target: str, *args: str | Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("TEXTVER_STORE", None)
    cmd = [sys.executable, "-c", _DIE_AT, point, target, *map(str, args)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 137, r.stderr


def test_repair_removes_the_text_a_kill_left_between_rename_and_unlink(
    tmp_path: Path, texts: list[Path], textver_cmd
) -> None:
    root = tmp_path / "versions"
    t1, t2, _ = texts
    folder = root / "c"
    assert textver_cmd("--store", root, "add", "c", t1, "--label", "a").returncode == 0
    die_during("unlink", "a.txt", "--store", root, "add", "c", t2, "--label", "a", "--replace")
    (folder / "mine.txt").write_text("put here by hand\n", encoding="utf-8")
    r = textver_cmd("--store", root, "verify")
    assert r.returncode == 1
    assert f"{folder / 'a.txt'}: leftover of an interrupted add of 'a' (the text it rep" in r.stdout
    assert f"{folder / 'mine.txt'}: incomplete add or stray file" in r.stdout
    r = textver_cmd("--store", root, "verify", "--repair")
    assert r.returncode == 1  # mine.txt is not provably a leftover: still reported, kept
    assert f"repaired: {folder / 'a.txt'}: removed leftover" in r.stdout
    assert f"repaired: {folder / JOURNAL}: removed record of an interrupted add" in r.stdout
    assert r.stdout.splitlines()[-1].startswith("1 problem in ")
    assert (folder / "mine.txt").read_text("utf-8") == "put here by hand\n"
    assert not (folder / "a.txt").exists()
    assert textver_cmd("--store", root, "show", "--text", "c:a").stdout == T2
    (folder / "mine.txt").unlink()
    r = textver_cmd("--store", root, "verify", "--repair")
    assert (r.returncode, r.stdout) == (0, "repaired: nothing to repair\nok: 1 text verified\n")


def test_a_killed_first_add_is_repaired_and_does_not_block_the_next_add(
    tmp_path: Path, texts: list[Path], textver_cmd
) -> None:
    """Killed after its text was written but before any manifest: a provable leftover, not
    a store whose manifest was lost."""
    root = tmp_path / "versions"
    t1, t2, _ = texts
    die_during("after-write", "a.txt", "--store", root, "add", "c", t1, "--label", "a")
    assert (root / "c" / "a.txt").is_file() and not (root / "c" / "manifest.toml").exists()
    r = textver_cmd("--store", root, "verify")
    assert r.returncode == 1 and "manifest.toml" not in r.stdout
    assert "a.txt: leftover of an interrupted add of 'a' (never in the manifest)" in r.stdout
    r = textver_cmd("--store", root, "add", "c", t2, "--label", "b")
    assert r.returncode == 0, r.stderr
    assert not (root / "c" / "a.txt").exists()
    r = textver_cmd("--store", root, "verify")
    assert (r.returncode, r.stdout) == (0, "ok: 1 text verified\n")


# --- 2. verify checks words, UTF-8 and stray entries --------------------------------------------


def test_verify_checks_the_word_count(store: Store, tv) -> None:
    store.add("w", "a", T1, {})
    manifest = store.root / "w" / "manifest.toml"
    manifest.write_text(
        manifest.read_text("utf-8").replace("words = 10", "words = 11"), encoding="utf-8"
    )
    r = tv("--store", store.root, "verify")
    assert r.returncode == 1
    assert "a.txt: text of edition 'a' has 10 words; the manifest says 11" in r.stdout


def test_invalid_utf8_is_a_verify_problem_and_a_one_line_error(store: Store, tv) -> None:
    """Bytes that are not UTF-8 whose hash was written into the manifest by hand."""
    store.add("w", "a", T1, {})
    text = store.root / "w" / "a.txt"
    bad = b"caf\xe9 au lait\n"
    text.chmod(0o644)
    text.write_bytes(bad)
    manifest = store.root / "w" / "manifest.toml"
    doc = manifest.read_text("utf-8")
    old_sha = hashlib.sha256(T1.encode()).hexdigest()
    manifest.write_text(doc.replace(old_sha, hashlib.sha256(bad).hexdigest()), "utf-8")
    r = tv("--store", store.root, "verify")
    assert r.returncode == 1 and f"{text}: text of edition 'a' is not valid UTF-8" in r.stdout
    one_line_error(tv("--store", store.root, "show", "--text", "w:a"), str(text), "UTF-8")


def test_a_text_replaced_by_a_folder_is_a_one_line_error(store: Store, tv) -> None:
    store.add("w", "a", T1, {})
    store.add("w", "b", T2, {})
    text = store.root / "w" / "a.txt"
    text.unlink()
    text.mkdir()
    for args in (("show", "--text", "w:a"), ("compare", "w:a", "w:b", "--format", "json")):
        one_line_error(tv("--store", store.root, *args), str(text), "is a folder")
    r = tv("--store", store.root, "verify")
    assert r.returncode == 1
    assert f"{text}: a folder where the text file of edition 'a' should be" in r.stdout


def test_verify_names_stray_folders_and_files(store: Store, tv) -> None:
    store.add("w", "a", T1, {})
    (store.root / "w" / "sub").mkdir()
    (store.root / "w" / ".hidden").write_text("x", encoding="utf-8")
    r = tv("--store", store.root, "verify")
    assert r.returncode == 1
    assert f"{store.root / 'w' / 'sub'}: stray folder: not listed in the manifest" in r.stdout
    assert f"{store.root / 'w' / '.hidden'}: incomplete add or stray file" in r.stdout
    assert r.stdout.splitlines()[-1].startswith("2 problems in ")


# --- 2. readers re-read under the lock ----------------------------------------------------------


def test_a_read_racing_a_replace_gets_the_new_text(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that read the manifest just before a --replace retired the old file: it must
    not report "missing", but read again under the lock."""
    store.add("w", "a", T1, {})
    before_replace = store.work("w")
    store.add("w", "a", T2, {}, replace=True)
    real_work = Store.work
    calls = []

    def stale_once(self: Store, name: str):
        calls.append(name)
        return before_replace if len(calls) == 1 else real_work(self, name)

    monkeypatch.setattr(Store, "work", stale_once)
    assert store.get("w", "a").text == T2
    assert len(calls) == 2


# --- 3. one damaged manifest does not hide the other works --------------------------------------


def test_list_names_a_damaged_work_and_lists_the_others(
    tmp_path: Path, texts: list[Path], textver_cmd
) -> None:
    root = tmp_path / "versions"
    for work in ("alpha", "beta", "gamma"):
        assert textver_cmd("--store", root, "add", work, texts[0], "--label", "a").returncode == 0
    (root / "beta" / "manifest.toml").write_text("title = 'unterminated\n", encoding="utf-8")
    r = textver_cmd("--store", root, "list")
    assert r.returncode == 2
    assert [line.split()[0] for line in r.stdout.splitlines()] == ["alpha", "gamma"]
    one_line_error(r, str(root / "beta" / "manifest.toml"), "damaged manifest")
