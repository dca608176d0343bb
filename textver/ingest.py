"""Turn a file, a web page or a stored reference into a :class:`~textver.version.Version`.

Import is where untrusted input meets textver, so every way it can go wrong (missing, binary,
undecodable, too large, unreachable, not an article) ends in a one-line :class:`TextverError`
that names the file or URL first.  Decoding is always strict: bytes that do not fit the encoding
stop the import instead of being silently replaced, because a mangled text would then be
compared, versioned and reported as if it were what was published.

The stored text is the text: besides removing a byte-order mark and turning CRLF and lone CR
into LF, plain text is kept exactly as read.  For HTML the stored text is the extracted article,
one block (heading, paragraph, quotation, list item, preformatted block) per paragraph.
Typography is folded only when texts are compared (:func:`textver.segment.fold`).
"""

from __future__ import annotations

import codecs
import re
import stat
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urljoin, urlsplit

from textver.errors import TextverError
from textver.version import Version

if TYPE_CHECKING:  # the network modules are imported only when a URL is fetched
    import http.client
    import urllib.request

MAX_INPUT_BYTES = 16 * 1024 * 1024
"""Largest file :func:`load_file` accepts (16 MiB, some 2.7 million words: a hundred books).

Comparing costs about 30 bytes of memory per byte of text, so two files at the limit need
about 1 GB; past it the input is refused with a clear error instead of exhausting memory."""

MAX_URL_BYTES = 16 * 1024 * 1024
"""Default download cap of :func:`fetch_url` (16 MiB); an article page is a few hundred KiB."""

USER_AGENT = "textver/0.1"
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_STORE_REF = re.compile(r"([^\s:/\\]+):([^\s:/\\]+)")

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
    except LookupError:
        return None


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
    if codec is None or _is_wide(codec):  # a BOM-less page cannot really be UTF-16
        return "utf-8"
    return "cp1252" if codec in _WINDOWS_1252_ALIASES else codec


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data, 0, 8192)
    return m.group(1).decode("ascii") if m else None


def _sniff_html(head: str) -> bool:
    return _HTML_START.match(head) is not None


def _decode(
    data: bytes, name: str, *, html: bool | None, encoding: str | None, declared: str | None
) -> tuple[str, bool, dict[str, str]]:
    """Decode ``data`` strictly and decide whether it is HTML.

    The encoding is, in order: ``encoding`` (the user's), a byte-order mark, ``declared`` (an
    HTTP charset), an HTML ``<meta charset>``, UTF-8.  ``html=None`` means sniff the start.
    Returns the normalised text, whether it is HTML, and the meta fields to record.
    """
    meta: dict[str, str] = {}
    skip = 0
    if encoding is not None:
        codec = _codec_name(encoding)
        if codec is None:
            raise TextverError(f"{name}: unknown encoding {encoding!r}")
        meta["encoding"] = codec
    else:
        codec = None
        for bom, bom_codec in _BOMS:
            if data.startswith(bom):
                codec, skip = bom_codec, len(bom)
                break
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
        raise TextverError(
            f"{name}: not valid {what} at byte {offset} (0x{data[offset]:02x}); "
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
    """Read a plain-text or HTML file of at most :data:`MAX_INPUT_BYTES` (16 MiB).

    A file is HTML if its suffix is .html/.htm/.xhtml or it starts like an HTML document; then
    its article text is extracted (``selector`` picks the container; plain text ignores it).
    Text must be UTF-8 unless ``encoding`` says otherwise; the label is the file's stem.
    """
    name = str(path)
    p = Path(path)
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
    if not stat.S_ISREG(st.st_mode):
        raise TextverError(f"{name}: not a regular file")
    if st.st_size > MAX_INPUT_BYTES:
        raise TextverError(f"{name}: {_too_large(st.st_size, MAX_INPUT_BYTES)}")
    try:
        with p.open("rb") as f:
            data = f.read(MAX_INPUT_BYTES + 1)
    except OSError as e:
        raise TextverError(f"{name}: cannot read: {e.strerror or e}") from None
    if len(data) > MAX_INPUT_BYTES:  # it grew since stat
        raise TextverError(f"{name}: {_too_large(len(data), MAX_INPUT_BYTES)}")
    is_html = True if p.suffix.lower() in HTML_SUFFIXES else None
    text, is_html, meta = _decode(data, name, html=is_html, encoding=encoding, declared=None)
    text = _content(text, is_html, name, selector, meta)
    return Version(label=p.stem, source=name, text=text, meta=meta)


def _too_large(size: int, limit: int) -> str:
    mib = f", {limit / 2**20:g} MiB" if limit >= 2**20 else ""
    return f"too large ({size} bytes; the limit is {limit} bytes{mib})"


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
    from textver.extract import extract_html  # BeautifulSoup is loaded only for HTML

    return extract_html(text, selector=selector, source=name)


# --- URLs -------------------------------------------------------------------------------------


def fetch_url(
    url: str,
    *,
    selector: str | None = None,
    timeout: float = 20.0,
    max_bytes: int = MAX_URL_BYTES,
    max_redirects: int = 5,
    encoding: str | None = None,
) -> Version:
    """Download an http(s) page or text and import it as for a file.

    ``timeout`` bounds connecting and each read on the socket; at most ``max_redirects``
    redirects are followed, each to http(s) only; a body over ``max_bytes`` is refused.  The
    charset comes from ``encoding``, the Content-Type header, ``<meta charset>`` or is UTF-8.
    ``meta`` records the final ``url``, the ``retrieved`` time (UTC) and the ``content_type``.
    """
    current = url
    redirects = 0
    while True:
        _check_http_url(url, current)
        status, reason, headers, body = _get(url, current, timeout, max_bytes)
        if status not in _REDIRECT_CODES:
            break
        location = headers.get("Location")
        if not location:
            raise TextverError(f"{url}: HTTP {status} redirect without a Location header")
        if redirects == max_redirects:
            raise TextverError(f"{url}: more than {max_redirects} redirects")
        redirects += 1
        current = urljoin(current, location.strip())
    retrieved = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not 200 <= status < 300:
        problem = " ".join(filter(None, ["HTTP", str(status), reason]))
        where = f" (at {current})" if current != url else ""
        raise TextverError(f"{url}: {problem}{where}")
    content_type = headers.get("Content-Type", "")
    mime = headers.get_content_type() if content_type else None
    if mime is not None and mime not in _HTML_TYPES | _TEXT_TYPES:
        raise TextverError(f"{url}: unsupported content type {mime}; expected HTML or plain text")
    is_html = None if mime is None else mime in _HTML_TYPES
    declared = headers.get_content_charset()
    text, is_html, meta = _decode(body, url, html=is_html, encoding=encoding, declared=declared)
    text = _content(text, is_html, url, selector, meta)
    meta.update(url=current, retrieved=retrieved, content_type=content_type)
    return Version(label=_url_label(current), source=url, text=text, meta=meta)


def _check_http_url(url: str, target: str) -> None:
    via = "" if target == url else f" (redirected to {target})"
    try:
        parts = urlsplit(target)
        _ = parts.port  # reading the port is what rejects "host:abc"
    except ValueError as e:
        raise TextverError(f"{url}: invalid URL ({e}){via}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if not scheme:
            raise TextverError(f"{url}: not an http or https URL{via}")
        raise TextverError(f"{url}: only http and https URLs can be fetched, not {scheme}:{via}")
    if not parts.hostname:
        raise TextverError(f"{url}: no host in the URL{via}")


def _opener() -> urllib.request.OpenerDirector:
    """An opener for http(s) only that returns every status, redirects included, to the caller."""
    import urllib.request

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
    ):
        opener.add_handler(handler)
    return opener


def _get(
    url: str, target: str, timeout: float, max_bytes: int
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
        with _opener().open(request, timeout=timeout) as response:
            status, reason, headers = response.status, response.reason, response.headers
            if status in _REDIRECT_CODES or not 200 <= status < 300:
                return status, reason, headers, b""
            encoding = headers.get("Content-Encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise TextverError(f"{url}: unsupported Content-Encoding {encoding}")
            length = headers.get("Content-Length", "").strip()
            if length.isdigit() and int(length) > max_bytes:
                raise TextverError(f"{url}: {_too_large(int(length), max_bytes)}")
            return status, reason, headers, _read_capped(response, url, max_bytes)
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as e:
        raise TextverError(_network_problem(url, e, timeout)) from None


def _read_capped(response: http.client.HTTPResponse, url: str, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read(min(1 << 16, max_bytes + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise TextverError(f"{url}: too large (over the limit of {max_bytes} bytes)")
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
    timeout: float = 20.0,
) -> Version:
    """Load ``ref``: an http(s) URL, a file path, or ``WORK:LABEL`` of a version in ``store``.

    A path that exists wins over a store reference of the same spelling.
    """
    if _URL_SCHEME.match(ref):
        return fetch_url(ref, selector=selector, encoding=encoding, timeout=timeout)
    if _is_path(ref):
        return load_file(ref, selector=selector, encoding=encoding)
    m = _STORE_REF.fullmatch(ref)
    if m and store is not None:
        return store.get(m.group(1), m.group(2))
    raise TextverError(f"{ref}: no such file, URL or WORK:LABEL")


def _is_path(ref: str) -> bool:
    try:
        return Path(ref).exists()
    except (OSError, ValueError):  # a name too long, or with a NUL, is no file
        return False
