"""The text of a Word (DOCX) document as it currently reads, with python-docx.

The body is walked in order: paragraphs and headings, and tables cell by cell, row by row (each
cell's paragraphs in turn), content controls opened.  Headers, footers, footnotes and comments
live in other parts of the package and are left out, as a reader reads past them.

Tracked changes are read as accepted, which is how Word shows the document: text inside
``w:ins`` is kept, text inside ``w:del`` (``w:delText``) and ``w:moveFrom`` is dropped.
python-docx's ``paragraph.text`` reads only runs that are direct children of the paragraph, so
it loses every tracked insertion; the paragraph's XML is read here instead.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from textver.errors import TextverError
from textver.formats import open_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Elements whose text is not part of the document as it now reads: deletions, the old place of
# moved text, field instructions, and text boxes (their paragraphs are drawn apart from the
# flow, and Word stores each twice, once for old readers).
_SKIP = frozenset(
    _W + tag for tag in ("del", "moveFrom", "instrText", "delInstrText", "txbxContent")
) | {"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_CHARS = {_W + "tab": "\t", _W + "noBreakHyphen": "-", _W + "softHyphen": "\u00ad"}
_BREAKS = frozenset({_W + "br", _W + "cr"})


def read_docx(data: bytes, name: str) -> str:
    """The document's body text, one paragraph per block, joined by blank lines."""
    import docx
    import docx.opc.exceptions
    from lxml import etree

    open_zip(data, name, "DOCX").close()  # the size check, before python-docx unpacks it
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except (etree.XMLSyntaxError, KeyError, ValueError, docx.opc.exceptions.OpcError) as e:
        raise TextverError(f"{name}: damaged DOCX ({type(e).__name__}: {e})") from None
    return "\n\n".join(_blocks(body))


def _blocks(container: object) -> Iterator[str]:
    """The non-empty paragraphs under ``container`` (a body, cell or content control)."""
    for child in container:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == _W + "p":
            text = _paragraph_text(child).strip()
            if text:
                yield text
        elif tag == _W + "tbl":
            for row in child.iterchildren(_W + "tr"):
                for cell in row.iterchildren(_W + "tc"):
                    yield from _blocks(cell)
        elif tag in (_W + "sdt", _W + "customXml"):
            for content in child.iterchildren(_W + "sdtContent"):
                yield from _blocks(content)
            if tag == _W + "customXml":
                yield from _blocks(child)


def _paragraph_text(p: object) -> str:
    """A paragraph's text with tracked changes accepted; a line break becomes a newline."""
    pieces: list[str] = []

    def walk(element: object) -> None:
        for child in element:  # type: ignore[attr-defined]
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue  # comments, processing instructions, and text no longer there
            if tag == _W + "t":
                pieces.append(child.text or "")
            elif tag in _CHARS:
                pieces.append(_CHARS[tag])
            elif tag in _BREAKS:
                pieces.append("\n")
            else:
                walk(child)

    walk(p)
    return "".join(pieces)
