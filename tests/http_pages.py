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


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/article.html": html(ARTICLE),
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
}
