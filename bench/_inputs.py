"""Benchmark inputs built at run time from the shared Darwin corpus (never committed).

LEFT is the six editions of chapter 1 run together (about 70,000 words); RIGHT is its
abridgement by the one generator of tests/helpers.py (``abridge``: paragraphs and sentences
dropped, tails cut, paragraphs split, condensed and moved, connectives added, words swapped),
three times as dense in edits as its light level, so a book revised throughout (about half the
words kept).  We know exactly which words of LEFT survive: that truth is what the quality
figures of bench/speed_bench.py are scored against.  4x and 16x repeat the pair (``repeat``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from tests.helpers import Abridgement, abridge, repeat
from tests.texts import shared_dir

EDITIONS = ("1859", "1860", "1861", "1866", "1869", "1872")
SEED = 1859
DENSITY = 3  # the light level's edits times three: 36,000 of 70,000 words kept, 30 moves


def corpus_dir() -> Path:
    return shared_dir() / "corpora" / "darwin-origin-ch1"


def corpus_missing() -> str | None:
    """Why the corpus cannot be used, or None when every edition file is there."""
    d = corpus_dir()
    missing = [e for e in EDITIONS if not (d / f"{e}.txt").is_file()]
    return f"{d}: missing {', '.join(missing)}.txt" if missing else None


def load_left() -> str:
    """The six editions, each stripped, separated by a blank line."""
    d = corpus_dir()
    texts = [(d / f"{e}.txt").read_text(encoding="utf-8").strip() for e in EDITIONS]
    return "\n\n".join(texts) + "\n"


def darwin_pair(times: int = 1) -> Abridgement:
    """LEFT against its abridgement, ``times`` copies of each, with the generator's truth."""
    return _one_pair() if times == 1 else repeat(_one_pair(), times)


@cache
def _one_pair() -> Abridgement:
    return abridge(load_left(), "light", SEED, density=DENSITY)


def first_words(text: str, n: int) -> str:
    """The first ``n`` whitespace-separated words of ``text``, line breaks kept."""
    pos = 0
    for count, m in enumerate(re.finditer(r"\S+", text), 1):
        pos = m.end()
        if count == n:
            break
    return text[:pos] + "\n"
