"""Turn a file, a web page or a stored reference into a :class:`~textver.version.Version`.

Import is where untrusted input meets textver, so every way it can go wrong (missing, binary,
undecodable, too large, unreachable, not an article) ends in a one-line :class:`TextverError`
that names the file or URL first.  Decoding is always strict: bytes that do not fit the encoding
stop the import instead of being silently replaced, because a mangled text would then be
compared, versioned and reported as if it were what was published.

The stored text is the text: besides removing a byte-order mark and turning CRLF and lone CR
into LF, plain text is kept exactly as read.  For HTML the stored text is the extracted article,
one block (heading, paragraph, quotation, list item, preformatted block) per paragraph; for
PDF, DOCX and EPUB, what a reader reads (:mod:`textver.formats`).
Typography is folded only when texts are compared (:func:`textver.segment.fold`).
"""

from __future__ import annotations

import codecs
import contextlib
import re
import stat
import sys
import threading
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, Protocol
from urllib.parse import unquote, urljoin, urlsplit

from textver.errors import TextverError, TextverWarning
from textver.version import Version

if TYPE_CHECKING:  # the network modules are imported only when a URL is fetched
    import http.client
    import socket
    import urllib.request

MAX_INPUT_BYTES = 16 * 1024 * 1024
"""Largest file :func:`load_file` accepts (16 MiB, some 2.7 million words: a hundred books).

Comparing costs about 30 bytes of memory per byte of text, so two files at the limit need
about 1 GB; importing HTML at most about 85 per byte of the page (1.4 GB at the limit, see
:mod:`textver.extract`); past it the input is refused with a clear error instead of exhausting
memory."""

MAX_URL_BYTES = 16 * 1024 * 1024
"""Default download cap of :func:`fetch_url` (16 MiB); an article page is a few hundred KiB."""

DEFAULT_TIMEOUT = 20.0
"""Default seconds :func:`fetch_url` waits for a connection or for any data on it."""

DEFAULT_DEADLINE = 60.0
"""Default seconds one URL may take in all: connecting, every redirect and the whole body.

The per-read timeout alone never fires on a server that sends a byte every few seconds; this
bound does.  A minute fetches 16 MiB at about 300 KB/s, far slower than any real server."""

USER_AGENT = "textver/0.1"
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")

# --- decoding ---------------------------------------------------------------------------------

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes below 0x20 that plain text does use; any other control byte suggests binary data.
_TEXT_CONTROLS = b"\t\n\v\f\r\x1b"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS)
_BINARY_SAMPLE = 8192
_BINARY_CONTROL_SHARE = 0.1

_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# HTML's encoding standard reads these labels as windows-1252, which real pages rely on.
_WINDOWS_1252_ALIASES = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_C1_HANDLER = "textver-windows-1252"
# Codecs Python counts as text encodings that no document is written in: they decode escapes,
# host names or nothing at all, and fail in ways a real encoding does not.
_NOT_DOCUMENT_CODECS = frozenset(
    {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape"}
)
# UTF-16/32 without a BOM: for each byte order, the offset of the high byte in a code unit.
_HIGH_BYTE = {"utf-16": {"le": (1, 2), "be": (0, 2)}, "utf-32": {"le": (3, 4), "be": (0, 4)}}
BYTE_ORDER_EVIDENCE = 4
"""How many times more high zero bytes one byte order must show than the other to be chosen,
when BOM-less UTF-16/32 decodes validly both ways (text of mostly ASCII or Latin letters has a
zero high byte in nearly every code unit; text in other scripts may show none either way)."""


def _undefined_as_c1(err: UnicodeError) -> tuple[str, int]:
    """Map the five bytes cp1252 leaves undefined to U+0080..U+009F, as the HTML standard does."""
    assert isinstance(err, UnicodeDecodeError)
    return "".join(chr(b) for b in err.object[err.start : err.end]), err.end


codecs.register_error(_C1_HANDLER, _undefined_as_c1)


def normalize_text(raw: str) -> str:
    """Remove a leading BOM and turn CRLF and lone CR into LF; nothing else is changed."""
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None


def _is_document_codec(codec: str) -> bool:
    """Whether ``codec`` (a known codec's name) decodes bytes to text as a document's encoding.

    rot13, base64, zlib and the like are codecs too, but from bytes to bytes or str to str."""
    info = codecs.lookup(codec)
    return getattr(info, "_is_text_encoding", True) and codec not in _NOT_DOCUMENT_CODECS


def _is_wide(codec: str) -> bool:
    return codec.startswith(("utf-16", "utf-32"))


def _reject_binary(data: bytes, name: str) -> None:
    if b"\0" in data:
        raise TextverError(f"{name}: binary file (it contains NUL bytes), not text or HTML")
    sample = data[:_BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > len(sample) * _BINARY_CONTROL_SHARE:
        raise TextverError(f"{name}: binary file (mostly control bytes), not text or HTML")


def _declared_codec(label: str | None) -> str:
    """The codec for an encoding a document declares; UTF-8 if none or unknown."""
    codec = _codec_name(label) if label else None
    if codec is None or _is_wide(codec) or not _is_document_codec(codec):
        return "utf-8"  # a page whose <meta> could be read as ASCII cannot really be UTF-16
    return "cp1252" if codec in _WINDOWS_1252_ALIASES else codec


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data, 0, 8192)
    return m.group(1).decode("ascii") if m else None


def _sniff_html(head: str) -> bool:
    return _HTML_START.match(head) is not None


def _byte_order(data: bytes, codec: str, name: str) -> str:
    """The byte order of BOM-less ``codec`` ("utf-16" or "utf-32") data, as "utf-16-le" etc.

    Python would assume little-endian and turn big-endian text into other, valid characters.
    An order is kept only if the data decodes strictly in it; when both do, the order whose code
    units have many more zero high bytes wins (:data:`BYTE_ORDER_EVIDENCE`); else it is refused.
    """
    valid = []
    for order in ("le", "be"):
        try:
            data.decode(f"{codec}-{order}")
        except UnicodeDecodeError:
            continue
        valid.append(order)
    if len(valid) == 1:
        return f"{codec}-{valid[0]}"
    if not valid:
        return f"{codec}-le"  # the strict decode then names the first bad byte
    zeros = {order: data[i::step].count(0) for order, (i, step) in _HIGH_BYTE[codec].items()}
    for order, other in (("le", "be"), ("be", "le")):
        if zeros[order] > BYTE_ORDER_EVIDENCE * zeros[other]:
            return f"{codec}-{order}"
    raise TextverError(
        f"{name}: cannot tell the byte order of {codec} text without a byte-order mark; "
        f"pass --encoding {codec}-le or {codec}-be"
    )


def _decode(
    data: bytes, name: str, *, html: bool | None, encoding: str | None, declared: str | None
) -> tuple[str, bool, dict[str, str]]:
    """Decode ``data`` strictly and decide whether it is HTML.

    The encoding is, in order: ``encoding`` (the user's), a byte-order mark, ``declared`` (an
    HTTP charset), an HTML ``<meta charset>``, UTF-8; codecs that are no text encoding (rot13,
    base64) are refused when given and ignored when declared.  The byte order of UTF-16/32
    without a BOM is found by :func:`_byte_order`.  ``html=None`` means sniff the start.
    Returns the normalised text, whether it is HTML, and the meta fields to record.
    """
    meta: dict[str, str] = {}
    skip = 0
    codec = None
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            codec, skip = bom_codec, len(bom)
            break
    if encoding is not None:
        given = _codec_name(encoding)
        if given is None:
            raise TextverError(f"{name}: unknown encoding {encoding!r}")
        if not _is_document_codec(given):
            raise TextverError(f"{name}: {encoding!r} is not a text encoding")
        if given in _HIGH_BYTE and codec is not None and codec.startswith(given):
            given = codec  # the BOM says which byte order; it is not part of the text
        else:
            skip = 0
        codec = given
    elif codec is None and declared is not None:
        http_codec = _codec_name(declared)
        if http_codec is not None and _is_wide(http_codec):
            codec = http_codec  # an HTTP charset, unlike <meta>, can say UTF-16
    if codec in _HIGH_BYTE:
        codec = _byte_order(data, codec, name)
    if encoding is not None:
        assert codec is not None  # the given encoding, checked above
        meta["encoding"] = codec
    if codec is None or not _is_wide(codec):
        _reject_binary(data, name)
    if codec is None:
        if html is None:
            html = _sniff_html(data[:4096].decode("latin-1"))  # ASCII-compatible; only sniffed
        codec = _declared_codec(declared or (_meta_charset(data) if html else None))
    if codec != "utf-8":
        meta["encoding"] = codec
    errors = _C1_HANDLER if codec == "cp1252" else "strict"
    try:
        text = data[skip:].decode(codec, errors)
    except UnicodeDecodeError as e:
        offset = skip + e.start
        what = "UTF-8" if codec == "utf-8" else codec
        byte = f" (0x{data[offset]:02x})" if offset < len(data) else ""
        raise TextverError(
            f"{name}: not valid {what} at byte {offset}{byte}; "
            "pass --encoding (e.g. cp1252 or latin-1) if it uses another encoding"
        ) from None
    text = normalize_text(text)
    if html is None:
        html = _sniff_html(text[:4096])
    if not text.strip():
        problem = "empty" if not text else "only whitespace"
        raise TextverError(f"{name}: {problem}, nothing to import")
    return text, html, meta


# --- files ------------------------------------------------------------------------------------


def load_file(
    path: str | Path, *, selector: str | None = None, encoding: str | None = None
) -> Version:
    """Read a plain-text, HTML, PDF, DOCX or EPUB file of at most :data:`MAX_INPUT_BYTES`.

    Documents are recognised by content and read by :mod:`textver.formats`.  Otherwise a file
    is HTML if its suffix is .html/.htm/.xhtml or it starts like an HTML document; then
    its article text is extracted (``selector`` picks the container; plain text ignores it).
    Text must be UTF-8 unless ``encoding`` says otherwise; the label is the file's stem.
    """
    name = str(path)
    p = Path(path)
    if name == "-":  # standard input: read once, as far as the limit allows
        data, label = _read_stream(sys.stdin.buffer, name), "stdin"
    else:
        data, label = _read_file(p, name), p.stem
    document = _document(data, name, suffix=p.suffix.lower())
    if document is not None:
        return Version(label=label, source=name, text=document[0], meta=document[1])
    is_html = True if p.suffix.lower() in HTML_SUFFIXES else None
    text, is_html, meta = _decode(data, name, html=is_html, encoding=encoding, declared=None)
    text = _content(text, is_html, name, selector, meta)
    return Version(label=label, source=name, text=text, meta=meta)


def _read_file(p: Path, name: str) -> bytes:
    try:
        st = p.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise TextverError(f"{name}: no such file") from None
    except ValueError:  # a NUL in the name
        raise TextverError(f"{name}: not a valid file name") from None
    except OSError as e:
        raise TextverError(f"{name}: cannot read: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise TextverError(f"{name}: is a directory, not a file")
    # A pipe or other stream (``<(git show REV:file)``) is read once, as far as the limit.
    if stat.S_ISREG(st.st_mode) and st.st_size > MAX_INPUT_BYTES:
        raise TextverError(f"{name}: {_too_large(st.st_size, MAX_INPUT_BYTES)}")
    try:
        with p.open("rb") as f:
            return _read_stream(f, name)
    except OSError as e:
        raise TextverError(f"{name}: cannot read: {e.strerror or e}") from None


def _read_stream(f: BinaryIO, name: str) -> bytes:
    """At most :data:`MAX_INPUT_BYTES` from ``f``; more (a file that grew since it was
    measured, or a stream) is refused."""
    chunks, size = [], 0
    while size <= MAX_INPUT_BYTES and (chunk := f.read(MAX_INPUT_BYTES + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_INPUT_BYTES:
        raise TextverError(f"{name}: too large (over the limit of {MAX_INPUT_BYTES} bytes)")
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> str:
    mib = f", {limit / 2**20:g} MiB" if limit >= 2**20 else ""
    return f"too large ({size} bytes; the limit is {limit} bytes{mib})"


def _document(
    data: bytes, name: str, *, suffix: str = "", mime: str | None = None
) -> tuple[str, dict[str, str]] | None:
    """The text and provenance of a PDF, DOCX or EPUB document, or None for text or HTML.

    The format is recognised by content (:func:`textver.formats.sniff`); the file's suffix or
    the Content-Type only make content that contradicts them an error."""
    from textver import formats

    hint = formats.SUFFIXES.get(suffix) or formats.MIME_TYPES.get(mime or "")
    fmt = formats.sniff(data, name, hint=hint)
    if fmt is None:
        return None
    return formats.read_document(data, fmt, name), {"format": str(fmt)}


def _content(
    text: str, is_html: bool, name: str, selector: str | None, meta: dict[str, str]
) -> str:
    """The text to store (an HTML document's article, plain text as it is); notes its format."""
    if not is_html:
        meta["format"] = "text"
        return text
    meta["format"] = "html"
    if selector is not None:
        meta["selector"] = selector
    from textver.extract import extract_article  # lxml is loaded only for HTML

    article = extract_article(text, selector=selector, source=name)
    meta["extractor"] = article.extractor.value
    meta.update(article.metadata)
    if article.metadata:
        meta["from_page"] = ", ".join(article.metadata)
    if article.warning:
        warnings.warn(TextverWarning(article.warning), stacklevel=2)
    return article.text


def merge_meta(page: dict[str, str], given: dict[str, str]) -> dict[str, str]:
    """An import's metadata ``page`` with the user's ``given`` values laid over it.

    ``from_page`` then names only the fields whose value is still the one read from the page.
    """
    merged = {**page, **given}
    if "from_page" in page and "from_page" not in given:
        kept = [k for k in page["from_page"].split(", ") if k not in given]
        merged["from_page"] = ", ".join(kept)
        if not kept:
            del merged["from_page"]
    return merged


# --- URLs -------------------------------------------------------------------------------------


def fetch_url(
    url: str,
    *,
    selector: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    max_bytes: int = MAX_URL_BYTES,
    max_redirects: int = 5,
    encoding: str | None = None,
) -> Version:
    """Download an http(s) page or text and import it as for a file.

    ``timeout`` bounds connecting and each read on the socket, ``deadline`` the whole fetch,
    redirects included; at most ``max_redirects`` redirects are followed, each to http(s) only;
    a body over ``max_bytes`` is refused, and so is one shorter than its Content-Length or
    whose chunks do not end.  URLs with credentials are refused (they would be stored).  The
    charset comes from ``encoding``, the Content-Type header, ``<meta charset>`` or is UTF-8.
    ``meta`` records the final ``url``, the ``retrieved`` time (UTC) and the ``content_type``.
    """
    for name, seconds in (("timeout", timeout), ("deadline", deadline)):
        if not seconds > 0:  # NaN too
            raise TextverError(f"{url}: the {name} must be a positive number of seconds")
    current = url
    redirects = 0
    with _Deadline(url, deadline) as clock:
        while True:
            _check_http_url(url, current)
            status, reason, headers, body = _get(url, current, timeout, max_bytes, clock)
            if status not in _REDIRECT_CODES:
                break
            location = headers.get("Location")
            if not location:
                raise TextverError(f"{url}: HTTP {status} redirect without a Location header")
            if redirects == max_redirects:
                raise TextverError(f"{url}: more than {max_redirects} redirects")
            redirects += 1
            try:
                current = urljoin(current, location.strip())
            except ValueError as e:  # e.g. "Invalid IPv6 URL" for an unbalanced bracket
                target = _redact(location.strip())
                raise TextverError(f"{url}: invalid redirect to {target!r} ({e})") from None
    retrieved = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not 200 <= status < 300:
        problem = " ".join(filter(None, ["HTTP", str(status), reason]))
        where = f" (at {current})" if current != url else ""
        raise TextverError(f"{url}: {problem}{where}")
    content_type = headers.get("Content-Type", "")
    mime = _mime_type(content_type)
    document = _document(body, url, mime=mime)  # a URL's suffix says little: not a hint
    if document is not None:
        meta = document[1] | {"url": current, "retrieved": retrieved, "content_type": content_type}
        return Version(label=_url_label(current), source=url, text=document[0], meta=meta)
    if mime is not None and mime not in _HTML_TYPES | _TEXT_TYPES:
        raise TextverError(
            f"{url}: unsupported content type {mime}; expected HTML, plain text, PDF, DOCX or EPUB"
        )
    is_html = None if mime is None else mime in _HTML_TYPES
    declared = headers.get_content_charset()
    text, is_html, meta = _decode(body, url, html=is_html, encoding=encoding, declared=declared)
    text = _content(text, is_html, url, selector, meta)
    meta.update(url=current, retrieved=retrieved, content_type=content_type)
    return Version(label=_url_label(current), source=url, text=text, meta=meta)


def _mime_type(content_type: str) -> str | None:
    """The MIME type of a Content-Type header, or None if it is missing or malformed.

    The email parser would read a malformed type ("html", "text html") as text/plain and so
    store a page's markup as its text; like a browser, textver sniffs the body instead."""
    mime = content_type.split(";", 1)[0].strip().lower()
    kind, slash, sub = mime.partition("/")
    if not slash or not kind or not sub or "/" in sub or any(c.isspace() for c in mime):
        return None
    return mime


class _Deadline:
    """The total time one fetch may take; at the end, a watchdog shuts its sockets.

    Shutting a socket wakes a read blocked on it at once, which no per-read timeout can do for
    a server that trickles bytes.  Connections opened through :func:`_opener` register here.
    """

    def __init__(self, url: str, seconds: float) -> None:
        self.url = url
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer: threading.Timer | None = None
        if seconds < threading.TIMEOUT_MAX:  # else it is no limit at all (inf)
            self._timer = threading.Timer(seconds, self._expire)
            self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        if self._timer is not None:
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _expire(self) -> None:
        import socket

        with self._lock:
            self.expired = True
            for sock in self._sockets:
                # the base class's shutdown, so that TLS state is not touched from here
                with contextlib.suppress(OSError):  # already closed
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def check(self) -> None:
        """Raise the deadline's error if it has passed."""
        if self.expired or time.monotonic() >= self._end:
            raise TextverError(f"{self.url}: took longer than {self.seconds:g} s in all")

    def clamp(self, timeout: float | None) -> float | None:
        """``timeout`` cut down to the time left (for connecting); raises if none is left.

        None (wait as long as it takes) when both are too large for the socket to take."""
        self.check()
        left = self._end - time.monotonic()
        limit = left if timeout is None else min(timeout, left)
        return None if limit >= threading.TIMEOUT_MAX else limit

    def watch(self, sock: socket.socket) -> None:
        import socket

        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _redact(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
    except ValueError:
        return re.sub(r"(//[^/:@]*:)[^/@]*@", r"\1***@", url)
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


def _check_http_url(url: str, target: str) -> None:
    via = "" if target == url else f" (redirected to {_redact(target)})"
    try:
        parts = urlsplit(target)
        _ = parts.port  # reading the port is what rejects "host:abc"
    except ValueError as e:
        raise TextverError(f"{_redact(url)}: invalid URL ({e}){via}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if not scheme:
            raise TextverError(f"{url}: not an http or https URL{via}")
        raise TextverError(f"{url}: only http and https URLs can be fetched, not {scheme}:{via}")
    if not parts.hostname:
        raise TextverError(f"{url}: no host in the URL{via}")
    if parts.username is not None or parts.password is not None:
        # urllib would take "user:pw@host" for a host name; sending them as HTTP Basic auth
        # would put the password into the store's metadata and every report of the edition.
        raise TextverError(
            f"{_redact(url)}: URLs with a user name or password are not fetched (they would be "
            f"stored with the edition); remove the 'user:...@' part{via}"
        )


def _opener(clock: _Deadline) -> urllib.request.OpenerDirector:
    """An opener for http(s) only that returns every status, redirects included, to the caller.

    Its connections connect within the time ``clock`` leaves and register their sockets there.
    """
    import urllib.request

    def watched(base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        class Watched(base):  # type: ignore[valid-type,misc]
            timeout: float | None  # the base's attribute, which a dynamic base hides from mypy

            def connect(self) -> None:
                self.timeout = clock.clamp(self.timeout)
                super().connect()
                clock.watch(self.sock)

        return Watched

    class HTTPHandler(urllib.request.HTTPHandler):
        def do_open(self, http_class, req, **kwargs):  # type: ignore[no-untyped-def]
            return super().do_open(watched(http_class), req, **kwargs)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def do_open(self, http_class, req, **kwargs):  # type: ignore[no-untyped-def]
            return super().do_open(watched(http_class), req, **kwargs)

    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), HTTPHandler(), HTTPSHandler()):
        opener.add_handler(handler)
    return opener


def _get(
    url: str, target: str, timeout: float, max_bytes: int, clock: _Deadline
) -> tuple[int, str, http.client.HTTPMessage, bytes]:
    """One GET of ``target``: status, reason, headers and body (empty for a redirect)."""
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        target,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        },
    )
    try:
        with _opener(clock).open(request, timeout=timeout) as response:
            status, reason, headers = response.status, response.reason, response.headers
            if status in _REDIRECT_CODES or not 200 <= status < 300:
                return status, reason, headers, b""
            encoding = headers.get("Content-Encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise TextverError(f"{url}: unsupported Content-Encoding {encoding}")
            # http.client de-chunks only "chunked" alone; anything else would be read raw
            transfer = headers.get("Transfer-Encoding", "").strip().lower()
            if transfer not in ("", "identity", "chunked"):
                raise TextverError(f"{url}: unsupported Transfer-Encoding {transfer}")
            length = headers.get("Content-Length", "").strip()
            if length.isdigit() and int(length) > max_bytes:
                raise TextverError(f"{url}: {_too_large(int(length), max_bytes)}")
            body = _read_capped(response, url, max_bytes, clock)
            declared = int(length) if length.isdigit() and not response.chunked else None
            if declared is not None and len(body) < declared:
                raise TextverError(
                    f"{url}: download cut short ({len(body)} of {declared} bytes received)"
                )
            return status, reason, headers, body
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as e:
        clock.check()  # a socket the deadline shut fails in any of these ways
        raise TextverError(_network_problem(url, e, timeout)) from None


def _read_capped(
    response: http.client.HTTPResponse, url: str, max_bytes: int, clock: _Deadline
) -> bytes:
    """The body, at most ``max_bytes`` of it; a chunked body must end with its last chunk."""
    import http.client

    chunks: list[bytes] = []
    total = 0
    try:
        while chunk := response.read(min(1 << 16, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise TextverError(f"{url}: too large (over the limit of {max_bytes} bytes)")
    except http.client.IncompleteRead as e:  # only chunked bodies raise it on a short read
        clock.check()
        got = total + len(e.partial)
        raise TextverError(
            f"{url}: download cut short ({got} bytes received; the chunked body has no end)"
        ) from None
    clock.check()  # the deadline's shutdown ends a read like the server closing
    return b"".join(chunks)


def _network_problem(url: str, exc: Exception, timeout: float) -> str:
    import http.client
    import socket
    import ssl
    import urllib.error

    reason: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        problem = f"timed out after {timeout:g} s"
    elif isinstance(reason, ConnectionRefusedError):
        problem = "connection refused"
    elif isinstance(reason, socket.gaierror):
        problem = f"cannot resolve host {urlsplit(url).hostname}"
    elif isinstance(reason, ssl.SSLError):
        problem = f"TLS error: {reason}"
    elif isinstance(reason, http.client.InvalidURL):
        problem = f"invalid URL: {reason}"
    elif isinstance(reason, http.client.HTTPException):
        problem = f"bad HTTP response ({type(reason).__name__}: {reason})"
    elif isinstance(reason, OSError):
        problem = f"network error: {reason.strerror or reason}"
    elif isinstance(reason, ValueError):  # e.g. a host name IDNA cannot encode
        problem = f"invalid URL: {reason}"
    else:
        problem = str(reason)
    return f"{url}: " + " ".join(problem.split())


def _url_label(url: str) -> str:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    stem = PurePosixPath(unquote(segments[-1])).stem if segments else ""
    return stem or parts.hostname or "page"


# --- any reference ----------------------------------------------------------------------------


class _Store(Protocol):
    def get(self, work: str, label: str) -> Version: ...


def load(
    ref: str,
    *,
    store: _Store | None = None,
    selector: str | None = None,
    encoding: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
) -> Version:
    """Load ``ref``: an http(s) URL, a file path, or ``WORK:LABEL`` of a version in ``store``.

    A path that exists wins over a store reference of the same spelling.
    """
    if _URL_SCHEME.match(ref):
        return fetch_url(
            ref, selector=selector, encoding=encoding, timeout=timeout, deadline=deadline
        )
    if ref == "-" or _is_path(ref):
        return load_file(ref, selector=selector, encoding=encoding)
    from textver.provenance import parse_ref

    parsed = parse_ref(ref)
    if parsed and parsed.label and store is not None:
        return store.get(parsed.work, parsed.label)
    raise TextverError(f"{ref}: no such file, URL or WORK:LABEL")


def _is_path(ref: str) -> bool:
    try:
        return Path(ref).exists()
    except (OSError, ValueError):  # a name too long, or with a NUL, is no file
        return False
