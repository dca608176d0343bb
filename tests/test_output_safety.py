"""What textver writes cannot be turned against its reader: escape sequences and bidirectional
controls from inputs are shown, never acted on; reports reach devices, FIFOs and standard output
without replacing them; TEI and JSON stay parseable whatever the text holds; and unwritable
places and undecodable arguments are one-line errors."""

from __future__ import annotations

import json
import os
import pty
import select
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO
from textver.collate import collate
from textver.report.tei import to_collatex_json, to_tei
from textver.version import Version
from textver.visible import visible

ESCAPES = "\x1b]0;owned\x07\x1b[2J"  # retitle the terminal, clear the screen
RLO = "\u202e"
LEFT = "One stone fell. Two rivers ran dry.\n\nThree birds flew over the quiet town.\n"
RIGHT = "One stone fell.\n\nThree birds flew over the town.\n"


def assert_inert(out: str) -> None:
    """Nothing in ``out`` can act on a terminal or reorder the text around it."""
    for char in ("\x1b", "\x07", "\x9b", RLO, "\u2066", "\u200f"):
        assert char not in out, f"{char!r} printed raw in {out!r}"


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(LEFT, encoding="utf-8")
    b.write_text(RIGHT, encoding="utf-8")
    return a, b


def on_terminal(*args: str | Path, cwd: Path) -> str:
    """Run textver with its standard output on a pseudo-terminal; what the terminal received."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "textver", *map(str, args)],
        stdout=slave,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
    )
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    assert proc.wait(timeout=30) == 0, proc.stderr.read() if proc.stderr else ""
    return out.decode("utf-8").replace("\r\n", "\n")


# --- the sanitiser --------------------------------------------------------------------------


def test_visible_shows_every_control_and_keeps_ordinary_text() -> None:
    assert (
        visible("Ordinary text: café, שלום, \U0001f600.")
        == "Ordinary text: café, שלום, \U0001f600."
    )
    assert visible(ESCAPES) == "␛]0;owned␇␛[2J"
    assert visible("a\tb\nc") == "a␉b␊c"
    assert visible("a\tb\nc", lines=True) == "a\tb\nc"
    assert visible("\u202etxt.exe") == "<U+202E>txt.exe"
    assert visible("x\x9by\x7f") == "x<U+009B>y␡"
    assert visible("caf\udce9") == "caf<0xE9>"  # a byte that was not UTF-8
    shown = visible("".join(map(chr, range(0x20))) + "\x7f" + "".join(map(chr, range(0x80, 0xA0))))
    assert all(0x20 <= ord(c) < 0x7F or ord(c) >= 0x2400 for c in shown)


# --- item 5: escape sequences on the terminal -----------------------------------------------


def test_error_messages_show_escape_sequences(tmp_path: Path, pair, textver_cmd) -> None:
    missing = tmp_path / f"gone{ESCAPES}.txt"
    r = textver_cmd("compare", missing, pair[1], "--format", "json")
    assert r.returncode == 2
    assert_inert(r.stderr)
    assert "␛]0;owned␇␛[2J.txt: no such file" in r.stderr
    assert len(r.stderr.splitlines()) == 1


def raw_server(responses: list[bytes]) -> tuple[str, threading.Thread]:
    """A server on 127.0.0.1 that answers one connection with each of ``responses``, then
    stops (each accept waits at most 30 s)."""
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(30)

    def serve() -> None:
        with sock:
            for response in responses:
                try:
                    conn, _ = sock.accept()
                except TimeoutError:
                    return
                with conn:
                    conn.settimeout(10)
                    conn.recv(65536)
                    conn.sendall(response)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}/page", thread


def test_a_servers_status_line_and_content_type_are_shown(pair, textver_cmd) -> None:
    esc = ESCAPES.encode()
    url, thread = raw_server(
        [
            b"HTTP/1.0 418 Teapot" + esc + b"\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.0 200 OK\r\nContent-Type: text/x" + esc + b"\r\nContent-Length: 2\r\n\r\nhi",
        ]
    )
    for _ in range(2):
        r = textver_cmd("compare", url, pair[1], "--format", "json")
        assert r.returncode == 2, r.stderr
        assert_inert(r.stderr)
        assert "␛]0" in r.stderr and len(r.stderr.splitlines()) == 1
    thread.join(timeout=30)


def test_show_list_log_show_metadata_visibly(tmp_path: Path, pair, textver_cmd) -> None:
    store = tmp_path / "versions"
    hostile = f"Daily {ESCAPES}{RLO}kcab\nsha256: forged"
    r = textver_cmd("--store", store, "add", "w", pair[0], "-l", "a", "--publication", hostile)
    assert r.returncode == 0, r.stderr
    r = textver_cmd("--store", store, "add", "w", pair[1], "-l", "b", "--title", f"T{ESCAPES}")
    assert r.returncode == 0, r.stderr
    for args in (("show", "w"), ("show", "w:a"), ("list",), ("list", "w"), ("log", "w")):
        r = textver_cmd("--store", store, *args)
        assert r.returncode == 0, r.stderr
        assert_inert(r.stdout)
        assert not any(line.startswith("sha256: forged") for line in r.stdout.splitlines())
    r = textver_cmd("--store", store, "show", "w:a")
    assert "publication: Daily ␛]0;owned␇␛[2J<U+202E>kcab␊sha256: forged" in r.stdout
    r = textver_cmd("--store", store, "list", "w")
    header, row = r.stdout.splitlines()[:2]
    assert row[header.index("WORDS") :].strip().isdigit()  # the columns still line up


def test_text_report_and_show_text_on_a_terminal(tmp_path: Path, textver_cmd) -> None:
    a = tmp_path / f"left{ESCAPES}.txt"
    b = tmp_path / "right.txt"
    a.write_text(f"One stone {ESCAPES}fell.\n\nThree birds.\n", encoding="utf-8")
    b.write_text("One stone fell.\n\nTwo birds.\n", encoding="utf-8")
    out = on_terminal("compare", a, b, "--format", "text", cwd=tmp_path)
    assert_inert(out.replace("\x1b[", ""))  # textver's own colours (CSI ... m) are allowed
    assert "\x1b[0m" in out and "\x1b[1m" in out  # colour still works on a terminal
    assert "left␛]0;owned␇␛[2J" in out
    store = tmp_path / "versions"
    r = textver_cmd("--store", store, "add", "w", a, "-l", "a")
    assert r.returncode == 0, r.stderr
    out = on_terminal("--store", store, "show", "w:a", "--text", cwd=tmp_path)
    assert out == "One stone ␛]0;owned␇␛[2Jfell.\n\nThree birds.\n"
    piped = textver_cmd("--store", store, "show", "w:a", "--text")
    assert piped.stdout == a.read_text(encoding="utf-8")  # to a pipe or file: exactly as stored


def test_collation_text_shows_labels_visibly(tmp_path: Path, pair, textver_cmd) -> None:
    c = tmp_path / f"c{RLO}3.txt"
    c.write_text(RIGHT + "\nFour.\n", encoding="utf-8")
    r = textver_cmd("compare", *pair, c, "--format", "text")
    assert r.returncode == 0, r.stderr
    assert_inert(r.stdout)
    assert "c<U+202E>3" in r.stdout
    for fmt in ("json", "tei"):  # data formats: the same document, its controls escaped
        r = textver_cmd("compare", *pair, c, "--format", fmt)
        assert r.returncode == 0, r.stderr
        assert_inert(r.stdout)
    assert [
        e["label"]
        for e in json.loads(textver_cmd("compare", *pair, c, "--format", "json").stdout)["editions"]
    ] == ["a", "b", f"c{RLO}3"]


# --- item 6: bidirectional controls in the HTML report ----------------------------------------


def html_report(tmp_path: Path, textver_cmd, *files: Path) -> BeautifulSoup:
    out = tmp_path / "r.html"
    r = textver_cmd("compare", *files, "-o", out)
    assert r.returncode == 0, r.stderr
    return BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")


def test_html_isolates_names_and_shows_their_controls(tmp_path: Path, textver_cmd) -> None:
    a = tmp_path / f"{RLO}txt.exe.txt"  # label "\u202etxt.exe", which reads "exe.txt"
    a.write_text(LEFT + "\nשלום \u202bעולם\u202c, a Hebrew greeting.\n", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text(RIGHT, encoding="utf-8")
    for files in ((a, b), (a, b, b.with_name("c.txt"))):
        if len(files) == 3:
            files[2].write_text(LEFT, encoding="utf-8")
        soup = html_report(tmp_path, textver_cmd, *files)
        names = soup.find_all(string=lambda s: "txt.exe" in s)
        assert names, "the label is shown"
        for node in (n for n in names if n.parent.name != "title"):  # no element in a title
            assert RLO not in node and "<U+202E>txt.exe" in node
            assert node.find_parent("bdi") is not None, f"not isolated: {node.parent}"
        assert soup.title is not None and "<U+202E>txt.exe" in soup.title.string
        for tag in soup.find_all(True):
            for value in tag.attrs.values():
                assert RLO not in " ".join(value if isinstance(value, list) else [value])
        # The edition's own text is not altered: its controls stay, inside their paragraph.
        body = soup.find_all(string=lambda s: "\u202bעולם\u202c" in s)
        assert body and all(n.find_parent(["p", "bdi"]) is not None for n in body)


def test_json_escapes_del_in_ascii_text_and_c1_controls_in_any() -> None:
    """The JSON writer passes ASCII JSON on unscanned unless it holds DEL (json escapes every
    control below U+0020 itself); other text is scanned for C1 and bidi controls."""
    from textver.render import to_json

    assert to_json({"t": "plain\ttext"}) == '{"t":"plain\\ttext"}\n'
    assert to_json({"t": "a\x7fb"}) == '{"t":"a\\u007fb"}\n'
    assert to_json({"t": "caf\u00e9\x85" + RLO}) == '{"t":"caf\u00e9\\u0085\\u202e"}\n'


# --- item 7: -o onto standard output, devices, FIFOs and links --------------------------------


def test_output_dash_writes_standard_output(tmp_path: Path, pair, textver_cmd) -> None:
    for fmt in ("json", "html", "text"):
        r = textver_cmd("compare", *pair, "--format", fmt, "-o", "-", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert not (tmp_path / "-").exists()
        if fmt == "json":
            assert json.loads(r.stdout)["format"] == "textver.comparison"
        if fmt == "html":
            assert r.stdout.startswith("<!DOCTYPE html>") and r.stdout.rstrip().endswith("</html>")


@pytest.mark.parametrize("name", ["/dev/fd/1", "/proc/self/fd/1", "/dev/stdout"])
def test_output_to_an_open_descriptor(name: str, tmp_path: Path, pair, textver_cmd) -> None:
    if not Path(name).exists():
        pytest.skip(f"{name} does not exist here")
    if name == "/dev/stdout" and os.geteuid() == 0 and "TEXTVER_TEST_DEV_STDOUT" not in os.environ:
        # as root, a regression would replace the machine's /dev/stdout by a file
        pytest.skip("as root only with TEXTVER_TEST_DEV_STDOUT set")
    r = textver_cmd("compare", *pair, "--format", "json", "-o", name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["format"] == "textver.comparison"  # the report, and only it


def test_output_to_a_fifo_writes_into_it(tmp_path: Path, pair, textver_cmd) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so the writer's open does not block
    try:
        r = textver_cmd("compare", *pair, "--format", "json", "-o", fifo)
        assert r.returncode == 0, r.stderr
        assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced"
        try:
            data = os.read(reader, 1 << 20)
        except BlockingIOError:
            data = b""
    finally:
        os.close(reader)
    assert json.loads(data)["format"] == "textver.comparison"
    assert r.stdout == ""  # no path printed: the report went into the pipe


def test_output_to_a_device_writes_into_it(tmp_path: Path, pair, textver_cmd) -> None:
    null = tmp_path / "null"  # a device node of our own, never the machine's /dev/null
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device node here: {e}")
    r = textver_cmd("compare", *pair, "--format", "html", "-o", null)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode), "the device was replaced by a file"
    assert r.stdout == ""


def test_output_through_a_symlink_keeps_the_link(tmp_path: Path, pair, textver_cmd) -> None:
    target = tmp_path / "reports" / "latest.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "out.json"
    link.symlink_to(target)
    r = textver_cmd("compare", *pair, "--format", "json", "-o", link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "textver.comparison"


# --- item 8: XML and JSON stay parseable ----------------------------------------------------

FORBIDDEN_IN_XML = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"


def test_tei_parses_whatever_the_texts_and_labels_hold() -> None:
    # (texts are decoded strictly, so only names can hold lone surrogates)
    hostile = "".join(f"w{c}x " for c in FORBIDDEN_IN_XML + "\r\x85\x9b" + RLO)
    versions = [
        Version("base", "base.txt", f"Stones fell.\n\nBirds {hostile}flew.\n"),
        Version("lab\x1b\ud800", "b.txt", f"Stones fell {hostile}.\n\nBirds flew.\n"),
        Version(
            "c", "c\x00\uffff.txt", "Stones fell.\n\nBirds flew away.\n", {"publication": "\x01"}
        ),
    ]
    col = collate(versions, base="base")
    tei = to_tei(col)
    root = ET.fromstring(tei.encode("utf-8"))  # raises on anything XML 1.0 forbids
    text = "".join(root.itertext())
    # each forbidden character has its one-character stand-in (readings join words with a
    # plain space, so the controls that are whitespace, such as U+001C, become that space)
    for c in FORBIDDEN_IN_XML:
        if not c.isspace():
            assert f"w{chr(0x2400 + ord(c)) if c < ' ' else chr(0xFFFD)}x" in text, repr(c)
    assert "w\x9bx" in text and f"w{RLO}x" in text and "lab␛\ufffd" in text
    assert_inert(tei)  # C1 and bidi controls as character references
    data = json.loads(json.dumps(to_collatex_json(col)))
    assert data["witnesses"][1] == "lab\x1b\ud800"


def test_tei_and_collatex_json_from_the_command_line(tmp_path: Path, textver_cmd) -> None:
    texts = {
        "base": "Stones fell.\n\nBirds flew over the town.\n",
        "b\udcff": f"Stones fell\x1b[31m \x0b\x0c\ufffe\uffff.\n\nBirds flew {RLO}over town.\n",
        "c": "Stones fell.\n\nBirds flew \x85away.\n",
    }
    files = []
    for name, text in texts.items():
        path = Path(os.fsdecode(bytes(tmp_path) + b"/" + os.fsencode(name) + b".txt"))
        path.write_bytes(text.encode("utf-8"))
        files.append(path)
    r = textver_cmd("compare", *files, "--format", "tei", "--base", "base")
    assert r.returncode == 0, r.stderr
    root = ET.fromstring(r.stdout.encode("utf-8"))
    assert "fell␛[31m \ufffd\ufffd." in "".join(root.itertext())  # \v\f: spaces in a text
    out = tmp_path / "c.json"
    r = textver_cmd("compare", *files, "--format", "collatex-json", "-o", out)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_bytes().decode("utf-8"))
    assert data["witnesses"][1] == "b\udcff"


def test_non_utf8_file_names_in_every_format(tmp_path: Path, textver_cmd) -> None:
    a = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.txt"))
    a.write_text(LEFT, encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text(RIGHT, encoding="utf-8")
    for fmt in ("json", "text", "html"):
        r = subprocess.run(
            [sys.executable, "-m", "textver", "compare", a, b, "--format", fmt, "-o", "-"],
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            cwd=tmp_path,
            timeout=120,
        )
        assert r.returncode == 0, r.stderr
        out = r.stdout.decode("utf-8")  # strict: no lone surrogate reached the output
        if fmt == "json":
            assert json.loads(out)["left"]["label"] == "caf\udce9"
        else:
            assert "caf<0xE9>" in out.replace("&lt;", "<").replace("&gt;", ">")


# --- item 9: unwritable places and undecodable arguments --------------------------------------


def test_unwritable_report_folder_is_a_one_line_error(tmp_path: Path, pair, textver_cmd) -> None:
    (tmp_path / "reports").write_text("a file where the folder would go", encoding="utf-8")
    for cwd in (tmp_path, Path("/proc")):  # /proc: no folder can be made there, even by root
        r = textver_cmd("compare", *pair, cwd=cwd)
        assert r.returncode == 2, r.stderr
        assert r.stderr.startswith("textver: error: reports: cannot make the report folder")
        assert len(r.stderr.splitlines()) == 1


@pytest.mark.parametrize("option", ["--publication", "--title", "--note", "--translator"])
def test_non_utf8_arguments_are_refused(
    option: str, tmp_path: Path, pair, textver_cmd, tree_digest
) -> None:
    store = tmp_path / "versions"
    assert textver_cmd("--store", store, "add", "w", pair[0], "-l", "a").returncode == 0
    before = tree_digest(store)
    r = textver_cmd("--store", store, "add", "w", pair[1], "-l", "b", option, "Caf\udce9")
    assert r.returncode == 2, r.stderr
    assert r.stderr == f"textver: error: {option} Caf<0xE9>: not valid UTF-8 text\n"
    assert tree_digest(store) == before
