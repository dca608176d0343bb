"""Speed and memory benchmark (issue 5): textver against git, difflib, diff-match-patch, CollateX.

Every contender runs as a whole process on the same two files, so start-up, reading and writing
count for all alike, and the figures are what a user waits for.  The machine this runs on is
shared and noisy, so each figure is the median of several runs, the runs of all contenders are
interleaved (run 1 of each, then run 2 of each, ...), and targets are judged on ratios measured
within the one run rather than on absolute seconds.  Peak memory is each program's own maximum
resident set size as GNU time (/usr/bin/time) reports it (bench/_measure.py).

The 1x pair is bench/_inputs.py's (the six Darwin editions against their abridgement by
tests/helpers.py's generator); 4x and 16x repeat it.  textver's JSON is scored against the
generator's truth, so a speed-up that breaks the alignment shows.  Also timed: the six editions
collated at once (issue 7) and repetitive inputs (issue 11).

CollateX is too slow for the full texts, so it is compared with textver on the first N words of
LEFT (N = 500, 1000, 2000, stopping at the first N past the time limit) and the abridgement of
that excerpt made by the same generator, pre-tokenised with textver's tokens so that both tools
are scored on the same words.  CollateX is a library with no command line, so it is timed twice:
as a whole process like the others, and as the library call alone (each tool's call timed inside
its own fresh process, after its imports), which is what a program embedding either one waits
for.  The target is judged on the smallest speed-up over the sizes both finish.

    python bench/speed_bench.py                 # 1x, 4x, 16x, 5 runs each
    python bench/speed_bench.py --quick         # 1x only, 3 runs, smaller repetitive inputs
    python bench/speed_bench.py --sizes 1,4 --only textver,git --runs 3 --no-collatex

Without the corpus it prints a note and exits 0.  The file is its own worker (``--worker NAME``)
for the contenders with no command line (difflib, diff-match-patch, CollateX).
"""

from __future__ import annotations

import argparse
import bisect
import importlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._measure import Task, textver_argv, textver_env, verdict  # noqa: E402

if TYPE_CHECKING:
    from tests.helpers import Abridgement

# What ``textver compare`` imports before it reads a byte: the floor under its 1x time.
_TEXTVER_IMPORTS = "import textver.cli, textver.ingest, textver.compare, textver.report.html"


def worker_argv(name: str, *args: str | Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", name, *map(str, args)]


def compare_argv(fmt: str, left: Path, right: Path, out: Path) -> list[str]:
    return textver_argv("compare", left, right, "--format", fmt, "-o", out)


def available_tools() -> tuple[set[str], list[str]]:
    """Which optional contenders can run here, and a note for each that cannot."""
    have, notes = ({"git"}, []) if shutil.which("git") else (set(), ["git diff (not on PATH)"])
    # collatex 2.3 also needs the Levenshtein package (pip install -e '.[bench]')
    for module, name in (("diff_match_patch", "dmp"), ("collatex", "collatex")):
        try:
            importlib.import_module(module)
            have.add(name)
        except ImportError as e:
            notes.append(f"{name} ({e})")
    return have, notes


def build_tasks(left: Path, right: Path, work: Path, have: set[str], floors: bool) -> list[Task]:
    tasks = []
    if floors:
        tasks.append(Task("(python -c pass)", [sys.executable, "-c", "pass"]))
        tasks.append(Task("(textver imports only)", [sys.executable, "-c", _TEXTVER_IMPORTS]))
    tasks.append(Task("textver json", compare_argv("json", left, right, work / "tv.json")))
    tasks.append(Task("textver html", compare_argv("html", left, right, work / "tv.html")))
    if "git" in have:
        git = ["git", "diff", "--no-index", "--word-diff", "--no-color", str(left), str(right)]
        tasks.append(Task("git diff --word-diff", git, stdout=work / "git.diff", ok=(0, 1)))
    difflib = worker_argv("difflib-html", left, right, work / "difflib.html")
    tasks.append(Task("difflib HtmlDiff", difflib))
    if "dmp" in have:
        dmp = worker_argv("dmp-char", left, right, work / "dmp-char.txt")
        tasks.append(Task("dmp chars (1 s limit)", dmp))
    return tasks


# --- workers: each runs in its own interpreter ----------------------------------------------------


def worker(name: str, args: list[str]) -> None:
    """Run one contender; see ``build_tasks`` for which is which."""
    read = [Path(a).read_text(encoding="utf-8") for a in args[: 1 if name == "collatex" else 2]]
    if name == "collatex":  # args: witnesses.json, output, file for the call's seconds
        from collatex import Collation, collate

        witnesses = json.loads(read[0])
        t0 = time.perf_counter()
        coll = Collation.create_from_dict(witnesses)
        result = collate(coll, output="json", segmentation=False)
    elif name == "api-call":  # args: left, right, output, file for the call's seconds
        from textver.compare import compare
        from textver.version import Version

        t0 = time.perf_counter()
        c = compare(Version("left", args[0], read[0]), Version("right", args[1], read[1]))
        result = json.dumps(c.to_dict(), ensure_ascii=False, separators=(",", ":"))
    elif name == "difflib-html":  # args: left, right, output
        import difflib

        result = difflib.HtmlDiff().make_file(read[0].splitlines(), read[1].splitlines())
    elif name == "dmp-char":  # args: left, right, output (a note on how it ended)
        from diff_match_patch import diff_match_patch

        dmp = diff_match_patch()  # default Diff_Timeout: 1 s
        t0 = time.perf_counter()
        diffs = dmp.diff_main(*read)
        elapsed = time.perf_counter() - t0
        # Giving up shows as one deletion of everything and one insertion.
        degenerate = len([d for d in diffs if d[0] != 0]) <= 2 and len(diffs) <= 4
        equal = sum(len(t) for op, t in diffs if op == 0) / max(1, len(read[0]))
        if elapsed >= dmp.Diff_Timeout or degenerate:  # the note the table prints
            result = f"gave up at its time limit (degenerate: {degenerate}, {equal:.0%} of LEFT "
            result += "found equal)"
        else:
            result = f"finished in {elapsed:.3f} s, within its limit"
    else:
        raise SystemExit(f"unknown worker {name}")
    if name in ("collatex", "api-call"):
        Path(args[-1]).write_text(str(time.perf_counter() - t0))
    Path(args[2] if name != "collatex" else args[1]).write_text(result, encoding="utf-8")


# --- scoring against the generator's truth ------------------------------------------------------


def quality(truth: Abridgement, said_removed: list[bool]) -> dict:
    """Compare a tool's removed/kept verdict on each left word with the generator's truth."""
    words = [t for t, w in enumerate(truth.left.is_word) if w]
    gold = [t in truth.removed_words for t in words]
    agree = sum(g == s for g, s in zip(gold, said_removed, strict=True))
    return {
        "word_accuracy": round(agree / max(1, len(words)), 4),
        "removed_words_truth": sum(gold),
        "removed_words_reported": sum(said_removed),
    }


def json_quality(path: Path, truth: Abridgement) -> dict:
    """Score a ``textver compare --format json`` report: a left word is removed when it lies in
    one of the report's deletions."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["left"]["text"] == truth.left.text, "textver stored another left text"
    dels = sorted(tuple(c["left"]) for c in doc["changes"] if c["op"] == "delete")
    lows = [lo for lo, _ in dels]
    said = []
    for (start, _), w in zip(truth.left.tokens, truth.left.is_word, strict=True):
        k = bisect.bisect_right(lows, start) - 1
        if w:
            said.append(k >= 0 and start < dels[k][1])
    moved = doc["stats"].get("moved_paragraphs")
    return {**quality(truth, said), "moved_reported": moved, "moved_truth": len(truth.moved)}


def collatex_witnesses(truth: Abridgement) -> dict:
    """CollateX input pre-tokenised with textver's tokens, so both tools judge the same units and
    each CollateX token carries its textver token index ``i``."""
    wits = []
    for sigil, seg in (("L", truth.left), ("R", truth.right)):
        tokens = [
            {"t": seg.text[s:e] + " ", "n": k, "i": i}
            for i, ((s, e), k) in enumerate(zip(seg.tokens, seg.keys, strict=True))
        ]
        wits.append({"id": sigil, "tokens": tokens})
    return {"witnesses": wits}


def collatex_quality(path: Path, truth: Abridgement) -> dict:
    """Score CollateX's alignment table: a left word is kept where CollateX put an identical
    right token in its column, removed otherwise."""
    table = json.loads(path.read_text(encoding="utf-8"))["table"]
    kept: set[int] = set()
    for lcell, rcell in zip(table[0], table[1], strict=True):
        if lcell and rcell:
            rkeys = {t["n"] for t in rcell}
            kept.update(t["i"] for t in lcell if t["n"] in rkeys)
    said = [t not in kept for t, w in enumerate(truth.left.is_word) if w]
    return quality(truth, said)


def run_collatex(sizes: list[int], runs: int, timeout: float, tmp: Path, env: dict) -> list[dict]:
    """Time CollateX and textver on the first N words of LEFT and their abridgement; score both
    against the generator's truth."""
    from bench._inputs import first_words, load_left
    from tests.helpers import abridge

    print("== CollateX: 2 witnesses, the first N words of LEFT and their abridgement ==")
    print("  (accuracy: share of left words each tool calls kept/removed as the generator did)")
    print(f"  {'words':>6} {'textver s':>10} {'CollateX s':>11} {'speed-up':>9} {'runs':>4} "
          f"{'tv MB':>7} {'cx MB':>7}  accuracy textver / CollateX  "
          "library call textver / CollateX")  # fmt: skip
    rows = []
    for n in sizes:
        truth = abridge(first_words(load_left(), n), "light", n)
        d = tmp / f"cx{n}"
        d.mkdir(exist_ok=True)
        lp, rp, wit = d / "left.txt", d / "right.txt", d / "witnesses.json"
        lp.write_text(truth.left.text, encoding="utf-8")
        rp.write_text(truth.right.text, encoding="utf-8")
        wit.write_text(json.dumps(collatex_witnesses(truth)))
        tv = Task("textver json", compare_argv("json", lp, rp, d / "tv.json"))
        cx = Task("collatex", worker_argv("collatex", wit, d / "cx.json", d / "cx.s"))
        tvc = Task("textver call", worker_argv("api-call", lp, rp, d / "tvc.json", d / "tvc.s"))
        calls: dict[str, list[float]] = {"textver call": [], "collatex": []}
        for k in range(runs):
            for task, seconds in ((tv, None), (tvc, d / "tvc.s"), (cx, d / "cx.s")):
                if not task.gave_up and task.measure(timeout, d, env).ok and seconds:
                    calls[task.name].append(float(seconds.read_text()))
            # One CollateX run past a quarter of the limit is figure enough.
            if k == 0 and cx.runs and cx.runs[0].seconds > timeout / 4:
                break
        tv_s, cx_s = tv.median(), cx.median()
        row = {"words": n, "speedup": round(cx_s / tv_s, 1) if tv_s and cx_s else None}
        acc = [json_quality(d / "tv.json", truth) if tv_s else None,
               collatex_quality(d / "cx.json", truth) if cx_s else None]  # fmt: skip
        call = "-"
        if calls["textver call"] and calls["collatex"] and not cx.gave_up:
            tvc_s, cxc_s = (statistics.median(calls[k]) for k in ("textver call", "collatex"))
            row["call_speedup"] = round(cxc_s / tvc_s, 1)
            call = f"{tvc_s * 1000:.1f} ms / {fmt_s(cxc_s)} s = {row['call_speedup']:g}x"
        rows.append(row)
        # CollateX past the time limit: the speed-up is at least the limit over textver's time.
        speedup = row["speedup"] or (round(timeout / tv_s, 1) if tv_s and cx.gave_up else None)
        print(f"  {n:>6} {fmt_s(tv_s):>10} {fmt_s(cx_s, cx, timeout):>11} "
              f"{'-' if speedup is None else f'{speedup:g}x':>9} {len(cx.runs):>4} "
              f"{tv.peak_mb() or 0:>7.0f} {cx.peak_mb() or 0:>7.0f}  "
              + " / ".join(_pct(q and q["word_accuracy"]) for q in acc)
              + f"  {call}", flush=True)  # fmt: skip
        if cx.gave_up:
            break
    return rows


# --- printing -------------------------------------------------------------------------------------


def fmt_s(x: float | None, task: Task | None = None, timeout: float = 60) -> str:
    if task is not None and task.gave_up:
        return f"> {timeout:.0f} s"
    if task is not None and task.failed:
        return "failed"
    return "-" if x is None else f"{x:.3f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, help="runs per contender, median reported (default 5)")
    ap.add_argument("--quick", action="store_true", help="1x only, 3 runs, CollateX at 500 words")
    ap.add_argument("--sizes", default="1,4,16", help="input multiples (default 1,4,16)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before giving up")
    ap.add_argument("--only", metavar="NAMES", help="name prefixes of the contenders to run "
                    "(e.g. textver,git; 'repetitive' for those inputs alone)")  # fmt: skip
    ap.add_argument("--no-collatex", action="store_true", help="skip the CollateX comparison")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)
    if opts.worker:
        worker(opts.worker, opts.args)
        return 0

    from bench._inputs import corpus_missing, darwin_pair

    if missing := corpus_missing():
        print(f"speed_bench: skipped: corpus absent ({missing})")
        return 0
    # An installed package has its bytecode compiled; so must the checkout being timed (this
    # workplace sets PYTHONDONTWRITEBYTECODE, which would make every run compile textver anew).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "textver")], check=True)
    sizes = [1] if opts.quick else [int(s) for s in opts.sizes.split(",")]
    runs = opts.runs or (3 if opts.quick else 5)
    have, missing_tools = available_tools()

    tmp_ctx = tempfile.TemporaryDirectory(prefix="textver-speed-")
    tmp = Path(tmp_ctx.name)
    env = textver_env(TEXTVER_STORE=str(tmp / "store"), GIT_CONFIG_NOSYSTEM="1",
                      GIT_CONFIG_GLOBAL=os.devnull)  # fmt: skip
    print(f"speed_bench {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: textver timed "
          "through its CLI (python -m textver compare)")  # fmt: skip
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {runs} runs, "
          f"timeout {opts.timeout:.0f} s")  # fmt: skip
    for note in missing_tools:
        print(f"not run: {note}")
    print()

    by_size: dict[int, list[Task]] = {}
    for size in sizes:
        d = tmp / f"x{size}"
        d.mkdir()
        left, right = d / "left.txt", d / "right.txt"
        truth = darwin_pair(size)
        left.write_text(truth.left.text, encoding="utf-8")
        right.write_text(truth.right.text, encoding="utf-8")
        print(f"== {size}x: LEFT {truth.left.word_count} words, RIGHT {truth.right.word_count} "
              "words ==", flush=True)  # fmt: skip
        tasks = build_tasks(left, right, d, have, floors=size == sizes[0])
        if opts.only:
            wanted = [w.strip().lower() for w in opts.only.split(",")]
            tasks = [t for t in tasks if any(t.name.lower().startswith(w) for w in wanted)]
        for k in range(runs):
            for task in tasks:
                # A first run past a quarter of the time limit: three runs make its median.
                slow = task.runs and task.runs[0].seconds > opts.timeout / 4
                if not (task.gave_up or task.failed or (k >= 3 and slow)):
                    task.measure(opts.timeout, d, env)
        print(f"  {'contender':28} {'median s':>9} {'min s':>8} {'runs':>4} {'peak MB':>8}  notes")
        for task in tasks:
            if task.name.startswith("dmp") and task.median() is not None:
                task.note = (d / "dmp-char.txt").read_text(encoding="utf-8")
            if task.name == "textver json" and task.median() is not None:
                q = json_quality(d / "tv.json", truth)
                task.note = (
                    f"vs truth: {q['word_accuracy']:.1%} of words right, removed "
                    f"{q['removed_words_reported']} (truth {q['removed_words_truth']}), "
                    f"moved {q['moved_reported']} paras (truth {q['moved_truth']})"
                )
            fastest = None if task.gave_up else min((r.seconds for r in task.runs), default=None)
            peak = task.peak_mb()
            shown_peak = "-" if peak is None else f"{'>=' if task.gave_up else ''}{peak:.0f}"
            print(f"  {task.name:28} {fmt_s(task.median(), task, opts.timeout):>9} "
                  f"{fmt_s(fastest):>8} {len(task.runs):>4} {shown_peak:>8}  {task.note}",
                  flush=True)  # fmt: skip
        by_size[size] = tasks
        print()

    if not opts.only:
        time_collation(runs, opts.timeout, tmp, env)
        print()
    if not opts.only or "repetitive" in opts.only:
        time_repetitive(min(runs, 3), opts.timeout, tmp, env, opts.quick)
        print()
    cx_rows = []
    if not opts.no_collatex and "collatex" in have:
        cx_sizes = [500] if opts.quick else [500, 1000, 2000]
        cx_rows = run_collatex(cx_sizes, min(runs, 3), opts.timeout, tmp, env)
        print()
    targets(by_size, cx_rows, opts.timeout)
    tmp_ctx.cleanup()
    return 0


def time_collation(runs: int, timeout: float, tmp: Path, env: dict[str, str]) -> None:
    """Issue 7's figure: all six editions of the chapter collated at once, JSON out, as a
    whole process (target: about a second)."""
    from bench._inputs import EDITIONS, corpus_dir

    files = [corpus_dir() / f"{e}.txt" for e in EDITIONS]
    argv = textver_argv("compare", *files, "--format", "json", "-o", tmp / "collation.json")
    task = Task("textver collate 6 eds json", argv)
    for _ in range(runs):
        task.measure(timeout, tmp, env)
    words = sum(len(f.read_text(encoding="utf-8").split()) for f in files)
    median = task.median()
    print(f"== Six editions collated at once ({words} words in all), JSON, whole process ==")
    print(f"  median {fmt_s(median, task, timeout)} s over {len(task.runs)} runs, peak "
          f"{task.peak_mb() or 0:.0f} MB (target: about 1 s): "
          f"{verdict(None if median is None else median <= 1.2)}")  # fmt: skip


def repetitive_inputs(quick: bool) -> list[tuple[str, str, str, int]]:
    """Repetitive documents (forms, logs, tables) and many tiny paragraphs, built at run time:
    (name, left, right, words removed).  Each right text is its left text with every hundredth
    unit dropped, so the truth is known: the dropped units' words are removed, nothing is
    inserted, nothing moved."""
    scale = 10 if quick else 1
    rng = random.Random(11)
    sentence = "The meter reading was taken at noon."  # 7 words
    para = (
        "The meter was read at noon. The reading was 42 units. Nobody was home. The card was "
        "left in the door. A second visit is due next month."
    )  # 28 words
    n1, n2, n3, n4 = (n // scale for n in (100_000, 20_000, 50_000, 200_000))
    rows = [
        f"| {2000 + k // 12}-{k % 12 + 1:02d} | {rng.randint(0, 999)}.{rng.randint(0, 9)} | "
        f"{rng.randint(0, 99)} |"
        for k in range(n3)
    ]  # 4 words a row: year-month, whole and decimal part, count
    words = ["ship", "quay", "net", "boat", "tide", "pier"]
    paras = [f"Item {k}: {rng.choice(words)} {rng.randint(1, 99)}." for k in range(n4)]  # 4 words
    cases = [  # name, units, separator, words per unit, heading
        (f"one sentence x{n1:,} vs x{n1 - n1 // 100:,}, a paragraph each", [sentence] * n1,
         "\n\n", 7, ""),
        (f"one sentence x{n1:,} vs x{n1 - n1 // 100:,}, one paragraph", [sentence] * n1, " ", 7,
         ""),
        (f"one paragraph x{n2:,} vs x{n2 - n2 // 100:,}", [para] * n2, "\n\n", 28, ""),
        (f"table of figures, {n3:,} rows", rows, "\n", 4, "Monthly figures\n\n"),
        (f"{n4:,} short paragraphs", paras, "\n\n", 4, ""),
    ]  # fmt: skip
    out = []
    for name, units, sep, n_words, head in cases:
        kept = [u for k, u in enumerate(units) if k % 100 != 7]
        left, right = (head + sep.join(us) + "\n" for us in (units, kept))
        out.append((name, left, right, (len(units) - len(kept)) * n_words))
    return out


def time_repetitive(runs: int, timeout: float, tmp: Path, env: dict[str, str], quick: bool) -> None:
    """Issue 11's figures: repetitive text and tiny paragraphs, JSON out, whole process.

    Targets: the repeated sentence (100,000 against 99,000) under 5 s and 500 MB, and at most
    100 bytes of peak memory per byte of input (both files) on every input.  CPU seconds are
    shown beside wall-clock ones: on this shared machine the wall clock counts other jobs too.
    """
    print("== Repetitive inputs: textver compare --format json, whole process ==")
    print(f"  {'input':44} {'MB in':>6} {'median s':>9} {'CPU s':>6} {'peak MB':>8} "
          f"{'B/byte':>6}  removed words (truth), inserted, moved")  # fmt: skip
    d = tmp / "repetitive"
    d.mkdir()
    for k, (name, left_text, right_text, removed) in enumerate(repetitive_inputs(quick)):
        left, right, out = d / f"{k}-left.txt", d / f"{k}-right.txt", d / f"{k}.json"
        left.write_text(left_text, encoding="utf-8")
        right.write_text(right_text, encoding="utf-8")
        size = left.stat().st_size + right.stat().st_size
        task = Task(name, compare_argv("json", left, right, out))
        for _ in range(runs):
            if not task.measure(timeout, d, env).ok:
                break
        stats = json.loads(out.read_text())["stats"] if task.median() is not None else {}
        cpu = statistics.median(r.cpu_seconds for r in task.runs)
        peak = task.peak_mb() or 0
        found = (
            f"{stats['removed_words']} ({removed}), {stats['inserted_words']}, "
            f"{stats['moved_paragraphs']}"
            if stats
            else "-"
        )
        print(f"  {name:44} {size / 1e6:6.1f} {fmt_s(task.median(), task, timeout):>9} "
              f"{cpu:6.2f} {peak:8.0f} {peak * 2**20 / size:6.0f}  {found}",
              flush=True)  # fmt: skip


def targets(by_size: dict[int, list[Task]], cx_rows: list[dict], timeout: float) -> None:
    """Judge the issue-5 targets on ratios measured in this run, and print them.

    A contender killed at the time limit still bounds its figure from below (``>= limit``).
    """

    def task(size: int, name: str) -> Task | None:
        return next((t for t in by_size.get(size, []) if t.name == name), None)

    def add(what: str, value: float | None, limit: float, unit: str, at_least: bool = False,
            higher_is_better: bool = False) -> None:  # fmt: skip
        good = value is not None and (value >= limit if higher_is_better else value <= limit)
        ok = None if value is None or (at_least and good) else good
        sign = ">=" if higher_is_better else "<="
        shown = "-" if value is None else f"{'>= ' if at_least else ''}{value:g}{unit}"
        print(f"  {what:44} {shown:>12}  (target {sign} {limit:g}{unit})  {verdict(ok)}")

    def pair(what: str, a: tuple[int, str], b: tuple[int, str], limit: float) -> None:
        ta, tb = task(*a), task(*b)
        bound = bool(ta and ta.gave_up)
        x, y = ta and (timeout if bound else ta.median()), tb and tb.median()
        add(what, round(x / y, 2) if x and y else None, limit, "x", at_least=bound)

    git, tj, th = "git diff --word-diff", "textver json", "textver html"
    print("== Targets ==")
    pair("textver JSON / git diff at 1x", (1, tj), (1, git), 3)
    pair("textver HTML / git diff at 1x", (1, th), (1, git), 5)
    pair("textver JSON growth 1x -> 4x", (4, tj), (1, tj), 5)
    pair("textver JSON growth 1x -> 16x", (16, tj), (1, tj), 20)
    for name in (tj, th):
        t = task(16, name)
        peak = t.peak_mb() if t else None
        # A run killed at the limit had not reached its peak yet: a lower bound.
        add(f"peak memory of {name} at 16x", None if peak is None else round(peak), 500, " MB",
            at_least=bool(t and t.gave_up))  # fmt: skip
    # "On any input both finish": the smallest speed-up over the sizes both finished, once for
    # whole processes (where Python's start-up weighs on small inputs) and once for the calls.
    for what, key in (("whole process", "speedup"), ("library call", "call_speedup")):
        worst = min((r for r in cx_rows if r.get(key)), key=lambda r: r[key], default={})
        add(f"speed-up over CollateX, {what} (worst: {worst.get('words', '-')} words)",
            worst.get(key), 100, "x", higher_is_better=True)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
