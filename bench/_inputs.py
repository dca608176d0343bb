"""Benchmark inputs built at run time from the shared Darwin corpus (never committed).

LEFT is the six editions of chapter 1 run together; RIGHT is a seeded abridgement of it made
with plain string operations on paragraphs and sentences, so we know exactly which words of
LEFT survive: that record (``removed`` spans of LEFT) is the truth the quality figures of
bench/speed_bench.py are scored against.
"""

from __future__ import annotations

import bisect
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from textver.segment import paragraph_spans, sentence_spans

EDITIONS = ("1859", "1860", "1861", "1866", "1869", "1872")
# Words that never occur in the chapter, so a substituted word cannot match by accident.
_SUBSTITUTES = ("verily", "wholly", "plainly", "thereabouts", "forsooth", "notwithstanding")
_WORD = re.compile(r"[A-Za-z]+")


def shared_dir() -> Path:
    """The shared data folder beside the repository (``$TEXTVER_SHARED`` overrides)."""
    env = os.environ.get("TEXTVER_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def corpus_dir() -> Path:
    return shared_dir() / "corpora" / "darwin-origin-ch1"


def run_textver(*args: str, cwd: Path) -> float:
    """Run ``python -m textver ARGS`` from this checkout in ``cwd``; the seconds it took."""
    repo = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(repo), os.environ.get("PYTHONPATH", "")]),
    }
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "textver", *args], check=True, env=env, cwd=cwd,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - start


def corpus_missing() -> str | None:
    """Why the corpus cannot be used, or None when every edition file is there."""
    d = corpus_dir()
    missing = [e for e in EDITIONS if not (d / f"{e}.txt").is_file()]
    return f"{d}: missing {', '.join(missing)}.txt" if missing else None


def load_left() -> str:
    """The six editions, each stripped, separated by a blank line."""
    d = corpus_dir()
    return "\n\n".join((d / f"{e}.txt").read_text(encoding="utf-8").strip() for e in EDITIONS)


@dataclass
class Abridged:
    """An abridgement of ``left`` and the spans of ``left`` it does not keep."""

    left: str
    right: str
    removed: list[tuple[int, int]] = field(default_factory=list)  # sorted, disjoint

    def is_removed(self, offset: int) -> bool:
        """Whether the character of ``left`` at ``offset`` was cut from the abridgement."""
        k = bisect.bisect_right(self.removed, (offset, float("inf"))) - 1
        return k >= 0 and self.removed[k][0] <= offset < self.removed[k][1]


def abridge(
    left: str,
    seed: int = 1859,
    drop_paragraph: float = 1 / 3,
    drop_sentence: float = 0.12,
    swap_word: float = 0.02,
    moves: int = 2,
) -> Abridged:
    """Drop about a third of the paragraphs and some sentences, substitute some words, and move
    ``moves`` paragraphs elsewhere, all decided by ``random.Random(seed)``.

    Dropped text and substituted words are recorded as removed spans of ``left``; moved
    paragraphs count as kept (their words are still there, just elsewhere).
    """
    rng = random.Random(seed)
    removed: list[tuple[int, int]] = []
    paragraphs: list[str] = []
    for start, end in paragraph_spans(left):
        if rng.random() < drop_paragraph:
            removed.append((start, end))
            continue
        sents = sentence_spans(left, start, end)
        keep = [s for s in sents if rng.random() >= drop_sentence] or [sents[0]]
        kept_set = set(keep)
        removed += [s for s in sents if s not in kept_set]
        parts = []
        for s0, s1 in keep:
            pieces, pos = [], s0
            for m in _WORD.finditer(left, s0, s1):
                sub = rng.choice(_SUBSTITUTES)
                if rng.random() < swap_word and m.group().lower() != sub:
                    pieces += [left[pos : m.start()], sub]
                    pos = m.end()
                    removed.append(m.span())
            pieces.append(left[pos:s1])
            parts.append("".join(pieces))
        paragraphs.append(" ".join(parts))
    for _ in range(moves):
        if len(paragraphs) < 4:
            break
        src = rng.randrange(len(paragraphs))
        para = paragraphs.pop(src)
        # Land at least a quarter of the text away so it is a real move, not a neighbour swap.
        offset = max(2, len(paragraphs) // 4)
        dst = (src + offset + rng.randrange(max(1, len(paragraphs) // 2))) % (len(paragraphs) + 1)
        paragraphs.insert(dst, para)
    removed.sort()
    return Abridged(left, "\n\n".join(paragraphs) + "\n", removed)


def tag_copy(text: str, k: int) -> str:
    """``text`` with the first word of every sentence marked as copy ``k`` ("When" becomes
    "When-2"): copies that read alike but share no sentence, as the chapters of a long book do.
    """
    out, pos = [], 0
    for start, end in paragraph_spans(text):
        for s0, s1 in sentence_spans(text, start, end):
            m = _WORD.search(text, s0, s1)
            if m:
                out += [text[pos : m.end()], f"-{k}"]
                pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def scaled(left: str, times: int, seed: int = 1859, distinct: bool = False) -> Abridged:
    """``times`` copies of ``left`` and of its abridgement, a blank line between copies (the 4x
    and 16x inputs), with the truth of every copy.  ``distinct`` tags each copy (``tag_copy``)
    so no sentence repeats across copies; otherwise the copies are identical.
    """
    left = left.strip()
    parts = [abridge(tag_copy(left, k) if distinct and k else left, seed) for k in range(times)]
    removed: list[tuple[int, int]] = []
    offset = 0
    for part in parts:
        removed += [(s + offset, e + offset) for s, e in part.removed]
        offset += len(part.left) + 2
    return Abridged(
        "\n\n".join(p.left for p in parts) + "\n",
        "\n\n".join(p.right.strip() for p in parts) + "\n",
        removed,
    )


def first_words(text: str, n: int) -> str:
    """The first ``n`` whitespace-separated words of ``text``, line breaks kept."""
    pos = 0
    for count, m in enumerate(re.finditer(r"\S+", text), 1):
        pos = m.end()
        if count == n:
            break
    return text[:pos] + "\n"
