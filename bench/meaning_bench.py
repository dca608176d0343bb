"""Speed of a comparison across languages: an essay-sized pair, English against abridged Russian.

The pair is built at run time from the Debian FAQ as installed by Debian's ``debian-faq`` and
``debian-faq-ru`` packages (never committed): the English FAQ from its first chapter on, cut at a
paragraph boundary after 6,000 words, against the Russian translation of the same chapters
abridged to about 1,000 words (every few paragraphs kept, one of them moved).  Each figure is a
whole ``textver compare --format json`` process, the median of several runs:

* cold: an empty cache folder, so the model is loaded and every sentence embedded;
* cached: the cache warm from an earlier run, so the model is not loaded at all;
* ``--meaning off`` on the same pair and ``python -c pass``, as baselines measured in the same
  run (the first is what a lexical comparison costs, the second starting Python).

Usage: ``python bench/meaning_bench.py [--runs N]``.  Targets: under 3 s cold, under 1 s cached.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import itertools
import json
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._measure import measure, textver_env, verdict  # noqa: E402

FAQ = Path("/usr/share/doc/debian/FAQ")
LEFT_WORDS = 6000
RIGHT_WORDS = 1000
KEEP_EVERY = 5  # paragraphs of the Russian text: one of every KEEP_EVERY kept


def _paragraphs(name: str, start: str) -> list[str]:
    with gzip.open(FAQ / name, "rt", encoding="utf-8") as f:
        text = f.read().replace("\u00a0", " ")
    text = text[text.index(start) :]
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def _first(paras: list[str], words: int) -> list[str]:
    """The first paragraphs of ``paras`` that hold ``words`` words (the last one whole)."""
    ends = list(itertools.accumulate(len(p.split()) for p in paras))
    return paras[: bisect.bisect_left(ends, words) + 1]


def build_pair() -> tuple[str, str]:
    """The English text (about LEFT_WORDS words) and the abridged Russian one."""
    en_paras = _paragraphs("debian-faq.en.txt.gz", "Chapter 1.")
    left = _first(en_paras, LEFT_WORDS)
    last_heading = next(p for p in reversed(left) if p.startswith("Chapter "))
    chapter = int(last_heading.split()[1].rstrip("."))
    ru_paras = _paragraphs("debian-faq.ru.txt.gz", "Глава 1.")
    end = next(
        (k for k, p in enumerate(ru_paras) if p.startswith(f"Глава {chapter + 1}.")),
        len(ru_paras),
    )
    span = ru_paras[: int(end * len(left) / max(1, len(en_paras[: len(left) + 1])))]
    right = _first(span[::KEEP_EVERY], RIGHT_WORDS)
    if len(right) > 4:
        right.insert(1, right.pop(len(right) // 2))  # one paragraph moved
    return "\n\n".join(left) + "\n", "\n\n".join(right) + "\n"


def _run(args: list[str], cache: Path, cwd: Path) -> float:
    return measure(args, cwd=cwd, env=textver_env(XDG_CACHE_HOME=str(cache))).seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    missing = [
        n for n in ("debian-faq.en.txt.gz", "debian-faq.ru.txt.gz") if not (FAQ / n).is_file()
    ]
    if missing:
        print(f"skipped: {FAQ}: missing {', '.join(missing)} (apt-get install debian-faq "
              "debian-faq-ru)")  # fmt: skip
        return 0
    en, ru = build_pair()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "en.txt").write_text(en, encoding="utf-8")
        (work / "ru.txt").write_text(ru, encoding="utf-8")
        out = work / "out.json"
        cmd = [sys.executable, "-m", "textver", "compare", "en.txt", "ru.txt", "--format", "json"]
        cmd += ["-o", str(out)]
        cold, warm, lexical, bare = [], [], [], []
        warm_cache = work / "warm"
        _run(cmd, warm_cache, work)  # fills the warm cache
        for n in range(opts.runs):  # interleaved, so a busy moment hits every figure alike
            cold.append(_run(cmd, work / f"cold{n}", work))
            warm.append(_run(cmd, warm_cache, work))
            off = [*cmd[:-1], str(work / "off.json"), "--meaning", "off"]
            lexical.append(_run(off, warm_cache, work))
            bare.append(_run([sys.executable, "-c", "pass"], warm_cache, work))
        d = json.loads(out.read_text(encoding="utf-8"))
    groups = [sl for rec in d["alignment"] for sl in rec["sentences"]]
    linked = [sl for sl in groups if sl["left"] and sl["right"]]
    st = d["stats"]
    print(f"pair: {st['left_words']:,} English words ({len(d['left']['paragraphs'])} paragraphs) "
          f"against {st['right_words']:,} Russian words ({len(d['right']['paragraphs'])} "
          f"paragraphs), from {FAQ}")  # fmt: skip
    print(f"meaning: {d.get('meaning')}")
    dropped = sum(1 for sl in groups if not sl["right"])
    added = sum(1 for sl in groups if not sl["left"])
    print(f"sentence groups linked: {len(linked)}, dropped: {dropped}, added: {added}; "
          f"retained {100 * st['retained']:.1f}%")  # fmt: skip
    med = statistics.median
    print(f"whole process, medians of {opts.runs} (interleaved):")
    print(f"  cold (empty cache, model loaded)  {med(cold):6.2f} s   target < 3 s: "
          f"{verdict(med(cold) < 3)}")  # fmt: skip
    print(f"  cached (model not loaded)         {med(warm):6.2f} s   target < 1 s: "
          f"{verdict(med(warm) < 1)}")  # fmt: skip
    print(f"  --meaning off (lexical only)      {med(lexical):6.2f} s")
    print(f"  python -c pass                    {med(bare):6.2f} s")
    print(f"  ratios: cold {med(cold) / med(lexical):.1f}x, cached {med(warm) / med(lexical):.1f}x "
          "the lexical comparison")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
