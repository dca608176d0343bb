"""The text of an EPUB e-book: its chapters in reading (spine) order.

``META-INF/container.xml`` names the package document (OPF); its manifest maps ids to files and
its spine lists them in reading order.  Each XHTML chapter's visible text comes from
:func:`textver.extract.extract_html` applied to its whole ``<body>`` (the selector), not the
article heuristic meant for web pages: a book's chapter is all text.  Items the spine marks
``linear="no"`` (pop-up notes, answer keys) are left out, as a reader's page turns skip them;
chapters without text (a cover image) add nothing.  A book whose chapters are encrypted (DRM)
is refused: its text cannot be read.
"""

from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote, urldefrag

from textver.errors import TextverError
from textver.formats import open_zip

_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"
_ENC = "{http://www.w3.org/2001/04/xmlenc#}"
_XHTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
# Font obfuscation (IDPF and Adobe) hides fonts only; any other algorithm is DRM on the text.
_FONT_OBFUSCATION = frozenset(
    {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
)


def read_epub(data: bytes, name: str) -> str:
    """The book's text, one paragraph per block joined by blank lines, chapter after chapter."""
    from textver.extract import extract_html

    with open_zip(data, name, "EPUB") as z:
        chapters = _spine(z, name)
        encrypted = _encrypted(z, name)
        texts = []
        for path in chapters:
            if path in encrypted:
                raise TextverError(f"{name}: the EPUB's text is encrypted (DRM); cannot read it")
            where = f"{name}: {path}"
            html = _as_book_page(_member(z, path, name), where)
            if not html:
                continue
            try:
                texts.append(extract_html(html, selector="body", source=where))
            except TextverError as e:
                if "no article text found" not in str(e):
                    raise  # a chapter without text (a cover) is no error; anything else is
    return "\n\n".join(texts)


def _as_book_page(data: bytes, where: str) -> str:
    """The chapter's markup with what only means furniture on a web page made neutral.

    :func:`~textver.extract.extract_html` drops a page's ``<header>`` and elements whose class
    or id says "share", "sidebar" or "related"; in a book a ``<header>`` holds the chapter's
    title and a "sidebar" is text, so headers become plain blocks and ids and classes go.
    ``<nav>`` (the table of contents) and ``<aside>`` (pop-up notes) are still left out."""
    from lxml import etree

    from textver.ingest import _decode

    if not data.strip():
        return ""
    text, _, _ = _decode(data, where, html=True, encoding=None, declared=None)
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.LxmlError, ValueError) as e:
        raise TextverError(f"{where}: cannot parse the chapter ({e})") from None
    if root is None:
        return ""
    for el in root.iter():
        if isinstance(el.tag, str):
            if el.tag == "header":
                el.tag = "div"
            for attribute in ("id", "class"):
                el.attrib.pop(attribute, None)
    return etree.tostring(root, encoding="unicode", method="html")


def _member(z: zipfile.ZipFile, path: str, name: str) -> bytes:
    try:
        return z.read(path)
    except KeyError:
        raise TextverError(f"{name}: damaged EPUB ({path} is listed but missing)") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:  # ValueError: bad CRC etc.
        raise TextverError(f"{name}: damaged EPUB (cannot unpack {path}: {e})") from None


def _xml(z: zipfile.ZipFile, path: str, name: str):  # type: ignore[no-untyped-def]
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(_member(z, path, name), parser)
    except etree.XMLSyntaxError as e:
        raise TextverError(f"{name}: damaged EPUB ({path}: {e})") from None


def _spine(z: zipfile.ZipFile, name: str) -> list[str]:
    """The archive paths of the spine's linear XHTML items, in reading order."""
    container = _xml(z, "META-INF/container.xml", name)
    rootfile = container.find(f".//{_CONTAINER}rootfile")
    opf_path = rootfile.get("full-path") if rootfile is not None else None
    if not opf_path:
        raise TextverError(f"{name}: damaged EPUB (container.xml names no package document)")
    opf = _xml(z, opf_path, name)
    base = posixpath.dirname(opf_path)
    manifest = {
        item.get("id"): item
        for item in opf.iterfind(f"{_OPF}manifest/{_OPF}item")
        if item.get("id") and item.get("href")
    }
    paths = []
    for ref in opf.iterfind(f"{_OPF}spine/{_OPF}itemref"):
        item = manifest.get(ref.get("idref"))
        if item is None or ref.get("linear") == "no":
            continue
        if item.get("media-type") not in _XHTML_TYPES:
            continue  # a spine may list an image or SVG page; it has no paragraphs to read
        href = unquote(urldefrag(item.get("href")).url)
        paths.append(posixpath.normpath(posixpath.join(base, href)))
    if not paths:
        raise TextverError(f"{name}: damaged EPUB (its spine lists no XHTML chapter)")
    return paths


def _encrypted(z: zipfile.ZipFile, name: str) -> set[str]:
    """The archive paths META-INF/encryption.xml lists as encrypted beyond font obfuscation."""
    if "META-INF/encryption.xml" not in z.namelist():
        return set()
    out = set()
    for data in _xml(z, "META-INF/encryption.xml", name).iter(f"{_ENC}EncryptedData"):
        method = data.find(f"{_ENC}EncryptionMethod")
        ref = data.find(f"{_ENC}CipherData/{_ENC}CipherReference")
        if ref is not None and (method is None or method.get("Algorithm") not in _FONT_OBFUSCATION):
            out.add(posixpath.normpath(unquote(ref.get("URI", ""))))
    return out
