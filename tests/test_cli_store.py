"""The store commands of the CLI: add, list, show, verify, log, and how errors are reported."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from textver.cli import cli
from textver.store import Store

TEXT_1 = (
    "The orchard was planted in spring. Twelve apple trees stood in two rows.\n\n"
    "By autumn the first fruit had ripened, small and sour.\n"
)
TEXT_2 = (
    "The orchard was planted in early spring. Twelve apple trees stood in two rows.\n\n"
    "A pear tree was added by the gate.\n\n"
    "By autumn the first fruit had ripened.\n"
)


def run(root: Path, *args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["--store", str(root), *map(str, args)])


def run_line(root: Path, line: str) -> Result:
    """Run a command line written as the shell would take it (temporary paths have no spaces)."""
    return run(root, *shlex.split(line))


@pytest.fixture
def texts(tmp_path: Path) -> tuple[Path, Path]:
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text(TEXT_1, encoding="utf-8")
    two.write_text(TEXT_2, encoding="utf-8")
    return one, two


@pytest.fixture
def filled(store: Store, texts: tuple[Path, Path]) -> Store:
    """A work with two stored editions (dated) and one known edition."""
    one, two = texts
    r = run_line(
        store.root,
        f"add orchard {one} --label first --date 2001-05-01 --language en --original-language en"
        " --publication 'Parish Letter' --title 'The Orchard' --author 'A. Gardener'",
    )
    assert r.exit_code == 0, r.output
    r = run_line(
        store.root,
        f"add orchard {two} --label second --date 2003-09-10 --relation 'revised from first'"
        " --note 'Second printing.'",
    )
    assert r.exit_code == 0, r.output
    r = run_line(
        store.root,
        "add orchard --known --label lost --date 2002-01-01 --publication 'County Gazette'"
        " --url https://example.org/gazette/orchard",
    )
    assert r.exit_code == 0, r.output
    return store


def test_add_reports_what_happened(store: Store, texts: tuple[Path, Path]) -> None:
    one, two = texts
    r = run(store.root, "add", "orchard", one, "--label", "first")
    assert r.exit_code == 0
    assert r.stdout.startswith("added: orchard:first (23 words, sha256 ")
    r = run(store.root, "add", "orchard", one, "--label", "first")
    assert (r.exit_code, r.stdout.split(":")[0]) == (0, "unchanged")
    r = run(store.root, "add", "orchard", two, "--label", "first", "--replace")
    assert (r.exit_code, r.stdout.split(":")[0]) == (0, "replaced")
    assert store.get("orchard", "first").text == TEXT_2
    r = run(store.root, "add", "orchard", "--known", "--label", "other")
    assert r.exit_code == 0
    assert r.stdout == "recorded: orchard:other (known edition, text not held)\n"
    r = run(store.root, "add", "orchard", one, "--label", "other", "--publication", "Found")
    assert r.exit_code == 0 and r.stdout.startswith("added: orchard:other (23 words")
    assert store.work("orchard").edition("other").publication == "Found"
    assert store.verify() == []


def test_add_records_cli_metadata_over_ingest_metadata(store: Store, tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9 au lait, s'il vous pla\u00eet.\n".encode("latin-1"))
    r = run_line(
        store.root,
        f"add cafe {latin} --label menu --encoding latin-1 --language fr --translator 'N. One'",
    )
    assert r.exit_code == 0, r.output
    ed = store.work("cafe").edition("menu")
    assert ed.encoding and ed.language == "fr" and ed.translator == "N. One"
    assert store.get("cafe", "menu").text == "Caf\u00e9 au lait, s'il vous pla\u00eet.\n"


def test_list_works_and_editions(filled: Store) -> None:
    r = run(filled.root, "list")
    assert r.exit_code == 0
    assert r.stdout == "orchard  The Orchard  (3 editions: 2 stored, 1 known)\n"
    r = run(filled.root, "list", "orchard")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["LABEL", "STATUS", "DATE", "PUBLICATION", "LANG", "WORDS"]
    assert lines[1].split() == ["first", "stored", "2001-05-01", "Parish", "Letter", "en", "23"]
    assert lines[2].split()[:3] == ["second", "stored", "2003-09-10"]
    assert lines[3].split() == ["lost", "known", "2002-01-01", "County", "Gazette", "-", "-"]


def test_list_of_an_empty_store(tmp_path: Path) -> None:
    r = run(tmp_path / "nothing", "list")
    assert r.exit_code == 0 and r.stdout.startswith("no works in ")


def test_show_work_and_edition(filled: Store) -> None:
    r = run(filled.root, "show", "orchard")
    assert r.exit_code == 0
    assert "title: The Orchard" in r.stdout and "author: A. Gardener" in r.stdout
    assert "[orchard:second] stored" in r.stdout and "relation: revised from first" in r.stdout
    assert "notes: Second printing." in r.stdout
    prefix = f"textver --store {filled.root}"
    assert f"{prefix} add orchard PAGE.html --label lost" in r.stdout
    assert (
        f"{prefix} add orchard --url https://example.org/gazette/orchard --label lost" in r.stdout
    )
    r = run(filled.root, "show", "orchard:first")
    assert r.exit_code == 0
    assert r.stdout.startswith("[orchard:first] stored\n")
    assert "words: 23" in r.stdout and "[orchard:second]" not in r.stdout


def test_show_text_prints_the_stored_text_exactly(filled: Store) -> None:
    r = run(filled.root, "show", "orchard:second", "--text")
    assert r.exit_code == 0 and r.stdout == TEXT_2


def test_verify_and_log(filled: Store) -> None:
    r = run(filled.root, "verify")
    assert (r.exit_code, r.stdout) == (0, "ok: 2 texts verified\n")
    r = run(filled.root, "log", "orchard")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert [line.replace(":", " ").split()[:2] for line in lines] == [
        ["2001-05-01", "first"],
        ["2002-01-01", "lost"],
        ["2003-09-10", "second"],
    ]
    assert lines[0].endswith("23 words, first stored edition")
    assert lines[1].endswith("(text not held)")
    # second vs first: "early" and a new paragraph (8 words) inserted; "small and sour" cut
    assert "from first: -3 +9 words" in lines[2]
    assert "retained" in lines[2]


def test_counts_of_one_are_singular(store: Store, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Orchard.\n", encoding="utf-8")
    r = run(store.root, "add", "orchard", tmp_path / "one.txt", "--label", "first")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("added: orchard:first (1 word, sha256 ")
    assert run(store.root, "list").stdout == "orchard  (1 edition: 1 stored, 0 known)\n"
    log = run(store.root, "log", "orchard").stdout
    assert log.endswith("first: 1 word, first stored edition\n")


def test_log_writes_the_retained_share_as_the_report_does(filled: Store) -> None:
    log = run(filled.root, "log", "orchard").stdout.splitlines()[2]
    r = run(filled.root, "compare", "orchard:first", "orchard:second", "--format", "text")
    assert r.exit_code == 0, r.output
    share = re.search(r"retained (\d+\.\d\d%)", r.stdout)
    assert share and f"{share.group(1)} retained" in log, (share, log)


def test_verify_reports_problems_with_exit_1(filled: Store) -> None:
    path = filled.root / "orchard" / "first.txt"
    path.chmod(0o644)
    path.write_text(TEXT_1.upper(), encoding="utf-8")
    r = run(filled.root, "verify")
    assert r.exit_code == 1
    assert f"{path}: text of edition 'first' has changed" in r.stdout
    assert r.stdout.splitlines()[-1].startswith("1 problem in ")


def test_store_comes_from_the_environment(
    filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEXTVER_STORE", str(filled.root))
    r = CliRunner().invoke(cli, ["list"])
    assert r.exit_code == 0 and r.stdout.startswith("orchard")
    r = CliRunner().invoke(cli, ["list", "--store", str(tmp_path / "other")])
    assert r.exit_code == 0 and r.stdout.startswith("no works in ")


ERRORS = [
    (["show", "nope"], "/nope: no such work (works: orchard)"),
    (["show", "orchard:zz"], "orchard:zz: no edition labelled 'zz' (editions: first, second, l"),
    (["show", "orchard:lost", "--text"], "orchard:lost: text not held (status known)"),
    (["show", "orchard", "--text"], "orchard: --text needs WORK:LABEL"),
    (["list", "nope"], "no such work"),
    (["log", "nope"], "no such work"),
    (["add", "orchard", "{two}", "--label", "first"], "orchard:first: a different text is"),
    (["add", "orchard", "{one}", "--label", "Bad/Label"], "invalid label 'Bad/Label'"),
    (["add", "../escape", "{one}", "--label", "x"], "invalid work name '../escape'"),
    (["add", "orchard", "{one}", "--label", "x", "--date", "2001-13-01"], "invalid date"),
    (["add", "orchard", "--label", "x"], "orchard:x: give a FILE, --url URL, or --known"),
    (["add", "orchard", "{one}", "--label", "x", "--known"], "a --known edition has no text"),
    (["add", "orchard", "{missing}", "--label", "x"], "missing.txt: no such file"),
    (["add", "orchard", "--known", "--label", "first"], "orchard:first: text is already stored"),
    (["compare", "orchard:first"], "orchard:first: compare needs two or more REFs"),
]


@pytest.mark.parametrize("args, message", ERRORS, ids=[" ".join(a[:2]) for a, _ in ERRORS])
def test_errors_are_one_line_exit_2_and_change_nothing(
    filled: Store, texts: tuple[Path, Path], tree_digest, args: list[str], message: str
) -> None:
    one, two = texts
    names = {"one": str(one), "two": str(two), "missing": str(one.parent / "missing.txt")}
    args = [a.format(**names) for a in args]
    before = tree_digest(filled.root)
    r = run(filled.root, *args)
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    assert r.stderr.startswith("textver: error: ") and r.stderr.count("\n") == 1
    assert message in r.stderr
    assert "Traceback" not in r.output
    assert tree_digest(filled.root) == before


def test_damaged_manifest_is_an_error_naming_it(filled: Store, tree_digest) -> None:
    manifest = filled.root / "orchard" / "manifest.toml"
    manifest.write_text("title = [unclosed\n", encoding="utf-8")
    before = tree_digest(filled.root)
    for args in (["list"], ["show", "orchard"], ["add", "orchard", "--known", "--label", "x"]):
        r = run(filled.root, *args)
        assert r.exit_code == 2
        assert r.stderr.startswith(f"textver: error: {manifest}: damaged manifest")
    r = run(filled.root, "verify")
    assert r.exit_code == 1 and f"{manifest}: damaged manifest" in r.stdout
    assert tree_digest(filled.root) == before


def test_unwritable_store_is_a_user_error(tmp_path: Path, texts: tuple[Path, Path]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store should be\n", encoding="utf-8")
    r = run(blocker, "add", "orchard", texts[0], "--label", "first")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"textver: error: {blocker}") and "cannot write" in r.stderr
    assert blocker.read_text(encoding="utf-8") == "a file where the store should be\n"


def test_usage_errors_exit_2(store: Store) -> None:
    r = run(store.root, "add", "orchard")
    assert r.exit_code == 2 and "--label" in r.stderr
    r = run(store.root, "compare", "a", "b", "--format", "pdf")
    assert r.exit_code == 2
    assert not store.root.exists()


def test_internal_errors_are_one_line_exit_1(
    filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Store) -> list:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(Store, "verify", broken)
    r = run(filled.root, "verify")
    assert r.exit_code == 1
    assert r.stderr == (
        "textver: internal error: RuntimeError: boom second line "
        "(run with --debug for a traceback)\n"
    )
    r = CliRunner().invoke(cli, ["--debug", "--store", str(filled.root), "verify"])
    assert isinstance(r.exception, RuntimeError)


def test_entry_point_in_a_child_process(filled: Store, textver_cmd) -> None:
    ok = textver_cmd("--store", filled.root, "show", "orchard:first", "--text")
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, TEXT_1, "")
    bad = textver_cmd("--store", filled.root, "show", "orchard:nope")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("textver: error: orchard:nope: no edition labelled 'nope'")
    assert bad.stderr.count("\n") == 1
    debug = textver_cmd("--debug", "--store", filled.root, "show", "orchard:nope")
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "TextverError" in debug.stderr
    helped = textver_cmd("--help")
    assert helped.returncode == 0 and "add" in helped.stdout and "compare" in helped.stdout


# --- compare: how the CLI resolves references and where it writes --------------------------


def test_compare_two_store_refs_as_json(filled: Store) -> None:
    r = run(filled.root, "compare", "orchard:first", "orchard:second", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["format"] == "textver.comparison"
    assert (doc["left"]["label"], doc["right"]["label"]) == ("first", "second")
    assert doc["left"]["text"] == TEXT_1 and doc["right"]["text"] == TEXT_2
    assert (doc["stats"]["removed_words"], doc["stats"]["inserted_words"]) == (3, 9)
    swapped = run(filled.root, "compare", "orchard:first", "orchard:second", "--format", "json",
                  "--base", "second")  # fmt: skip
    assert json.loads(swapped.stdout)["left"]["label"] == "second"


def test_compare_writes_outputs_atomically_where_asked(
    filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    refs = ["compare", "orchard:first", "orchard:second"]
    r = run(filled.root, *refs, "--format", "json", "-o", "out.json")
    assert (r.exit_code, r.stdout) == (0, "out.json\n")
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))["right"]["label"] == "second"
    r = run(filled.root, *refs)  # HTML is the default format
    assert (r.exit_code, r.stdout) == (0, "reports/first-vs-second.html\n"), r.output
    assert "<html" in (tmp_path / "reports" / "first-vs-second.html").read_text("utf-8").lower()
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []


def test_compare_a_work_collates_its_stored_editions(filled: Store) -> None:
    r = run(filled.root, "compare", "orchard", "--format", "json", "--base", "first")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["format"] == "textver.collation" and doc["base"] == "first"
    assert sorted(e["label"] for e in doc["editions"]) == ["first", "second"]  # not "lost"


def test_compare_a_work_with_one_stored_edition_is_an_error(store: Store, texts) -> None:
    run(store.root, "add", "solo", texts[0], "--label", "only")
    r = run(store.root, "compare", "solo")
    assert r.exit_code == 2
    assert r.stderr == "textver: error: solo: 1 stored edition; comparing needs at least two\n"
