"""Translation benchmark: full versus abridged, within one language and across languages.

Run from the repository root:  ``python -m bench.translation_bench [--quick]``.

The texts are real translations installed from Debian's packages (read at run time, never
copied into the repository): the Debian FAQ, the Debian Reference and the New Maintainers'
Guide, in English and their translations.  Their numbered sections carry the same anchor ids in
every language (the translations are made paragraph by paragraph from one DocBook source), and
those ids are the gold correspondence between languages.  The right side is an abridgement
made by tests/helpers.py's abridge (paragraphs and sentences dropped, tails cut, paragraphs split,
condensed and moved, as the essay's reprint was made), and every case is run in both
directions (full vs abridged, abridged vs full).  Three kinds of case:

* same translation: a document against its own abridgement.  Removed-word F1 (as
  bench/align_bench.py scores it) and, per full-text paragraph, kept F1 (paragraphs the
  abridgement kept, linked to a paragraph holding their words) and dropped F1 (paragraphs it
  dropped, linked to nothing);
* other translators: the Debian Reference in Portuguese against the abridged Brazilian one
  (and back): kept and dropped F1 per numbered section;
* across languages: the English document against an abridged translation: kept and dropped F1
  per numbered section.

The packages: ``apt-get install $(python -m bench.translation_bench --packages)``.  The
Debian Reference's two Portuguese translations turn out to be one translation (pt-br is pt with
a few paragraphs changed; the bench prints how many), so the "other translators" figures
measure a near-verbatim pair.

``--meaning on|off`` passes ``meaning=`` to ``compare()`` (``off``: words alone).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from bench._measure import verdict
from bench.align_bench import mean, note
from tests.helpers import LEVELS, Abridgement, Prediction, abridge, ours, prf, score
from textver.compare import Comparison, compare
from textver.extract import extract_html
from textver.segment import paragraph_spans
from textver.version import Version

FAQ = "/usr/share/doc/debian/FAQ"
REF = "/usr/share/debian-reference"
MG = "/usr/share/doc"
# document -> language -> (Debian package, glob of its chapter pages)
DOCS: dict[str, dict[str, tuple[str, str]]] = {
    "faq": {
        "en": ("debian-faq", f"{FAQ}/*.en.html"),
        **{
            lang: (f"debian-faq-{lang}", f"{FAQ}/{lang}/*.{lang}.html")
            for lang in ("ru", "de", "fr", "it")
        },
    },
    "reference": {
        lang: (f"debian-reference-{lang}", f"{REF}/*.{lang}.html")
        for lang in ("en", "pt", "pt-br", "es")
    },
    "maint-guide": {
        "en": ("maint-guide", f"{MG}/maint-guide/html/*.en.html"),
        "es": ("maint-guide-es", f"{MG}/maint-guide-es/html/*.es.html"),
    },
}
# Chapters read of a document (all when it is not listed).  The Debian Reference is 80,000 words
# in 10,000 paragraphs, and abridging it takes 85 s; its first two chapters
# (27,000 words, the tutorial and package management) make a book of the FAQ's size.
CHAPTERS = {"reference": ("ch01", "ch02")}
SAME = [("faq", "en"), ("faq", "ru"), ("faq", "de"), ("faq", "fr"), ("reference", "es")]
TRANSLATORS = [("reference", "pt", "pt-br"), ("reference", "pt-br", "pt")]
ACROSS = [("faq", "en", lang) for lang in ("ru", "de", "fr", "it")]
ACROSS += [("reference", "en", "es"), ("maint-guide", "en", "es")]
TARGETS = {"same kept": 0.98, "same dropped": 0.97, "translators kept": 0.95,
           "translators dropped": 0.97, "across kept": 0.93}  # fmt: skip
_CHAPTER = "body > div.chapter, body > div.appendix, body > div.preface"
_TOC = "div.toc, div.list-of-tables, div.list-of-figures, div.list-of-examples"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5")


@dataclass
class Doc:
    """A document's text (its chapters' pages joined) and the section of each offset."""

    text: str
    starts: list[int]  # offset where each run of one section starts
    sections: list[str]

    def paragraph_sections(self) -> list[str]:
        """The section of each of textver's paragraphs of the text."""
        return [
            self.sections[bisect_right(self.starts, a) - 1] for a, _ in paragraph_spans(self.text)
        ]


def _anchor(heading: Tag) -> str:
    a = heading.find("a", id=True)
    return str(a["id"]) if a else heading.get_text(" ", strip=True)


@functools.cache
def load(doc: str, lang: str) -> Doc | None:
    """The document in one language, or None (noted) when its package is not installed."""
    package, pattern = DOCS[doc][lang]
    pages = {p.name.split(".")[0]: p for p in sorted(Path("/").glob(pattern.lstrip("/")))}
    if not pages:
        note(f"skipping {doc}/{lang}: {pattern} matches nothing (apt-get install {package})")
        return None
    english = {p.name.split(".")[0] for p in Path("/").glob(DOCS[doc]["en"][1].lstrip("/"))}
    paras: list[str] = []
    starts: list[int] = []
    sections: list[str] = []
    pos = 0
    for stem, path in sorted(pages.items()):
        if stem not in english:  # a page of the translation alone (a translators' note)
            continue
        if doc in CHAPTERS and stem not in CHAPTERS[doc]:
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        root = soup.select_one(_CHAPTER)
        if root is None:  # the book's table of contents
            continue
        # A chapter's own table of contents repeats its headings: the truth would be ambiguous.
        for toc in root.select(_TOC):
            toc.decompose()
        heads = {" ".join(h.get_text().split()): _anchor(h) for h in root.find_all(_HEADINGS)}
        section = f"{stem}#"
        for para in extract_html(str(soup), selector=_CHAPTER, source=str(path)).split("\n\n"):
            key = " ".join(para.split())
            if key in heads:
                section = f"{stem}#{heads[key]}"
            if not starts or sections[-1] != section:
                starts.append(pos)
                sections.append(section)
            paras.append(para)
            pos += len(para) + 2
    return Doc("\n\n".join(paras) + "\n", starts, sections)


@functools.cache
def _abridged(doc: str, lang: str, level: str, seed: int) -> Abridgement:
    """One abridgement, made once for both directions and both readings (abridging the
    Debian Reference takes longer than comparing it)."""
    source = load(doc, lang)
    assert source is not None
    return abridge(source.text, level, seed)


# --- one case --------------------------------------------------------------------------------


def claims(c: Comparison, reverse: bool) -> Prediction:
    """What a comparison claims, in the orientation full (left) against abridged (right)."""
    mine = ours(c)
    if not reverse:
        return mine
    return Prediction(
        {(q, p) for p, q in mine.links},
        mine.inserted,
        mine.removed,
        [(rs, ls) for ls, rs in mine.moved_records],
    )


def kept_dropped(
    links: set[tuple[int, int]], unit_of: list, units_of_right: list[set], units: set
) -> tuple[float, float]:
    """Kept F1 and dropped F1 over ``units`` (paragraphs or sections of the full text).

    A unit is truly kept when the abridgement holds words of it (``units_of_right[q]``: the
    units right paragraph ``q`` holds), and found kept when one of its paragraphs is linked to
    a right paragraph holding it; a link to any other paragraph is a wrong claim.  A unit is
    truly dropped when no right paragraph holds it, and found dropped when none of its
    paragraphs is linked at all.
    """
    gold_kept = set().union(*units_of_right) if units_of_right else set()
    found, wrong, linked = set(), set(), set()
    for p, q in links:
        linked.add(unit_of[p])
        if unit_of[p] in units_of_right[q]:
            found.add(unit_of[p])
        else:
            wrong.add(("wrong", p, q))
    kept = prf(found | wrong, gold_kept)[2]
    dropped = prf(units - linked, units - gold_kept)[2]
    return kept, dropped


def case(doc: str, full_lang: str, abr_lang: str, level: str, seed: int, reverse: bool,
         meaning: bool | None) -> dict | None:  # fmt: skip
    full, source = load(doc, full_lang), load(doc, abr_lang)
    if full is None or source is None:
        return None
    truth = _abridged(doc, abr_lang, level, seed)
    left = Version("full", f"{doc}.{full_lang}", full.text, {"language": full_lang})
    name = f"{doc}.{abr_lang}/{level}/{seed}"
    right = Version("abridged", name, truth.right.text, {"language": abr_lang})
    kwargs = {"meaning": meaning} if meaning is not None else {}
    t0 = time.perf_counter()
    c = compare(*((right, left) if reverse else (left, right)), **kwargs)
    seconds = time.perf_counter() - t0
    pred = claims(c, reverse)
    out = {"seconds": seconds}
    n_right = len(truth.right.paragraphs)
    if full_lang == abr_lang:  # the same text: its paragraphs are the units
        held: list[set] = [set() for _ in range(n_right)]
        for p, q in truth.para_links:
            held[q].add(p)
        units = list(range(len(truth.left.paragraphs)))
        out["removed"] = score(truth, pred)["removed"][2]
    else:  # another text: numbered sections are the units, mapped through their anchors
        source_sec = source.paragraph_sections()
        held = [set() for _ in range(n_right)]
        for p, q in truth.para_links:
            held[q].add(source_sec[p])
        units = full.paragraph_sections()
    out["kept"], out["dropped"] = kept_dropped(pred.links, units, held, set(units))
    return out


# --- printing --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the FAQ only, one seed")
    ap.add_argument("--seeds", type=int, default=None, help="seeds per case and level")
    ap.add_argument("--meaning", choices=("on", "off"), help="pass meaning= to compare()")
    ap.add_argument("--packages", action="store_true", help="list the Debian packages read")
    args = ap.parse_args(argv)
    if args.packages:
        print(" ".join(sorted({pkg for langs in DOCS.values() for pkg, _ in langs.values()})))
        return 0
    seeds = args.seeds or (1 if args.quick else 2)
    meaning = None if args.meaning is None else args.meaning == "on"
    keep = (lambda d: d == "faq") if args.quick else (lambda d: True)
    groups = [
        ("same", [(d, lang, lang) for d, lang in SAME if keep(d)]),
        ("translators", [c for c in TRANSLATORS if keep(c[0])]),
        ("across", [c for c in ACROSS if keep(c[0])]),
    ]
    started = time.perf_counter()
    print(f"{'case':<34} {'removed':>8} {'kept':>6} {'dropped':>7} {'s':>5}")
    summary: dict[str, list[dict]] = {}
    for group, cases in groups:
        print(f"-- {group}")
        for doc, a, b in cases:
            if a != b and load(doc, a) and load(doc, b):
                pa, pb = load(doc, a).text.split("\n\n"), load(doc, b).text.split("\n\n")
                same = sum(x == y for x, y in zip(pa, pb, strict=False))
                print(f"   ({doc}/{a} and {doc}/{b}: {same} of {len(pa)} paragraphs identical)")
            for level in LEVELS:
                for reverse in (False, True):
                    rs = [case(doc, a, b, level, s, reverse, meaning) for s in range(seeds)]
                    if any(r is None for r in rs):
                        break
                    summary.setdefault(group, []).extend(rs)
                    secs = statistics.median(r["seconds"] for r in rs)
                    line = f"{doc}/{a} {'<-' if reverse else '->'} {b} {level}"
                    print(f"{line:<34} {_mean(rs, 'removed'):>8} {_mean(rs, 'kept'):>6} "
                          f"{_mean(rs, 'dropped'):>7} {secs:5.1f}")  # fmt: skip
    print("\nMeans over each kind of case, as bench/align_bench.py averages (targets: issue 12):")
    for group, rs in summary.items():
        marks = []
        for measure in ("removed", "kept", "dropped"):
            value = _mean(rs, measure)
            target = TARGETS.get(f"{group} {measure}")
            if value == "-":
                continue
            met = "" if target is None else f" (target {target}: {verdict(float(value) >= target)})"
            marks.append(f"{measure} F1 {value}{met}")
        print(f"  {group:<36} " + "; ".join(marks))
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


def _mean(results: list[dict], key: str) -> str:
    values = [r[key] for r in results if key in r]
    return f"{mean(values):.3f}" if values else "-"


if __name__ == "__main__":
    sys.exit(main())
