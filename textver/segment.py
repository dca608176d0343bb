"""Cut a stored text into paragraphs, sentences and word tokens, with offsets into that text.

Everything downstream (alignment, diff, reports, JSON) speaks in offsets into the text exactly as
stored, so segmentation never rewrites the text: it only finds spans.  Comparison uses a *key*
per token in which differences of typography alone (Unicode normalisation, curly quotes, dash
variants, soft hyphens) are folded away; ``strict=True`` keeps the raw token instead.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, chain, repeat
from typing import TYPE_CHECKING, TypeVar, overload

if TYPE_CHECKING:
    from textver.numbering import Number

Span = tuple[int, int]
_P = TypeVar("_P")

# A paragraph is a block of lines separated from the next by a line holding only whitespace.
_BLANK_LINE = re.compile(r"\n[ \t\f\v\r\u00a0\u2000-\u200b\u3000]*\n\s*")
# Word characters, plus soft hyphens and combining marks (which \w does not cover) so that
# decomposed accents and Indic vowel signs stay inside their word.
_W = (
    r"\w\u00ad\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f"
    r"\u0900-\u0dff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
# A word may hold apostrophes and hyphens between its letters; any other character that is not
# whitespace is a token of its own.  One group holds the whole token, so that split() keeps it.
_WORD = rf"[{_W}]+(?:['\u2019\u02bc\-\u2010\u2011][{_W}]+)*"
_TOKEN = re.compile(rf"({_WORD}|[^\s{_W}])")
_WORD_TOKEN = re.compile(_WORD)
_IS_WORD = re.compile(rf"[{_W}]")

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,
    }
)


def fold(token: str) -> str:
    """The comparison key of a token when typography is ignored."""
    if token.isascii():
        return token
    return unicodedata.normalize("NFKC", token).translate(_FOLD)


def paragraph_spans(text: str) -> list[Span]:
    """Spans of the paragraphs of ``text``: blocks between blank lines, trimmed of whitespace."""
    spans: list[Span] = []
    pos = 0
    for m in _BLANK_LINE.finditer(text):
        end = m.start()
        # After a break the pattern's trailing \s* leaves no leading whitespace, and the next
        # break starts with a newline that \s* would have eaten, so a block between two breaks
        # is never empty: only its last character needs a look (the common, fast case).
        if pos and not text[end - 1].isspace():
            spans.append((pos, end))
        else:
            _add_trimmed(text, pos, end, spans)
        pos = m.end()
    _add_trimmed(text, pos, len(text), spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))


def count_words(text: str) -> int:
    """How many word tokens ``text`` holds (punctuation is not counted)."""
    # A scan for words alone stops where tokenising would: punctuation never starts a word.
    return len(_WORD_TOKEN.findall(text))


# --- sentences --------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof hon rev revd st sr jr messrs mme mlle gen col capt lt sgt gov sen rep
    pres vs etc cf al viz ibid op loc approx ca no nos vol vols fig figs pp ch chap sec art
    para jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp bros dept est univ
    e.g i.e u.s u.k u.n a.m p.m""".split()  # noqa: SIM905
)
# A candidate sentence end: terminal punctuation, optional closing quotes/brackets, whitespace.
_END = re.compile(r"[.!?\u2026]+[\"'\u2019\u201d\u00bb)\]]*(?=\s)")
# What may open the next sentence: a capital, digit or opening quote, maybe after a list
# enumerator such as "c)" or "(iv)" (clauses of legal texts run into one paragraph).
_NEXT_STARTS = re.compile(
    r"\s+(?:\(?(?:[a-z]|[ivx]{1,5}|\d{1,3})\)\s+)?[\"'\u2018\u201c\u00ab(\[]*[A-Z\d\u00c0-\u024f\u0370-\u04ff]"
)
# Both at once: the regex engine then skips every full stop that cannot end a sentence.
_BOUNDARY = re.compile(f"{_END.pattern}(?={_NEXT_STARTS.pattern})")
_SPACE = re.compile(r"\s+")
_ENUMERATOR = re.compile(r"^(?:\(?[0-9]{1,3}[a-z]?|[ivxlcdm]{1,6}|[a-z])$", re.IGNORECASE)


def sentence_spans(text: str, start: int, end: int) -> list[Span]:
    """Spans of the sentences of the paragraph ``text[start:end]``.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets) followed
    by whitespace and a capital, digit or opening quote, except after a known abbreviation
    ("Hon.", "e.g.", "U.S."), an initial ("W."), or an enumerator that opens the paragraph
    ("1.", "(a)", "iv.") as numbered clauses of legal texts do.
    """
    spans: list[Span] = []
    sent_start = start
    for m in _BOUNDARY.finditer(text, start, end):
        if m.group()[0] == "." and _is_abbreviation(text, sent_start, m.start()):
            continue
        spans.append((sent_start, m.end()))
        space = _SPACE.match(text, m.end())
        assert space is not None  # _BOUNDARY's lookahead starts with whitespace
        sent_start = space.end()
    if sent_start < end:
        spans.append((sent_start, end))
    return spans


def _is_abbreviation(text: str, sent_start: int, dot: int) -> bool:
    word_start = dot
    while word_start > sent_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("\"'(\u201c\u2018[")
    if not word:
        return False
    low = word.lower()
    if low in _ABBREVIATIONS or (len(word) == 1 and word.isalpha() and word.isupper()):
        return True
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        return True  # dotted initialisms: "U.S", "e.g", "Ph.D"
    # "1." or "(a)." opening a paragraph is a clause number, not a sentence.
    return text[sent_start:word_start].strip() in (
        "",
        "Section",
        "SECTION",
        "Article",
        "§",
    ) and bool(_ENUMERATOR.match(word))


# --- a whole document -------------------------------------------------------------------------


class _Pairs(Sequence[_P]):
    """Pairs of integers stored as one flat array (``start0, end0, start1, end1, ...``): 16
    bytes a pair, where a tuple or a range costs 50-120.  A book has millions of tokens and a
    file of short paragraphs hundreds of thousands of sentences.  Subclasses say what a pair
    reads as; their ``__getitem__`` answers the common case (an int index from 0) inline, as
    the aligner asks a million times on a big text, and the array's own bounds check stands
    in for one there."""

    __slots__ = ("_bounds",)

    def __init__(self, bounds: array | None = None) -> None:
        self._bounds = array("q") if bounds is None else bounds

    def __len__(self) -> int:
        return len(self._bounds) // 2

    def _index(self, k: int) -> int:
        """``k`` as a non-negative index, negative ones counted from the end."""
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        return k

    def start(self, k: int) -> int:
        """Where pair ``k`` starts."""
        return self._bounds[2 * k]


class Spans(_Pairs[Span]):
    """The ``(start, end)`` offsets of every token (or sentence, or paragraph).  Indexing gives
    a tuple.  (Finding offsets only when asked for was tried: it saved the array but lost more
    than that on the runs of a revised text.)"""

    __slots__ = ()

    @overload
    def __getitem__(self, k: int) -> Span: ...
    @overload
    def __getitem__(self, k: slice) -> list[Span]: ...

    def __getitem__(self, k: int | slice) -> Span | list[Span]:
        b = self._bounds
        if type(k) is int and k >= 0:
            return b[2 * k], b[2 * k + 1]
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = self._index(k)
        return b[2 * k], b[2 * k + 1]

    def end(self, k: int) -> int:
        """Where token ``k`` ends."""
        return self._bounds[2 * k + 1]

    def __iter__(self) -> Iterator[Span]:
        b = self._bounds
        return zip(b[0::2], b[1::2], strict=True)


class Ranges(_Pairs[range]):
    """A sequence of ``range`` objects (a sentence's tokens, a paragraph's sentences)."""

    __slots__ = ()

    def append(self, rng: range) -> None:
        self._bounds.extend((rng.start, rng.stop))

    @overload
    def __getitem__(self, k: int) -> range: ...
    @overload
    def __getitem__(self, k: slice) -> list[range]: ...

    def __getitem__(self, k: int | slice) -> range | list[range]:
        b = self._bounds
        if type(k) is int and k >= 0:
            return range(b[2 * k], b[2 * k + 1])
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = self._index(k)
        return range(b[2 * k], b[2 * k + 1])

    def stop(self, k: int) -> int:
        """Where range ``k`` stops."""
        return self._bounds[2 * k + 1]

    def __iter__(self) -> Iterator[range]:
        b = self._bounds
        return map(range, b[0::2], b[1::2])


@dataclass
class Segmented:
    """A text cut into paragraphs, sentences and tokens; every span indexes ``text``.

    Tokens are kept in flat parallel sequences (offsets in one array, keys and word flags in
    lists) because a book has 10^5 to 10^6 of them and the aligner walks them in tight loops;
    sentence and paragraph records point into those sequences by index range.
    """

    text: str
    paragraphs: Spans
    sentences: Spans
    sentence_paragraph: array  # paragraph index of each sentence
    paragraph_sentences: Ranges  # sentence indices of each paragraph
    tokens: Spans
    keys: list[str]  # comparison key of each token
    is_word: bytearray  # 1 for a word token, 0 for punctuation
    sentence_tokens: Ranges  # token indices of each sentence

    @property
    def word_count(self) -> int:
        return sum(self.is_word)

    @cached_property
    def numbers(self) -> dict[int, Number]:
        """The clause numbers opening its paragraphs ("2.", "(a)", "Section 4"), by paragraph
        index (textver.numbering): found once, when the aligner or a report first asks."""
        from textver.numbering import find_numbers

        return find_numbers(self.text, self.paragraphs)

    def paragraph_tokens(self, p: int) -> range:
        ps, st = self.paragraph_sentences, self.sentence_tokens
        return range(st.start(ps.start(p)), st.stop(ps.stop(p) - 1))


# Below this average paragraph length (characters) one-sentence paragraphs are looked for and
# added in bulk.  Longer paragraphs nearly all hold several sentences, and the scan for them
# (one more regex pass over the text) would cost a book more than it saves.
_BULK_BELOW = 400


def _with_inner_end(text: str, p_starts: array, p_ends: array) -> list[int]:
    """The paragraphs (sorted) holding a candidate sentence end before their own end: only
    those can hold more than one sentence (a boundary is such an end followed by more)."""
    # A candidate end is punctuation, so it lies inside one paragraph and ends at or before
    # that paragraph's end: the ends that are no paragraph's end are the inner ones.
    inner = set(map(re.Match.end, _END.finditer(text)))
    inner.difference_update(p_ends)
    return sorted({bisect_right(p_starts, end) - 1 for end in inner})


def _interleaved(evens: array, odds: array) -> array:
    """``evens[0], odds[0], evens[1], odds[1], ...`` as one array."""
    out = array("q", bytes(16 * len(evens)))
    out[0::2] = evens
    out[1::2] = odds
    return out


def segment(text: str, *, strict: bool = False) -> Segmented:
    """Segment ``text``; with ``strict`` the token keys keep typography instead of folding it.

    Books run to 10^5 tokens, so the per-token work is left to the regex engine and to maps
    over the whole text; sentences then claim their tokens by offset.
    """
    paragraphs = paragraph_spans(text)
    # Splitting on the captured token pattern leaves [space, token, space, token, ..., space];
    # running sums of the piece lengths give every token's offsets without a Python loop.
    pieces = _TOKEN.split(text)
    bounds = array("q", accumulate(map(len, pieces)))
    del bounds[-1]
    raw = pieces[1::2]
    del pieces
    # Token strings repeat (a book has a few thousand distinct words), so each distinct one is
    # kept once and its key and word flag are worked out once.
    key_of: dict[str, str] = {}
    word_of: dict[str, bool] = {}
    for t in set(raw):
        t = sys.intern(t)
        key_of[t] = t if strict or t.isascii() else sys.intern(fold(t))
        # Punctuation tokens are single characters, so only those need the regex.
        word_of[t] = len(t) > 1 or _IS_WORD.match(t) is not None
    keys = list(map(key_of.__getitem__, raw))
    is_word = bytearray(map(word_of.__getitem__, raw))
    del raw
    starts = bounds[0::2]
    # Per sentence and per paragraph, flat arrays of integers: a file of short paragraphs
    # has as many of them as a book has words, and tuples and ranges cost 50-120 bytes each.
    sentences = array("q")
    sentence_paragraph = array("q")
    paragraph_sentences = Ranges()
    sentence_tokens = Ranges()
    # A paragraph can hold a sentence boundary only if a candidate end lies inside it (not at
    # its end).  The others are one sentence each, and a run of them is added in bulk: a file
    # of one-line paragraphs then has no Python loop per paragraph at all.
    para_bounds = array("q", chain.from_iterable(paragraphs))
    p_starts, p_ends = para_bounds[0::2], para_bounds[1::2]
    if len(text) < _BULK_BELOW * len(paragraphs):
        several = _with_inner_end(text, p_starts, p_ends)
    else:  # long paragraphs: all cut one by one
        several = list(range(len(paragraphs)))
    st_bounds, sp_bounds = sentence_tokens._bounds, paragraph_sentences._bounds
    t = 0
    p = 0
    for split in [*several, len(paragraphs)]:
        if split > p:  # paragraphs p:split, one sentence each
            stops = array("q", map(bisect_left, repeat(starts), p_ends[p:split]))
            first = len(sentence_paragraph)
            sentences.extend(para_bounds[2 * p : 2 * split])
            sentence_paragraph.extend(range(p, split))
            st_bounds.extend(_interleaved(array("q", [t]) + stops[:-1], stops))
            sp_bounds.extend(
                _interleaved(
                    array("q", range(first, first + split - p)),
                    array("q", range(first + 1, first + split - p + 1)),
                )
            )
            t = stops[-1]
        if split == len(paragraphs):
            break
        first = len(sentence_paragraph)
        for s_start, s_end in sentence_spans(text, p_starts[split], p_ends[split]):
            stop = bisect_left(starts, s_end, t)
            if stop > t:
                sentences.extend((s_start, s_end))
                sentence_paragraph.append(split)
                st_bounds.extend((t, stop))
            t = stop
        sp_bounds.extend((first, len(sentence_paragraph)))
        p = split + 1
    tokens = Spans(bounds)
    return Segmented(
        text,
        Spans(para_bounds),
        Spans(sentences),
        sentence_paragraph,
        paragraph_sentences,
        tokens,
        keys,
        is_word,
        sentence_tokens,
    )
