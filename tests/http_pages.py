"""A throwaway HTTP server on the loopback interface serving the pages URL tests need.

The pages are ours: articles written for the tests, and the awkward answers a real server may
give (errors, stalls, redirect loops, wrong content types, oversize bodies).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLE = (Path(__file__).parent / "data" / "article.html").read_bytes()
SLOW_SECONDS = 3.0  # how long the slow handlers stall at most; clients give up after 0.5 s
TRICKLE_BYTES = 8


class Server(ThreadingHTTPServer):
    daemon_threads = True
    release: threading.Event
    user_agents: list[str]


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.user_agents.append(self.headers.get("User-Agent", ""))
        route = ROUTES.get(self.path)
        if route is None and self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            target = f"/hop/{left - 1}" if left else "/article.html"
            route = lambda h: h.send(302, headers={"Location": target})  # noqa: E731
        if route is None:
            self.send(404, b"not here", {"Content-Type": "text/plain"})
            return
        # The client may have given up first, as the timeout tests intend.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self)


def html(body: bytes, charset: str = "; charset=utf-8") -> Callable[[Handler], None]:
    return lambda h: h.send(200, body, {"Content-Type": f"text/html{charset}"})


def stall_then_send(h: Handler) -> None:
    h.server.release.wait(SLOW_SECONDS)
    h.send(200, b"<p>too late</p>", {"Content-Type": "text/html"})


def stall_mid_body(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.end_headers()
    h.wfile.write(b"The first half arrives")
    h.wfile.flush()
    h.server.release.wait(SLOW_SECONDS)
    h.wfile.write(b" and the rest never does in time.")


def unsized(h: Handler) -> None:  # HTTP/1.0: the body ends when the connection closes
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.end_headers()
    h.wfile.write(b"x" * 5000)


FRAGMENT = b"<p>Only the first part of the article arrives before the server goes away, so"


def short_body(h: Handler) -> None:  # promises 5000 bytes, sends the fragment, closes
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "5000")
    h.end_headers()
    h.wfile.write(FRAGMENT)


def chunks(h: Handler, *pieces: bytes) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    for piece in pieces:
        h.wfile.write(piece)


def trickle(h: Handler) -> None:
    """Send 8 bytes, one every 0.2 s: each read is quick, the whole takes 1.6 s."""
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.end_headers()
    for _ in range(TRICKLE_BYTES):
        h.wfile.write(b"x")
        h.wfile.flush()
        if h.server.release.wait(0.2):
            return


def trickle_headers(h: Handler) -> None:
    """A status line, then a header one byte every 0.2 s: the body never starts in time."""
    h.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
    for _ in range(TRICKLE_BYTES):
        h.wfile.write(b"z")
        h.wfile.flush()
        if h.server.release.wait(0.2):
            return
    h.wfile.write(b"\r\nContent-Type: text/plain\r\n\r\nlate")


def trickle_redirect(h: Handler) -> None:
    """A redirect that takes 0.4 s to come, to the trickling page."""
    h.server.release.wait(0.4)
    h.send(302, headers={"Location": "/trickle"})


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/article.html": html(ARTICLE),
    "/news.html": html((Path(__file__).parent / "data" / "pages" / "news.html").read_bytes()),
    "/notes.txt": lambda h: h.send(
        200,
        b"Tide tables\r\n\r\nHigh water at six.\r\n",
        {"Content-Type": "text/plain; charset=utf-8"},
    ),
    "/untyped": lambda h: h.send(200, b"<!doctype html><p>Sniffed page</p>"),
    "/server-error": lambda h: h.send(500, b"boom", {"Content-Type": "text/plain"}),
    "/slow": stall_then_send,
    "/slow-body": stall_mid_body,
    "/report.pdf": lambda h: h.send(
        200, b"%PDF-1.4\n%\xe2\xe3\n", {"Content-Type": "application/pdf"}
    ),
    "/photo.png": lambda h: h.send(200, b"\x89PNG\r\n\x1a\n", {"Content-Type": "image/png"}),
    "/to-ftp": lambda h: h.send(302, headers={"Location": "ftp://127.0.0.1/secret.txt"}),
    "/to-file": lambda h: h.send(301, headers={"Location": "file:///etc/passwd"}),
    "/nowhere": lambda h: h.send(302),
    "/moved": lambda h: h.send(307, headers={"Location": "missing"}),
    "/big-declared": lambda h: h.send(200, b"y" * 5000, {"Content-Type": "text/plain"}),
    "/big-unsized": unsized,
    "/latin1": html(b"<p>Caf\xe9 \x92Mill\x92 \xa9 1890</p>", "; charset=iso-8859-1"),
    "/latin-1": html(b"<p>Caf\xe9 \x92Mill\x92 \xa9 1890</p>", '; charset="latin-1"'),
    "/meta-charset": html(b'<meta charset="koi8-r"><p>\xf7\xcf\xc4\xc1</p>', ""),
    "/bad-utf8": lambda h: h.send(
        200, b"fine\n\xc3(", {"Content-Type": "text/plain; charset=utf-8"}
    ),
    "/empty": html(b""),
    "/short-body": short_body,
    "/chunked": lambda h: chunks(h, b"%x\r\n%s\r\n0\r\n\r\n" % (len(FRAGMENT), FRAGMENT)),
    "/chunked-unterminated": lambda h: chunks(h, b"%x\r\n%s\r\n" % (len(FRAGMENT), FRAGMENT)),
    "/chunked-cut": lambda h: chunks(h, b"%x\r\n%s" % (len(FRAGMENT) + 50, FRAGMENT)),
    "/gzip-chunked": lambda h: h.send(
        200, b"5\r\nhello\r\n0\r\n\r\n", {"Transfer-Encoding": "gzip, chunked"}
    ),
    "/trickle": trickle,
    "/trickle-headers": trickle_headers,
    "/trickle-redirect": trickle_redirect,
    "/charset-rot13": html(b"<p>Gur zvyy</p>", "; charset=rot13"),
    "/charset-base64": html(b"<p>The mill</p>", "; charset=base64"),
    "/meta-rot13": html(b'<meta charset="rot13"><p>The mill</p>', ""),
    "/utf16be": lambda h: h.send(
        200, "Tide tables\n".encode("utf-16-be"), {"Content-Type": "text/plain; charset=utf-16"}
    ),
    "/to-bracket": lambda h: h.send(302, headers={"Location": "http://[127.0.0.1/x]"}),
    "/to-credentials": lambda h: h.send(
        302, headers={"Location": "http://user:pw@127.0.0.1:1/secret"}
    ),
    "/bad-type": lambda h: h.send(
        200, b"<!doctype html><p>Typed <b>badly</b></p>", {"Content-Type": "html"}
    ),
    "/bad-type-text": lambda h: h.send(200, b"Plain words.\n", {"Content-Type": "nonsense"}),
}
