"""Bad input through the command line, as a user meets it: every case is one line on stderr
naming the file, URL or reference and the problem, exit status 2, no traceback, and a store
left exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from textver.store import Store

ESSAY = "A short essay.\n\nIt has two paragraphs, written for this test.\n"


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path / "in"
    d.mkdir()
    files = {
        "good": ESSAY.encode(),
        "binary": b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)),
        "latin1": "Caf\u00e9 cr\u00e8me, 1890.\n".encode("latin-1"),
        "empty": b"",
        "blank": b" \n\n\t\n",
        "nav-only.html": b"<html><body><nav><a href='/'>Home</a></nav><script>x()</script>"
        b"<footer>(c) nobody</footer></body></html>",
        "broken.html": b"<html><body><article><p>Unclosed <b>bold<p>Second para</article>"
        b"</div></span>",
    }
    out = {}
    for name, data in files.items():
        path = d / (name if "." in name else name + ".txt")
        path.write_bytes(data)
        out[name] = path
    out["directory"] = d
    out["missing"] = d / "missing.txt"
    return out


@pytest.fixture
def store(tmp_path: Path, inputs: dict[str, Path], textver_cmd) -> Store:
    r = textver_cmd("--store", tmp_path / "versions", "add", "essay", inputs["good"], "-l", "first")
    assert r.returncode == 0, r.stderr
    return Store(tmp_path / "versions")


CASES = [
    ("binary", "binary file"),
    ("latin1", "not valid UTF-8 at byte 3"),
    ("empty", "empty, nothing to import"),
    ("blank", "only whitespace, nothing to import"),
    ("nav-only.html", "no article text found"),
    ("directory", "is a directory"),
    ("missing", "no such file"),
]
URL_CASES = [
    ("/nope", "HTTP 404 Not Found"),
    ("/server-error", "HTTP 500 Internal Server Error"),
    ("/slow", "timed out after 0.5 s"),
    ("/report.pdf", "damaged PDF"),
    ("/to-file", "only http and https"),
    ("/short-body", "download cut short"),
    ("/chunked-unterminated", "download cut short"),
    ("/to-bracket", "invalid redirect"),
    ("/trickle", "took longer than 0.5 s in all"),
]


def check_error(r, names: str, problem: str) -> None:
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr.startswith("textver: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert names in r.stderr and problem in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(("name", "problem"), CASES)
def test_bad_files_for_add_and_compare(
    name: str, problem: str, inputs, store: Store, textver_cmd, tree_digest
) -> None:
    path = inputs[name]
    before = tree_digest(store.root)
    r = textver_cmd("--store", store.root, "add", "essay", path, "--label", "second")
    check_error(r, str(path), problem)
    r = textver_cmd("--store", store.root, "compare", "essay:first", path, "--format", "json")
    check_error(r, str(path), problem)
    assert tree_digest(store.root) == before


@pytest.mark.parametrize(("route", "problem"), URL_CASES)
def test_bad_urls_for_add_and_compare(
    route: str, problem: str, base: str, store: Store, textver_cmd, tree_digest
) -> None:
    url = base + route
    before = tree_digest(store.root)
    limits = (
        ["--timeout", "0.5", "--deadline", "0.5"] if route == "/trickle" else ["--timeout", "0.5"]
    )
    r = textver_cmd("--store", store.root, "add", "essay", "--url", url, "-l", "web", *limits)
    check_error(r, url, problem)
    r = textver_cmd("--store", store.root, "compare", "essay:first", url, *limits)
    check_error(r, url, problem)
    assert tree_digest(store.root) == before


@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib_codec"])
def test_non_text_encoding(encoding: str, inputs, store: Store, textver_cmd, tree_digest) -> None:
    before = tree_digest(store.root)
    path = inputs["good"]
    r = textver_cmd("--store", store.root, "add", "essay", path, "-l", "x", "--encoding", encoding)
    check_error(r, str(path), "is not a text encoding")
    assert tree_digest(store.root) == before


def test_unknown_references(store: Store, textver_cmd, tree_digest) -> None:
    before = tree_digest(store.root)
    r = textver_cmd("--store", store.root, "compare", "essay:first", "essay:nope")
    check_error(r, "essay:nope", "no edition labelled 'nope'")
    r = textver_cmd("--store", store.root, "compare", "essay:first", "nowork:x")
    check_error(r, "nowork", "no such work")
    assert tree_digest(store.root) == before


def test_encoding_fallback_is_explicit_and_recorded(inputs, store: Store, textver_cmd) -> None:
    r = textver_cmd(
        "--store", store.root, "add", "essay", inputs["latin1"], "-l", "latin", "--encoding",
        "latin-1",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert store.get("essay", "latin").text == "Caf\u00e9 cr\u00e8me, 1890.\n"
    assert store.work("essay").edition("latin").extra.get("encoding") or (
        "encoding" in (store.root / "essay" / "manifest.toml").read_text("utf-8")
    )


def test_malformed_html_still_imports(inputs, store: Store, textver_cmd) -> None:
    r = textver_cmd("--store", store.root, "add", "essay", inputs["broken.html"], "-l", "html")
    assert r.returncode == 0, r.stderr
    assert store.get("essay", "html").text == "Unclosed bold\n\nSecond para"


def test_debug_shows_the_traceback(inputs, store: Store, textver_cmd) -> None:
    r = textver_cmd("--store", store.root, "--debug", "add", "essay", inputs["binary"], "-l", "x")
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_version(textver_cmd) -> None:
    from textver import __version__

    r = textver_cmd("--version")
    assert (r.returncode, r.stdout) == (0, f"textver, version {__version__}\n")
