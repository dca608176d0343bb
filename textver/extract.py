"""Extract the article text of an HTML page, with BeautifulSoup.

Kept apart from :mod:`textver.ingest` so that only HTML input pays for importing BeautifulSoup:
plain-text comparisons and ``textver --help`` never load it.  The page is parsed, never run.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from itertools import groupby

from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    NavigableString,
    PageElement,
    Tag,
    XMLParsedAsHTMLWarning,
)
from soupsieve import SelectorSyntaxError

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
    with warnings.catch_warnings():
        # A page that reads like a URL, or XHTML, is still parsed as intended; say nothing.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "html.parser")
    if selector is not None:
        try:
            root = soup.select_one(selector)
        except SelectorSyntaxError as e:
            reason = str(e).splitlines()[0]
            raise TextverError(f"{source}: invalid selector {selector!r}: {reason}") from None
        if root is None:
            raise TextverError(f"{source}: selector {selector!r} matches nothing")
        _prune(root)
    else:
        _prune(soup)
        root = _container(soup)
    text = "\n\n".join(_blocks(root))
    if not text:
        raise TextverError(f"{source}: no article text found (try --selector)")
    return text


def _is_boilerplate(el: Tag) -> bool:
    if el.name in _NEVER_BOILERPLATE:
        return False
    if el.name == "header" and el.find_parent("article") is not None:
        return False  # an article's own header holds its title
    if el.name in _DROP_TAGS:
        return True
    names = [el.get("id") or "", *(el.get("class") or ())]
    return any(_BOILERPLATE.search(str(n)) for n in names)


def _prune(root: Tag) -> None:
    # extract(), not decompose(): a dropped element's descendants stay intact, so later
    # elements of the list can still be inspected (and extracted again, harmlessly).
    for el in [el for el in root.find_all(True) if _is_boilerplate(el)]:
        el.extract()


def _text_size(el: Tag) -> int:
    return len(el.get_text(" ", strip=True))


def _container(soup: BeautifulSoup) -> Tag:
    articles = [a for a in soup.find_all("article") if _text_size(a)]
    if articles:
        return max(articles, key=_text_size)
    for el in (soup.find("main"), soup.find(attrs={"role": "main"})):
        if isinstance(el, Tag) and _text_size(el):
            return el
    return _densest(soup) or soup.body or soup


class _Nearest:
    """The nearest ancestor of a node that is ``wanted`` (else ``root``), memoised per element.

    Malformed pages nest deeply (html.parser leaves each unclosed ``<p>`` or ``<b>`` open around
    the rest of the page); memoising keeps every walk over all nodes linear.
    """

    def __init__(self, root: Tag, wanted: Callable[[Tag], bool]) -> None:
        self._root = root
        self._wanted = wanted
        self._memo: dict[int, Tag] = {}

    def __call__(self, node: PageElement) -> Tag:
        path: list[Tag] = []
        el = node.parent
        assert el is not None
        while el is not self._root and id(el) not in self._memo and not self._wanted(el):
            path.append(el)
            el = el.parent
            assert el is not None
        found = self._memo.get(id(el), el)
        for passed in path:
            self._memo[id(passed)] = found
        return found


def _densest(soup: BeautifulSoup) -> Tag | None:
    """The block whose paragraphs hold the most text, for a page without landmarks.

    Paragraphs count for the nearest enclosing block that is not itself a paragraph, so a run
    of unclosed ``<p>`` tags (nested by the parser) still counts for the element around it.
    """
    paragraph_of = _Nearest(soup, lambda el: el.name == "p")
    holder_of = _Nearest(soup, lambda el: el.name in _BLOCK_TAGS and el.name != "p")
    scores: dict[int, int] = {}
    holders: dict[int, Tag] = {}
    for node in soup.descendants:
        if type(node) is NavigableString:
            p = paragraph_of(node)
            if p.name == "p":
                holder = holder_of(p)
                scores[id(holder)] = scores.get(id(holder), 0) + len(node.strip())
                holders[id(holder)] = holder
    best = max(scores, key=scores.__getitem__, default=None)
    return holders[best] if best is not None and scores[best] else None


def _runs(root: Tag) -> Iterator[tuple[Tag, bool, str]]:
    """Every piece of text under ``root`` with its block and whether it is preformatted.

    A ``<hr>`` is a block of its own, so it separates the text around it.
    """
    block_of = _Nearest(root, lambda el: el.name in _BLOCK_TAGS)
    pre_of = _Nearest(root, lambda el: el.name == "pre")
    root_in_pre = root.name == "pre" or root.find_parent("pre") is not None
    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                yield block_of(node), root_in_pre or pre_of(node).name == "pre", "\n"
            elif node.name == "hr":
                yield node, False, ""
        elif type(node) is NavigableString:  # not a comment, doctype or CDATA (a comment in HTML)
            yield block_of(node), root_in_pre or pre_of(node).name == "pre", str(node)


def _blocks(root: Tag) -> Iterator[str]:
    for (_, pre), runs in groupby(_runs(root), key=lambda r: (id(r[0]), r[1])):
        raw = "".join(text for _, _, text in runs)
        if pre:
            lines = "\n".join(line.rstrip() for line in normalize_text(raw).split("\n"))
            block = _BLANK_LINES.sub("\n\n", lines).strip("\n")
            if block.strip():
                yield block
        else:
            block = _HTML_SPACE.sub(" ", raw).strip()
            if block:
                yield block
