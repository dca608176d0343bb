"""Documents that are not text: PDF, Word (DOCX) and EPUB, recognised by their bytes.

A file's name or a server's Content-Type may be wrong (a PDF saved as ``download``, an e-book
served as ``application/octet-stream``), so the format is read from the content: ``%PDF-`` near
the start, or a ZIP archive holding ``word/document.xml`` (DOCX) or a ``mimetype`` member saying
``application/epub+zip`` (EPUB).  Each reader returns what a reader of the document reads, one
paragraph per block joined by blank lines; the readers load their libraries only when used, so
plain-text comparisons never import them.  Every problem (damaged, encrypted, no text) is a
one-line :class:`TextverError` naming the file.
"""

from __future__ import annotations

import io
import zipfile
from enum import StrEnum

from textver.errors import TextverError


class SourceFormat(StrEnum):
    """The format a version was imported from, recorded as its provenance's ``format``."""

    TEXT = "text"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    EPUB = "epub"


DOCUMENT_FORMATS = frozenset({SourceFormat.PDF, SourceFormat.DOCX, SourceFormat.EPUB})
"""The formats :func:`read_document` reads (text and HTML are decoded by :mod:`textver.ingest`)."""

SUFFIXES = {".pdf": SourceFormat.PDF, ".docx": SourceFormat.DOCX, ".epub": SourceFormat.EPUB}
MIME_TYPES = {
    "application/pdf": SourceFormat.PDF,
    "application/x-pdf": SourceFormat.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": SourceFormat.DOCX,
    "application/epub+zip": SourceFormat.EPUB,
}

PDF_HEADER_WINDOW = 1024
"""How far into a file ``%PDF-`` may start (PDF readers accept up to 1 KiB of junk before it);
past the start it counts only with ``%%EOF`` as near the end, so that a text that merely
mentions ``%PDF-`` is still read as text."""

MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""Most bytes the members of a DOCX or EPUB may unpack to (256 MiB), against ZIP bombs: a book
of text is a few MiB, and a 16 MiB file that unpacks to more is not a document but an attack."""

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc, and other Office files
_EPUB_MIMETYPE = b"application/epub+zip"


def sniff(data: bytes, name: str, *, hint: SourceFormat | None = None) -> SourceFormat | None:
    """The document format of ``data``, or None when it is neither PDF, DOCX nor EPUB.

    ``hint`` is what the file's name or Content-Type claims; content that contradicts it, or a
    ZIP archive that is no DOCX or EPUB, is refused rather than decoded as text.
    """
    if data.startswith(b"%PDF-") or (
        b"%PDF-" in data[:PDF_HEADER_WINDOW] and b"%%EOF" in data[-PDF_HEADER_WINDOW:]
    ):
        return SourceFormat.PDF
    if data.startswith(_OLE_MAGIC):
        raise TextverError(
            f"{name}: a Word 97-2003 (.doc) or other legacy Office file, which textver does not "
            "read; save it as .docx or PDF"
        )
    if data.startswith(_ZIP_MAGIC):
        return _zip_format(data, name, hint)
    if hint in DOCUMENT_FORMATS:
        found = "it does not start with %PDF-" if hint is SourceFormat.PDF else "not a ZIP archive"
        raise TextverError(f"{name}: not a {hint.upper()} file ({found})")
    return None


def _zip_format(data: bytes, name: str, hint: SourceFormat | None) -> SourceFormat:
    what = hint.upper() if hint in DOCUMENT_FORMATS else "ZIP archive"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names and z.read("mimetype").strip() == _EPUB_MIMETYPE:
                return SourceFormat.EPUB
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as e:
        raise TextverError(f"{name}: damaged {what} (cannot read the ZIP archive: {e})") from None
    if "word/document.xml" in names:
        return SourceFormat.DOCX
    if "META-INF/container.xml" in names:
        return SourceFormat.EPUB  # an EPUB whose mimetype member is missing or misspelt
    raise TextverError(f"{name}: a ZIP archive that is neither a DOCX nor an EPUB document")


def open_zip(data: bytes, name: str, what: str) -> zipfile.ZipFile:
    """``data`` as a ZIP archive whose members unpack to at most :data:`MAX_UNPACKED_BYTES`."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as e:
        raise TextverError(f"{name}: damaged {what} (cannot read the ZIP archive: {e})") from None
    unpacked = sum(info.file_size for info in z.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        z.close()
        raise TextverError(
            f"{name}: {what} unpacks to {unpacked} bytes, over the limit of {MAX_UNPACKED_BYTES}"
        )
    return z


def read_document(data: bytes, fmt: SourceFormat, name: str) -> str:
    """The text a reader reads in the document ``data`` of format ``fmt``."""
    if fmt is SourceFormat.DOCX:
        from textver.formats.docx import read_docx

        text = read_docx(data, name)
    elif fmt is SourceFormat.PDF:
        from textver.formats.pdf import read_pdf

        text = read_pdf(data, name)
    else:
        from textver.formats.epub import read_epub

        text = read_epub(data, name)
    if not text.strip():
        raise TextverError(f"{name}: no text found in the {fmt.upper()} document")
    return text
