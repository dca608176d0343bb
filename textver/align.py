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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, pairwise
from operator import neg
from typing import TYPE_CHECKING

from textver.diff import DELETE, EQUAL, INSERT, Opcode, diff_tokens
from textver.language import FUNCTION_WORDS, NON_LATIN
from textver.segment import Segmented

if TYPE_CHECKING:
    from textver.meaning import Stage

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

# Thresholds, chosen on the Darwin variorum and on generated abridgements (bench/align_bench.py).
_MIN_COVER = 0.5  # share of a right sentence's evidence its source must explain
_MERGE_GAIN = 0.2  # extra share a second source sentence must explain to be merged in
_PARA_SHARE = 0.3  # share of a paragraph's words a link must carry to link paragraphs
_WINDOW_BONUS = 0.15
_GLOBAL_POSTINGS = 12  # a word in at most this many left sentences is searched everywhere
_WINDOW_POSTINGS = 64  # a word in at most this many sentences of the window is searched there
_CANDIDATES = 8  # candidates per sentence scored exactly
_PLAIN_WINDOW = 64  # window searched for a sentence without content words ...
_PLAIN_DICE = 0.7  # ... and the share of its words its source must share
_PUNCTUATION = frozenset(".,;:!?\"'()[]-")
_CONTEXT_BONUS = 0.2  # for continuing the neighbouring sentences' links
_MOVE_DICE = 0.5  # similarity a link out of order needs ...
_MOVE_COVER = 0.9  # ... unless the right sentence is nearly all taken from its source
_GRID = 2**20  # IDF weights are multiples of 1/_GRID (see _idf)


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
    seg: Segmented
    feats: list[frozenset[str]] = field(default_factory=list)
    sigs: list[tuple[str, ...]] = field(default_factory=list)
    words: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, seg: Segmented, table: dict[str, str]) -> _Side:
        side = cls(seg)
        keys, is_word = seg.keys, seg.is_word
        for rng in seg.sentence_tokens:
            side.feats.append(features(seg, table, rng.start, rng.stop))
            side.sigs.append(tuple(keys[rng.start : rng.stop]))
            side.words.append(sum(is_word[rng.start : rng.stop]))
        return side


@dataclass
class SentenceLink:
    """A group of left sentences and the right sentences made from them (either may be empty).

    ``ops`` is the word diff of the group, with absolute token indices on both sides.  Once the
    meaning stage has run (textver.meaning), a linked group also says how it was linked
    (``method``: identical | words | meaning) and, where measured, its ``similarity`` by meaning;
    a group linked across languages is ``translated``, with one TRANSLATED run as its ``ops``.
    """

    left: list[int]
    right: list[int]
    kind: str  # equal | changed | deleted | inserted | translated
    ops: list[Opcode]
    method: str | None = None
    similarity: float | None = None


@dataclass
class Link:
    """One alignment record: paragraphs of the left text and their counterparts on the right."""

    left: list[int]
    right: list[int]
    kind: str  # equal | changed | deleted | inserted | split | merged | translated
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


def _lis(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain of ``(i, j)`` pairs increasing in both; pairs come sorted by ``j``."""
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(pairs)
    for k, (i, _j) in enumerate(pairs):
        pos = bisect_left(tails, i)
        if pos == len(tails):
            tails.append(i)
            tail_idx.append(k)
        else:
            tails[pos] = i
            tail_idx[pos] = k
        prev[k] = tail_idx[pos - 1] if pos else -1
    chain = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        chain.append(pairs[k])
        k = prev[k]
    return chain[::-1]


def _anchors(left: list[tuple[str, ...]], right: list[tuple[str, ...]]) -> list[tuple[int, int]]:
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
        l_occ: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i in range(l0, l1):
            l_occ[left[i]].append(i)
        r_occ: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for j in range(r0, r1):
            r_occ[right[j]].append(j)
        pairs = [
            (i, j)
            for sig, js in r_occ.items()
            if len(l_occ.get(sig, ())) == len(js)
            for i, j in zip(l_occ[sig], js, strict=True)
        ]
        chain = _lis(sorted(pairs, key=lambda p: p[1]))
        chain_all.extend(chain)
        prev_i, prev_j = l0 - 1, r0 - 1
        for i, j in [*chain, (l1, r1)]:
            if chain and i - prev_i > 1 and j - prev_j > 1:
                stack.append((prev_i + 1, i, prev_j + 1, j))
            prev_i, prev_j = i, j
    return sorted(chain_all, key=lambda p: p[1])


def _link_sentences(L: _Side, R: _Side) -> dict[int, list[int]]:
    """For each right sentence, the left sentence(s) it was made from (absent: inserted)."""
    idf = _idf(L, R)
    by_sig: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, sig in enumerate(L.sigs):
        by_sig[sig].append(i)
    backbone = _anchors(L.sigs, R.sigs)
    links: dict[int, list[int]] = {j: [i] for i, j in backbone}
    fuzzy: dict[int, float] = {}  # score of each link that is not an identical sentence
    # The window of left sentences each right sentence may come from without being a move, and
    # where in it the sentence would sit if the text between the anchors kept its proportions.
    n_left, n_right = len(L.sigs), len(R.sigs)
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

    postings: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(L.feats):
        for x in f:
            postings[x].append(i)
    weight = [_weigh(idf, f) for f in L.feats]

    r_para = R.seg.sentence_paragraph
    l_para = L.seg.sentence_paragraph

    def context(j: int) -> tuple[set[int], set[int]]:
        """Left sentences that would continue the links of right sentence ``j``'s neighbours
        in its paragraph, and those neighbours' left paragraphs.  Near-identical sentences
        (boilerplate, a clause repeated with one word changed) are told apart by this."""
        near: set[int] = set()
        paras: set[int] = set()
        for k, step in ((j - 1, 1), (j + 1, -1)):
            if 0 <= k < len(R.sigs) and r_para[k] == r_para[j] and k in links:
                for i in links[k]:
                    near.update((i, i + step))
                    paras.add(l_para[i])
        return near, paras

    # Identical sentences first, so that they give context to the fuzzy matches after them.
    # Among several identical candidates prefer the one continuing the neighbours' links, then
    # one not yet taken, then one in order, then the one nearest where the sentence would sit.
    used = {i for sources in links.values() for i in sources}
    for j, sig in enumerate(R.sigs):
        same = by_sig.get(sig)
        if j in links or not same:
            continue
        lo, hi = lo_of[j], hi_of[j]
        near, paras = context(j)
        expected = expected_of[j]
        best = min(
            same,
            key=lambda i: (
                i not in near,
                l_para[i] not in paras,
                i in used,
                not lo <= i < hi,
                abs(i - expected),
            ),
        )
        links[j] = [best]
        used.add(best)

    for j in range(len(R.sigs)):
        if j in links:
            continue
        lo, hi = lo_of[j], hi_of[j]
        near, paras = context(j)
        fj = R.feats[j]
        if not fj:
            source = _plain_source(L, R, j, lo, hi)
            if source is not None:
                links[j] = [source]
                fuzzy[j] = 0.0
            continue
        wj = _weigh(idf, fj)
        # Candidates: left sentences in the window sharing a word that is not common there,
        # and anywhere in the text sharing a rare word (a move).  Posting lists are sorted, so
        # the window's part of each is found by bisection; long lists are never walked.  Only
        # the few with the most shared weight are scored exactly; of those sharing as much, the
        # nearest to where the sentence would sit.
        acc: dict[int, float] = defaultdict(float)
        for x in fj:
            post = postings.get(x)
            if not post:
                continue
            if len(post) <= _GLOBAL_POSTINGS:
                for i in post:
                    acc[i] += idf[x]
                continue
            a, b = bisect_left(post, lo), bisect_left(post, hi)
            if b - a <= _WINDOW_POSTINGS:
                for i in post[a:b]:
                    acc[i] += idf[x]
        # (shared weight, -distance, -index, index) for each, built by C-level maps.
        distance = map(abs, map(expected_of[j].__rsub__, acc))
        ranked = zip(acc.values(), map(neg, distance), map(neg, acc), acc, strict=True)
        cands = [c[3] for c in heapq.nlargest(_CANDIDATES, ranked)]
        best = None
        best_score = 0.0
        best_cover = 0.0
        for i in cands:
            shared = fj & L.feats[i]
            w = _weigh(idf, shared)
            cover = w / wj
            if cover < _MIN_COVER or (len(shared) < 2 and len(fj) > 2):
                continue
            dice = 2 * w / (wj + weight[i])
            in_window = lo <= i < hi
            # Away from where the sentence would sit in order, a link claims a move, and a
            # move needs stronger evidence than a nearby edit: most of the sentence on both
            # sides, or nearly all of it taken from the source (a cut-down sentence).
            if not in_window and dice < _MOVE_DICE and (cover < _MOVE_COVER or len(shared) < 4):
                continue
            score = cover + 0.25 * dice + (_WINDOW_BONUS if in_window else 0.0)
            if i in near:
                score += _CONTEXT_BONUS
            elif l_para[i] in paras:
                score += _CONTEXT_BONUS / 2
            if score > best_score or (score == best_score and best is not None and i < best):
                best, best_score, best_cover = i, score, cover
        if best is None:
            continue
        sources = [best]
        if best_cover < 0.85:
            rest = fj - L.feats[best]
            w_rest = _weigh(idf, rest)
            for i2 in (best - 1, best + 1):
                if 0 <= i2 < n_left:
                    gain = _weigh(idf, rest & L.feats[i2]) / wj
                    if gain >= _MERGE_GAIN and gain >= 0.5 * w_rest / wj:
                        sources.append(i2)
                        break
        links[j] = sorted(sources)
        fuzzy[j] = best_score
    _drop_scattered_splits(links, fuzzy, R.seg.sentence_paragraph)
    return links


def _drop_scattered_splits(
    links: dict[int, list[int]], fuzzy: dict[int, float], r_para: list[int]
) -> None:
    """Keep a left sentence's several right counterparts only where they sit together.

    A sentence an editor split becomes neighbouring sentences; one that seems to reappear
    paragraphs away is a look-alike (a licence's title and a later sentence naming the licence).
    Of the groups of neighbouring right sentences sharing a source, the one holding the best
    link keeps it; the other groups' similarity links are dropped.
    """
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


def _plain_source(L: _Side, R: _Side, j: int, lo: int, hi: int) -> int | None:
    """The source of a right sentence made only of function words ("That's all there is to
    it!"), which content features cannot find: the left sentence in its window, if the window
    is small, sharing most of its words."""
    if hi - lo > _PLAIN_WINDOW:
        return None
    words = {k.lower() for k in R.sigs[j]} - _PUNCTUATION
    best, best_dice = None, _PLAIN_DICE
    for i in range(lo, hi):
        other = {k.lower() for k in L.sigs[i]} - _PUNCTUATION
        shared = len(words & other)
        dice = 2 * shared / (len(words) + len(other)) if shared >= 3 else 0.0
        if dice >= best_dice:
            best, best_dice = i, dice
    return best


def align(
    left: Segmented,
    right: Segmented,
    languages: tuple[str | None, str | None] = (None, None),
    meaning: Stage | None = None,
) -> list[Link]:
    """Alignment records covering every paragraph of both texts exactly once.

    Records come in reading order of the left text, each inserted paragraph placed after the
    record that precedes it in the right text.  ``languages`` (ISO 639-1 codes, None when not
    known, which is read as English) choose each side's stemmer and function words.
    ``meaning``: the stage that links by meaning what words cannot (textver.meaning); it
    decides itself whether it is needed.
    """
    if languages[0] == languages[1]:
        table = feature_table(chain(left.keys, right.keys), languages[0])
        L, R = _Side.build(left, table), _Side.build(right, table)
    else:
        L_table = feature_table(left.keys, languages[0])
        R_table = feature_table(right.keys, languages[1])
        # A word written alike on both sides (a name, a command, an untranslated passage) must
        # meet itself: it takes the left side's feature, or none if a function word on either.
        for key in L_table.keys() & R_table.keys():
            R_table[key] = L_table[key] = L_table[key] if R_table[key] else ""
        L, R = _Side.build(left, L_table), _Side.build(right, R_table)
    sent_links = _link_sentences(L, R)
    if meaning is not None:
        meaning.link(left, right, sent_links)

    # Paragraph edges weighted by the words each sentence link carries on each side.
    l_share: dict[tuple[int, int], float] = defaultdict(float)
    r_share: dict[tuple[int, int], float] = defaultdict(float)
    for j, sources in sent_links.items():
        q = right.sentence_paragraph[j]
        for i in sources:
            p = left.sentence_paragraph[i]
            l_share[p, q] += L.words[i] / len(sources)
            r_share[p, q] += R.words[j] / len(sources)
    l_words = [sum(L.words[s] for s in rng) for rng in left.paragraph_sentences]
    r_words = [sum(R.words[s] for s in rng) for rng in right.paragraph_sentences]
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
        if l_share[p, q] >= _PARA_SHARE * l_words[p]
        or r_share[p, q] >= _PARA_SHARE * r_words[q]
        or w == best_l[p]
        or w == best_r[q]
    }

    # Connected components of kept edges become records.
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p, q in kept:
        parent[find(("L", p))] = find(("R", q))
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for node in list(parent):
        lst = groups.setdefault(find(node), ([], []))
        (lst[0] if node[0] == "L" else lst[1]).append(node[1])
    records: list[tuple[list[int], list[int]]] = [
        (sorted(a), sorted(b)) for a, b in groups.values()
    ]
    linked_l = {p for a, _ in records for p in a}
    linked_r = {q for _, b in records for q in b}
    records += [([p], []) for p in range(len(left.paragraphs)) if p not in linked_l]
    records += [([], [q]) for q in range(len(right.paragraphs)) if q not in linked_r]

    out = [_build_link(left, right, L, R, ps, qs, sent_links) for ps, qs in records]
    if meaning is not None:
        meaning.annotate(out)
    _mark_moves(out)
    return _reading_order(out)


def _mark_moves(links: list[Link]) -> None:
    """Flag as moved every record holding kept text that is out of order with the rest.

    Every run of words kept on both sides is a point (left position, right position).  The
    heaviest chain of points increasing on both sides (a weighted longest increasing
    subsequence, weighted by words) is the text that stayed in place; a record with a run off
    that chain holds text that travelled, whether a whole paragraph moved or a sentence moved
    within it.  So when nothing is flagged, the kept words read in the same order on both sides.
    """
    points = sorted(
        (op[1], op[3], op[2] - op[1], n)
        for n, lk in enumerate(links)
        for sl in lk.sentences
        for op in sl.ops
        if op[0] == EQUAL
    )
    if not points:
        return
    ranks = {b: r + 1 for r, b in enumerate(sorted({p[1] for p in points}))}
    size = len(ranks)
    tree = [(0, -1)] * (size + 1)  # Fenwick tree: best (chain weight, point) by right rank
    prev = [-1] * len(points)
    for k, (_a, b, w, _n) in enumerate(points):
        pos, best = ranks[b] - 1, (0, -1)
        while pos > 0:
            best = max(best, tree[pos])
            pos -= pos & -pos
        prev[k] = best[1]
        val = (best[0] + w, k)
        pos = ranks[b]
        while pos <= size:
            tree[pos] = max(tree[pos], val)
            pos += pos & -pos
    pos, best = size, (0, -1)
    while pos > 0:
        best = max(best, tree[pos])
        pos -= pos & -pos
    on_chain = set()
    k = best[1]
    while k >= 0:
        on_chain.add(k)
        k = prev[k]
    for k, point in enumerate(points):
        if k not in on_chain:
            links[point[3]].moved = True


def _build_link(
    left: Segmented,
    right: Segmented,
    L: _Side,
    R: _Side,
    ps: list[int],
    qs: list[int],
    sent_links: dict[int, list[int]],
) -> Link:
    l_sents = [s for p in ps for s in left.paragraph_sentences[p]]
    r_sents = [s for q in qs for s in right.paragraph_sentences[q]]
    l_set = set(l_sents)
    # Sentence groups: right sentences linked to left sentences of this record, joined when they
    # share a source (a split sentence) or a right sentence has two sources (merged sentences).
    group_of_left: dict[int, int] = {}
    groups: list[tuple[list[int], list[int]]] = []
    for j in r_sents:
        sources = [i for i in sent_links.get(j, ()) if i in l_set]
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
    for ls, rs in groups:
        ls.sort()
        if len(ls) == 1 and len(rs) == 1 and L.sigs[ls[0]] == R.sigs[rs[0]]:
            # The common case, a sentence kept as it was: no diff needed.
            ra, rb = left.sentence_tokens[ls[0]], right.sentence_tokens[rs[0]]
            ops = [(EQUAL, ra.start, ra.stop, rb.start, rb.stop)]
        else:
            a = _joined([left.sentence_tokens[s] for s in ls])
            b = _joined([right.sentence_tokens[s] for s in rs])
            ops = _absolute(diff_tokens(_keys(left, a), _keys(right, b)), a, b)
        same = all(op[0] == EQUAL for op in ops)
        equal_words += sum(sum(left.is_word[op[1] : op[2]]) for op in ops if op[0] == EQUAL)
        sentences.append(SentenceLink(ls, rs, "equal" if same else "changed", ops))
    for s in l_sents:
        if s not in group_of_left:
            rng = left.sentence_tokens[s]
            sentences.append(
                SentenceLink([s], [], "deleted", [(DELETE, rng.start, rng.stop, 0, 0)])
            )
    linked_r = {j for _, rs in groups for j in rs}
    for s in r_sents:
        if s not in linked_r:
            rng = right.sentence_tokens[s]
            sentences.append(
                SentenceLink([], [s], "inserted", [(INSERT, 0, 0, rng.start, rng.stop)])
            )
    _reading_order_sentences(sentences)

    lw = sum(L.words[s] for s in l_sents)
    rw = sum(R.words[s] for s in r_sents)
    similarity = 2 * equal_words / (lw + rw) if lw + rw else 1.0
    if not qs:
        kind = "deleted"
    elif not ps:
        kind = "inserted"
    elif len(ps) == 1 and len(qs) == 1:
        kind = "equal" if all(sl.kind == "equal" for sl in sentences) else "changed"
    else:
        kind = "merged" if len(ps) >= len(qs) else "split"
    return Link(ps, qs, kind, False, round(similarity, 4), sentences)


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
