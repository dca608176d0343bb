"""Alignment-quality benchmark: textver's aligner against a global word diff, on known truth.

Run from the repository root:  ``python -m bench.align_bench [--quick] [--figure N] [--json FILE]``.

Three figures, all printed by one run:

1. The Darwin variorum (chapter I of the *Origin*, six editions, with the editors' paragraph
   concordance): paragraph-link precision/recall/F1 for each of the 15 pairs of editions.
2. Generated abridgements of real texts read at run time (tests/helpers.py), light and heavy,
   several seeds: paragraph links, removed words, inserted words and moves, for textver and for
   the baseline (one diff-match-patch word diff over the whole token sequences), side by side.
3. Timing: median time of ``compare()`` per input size, as a ratio to the baseline diff.
4. Real revisions (LGPL-2/2.1, GFDL-1.2/1.3, GPL-2/3, MPL-1.1/2.0, Darwin 1859/1872 and
   1866/1869), each way: words textver marks changed, against a global word-level LCS of the
   same pair.

Corpora are never copied into the repository; an absent one is skipped with a note.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from itertools import combinations
from pathlib import Path

from bench._inputs import EDITIONS, corpus_dir, shared_dir
from tests.helpers import (
    LEVELS,
    abridge,
    baseline,
    check_truth,
    ours,
    predicted_links,
    prf,
    score,
)
from textver.compare import compare
from textver.diff import EQUAL, diff_tokens, fast_runs
from textver.segment import paragraph_spans
from textver.version import Version

LICENSES = ("GPL-2", "GPL-3", "LGPL-2.1", "GFDL-1.3", "MPL-2.0", "Apache-2.0")
LICENSE_DIR = Path("/usr/share/common-licenses")
SEED_ESSAY = "seeds/000_3a30943cf18cda19.txt"
TARGETS = {"links": 0.98, "removed": 0.99, "inserted": 0.9, "moves": 1.0}


def note(msg: str) -> None:
    print(f"note: {msg}")


# --- corpora -------------------------------------------------------------------------------------


@functools.cache
def darwin_texts() -> dict[str, str]:
    """The Darwin editions present (read once, so each absence is noted once)."""
    folder = corpus_dir()
    out = {}
    for ed in EDITIONS:
        path = folder / f"{ed}.txt"
        if path.is_file():
            out[ed] = path.read_text(encoding="utf-8")
        else:
            note(f"skipping Darwin {ed}: {path} is absent")
    return out


def essay_body(text: str) -> str:
    """The seed essay without its title lines (the paragraphs before the first one of 25 words
    or more) and without its closing note about the author (the last paragraph)."""
    paras = [text[a:b] for a, b in paragraph_spans(text)]
    while paras and len(paras[0].split()) < 25:
        paras.pop(0)
    return "\n\n".join(paras[:-1]) + "\n"


def corpora(quick: bool) -> list[tuple[str, str]]:
    """(name, text) of every text to abridge that is present on this machine."""
    out: list[tuple[str, str]] = []
    darwin = darwin_texts()
    eds = ("1859", "1872") if quick else EDITIONS
    out += [(f"darwin-{ed}", darwin[ed]) for ed in eds if ed in darwin]
    lics = ("GPL-3", "Apache-2.0") if quick else LICENSES
    for name in lics:
        path = LICENSE_DIR / name
        if path.is_file():
            out.append((name, path.read_text(encoding="utf-8")))
        else:
            note(f"skipping {name}: {path} is absent")
    essay = shared_dir() / SEED_ESSAY
    if essay.is_file():
        out.append(("essay", essay_body(essay.read_text(encoding="utf-8"))))
    else:
        note(f"skipping the seed essay: {essay} is absent")
    return out


# --- one generated case (runs in a worker process) --------------------------------------------


def run_case(name: str, text: str, level: str, seed: int) -> dict:
    truth = abridge(text, level, seed)
    check_truth(truth)
    left = Version("left", name, truth.left.text)
    c = compare(left, Version("right", f"{name}/{level}/{seed}", truth.right.text))
    return {
        "corpus": name,
        "level": level,
        "seed": seed,
        "kept_share": round(truth.kept_share, 3),
        "ops": op_counts(truth.log),
        "ours": score(truth, ours(c)),
        "baseline": score(truth, baseline(truth.left, truth.right)),
    }


OPS = ("drop paragraph", "drop sentence", "cut", "split", "condense", "move", "connective", "swap")


def op_counts(log: list[str]) -> dict[str, int]:
    """How many times the editor used each operation (a condensed paragraph's connective
    counts as a connective)."""
    return {op: sum(entry.startswith(op) for entry in log) for op in OPS}


# --- figure 1: the Darwin variorum -------------------------------------------------------------


def darwin_variorum() -> dict | None:
    folder = corpus_dir()
    if not (folder / "alignment.json").is_file():
        note(f"skipping the Darwin variorum: {folder / 'alignment.json'} is absent")
        return None
    texts = darwin_texts()
    concordance = json.loads((folder / "alignment.json").read_text(encoding="utf-8"))["editions"]
    eds = [ed for ed in EDITIONS if ed in texts and ed in concordance]
    pairs = {}
    for a, b in combinations(eds, 2):
        ka, kb = concordance[a], concordance[b]
        gold = {(i, j) for i, va in enumerate(ka) for j, vb in enumerate(kb) if va == vb}
        c = compare(Version(a, a, texts[a]), Version(b, b, texts[b]))
        pairs[f"{a}-{b}"] = prf(predicted_links(c), gold)
    return pairs


# --- figure 4: real revisions --------------------------------------------------------------------

REVISIONS = (
    ("LGPL-2", "LGPL-2.1"), ("GFDL-1.2", "GFDL-1.3"), ("GPL-2", "GPL-3"), ("MPL-1.1", "MPL-2.0"),
    ("darwin-1859", "darwin-1872"), ("darwin-1866", "darwin-1869"),
)  # fmt: skip
REVISION_TARGET = 1.05  # words marked changed, at most this times a global word-level LCS's


def revisions() -> dict[str, dict]:
    """Words textver marks removed or inserted on real revision pairs, against a global
    word-level LCS of the same pair (diff-match-patch over the word keys alone, without
    cleanup, is a minimal diff): how close the aligner's word diff is to minimal."""
    darwin = darwin_texts()
    texts = {f"darwin-{ed}": t for ed, t in darwin.items()}
    out = {}
    for a, b in (pair for ab in REVISIONS for pair in (ab, ab[::-1])):  # both directions
        for name in (a, b):
            if name not in texts and (LICENSE_DIR / name).is_file():
                texts[name] = (LICENSE_DIR / name).read_text(encoding="utf-8")
        if a not in texts or b not in texts:
            note(f"skipping the revision {a} -> {b}: a text is absent")
            continue
        c = compare(Version(a, a, texts[a]), Version(b, b, texts[b]))
        words = [
            [k for k, w in zip(s.keys, s.is_word, strict=True) if w]
            for s in (c.left_seg, c.right_seg)
        ]
        lcs = sum(op[2] - op[1] + op[4] - op[3] for op in diff_tokens(*words) if op[0] != EQUAL)
        ours = c.stats["removed_words"] + c.stats["inserted_words"]
        out[f"{a} -> {b}"] = {"ours": ours, "lcs": lcs, "ratio": ours / lcs if lcs else 1.0}
    return out


# --- figure 3: timing ----------------------------------------------------------------------------


def timing(texts: list[tuple[str, str]], runs: int) -> list[dict]:
    """compare() against the baseline diff on light abridgements of growing size.

    The baseline is the global word diff of figure 2, ``diff_tokens`` as textver runs it (the
    C++ diff-match-patch when installed).
    """
    out = []
    for name, text in texts:
        truth = abridge(text, "light", 0)
        left, right = Version("l", name, truth.left.text), Version("r", name, truth.right.text)
        a, b = truth.left.keys, truth.right.keys
        ours_t = [_seconds(compare, left, right) for _ in range(runs)]
        base_t = [_seconds(diff_tokens, a, b) for _ in range(runs)]
        words = truth.left.word_count
        o, bt = statistics.median(ours_t), statistics.median(base_t)
        out.append(
            {
                "input": name,
                "words": words,
                "ours_s": o,
                "baseline_s": bt,
                "ratio": o / bt if bt else None,
            }
        )
    return out


def _seconds(fn: Callable[..., object], *args: object) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def timing_inputs(quick: bool) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    essay = shared_dir() / SEED_ESSAY
    if essay.is_file():
        items.append(("essay", essay_body(essay.read_text(encoding="utf-8"))))
    gpl3 = LICENSE_DIR / "GPL-3"
    if gpl3.is_file():
        items.append(("GPL-3", gpl3.read_text(encoding="utf-8")))
    darwin = darwin_texts()
    if "1859" in darwin:
        items.append(("darwin-1859", darwin["1859"]))
        if not quick:
            lics = [LICENSE_DIR / n for n in LICENSES if (LICENSE_DIR / n).is_file()]
            big = "\n\n".join([darwin["1859"], *(p.read_text(encoding="utf-8") for p in lics)])
            items.append(("darwin-1859+licenses", big))
    return items


# --- printing ------------------------------------------------------------------------------------


def mean(xs: Iterable[float]) -> float:
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float("nan")


def summarize(cases: list[dict], who: str) -> dict:
    moves_true = sum(c[who]["moves_true"] for c in cases)
    return {
        "links_p": mean(c[who]["links"][0] for c in cases),
        "links_r": mean(c[who]["links"][1] for c in cases),
        "links": mean(c[who]["links"][2] for c in cases),
        "removed": mean(c[who]["removed"][2] for c in cases),
        "inserted": mean(c[who]["inserted"][2] for c in cases),
        "moves": sum(c[who]["moves_found"] for c in cases) / moves_true if moves_true else 1.0,
        "moves_true": moves_true,
        "false_moves": sum(c[who]["false_moves"] for c in cases),
    }


def row(label: str, s: dict, b: dict) -> str:
    return (
        f"{label:<22} {s['links']:6.3f} {s['removed']:6.3f} {s['inserted']:6.3f} "
        f"{s['moves']:6.2f} {s['false_moves']:4d} | "
        f"{b['links']:6.3f} {b['removed']:6.3f} {b['inserted']:6.3f}"
    )


def print_abridgements(cases: list[dict]) -> dict:
    print("\n== 2. Generated abridgements (F1; mean over seeds) ==")
    print(f"{'':22} {'-- textver':-<35} | {'-- baseline (global dmp, no moves)':-<20}")
    print(
        f"{'corpus/level':<22} {'links':>6} {'remov':>6} {'insert':>6} {'moves':>6} {'fals':>4} | "
        f"{'links':>6} {'remov':>6} {'insert':>6}"
    )
    groups: dict[tuple[str, str], list[dict]] = {}
    for c in cases:
        groups.setdefault((c["corpus"], c["level"]), []).append(c)
    table = {}
    for (name, level), cs in groups.items():
        s, b = summarize(cs, "ours"), summarize(cs, "baseline")
        kept = mean(c["kept_share"] for c in cs)
        print(row(f"{name}/{level} k{kept:.2f}", s, b))
        table[f"{name}/{level}"] = {"ours": s, "baseline": b, "kept_share": kept}
    averages = {}
    print("-" * 80)
    for level in LEVELS:
        cs = [c for c in cases if c["level"] == level]
        if cs:
            used = ", ".join(
                f"{op} {sum(c['ops'][op] for c in cs) / len(cs):.1f}"
                f"{'' if all(c['ops'][op] for c in cs) else '*'}"
                for op in OPS
            )
            print(f"ops per {level} case: {used}  (* = not in every case)")
    for level in (*LEVELS, "all"):
        cs = [c for c in cases if level in ("all", c["level"])]
        if not cs:
            continue
        s, b = summarize(cs, "ours"), summarize(cs, "baseline")
        print(row(f"AVERAGE {level}", s, b))
        averages[level] = {"ours": s, "baseline": b}
    print("\nTargets (textver, mean over all cases of each level):")
    verdicts = {}
    for level, av in averages.items():
        s = av["ours"]
        marks = []
        for key, target in TARGETS.items():
            ok = s[key] >= target
            verdicts[f"{level}/{key}"] = ok
            marks.append(f"{key} {s[key]:.3f}>={target} {'met' if ok else 'MISSED'}")
        marks.append(f"false moves {s['false_moves']}")
        print(f"  {level:<6} " + "; ".join(marks))
    return {"table": table, "averages": averages, "targets_met": verdicts}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer corpora, seeds and timing runs")
    ap.add_argument("--seeds", type=int, default=None, help="seeds per corpus and level")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for the cases")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    ap.add_argument("--figure", type=int, action="append", choices=(1, 2, 3, 4),
                    help="run only this figure (repeatable; default: all four)")  # fmt: skip
    args = ap.parse_args(argv)
    wanted = set(args.figure or (1, 2, 3, 4))
    n_seeds = args.seeds or (1 if args.quick else 8)
    started = time.perf_counter()
    figures: dict = {}

    var = None
    if 1 in wanted:
        print("== 1. Darwin variorum: paragraph links against the editors' concordance ==")
        var = darwin_variorum()
    if var:
        for pair, (p, r, f) in var.items():
            print(f"  {pair}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
        print(f"  minimum F1 {min(f for _, _, f in var.values()):.3f} over {len(var)} pairs")
        figures["darwin_variorum"] = var

    texts = corpora(args.quick) if 2 in wanted else []
    jobs = [(n, t, lv, s) for n, t in texts for lv in LEVELS for s in range(n_seeds)]
    # Biggest first, so the two workers finish together.
    jobs.sort(key=lambda j: -len(j[1]))
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        cases = list(pool.map(run_case, *zip(*jobs, strict=True))) if jobs else []
    cases.sort(key=lambda c: (c["corpus"], c["level"], c["seed"]))
    if cases:
        figures["abridgements"] = print_abridgements(cases)
        figures["cases"] = cases

    if 3 in wanted:
        figures["timing"] = print_timing(args.quick)
    if 4 in wanted:
        figures["revisions"] = print_revisions()

    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


def print_timing(quick: bool) -> list[dict]:
    print("\n== 3. Timing: median compare() vs the baseline diff (light abridgements) ==")
    tim = timing(timing_inputs(quick), runs=3 if quick else 5)
    print(f"  {'input':<22} {'words':>6} {'textver':>10} {'baseline':>10} {'ratio':>7}")
    for t in tim:
        print(
            f"  {t['input']:<22} {t['words']:>6} {t['ours_s'] * 1000:8.1f}ms "
            f"{t['baseline_s'] * 1000:8.1f}ms {t['ratio']:7.2f}"
        )
    engine = "C++" if fast_runs else "pure-Python"
    print(f"  baseline = textver.diff.diff_tokens over the whole texts ({engine} diff-match-patch)")
    return tim


def print_revisions() -> dict[str, dict]:
    print("\n== 4. Real revisions: words marked changed against a global word-level LCS ==")
    revs = revisions()
    for pair, r in revs.items():
        mark = "met" if r["ratio"] <= REVISION_TARGET else "MISSED"
        print(f"  {pair:<26} textver {r['ours']:6d}  LCS {r['lcs']:6d}  ratio {r['ratio']:.3f}"
              f" <= {REVISION_TARGET} {mark}")  # fmt: skip
    return revs


if __name__ == "__main__":
    sys.exit(main())
