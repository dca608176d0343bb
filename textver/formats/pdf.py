"""The text of a PDF as a reader reads it: paragraphs rebuilt from the printed lines.

pdfminer.six (MIT, pure Python) lays each page out into text lines with their boxes; pypdf was
measured too and gives text without the line boxes that paragraphs are rebuilt from.  From the
lines, in pdfminer's reading order:

1. Page furniture goes: among the :data:`EDGE_LINES` top and bottom lines of each page, a line
   that is a bare page number ("7", "- 7 -", "Page 7 of 9", "vii") or that recurs, with its
   digits ignored, at the edge of at least :data:`REPEAT_SHARE` of the pages (and two) is a
   running head or footer.
2. A new paragraph starts where the line pitch grows past :data:`PARAGRAPH_GAP` times the
   usual pitch, where a line is indented by :data:`INDENT` line heights more than the one
   before (a first-line indent), where the font size changes (a heading), or where the text
   jumps up or sideways (a new column).
3. A paragraph cut by a page break is joined again when its last line does not end a sentence
   or the next page goes on in lower case (and the next page does not begin with an indent).
4. Lines are joined with a space.  A line-end hyphen is undone only where it is hyphenation:
   a soft hyphen always; a hyphen (U+002D, U+2010) when the joined word appears elsewhere in
   the document and the hyphenated form does not ("exam-" "ple" becomes "example" when the
   text says "example" somewhere).  Otherwise it is kept without the line break ("well-known"
   stays), because no word list can tell every compound from a split word, and a kept hyphen
   shows in a comparison as what it is, where a wrongly joined one would invent a word.

Presentation-form ligatures (U+FB00..U+FB06) become their letters.  A PDF with no text layer,
one that needs a password, and one pdfminer cannot parse are refused, one line each.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from textver.errors import TextverError

EDGE_LINES = 2
"""How many lines at the top and at the bottom of each page may be running heads or footers."""

REPEAT_SHARE = 0.4
"""Share of the pages at whose edge a line must recur to count as a running head or footer
(0.4 rather than 0.5, so that heads alternating between left and right pages still count)."""

PARAGRAPH_GAP = 1.3
"""A line pitch this many times the usual one (the median) is a paragraph break."""

INDENT = 0.8
"""A line starting this many line heights right of the line before starts a paragraph."""

SIZE_CHANGE = 0.15
"""A line whose height differs from the line before by this share is a heading or its end."""

EOF_WINDOW = 1024
"""How near its end a whole PDF has its ``%%EOF`` marker (readers allow trailing junk)."""

# pdfminer logs what it repairs; with no handler Python would print that to stderr, and an
# import must say one line or nothing.  An application that configures logging still sees it.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

_PAGE_NUMBER = re.compile(
    r"(?i)[-\u2013\u2014\s]*(?:page\s+)?(?:\d+|[ivxlcdm]+)(?:\s*(?:of|/)\s*\d+)?[-\u2013\u2014\s]*"
)
_SENTENCE_END = re.compile(r"[.!?:;\u2026][\"'\u2019\u201d)\]]*$")
_HYPHEN_END = re.compile(r"([^\W\d_]+)([-\u2010\u00ad])$")
_WORD_START = re.compile(r"[^\W\d_]+")
_WORDS = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*")
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
    | {"\ufb05": "st", "\ufb06": "st"}
)


@dataclass(frozen=True)
class Line:
    """One printed line: its text and box (PDF units, y growing upwards)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def read_pdf(data: bytes, name: str) -> str:
    """The PDF's text, one paragraph per block joined by blank lines."""
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        # pdfminer reads what it can of a cut file; its text would be silently incomplete
        raise TextverError(f"{name}: damaged PDF (truncated: no %%EOF marker at its end)")
    pages = _pages(data, name)
    if not any(pages):
        raise TextverError(
            f"{name}: the PDF has no text layer (scanned pages?); textver does not do OCR"
        )
    pages = _without_furniture(pages)
    return "\n\n".join(_paragraph_text(lines, _vocabulary(pages)) for lines in _paragraphs(pages))


def _pages(data: bytes, name: str) -> list[list[Line]]:
    """Each page's text lines in pdfminer's reading order."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLineHorizontal
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    def lines(container: object) -> list[Line]:
        out = []
        for item in container:  # type: ignore[attr-defined]
            if isinstance(item, LTTextLineHorizontal):
                text = " ".join(item.get_text().translate(_LIGATURES).split())
                if text:
                    out.append(Line(text, item.x0, item.x1, item.y0, item.y1))
            elif isinstance(item, LTTextContainer):
                out.extend(lines(item))
        return out

    try:
        return [lines(page) for page in extract_pages(io.BytesIO(data), laparams=LAParams())]
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        detail = f" ({e})" if str(e) else ""
        raise TextverError(f"{name}: the PDF is encrypted and needs a password{detail}") from None
    except Exception as e:  # pdfminer fails on damaged input in many ways, none of them ours
        problem = " ".join(f"{type(e).__name__}: {e}".split())[:200]
        raise TextverError(f"{name}: damaged PDF, cannot be read ({problem})") from None


def _edge(lines: list[Line]) -> list[Line]:
    by_height = sorted(lines, key=lambda ln: -ln.y1)
    return by_height[:EDGE_LINES] + by_height[EDGE_LINES:][-EDGE_LINES:]


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _without_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """The pages without page numbers and the running heads and footers at their edges."""
    seen = Counter(key for page in pages for key in {_furniture_key(ln.text) for ln in _edge(page)})
    needed = max(2, REPEAT_SHARE * len(pages))
    out = []
    for page in pages:
        edge = {id(ln) for ln in _edge(page)}
        out.append(
            [
                ln
                for ln in page
                if id(ln) not in edge
                or not (_PAGE_NUMBER.fullmatch(ln.text) or seen[_furniture_key(ln.text)] >= needed)
            ]
        )
    return out


def _paragraphs(pages: list[list[Line]]) -> list[list[Line]]:
    """The lines grouped into paragraphs, those cut by a page break joined again."""
    pitches = [a.y0 - b.y0 for page in pages for a, b in itertools.pairwise(page) if a.y0 > b.y0]
    pitch = statistics.median(pitches) if pitches else 0.0
    paragraphs: list[list[Line]] = []
    for page in pages:
        if not page:
            continue
        left = min(ln.x0 for ln in page)
        for prev, line in zip([None, *page], page, strict=False):
            if prev is None:
                joined = bool(paragraphs) and _continues(paragraphs[-1][-1], line, left)
            else:
                joined = not _breaks(prev, line, pitch)
            if joined:
                paragraphs[-1].append(line)
            else:
                paragraphs.append([line])
    return paragraphs


def _breaks(prev: Line, line: Line, pitch: float) -> bool:
    """Whether ``line`` starts a paragraph after ``prev`` on the same page."""
    height = max(prev.height, line.height, 1e-6)
    return (
        line.y1 > prev.y1 + height / 2  # up: a new column
        or line.x0 >= prev.x1  # sideways: beside, not below
        or (pitch > 0 and prev.y0 - line.y0 > PARAGRAPH_GAP * pitch)
        or line.x0 - prev.x0 > INDENT * height
        or abs(line.height - prev.height) > SIZE_CHANGE * height
    )


def _continues(last: Line, first: Line, left: float) -> bool:
    """Whether the first line of a page goes on with the paragraph ending in ``last``."""
    height = max(last.height, first.height, 1e-6)
    if first.x0 - left > INDENT * height or abs(first.height - last.height) > SIZE_CHANGE * height:
        return False
    return _SENTENCE_END.search(last.text) is None or first.text[:1].islower()


def _vocabulary(pages: list[list[Line]]) -> Counter[str]:
    """How often each word (hyphenated compounds whole) is printed, in lower case."""
    return Counter(
        w.lower().replace("\u2010", "-")
        for page in pages
        for ln in page
        for w in _WORDS.findall(ln.text)
    )


def _paragraph_text(lines: list[Line], vocabulary: Counter[str]) -> str:
    text = lines[0].text
    for line in lines[1:]:
        end = _HYPHEN_END.search(text)
        start = _WORD_START.match(line.text)
        if end is None or start is None:
            text += " " + line.text
        elif end.group(2) == "\u00ad" or _hyphenation(end.group(1), start.group(), vocabulary):
            text = text[: end.start(2)] + line.text
        else:
            text += line.text
    return text


def _hyphenation(head: str, tail: str, vocabulary: Counter[str]) -> bool:
    """Whether ``head-`` at a line end and ``tail`` on the next line are one word split."""
    joined, compound = (head + tail).lower(), f"{head}-{tail}".lower()
    return vocabulary[joined] > 0 and vocabulary[compound] == 0
