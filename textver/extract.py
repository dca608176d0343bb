"""Extract the article text of an HTML page, with lxml (libxml2's HTML parser).

Kept apart from :mod:`textver.ingest` so that only HTML input pays for importing lxml: plain-text
comparisons and ``textver --help`` never load it.  The page is parsed, never run.

Memory and time are linear in the page, whatever its markup.  libxml2's tree is the bulk: a
whole ``textver add`` of a page of nothing but ``<p>a`` (the densest markup) peaks at about 85
bytes per input byte, where BeautifulSoup's tree took some 330.  Every walk below is one pass in
document order that keeps only a stack as deep as the tree, never a table of all nodes (asking
each nested ``<article>`` for its text, or extracting boilerplate one by one, was quadratic).
``python -m bench.ingest_bench`` measures it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from textver.errors import TextverError
from textver.ingest import _decode, normalize_text

_DROP_TAGS = frozenset(
    {"nav", "script", "style", "noscript", "template", "header", "footer", "aside", "form"}
    | {"iframe", "svg", "title", "button", "select", "textarea", "object", "embed", "canvas"}
    | {"audio", "video"}
)
# Matched against each id and class at a word start, so "comment-list" and "disqus_thread"
# match but "commentary" and "shared" do not.
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?i:comments?|disqus|share|sharing|social|related|sidebar|menu|breadcrumbs?"
    r"|cookies?|newsletter|advert\w*)(?![a-z])"
)
# Never dropped for their class: page themes put words like "has-sidebar" on these.
_NEVER_BOILERPLATE = frozenset({"html", "body", "main", "article"})
_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details"}
    | {"dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "header"}
    | {"hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre"}
    | {"section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
    | {"h1", "h2", "h3", "h4", "h5", "h6"}
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace; a no-break space is text
_BLANK_LINES = re.compile(r"\n{2,}")

Element = etree._Element


def extract_html(html: str | bytes, *, selector: str | None = None, source: str) -> str:
    """The article text of an HTML page: its blocks in document order, joined by blank lines.

    The container is ``selector`` (CSS) when given, else ``<article>``, ``<main>``,
    ``[role=main]``, the element holding the most paragraph text, or ``<body>``.  Navigation,
    scripts, forms, page headers and footers, asides and comment/share/related sections are
    dropped.  Inside a block, runs of whitespace become one space; ``<pre>`` keeps its lines.
    ``source`` names the page in error messages.  Scripts are parsed, never run.
    """
    if isinstance(html, bytes):
        html, _, _ = _decode(html, source, html=True, encoding=None, declared=None)
    doc = _parse(html, source)
    root = _select(doc, selector, source) if selector is not None else doc
    text = ""
    if root is not None and doc is not None:
        dropped = _boilerplate(doc)
        if selector is None:
            root = _container(doc, dropped)
        text = "\n\n".join(_blocks(root, dropped))
    if not text:
        raise TextverError(f"{source}: no article text found (try --selector)")
    return text


def _parse(html: str, source: str) -> Element | None:
    """The page's root element, or None for a page with no content at all."""
    parser = etree.HTMLParser(
        encoding="utf-8",  # the text is already decoded; a <meta charset> must not count
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,  # no depth or size limit: what is read is bounded by the file limit
        collect_ids=False,
        default_doctype=False,
    )
    try:
        doc = etree.fromstring(html.encode("utf-8"), parser)
    except (etree.LxmlError, ValueError) as e:
        raise TextverError(f"{source}: cannot parse the HTML ({e})") from None
    if doc is None:  # nothing but comments and processing instructions
        return None
    for error in parser.error_log:
        # libxml2 stops at a fatal error (elements nested over 2048 deep) and keeps what it
        # read so far: extracting from that would store part of the page as if it were all.
        if error.level == etree.ErrorLevels.FATAL:
            where = f"line {error.line}, column {error.column}"
            raise TextverError(
                f"{source}: cannot read the whole page ({where}: {error.message.rstrip('.')})"
            )
    return doc


def _select(doc: Element | None, selector: str, source: str) -> Element:
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        match = CSSSelector(selector, translator="html")
    except SelectorError as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise TextverError(f"{source}: invalid selector {selector!r}: {reason}") from None
    try:
        matches = match(doc) if doc is not None else []
    except etree.XPathError as e:  # "ns|p": a namespace prefix, which HTML does not declare
        raise TextverError(f"{source}: invalid selector {selector!r}: {e}") from None
    for el in matches:
        return el  # the first in document order
    raise TextverError(f"{source}: selector {selector!r} matches nothing")


def _boilerplate(doc: Element) -> set[Element]:
    """The elements to drop, with everything in them: by tag, id or class.

    Found by libxml2's own iteration and XPath, so that the walks below only look each
    element up in a set.  Proxies stay alive in the set, so lookups by identity are sound.
    """
    found: set[Element] = set()
    kept: set[Element] = set()  # an article's own header holds its title, whatever its class
    for el in doc.iter(*_DROP_TAGS):
        if el.tag == "header" and any(a.tag == "article" for a in el.iterancestors()):
            kept.add(el)
        else:
            found.add(el)
    for el in doc.xpath("//*[@id or @class]"):
        # the names are separated by spaces, which the pattern reads as a word start
        names = f"{el.get('id') or ''} {el.get('class') or ''}"
        if el.tag not in _NEVER_BOILERPLATE and el not in kept and _BOILERPLATE.search(names):
            found.add(el)
    return found


_START, _END, _TAIL = 0, 1, 2


def _walk(root: Element, dropped: set[Element]) -> Iterator[tuple[int, Element, str, str]]:
    """The kept content under ``root`` in document order, as ``(event, element, tag, text)``.

    ``_START`` comes with the element's own text, ``_END`` with its tail (text that belongs
    to its parent), ``_TAIL`` with the tail of a dropped element (which was never started).
    Comments and processing instructions were removed by the parser.  Iterative: the walk
    keeps nothing but libxml2's position.
    """
    walker = etree.iterwalk(root, events=("start", "end"))
    skipped = False
    for event, el in walker:
        if event == "start":
            if (el in dropped and el is not root) or not isinstance(el.tag, str):
                walker.skip_subtree()
                skipped = True  # the next event is this element's end
                continue
            yield _START, el, el.tag, el.text or ""
        elif skipped:
            skipped = False
            yield _TAIL, el, "", el.tail or ""
        else:
            yield _END, el, el.tag, (el.tail or "") if el is not root else ""


def _container(doc: Element, dropped: set[Element]) -> Element:
    """The article, main content, densest block or body of the page (after boilerplate).

    The largest ``<article>`` with text (the first of equals), else the first ``<main>``, else
    the first ``[role=main]``, if it has text, else the block whose paragraphs hold the most
    text, else ``<body>``.  A paragraph's text counts for the nearest enclosing block that is
    not itself a paragraph, so nested ``<p>`` tags still count for the element around them;
    ties go to the block given text first.

    One walk measures everything: an element's text size (its texts stripped and joined by
    spaces) is the difference of running totals between its start and its end, so nested
    candidates cost nothing extra; a block's score is final at its end, so only the best
    is kept.
    """
    length = count = 0  # running totals over all kept text
    # Per open element: its holder (the nearest block that is not a <p>, itself included),
    # the holder of the nearest <p> (None outside paragraphs), and the totals at its start if
    # it is a candidate landmark.  A holder is [score, first given text, element].
    stack: list[tuple[list, list | None, tuple[int, int, str, int] | None]] = []
    seen = 0
    densest: tuple[int, int, Element | None] = (0, 0, None)  # score, -seen, element
    best_article: tuple[int, int, Element | None] = (0, 0, None)  # size, -serial, element
    first: dict[str, Element] = {}  # the first <main> and [role=main]
    found: dict[str, Element | None] = {}  # ... if it has text
    serial = 0

    roles = set(doc.xpath("//*[@role='main']"))  # found by libxml2: usually none or one
    for event, el, tag, text in _walk(doc, dropped):
        if event == _START:
            serial += 1
            parent = stack[-1] if stack else None
            if parent is None:
                holder, p_holder = [0, -1, el], None
            else:
                holder = [0, -1, el] if tag in _BLOCK_TAGS and tag != "p" else parent[0]
                p_holder = parent[0] if tag == "p" else parent[1]
            which = ""
            if tag == "article":
                which = "article"
            elif tag == "main" and "main" not in first:
                first["main"], which = el, "main"
            if roles and el in roles and "role" not in first:
                first["role"], which = el, which + "role"
            stack.append((holder, p_holder, (length, count, which, serial) if which else None))
        else:
            if event == _END:
                holder, _, opened = stack.pop()
                if holder[2] is el and holder[0]:
                    key = (holder[0], -holder[1], el)
                    if key[:2] > densest[:2]:
                        densest = key
                if opened is not None:
                    start_length, start_count, which, start = opened
                    size = length - start_length + max(count - start_count - 1, 0)
                    if "article" in which and size and (size, -start) > best_article[:2]:
                        best_article = (size, -start, el)
                    for k in ("main", "role"):
                        if k in which:
                            found[k] = el if size else None
            if not stack:
                continue
            p_holder = stack[-1][1]
        if text:
            n = len(text.strip())
            if n:
                length += n
                count += 1
            if p_holder is not None:  # even blank text makes its holder a candidate
                if p_holder[1] < 0:
                    p_holder[1], seen = seen, seen + 1
                p_holder[0] += n
    for candidate in (best_article[2], found.get("main"), found.get("role"), densest[2]):
        if candidate is not None:
            return candidate
    body = doc.find("body")
    return body if body is not None else doc


def _blocks(root: Element, dropped: set[Element]) -> Iterator[str]:
    """The text of each block under ``root``, whitespace collapsed (kept in ``<pre>``).

    A text belongs to its nearest block element (else ``root``); a ``<br>`` is a line break in
    its block; a ``<hr>`` is a block of its own, so it separates the text around it.
    """
    in_pre = root.tag == "pre" or any(a.tag == "pre" for a in root.iterancestors())
    stack: list[tuple[int, bool]] = []  # per open element: its block's serial, in a <pre>
    key: tuple[int, bool] = (0, in_pre)
    pieces: list[str] = []
    serial = 0
    for event, _, tag, text in _walk(root, dropped):
        if event == _START:
            serial += 1
            parent_block, pre = stack[-1] if stack else (serial, in_pre)
            frame = (serial if tag in _BLOCK_TAGS else parent_block, pre or tag == "pre")
            stack.append(frame)
            if tag == "br":
                text = "\n" + text  # the text is a <br>'s tail only in invalid markup
            elif tag == "hr":
                block = _block(pieces, key[1])
                if block:
                    yield block
                key, pieces = frame, []
        else:
            if event == _END:
                stack.pop()
            if not stack:
                break
            frame = stack[-1]
        if not text:
            continue
        if frame != key:
            block = _block(pieces, key[1])
            if block:
                yield block
            key, pieces = frame, []
        pieces.append(text)
    block = _block(pieces, key[1])
    if block:
        yield block


def _block(pieces: list[str], pre: bool) -> str:
    raw = "".join(pieces)
    if pre:
        lines = "\n".join(line.rstrip() for line in normalize_text(raw).split("\n"))
        block = _BLANK_LINES.sub("\n\n", lines).strip("\n")
        return block if block.strip() else ""
    return _HTML_SPACE.sub(" ", raw).strip()
