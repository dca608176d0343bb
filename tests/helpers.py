"""Helpers shared by the tests (and, for the abridgement generator and its scoring, by the
benchmarks under bench/, which import them from here so each exists once).

Texts shared by several tests are in tests/texts.py; fixtures in tests/conftest.py.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from tests.texts import HARBOUR, LEFT_KEEPER, LIFEBOAT, RIGHT_KEEPER, join
from textver.compare import Comparison, compare
from textver.diff import DELETE, EQUAL, INSERT, diff_tokens
from textver.segment import Segmented, count_words, segment
from textver.version import Version

# --- comparisons and their JSON ------------------------------------------------------------------


def as_json(left: str, right: str, **kw) -> dict:
    c = compare(Version("a", "a.txt", left), Version("b", "b.txt", right), **kw)
    text = c.to_json()
    assert text == compact_json(c.to_dict())  # the fast writer writes what json writes
    return json.loads(text)


def compact_json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def check_contract(d: dict) -> None:
    assert d["format"] == "textver.comparison" and d["version"] == 1
    keys = {"format", "version", "left", "right", "alignment", "changes", "stats"}
    meaning = "meaning" in d  # present only when sentences were compared by meaning
    numbered = "numbering" in d  # present only when a side has numbered paragraphs
    assert set(d) == keys | ({"meaning"} if meaning else set()) | (
        {"numbering"} if numbered else set()
    )
    if numbered:
        check_numbering(d)
    if meaning:
        assert set(d["meaning"]) == {"model", "languages", "cross_language"}
    for side in ("left", "right"):
        s = d[side]
        assert set(s) == {"label", "source", "sha256", "words", "text", "paragraphs"}
        assert isinstance(s["words"], int) and len(s["sha256"]) == 64
        # paragraphs are in order, disjoint, and together hold every non-space character
        covered = [False] * len(s["text"])
        last = 0
        for start, end in s["paragraphs"]:
            assert last <= start < end <= len(s["text"])
            covered[start:end] = [True] * (end - start)
            last = end
        assert all(c or ch.isspace() for c, ch in zip(covered, s["text"], strict=True))
    kinds = {"equal", "changed", "deleted", "inserted", "split", "merged"}
    kinds |= {"translated"} if meaning else set()
    for side in ("left", "right"):
        seen = sorted(i for rec in d["alignment"] for i in rec[side])
        assert seen == list(range(len(d[side]["paragraphs"])))
    for rec in d["alignment"]:
        assert rec["kind"] in kinds and isinstance(rec["moved"], bool)
        assert 0.0 <= rec["similarity"] <= 1.0
        assert (rec["kind"] == "deleted") == (rec["right"] == [])
        assert (rec["kind"] == "inserted") == (rec["left"] == [])
        if rec["kind"] == "split":
            assert len(rec["left"]) < len(rec["right"])
        if rec["kind"] == "merged":
            assert len(rec["left"]) >= len(rec["right"]) > 0
        for sl in rec["sentences"]:
            assert sl["kind"] in {"equal", "changed", "deleted", "inserted"} | (
                {"translated"} if meaning else set()
            )
            assert ("method" in sl) == ("similarity" in sl) == meaning
            for side in ("left", "right"):
                for start, end in sl[side]:
                    assert any(
                        p0 <= start < end <= p1
                        for p0, p1 in (d[side]["paragraphs"][i] for i in rec[side])
                    )
    for op, side in (("delete", "left"), ("insert", "right")):
        spans = [ch[side] for ch in d["changes"] if ch["op"] == op]
        assert spans == sorted(spans)
        assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(spans))
    assert all(set(ch) in ({"op", "left"}, {"op", "right"}) for ch in d["changes"])
    st_ = d["stats"]
    assert st_["left_words"] == d["left"]["words"] and st_["right_words"] == d["right"]["words"]
    assert 0.0 <= st_["retained"] <= 1.0


def check_numbering(d: dict) -> None:
    """The ``numbering`` member: numbers open their paragraphs, renumbered pairs are numbers of
    one record, sections nest and cover the left paragraphs."""
    n = d["numbering"]
    for side in ("left", "right"):
        for num in n[side]:
            p0, p1 = d[side]["paragraphs"][num["paragraph"]]
            assert p0 == num["number"][0] < num["number"][1] <= p1
    starts = {side: {num["number"][0] for num in n[side]} for side in ("left", "right")}
    for r in n["renumbered"]:
        rec = d["alignment"][r["record"]]
        assert rec["left"] and rec["right"]
        assert r["left"][0] in starts["left"] and r["right"][0] in starts["right"]
    total = len(d["left"]["paragraphs"])
    for sec in n["sections"]:
        a, b = sec["paragraphs"]
        assert 0 <= a < b <= total and all(0 <= k < len(d["alignment"]) for k in sec["records"])
    tops = [sec["paragraphs"] for sec in n["sections"] if sec["depth"] == 0]
    assert not n["sections"] or (tops[0][0] == 0 and tops[-1][1] == total)


def kept_words(d: dict, side: str, op: str) -> list[str]:
    """Comparison keys of the words of one side outside that side's changes."""
    text = d[side]["text"]
    spans = [ch[side] for ch in d["changes"] if ch["op"] == op]
    seg = segment(text)
    out = []
    for (a, b), key, is_word in zip(seg.tokens, seg.keys, seg.is_word, strict=True):
        if is_word and not any(s <= a and b <= e for s, e in spans):
            out.append(key)
    return out


def keeper() -> Comparison:
    """The crafted comparison every report test reads."""
    left = Version("first", "first.txt", join(LEFT_KEEPER), {"publication": "Our own"})
    right = Version("second", "second.txt", join(RIGHT_KEEPER), {"date": "2020-01-01"})
    return compare(left, right)


def editions() -> list[Version]:
    """1901 (the base), 1905 without the lighthouse paragraph, 1910 with an added paragraph
    about the lifeboat, 1920 with one sentence reworded."""
    return [
        Version(
            "1901", "1901.txt", join(HARBOUR), {"publication": "Vellmoor Press", "date": "1901"}
        ),
        Version("1905", "1905.txt", join([*HARBOUR[:2], *HARBOUR[3:]]), {"date": "1905"}),
        Version(
            "1910",
            "1910.txt",
            join([*HARBOUR[:4], LIFEBOAT, *HARBOUR[4:]]),
            {"url": "https://example.org/1910", "translator": "E. Marsh"},
        ),
        Version(
            "1920",
            "1920.txt",
            join([HARBOUR[0], HARBOUR[1].replace("Work took", "Building lasted"), *HARBOUR[2:]]),
            {},
        ),
    ]


_TRADES = ["fishermen", "net makers", "boat builders", "school teachers", "farmers", "bakers"]
_PLACES = ["the northern pier", "the old quay", "the market square", "the chapel", "the mill"]


def english_chronicle(years: int) -> list[str]:
    """Paragraphs of an English town chronicle, one a year, every sentence different."""
    out = []
    for k in range(years):
        year = 1850 + k
        trade, place = _TRADES[k % len(_TRADES)], _PLACES[k % len(_PLACES)]
        out.append(
            f"In {year} the {trade} of Vellmoor met at {place} to choose their elders. "
            f"They chose {k % 7 + 2} men and {k % 5 + 1} women, and the vote was held in the "
            f"evening after the boats had come back. The weather that year was "
            f"{'wet' if k % 2 else 'dry'}, and the catch was {'poor' if k % 3 else 'good'}."
        )
    return out


# --- the headless browser ------------------------------------------------------------------------
# As root, in a sandbox with no network: no Chromium sandbox, no GPU, and none of the background
# connections Chromium would otherwise try (they are refused here, many at a time).

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def skip_without_browser() -> None:
    """Skip the calling test module, saying why, when Chromium or Playwright is missing."""
    import shutil

    import pytest

    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def launch(playwright: Any) -> Any:
    """A headless Chromium browser from a started ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def open_report(pg: object, url: str) -> None:
    pg.goto(url)  # type: ignore[attr-defined]
    pg.wait_for_function("window.textverReady === true")  # type: ignore[attr-defined]


def current(pg: object) -> list[str]:
    return pg.evaluate(  # type: ignore[attr-defined]
        "[...document.querySelectorAll('[aria-current]')].map(e => e.id + ' ' + e.className)"
    )


def in_view(pg: object, selector: str) -> bool:
    return pg.evaluate(  # type: ignore[attr-defined]
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.bottom > 0 && r.top < innerHeight && r.height > 0; }""",
        selector,
    )


CONTRAST = """() => {
  const rgba = c => c.match(/[\\d.]+/g).map(Number);
  const lum = c => {
    const v = rgba(c).slice(0, 3).map(x => {
      x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const opaque = c => { const v = rgba(c); return v.length < 4 || v[3] > 0.5; };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (opaque(c)) return c;
    }
    return "rgb(255, 255, 255)";
  };
  const ratio = (fg, bg) => {
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  };
  const bad = [];
  const seen = new Set();
  for (const el of document.querySelectorAll(
      "body *:not(script):not(style):not(.minimap):not(.mk)")) {
    if (!el.checkVisibility()) continue;
    for (const pseudo of [null, "::before"]) {
      const s = getComputedStyle(el, pseudo);
      if (pseudo && (s.content === "none" || s.position === "absolute")) continue;
      if (!pseudo && ![...el.childNodes].some(n => n.nodeType === 3 && n.data.trim())) continue;
      const bg = pseudo && opaque(s.backgroundColor) ? s.backgroundColor : background(el);
      const key = s.color + "|" + bg;
      if (seen.has(key)) continue;
      seen.add(key);
      const r = ratio(s.color, bg);
      if (r < 4.5) bad.push(el.tagName + "." + el.className + (pseudo || "") + " " + key + " " +
                            r.toFixed(2));
    }
  }
  return bad;
}"""


# Phone layout: a 390 px wide screen (an iPhone 12 to 15), and what a reviewer sees first.
PHONE = {"width": 390, "height": 844}

# Every visible element that reaches past the right edge of the window, and every scrolling
# box inside the page that needs scrolling: (element, right edge or "scrolls").
OVERFLOW = """() => {
  const W = document.documentElement.clientWidth;
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.checkVisibility() || el.closest("[data-scrolls]")) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 0.5) bad.push(el.tagName + "." + el.className + " " + r.right);
    const o = getComputedStyle(el).overflowX;
    if ((o === "auto" || o === "scroll" || o === "hidden") && el.scrollWidth > el.clientWidth + 1)
      bad.push(el.tagName + "." + el.className + " scrolls");
  }
  return bad;
}"""

# Where the summary, its first largest cut and the provenance fold are, and what is visible.
FIRST_SCREEN = """() => {
  const top = s => { const e = document.querySelector(s); return e && e.checkVisibility()
    ? e.getBoundingClientRect().top : null; };
  return {summary: top("#sum-h"), figure: top(".summary strong, .summary table"),
          cut: top(".cuts li"), fold: top(".provenance"), card: top(".prov"),
          height: innerHeight};
}"""


def css_string(text: str) -> str:
    """``text`` as getComputedStyle writes a string in ``content``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def first_screen(pg: object) -> dict:
    return pg.evaluate(FIRST_SCREEN)  # type: ignore[attr-defined]


# --- abridgements of a real text whose true alignment is known -----------------------------------
# Generate abridgements of a real text whose true alignment is known, to score an aligner on.
#
# An abridged reprint is made from its source by an editor who drops paragraphs and sentences, cuts
# the tail off a long sentence, splits a paragraph, condenses two or three paragraphs into one,
# moves a passage, opens a sentence with "However," and swaps a word here and there.  We imitate
# that editor, but keep books: the right text is built only from *pieces*, each either a slice of
# the left text (copied at token boundaries, so it remembers where it came from) or a new string.
# After the right text is rendered it is segmented exactly as textver segments it, and every right
# token is traced back through the pieces to the left token it was copied from, or to nothing.  The
# truth (paragraph links, removed words, inserted words, moved paragraphs) is read off that trace,
# never off the editing plan, so it cannot drift from the text the aligner actually sees.
#
# The editor is kept plausible, and the truth unambiguous, by a few rules: a tail is cut only at a
# clause end (comma, semicolon, colon, dash, "but"), keeping two fifths of the sentence, never
# after an opening phrase ("By a similar process of selection.") and never where the shortened
# sentence would also be the opening of another sentence or end on the word the full one ends on
# (a word diff could then keep either occurrence); a condensed paragraph takes the topic sentence
# (and sometimes one more) of each source paragraph, only full statements that end with a full
# stop, and never headings, boxes or list items ("c) ..."); a connective is put only before
# prose that does not already open with one, lower-casing the old first word unless it is a name;
# one word at most is swapped per sentence; a moved paragraph holds ten words or more (twenty if
# possible) and jumps over half as many words again as it holds, so that it, and not its
# neighbours, is what moved.
CONNECTIVES = ("However,", "Indeed,", "In short,", "Moreover,", "Thus,", "Still,")
# Replacements an editor might make (each fits wherever the word it replaces does); a word not
# listed is swapped for a word from elsewhere in the text.
SYNONYMS = {
    "large": "great",
    "great": "large",
    "small": "little",
    "little": "small",
    "often": "frequently",
    "many": "numerous",
    "important": "significant",
    "must": "should",
    "may": "might",
    "might": "may",
    "think": "believe",
    "believe": "think",
    "clear": "evident",
    "probably": "likely",
    "different": "distinct",
    "common": "usual",
    "show": "demonstrate",
    "shows": "demonstrates",
    "seems": "appears",
    "very": "highly",
    "change": "shift",
    "changes": "shifts",
    "any": "every",
    "together": "jointly",
    "several": "various",
    "known": "recognised",
    "work": "labour",
    "new": "novel",
    "conditions": "circumstances",
    "effect": "result",
}
# Sentence openers that an editor lower-cases after prefixing a connective.
_LOWER_AFTER_CONNECTIVE = frozenset(
    {
        *("the", "a", "an", "it", "this", "that", "these", "those", "there", "we", "our"),
        *("in", "on", "at", "if", "when", "as", "but", "and", "some", "many", "such", "no"),
        *("nor", "each", "every", "all", "any", "one", "for", "to", "with", "from", "by"),
        *("so", "yet", "it's"),
    }
)
# Openers that already link a sentence to the one before it.
_ADVERBIAL = frozenset(
    {
        *("however", "indeed", "thus", "moreover", "still", "but", "and", "yet", "so"),
        *("therefore", "finally", "also", "hence", "nor", "or", "furthermore"),
        *("nevertheless", "accordingly", "then"),
    }
)
# Openers of a phrase or clause that cannot stand alone as a sentence.
_INTRO = frozenset(
    {
        *("if", "when", "whenever", "although", "though", "while", "because", "since"),
        *("unless", "whether", "as", "after", "before", "once", "until", "where", "by", "in"),
        *("on", "for", "with", "without", "from", "to", "at", "under", "after", "during"),
        *("having", "being", "owing", "considering", "given", "according"),
    }
)
# Tokens after which a sentence reads as complete when its tail is cut.
# ("and" and "or" are left out: they join adjectives and nouns as often as clauses.)
_CLAUSE_END = frozenset({",", ";", ":", "\u2014", "\u2013", "but", "while", "whereas"})


@dataclass
class Piece:
    """A run of right text: copied from the left text at offset ``src``, or new (``src`` None)."""

    text: str
    src: int | None


@dataclass
class Sentence:
    """A right sentence: the left sentence it started from (None for a new one) and its pieces."""

    src: int | None
    pieces: list[Piece]


@dataclass
class Unit:
    """A right paragraph in the making; ``moved`` marks a paragraph the editor relocated."""

    paras: list[int]  # left paragraphs it was made from
    sentences: list[Sentence]
    moved: bool = False


@dataclass
class Abridgement:
    """A generated right text with its truth, all in token indices of the two segmentations."""

    left: Segmented
    right: Segmented
    origin: list[int]  # per right token: the left token it was copied from, or -1 if new
    para_links: set[tuple[int, int]]  # (left paragraph, right paragraph) sharing a copied token
    removed_words: set[int]  # left word tokens copied nowhere
    inserted_words: set[int]  # right word tokens that are new
    moved: set[int]  # right paragraphs that were moved (or hold text of a moved unit)
    log: list[str]  # the operations applied, for reproducers

    @property
    def kept_share(self) -> float:
        lw = self.left.word_count
        return (lw - len(self.removed_words)) / lw if lw else 1.0


class Draft:
    """The editor's working copy of ``text``: units of sentences of pieces, edited in place.

    Every operation names left paragraphs, sentences and tokens by their index in the left
    segmentation, so a test can apply one operation and check the bookkeeping of exactly that one.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.seg = segment(text)
        self.units: list[Unit] = []
        self.log: list[str] = []
        seg = self.seg
        for p, sents in enumerate(seg.paragraph_sentences):
            self.units.append(Unit([p], [self._fresh(s) for s in sents]))

    def lowers_after_connective(self, tok: str) -> bool:
        """Whether an editor would lower-case ``tok`` once it no longer opens the sentence: a
        common opener always; another capitalised word when the text also uses it in lower
        case and never capitalises it mid-sentence (which would make it a name)."""
        if not tok[:1].isupper() or tok == "I" or (tok.isupper() and len(tok) > 1):
            return False
        low = tok.lower()
        return low.split("'")[0].split("\u2019")[0] in _LOWER_AFTER_CONNECTIVE or (
            low in self._lower_words and tok not in self._names
        )

    @cached_property
    def _names(self) -> frozenset[str]:
        """Words capitalised inside sentences (not after a colon or an opening quote) more
        often than they are written in lower case: names, and terms a licence defines."""
        seg = self.seg
        upper: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        for rng in seg.sentence_tokens:
            for t in range(rng.start + 1, rng.stop):
                w = self.text[slice(*seg.tokens[t])]
                if w[:1].islower():
                    lower[w] += 1
                elif w[:1].isupper() and seg.keys[t - 1] not in (".", ":", '"', "\u201c", "\u2018"):
                    upper[w] += 1
        return frozenset(w for w, n in upper.items() if n > lower[w.lower()])

    @cached_property
    def _lower_words(self) -> frozenset[str]:
        seg = self.seg
        return frozenset(w for w in (self.text[a:b] for a, b in seg.tokens) if w[:1].islower())

    def _fresh(self, s: int) -> Sentence:
        a, b = self.seg.sentences[s]
        return Sentence(s, [Piece(self.text[a:b], a)])

    # --- finding things ------------------------------------------------------------------------

    def unit_of_para(self, p: int) -> int:
        """Index of the unit still holding left paragraph ``p``."""
        for u, unit in enumerate(self.units):
            if p in unit.paras:
                return u
        raise KeyError(f"paragraph {p} is no longer in the draft")

    def sentence(self, s: int) -> Sentence:
        for unit in self.units:
            for sent in unit.sentences:
                if sent.src == s:
                    return sent
        raise KeyError(f"sentence {s} is no longer in the draft")

    def kept_sentences(self) -> list[int]:
        return [sent.src for unit in self.units for sent in unit.sentences if sent.src is not None]

    def kept_words(self) -> int:
        seg = self.seg
        return sum(
            sum(seg.is_word[t] for t in seg.sentence_tokens[s]) for s in self.kept_sentences()
        )

    # --- operations ----------------------------------------------------------------------------

    def drop_paragraph(self, p: int) -> None:
        """Remove the whole unit holding left paragraph ``p``."""
        del self.units[self.unit_of_para(p)]
        self.log.append(f"drop paragraph {p}")

    def drop_sentence(self, s: int) -> None:
        """Remove left sentence ``s`` (and its unit, if that leaves it empty)."""
        for u, unit in enumerate(self.units):
            for k, sent in enumerate(unit.sentences):
                if sent.src == s:
                    del unit.sentences[k]
                    if not unit.sentences:
                        del self.units[u]
                    self.log.append(f"drop sentence {s}")
                    return
        raise KeyError(f"sentence {s} is no longer in the draft")

    def cut_tail(self, s: int, k: int) -> None:
        """Keep the first ``k`` words of sentence ``s`` and end it with a full stop."""
        seg = self.seg
        words = [t for t in seg.sentence_tokens[s] if seg.is_word[t]]
        if not 0 < k < len(words):
            raise ValueError(f"sentence {s} has {len(words)} words; cannot keep {k}")
        end = seg.tokens[words[k - 1]][1]
        sent = self.sentence(s)
        kept: list[Piece] = []
        for piece in sent.pieces:
            if piece.src is None:
                kept.append(piece)
                continue
            if piece.src >= end:
                break
            kept.append(Piece(piece.text[: end - piece.src], piece.src))
            if piece.src + len(piece.text) >= end:
                break
        kept.append(Piece(".", None))
        sent.pieces = kept
        self.log.append(f"cut sentence {s} after word {k}")

    def swap_token(self, t: int, new: str) -> None:
        """Replace left token ``t`` (still copied somewhere) by the new string ``new``."""
        self._replace(t, new)
        self.log.append(f"swap token {t} {self.text[slice(*self.seg.tokens[t])]!r} -> {new!r}")

    def _replace(self, t: int, new: str) -> None:
        a, b = self.seg.tokens[t]
        s = self._sentence_of_token(t)
        sent = self.sentence(s)
        for n, piece in enumerate(sent.pieces):
            if piece.src is not None and piece.src <= a and b <= piece.src + len(piece.text):
                i, j = a - piece.src, b - piece.src
                parts = [
                    Piece(piece.text[:i], piece.src),
                    Piece(new, None),
                    Piece(piece.text[j:], b),
                ]
                sent.pieces[n : n + 1] = [x for x in parts if x.text]
                return
        raise KeyError(f"token {t} is not copied in the draft")

    def add_connective(self, s: int, word: str) -> None:
        """Open sentence ``s`` with ``word`` ("However,"), lower-casing a common first word."""
        seg = self.seg
        first = seg.sentence_tokens[s].start
        a, b = seg.tokens[first]
        tok = self.text[a:b]
        lower = self.lowers_after_connective(tok)
        if lower:
            self._replace(first, tok.lower())
        self.sentence(s).pieces.insert(0, Piece(word + " ", None))
        note = f" (lower-casing {tok!r})" if lower else ""
        self.log.append(f"connective {word!r} before sentence {s}{note}")

    def split_paragraph(self, p: int, at: int) -> None:
        """Break the unit holding left paragraph ``p`` before its ``at``-th remaining sentence."""
        self.split_unit(self.unit_of_para(p), at)

    def split_unit(self, u: int, at: int) -> None:
        """Break unit ``u`` in two before its ``at``-th sentence; both parts keep its flags."""
        unit = self.units[u]
        if not 0 < at < len(unit.sentences):
            raise ValueError(f"cannot split a {len(unit.sentences)}-sentence paragraph at {at}")
        second = Unit(list(unit.paras), unit.sentences[at:], unit.moved)
        unit.sentences = unit.sentences[:at]
        self.units.insert(u + 1, second)
        self.log.append(f"split paragraph {unit.paras} before its sentence {at}")

    def condense(self, picks: list[list[int]], connective: str | None = None) -> None:
        """Make one paragraph of the sentences ``picks[i]`` of consecutive paragraphs.

        Each ``picks[i]`` lists left sentences of one paragraph; everything else those paragraphs
        held is dropped.  ``connective`` opens the second paragraph's contribution, as an editor
        running two paragraphs together would write.
        """
        paras = [self.seg.sentence_paragraph[group[0]] for group in picks]
        units = sorted({self.unit_of_para(p) for p in paras})
        chosen = [s for group in picks for s in group]
        by_src = {
            sent.src: sent
            for u in units
            for sent in self.units[u].sentences
            if sent.src is not None
        }
        new = Unit(paras, [by_src[s] for s in chosen])
        for u in reversed(units[1:]):
            del self.units[u]
        self.units[units[0]] = new
        if connective and len(picks) > 1:
            self.add_connective(picks[1][0], connective)
        self.log.append(f"condense paragraphs {paras} keeping sentences {picks}")

    def move(self, u: int, to: int) -> None:
        """Move unit ``u`` so that it ends up at position ``to`` of the unit list."""
        unit = self.units.pop(u)
        unit.moved = True
        self.units.insert(to, unit)
        self.log.append(f"move unit {u} (left paragraphs {unit.paras}) to position {to}")

    def _sentence_of_token(self, t: int) -> int:
        starts = [rng.start for rng in self.seg.sentence_tokens]
        return bisect.bisect_right(starts, t) - 1

    # --- the result ----------------------------------------------------------------------------

    def render(self) -> Abridgement:
        """The right text, segmented, with every token traced to its origin."""
        chunks: list[str] = []
        starts: list[int] = []  # right offset of each piece
        pieces: list[Piece] = []
        unit_spans: list[tuple[int, int, bool]] = []
        pos = 0

        def put(piece: Piece) -> None:
            nonlocal pos
            starts.append(pos)
            pieces.append(piece)
            chunks.append(piece.text)
            pos += len(piece.text)

        for n, unit in enumerate(self.units):
            if n:
                put(Piece("\n\n", None))
            begin = pos
            for k, sent in enumerate(unit.sentences):
                if k:
                    put(Piece(" ", None))
                for piece in sent.pieces:
                    put(piece)
            unit_spans.append((begin, pos, unit.moved))
        right_text = "".join(chunks)
        right = segment(right_text)
        left = self.seg

        tok_at = {span[0]: i for i, span in enumerate(left.tokens)}
        origin: list[int] = []
        for s, e in right.tokens:
            k = bisect.bisect_right(starts, s) - 1
            piece, p0 = pieces[k], starts[k]
            src = -1
            if piece.src is not None and e <= p0 + len(piece.text):
                t = tok_at.get(piece.src + s - p0)
                if t is not None and left.tokens[t][1] - left.tokens[t][0] == e - s:
                    src = t
            origin.append(src)

        left_para = token_paragraphs(left)
        right_para = token_paragraphs(right)
        para_links = {(left_para[o], right_para[t]) for t, o in enumerate(origin) if o >= 0}
        copied = {o for o in origin if o >= 0}
        removed = {t for t in range(len(left.tokens)) if left.is_word[t] and t not in copied}
        inserted = {t for t, o in enumerate(origin) if o < 0 and right.is_word[t]}
        moved = {
            q
            for q, (a, b) in enumerate(right.paragraphs)
            if any(m and a < e and s < b for s, e, m in unit_spans)
        }
        return Abridgement(left, right, origin, para_links, removed, inserted, moved, self.log)


def check_truth(a: Abridgement) -> None:
    """Raise AssertionError if the truth of ``a`` contradicts its texts: a copied token must be
    the very same text as its origin, each left token copied at most once, every new right word
    counted as inserted, every left word either copied or removed."""
    L, R = a.left, a.right
    seen: set[int] = set()
    for t, o in enumerate(a.origin):
        if o < 0:
            assert not R.is_word[t] or t in a.inserted_words, f"new right word {t} not inserted"
            continue
        assert o not in seen, f"left token {o} copied twice"
        seen.add(o)
        assert L.text[slice(*L.tokens[o])] == R.text[slice(*R.tokens[t])], f"token {t} != {o}"
    left_words = {t for t, w in enumerate(L.is_word) if w}
    assert a.removed_words == left_words - seen, "removed words are not the uncopied ones"
    assert all(0 <= q < len(R.paragraphs) for q in a.moved), "moved paragraph out of range"


def token_paragraphs(seg: Segmented) -> list[int]:
    """The paragraph index of every token of ``seg``."""
    out = [0] * len(seg.tokens)
    for p in range(len(seg.paragraphs)):
        for t in seg.paragraph_tokens(p):
            out[t] = p
    return out


# --- the random editor --------------------------------------------------------------------------

LEVELS = ("light", "heavy")


def abridge(text: str, level: str, seed: int, density: int = 1) -> Abridgement:
    """An abridgement of ``text``: ``light`` (a few of each operation) or ``heavy`` (about one
    sixth of the words kept, as in a newspaper's reprint of a long essay).

    Every operation is used at both levels; the random choices depend only on ``seed``.
    ``density`` multiplies the light level's operations: a book revised throughout (the
    benchmarks' Darwin pair, bench/_inputs.py) rather than lightly touched.
    """
    if level not in LEVELS or density < 1 or (density > 1 and level != "light"):
        raise ValueError(f"unknown level {level!r} (density {density})")
    rng = random.Random(f"{level}:{seed}" if density == 1 else f"{level}:{seed}:{density}")
    d = Draft(text)
    _Editor(d, rng, heavy=level == "heavy", density=density).run()
    return d.render()


def repeat(a: Abridgement, times: int) -> Abridgement:
    """``times`` copies of ``a``'s left text against as many of its right text, a blank line
    between copies, with the truth of every copy: book-scale inputs (bench/speed_bench.py's 4x
    and 16x) that keep an exact truth without generating a book's worth of edits."""
    texts = ["\n\n".join([seg.text.rstrip()] * times) + "\n" for seg in (a.left, a.right)]
    left, right = segment(texts[0]), segment(texts[1])
    nl, nr = len(a.left.tokens), len(a.right.tokens)
    pl, pr = len(a.left.paragraphs), len(a.right.paragraphs)
    if (len(left.tokens), len(right.tokens)) != (nl * times, nr * times):
        raise ValueError("the copies do not segment as the original does")
    k = range(times)
    return Abridgement(
        left,
        right,
        [o + i * nl if o >= 0 else -1 for i in k for o in a.origin],
        {(p + i * pl, q + i * pr) for i in k for p, q in a.para_links},
        {t + i * nl for i in k for t in a.removed_words},
        {t + i * nr for i in k for t in a.inserted_words},
        {q + i * pr for i in k for q in a.moved},
        [*a.log, f"repeat {times} times"],
    )


class _Editor:
    """Chooses the operations; the Draft does the bookkeeping."""

    def __init__(self, draft: Draft, rng: random.Random, heavy: bool, density: int = 1) -> None:
        self.d = draft
        self.rng = rng
        self.heavy = heavy
        self.density = density
        seg = draft.seg
        self.words_of = [sum(seg.is_word[t] for t in rng_) for rng_ in seg.sentence_tokens]
        self.untouchable: set[int] = set()  # left paragraphs in condensed units
        self.split_paras: set[int] = set()  # left paragraphs split in two (never dropped whole)
        # Prose paragraphs, as opposed to boxes, rules and tables of punctuation.
        self.prose = [self._is_prose(p) for p in range(len(seg.paragraphs))]

    def title_case(self, s: int) -> bool:
        """Whether sentence ``s`` reads as a heading: most of its longer words capitalised."""
        seg, text = self.d.seg, self.d.text
        words = [text[slice(*seg.tokens[t])] for t in seg.sentence_tokens[s] if seg.is_word[t]]
        long = [w for w in words[1:] if len(w) >= 4]
        return bool(long) and sum(w[:1].isupper() for w in long) > 0.5 * len(long)

    def _is_prose(self, p: int) -> bool:
        """Prose ends like a sentence and is mostly words: not a heading ("Breeds of the
        Domestic Pigeon, their Differences and Origin."), a box or a rule."""
        seg, text = self.d.seg, self.d.text
        toks = seg.paragraph_tokens(p)
        end = text[seg.paragraphs[p][0] : seg.paragraphs[p][1]].rstrip("\"'\u201d\u2019)]")
        if end[-1:] not in (".", "?", "!", ":", ";"):
            return False
        words = [text[slice(*seg.tokens[t])] for t in toks if seg.is_word[t]]
        if len(words) < 0.6 * len(toks):
            return False
        sents = seg.paragraph_sentences[p]
        return not (len(sents) == 1 and self.title_case(sents[0]))

    def run(self) -> None:
        seg = self.d.seg
        n_par = len(seg.paragraphs)
        total = sum(self.words_of)
        scale = max(1, n_par // 25) * self.density
        self.condense(n=max(1, n_par // 10) if self.heavy else scale)
        if self.heavy:
            # Split first: few paragraphs of four sentences outlive a heavy abridgement.
            self.splits(max(1, n_par // 40))
            target = total / 6 * 1.12  # tail cuts take the rest
            self.drop_sentences(2)
            self.drop_paragraphs_to(total * 0.42)
            self.drop_sentences_to(target)
            self.drop_paragraphs_to(target)
            self.drop_paragraphs_to(target, condensed=True)
        else:
            self.drop_paragraphs(2 * scale)
            self.drop_sentences(3 * scale)
        kept = self.d.kept_sentences()
        self.cut_tails(max(2, len(kept) // 10) if self.heavy else 2 * scale)
        self.connectives(max(2, len(kept) // 12) if self.heavy else 2 * scale)
        self.swaps(max(3, len(kept) // 8) if self.heavy else 3 * scale)
        if not self.heavy:
            self.splits(scale)
        self.moves(max(1, len(self.d.units) // 15) if self.heavy else scale)

    # Paragraph-level -----------------------------------------------------------------------------

    def condense(self, n: int) -> None:
        seg, text = self.d.seg, self.d.text
        prose = {p for p in range(len(seg.paragraphs)) if self.prose[p]}
        multi = {p for p in prose if len(seg.paragraph_sentences[p]) >= 2}
        starts = [p for p in prose if p + 1 in prose]
        self.rng.shuffle(starts)
        # Condensing proper (paragraphs of several sentences) first; merging short ones if the
        # text has too few of those, as a list of one-sentence clauses does.
        starts.sort(key=lambda p: -((p in multi) + (p + 1 in multi)))
        used: set[int] = set()
        for p in starts:
            if n <= 0:
                break
            width = 3 if p + 2 in prose and self.rng.random() < 0.5 else 2
            group = list(range(p, p + width))
            if used & set(range(p - 1, p + width + 1)):
                continue
            picks = []
            for q in group:
                sents = list(seg.paragraph_sentences[q])
                # An editor keeps the topic sentence (not a run-in heading), sometimes one more;
                # run into another paragraph, it must still read as a sentence ("c) ..." won't).
                fits = [x for x in sents if self.words_of[x] >= 6 and self.full_stop(x)]
                if q != p:
                    fits = [x for x in fits if self.capitalised(x)]
                if not fits:
                    break
                take = [fits[0]]
                rest = [
                    x for x in sents if x != fits[0] and self.capitalised(x) and self.full_stop(x)
                ]
                if len(sents) > 2 and rest and self.rng.random() < 0.4:
                    take.append(self.rng.choice(rest))
                picks.append(sorted(take))
            if len(picks) < len(group):
                continue
            conn = None
            if self.opens_plainly(picks[1][0]) and self.rng.random() < 0.5:
                first = text[slice(*seg.tokens[seg.sentence_tokens[picks[1][0]].start])]
                conn = self.rng.choice([c for c in CONNECTIVES if c.split()[0] != first])
            self.d.condense(picks, conn)
            used.update(group)
            n -= 1
        self.untouchable = used

    def _free_paragraphs(self) -> list[int]:
        present = {p for unit in self.d.units for p in unit.paras}
        return sorted(present - self.untouchable - self.split_paras)

    def drop_paragraphs(self, n: int) -> None:
        free = self._free_paragraphs()
        for p in self.rng.sample(free, min(n, max(0, len(free) - 2))):
            self.d.drop_paragraph(p)

    def drop_paragraphs_to(self, target: float, condensed: bool = False) -> None:
        """Drop whole paragraphs until ``target`` words are left; with ``condensed``, condensed
        paragraphs too (all but one), for a short text that condensing alone kept too long."""
        free = self._free_paragraphs()
        self.rng.shuffle(free)
        if condensed:
            merged = [u.paras[0] for u in self.d.units if len(u.paras) > 1]
            free += self.rng.sample(merged, max(0, len(merged) - 1))
        for p in free:
            kept = self.d.kept_words()
            if kept <= target or len(self.d.units) <= 3:
                break
            unit = self.d.units[self.d.unit_of_para(p)]
            words = sum(self.words_of[x.src] for x in unit.sentences if x.src is not None)
            if kept - words >= 0.75 * target:  # not so far below the target
                self.d.drop_paragraph(p)

    # Sentence-level -------------------------------------------------------------------------------

    def _droppable(self) -> list[int]:
        """Kept sentences whose unit would keep at least one other sentence."""
        out = []
        for unit in self.d.units:
            if set(unit.paras) & self.untouchable:
                continue
            srcs = [s.src for s in unit.sentences if s.src is not None]
            if len(srcs) >= 2:
                out.extend(srcs[1:])  # the topic sentence stays
        return out

    def drop_sentences(self, n: int) -> None:
        cands = self._droppable()
        for s in self.rng.sample(cands, min(n, len(cands))):
            self.d.drop_sentence(s)

    def drop_sentences_to(self, target: float) -> None:
        while self.d.kept_words() > target:
            cands = self._droppable()
            if not cands:
                break
            self.d.drop_sentence(self.rng.choice(cands))

    def cut_tails(self, n: int) -> None:
        """Cut long sentences at a clause end; shorter ones only if too few long ones will do."""
        done: set[int] = set()
        for least in (12, 8):
            cands = [s for s in self.d.kept_sentences() if self.words_of[s] >= least]
            self.rng.shuffle(cands)
            for s in cands:
                if len(done) >= n:
                    return
                cuts = self.clause_ends(s) if s not in done else []
                if cuts:
                    self.d.cut_tail(s, self.rng.choice(cuts))
                    done.add(s)

    def clause_ends(self, s: int) -> list[int]:
        """Word counts ``k`` after which sentence ``s`` can end and still read as a sentence:
        before a comma, semicolon, colon, dash or "but", with five words or two fifths of the
        sentence kept and three words or more cut, and no quotation or bracket left open."""
        seg, text = self.d.seg, self.d.text
        toks = seg.sentence_tokens[s]
        out = []
        k = 0
        depth = 0
        for t in toks:
            tok = text[slice(*seg.tokens[t])]
            if tok in ("(", "[", "\u201c"):
                depth += 1
            elif tok in (")", "]", "\u201d"):
                depth -= 1
            elif tok == '"':
                depth += 1 if depth == 0 else -1
            if not seg.is_word[t]:
                continue
            k += 1
            nxt = text[slice(*seg.tokens[t + 1])] if t + 1 < toks.stop else ""
            if depth == 0 and nxt.lower() in _CLAUSE_END:
                out.append(k)
        # An opening phrase or subordinate clause ("By a similar process of selection, ...",
        # "If it is not possible, ...") is not a sentence on its own: cut after it, not at it.
        words = [t for t in toks if seg.is_word[t]]
        if out and text[slice(*seg.tokens[words[0]])].lower() in _INTRO:
            out = out[1:]
        n = len(words)
        out = [k for k in out if max(5, 0.4 * n) <= k <= n - 3]
        # If the cut sentence ends on the word the full one ends on ("... of this License."
        # twice), or is also the opening of another sentence ("Subject to the terms and
        # conditions of this License, each Contributor hereby grants ..." opens two sections),
        # either occurrence could be its source: the truth would be ambiguous.
        return [
            k
            for k in out
            if seg.keys[words[k - 1]] != seg.keys[words[-1]] and not self._shared_opening(s, k)
        ]

    def _shared_opening(self, s: int, k: int) -> bool:
        """Whether another sentence of the text opens with the same first ``k`` words as ``s``."""
        head = self._opening(s, k)
        return any(
            self._opening(x, k) == head
            for x in self._same_start.get(self._opening(s, 3), ())
            if x != s
        )

    def _opening(self, s: int, k: int) -> tuple[str, ...]:
        seg = self.d.seg
        return tuple(seg.keys[t] for t in seg.sentence_tokens[s] if seg.is_word[t])[:k]

    @cached_property
    def _same_start(self) -> dict[tuple[str, ...], list[int]]:
        out: dict[tuple[str, ...], list[int]] = {}
        for s in range(len(self.d.seg.sentences)):
            out.setdefault(self._opening(s, 3), []).append(s)
        return out

    def full_stop(self, s: int) -> bool:
        """Whether sentence ``s`` is a statement that ends with its own full stop (not a
        heading, and not a colon that introduces a list the condensed paragraph leaves out)."""
        a, b = self.d.seg.sentences[s]
        end = self.d.text[a:b].rstrip("\"'\u201d\u2019)]")
        return end[-1:] in (".", "?", "!") and not self.title_case(s)

    def capitalised(self, s: int) -> bool:
        """Whether sentence ``s`` starts like a sentence: a capital, perhaps after a quote."""
        a, b = self.d.seg.sentences[s]
        head = self.d.text[a:b].lstrip("\"'\u201c\u2018(")
        return head[:1].isupper()

    def opens_plainly(self, s: int) -> bool:
        """Whether sentence ``s`` is prose that a connective could open: a full sentence of six
        words or more, starting with a capitalised word that is not already an adverbial."""
        seg, text = self.d.seg, self.d.text
        toks = seg.sentence_tokens[s]
        if self.words_of[s] < 6 or len(toks) < 3 or seg.keys[toks[-1]] not in (".", "?", "!"):
            return False
        if not self.prose[seg.sentence_paragraph[s]] or self.title_case(s):
            return False
        first = text[slice(*seg.tokens[toks.start])]
        return (
            seg.is_word[toks.start]
            and first[:1].isupper()
            and not (first.isupper() and len(first) > 1)
            and seg.keys[toks.start + 1] not in (",", ".", ")")  # "Thus, ...", "A.", "b)"
            and first.lower() not in _ADVERBIAL
        )

    def connectives(self, n: int) -> None:
        cands = [s for s in self.d.kept_sentences() if self.opens_plainly(s)]
        for s in self.rng.sample(cands, min(n, len(cands))):
            if self.d.sentence(s).pieces[0].src is None:  # already opened with a connective
                continue
            word = self.rng.choice(CONNECTIVES[:3])
            first = self.d.text[slice(*self.d.seg.tokens[self.d.seg.sentence_tokens[s].start])]
            if word.split()[0] == first:  # "In short, in ..." would leave "In" ambiguous
                continue
            self.d.add_connective(s, word)

    def swaps(self, n: int) -> None:
        seg, text = self.d.seg, self.d.text
        pool = [
            text[a:b]
            for (a, b), w in zip(seg.tokens, seg.is_word, strict=True)
            if w and b - a >= 5 and text[a:b].isalpha() and text[a:b].islower()
        ]
        if not pool:
            return
        # One word per sentence of eight words or more: an editor's touch, not a rewrite.
        cands = []
        sentence_of: dict[int, int] = {}
        for s in self.d.kept_sentences():
            if self.words_of[s] < 8:
                continue
            rng_ = seg.sentence_tokens[s]
            for t in range(rng_.start + 1, rng_.stop):
                w = text[slice(*seg.tokens[t])]
                if seg.is_word[t] and w.isalpha() and w.islower() and len(w) >= 4:
                    cands.append(t)
                    sentence_of[t] = s
        listed = [t for t in cands if text[slice(*seg.tokens[t])] in SYNONYMS]
        touched: set[int] = set()
        for _ in range(3 * n):
            if len(touched) >= n:
                return
            use = listed if listed and self.rng.random() < 0.7 else cands
            if not use:
                return
            t = self.rng.choice(use)
            old = text[slice(*seg.tokens[t])]
            new = SYNONYMS.get(old) or self.rng.choice(pool)
            # A word equal to a neighbour would let a diff match either of the two.
            near = (seg.keys[t - 1], seg.keys[t + 1] if t + 1 < len(seg.keys) else "")
            if sentence_of[t] in touched or new == old or new in near:
                continue
            try:
                self.d.swap_token(t, new)
            except KeyError:  # cut off with a sentence tail
                continue
            touched.add(sentence_of[t])

    # Unit-level -----------------------------------------------------------------------------------

    def splits(self, n: int) -> None:
        """Split long paragraphs between sentences, two or more on each side if possible."""
        units = self.d.units
        margin = 2 if any(len(u.sentences) >= 4 and len(u.paras) == 1 for u in units) else 1
        # A condensed paragraph is the editor's own; they do not split it again.
        cands = [
            u
            for u, unit in enumerate(units)
            if len(unit.sentences) >= 2 * margin and len(unit.paras) == 1
        ]
        for u in sorted(self.rng.sample(cands, min(n, len(cands))), reverse=True):
            self.split_paras.update(units[u].paras)
            self.d.split_unit(u, self.rng.randint(margin, len(units[u].sentences) - margin))

    def moves(self, n: int) -> None:
        """Move units far enough, past more words than they hold, that the move is unambiguous."""
        for _ in range(n):
            units = self.d.units
            size = [
                sum(count_words(piece.text) for sent in unit.sentences for piece in sent.pieces)
                for unit in units
            ]
            order = list(range(len(units)))
            self.rng.shuffle(order)
            # Editors move passages, not headings; a short passage only if nothing else will go.
            for least, u in [(least, u) for least in (20, 10) for u in order]:
                if units[u].moved or size[u] < least:
                    continue
                targets = []
                for to in range(len(units)):
                    lo, hi = (to, u) if to < u else (u + 1, to + 1)
                    if hi - lo < 2 or any(units[x].moved for x in range(lo, hi)):
                        continue
                    if sum(size[lo:hi]) > 1.5 * size[u]:
                        targets.append(to)
                if targets:
                    self.d.move(u, self.rng.choice(targets))
                    break


# --- scoring an aligner against that truth -------------------------------------------------------


def prf(pred: set, gold: set) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty prediction has precision 1, an empty truth recall 1."""
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(gold) if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def predicted_links(c: Comparison) -> set[tuple[int, int]]:
    return {(p, q) for lk in c.links for p in lk.left for q in lk.right}


@dataclass
class Prediction:
    """What an aligner claims, in the terms the truth is kept in (token and paragraph indices)."""

    links: set[tuple[int, int]]
    removed: set[int]
    inserted: set[int]
    moved_records: list[tuple[list[int], list[int]]]


def ours(c: Comparison) -> Prediction:
    """textver's claims: every left/right paragraph pair of a record is a link."""
    lw, rw = c.left_seg.is_word, c.right_seg.is_word
    return Prediction(
        predicted_links(c),
        {t for t, f in enumerate(c.deleted_tokens) if f and lw[t]},
        {t for t, f in enumerate(c.inserted_tokens) if f and rw[t]},
        [(lk.left, lk.right) for lk in c.links if lk.moved],
    )


def baseline(left: Segmented, right: Segmented) -> Prediction:
    """One global word diff: what it deletes is removed, what it inserts is inserted, and two
    paragraphs are linked when a run of equal tokens joins them.  It cannot see moves."""
    lp, rp = token_paragraphs(left), token_paragraphs(right)
    links: set[tuple[int, int]] = set()
    removed: set[int] = set()
    inserted: set[int] = set()
    for op, a0, a1, b0, b1 in diff_tokens(left.keys, right.keys):
        if op == EQUAL:
            links.update(zip(lp[a0:a1], rp[b0:b1], strict=True))
        elif op == DELETE:
            removed.update(t for t in range(a0, a1) if left.is_word[t])
        elif op == INSERT:
            inserted.update(t for t in range(b0, b1) if right.is_word[t])
    return Prediction(links, removed, inserted, [])


def score(truth: Abridgement, pred: Prediction) -> dict:
    moved_found = {q for _, rs in pred.moved_records for q in rs} & truth.moved
    false_moves = [rec for rec in pred.moved_records if not set(rec[1]) & truth.moved]
    return {
        "links": prf(pred.links, truth.para_links),
        "removed": prf(pred.removed, truth.removed_words),
        "inserted": prf(pred.inserted, truth.inserted_words),
        "moves_true": len(truth.moved),
        "moves_found": len(moved_found),
        "false_moves": len(false_moves),
    }
