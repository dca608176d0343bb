"""Align two segmented texts: sentences first, then paragraphs, then words inside linked passages.

Why sentences first: an abridged reprint is rarely a subset of whole paragraphs.  Editors keep two
sentences of one paragraph and one of the next and run them together, split a paragraph, move a
passage.  Sentences survive all of that far better than paragraphs do, so we find, for every
sentence of the right text, the sentence(s) of the left text it came from, and derive paragraph
links from where the linked words went.  Only then is a word diff run, inside each linked group of
sentences, so an added "However," can only be matched against its own sentence.

The cost stays near linear: identical sentences are matched through a hash table, and the others
are scored only against left sentences that share a *rare* feature with them (an inverted index
whose long posting lists are never walked), never against every sentence of the other text.
"""

from __future__ import annotations

import functools
import heapq
import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import accumulate, chain, compress, pairwise
from operator import itemgetter, lt, neg
from typing import Generic, TypeVar

from textver.diff import DELETE, EQUAL, INSERT, Op, Opcode, diff_tokens
from textver.language import FUNCTION_WORDS, NON_LATIN
from textver.numbering import NUMBERED, NUMBERED_HEADING, label_tokens, renumber
from textver.segment import Segmented

_T = TypeVar("_T")


# Function words, and the connectives editors add or drop ("However,"), carry no evidence
# that two sentences are the same passage.
_STOPWORDS = frozenset(
    """a an the and or but nor so yet for of to in on at by with from into onto upon as than then
    that this these those there here which who whom whose what when where why how it its it's is
    are was were be been being am do does did done have has had having will would shall should
    can could may might must not no yes all any some such each every other more most much many
    very also only just even our we us your you he him his she her they them their i me my mine
    if while about over under again further once between through during before after above below
    up down out off both few own same too s t
    however indeed moreover furthermore therefore thus hence nevertheless nonetheless meanwhile
    instead besides likewise accordingly consequently still""".split()  # noqa: SIM905
)

_PUNCTUATION = frozenset(".,;:!?\"'()[]-")
_GRID = 2**20  # IDF weights are multiples of 1/_GRID (see _idf)


@dataclass(frozen=True)
class AlignParams:
    """Every threshold of the sentence aligner, with the reason for its value.

    The defaults were chosen on the Darwin variorum and on generated abridgements
    (bench/align_bench.py); change one only with those figures in hand.  Shares are of a right
    sentence's *evidence*: the summed IDF weight of its content features (see _idf), so a rare
    word counts for more than a common one.
    """

    min_cover: float = 0.5
    """Share of a right sentence's evidence its source must explain.  Below half, the two
    sentences merely share a topic; an edited sentence keeps most of its content words."""

    min_shared: int = 2
    """Content features a source must share with a right sentence of more than this many
    features.  One shared rare word (a name) is a coincidence, not a source."""

    dice_weight: float = 0.25
    """Weight of the similarity on both sides (Dice) in a candidate's score, beside its cover.
    Cover decides; Dice only prefers, of two sources explaining as much, the one that kept
    less besides (the sentence rather than the longer one containing it)."""

    window_bonus: float = 0.15
    """Score added to a candidate inside the window between the neighbouring anchors: in
    order, a link is an edit; out of order it claims a move, which needs more evidence."""

    context_bonus: float = 0.2
    """Score added to a candidate continuing the links of the neighbouring right sentences
    (half of it for one in their left paragraph).  Near-identical sentences (boilerplate, a
    clause repeated with one word changed) are told apart only by where their neighbours went."""

    move_dice: float = 0.5
    """Similarity (Dice) a link out of the window needs ..."""

    move_cover: float = 0.9
    """... unless the right sentence is nearly all taken from its source (a cut-down sentence
    moved) ..."""

    move_min_shared: int = 4
    """... and shares at least this many content features with it: a short sentence "nearly
    all taken" from somewhere else is usually a look-alike."""

    merge_below_cover: float = 0.85
    """A right sentence whose best source explains less than this share of it may have a
    second source (two sentences an editor ran into one) ..."""

    merge_gain: float = 0.2
    """... a neighbour of the first source explaining at least this extra share of it ..."""

    merge_rest_share: float = 0.5
    """... and at least this share of what the first source left unexplained."""

    global_postings: int = 12
    """A feature in at most this many left sentences is searched in the whole text (which is
    how a moved sentence is found); a commoner one only in the window.  Rare words identify a
    passage; common ones would make every sentence a candidate for every other."""

    window_postings: int = 64
    """A feature in more than this many left sentences of the window is not searched at all:
    its posting list would be walked for every right sentence that has it."""

    candidates: int = 8
    """Candidates per right sentence scored exactly, those sharing the most evidence.  The
    rest share less than the eighth best and almost never win; scoring them costs time."""

    plain_window: int = 64
    """A right sentence made only of function words ("That's all there is to it!") is looked
    for word by word, only in a window of at most this many left sentences ..."""

    plain_dice: float = 0.7
    """... where its source must share this share of its words (Dice) ..."""

    plain_min_shared: int = 3
    """... and at least this many words: "It is." matches everything."""

    para_share: float = 0.3
    """Share of a paragraph's words a sentence link must carry to link the two paragraphs on
    its own.  A smaller link joins them only as the strongest tie of one of the two, so a
    sentence an author moved between paragraphs stays a sentence-level change."""

    gap_dice: float = 0.2
    """Similarity (Dice of evidence) that links, in place, an unlinked right sentence to an
    unlinked left one standing in the same gap between two linked neighbours.  There the
    order already says which sentence it replaced: a clause rewritten in place, a heading
    whose name, number and date changed ("Version 2, June 1991" to "Version 2.1, February
    1999").  It is shown as changed, with its word diff, not as unrelated deletion and
    insertion; far below min_cover, since only what it shares must be real ..."""

    gap_min_shared: int = 2
    """... and at least this many content features (or all of the shorter one's) shared:
    one common word in two sentences that happen to sit side by side is no counterpart."""

    gap_kept: float = 0.1
    """Inside a linked record, the unlinked sentences between two sentence groups in order
    (on both sides) are diffed together, and shown as one changed passage when the diff keeps
    this share of their words (Dice) ...  Below it they are a deletion and an insertion."""

    gap_min_kept: int = 3
    """... and at least this many words: two sentences sharing "the" and "of" are not one
    passage rewritten."""

    verbatim_words: int = 3
    """A run of this many words of a right sentence found word for word in an unlinked left
    sentence near its sources, and in none of them, makes that sentence one more source: the
    sentences an abridgement ran into one ("Copyright [yyyy] [name of copyright owner]" run
    into the next paragraph) are then all linked, and none of their text is reported added ..."""

    verbatim_new: int = 2
    """... when its sources lack at least this many of its content features (a sentence
    that only gained a connective or a swapped word is not searched) ..."""

    verbatim_share: float = 0.5
    """... when at least this share of that left sentence's runs are in it (an abridgement
    copies a sentence whole, or cut at a clause; a revision shares a phrase) ..."""

    verbatim_reach: int = 8
    """... looked for within this many sentences of the sources (an editor condenses
    neighbouring paragraphs; so the search stays local and linear)."""

    heading_words: int = 8
    """A sentence of at most this many words is read as a heading or a short line ("0.
    Definitions.", "3.5. Application of Additional Terms"): its link is kept where it crosses
    the others without a move's evidence (see _drop_weak_crossings)."""

    absorb_kept: float = 0.2
    """A deleted or inserted paragraph beside a linked record joins it (one passage
    rewritten, see _absorb_lone_paragraphs) when their joined diff keeps this share (Dice) of
    the paragraph and of what the record left unmatched, or leaves the record no less alike
    than it was.  Twice gap_kept: two paragraphs of prose on one topic share a tenth of
    their words ("the", "of", the topic's nouns) without being one passage."""

    gap_band: int = 16
    """In a gap holding more than this many unlinked sentences on either side, a right
    sentence is compared only with the left ones within this many of where it would sit in
    proportion, so that two unrelated texts (one gap) still cost linear time."""


DEFAULT_PARAMS = AlignParams()


_SUFFIXES = ("ingly", "edly", "ing", "ies", "ied", "ed", "es", "ly", "s")


def feature_table(keys: Iterable[str], language: str | None = None) -> dict[str, str]:
    """Each distinct token key's content feature, or "" for a function word.

    For English (``language`` "en", or None when it is not known) the feature is the
    lower-cased word without a possessive "'s" or an English inflection, cut to six letters: a
    stemmer that needs no dictionary.  It makes "deny", "denying", "develop" and "development"
    two features, not four, which is what lets a reworded sentence or another translation of
    the same passage still match on its content words, while numbers and names pass through
    whole and, being rare, weigh the most under IDF.  Character n-grams would tolerate more
    spelling variation, but cost several times more features per sentence on a book.  A book
    has a few thousand distinct words, so the work is per word, not per token.  Other
    languages: see :func:`_foreign_table`.
    """
    if language not in (None, "en"):
        return _foreign_table(set(keys), language)
    table: dict[str, str] = {}
    for key in set(keys):
        word = key.lower()
        if word.endswith("'s"):
            word = word[:-2]
        table[key] = "" if word in _STOPWORDS else _stem(word)
    return table


def _stem(word: str) -> str:
    """An inflectional ending off ("denying" and "deny", "asked" and "ask" meet), then the
    first six letters ("development" and "developed" meet)."""
    if len(word) > 4:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
    return word[:6]


# The Snowball stemmer (PyStemmer) of each language that has one, by ISO 639-1 code.
_SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "es": "spanish",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "tr": "turkish",
}
# Languages that elide an article or pronoun into the next word ("l'homme", "dell'anno").
_ELIDING = frozenset({"fr", "it", "ca"})
_ELISION_MAX = 4  # letters before the apostrophe that make an elided word ("quell'")


@functools.cache
def _stemmer(language: str) -> Callable[[list[str]], list[str]] | None:
    """The batch stemming function for ``language``, or None if Snowball has none.  PyStemmer
    is imported only here, so English comparisons never load it."""
    if language not in _SNOWBALL:
        return None
    import Stemmer

    return Stemmer.Stemmer(_SNOWBALL[language]).stemWords


def _foreign_table(keys: set[str], language: str) -> dict[str, str]:
    """:func:`feature_table` for a language other than English.

    The feature is the lower-cased word's Snowball stem ("страны" and "страну" meet), whole
    when the language has no stemmer; its function words (textver.language.FUNCTION_WORDS) and
    English's have none.  A word in the Latin script inside a text in another script (a
    command, a name, an untranslated English passage of a translation) is treated as English,
    so it matches the same word in the English original.
    """
    latin_text = language not in NON_LATIN
    stopwords = FUNCTION_WORDS.get(language, frozenset()) | _STOPWORDS
    table: dict[str, str] = {}
    native: dict[str, str] = {}  # key -> lower-cased word to stem
    for key in keys:
        word = key.lower()
        if not latin_text and word[:1].isascii():
            if word.endswith("'s"):
                word = word[:-2]
            table[key] = "" if word in _STOPWORDS else _stem(word)
            continue
        if language in _ELIDING:
            head, apostrophe, tail = word.replace("\u2019", "'").partition("'")
            if apostrophe and tail and len(head) <= _ELISION_MAX:
                word = tail
        if word in stopwords:
            table[key] = ""
        else:
            native[key] = word
    stem = _stemmer(language)
    words = list(native.values())
    stems = stem(words) if stem else words
    table.update(zip(native, stems, strict=True))
    return table


def features(seg: Segmented, table: dict[str, str], lo: int, hi: int) -> frozenset[str]:
    """The content features of the words among tokens ``lo:hi`` (``table``: feature_table)."""
    words = compress(seg.keys[lo:hi], seg.is_word[lo:hi])
    return frozenset(filter(None, map(table.__getitem__, words)))


@dataclass
class _Side:
    """One text as the sentence aligner sees it: per sentence, its content features, the id of
    its token keys (equal ids: identical sentences, on either side) and its word count."""

    seg: Segmented
    feats: list[frozenset[str]] = field(default_factory=list)
    sigs: list[int] = field(default_factory=list)
    words: list[int] = field(default_factory=list)

    @classmethod
    def build(
        cls, seg: Segmented, table: dict[str, str], sig_ids: dict[tuple[str, ...], int]
    ) -> _Side:
        """``sig_ids`` numbers the distinct sentences; pass the same one for both sides.  Ids
        rather than the tuples of keys themselves: those cost a hundred bytes a sentence."""
        side = cls(seg)
        keys, is_word = seg.keys, seg.is_word
        # A repeated sentence (same keys, same word flags) has the same features and word
        # count: worked out once per distinct sentence, and the frozenset shared.
        seen: dict[int, tuple[bytearray, frozenset[str], int]] = {}
        feats, sigs, words = side.feats, side.sigs, side.words
        for rng in seg.sentence_tokens:
            lo, hi = rng.start, rng.stop
            sig = sig_ids.setdefault(tuple(keys[lo:hi]), len(sig_ids))
            flags = is_word[lo:hi]
            known = seen.get(sig)
            if known is None or known[0] != flags:
                known = seen[sig] = (flags, features(seg, table, lo, hi), sum(flags))
            feats.append(known[1])
            sigs.append(sig)
            words.append(known[2])
        # A clause's number says where the clause stands, not what it says: "2. Lights." is
        # "3. Lights." renumbered, not "2. Anchoring." (textver.numbering).  A heading left
        # with a word or two keeps one feature, NUMBERED, for any number, so that it is not
        # matched on one word alone ("11. Patents." with any sentence about patents).
        for p, n in seg.numbers.items():
            s = seg.paragraph_sentences.start(p)
            rng = seg.sentence_tokens[s]
            rest = features(seg, table, rng.start + label_tokens(seg, rng, n.end), rng.stop)
            feats[s] = rest | NUMBERED if len(rest) <= NUMBERED_HEADING else rest
        return side

    def keys(self, s: int) -> list[str]:
        """The token keys of sentence ``s``."""
        rng = self.seg.sentence_tokens[s]
        return self.seg.keys[rng.start : rng.stop]


class LinkKind(StrEnum):
    """What became of a record's paragraphs (``Link.kind``) or of a sentence group's sentences
    (``SentenceLink.kind``, never SPLIT or MERGED: a group's shape is its sentence counts)."""

    EQUAL = "equal"
    CHANGED = "changed"
    DELETED = "deleted"  # left only
    INSERTED = "inserted"  # right only
    SPLIT = "split"  # one left paragraph in several right ones
    MERGED = "merged"  # several left paragraphs in one right one (or fewer)
    TRANSLATED = "translated"  # linked by meaning across languages, no word diff


class Method(StrEnum):
    """How a sentence group was linked, recorded once the meaning stage has run."""

    IDENTICAL = "identical"  # the same words
    WORDS = "words"  # by shared words (its similarity by meaning measured where it was needed)
    MEANING = "meaning"  # by meaning, where the words alone could not link it


@dataclass(slots=True)
class SentenceLink:
    """A group of left sentences and the right sentences made from them (either may be empty).

    ``ops`` is the word diff of the group, with absolute token indices on both sides.  Once the
    meaning stage has run (textver.meaning), a linked group also says how it was linked
    (``method``: identical | words | meaning) and, where measured, its ``similarity`` by meaning;
    a group linked across languages is ``translated``, with one TRANSLATED run as its ``ops``.
    """

    left: list[int]
    right: list[int]
    kind: LinkKind  # EQUAL | CHANGED | DELETED | INSERTED | TRANSLATED
    ops: list[Opcode]
    method: Method | None = None
    similarity: float | None = None


@dataclass(slots=True)
class Link:
    """One alignment record: paragraphs of the left text and their counterparts on the right."""

    left: list[int]
    right: list[int]
    kind: LinkKind
    moved: bool
    similarity: float
    sentences: list[SentenceLink]


def _idf(a: _Side, b: _Side) -> dict[str, float]:
    df = Counter(chain.from_iterable(a.feats))
    df.update(chain.from_iterable(b.feats))
    n = len(a.feats) + len(b.feats) + 1
    # Weights are rounded to multiples of 2**-20, so every sum of them is exact and the same in
    # any order.  Feature sets iterate in an order that changes from run to run with Python's
    # string hashing; with inexact sums, near-ties between candidates went different ways in
    # different runs and the same two texts could be aligned differently.
    return {x: round((math.log(n / d) + 0.5) * _GRID) / _GRID for x, d in df.items()}


def _weigh(idf: dict[str, float], feats: Iterable[str]) -> float:
    """The evidence a set of features carries: the sum of their weights (exact, see _idf)."""
    return sum(map(idf.__getitem__, feats))


class DisjointSets(Generic[_T]):
    """Union-find over hashable items: which items a set of ties has joined into one group.

    Items join the structure when first named.  ``union(a, b)`` puts ``a``'s group under
    ``b``'s root, so the root of a group is always the item last named on the right of a union
    into it: a caller who always unions ``p`` into ``p + 1`` gets, from ``find(p)``, the first
    position at or after ``p`` not yet joined (the "next free slot" pointer).
    """

    __slots__ = ("parent",)

    def __init__(self) -> None:
        self.parent: dict[_T, _T] = {}

    def find(self, x: _T) -> _T:
        parent = self.parent
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]  # path halving: later finds take half the steps
            x = parent[x]
        return x

    def union(self, a: _T, b: _T) -> None:
        root = self.find(b)
        self.parent[self.find(a)] = root

    def __iter__(self) -> Iterator[_T]:
        """Every item named so far, in the order it was first named."""
        return iter(list(self.parent))


def heaviest_chain(
    points: Sequence[tuple[int, int]], weights: Sequence[float] | None = None
) -> list[int]:
    """Indices of the heaviest chain of ``points`` increasing strictly in both coordinates.

    ``points`` come sorted by their first coordinate; each weighs ``weights[k]`` (default 1, the
    longest chain).  A weighted longest increasing subsequence over a Fenwick tree of prefix
    maxima, in O(n log n).  Of equally heavy chains the one through the later points wins, at
    every step, so the result is the same whatever the order of equal weights.
    """
    if not points:
        return []
    if all(a[0] < b[0] and a[1] < b[1] for a, b in pairwise(points)) and (
        weights is None or min(weights) > 0
    ):
        return list(range(len(points)))  # all in order already (nothing moved): all of them
    ranks = {b: r + 1 for r, b in enumerate(sorted({p[1] for p in points}))}
    size = len(ranks)
    # Fenwick tree: best (chain weight, point) by second rank
    tree: list[tuple[float, int]] = [(0, -1)] * (size + 1)
    best: tuple[float, int]
    prev = [-1] * len(points)
    k = 0
    while k < len(points):
        # Points sharing a first coordinate cannot follow each other: query them all first.
        end = k + 1
        while end < len(points) and points[end][0] == points[k][0]:
            end += 1
        found = []
        for m in range(k, end):
            pos, best = ranks[points[m][1]] - 1, (0, -1)
            while pos > 0:
                best = max(best, tree[pos])
                pos -= pos & -pos
            prev[m] = best[1]
            found.append((best[0] + (1 if weights is None else weights[m]), m))
        for val in found:
            pos = ranks[points[val[1]][1]]
            while pos <= size:
                tree[pos] = max(tree[pos], val)
                pos += pos & -pos
        k = end
    pos, best = size, (0, -1)
    while pos > 0:
        best = max(best, tree[pos])
        pos -= pos & -pos
    chain = []
    k = best[1]
    while k >= 0:
        chain.append(k)
        k = prev[k]
    return chain[::-1]


def _anchors(left: list[int], right: list[int]) -> list[tuple[int, int]]:
    """Pairs of identical sentences that fix the alignment's backbone, in order on both sides.

    Patience-style: a sentence occurring as often on the left as on the right (usually once)
    pairs its occurrences in order; the longest chain of such pairs in order on both sides is
    kept, and each gap between two kept pairs is searched again, where a sentence repeated in
    the whole text (boilerplate, a book given twice) may occur equally often.  The work is
    capped at a few passes over the text, so it stays linear.
    """
    chain_all: list[tuple[int, int]] = []
    budget = 8 * (len(left) + len(right)) + 100
    stack = [(0, len(left), 0, len(right))]
    while stack and budget > 0:
        l0, l1, r0, r1 = stack.pop()
        budget -= (l1 - l0) + (r1 - r0)
        l_occ: dict[int, list[int]] = defaultdict(list)
        for i in range(l0, l1):
            l_occ[left[i]].append(i)
        r_occ: dict[int, list[int]] = defaultdict(list)
        for j in range(r0, r1):
            r_occ[right[j]].append(j)
        pairs = sorted(
            (
                (j, i)
                for sig, js in r_occ.items()
                if len(l_occ.get(sig, ())) == len(js)
                for i, j in zip(l_occ[sig], js, strict=True)
            ),
        )
        chain = [(pairs[k][1], pairs[k][0]) for k in heaviest_chain(pairs)]
        chain_all.extend(chain)
        prev_i, prev_j = l0 - 1, r0 - 1
        for i, j in [*chain, (l1, r1)]:
            if chain and i - prev_i > 1 and j - prev_j > 1:
                stack.append((prev_i + 1, i, prev_j + 1, j))
            prev_i, prev_j = i, j
    return sorted(chain_all, key=lambda p: p[1])


@dataclass
class Windows:
    """Where each right sentence may come from without being a move.

    For right sentence ``j``: left sentences ``lo[j]:hi[j]`` lie between the anchors around it,
    and ``expected[j]`` is where in them it would sit if the text between the anchors kept
    its proportions.
    """

    lo: list[int]
    hi: list[int]
    expected: list[float]

    @classmethod
    def between(cls, backbone: list[tuple[int, int]], n_left: int, n_right: int) -> Windows:
        """The windows between the anchors of ``backbone`` (sorted by right sentence)."""
        lo_of = [0] * n_right
        hi_of = [n_left] * n_right
        expected_of = [0.0] * n_right
        last_i, last_j = -1, -1
        k = 0
        for j in range(n_right):
            while k < len(backbone) and backbone[k][1] < j:
                last_i, last_j = backbone[k]
                k += 1
            lo_of[j] = last_i + 1
            expected_of[j] = last_j  # completed below
        next_i, next_j = n_left, n_right
        k = len(backbone) - 1
        for j in range(n_right - 1, -1, -1):
            while k >= 0 and backbone[k][1] > j:
                next_i, next_j = backbone[k]
                k -= 1
            hi_of[j] = next_i
            prev_j = expected_of[j]
            share = (j - prev_j) / (next_j - prev_j)
            expected_of[j] = lo_of[j] - 1 + share * (next_i - lo_of[j] + 1)
        return cls(lo_of, hi_of, expected_of)


@dataclass
class LinkState:
    """What the stages of sentence linking share, and what each one adds to.

    ``links`` maps a right sentence to the left sentence(s) it was made from (absent: not
    linked yet, in the end inserted); ``scores`` holds the score of every link that is a
    similarity, not an identical sentence (_drop_scattered_splits may drop those).  A stage
    only adds links for right sentences that have none, so the earlier, surer stages win.
    """

    left: _Side
    right: _Side
    params: AlignParams
    windows: Windows
    links: dict[int, list[int]]
    scores: dict[int, float] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    in_place: set[int] = field(default_factory=set)

    def context(self, j: int) -> tuple[set[int], set[int]]:
        """Left sentences that would continue the links of right sentence ``j``'s neighbours
        in its paragraph, and those neighbours' left paragraphs.  Near-identical sentences
        (boilerplate, a clause repeated with one word changed) are told apart by this."""
        r_para = self.right.seg.sentence_paragraph
        l_para = self.left.seg.sentence_paragraph
        links = self.links
        near: set[int] = set()
        paras: set[int] = set()
        for k, step in ((j - 1, 1), (j + 1, -1)):
            if 0 <= k < len(r_para) and r_para[k] == r_para[j] and k in links:
                for i in links[k]:
                    near.update((i, i + step))
                    paras.add(l_para[i])
        return near, paras


LinkStage = Callable[[LinkState], None]
"""A stage of sentence linking: reads a LinkState and adds links (and their scores) to it.

It runs after the lexical stages and before look-alike splits are dropped; if it also has an
``annotate(links)`` method, align() calls it with the records before marking moves (the meaning
stage labels each sentence group with how it was linked there)."""


def _link_sentences(
    L: _Side,
    R: _Side,
    params: AlignParams,
    stages: Sequence[LinkStage] = (),
    cross: bool = False,
) -> tuple[dict[int, list[int]], set[int]]:
    """For each right sentence, the left sentence(s) it was made from (absent: inserted), and
    the right sentences linked only for standing in place of their source (see _link_gaps).

    Surest first: identical sentences in order (the backbone), other identical sentences,
    then lexical similarity; ``stages`` (e.g. similarity of meaning) then link what is left,
    and a left sentence's look-alike links far from its other counterparts are dropped.
    Last, sentences rewritten in place between linked neighbours are linked (_link_gaps),
    unless the two sides are in different languages (``cross``), where sharing a few
    words in place means nothing.
    """
    backbone = _anchors(L.sigs, R.sigs)
    windows = Windows.between(backbone, len(L.sigs), len(R.sigs))
    state = LinkState(L, R, params, windows, {j: [i] for i, j in backbone}, idf=_idf(L, R))
    _link_identical(state)
    _link_similar(state)
    for stage in stages:
        stage(state)
    _place_copies(state)
    _drop_scattered_splits(state)
    if not cross:
        _drop_weak_crossings(state)
        _link_gaps(state)
    _link_verbatim(state)
    return state.links, state.in_place


def _link_identical(state: LinkState) -> None:
    """Link right sentences to identical left ones, so that they give context to the
    similarity links after them.

    Among several identical candidates prefer the one continuing the neighbours' links, then
    one in their left paragraph, then one not yet taken, then one in order, then the one
    nearest where the sentence would sit (of two as near, the earlier).  A sentence repeated
    thousands of times (a form, a log, a table) is never compared with all its copies: the
    copies are indexed (_Copies) and only the few that can win are looked at.
    """
    L, links, win = state.left, state.links, state.windows
    l_para = L.seg.sentence_paragraph
    by_sig: dict[int, list[int]] = defaultdict(list)
    for i, sig in enumerate(L.sigs):
        by_sig[sig].append(i)
    used = {i for sources in links.values() for i in sources}
    indexed: dict[int, _Copies] = {}
    r_para = state.right.seg.sentence_paragraph
    n_right = len(r_para)
    for j, sig in enumerate(state.right.sigs):
        same = by_sig.get(sig)
        if j in links or not same:
            continue
        lo, hi = win.lo[j], win.hi[j]
        para = r_para[j]
        if (j > 0 and r_para[j - 1] == para) or (j + 1 < n_right and r_para[j + 1] == para):
            near, paras = state.context(j)
        else:
            near, paras = set(), set()  # alone in its paragraph: no neighbours' links
        expected = win.expected[j]
        copies = indexed.get(sig)
        if copies is None and len(same) > _FEW_COPIES:
            copies = indexed[sig] = _Copies(same, used)
        if copies is None:
            best = min(same, key=_preference(l_para, used, near, paras, lo, hi, expected))
        elif not near and not paras:
            # No neighbours to continue (a one-sentence paragraph): the best in the whole text
            # is the only contender.
            best = copies.best(lo, hi, expected)
            copies.take(best)
        else:
            preference = _preference(l_para, used, near, paras, lo, hi, expected)
            best = min(
                sorted(copies.contenders(near, paras, L.seg, lo, hi, expected)), key=preference
            )
            copies.take(best)
        links[j] = [best]
        used.add(best)


_FEW_COPIES = 16  # up to this many copies of a sentence are simply all compared


def _preference(
    l_para: Sequence[int],
    used: set[int],
    near: set[int],
    paras: set[int],
    lo: int,
    hi: int,
    expected: float,
) -> Callable[[int], tuple[bool, bool, bool, bool, float]]:
    """The sort key _link_identical picks the first copy by (see there)."""
    return lambda i: (
        i not in near,
        l_para[i] not in paras,
        i in used,
        not lo <= i < hi,
        abs(i - expected),
    )


class _Copies:
    """The left sentences of one signature (sorted), and which of them are not yet taken.

    Two pointer structures over positions in that list answer "the first untaken copy at or
    after position p" and "the last untaken one at or before p" in near-constant time, so the
    copy nearest an expected position is found by one bisection and two look-ups.
    """

    __slots__ = ("_after", "_before", "at")

    def __init__(self, at: list[int], used: set[int]) -> None:
        self.at = at
        self._after: DisjointSets[int] = DisjointSets()  # find(p): first free position >= p
        self._before: DisjointSets[int] = DisjointSets()  # find(p): last free position <= p
        for pos, i in enumerate(at):
            if i in used:
                self._take_position(pos)

    def take(self, i: int) -> None:
        self._take_position(bisect_left(self.at, i))

    def _take_position(self, pos: int) -> None:
        # What union(pos, pos + 1) does when ``pos`` is free (a root), with one find instead
        # of two; when it is taken already, its group's root stays the same either way.
        self._after.parent[pos] = self._after.find(pos + 1)
        self._before.parent[pos] = self._before.find(pos - 1)

    def contenders(
        self, near: set[int], paras: set[int], seg: Segmented, lo: int, hi: int, expected: float
    ) -> set[int]:
        """Copies among which _link_identical's preference has its winner: those continuing
        the neighbours' links if there are any (the preference puts them first), else the
        best by the rest of the preference in each of the neighbours' paragraphs and the best
        in the whole text."""
        at = self.at
        out = set()
        for i in near:
            pos = bisect_left(at, i)
            if pos < len(at) and at[pos] == i:
                out.add(i)
        if out:
            return out
        spans = [seg.paragraph_sentences[p] for p in paras]
        # The whole text once, even where a paragraph holds every copy (one long paragraph).
        ranges = {(0, len(at))}
        ranges.update((bisect_left(at, s.start), bisect_left(at, s.stop)) for s in spans)
        out.update(self._best(a, b, lo, hi, expected) for a, b in ranges)
        out.discard(-1)
        return out

    def best(self, lo: int, hi: int, expected: float) -> int:
        """The best copy in the whole text by _best's order; -1 if there is none."""
        return self._best(0, len(self.at), lo, hi, expected)

    def _best(self, a: int, b: int, lo: int, hi: int, expected: float) -> int:
        """Of the copies at positions ``a:b``, the first by (taken, outside ``lo:hi``, distance
        from ``expected``, index); -1 if there are none."""
        at = self.at
        wa = bisect_left(at, lo, a, b)
        wb = max(wa, bisect_left(at, hi, wa, b))
        for free in (True, False):
            pos = self._nearest(wa, wb, expected, free)
            if pos < 0:
                outside = (
                    self._nearest(a, wa, expected, free),
                    self._nearest(wb, b, expected, free),
                )
                pos = min((p for p in outside if p >= 0), key=self._distance(expected), default=-1)
            if pos >= 0:
                return at[pos]
        return -1

    def _nearest(self, a: int, b: int, expected: float, free: bool) -> int:
        """The position in ``a:b`` of the copy nearest ``expected`` (if ``free``, of the
        untaken copies only), the earlier of two as near; -1 if there is none."""
        if a >= b:
            return -1
        at = self.at
        pos = bisect_left(at, expected, a, b)
        up, down = pos, pos - 1
        if free:
            up = self._after.find(up) if up < b else b
            down = self._before.find(down) if down >= a else -1
        # The copy at ``down`` lies before ``expected``, the one at ``up`` at or after it.
        if down < a:
            return up if up < b else -1
        if up >= b or expected - at[down] <= at[up] - expected:
            return down
        return up

    def _distance(self, expected: float) -> Callable[[int], tuple[float, int]]:
        at = self.at
        return lambda p: (abs(at[p] - expected), p)


def _link_similar(state: LinkState) -> None:
    """Link each right sentence still unlinked to its most similar left sentence(s), by the
    content words they share (or, for a sentence of function words only, all its words),
    unless another left sentence holds clearly more of its words word for word (_Copied)."""
    L, R, p = state.left, state.right, state.params
    unlinked = [j for j in range(len(R.sigs)) if j not in state.links]
    if not unlinked:
        return  # every sentence kept word for word: no index needed
    idf = state.idf
    postings: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(L.feats):
        for x in f:
            postings[x].append(i)
    weight = [_weigh(idf, f) for f in L.feats]
    used = {i for sources in state.links.values() for i in sources}
    copied = _Copied(state, [j for j in unlinked if R.feats[j]])
    for j in unlinked:
        lo, hi = state.windows.lo[j], state.windows.hi[j]
        if not R.feats[j]:
            source = _plain_source(L, R, j, lo, hi, p)
            if source is not None:
                state.links[j] = [source]
                state.scores[j] = 0.0
                used.add(source)
            continue
        cands = _candidates(state, j, idf, postings)
        best, best_score, best_cover = _best_source(state, j, cands, idf, weight, used)
        copy = copied.source(j, best, used)
        if copy is not None:
            best, best_score, best_cover = _best_source(state, j, [copy], idf, weight, used, True)
        if best is None:
            continue
        sources = [best]
        if best_cover < p.merge_below_cover:
            second = _second_source(state, j, best, idf)
            if second is not None:
                sources.append(second)
        state.links[j] = sorted(sources)
        state.scores[j] = best_score
        used.update(sources)


class _Copied:
    """Which left sentence a right sentence copies most of, word for word.

    Features weigh a sentence's content words; an abridgement copies its sentences, cut,
    opened with a connective or with a word swapped.  In a licence the same content words
    recur in every clause ("unless required by applicable law", "of this License"), so a
    condensed sentence can share as many features with a boilerplate look-alike as with the
    clause it was cut from, and a short one, whose connective and swapped word weigh the most
    (being rare), can share too few with either.  What tells them apart is the runs of
    AlignParams.verbatim_words words it shares with each: the words of the right sentence
    inside such runs are *covered* by that left sentence.  Candidates are the left sentences
    holding a run found in at most AlignParams.global_postings of them (an index of only the
    runs the right sentences to link hold, so the work stays linear in the two texts).
    """

    def __init__(self, state: LinkState, rights: list[int]) -> None:
        self.state = state
        n = state.params.verbatim_words
        self.runs = {j: _run_list(state.right, j, n) for j in rights}
        wanted = set(chain.from_iterable(self.runs.values()))
        self.index: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.left_runs = functools.lru_cache(maxsize=None)(lambda i: _runs_of(state.left, i, n))
        if wanted:
            for i in range(len(state.left.sigs)):
                for run in _runs_of(state.left, i, n) & wanted:
                    self.index[run].append(i)

    def covered(self, j: int, i: int) -> tuple[int, int]:
        """How many words of right sentence ``j`` lie in a run also in left sentence ``i``,
        and how many such runs there are."""
        n, theirs = self.state.params.verbatim_words, self.left_runs(i)
        at: set[int] = set()
        runs = 0
        for k, run in enumerate(self.runs[j]):
            if run in theirs:
                at.update(range(k, k + n))
                runs += 1
        return len(at), runs

    def source(self, j: int, best: int | None, used: set[int]) -> int | None:
        """The left sentence covering most of right sentence ``j`` (at least AlignParams.
        min_cover of its words, in at least verbatim_words runs: one or two short runs in
        common are what any two clauses of a licence have), if it covers at least a run's
        worth of words more than ``best``, the source its features chose (None: none); of
        several covering as much, the first by _link_identical's preference.  None when
        ``best`` stands."""
        state, p = self.state, self.state.params
        n = p.verbatim_words
        hits: Counter[int] = Counter()
        index = self.index
        for run in set(self.runs[j]):
            post = index.get(run)
            if post and len(post) <= p.global_postings:
                hits.update(post)
        if not hits:
            return None
        top = heapq.nlargest(p.candidates, hits, key=lambda i: (hits[i], -i))
        # The source holds most of the sentence's rare runs: one holding under half as many
        # as the best is not worth counting.
        top = [i for i in top if 2 * hits[i] >= hits[top[0]]]
        covered = {i: self.covered(j, i) for i in top}
        words_j = state.right.words[j]
        # A left sentence already linked needs to be nearly all of this one (the other part
        # of a sentence split in two): list items on one pattern ("install - the user wants
        # the package ...", "remove - the user wants the package ...") share half their words.
        cover = {
            i: words
            for i, (words, runs) in covered.items()
            if runs >= n and (i not in used or words >= p.move_cover * words_j)
        }
        most = max(cover.values(), default=0)
        if not most or most < p.min_cover * words_j:
            return None
        tied = [i for i, words in cover.items() if words == most]
        if best is not None and self.covered(j, best)[0] + n > most:
            return None
        win = state.windows
        near, paras = state.context(j)
        preference = _preference(
            state.left.seg.sentence_paragraph, used, near, paras, win.lo[j], win.hi[j],
            win.expected[j],
        )  # fmt: skip
        return min(tied, key=lambda i: (preference(i), i))


def _candidates(
    state: LinkState, j: int, idf: dict[str, float], postings: dict[str, list[int]]
) -> list[int]:
    """The few left sentences worth scoring as right sentence ``j``'s source.

    Those in the window sharing a feature that is not common there, and those anywhere in the
    text sharing a rare one (a move).  Posting lists are sorted, so the window's part of each
    is found by bisection; long lists are never walked.  Only the few with the most shared
    weight are kept; of those sharing as much, the nearest to where the sentence would sit.
    """
    p = state.params
    lo, hi = state.windows.lo[j], state.windows.hi[j]
    acc: dict[int, float] = defaultdict(float)
    for x in state.right.feats[j]:
        post = postings.get(x)
        if not post:
            continue
        if len(post) <= p.global_postings:
            for i in post:
                acc[i] += idf[x]
            continue
        a, b = bisect_left(post, lo), bisect_left(post, hi)
        if b - a <= p.window_postings:
            for i in post[a:b]:
                acc[i] += idf[x]
    # (shared weight, -distance, -index, index) for each, built by C-level maps.
    distance = map(abs, map(state.windows.expected[j].__rsub__, acc))
    ranked = zip(acc.values(), map(neg, distance), map(neg, acc), acc, strict=True)
    return [c[3] for c in heapq.nlargest(p.candidates, ranked)]


def _best_source(
    state: LinkState,
    j: int,
    cands: list[int],
    idf: dict[str, float],
    weight: list[float],
    used: set[int],
    copied: bool = False,
) -> tuple[int | None, float, float]:
    """The best-scoring candidate source of right sentence ``j``: (index, score, cover), or
    (None, 0, 0) when none explains enough of it.  Of two scoring the same (a clause that
    recurs word for word), the one not yet taken (``used``), then the nearer to where the
    sentence would sit.  A candidate ``copied`` word for word (see _Copied) needs no share
    of the evidence: it is only scored."""
    L, p = state.left, state.params
    l_para = L.seg.sentence_paragraph
    lo, hi = state.windows.lo[j], state.windows.hi[j]
    near, paras = state.context(j)
    fj = state.right.feats[j]
    wj = _weigh(idf, fj)
    best = None
    best_score = 0.0
    best_cover = 0.0
    expected = state.windows.expected[j]
    for i in cands:
        shared = fj & L.feats[i]
        w = _weigh(idf, shared)
        cover = w / wj
        if not copied and (
            cover < p.min_cover or (len(shared) < p.min_shared and len(fj) > p.min_shared)
        ):
            continue
        dice = 2 * w / (wj + weight[i])
        in_window = lo <= i < hi
        # Away from where the sentence would sit in order, a link claims a move, and a
        # move needs stronger evidence than a nearby edit: most of the sentence on both
        # sides, or nearly all of it taken from the source (a cut-down sentence).
        if not copied and not in_window and not _moves(p, dice, cover, len(shared)):
            continue
        score = cover + p.dice_weight * dice + (p.window_bonus if in_window else 0.0)
        if i in near:
            score += p.context_bonus
        elif l_para[i] in paras:
            score += p.context_bonus / 2
        if (
            best is None
            or score > best_score
            or (
                score == best_score
                and (i in used, abs(i - expected), i) < (best in used, abs(best - expected), best)
            )
        ):
            best, best_score, best_cover = i, score, cover
    return best, best_score, best_cover


def _moves(p: AlignParams, dice: float, cover: float, shared: int) -> bool:
    """Whether a link has the evidence a move needs (AlignParams.move_dice, or move_cover and
    move_min_shared), beyond what an edit in place needs."""
    return dice >= p.move_dice or (cover >= p.move_cover and shared >= p.move_min_shared)


def _second_source(state: LinkState, j: int, best: int, idf: dict[str, float]) -> int | None:
    """A neighbour of ``best`` that explains much of what it left of right sentence ``j``
    unexplained, by AlignParams.min_shared features or more: two sentences an editor ran
    into one."""
    L, p = state.left, state.params
    fj = state.right.feats[j]
    wj = _weigh(idf, fj)
    rest = fj - L.feats[best]
    w_rest = _weigh(idf, rest)
    for i2 in (best - 1, best + 1):
        if 0 <= i2 < len(L.feats):
            extra = rest & L.feats[i2]
            if len(extra) < p.min_shared:
                continue  # one word: a swapped word the neighbour happens to hold
            gain = _weigh(idf, extra) / wj
            if gain >= p.merge_gain and gain >= p.merge_rest_share * w_rest / wj:
                return i2
    return None


def _place_copies(state: LinkState) -> None:
    """Move a link to one of several identical left sentences to the copy its neighbours' links
    point to.

    A clause that recurs word for word ("d) make other distribution arrangements with the
    Copyright Holder." ending two lists), kept as it was or with a word changed (then every
    copy scores the same), was linked before the changed sentences after it were, so where
    it would sit was only guessed from the identical sentences around it, which an
    abridgement leaves few of.  Now that its neighbours in the
    right text are linked, the copy standing between the sources of its neighbours in its
    paragraph (nearest to following the one before it and to preceding the one after it) is
    taken, if no other sentence has it.  Neighbours in other paragraphs say nothing: the
    paragraph before may have been moved, or cut from anywhere.
    """
    L, R, links = state.left, state.right, state.links
    count = Counter(L.sigs)
    if len(count) == len(L.sigs):
        return  # no sentence recurs
    by_sig: dict[int, list[int]] = defaultdict(list)
    for i, sig in enumerate(L.sigs):
        if count[sig] > 1:
            by_sig[sig].append(i)
    used = {i for sources in links.values() for i in sources}
    indexed: dict[int, _Copies] = {}
    r_para = R.seg.sentence_paragraph
    n_right = len(R.sigs)
    for j in sorted(links):
        sources = links[j]
        if len(sources) != 1:
            continue
        sig = L.sigs[sources[0]]
        copies = by_sig.get(sig)
        if not copies:
            continue
        # Where continuing the link of a neighbour in j's paragraph would put j.
        targets = [
            max(links[k]) + 1 if k < j else min(links[k]) - 1
            for k in (j - 1, j + 1)
            if 0 <= k < n_right and k in links and r_para[k] == r_para[j]
        ]
        if not targets:
            continue

        def cost(i: int, targets: list[int] = targets) -> int:
            return sum(abs(i - at) for at in targets)

        current = sources[0]
        here = cost(current)
        if here == 0:
            continue
        free = indexed.get(sig)
        if free is None:
            free = indexed[sig] = _Copies(copies, used)
        nearest = (free._nearest(0, len(copies), at, True) for at in targets)
        best = min((copies[k] for k in nearest if k >= 0), key=lambda i: (cost(i), i), default=-1)
        if best >= 0 and cost(best) < here:
            links[j] = [best]
            free.take(best)


def _drop_scattered_splits(state: LinkState) -> None:
    """Keep a left sentence's several right counterparts only where they sit together.

    A sentence an editor split becomes neighbouring sentences; one that seems to reappear
    paragraphs away is a look-alike (a licence's title and a later sentence naming the licence).
    Of the groups of neighbouring right sentences sharing a source, the one holding the best
    link keeps it; the other groups' similarity links are dropped.
    """
    links, fuzzy = state.links, state.scores
    r_para = state.right.seg.sentence_paragraph
    by_left: dict[int, list[int]] = defaultdict(list)
    for j, sources in links.items():
        for i in sources:
            by_left[i].append(j)
    for i, js in by_left.items():
        if len(js) < 2:
            continue
        js.sort()
        groups = [[js[0]]]
        for j in js[1:]:
            prev = groups[-1][-1]
            if j == prev + 1 and abs(r_para[j] - r_para[prev]) <= 1:
                groups[-1].append(j)
            else:
                groups.append([j])
        if len(groups) < 2:
            continue
        strength = [max(fuzzy.get(j, math.inf) for j in g) for g in groups]
        keep = strength.index(max(strength))
        for g, group in enumerate(groups):
            if g == keep:
                continue
            for j in group:
                if j in fuzzy:
                    links[j] = [x for x in links[j] if x != i]
                    if not links[j]:
                        del links[j]


def _ordered_pairs(state: LinkState) -> set[tuple[int, int]]:
    """The (left, right) paragraph pairs joined by sentence links that read in order.

    The heaviest chain of all pairs the links join, each weighed by the evidence its links
    carry, and the pairs next to a kept one on one side and sharing its paragraph on the other
    (a paragraph split, or two run together).  A link joining any other pair crosses the rest:
    a move, or a look-alike (a heading sharing "Source Code" with a clause paragraphs away).
    """
    links, scores, idf = state.links, state.scores, state.idf
    L, R = state.left, state.right
    l_para, r_para = L.seg.sentence_paragraph, R.seg.sentence_paragraph
    weight: dict[tuple[int, int], float] = defaultdict(float)
    for j, sources in links.items():
        for i in sources:
            shared = R.feats[j] & L.feats[i] if j in scores else R.feats[j]
            weight[l_para[i], r_para[j]] += _weigh(idf, shared) or 1 / _GRID
    pairs = sorted(weight)
    chained = [pairs[k] for k in heaviest_chain(pairs, [weight[pq] for pq in pairs])]
    kept = set(chained)
    while chained:
        pl, pr = chained.pop()
        for near in ((pl - 1, pr), (pl + 1, pr), (pl, pr - 1), (pl, pr + 1)):
            if near in weight and near not in kept:
                kept.add(near)
                chained.append(near)
    return kept


def _drop_weak_crossings(state: LinkState) -> None:
    """Drop the similarity links that tie a paragraph already paired in order to a second one
    across the others, without the evidence of a move.

    _best_source asks a move for more evidence than an edit, but it knows a move only by the
    window between identical sentences, and a heavily revised text has few of those: there a
    sentence sharing "licence", "permit" and "programs" with one three paragraphs on is linked
    to it unnoticed, ties its paragraph (which has its counterpart in order) to a second one,
    and leaves the passage rewritten in that one's place unpaired.  A similarity link joining
    a paragraph pair off _ordered_pairs, when one of the two paragraphs is in an ordered pair,
    keeps its source only with a move's evidence (AlignParams.move_dice, or move_cover and
    move_min_shared), or if its sentence is a heading (heading_words): what a heading shares,
    its number or name, is all the evidence it has.  The sentence is then free for _link_gaps
    to pair in place.
    """
    links, scores, p, idf = state.links, state.scores, state.params, state.idf
    L, R = state.left, state.right
    l_para, r_para = L.seg.sentence_paragraph, R.seg.sentence_paragraph
    weak = [j for j in links if j in scores and R.words[j] > p.heading_words and R.feats[j]]
    if not weak:
        return  # no similarity link to weigh: the paragraph chain need not be built
    ordered = _ordered_pairs(state)
    tied_l, tied_r = {pl for pl, _ in ordered}, {pr for _, pr in ordered}
    for j in weak:
        fj = R.feats[j]
        wj = _weigh(idf, fj)
        keep = []
        for i in links[j]:
            pl, pr = l_para[i], r_para[j]
            if (pl, pr) not in ordered and (pl in tied_l or pr in tied_r):
                fi = L.feats[i]
                w = _weigh(idf, shared := fj & fi)
                if not _moves(p, 2 * w / (wj + _weigh(idf, fi)), w / wj, len(shared)):
                    continue
            keep.append(i)
        if not keep:
            del links[j], scores[j]
        elif len(keep) < len(links[j]):
            links[j] = keep


def _link_gaps(state: LinkState) -> None:
    """Link, in place, sentences rewritten between two linked neighbours.

    A run of unlinked right sentences stands between two linked neighbours (or the start or
    the end of the text); when their sources read in order, the left sentences between those
    sources are where the run came from, and a right sentence there sharing enough with an
    unlinked left one is what the author made of it (_pair_in_gap).  Then the same is done
    with runs of right paragraphs holding no link at all, between the principal sources of
    their neighbours (the left paragraph each draws most words from): a sentence moved out of
    its paragraph leaves no sentence gap around it, yet the paragraphs between two linked
    ones, kept in order, still face each other.

    Each is done twice: between the neighbours as they are linked (beside a moved passage,
    the sentences moved with it), then between the nearest neighbours whose links read in
    order with the rest (_ordered_pairs).  A link crossing the others, a move or a look-alike,
    would otherwise hide the gap it stands in: a paragraph rewritten in place beside a
    sentence that happens to share a few words with one far away.
    """
    links = state.links
    L, R = state.left, state.right
    if all(j in links or not f for j, f in enumerate(R.feats)):
        return  # every right sentence with content is linked: no gap to fill
    used = bytearray(len(L.feats))
    for sources in links.values():
        for i in sources:
            used[i] = 1
    for stage in (_sentence_gaps, _paragraph_gaps):
        for neighbours in (links, None):
            if all(j in links or not f for j, f in enumerate(R.feats)):
                return
            stage(state, neighbours or _in_order(state), used)


def _in_order(state: LinkState) -> dict[int, list[int]]:
    """Each linked right sentence's sources whose links read in order with the rest."""
    l_para, r_para = state.left.seg.sentence_paragraph, state.right.seg.sentence_paragraph
    ordered = _ordered_pairs(state)
    return {
        j: kept
        for j, sources in state.links.items()
        if (kept := [i for i in sources if (l_para[i], r_para[j]) in ordered])
    }


def _sentence_gaps(state: LinkState, placed: dict[int, list[int]], used: bytearray) -> None:
    """_link_gaps for the runs of right sentences without a link in ``placed``."""
    n_right, n_left = len(state.right.feats), len(state.left.feats)
    j = 0
    while j < n_right:
        if j in placed:
            j += 1
            continue
        j1 = j + 1  # the run of right sentences j:j1 between linked neighbours
        while j1 < n_right and j1 not in placed:
            j1 += 1
        i0 = max(placed[j - 1]) if j > 0 else -1
        i1 = min(placed[j1]) if j1 < n_right else n_left
        if i1 - i0 > 1:
            _pair_in_gap(state, range(i0 + 1, i1), range(j, j1), used)
        j = j1


def _paragraph_gaps(state: LinkState, placed: dict[int, list[int]], used: bytearray) -> None:
    """_link_gaps for the runs of right paragraphs holding no link in ``placed``."""
    L, R = state.left, state.right
    # Each right paragraph's principal source: the left paragraph its links carry most words of.
    l_para, r_para = L.seg.sentence_paragraph, R.seg.sentence_paragraph
    carried: dict[int, dict[int, int]] = defaultdict(dict)
    for j, sources in placed.items():
        tally = carried[r_para[j]]
        for i in sources:
            p = l_para[i]
            tally[p] = tally.get(p, 0) + L.words[i] + R.words[j]
    source = {q: min(t, key=lambda p: (-t[p], p)) for q, t in carried.items()}
    l_sents, r_sents = L.seg.paragraph_sentences, R.seg.paragraph_sentences
    n_paras = len(r_sents)
    q = 0
    while q < n_paras:
        if q in source:
            q += 1
            continue
        q1 = q + 1  # the run of right paragraphs q:q1 with no link at all
        while q1 < n_paras and q1 not in source:
            q1 += 1
        p0 = source[q - 1] if q > 0 else -1
        p1 = source[q1] if q1 < n_paras else len(l_sents)
        if p1 - p0 > 1:
            lefts = range(l_sents[p0 + 1].start, l_sents[p1 - 1].stop)
            _pair_in_gap(state, lefts, range(r_sents[q].start, r_sents[q1 - 1].stop), used)
        q = q1


def _pair_in_gap(state: LinkState, lefts: range, rights: range, used: bytearray) -> None:
    """Link the unlinked right sentences of ``rights`` to unlinked left ones of ``lefts``
    where they share enough (AlignParams.gap_dice, gap_min_shared): the pairs in order on
    both sides with the most shared evidence (the heaviest chain of them).  ``used`` flags
    the left sentences already linked, and is updated."""
    links, p, idf = state.links, state.params, state.idf
    L, R = state.left, state.right
    free_l = [i for i in lefts if not used[i] and L.feats[i]]
    free_r = [j for j in rights if j not in links and R.feats[j]]
    if not free_l or not free_r:
        return
    points: list[tuple[int, int]] = []
    weights: list[float] = []
    wide = len(free_l) > p.gap_band or len(free_r) > p.gap_band
    for n, j in enumerate(free_r):
        fj = R.feats[j]
        wj = _weigh(idf, fj)
        near = free_l
        if wide:
            at = n * len(free_l) // len(free_r)
            near = free_l[max(0, at - p.gap_band) : at + p.gap_band + 1]
        for i in near:
            fi = L.feats[i]
            shared = fj & fi
            if len(shared) < min(p.gap_min_shared, len(fj), len(fi)):
                continue
            w = _weigh(idf, shared)
            if 2 * w / (wj + _weigh(idf, fi)) >= p.gap_dice:
                points.append((i, j))
                weights.append(w)
    order = sorted(range(len(points)), key=points.__getitem__)
    points = [points[k] for k in order]
    weights = [weights[k] for k in order]
    for k in heaviest_chain(points, weights):
        i, j = points[k]
        links[j] = [i]
        state.scores[j] = weights[k]
        state.in_place.add(j)
        used[i] = 1


def _link_verbatim(state: LinkState) -> None:
    """Give a right sentence the further sources it copies word for word.

    A similarity link names one source, or two neighbouring ones; a sentence an abridgement
    made of three, or of two a few sentences apart, keeps a run of words that none of its
    sources explains.  Such a run of AlignParams.verbatim_words words, found in an unlinked
    left sentence within verbatim_reach sentences of the sources, links that one too (of
    several, the one holding most such runs; then again for what is still unexplained), if it
    is in the sources' paragraphs, in one already linked to the sentence's own paragraph, or
    in one with no counterpart yet.  A right sentence with
    no source yet (or one only in place, see _link_gaps) is looked for
    near its neighbours' sources, and needs as many such runs as verbatim_words: one short run
    in common is what any two sentences of a licence have.
    """
    links, p, in_place = state.links, state.params, state.in_place
    L, R = state.left, state.right
    n, n_right = p.verbatim_words, len(R.sigs)
    copies = (len(s) == 1 and L.sigs[s[0]] == R.sigs[j] for j, s in links.items())
    if len(links) == n_right and not in_place and all(copies):
        return  # every right sentence is its one source word for word: nothing unexplained
    used = {i for sources in links.values() for i in sources}
    l_para = L.seg.sentence_paragraph
    tied = {l_para[i] for i in used}
    r_para = R.seg.sentence_paragraph
    faces: dict[int, set[int]] = defaultdict(set)  # right paragraph -> left ones linked to it
    for k, linked in links.items():
        if k not in in_place:
            faces[r_para[k]].update(l_para[i] for i in linked)
    left_runs = functools.lru_cache(maxsize=None)(lambda i: _runs_of(L, i, n))
    for j in range(n_right):
        sources = links.get(j)
        if sources is None or j in in_place:
            if not R.feats[j]:
                continue
            found: list[int] = []
            near = [i for k in (j - 1, j + 1) if 0 <= k < n_right for i in links.get(k, ())]
            need = n
        else:
            if len(sources) == 1 and L.sigs[sources[0]] == R.sigs[j]:
                continue
            if len(R.feats[j].difference(*(L.feats[i] for i in sources))) < p.verbatim_new:
                continue  # all but a word or so explained: a connective, a swapped word
            found, near, need = list(sources), sources, 1
        if not near:
            continue
        lo = max(0, min(near) - p.verbatim_reach)
        hi = min(len(L.sigs), max(near) + p.verbatim_reach + 1)
        # Sentences of the sources' paragraphs, of those the sentence's own paragraph is
        # already linked to (a condensed paragraph), or of a paragraph with no counterpart: a
        # paragraph that has its own elsewhere is not tied to a second one by a few words.
        own = {l_para[i] for i in near} | faces[r_para[j]]
        free = [
            i
            for i in range(lo, hi)
            if i not in used and (l_para[i] in own or l_para[i] not in tied)
        ]
        if not free:
            continue
        unexplained = _runs_of(R, j, n).difference(*(left_runs(i) for i in found))
        added = []
        while unexplained:
            # A sentence of more runs than twice those unexplained cannot have half of its
            # runs among them (its word count bounds its runs): not looked at.
            most = 2 * len(unexplained) + n - 1
            best, neg_i = max(
                (
                    (shared, -i)
                    for i in free
                    if i not in used and L.words[i] <= most
                    for r in (left_runs(i),)
                    if (shared := len(unexplained & r)) >= p.verbatim_share * len(r)
                ),
                default=(0, 0),
            )
            if best < need:
                break
            added.append(-neg_i)
            used.add(-neg_i)
            unexplained -= left_runs(-neg_i)
            need = 1
        if added:
            if j in in_place:
                in_place.discard(j)
                used.difference_update(links[j])
                found = []
            links[j] = sorted(found + added)


def _runs_of(side: _Side, s: int, n: int) -> set[tuple[str, ...]]:
    """The runs of ``n`` consecutive words (punctuation skipped) of sentence ``s``."""
    return set(_run_list(side, s, n))


def _run_list(side: _Side, s: int, n: int) -> list[tuple[str, ...]]:
    """The runs of ``n`` consecutive words (punctuation skipped) of sentence ``s``, in order."""
    rng = side.seg.sentence_tokens[s]
    words = list(
        compress(side.seg.keys[rng.start : rng.stop], side.seg.is_word[rng.start : rng.stop])
    )
    return list(zip(*(words[k:] for k in range(n)), strict=False))


def _plain_source(L: _Side, R: _Side, j: int, lo: int, hi: int, p: AlignParams) -> int | None:
    """The source of a right sentence made only of function words ("That's all there is to
    it!"), which content features cannot find: the left sentence in its window, if the window
    is small, sharing most of its words."""
    if hi - lo > p.plain_window:
        return None
    words = {k.lower() for k in R.keys(j)} - _PUNCTUATION
    best, best_dice = None, p.plain_dice
    for i in range(lo, hi):
        other = {k.lower() for k in L.keys(i)} - _PUNCTUATION
        shared = len(words & other)
        dice = 2 * shared / (len(words) + len(other)) if shared >= p.plain_min_shared else 0.0
        if dice >= best_dice:
            best, best_dice = i, dice
    return best


def align(
    left: Segmented,
    right: Segmented,
    languages: tuple[str | None, str | None] = (None, None),
    params: AlignParams = DEFAULT_PARAMS,
    *,
    stages: Sequence[LinkStage] = (),
) -> list[Link]:
    """Alignment records covering every paragraph of both texts exactly once.

    Records come in reading order of the left text, each inserted paragraph placed after the
    record that precedes it in the right text.  ``languages`` (ISO 639-1 codes, None when not
    known, which is read as English) choose each side's stemmer and function words; ``params``
    holds every threshold (see AlignParams); ``stages`` link, after the lexical stages,
    sentences those left unlinked (textver.meaning's Stage links by meaning what words cannot);
    a stage with an ``annotate(links)`` method is also shown the records before moves are marked.
    """
    if languages[0] == languages[1]:
        L_table = R_table = feature_table(chain(left.keys, right.keys), languages[0])
    else:
        L_table = feature_table(left.keys, languages[0])
        R_table = feature_table(right.keys, languages[1])
        # A word written alike on both sides (a name, a command, an untranslated passage) must
        # meet itself: it takes the left side's feature, or none if a function word on either.
        for key in L_table.keys() & R_table.keys():
            R_table[key] = L_table[key] = L_table[key] if R_table[key] else ""
    sig_ids: dict[tuple[str, ...], int] = {}
    L, R = _Side.build(left, L_table, sig_ids), _Side.build(right, R_table, sig_ids)
    del L_table, R_table, sig_ids
    cross = None not in languages and languages[0] != languages[1]
    sent_links, in_place = _link_sentences(L, R, params, stages, cross)
    L.feats.clear()  # what follows needs only the ids and the word counts
    R.feats.clear()

    records = _paragraph_records(left, right, L, R, sent_links, params, in_place)
    out = _build_links(left, right, L, R, records, sent_links, params, in_place)
    if not cross:
        _absorb_lone_paragraphs(left, right, L, R, out, sent_links, params, in_place)
    renumber(out, left, right)
    for stage in stages:
        annotate = getattr(stage, "annotate", None)
        if annotate is not None:
            annotate(out)
    _mark_moves(out)
    return _reading_order(out)


def _paragraph_records(
    left: Segmented,
    right: Segmented,
    L: _Side,
    R: _Side,
    sent_links: dict[int, list[int]],
    params: AlignParams,
    in_place: set[int] | frozenset[int] = frozenset(),
) -> list[tuple[list[int], list[int]]]:
    """The paragraphs of each record: groups of paragraphs joined by their sentence links,
    then every paragraph left over on its own.  (A function of its own so that its tables,
    several per paragraph, are freed before the records are built.)  A sentence linked only
    for standing in place (``in_place``, see _link_gaps) joins two paragraphs only if
    neither has a counterpart otherwise: it cannot tie a paragraph to a second one."""
    # Paragraph edges, numbered p * n_right + q (integers hash faster than pairs).  An edge whose
    # two paragraphs have no other edge is kept whatever it weighs (it is the strongest tie of
    # both) and is a record by itself; only the others are weighed.  In a text kept as it was,
    # nearly every edge is such a one.
    lsp, rsp = left.sentence_paragraph, right.sentence_paragraph
    n_right = max(len(right.paragraphs), 1)
    edges = {
        lsp[i] * n_right + rsp[j]
        for j, sources in sent_links.items()
        if j not in in_place
        for i in sources
    }
    ignored: set[int] = set()  # in-place links that would tie a paragraph to a second one
    if in_place:
        tied_l, tied_r = {e // n_right for e in edges}, {e % n_right for e in edges}
        placed = set()
        for j in in_place:
            p, q = lsp[sent_links[j][0]], rsp[j]
            if p * n_right + q in edges or (p not in tied_l and q not in tied_r):
                placed.add(p * n_right + q)
            else:
                ignored.add(j)
        edges |= placed
    l_degree = Counter(e // n_right for e in edges)
    r_degree = Counter(e % n_right for e in edges)
    lone = [
        divmod(e, n_right) for e in edges if l_degree[e // n_right] == r_degree[e % n_right] == 1
    ]
    # The other edges, weighted by the words each sentence link carries on each side (there
    # are none when every edge is lone).
    l_share: dict[tuple[int, int], float] = defaultdict(float)
    r_share: dict[tuple[int, int], float] = defaultdict(float)
    for j, sources in sent_links.items() if len(lone) < len(edges) else ():
        q = rsp[j]
        if r_degree[q] == 1 and (not sources or l_degree[lsp[sources[0]]] == 1):
            continue  # a lone edge (all its sources lie in one paragraph)
        if ignored and j in ignored:
            continue
        for i in sources:
            p = lsp[i]
            l_share[p, q] += L.words[i] / len(sources)
            r_share[p, q] += R.words[j] / len(sources)
    l_para, r_para = left.paragraph_sentences, right.paragraph_sentences
    l_words = {p: sum(L.words[l_para.start(p) : l_para.stop(p)]) for p, _ in l_share}
    r_words = {q: sum(R.words[r_para.start(q) : r_para.stop(q)]) for _, q in l_share}
    # A link carrying a fair share of either paragraph joins the two.  A smaller one joins them
    # only if it is the strongest tie of one of them: the one sentence an abridgement kept of
    # a paragraph does, but a sentence an author moved between two paragraphs that each have
    # their own counterpart does not (it stays a sentence-level change).
    weight = {e: l_share[e] + r_share[e] for e in l_share}
    best_l: dict[int, float] = defaultdict(float)
    best_r: dict[int, float] = defaultdict(float)
    for (p, q), w in weight.items():
        best_l[p] = max(best_l[p], w)
        best_r[q] = max(best_r[q], w)
    kept = {
        (p, q)
        for (p, q), w in weight.items()
        if l_share[p, q] >= params.para_share * l_words[p]
        or r_share[p, q] >= params.para_share * r_words[q]
        or w == best_l[p]
        or w == best_r[q]
    }

    # Connected components of kept edges become records (the order of records does not
    # matter: align() puts them in reading order).  An edge whose two paragraphs have no other
    # kept edge is a component by itself; only the others go through the union-find.
    l_degree = Counter(p for p, _ in kept)
    r_degree = Counter(q for _, q in kept)
    components: DisjointSets[int] = DisjointSets()  # left paragraph p is p, right q is ~q
    for p, q in kept:
        if l_degree[p] > 1 or r_degree[q] > 1:
            components.union(p, ~q)
    records = [([p], [q]) for p, q in lone]
    group_of_root: dict[int, tuple[set[int], set[int]]] = {}
    for p, q in kept:
        if l_degree[p] == 1 and r_degree[q] == 1:
            records.append(([p], [q]))
            continue
        root = components.find(p)
        group = group_of_root.get(root)
        if group is None:
            group = group_of_root[root] = (set(), set())
        group[0].add(p)
        group[1].add(q)
    records += [(sorted(a), sorted(b)) for a, b in group_of_root.values()]
    unlinked_l = set(range(len(left.paragraphs)))
    unlinked_l.difference_update(chain.from_iterable(map(itemgetter(0), records)))
    unlinked_r = set(range(len(right.paragraphs)))
    unlinked_r.difference_update(chain.from_iterable(map(itemgetter(1), records)))
    records += [([p], []) for p in sorted(unlinked_l)]
    records += [([], [q]) for q in sorted(unlinked_r)]
    return records


def _mark_moves(links: list[Link]) -> None:
    """Flag as moved every record holding kept text that is out of order with the rest.

    Every run of words kept on both sides is a point (left position, right position).  The
    heaviest chain of points increasing on both sides (a weighted longest increasing
    subsequence, weighted by words) is the text that stayed in place; a record with a run off
    that chain holds text that travelled, whether a whole paragraph moved or a sentence moved
    within it.  So when nothing is flagged, the kept words read in the same order on both sides.
    """
    runs = [op for lk in links for sl in lk.sentences for op in sl.ops if op[0] == EQUAL]
    # The common case, checked without building the points: runs in order on both sides once
    # sorted by the left text (as heaviest_chain would find, taking them all).  The records
    # come in no particular order (see _paragraph_records), so they are sorted first.
    runs.sort(key=itemgetter(1))
    a0, b0 = [op[1] for op in runs], [op[3] for op in runs]
    if all(map(lt, a0, a0[1:])) and all(map(lt, b0, b0[1:])) and all(op[2] > op[1] for op in runs):
        return
    points = sorted(
        (op[1], op[3], op[2] - op[1], n)
        for n, lk in enumerate(links)
        for sl in lk.sentences
        for op in sl.ops
        if op[0] == EQUAL
    )
    in_place = heaviest_chain([(p[0], p[1]) for p in points], [p[2] for p in points])
    if len(in_place) == len(points):
        return  # every run in place
    on_chain = set(in_place)
    for k, point in enumerate(points):
        if k not in on_chain:
            links[point[3]].moved = True


def _build_links(
    left: Segmented,
    right: Segmented,
    L: _Side,
    R: _Side,
    records: list[tuple[list[int], list[int]]],
    sent_links: dict[int, list[int]],
    params: AlignParams = DEFAULT_PARAMS,
    in_place: set[int] | frozenset[int] = frozenset(),
) -> list[Link]:
    """The Link of each record (see _build_link), in the order of ``records``."""
    out = []
    # The commonest record by far in a file of one-line paragraphs: one sentence kept as it
    # was.  Built here directly from the bounds arrays, it is what _build_link would build.
    lp, rp = left.paragraph_sentences._bounds, right.paragraph_sentences._bounds
    lt, rt = left.sentence_tokens._bounds, right.sentence_tokens._bounds
    l_sigs, r_sigs, get = L.sigs, R.sigs, sent_links.get
    for ps, qs in records:
        if len(ps) == 1 and len(qs) == 1:
            p2, q2 = 2 * ps[0], 2 * qs[0]
            i, j = lp[p2], rp[q2]
            if (
                lp[p2 + 1] == i + 1
                and rp[q2 + 1] == j + 1
                and get(j) == [i]
                and l_sigs[i] == r_sigs[j]
            ):
                ops: list[Opcode] = [(EQUAL, lt[2 * i], lt[2 * i + 1], rt[2 * j], rt[2 * j + 1])]
                sentence = SentenceLink([i], [j], LinkKind.EQUAL, ops)
                out.append(Link(ps, qs, LinkKind.EQUAL, False, 1.0, [sentence]))
                continue
        out.append(_build_link(left, right, L, R, ps, qs, sent_links, params, in_place))
    return out


def _absorb_lone_paragraphs(
    left: Segmented,
    right: Segmented,
    L: _Side,
    R: _Side,
    links: list[Link],
    sent_links: dict[int, list[int]],
    params: AlignParams,
    in_place: set[int] | frozenset[int],
) -> None:
    """Join each deleted or inserted paragraph to the neighbouring record whose diff it
    improves: a paragraph the author rewrote into its neighbour's counterpart (two paragraphs
    of a preamble made one), sharing too little with any one sentence to be linked by itself.

    The neighbours are the records holding the paragraph before it and the one after it on
    its own side.  It is joined when the record's word diff, rebuilt with it, keeps
    AlignParams.gap_min_kept more words than apart, gap_min_shared of them content words, and
    those words are an absorb_kept share (Dice) of the paragraph and of what the record left
    unmatched on the other side, or the record is no less alike with it than without; of two
    neighbours, the one it helps more.  In place, as _absorb_neighbours joins sentences.
    """
    on_left = {p: lk for lk in links for p in lk.left}
    on_right = {q: lk for lk in links for q in lk.right}
    gone: set[int] = set()
    for lone in [lk for lk in links if not lk.left or not lk.right]:
        side = bool(lone.left)  # True: a deleted left paragraph
        (n,) = lone.left or lone.right
        index = on_left if side else on_right
        own = _word_keys(left if side else right, [op for sl in lone.sentences for op in sl.ops])
        best, best_gain = None, params.gap_min_kept - 1
        for lk in {id(g): g for k in (n - 1, n + 1) if (g := index.get(k))}.values():
            if not lk.left or not lk.right:
                continue
            unmatched = INSERT if side else DELETE
            ops = [op for sl in lk.sentences for op in sl.ops]
            free = _word_keys(right if side else left, ops, unmatched)
            if sum((own & free).values()) < params.gap_min_kept:
                continue
            ps, qs = lk.left, lk.right
            if side:
                ps = sorted([*ps, n])
            else:
                qs = sorted([*qs, n])
            joined = _build_link(left, right, L, R, ps, qs, sent_links, params, in_place)
            (words, content), (words0, content0) = _kept(left, joined), _kept(left, lk)
            gain = words - words0
            share = 2 * gain / (sum(own.values()) + sum(free.values()))
            if (
                gain > best_gain
                and content - content0 >= params.gap_min_shared
                and (share >= params.absorb_kept or joined.similarity >= lk.similarity)
            ):
                best, best_gain = (lk, joined), gain
        if best is None:
            continue
        lk, joined = best
        lk.left, lk.right, lk.kind = joined.left, joined.right, joined.kind
        lk.similarity, lk.sentences = joined.similarity, joined.sentences
        index[n] = lk
        gone.add(id(lone))
    if gone:
        links[:] = [lk for lk in links if id(lk) not in gone]


def _kept(left: Segmented, lk: Link) -> tuple[int, int]:
    """The words a record's diff keeps, and how many of them are content words."""
    keys, is_word = left.keys, left.is_word
    words = content = 0
    for sl in lk.sentences:
        for op, a0, a1, _, _ in sl.ops:
            if op == EQUAL:
                kept = list(compress(keys[a0:a1], is_word[a0:a1]))
                words += len(kept)
                content += sum(k.lower() not in _STOPWORDS for k in kept)
    return words, content


def _build_link(
    left: Segmented,
    right: Segmented,
    L: _Side,
    R: _Side,
    ps: list[int],
    qs: list[int],
    sent_links: dict[int, list[int]],
    params: AlignParams = DEFAULT_PARAMS,
    in_place: set[int] | frozenset[int] = frozenset(),
) -> Link:
    l_sents = [s for p in ps for s in left.paragraph_sentences[p]]
    r_sents = [s for q in qs for s in right.paragraph_sentences[q]]
    l_set = set(l_sents)
    # Sentence groups: right sentences linked to left sentences of this record, joined when they
    # share a source (a split sentence) or a right sentence has two sources (merged sentences).
    group_of_left: dict[int, int] = {}
    groups: list[tuple[list[int], list[int]]] = []
    for j in r_sents:
        sources = [i for i in sent_links.get(j, ()) if i in l_set and j not in in_place]
        if not sources:
            continue
        gid = next((group_of_left[i] for i in sources if i in group_of_left), None)
        if gid is None:
            gid = len(groups)
            groups.append(([], []))
        g = groups[gid]
        g[1].append(j)
        for i in sources:
            if i not in group_of_left:
                group_of_left[i] = gid
                g[0].append(i)
    sentences: list[SentenceLink] = []
    equal_words = 0
    lt, rt = left.sentence_tokens._bounds, right.sentence_tokens._bounds
    for ls, rs in groups:
        ls.sort()
        if len(ls) == 1 and len(rs) == 1 and L.sigs[ls[0]] == R.sigs[rs[0]]:
            # The common case, a sentence kept as it was: no diff needed, and all its words
            # are kept.
            (i,), (j,) = ls, rs
            ops: list[Opcode] = [(EQUAL, lt[2 * i], lt[2 * i + 1], rt[2 * j], rt[2 * j + 1])]
            equal_words += L.words[i]
            sentences.append(SentenceLink(ls, rs, LinkKind.EQUAL, ops))
            continue
        a = _joined([left.sentence_tokens[s] for s in ls])
        b = _joined([right.sentence_tokens[s] for s in rs])
        ops = _absolute(diff_tokens(_keys(left, a), _keys(right, b)), a, b)
        same = all(op[0] == EQUAL for op in ops)
        equal_words += sum(sum(left.is_word[op[1] : op[2]]) for op in ops if op[0] == EQUAL)
        kind = LinkKind.EQUAL if same else LinkKind.CHANGED
        sentences.append(SentenceLink(ls, rs, kind, ops))
    if len(groups) < len(l_sents) and len(groups) < len(r_sents):
        pairs = {j: sent_links[j][0] for j in r_sents if j in in_place}
        for sl, kept in _gap_groups(left, right, l_sents, r_sents, groups, params, pairs):
            sentences.append(sl)
            equal_words += kept
            groups.append((sl.left, sl.right))
            for s in sl.left:
                group_of_left[s] = -1
    for s in l_sents:
        if s not in group_of_left:
            rng = left.sentence_tokens[s]
            sentences.append(
                SentenceLink([s], [], LinkKind.DELETED, [(DELETE, rng.start, rng.stop, 0, 0)])
            )
    linked_r = {j for _, rs in groups for j in rs}
    for s in r_sents:
        if s not in linked_r:
            rng = right.sentence_tokens[s]
            sentences.append(
                SentenceLink([], [s], LinkKind.INSERTED, [(INSERT, 0, 0, rng.start, rng.stop)])
            )
    if groups and len(sentences) > len(groups):
        equal_words += _absorb_neighbours(left, right, sentences, params)
    _reading_order_sentences(sentences)

    lw = sum(L.words[s] for s in l_sents)
    rw = sum(R.words[s] for s in r_sents)
    similarity = 2 * equal_words / (lw + rw) if lw + rw else 1.0
    if not qs:
        kind = LinkKind.DELETED
    elif not ps:
        kind = LinkKind.INSERTED
    elif len(ps) == 1 and len(qs) == 1:
        same = all(sl.kind == LinkKind.EQUAL for sl in sentences)
        kind = LinkKind.EQUAL if same else LinkKind.CHANGED
    else:
        kind = LinkKind.MERGED if len(ps) >= len(qs) else LinkKind.SPLIT
    return Link(ps, qs, kind, False, round(similarity, 4), sentences)


def _gap_groups(
    left: Segmented,
    right: Segmented,
    l_sents: list[int],
    r_sents: list[int],
    groups: list[tuple[list[int], list[int]]],
    params: AlignParams,
    pairs: dict[int, int],
) -> list[tuple[SentenceLink, int]]:
    """The sentences of one record rewritten in place, each run diffed as one group.

    Between two sentence groups that read in order on both sides (and before the first, and
    after the last) the unlinked left sentences and the unlinked right ones stand where the
    others were: a passage reworded beyond what sentence links find, or cut up and regrouped
    differently.  Each such pair of runs is diffed as one group and kept as changed when the
    diff keeps enough of it (AlignParams.gap_kept, gap_min_kept).  Else the sentences
    _link_gaps paired in it (``pairs``: right sentence to left) are diffed pair by pair, and
    the rest stay deleted and inserted.  Each group comes with the words its diff keeps.
    """
    linked_l = {i for ls, _ in groups for i in ls}
    linked_r = {j for _, rs in groups for j in rs}
    bounds = sorted((min(rs), min(ls), max(rs), max(ls)) for ls, rs in groups)
    # The groups in order on both sides: the heaviest chain of (first left, first right).
    by_left = sorted(range(len(bounds)), key=lambda k: (bounds[k][1], bounds[k][0]))
    points = [(bounds[k][1], bounds[k][0]) for k in by_left]
    chain_ = sorted(bounds[by_left[k]] for k in heaviest_chain(points))
    edges = [(-1, -1), *((r1, l1) for _, _, r1, l1 in chain_)]
    starts = [*((r0, l0) for r0, l0, _, _ in chain_), (1 << 62, 1 << 62)]
    out: list[tuple[SentenceLink, int]] = []
    for (ra, la), (rb, lb) in zip(edges, starts, strict=True):
        ls = [i for i in l_sents if la < i < lb and i not in linked_l]
        rs = [j for j in r_sents if ra < j < rb and j not in linked_r]
        if not ls or not rs:
            continue
        group = _diffed(left, right, ls, rs)
        if not _kept_enough(left, right, *group, params):
            in_run = set(ls)
            singles = [_diffed(left, right, [pairs[j]], [j]) for j in rs if pairs.get(j) in in_run]
            out += [g for g in singles if g[1]]
            continue
        out.append(group)
    return out


def _diffed(
    left: Segmented, right: Segmented, ls: list[int], rs: list[int]
) -> tuple[SentenceLink, int]:
    """Left sentences ``ls`` and right ones ``rs`` diffed as one changed group, with the words
    the diff keeps."""
    a = _joined([left.sentence_tokens[s] for s in ls])
    b = _joined([right.sentence_tokens[s] for s in rs])
    ops = _absolute(diff_tokens(_keys(left, a), _keys(right, b)), a, b)
    kept = sum(sum(left.is_word[op[1] : op[2]]) for op in ops if op[0] == EQUAL)
    return SentenceLink(ls, rs, LinkKind.CHANGED, ops), kept


def _kept_enough(
    left: Segmented, right: Segmented, group: SentenceLink, kept: int, params: AlignParams
) -> bool:
    """Whether a group's diff keeps enough of its words to show it as one changed passage."""
    words = sum(sum(left.is_word[op[1] : op[2]]) for op in group.ops if op[0] != INSERT)
    words += sum(sum(right.is_word[op[3] : op[4]]) for op in group.ops if op[0] != DELETE)
    return kept >= params.gap_min_kept and 2 * kept >= params.gap_kept * words


def _absorb_neighbours(
    left: Segmented, right: Segmented, sentences: list[SentenceLink], params: AlignParams
) -> int:
    """Join each deleted or inserted sentence of a record to the neighbouring group whose
    diff it improves: the half of a split sentence, or the sentence run into another, that
    shares too little to be linked by itself but takes up what its neighbour's diff left
    unmatched.  It is joined when the joined diff keeps AlignParams.gap_min_kept more words
    than the two apart (of two neighbours, the one it helps more).  Returns the words gained.
    """
    two_sided = [sl for sl in sentences if sl.left and sl.right]
    group_of: dict[tuple[bool, int], SentenceLink] = {  # (on the left?, sentence) -> group
        **{(True, i): sl for sl in two_sided for i in sl.left},
        **{(False, j): sl for sl in two_sided for j in sl.right},
    }
    gained = 0
    for sl in sentences:
        if bool(sl.left) == bool(sl.right):
            continue
        side = bool(sl.left)
        s = (sl.left or sl.right)[0]
        own: Counter[str] | None = None
        best, best_gain = None, params.gap_min_kept - 1
        for g in {id(g): g for k in (s - 1, s + 1) if (g := group_of.get((side, k)))}.values():
            # Words the neighbour's diff left unmatched on the other side: unless they hold
            # enough of this sentence's words, joining cannot gain enough (no diff is run).
            unmatched = INSERT if side else DELETE
            if all(op[0] != unmatched for op in g.ops):
                continue
            free = _word_keys(right if side else left, g.ops, unmatched)
            own = own or _word_keys(left if side else right, sl.ops)
            if sum((own & free).values()) < params.gap_min_kept:
                continue
            joined = _diffed(left, right, sorted(g.left + sl.left), sorted(g.right + sl.right))
            gain = joined[1] - _equal_words(left, g)
            if gain > best_gain:
                best, best_gain = (g, joined[0]), gain
        if best is not None:
            g, new = best
            g.left, g.right, g.kind, g.ops = new.left, new.right, LinkKind.CHANGED, new.ops
            group_of[side, s] = g
            sl.left, sl.right = [], []
            gained += best_gain
    sentences[:] = [sl for sl in sentences if sl.left or sl.right]
    return gained


def _word_keys(seg: Segmented, ops: list[Opcode], which: Op | None = None) -> Counter[str]:
    """The keys of the words in runs ``ops`` of kind ``which`` (any kind: None) on ``seg``'s
    side (DELETE runs are on the left, INSERT runs on the right)."""
    keys, is_word = seg.keys, seg.is_word
    out: Counter[str] = Counter()
    for op in ops:
        if which is None or op[0] == which:
            lo, hi = (op[1], op[2]) if op[0] == DELETE else (op[3], op[4])
            out.update(compress(keys[lo:hi], is_word[lo:hi]))
    return out


def _equal_words(left: Segmented, sl: SentenceLink) -> int:
    """The words a group's diff keeps."""
    return sum(sum(left.is_word[op[1] : op[2]]) for op in sl.ops if op[0] == EQUAL)


def _reading_order_sentences(sentences: list[SentenceLink]) -> None:
    """Sort groups by the left text, each added sentence right after the group it follows in
    the right text, so that reading the groups in order reads both texts in order."""
    key: dict[int, tuple[int, int, int]] = {}
    last = -1
    for sl in sorted((s for s in sentences if s.right), key=lambda s: s.right[0]):
        if sl.left:
            last = sl.left[0]
            key[id(sl)] = (sl.left[0], 0, 0)
        else:
            key[id(sl)] = (last, 1, sl.right[0])
    for sl in sentences:
        if not sl.right:
            key[id(sl)] = (sl.left[0], 0, 0)
    sentences.sort(key=lambda s: key[id(s)])


def _joined(ranges: list[range]) -> list[range]:
    """Token ranges in order, those that abut joined into one."""
    out: list[range] = []
    for r in ranges:
        if out and out[-1].stop == r.start:
            out[-1] = range(out[-1].start, r.stop)
        else:
            out.append(r)
    return out


def _keys(seg: Segmented, ranges: list[range]) -> list[str]:
    return list(chain.from_iterable(seg.keys[r.start : r.stop] for r in ranges))


def _absolute(ops: list[Opcode], a: list[range], b: list[range]) -> list[Opcode]:
    """Turn opcodes over the concatenated token ranges ``a`` and ``b`` into absolute runs.

    Tokens of one group are contiguous within each range, but the ranges (the group's
    sentences) need not be adjacent, so a run is cut wherever it crosses from one range to the
    next on either side.
    """
    a_ends, b_ends = list(accumulate(map(len, a))), list(accumulate(map(len, b)))
    out: list[Opcode] = []
    for op, a0, a1, b0, b1 in ops:
        if op == EQUAL:
            cuts = sorted({*_cuts(a_ends, a0, a1), *_cuts(b_ends, b0, b1)})
            for s, e in pairwise([0, *cuts, a1 - a0]):
                lo, hi = _at(a, a_ends, a0 + s), _at(a, a_ends, a0 + e - 1) + 1
                out.append((EQUAL, lo, hi, _at(b, b_ends, b0 + s), _at(b, b_ends, b0 + e - 1) + 1))
        elif op == DELETE:
            for s, e in pairwise([0, *_cuts(a_ends, a0, a1), a1 - a0]):
                out.append((DELETE, _at(a, a_ends, a0 + s), _at(a, a_ends, a0 + e - 1) + 1, 0, 0))
        else:
            for s, e in pairwise([0, *_cuts(b_ends, b0, b1), b1 - b0]):
                out.append((INSERT, 0, 0, _at(b, b_ends, b0 + s), _at(b, b_ends, b0 + e - 1) + 1))
    return out


def _cuts(ends: list[int], lo: int, hi: int) -> list[int]:
    """Offsets, relative to ``lo``, where positions ``lo:hi`` cross from one range to the next."""
    return [e - lo for e in ends[bisect_right(ends, lo) : bisect_left(ends, hi)]]


def _at(ranges: list[range], ends: list[int], k: int) -> int:
    """The absolute token index at position ``k`` of the concatenated ``ranges``."""
    r = bisect_right(ends, k)
    return ranges[r].start + k - (ends[r - 1] if r else 0)


def _reading_order(links: list[Link]) -> list[Link]:
    """Sort records by the left text, slotting each inserted record after its right neighbour."""
    two_sided = sorted((lk for lk in links if lk.left), key=lambda lk: lk.left[0])
    if len(two_sided) == len(links):
        return two_sided  # nothing inserted to slot in
    n_right = 1 + max((q for lk in links for q in lk.right), default=-1)
    record_of_right = [-1] * n_right
    for n, lk in enumerate(two_sided):
        for q in lk.right:
            record_of_right[q] = n
    placed: list[tuple[tuple[float, int], Link]] = [
        ((float(n), 0), lk) for n, lk in enumerate(two_sided)
    ]
    prev = -1
    inserted = {lk.right[0]: lk for lk in links if not lk.left}
    for q in range(n_right):
        if q in inserted:
            placed.append(((prev + 0.5, q), inserted[q]))
        elif record_of_right[q] >= 0:
            prev = record_of_right[q]
    placed.sort(key=lambda item: item[0])
    return [lk for _, lk in placed]
