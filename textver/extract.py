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

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from lxml import etree

from textver.errors import TextverError
from textver.ingest import _decode, normalize_text
from textver.report.common import plural

if TYPE_CHECKING:
    from trafilatura.settings import Document

_DROP_TAGS = frozenset(
    {"nav", "script", "style", "noscript", "template", "header", "footer", "aside", "form"}
    | {"figcaption"}
    | {"iframe", "svg", "title", "button", "select", "textarea", "object", "embed", "canvas"}
    | {"audio", "video"}
)
# Matched against each id and class at a word start, so "comment-list" and "disqus_thread"
# match but "commentary" and "shared" do not.
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?i:comments?|disqus|share|sharing|social|related|sidebar|menu|breadcrumbs?"
    r"|cookies?|newsletter|advert\w*|ads?|promo\w*|sponsor\w*|captions?|credits?|byline"
    r"|kicker|dateline|consent|widget|meta|tags?|navigation|navbar|masthead)(?![a-z])"
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
    return _extract_linear(_parse(html, source), selector, source)


def _extract_linear(doc: Element | None, selector: str | None, source: str) -> str:
    """:func:`extract_html` of the parsed page ``doc``."""
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
    found.update(_labelled_furniture(doc))
    return found


FURNITURE_LABEL = re.compile(
    r"(?i:advertisements?|advertisment|advert|anzeige|sponsored(?: content)?|paid content|ad"
    r"|read more|read also|also read|see also|related(?: stories| articles| content)?"
    r"|more (?:from|on) [\w ]{1,30}|recommended(?: for you)?|most (?:read|popular)"
    r"|you may also like)\W*"
)
"""The whole text of a label that marks what it heads as an ad or a promo ("Advertisement",
"READ MORE:", "Related stories"): matched against an element's own text, whole."""

LABEL_CONTAINER_MAX_CHARS = 300
"""How much text the box around a furniture label may hold and still be dropped with it.

The label's ancestors are climbed while their whole text stays within this, and the highest
such one goes: "Advertisement" and the promo glued to it, "READ MORE:" and its link, but never
the story the box sits in (a paragraph of an article is rarely under 300 characters together
with the box)."""


def _labelled_furniture(doc: Element) -> Iterator[Element]:
    """The boxes headed by a :data:`FURNITURE_LABEL`, found from the label up.

    Each ancestor's text is measured only up to the limit and each at most once, so the cost
    stays linear in the page, however many labels it holds.
    """
    small: dict[Element, bool] = {}
    for el in doc.iter():
        text = el.text
        if not text or len(text) > 40 or not isinstance(el.tag, str):
            continue
        if len(el) or not FURNITURE_LABEL.fullmatch(text.strip()):
            continue
        box = el
        for up in el.iterancestors():
            if up.tag in _NEVER_BOILERPLATE:
                break
            fits = small.get(up)
            if fits is None:
                fits = small[up] = _text_within(up, LABEL_CONTAINER_MAX_CHARS)
            if not fits:
                break
            box = up
        yield box


def _text_within(el: Element, limit: int) -> bool:
    """Whether the text under ``el`` (markup aside) is at most ``limit`` characters."""
    total = 0
    for piece in el.itertext():
        total += len(piece.strip())
        if total > limit:
            return False
    return True


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
            # a str: an element whose tag is not (a comment, an entity) was skipped at its start
            yield _END, el, cast(str, el.tag), (el.tail or "") if el is not root else ""


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
    holder: list[Any]
    p_holder: list[Any] | None

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


# --- the article of a page ---------------------------------------------------------------------


class Extractor(StrEnum):
    """What found the article text of a page (recorded as the edition's ``extractor``)."""

    TRAFILATURA = "trafilatura"
    """trafilatura's main-content extraction, for pages up to :data:`TRAFILATURA_MAX_BYTES`."""
    LINEAR = "textver"
    """:func:`extract_html`: when trafilatura finds nothing, for larger pages, or with a
    selector."""


TRAFILATURA_MAX_BYTES = 4 * 1024 * 1024
"""Largest page (UTF-8 bytes of its markup) handed to trafilatura; larger pages go to the
linear extractor :func:`extract_html`.

trafilatura copies and cleans the tree several times and is not linear on every page of
tag soup; an article page is a few hundred KiB, so this bound costs nothing on real pages and
keeps ``python -m bench.ingest_bench`` within its 100 bytes per input byte at 16 MiB."""

TRAFILATURA_MAX_ELEMENTS = 25_000
"""Most elements a page handed to trafilatura may have; a page with more goes to
:func:`extract_html`.

trafilatura's time and memory grow faster than the page on tag soup (a page of unclosed
``<p>a``: 5 s and some 500 bytes per byte at 0.25 MiB, 33 s at 1 MiB), while a long news page
has a few thousand elements.  Counted only up to the limit."""

MIN_ARTICLE_WORDS = 150
"""An article with fewer words of prose than this is "suspiciously little": a directory
listing, a paywall stub or a cookie wall rather than the text.  It is stored, with a warning.

Prose is the lines of at least :data:`PROSE_LINE_WORDS` words, so that a listing of many
file names or links does not count as an article however long it is."""

PROSE_LINE_WORDS = 10
"""A line (a block, or a line of a preformatted one) of at least this many words of letters
counts as prose for :data:`MIN_ARTICLE_WORDS`."""

FURNITURE_MAX_WORDS = 40
"""Only a block this short is ever dropped for what its text says (:data:`FURNITURE_TEXT`):
an article's own paragraph that mentions cookies or a newsletter is longer than page
furniture saying the same."""

# a byline, a dateline or a credit is no sentence: it does not end like one
_NO_SENTENCE = r"""(?!.*[.!?]["'”’)]*\s*$)"""
FURNITURE_TEXT: tuple[re.Pattern[str], ...] = (
    FURNITURE_LABEL,
    # "READ MORE: <headline>", "See also | <headline>"
    re.compile(r"(?i:read more|read also|also read|see also|related|more on)\s*[:|»›>\-–]"),
    # a cookie banner or consent notice
    re.compile(
        r"(?is:.*?(?:\b(?:uses?|using|accept|allow|manage|our|about|store)\s+(?:\w+\s+)?cookies\b"
        r"|\bcookies?\s+(?:policy|settings|preferences|notice|consent)\b"
        r"|\bcookies\s+(?:and\s+\w+\s+)?to\s+(?:improve|personali[sz]e|deliver|measure)\b))"
    ),
    # a newsletter sign-up
    re.compile(r"(?is:(?=.*\bnewsletters?\b).*\b(?:sign up|sign-up|signup|subscribe|inbox)\b)"),
    # a dateline left without its date: "· Updated 14:05", "Published 3 May, 10:12"
    re.compile(
        r"(?i:\W*(?:updated|published|posted|last (?:updated|modified))\b)(?=.*\d)" + _NO_SENTENCE
    ),
    # a byline: "By Ines Varga", "BY JO LEE AND SAM ROE, Reporters"
    re.compile(
        r"(?:By|BY)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s*(?:,|\||$|and\b)" + _NO_SENTENCE
    ),
    # a photo caption's credit, wherever it stands in the caption
    re.compile(
        r"(?i:.*\b(?:photo(?:graph)?|picture|image|illustration)s?(?: credit)?\s*[:©])"
        + _NO_SENTENCE
    ),
    # a call to action
    re.compile(r"(?i:sign up|sign in|log in|register|subscribe(?: now)?|get the app)\W*$"),
    # share buttons' text
    re.compile(r"(?i:share(?: this(?: article| story| post)?| on \w+)?\W*)$"),
)
"""Block texts that are page furniture, matched at a block's start (by ``re.match``) in blocks
of at most :data:`FURNITURE_MAX_WORDS` words, whatever extractor kept them."""

_ANY_FURNITURE = re.compile("|".join(f"(?:{p.pattern})" for p in FURNITURE_TEXT))

PAGE_METADATA = {"title": "title", "author": "author", "date": "date", "sitename": "publication"}
"""trafilatura's page metadata -> the provenance field it fills."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LETTER_WORD = re.compile(r"(?<!\S)[\"'“‘(]*[^\W\d_]+(?:['’-][^\W\d_]+)*[.,;:!?\"'”’)]*(?!\S)")
# dates from the page's markup only, never guessed from its text
_DATE_CONFIG = {"extensive_search": False, "original_date": True}
_NBSP_STANDIN = "\ue000"  # a private-use character: no page's text
# trafilatura's XML tags -> the HTML tags _blocks reads (others are inline)
_TRAFILATURA_TAGS = {"head": "h2", "item": "li", "list": "ul", "quote": "blockquote"}
_TRAFILATURA_TAGS |= {"code": "pre", "lb": "br", "row": "tr", "cell": "td", "table": "table"}


@dataclass(frozen=True)
class Article:
    """The article text of a page, what found it, and what the page says about itself.

    ``metadata`` maps provenance fields (``title``, ``author``, ``date``, ``publication``) to
    what the page's markup gives for them; ``warning`` is set when the text is suspiciously
    little (:data:`MIN_ARTICLE_WORDS`).
    """

    text: str
    extractor: Extractor
    metadata: dict[str, str] = field(default_factory=dict)
    warning: str = ""


def extract_article(html: str, *, selector: str | None = None, source: str) -> Article:
    """The article of a page: what a reader of the story reads, one block per paragraph.

    With ``selector`` the user has picked the article: its blocks are kept except what is
    furniture by markup (asides, ad and promo boxes, figure captions, share and comment
    sections: see :func:`extract_html`); the page's metadata is read all the same.  Without
    one, trafilatura finds the article on pages up to :data:`TRAFILATURA_MAX_BYTES` and
    :data:`TRAFILATURA_MAX_ELEMENTS`; :func:`extract_html` does when it finds no prose or the
    page is larger.  Either way, short blocks whose text is furniture (:data:`FURNITURE_TEXT`)
    are dropped, unless nothing would be left.
    """
    metadata: dict[str, str] = {}
    text = ""
    extractor = Extractor.TRAFILATURA
    doc = _parse(html, source)
    small = len(html) <= TRAFILATURA_MAX_BYTES and len(html.encode()) <= TRAFILATURA_MAX_BYTES
    few = doc is not None and _count(doc.iter(), TRAFILATURA_MAX_ELEMENTS + 1) <= (
        TRAFILATURA_MAX_ELEMENTS
    )
    if selector is not None:
        text = _extract_linear(doc, selector, source)
        if small and few and doc is not None:
            import trafilatura

            _quiet()
            page = etree.tostring(doc, method="html", encoding="unicode")
            metadata = _metadata(trafilatura.extract_metadata(page, date_config=_DATE_CONFIG))
        return Article(text, Extractor.LINEAR, metadata, _warning(text, source))
    if small and few and doc is not None:
        text, metadata = _trafilatura(doc)  # drops only furniture from doc
    if not _prose_words(text):  # nothing that reads as prose: a page of links, or tiny
        text = ""
    if not text:
        extractor = Extractor.LINEAR
        raw = _extract_linear(doc, None, source)
        text = _without_furniture(raw) or raw
    return Article(text, extractor, metadata, _warning(text, source))


def _trafilatura(doc: Element) -> tuple[str, dict[str, str]]:
    """trafilatura's article text (furniture blocks dropped) and page metadata; "" if none.

    The page goes to trafilatura with the boxes :func:`_boilerplate` finds by label and class
    already removed (ads glued to their label fool it), and serialised, so that it parses a
    tree of its own.
    """
    import trafilatura

    _quiet()
    for el in list(_labelled_furniture(doc)):
        if el.getparent() is not None:
            _remove(el)
    page = etree.tostring(doc, method="html", encoding="unicode")
    # trafilatura folds every space into " "; a no-break space is text, so it is hidden from it
    keep_nbsp = _NBSP_STANDIN not in page
    if keep_nbsp:
        page = page.replace("\xa0", _NBSP_STANDIN)
    # a Document, not a dict: as_dict is left False
    found = cast(
        "Document | None",
        trafilatura.bare_extraction(
            page,
            fast=True,  # its fallbacks (readability, jusText) are quadratic on tag soup
            include_comments=False,
            include_tables=True,
            include_images=False,
            with_metadata=True,
            date_extraction_params=_DATE_CONFIG,
        ),
    )
    if found is None or found.body is None:
        return "", {}
    body = found.body
    for el in body.iter():
        if isinstance(el.tag, str):
            el.tag = _TRAFILATURA_TAGS.get(el.tag, el.tag)
    metadata = _metadata(found)
    text = "\n\n".join(_blocks(body, set()))
    if keep_nbsp:
        text = text.replace(_NBSP_STANDIN, "\xa0")
    blocks = _without_furniture(text).split("\n\n")
    page_blocks = _blocks(doc, set(doc.iter("script", "style", "noscript", "template")))
    blocks = _trim_edges(blocks, page_blocks, metadata.get("title", ""))
    return "\n\n".join(b for b in blocks if b), metadata


EDGE_GAP_BLOCKS = 5
"""Blocks of the page that the article skips between a run of its blocks and the rest, for
that run to count as apart from the article (see :data:`EDGE_RUN_SHARE`)."""

EDGE_RUN_SHARE = 0.15
"""A run of blocks at the start or end of what trafilatura kept, :data:`EDGE_GAP_BLOCKS` or
more page blocks away from the rest and holding less than this share of its words, is dropped:
a consent notice above the story or a reader's comment below it, on pages whose markup names
neither.  The story's own paragraphs are contiguous in the page, and the page's title is kept.
"""


def _trim_edges(blocks: list[str], page_blocks: Iterator[str], title: str) -> list[str]:
    """``blocks`` without the small runs at either end that stand apart from the rest in the
    page (:data:`EDGE_RUN_SHARE`).  A block found in the page takes its position there (the
    first match after the previous block's); one not found stands with the block before it.
    """
    if len(blocks) < 2:
        return blocks
    wanted: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        wanted.setdefault(block, []).append(i)
    where: list[int | None] = [None] * len(blocks)
    for position, block in enumerate(page_blocks):
        waiting = wanted.get(block)
        if waiting:
            where[waiting.pop(0)] = position
    runs: list[list[int]] = []  # indices into blocks
    last: int | None = None
    for i, at in enumerate(where):
        if at is not None and last is not None and at - last - 1 >= EDGE_GAP_BLOCKS:
            runs.append([])
        if not runs:
            runs.append([])
        runs[-1].append(i)
        if at is not None:
            last = at
    words = [len(b.split()) for b in blocks]
    total = sum(words)

    def small(run: list[int]) -> bool:
        return sum(words[i] for i in run) < EDGE_RUN_SHARE * total

    dropped: set[int] = set()
    while len(runs) > 1 and small(runs[0]):
        dropped.update(runs.pop(0))
    while len(runs) > 1 and small(runs[-1]):
        dropped.update(runs.pop())
    return [b for i, b in enumerate(blocks) if i not in dropped or b == title]


def _metadata(found: object) -> dict[str, str]:
    """The provenance fields (:data:`PAGE_METADATA`) of trafilatura's document ``found``."""
    metadata = {}
    for attribute, name in PAGE_METADATA.items():
        value = " ".join(str(getattr(found, attribute, None) or "").split())
        if value and (name != "date" or _DATE.fullmatch(value)):
            metadata[name] = value
    return metadata


def _remove(el: Element) -> None:
    """Remove ``el`` and what it holds from its tree, keeping its tail text in place."""
    parent = el.getparent()
    assert parent is not None
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _without_furniture(text: str) -> str:
    """``text`` without its short blocks that are furniture by :data:`FURNITURE_TEXT`."""
    furniture = _ANY_FURNITURE.match
    kept = [
        block
        for block in text.split("\n\n")
        if not (furniture(block) and len(block.split()) <= FURNITURE_MAX_WORDS)
    ]
    return "\n\n".join(kept)


def _warning(text: str, source: str) -> str:
    """The warning for a suspiciously short article (:data:`MIN_ARTICLE_WORDS`), or ""."""
    prose = _prose_words(text)
    if prose >= MIN_ARTICLE_WORDS:
        return ""
    return (
        f"{source}: warning: the article found has only {plural(prose, 'word')} of prose (fewer "
        f"than {MIN_ARTICLE_WORDS}): a directory listing, paywall or cookie wall? "
        "Check the stored text, or pick the article with --selector"
    )


def _count(items: Iterator[object], limit: int) -> int:
    """How many ``items`` there are, counted up to ``limit``."""
    return sum(1 for _ in itertools.islice(items, limit))


def _prose_words(text: str) -> int:
    """The words of ``text`` in lines of at least :data:`PROSE_LINE_WORDS` words, counted up
    to :data:`MIN_ARTICLE_WORDS`.

    Only words of letters count (file names, dates, sizes and numbers do not)."""
    prose = 0
    for line in text.split("\n"):
        if line.count(" ") < PROSE_LINE_WORDS - 1:  # too few words, whatever they are
            continue
        if (n := len(_LETTER_WORD.findall(line))) >= PROSE_LINE_WORDS:
            prose += n
            if prose >= MIN_ARTICLE_WORDS:  # enough to tell: the rest need not be counted
                break
    return prose


def _quiet() -> None:
    """Keep trafilatura's and its helpers' log messages off the user's terminal.

    They log what they could not find at WARNING and ERROR; textver reports its own findings.
    """
    import logging

    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
