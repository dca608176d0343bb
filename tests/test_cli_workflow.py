"""The reviewing workflow of issue 14 through the CLI: naming sides, piped input, exit codes,
formats from -o, partial dates, log, edit and rm, completion, and the library underneath."""

from __future__ import annotations

import gc
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner, Result

import textver
from textver import ingest
from textver.cli import cli, main
from textver.store import Store

OLD = "The orchard was planted in spring.\n\nTwelve apple trees stood in two rows.\n"
NEW = "The orchard was planted in spring.\n\nTwelve pear trees stood in two rows.\n"


def run(root: Path, *args: str | Path, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--store", str(root), *map(str, args)], input=input)


def one_line_error(r: Result, *words: str) -> None:
    assert r.exit_code == 2, r.output
    assert r.output.startswith("textver: error: ") and r.output.count("\n") == 1, r.output
    for w in words:
        assert w in r.output, r.output


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two same-named files in different folders (the same text in a third)."""
    paths = []
    for folder, text in (("old", OLD), ("new", NEW), ("copy", OLD)):
        (tmp_path / folder).mkdir()
        p = tmp_path / folder / "article.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths[0], paths[1]


def labels_of(out: str) -> list[str]:
    doc = json.loads(out)
    if doc["format"] == "textver.collation":
        return [e["label"] for e in doc["editions"]]
    return [doc["left"]["label"], doc["right"]["label"]]


# --- labels ---------------------------------------------------------------------------------


def test_same_named_files_get_labels_from_the_differing_folders(store: Store, pair) -> None:
    old, new = pair
    r = run(store.root, "compare", old, new, "--format", "json")
    assert r.exit_code == 0, r.output
    assert labels_of(r.output) == ["old/article", "new/article"]
    third = old.parent.parent / "copy" / "article.txt"
    r = run(store.root, "compare", old, new, third, "--base", "old/article", "--format", "json")
    assert r.exit_code == 0, r.output
    assert labels_of(r.output) == ["old/article", "new/article", "copy/article"]


def test_labels_name_the_sides(store: Store, pair) -> None:
    old, new = pair
    out = old.parent.parent / "out.html"
    r = run(store.root, "compare", old, new, "--label", "before", "--label", "after", "-o", out)
    assert r.exit_code == 0, r.output
    assert "<bdi>before</bdi>" in out.read_text() and "<bdi>after</bdi>" in out.read_text()
    r = run(store.root, "compare", old, new, "--labels", "v1,v2", "--format", "json")
    assert labels_of(r.output) == ["v1", "v2"]
    one_line_error(run(store.root, "compare", old, new, "--labels", "v1"), "--label", "2 versions")
    one_line_error(run(store.root, "compare", old, new, "--labels", "v,v"), "distinct")


# --- standard input and pipes ---------------------------------------------------------------


def test_dash_reads_standard_input(store: Store, pair) -> None:
    _, new = pair
    r = run(store.root, "compare", "-", new, "--format", "json", input=OLD)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["left"]["text"] == OLD and doc["left"]["label"] == "stdin"
    one_line_error(run(store.root, "compare", "-", "-", input=OLD), "only once")
    assert run(store.root, "add", "orchard", "-", "-l", "piped", input=OLD).exit_code == 0
    assert store.get("orchard", "piped").text == OLD


def test_standard_input_is_size_limited(store: Store, pair, monkeypatch) -> None:
    monkeypatch.setattr(ingest, "MAX_INPUT_BYTES", 20)
    r = run(store.root, "compare", "-", pair[1], input=OLD)
    one_line_error(r, "-: too large", "20 bytes")


def test_a_pipe_is_read_like_a_file(store: Store, pair, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as f:  # blocks until the comparison opens it
            f.write(OLD.encode())

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    r = run(store.root, "compare", fifo, pair[1], "--format", "json")
    writer.join(timeout=30)
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["left"]["text"] == OLD


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for <(...)")
def test_process_substitution_as_with_git_show(pair, tmp_path: Path) -> None:
    old, new = pair
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    line = f"{shlex.quote(sys.executable)} -m textver compare <(cat {old}) {new} --format json"
    r = subprocess.run(
        ["bash", "-c", line], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["left"]["text"] == OLD


# --- exit status ----------------------------------------------------------------------------


def test_exit_code_says_whether_the_versions_differ(store: Store, pair, tmp_path: Path) -> None:
    old, new = pair
    copy = tmp_path / "copy" / "article.txt"
    assert run(store.root, "compare", old, copy, "--exit-code", "--format", "text").exit_code == 0
    assert run(store.root, "compare", old, new, "--exit-code", "--format", "text").exit_code == 1
    assert run(store.root, "compare", old, new, "--format", "text").exit_code == 0
    r = run(store.root, "compare", old, tmp_path / "missing.txt", "--exit-code")
    one_line_error(r, "missing.txt")


# --- formats from -o ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("out.json", lambda t: json.loads(t)["format"] == "textver.comparison"),
        ("out.txt", lambda t: not t.lstrip().startswith("<") and "{" not in t[:1]),
        ("out.html", lambda t: t.lstrip().lower().startswith("<!doctype html")),
        ("out.xml", lambda t: t.startswith("<?xml") and "<TEI" in t),
        ("out.tei", lambda t: "<TEI" in t),
    ],
)
def test_output_format_follows_the_extension(store: Store, pair, tmp_path: Path, name, check):
    out = tmp_path / name
    r = run(store.root, "compare", *pair, "-o", out)
    assert r.exit_code == 0, r.output
    assert check(out.read_text(encoding="utf-8"))


def test_format_and_extension_that_clash_are_an_error(store: Store, pair, tmp_path) -> None:
    out = tmp_path / "out.json"
    one_line_error(run(store.root, "compare", *pair, "-o", out, "--format", "html"), "out.json")
    assert not out.exists()
    r = run(store.root, "compare", *pair, "-o", out, "--format", "collatex-json")
    assert r.exit_code == 0 and "table" in json.loads(out.read_text())


# --- dates, log -----------------------------------------------------------------------------


@pytest.fixture
def work(store: Store, tmp_path: Path) -> Store:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(OLD, encoding="utf-8")
    b.write_text(NEW, encoding="utf-8")
    for args in (
        ("add", "orchard", b, "-l", "undated-b", "--title", "The Orchard", "--author", "A. G."),
        ("add", "orchard", a, "-l", "month", "--date", "1859-11"),
        ("add", "orchard", a, "-l", "undated-a"),
        ("add", "orchard", b, "-l", "year", "--date", "1859"),
        ("add", "orchard", a, "-l", "day", "--date", "1859-11-24"),
    ):
        r = run(store.root, *args)
        assert r.exit_code == 0, r.output
    return store


def test_partial_dates_are_kept_as_given(work: Store) -> None:
    manifest = tomllib.loads((work.root / "orchard" / "manifest.toml").read_text())
    dates = {e["label"]: e.get("date") for e in manifest["editions"]}
    assert dates["year"] == "1859" and dates["month"] == "1859-11"
    one_line_error(run(work.root, "edit", "orchard:year", "--date", "1859-13"), "1859-13", "YYYY")


def test_log_orders_editions_and_marks_identical_ones(work: Store) -> None:
    r = run(work.root, "log", "orchard")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    order = [line.split()[1].rstrip(":") for line in lines]
    assert order == ["year", "month", "day", "undated-b", "undated-a"]
    assert "identical to month" in lines[2] and "identical to year" in lines[3]
    assert "identical" not in lines[1] and "from year" in lines[1]
    assert run(work.root, "log", "orchard").output == r.output


# --- edit and rm ----------------------------------------------------------------------------


def test_re_adding_with_new_metadata_says_to_edit_and_edit_does_it(
    work: Store, tmp_path: Path, tree_digest
) -> None:
    before = tree_digest(work.root)
    r = run(work.root, "add", "orchard", tmp_path / "a.txt", "-l", "month", "--date", "1860")
    one_line_error(r, "already stored", "textver edit orchard:month --date")
    assert tree_digest(work.root) == before
    r = run(work.root, "edit", "orchard:month", "--date", "1860", "--translator", "T. R.")
    assert r.exit_code == 0 and r.output == "updated: orchard:month\n", r.output
    ed = work.edition("orchard", "month")
    assert (ed.date, ed.translator) == ("1860", "T. R.")
    assert run(work.root, "edit", "orchard:month", "--unset", "translator").exit_code == 0
    assert work.edition("orchard", "month").translator == ""
    assert run(work.root, "edit", "orchard", "--title", "Orchards").exit_code == 0
    assert work.work("orchard").title == "Orchards"
    assert run(work.root, "verify").exit_code == 0


def test_rm_removes_an_edition_and_its_text(work: Store) -> None:
    file = work.root / "orchard" / work.edition("orchard", "day").file
    r = run(work.root, "rm", "orchard:day")
    assert r.exit_code == 0, r.output
    assert work.work("orchard").edition("day") is None and not file.exists()
    assert run(work.root, "verify").exit_code == 0
    one_line_error(run(work.root, "rm", "orchard:day"), "orchard:day", "no edition")


def test_a_killed_rm_is_recovered_by_repair(work: Store, monkeypatch) -> None:
    file = work.root / "orchard" / work.edition("orchard", "day").file
    real_unlink = Path.unlink

    def killed(self: Path, *args, **kwargs):
        if self == file:
            raise KeyboardInterrupt  # the process dies after the manifest was rewritten
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", killed)
    with pytest.raises(KeyboardInterrupt):
        work.remove("orchard", "day")
    monkeypatch.setattr(Path, "unlink", real_unlink)
    assert work.work("orchard").edition("day") is None and file.exists()
    r = run(work.root, "verify")
    assert r.exit_code == 1 and "interrupted rm of 'day'" in r.output, r.output
    r = run(work.root, "verify", "--repair")
    assert r.exit_code == 0 and not file.exists(), r.output


# --- the work's metadata, help, completion --------------------------------------------------


def test_the_works_title_and_author_reach_the_result(work: Store) -> None:
    versions, info = textver.resolve(["orchard:year", "orchard:month"], work)
    result = textver.run(versions, work=info)
    assert result.work is not None and result.work.heading == "The Orchard, by A. G."
    versions, info = textver.resolve(["orchard"], work)
    assert textver.run(versions, work=info).work.title == "The Orchard"


def test_the_works_title_and_author_reach_the_reports(work: Store, tmp_path: Path) -> None:
    for args, name in (
        (["orchard:year", "orchard:month"], "pair.html"),
        (["orchard"], "all.html"),
        (["orchard:year", "orchard:month"], "pair.tei"),
    ):
        out = tmp_path / name
        r = run(work.root, "compare", *args, "-o", out)
        assert r.exit_code == 0, r.output
        text = out.read_text(encoding="utf-8")
        assert "The Orchard" in text and "A. G." in text, name


def test_help_shows_examples_the_report_folder_and_exit_statuses(store: Store) -> None:
    out = run(store.root, "compare", "--help").output
    assert "Examples:" in out and "reports/" in out and "Exit status" in out
    assert "--exit-code" in out and "--label" in out
    assert "Examples:" in run(store.root, "edit", "--help").output
    top = run(store.root, "--help").output
    assert "Examples:" in top and "Exit status" in top and "completion" in top


def test_completion_offers_works_and_labels(work: Store) -> None:
    comp = ShellComplete(cli, {}, "textver", "_TEXTVER_COMPLETE")
    args = ["--store", str(work.root), "compare"]
    values = [c.value for c in comp.get_completions(args, "orch")]
    assert "orchard:" in values and "orchard" in values
    values = [c.value for c in comp.get_completions(args, "orchard:u")]
    assert values[:2] == ["orchard:undated-b", "orchard:undated-a"]


# --- the library underneath -----------------------------------------------------------------


def test_library_renders_what_the_cli_writes(store: Store, pair, tmp_path: Path) -> None:
    for fmt in ("json", "text", "html"):
        out = tmp_path / f"cli.{fmt}"
        assert run(store.root, "compare", *pair, "--format", fmt, "-o", out).exit_code == 0
        versions, info = textver.resolve([str(p) for p in pair], store)
        result = textver.run(versions, work=info)
        assert textver.render(result, fmt) == out.read_text(encoding="utf-8")
    assert textver.differs(result)
    assert textver.load(str(pair[0])).text == OLD


def test_compare_leaves_the_garbage_collector_on(store: Store, pair) -> None:
    assert gc.isenabled()
    assert run(store.root, "compare", *pair, "--format", "json").exit_code == 0
    assert gc.isenabled()


# A process that counts the comparisons freed: at exit it prints how many were built and freed.
_COUNT_FREED = """
import atexit, os, sys
from textver.compare import Comparison
counts = {"built": 0, "freed": 0}
init = Comparison.__init__
def counted(self, *args, **kwargs):
    counts["built"] += 1
    init(self, *args, **kwargs)
Comparison.__init__ = counted
Comparison.__del__ = lambda self: counts.__setitem__("freed", counts["freed"] + 1)
atexit.register(lambda: os.write(2, f"built {counts['built']} freed {counts['freed']}".encode()))
from textver.cli import main
main()  # the command line from sys.argv, as the console script runs it
"""


def test_the_command_line_leaves_the_comparison_to_the_process_end(pair, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    args = [sys.executable, "-c", _COUNT_FREED, "--store", str(tmp_path / "s"), "compare"]
    r = subprocess.run(
        [*args, *map(str, pair), "-o", str(out)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{out}\n"  # still flushed
    assert r.stderr.endswith("built 1 freed 0")  # exit handlers ran; nothing was freed
    assert json.loads(out.read_text(encoding="utf-8"))["stats"]


def test_an_in_process_caller_gets_its_comparison_freed(store: Store, pair) -> None:
    gc.collect()  # comparisons left by earlier tests
    freed = []
    textver.Comparison.__del__ = lambda self: freed.append(1)  # type: ignore[attr-defined]
    try:
        assert run(store.root, "compare", *pair, "--format", "json").exit_code == 0
        with pytest.raises(SystemExit) as exit:  # main() given its arguments, as bench does
            main(["--store", str(store.root), "compare", *map(str, pair), "--format", "json"])
        assert exit.value.code == 0
        gc.collect()
        assert freed == [1, 1]
    finally:
        del textver.Comparison.__del__  # type: ignore[attr-defined]
