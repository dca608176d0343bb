"""Fetching pages over HTTP from a throwaway server on the loopback interface."""

from __future__ import annotations

import re
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.http_pages import FRAGMENT, SLOW_SECONDS, TRICKLE_BYTES, Server
from textver.errors import TextverError
from textver.ingest import fetch_url, load


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep requests on the loopback interface even where a proxy is configured."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("no_proxy", "*")


def error_of(url: str, **kwargs: object) -> str:
    with pytest.raises(TextverError) as info:
        fetch_url(url, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{url}: ")
    return message[len(url) + 2 :]


def test_html_article(base: str, server: Server) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    v = fetch_url(f"{base}/article.html")
    assert v.text.startswith("The Tide Mill of Orrin Bay\n\nFor two centuries the mill")
    assert v.text.endswith("high water  06:10\nlow water   12:25")
    assert "alert" not in v.text and "Great post" not in v.text
    assert v.label == "article"
    assert v.source == f"{base}/article.html"
    assert v.meta["url"] == f"{base}/article.html"
    assert v.meta["content_type"] == "text/html; charset=utf-8"
    assert v.meta["format"] == "html"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v.meta["retrieved"])
    retrieved = datetime.strptime(v.meta["retrieved"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= retrieved <= datetime.now(UTC) + timedelta(seconds=1)
    assert server.user_agents[-1] == "textver/0.1"


def test_same_text_as_the_saved_file(base: str) -> None:
    fetched = fetch_url(f"{base}/article.html", selector="blockquote")
    saved = load(str(Path(__file__).parent / "data" / "article.html"), selector="blockquote")
    assert fetched.text == saved.text
    assert fetched.meta["selector"] == "blockquote"


def test_plain_text(base: str) -> None:
    v = load(f"{base}/notes.txt")
    assert v.text == "Tide tables\n\nHigh water at six.\n"
    assert v.meta["format"] == "text"
    assert v.meta["content_type"] == "text/plain; charset=utf-8"
    assert v.label == "notes"


def test_missing_content_type_is_sniffed(base: str) -> None:
    v = fetch_url(f"{base}/untyped")
    assert (v.text, v.meta["format"], v.meta["content_type"]) == ("Sniffed page", "html", "")


@pytest.mark.parametrize(
    ("path", "problem"),
    [("/missing", "HTTP 404 Not Found"), ("/server-error", "HTTP 500 Internal Server Error")],
)
def test_http_errors(base: str, path: str, problem: str) -> None:
    assert error_of(f"{base}{path}") == problem


def test_http_error_after_a_redirect_names_where(base: str) -> None:
    assert error_of(f"{base}/moved") == f"HTTP 404 Not Found (at {base}/missing)"


def test_slow_server_times_out(base: str) -> None:
    started = time.monotonic()
    assert error_of(f"{base}/slow", timeout=0.5) == "timed out after 0.5 s"
    assert time.monotonic() - started < SLOW_SECONDS - 1


def test_stalled_body_times_out(base: str) -> None:
    started = time.monotonic()
    assert error_of(f"{base}/slow-body", timeout=0.5) == "timed out after 0.5 s"
    assert time.monotonic() - started < SLOW_SECONDS - 1


def test_connection_refused() -> None:
    with socket.socket() as s:  # a port that was free a moment ago and has no listener now
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert error_of(f"http://127.0.0.1:{port}/", timeout=2) == "connection refused"


@pytest.mark.parametrize(("path", "mime"), [("/photo.png", "image/png")])
def test_unsupported_content_type(base: str, path: str, mime: str) -> None:
    problem = error_of(f"{base}{path}")
    assert problem == (
        f"unsupported content type {mime}; expected HTML, plain text, PDF, DOCX or EPUB"
    )


def test_redirects_are_followed_up_to_the_limit(base: str) -> None:
    v = fetch_url(f"{base}/hop/2", max_redirects=3)  # /hop/2 -> /hop/1 -> /hop/0 -> article
    assert v.meta["url"] == f"{base}/article.html"
    assert v.source == f"{base}/hop/2"
    assert v.text.startswith("The Tide Mill of Orrin Bay")


def test_too_many_redirects(base: str) -> None:
    assert error_of(f"{base}/hop/3", max_redirects=3) == "more than 3 redirects"
    assert error_of(f"{base}/hop/0", max_redirects=0) == "more than 0 redirects"


@pytest.mark.parametrize(
    ("path", "target"),
    [("/to-ftp", "ftp://127.0.0.1/secret.txt"), ("/to-file", "file:///etc/passwd")],
)
def test_redirect_to_another_scheme_is_refused(base: str, path: str, target: str) -> None:
    scheme = target.split(":")[0]
    problem = error_of(f"{base}{path}")
    expected = f"only http and https URLs can be fetched, not {scheme}: (redirected to {target})"
    assert problem == expected


def test_redirect_without_location(base: str) -> None:
    assert error_of(f"{base}/nowhere") == "HTTP 302 redirect without a Location header"


def test_declared_oversize_body_is_refused(base: str) -> None:
    problem = error_of(f"{base}/big-declared", max_bytes=1000)
    assert problem.startswith("too large (5000 bytes; the limit is 1000 bytes")


def test_undeclared_oversize_body_is_cut_off(base: str) -> None:
    problem = error_of(f"{base}/big-unsized", max_bytes=1000)
    assert problem == "too large (over the limit of 1000 bytes)"
    assert fetch_url(f"{base}/big-unsized", max_bytes=5000).text == "x" * 5000


@pytest.mark.parametrize("path", ["/latin1", "/latin-1"])
def test_latin1_page_is_read_as_windows_1252(base: str, path: str) -> None:
    v = fetch_url(f"{base}{path}")
    assert v.text == "Caf\u00e9 \u2019Mill\u2019 \u00a9 1890"
    assert v.meta["encoding"] == "cp1252"


def test_meta_charset(base: str) -> None:
    v = fetch_url(f"{base}/meta-charset")
    assert v.text == "\u0412\u043e\u0434\u0430"
    assert v.meta["encoding"] == "koi8-r"


def test_undecodable_body(base: str) -> None:
    problem = error_of(f"{base}/bad-utf8")
    assert problem.startswith("not valid UTF-8 at byte 5 (0xc3)")
    v = fetch_url(f"{base}/bad-utf8", encoding="latin-1")
    assert v.text == "fine\n\u00c3("


def test_empty_page(base: str) -> None:
    assert error_of(f"{base}/empty") == "empty, nothing to import"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://127.0.0.1/a.txt", "only http and https URLs can be fetched, not ftp:"),
        ("javascript:alert(1)", "only http and https URLs can be fetched, not javascript:"),
        ("127.0.0.1/page", "not an http or https URL"),
        ("http:///path-only", "no host in the URL"),
        ("http://host:abc/", "invalid URL"),
        ("http://exa mple.org/", "invalid URL"),
    ],
)
def test_only_valid_http_urls(url: str, problem: str) -> None:
    assert error_of(url, timeout=2).startswith(problem)


# --- bodies cut short, deadlines, hostile headers ----------------------------------------------


def test_complete_chunked_body(base: str) -> None:
    assert fetch_url(f"{base}/chunked").text.startswith("Only the first part")


@pytest.mark.parametrize("path", ["/short-body", "/chunked-unterminated", "/chunked-cut"])
def test_body_cut_short_is_refused(base: str, path: str) -> None:
    assert error_of(f"{base}{path}", timeout=2).startswith("download cut short")


def test_unsupported_transfer_encoding_is_refused(base: str) -> None:
    assert error_of(f"{base}/gzip-chunked") == "unsupported Transfer-Encoding gzip, chunked"


def test_short_body_names_the_sizes(base: str) -> None:
    problem = error_of(f"{base}/short-body", timeout=2)
    assert problem == f"download cut short ({len(FRAGMENT)} of 5000 bytes received)"


def test_total_deadline_stops_a_trickling_server(base: str) -> None:
    started = time.monotonic()
    assert error_of(f"{base}/trickle", timeout=2, deadline=0.6) == "took longer than 0.6 s in all"
    assert time.monotonic() - started < SLOW_SECONDS - 1


@pytest.mark.parametrize("name", ["timeout", "deadline"])
def test_limits_must_be_positive(base: str, name: str) -> None:
    for value in (0.0, -1.0, float("nan")):
        problem = error_of(f"{base}/notes.txt", **{name: value})
        assert problem == f"the {name} must be a positive number of seconds"


def test_infinite_limits_mean_no_limit(base: str) -> None:
    v = fetch_url(f"{base}/notes.txt", timeout=float("inf"), deadline=float("inf"))
    assert v.text == "Tide tables\n\nHigh water at six.\n"


def test_total_deadline_covers_slow_headers(base: str) -> None:
    started = time.monotonic()
    problem = error_of(f"{base}/trickle-headers", timeout=2, deadline=0.6)
    assert problem == "took longer than 0.6 s in all"
    assert time.monotonic() - started < SLOW_SECONDS - 1


def test_total_deadline_covers_redirects(base: str) -> None:
    started = time.monotonic()
    problem = error_of(f"{base}/trickle-redirect", timeout=2, deadline=0.6)
    assert problem == "took longer than 0.6 s in all"
    assert time.monotonic() - started < SLOW_SECONDS - 1


def test_trickle_within_the_deadline_is_read(base: str) -> None:
    v = fetch_url(f"{base}/trickle", timeout=1, deadline=SLOW_SECONDS + 2)
    assert v.text == "x" * TRICKLE_BYTES


@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib_codec", "hex", "idna", "undefined"])
def test_non_text_encoding_is_refused(base: str, encoding: str) -> None:
    problem = error_of(f"{base}/notes.txt", encoding=encoding)
    assert problem == f"{encoding!r} is not a text encoding"


@pytest.mark.parametrize("path", ["/charset-rot13", "/charset-base64", "/meta-rot13"])
def test_declared_non_text_charset_is_ignored(base: str, path: str) -> None:
    v = fetch_url(f"{base}{path}")
    assert v.text in ("Gur zvyy", "The mill")
    assert "encoding" not in v.meta  # read as UTF-8, the default


def test_http_charset_utf16_without_bom(base: str) -> None:
    v = fetch_url(f"{base}/utf16be")
    assert (v.text, v.meta["encoding"]) == ("Tide tables\n", "utf-16-be")


def test_redirect_to_an_invalid_url(base: str) -> None:
    problem = error_of(f"{base}/to-bracket")
    assert problem.startswith("invalid redirect to 'http://[127.0.0.1/x]'")


def test_credentials_in_a_url_are_refused(base: str) -> None:
    url = base.replace("http://", "http://user:pw@") + "/article.html"
    with pytest.raises(TextverError) as info:
        fetch_url(url)
    message = str(info.value)
    assert "pw" not in message and "\n" not in message
    assert message.endswith(
        ": URLs with a user name or password are not fetched "
        "(they would be stored with the edition); remove the 'user:...@' part"
    )


def test_redirect_to_credentials_is_refused(base: str) -> None:
    problem = error_of(f"{base}/to-credentials")
    assert problem.startswith("URLs with a user name or password are not fetched")
    assert "pw" not in problem


def test_invalid_content_type_is_sniffed(base: str) -> None:
    v = fetch_url(f"{base}/bad-type")
    assert (v.text, v.meta["format"], v.meta["content_type"]) == ("Typed badly", "html", "html")
    v = fetch_url(f"{base}/bad-type-text")
    assert (v.text, v.meta["format"]) == ("Plain words.\n", "text")
