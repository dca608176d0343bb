"""Speed and memory benchmark (issue 5): textver against git, difflib, diff-match-patch, CollateX.

Every contender runs as a whole process on the same two files, so start-up, reading and writing
count for all alike, and the figures are what a user waits for.  The machine this runs on is
shared and noisy, so each figure is the median of several runs, the runs of all contenders are
interleaved (run 1 of each, then run 2 of each, ...), and targets are judged on ratios measured
within the one run rather than on absolute seconds.  Peak memory is each program's own maximum
resident set size as GNU time (/usr/bin/time) reports it.

The 4x and 16x inputs repeat the 1x pair; ``--distinct`` tags every sentence with its copy number
instead, so that size can be told apart from repetition (identical copies leave no sentence unique).
textver's JSON report is also scored against the abridgement's record of what it cut, so a speed-up
that breaks the alignment shows.

CollateX is too slow for the full texts, so it is compared with textver on the first N words of
LEFT (N = 500, 1000, 2000, stopping at the first N past the time limit) and the abridgement of
that excerpt made by the same generator, pre-tokenised with textver's tokens so that both tools
are scored on the same words.  CollateX is a library with no command line, so it is timed twice:
as a whole process like the others, and as the library call alone (each tool's call timed inside
its own fresh process, after its imports), which is what a program embedding either one waits
for.  The target is judged on the smallest speed-up over the sizes both finish.

Inputs come from the shared Darwin corpus at run time (bench/_inputs.py); the benchmark prints a
note and exits 0 when the corpus is absent.

    python bench/speed_bench.py                 # 1x, 4x, 16x, 5 runs each
    python bench/speed_bench.py --quick         # 1x only, 3 runs
    python bench/speed_bench.py --json out.json
    python bench/speed_bench.py --sizes 1,4 --only textver,git --runs 3 --no-collatex

The same file is its own worker: ``speed_bench.py --worker NAME ...`` runs one contender that has
no command line of its own (difflib, diff-match-patch, CollateX) in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

if TYPE_CHECKING:
    from bench._inputs import Abridged

# --- measuring one process ----------------------------------------------------------------------


@dataclass
class Run:
    """One finished (or killed) process: wall seconds, its own peak RSS, how it ended."""

    seconds: float
    max_rss_mb: float
    returncode: int
    timed_out: bool
    ok: bool  # the exit status is one the program gives on success
    cpu_seconds: float = 0.0  # user + system time: less disturbed by a busy machine than wall


# GNU time reports the peak RSS of exactly the program it runs.  Without it we fall back on
# ``os.wait4``, whose figure also counts the benchmark's own memory at the fork (~30 MB): Linux
# carries a process's high-water mark across exec.
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def measure(
    argv: list[str],
    *,
    timeout: float,
    cwd: Path,
    env: dict[str, str],
    stdout_path: Path | None,
    ok: tuple[int, ...] = (0,),
) -> Run:
    """Run ``argv`` to the end (or kill it after ``timeout`` s) and report time and memory.

    On a timeout the program itself is killed first, so GNU time still reports how much memory
    it had reached (a lower bound of its peak).  An exit status outside ``ok`` is reported with
    the last line the program wrote to stderr.
    """
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115
    rss_file, err_file = Path(cwd) / ".maxrss", Path(cwd) / ".stderr"
    rss_file.unlink(missing_ok=True)
    cmd = [TIME, "-f", "%M", "-o", str(rss_file), *argv] if TIME else argv
    killed = threading.Event()
    try:
        err = open(err_file, "wb")  # noqa: SIM115
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True
        )

        def kill() -> None:
            killed.set()
            for pid in _children(proc.pid) if TIME else [proc.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 9)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        err.close()
        if stdout_path:
            out.close()
    max_kb = usage.ru_maxrss
    if TIME:
        numbers = [ln for ln in rss_file.read_text().split("\n") if ln.strip().isdigit()]
        max_kb = int(numbers[-1]) if numbers else 0
        rss_file.unlink()
        # GNU time passes the program's exit status on, or 128 + signal when it was killed.
    run = Run(seconds, max_kb / 1024, proc.returncode, killed.is_set(), proc.returncode in ok,
              usage.ru_utime + usage.ru_stime)  # fmt: skip
    if not run.ok and not run.timed_out:
        tail = err_file.read_text("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        print(f"    ! {' '.join(argv[:4])}... exit {proc.returncode}: {tail[0]}", file=sys.stderr)
    return run


# --- the contenders -----------------------------------------------------------------------------


@dataclass
class Task:
    """One contender at one input size."""

    name: str
    argv: list[str]
    stdout: Path | None = None  # where the process's standard output goes (else discarded)
    stats_file: Path | None = None  # a worker's own findings (e.g. "did it time out?")
    ok: tuple[int, ...] = (0,)  # exit statuses that mean success (git diff: 1 = differences)
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    def measure(self, timeout: float, cwd: Path, env: dict[str, str]) -> Run:
        return measure(
            self.argv, timeout=timeout, cwd=cwd, env=env, stdout_path=self.stdout, ok=self.ok
        )

    @property
    def gave_up(self) -> bool:
        return any(r.timed_out for r in self.runs)

    def slow(self, timeout: float) -> bool:
        """A first run past a quarter of the time limit: three runs make its median."""
        return bool(self.runs) and self.runs[0].seconds > timeout / 4

    @property
    def failed(self) -> bool:
        return any(not r.ok and not r.timed_out for r in self.runs)

    def best(self) -> float | None:
        """The fastest run: on a busy machine the least disturbed one."""
        if not self.runs or self.gave_up or self.failed:
            return None
        return min(r.seconds for r in self.runs)

    def median(self) -> float | None:
        if not self.runs or self.gave_up or self.failed:
            return None
        return statistics.median(r.seconds for r in self.runs)

    def peak_mb(self) -> float | None:
        return max((r.max_rss_mb for r in self.runs), default=None)

    def stats(self) -> dict:
        if self.stats_file and self.stats_file.exists():
            return json.loads(self.stats_file.read_text())
        return {}


def worker_argv(name: str, *args: str | Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", name, *map(str, args)]


def textver_argv(fmt: str, left: Path, right: Path, out: Path) -> list[str]:
    """The textver contender: its CLI, as a user runs it."""
    return [sys.executable, "-m", "textver", "compare", str(left), str(right),
            "--format", fmt, "-o", str(out)]  # fmt: skip


# What ``textver compare`` imports before it reads a byte: the floor under its 1x time.
_TEXTVER_IMPORTS = "import textver.cli, textver.ingest, textver.compare, textver.report.html"


def available_tools() -> tuple[set[str], list[str]]:
    """Which optional contenders can run here, and a note for each that cannot."""
    have, notes = set(), []
    if shutil.which("git"):
        have.add("git")
    else:
        notes.append("git diff (git not on PATH)")
    for module, name in (
        ("diff_match_patch", "dmp"),
        ("fast_diff_match_patch", "fast-dmp"),
        ("collatex", "collatex"),  # collatex 2.3 also needs the Levenshtein package
    ):
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
    tasks.append(Task("textver json", textver_argv("json", left, right, work / "tv.json")))
    tasks.append(Task("textver html", textver_argv("html", left, right, work / "tv.html")))
    if "git" in have:
        git = ["git", "diff", "--no-index", "--word-diff", "--no-color", str(left), str(right)]
        tasks.append(Task("git diff --word-diff", git, stdout=work / "git.diff", ok=(0, 1)))
    tasks.append(
        Task("difflib HtmlDiff", worker_argv("difflib-html", left, right, work / "difflib.html"))
    )
    if "dmp" in have:
        tasks.append(
            Task(
                "dmp chars (1 s limit)",
                worker_argv("dmp-char", left, right, work / "dmp-char.json"),
                stats_file=work / "dmp-char.json",
            )
        )
        dmp_word = worker_argv("dmp-word", left, right, work / "dmp-w.json")
        tasks.append(Task("dmp words (pure Python)", dmp_word))
    if "fast-dmp" in have:
        tasks.append(
            Task("fast-dmp words (C++)", worker_argv("fdmp-word", left, right, work / "fd.json"))
        )
    return tasks


# --- workers: each runs in its own interpreter ----------------------------------------------------


def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _word_keys(text: str) -> list[str]:
    """The token keys textver compares, so word-level contenders diff the same units."""
    from textver.segment import segment

    return segment(text).keys


def worker(name: str, args: list[str]) -> None:
    """Run one contender; see ``build_tasks`` for which is which."""
    if name == "collatex":  # args: witnesses.json, output, file for the call's seconds
        from collatex import Collation, collate

        witnesses = json.loads(_read(args[0]))
        t0 = time.perf_counter()
        result = collate(Collation.create_from_dict(witnesses), output="json", segmentation=False)
        Path(args[2]).write_text(str(time.perf_counter() - t0))
        Path(args[1]).write_text(result, encoding="utf-8")
        return
    if name == "api-call":  # args: left, right, output, file for the call's seconds
        from textver.compare import compare
        from textver.version import Version

        left, right = _read(args[0]), _read(args[1])
        t0 = time.perf_counter()
        c = compare(Version("left", args[0], left), Version("right", args[1], right))
        text = json.dumps(c.to_dict(), ensure_ascii=False, separators=(",", ":"))
        Path(args[3]).write_text(str(time.perf_counter() - t0))
        Path(args[2]).write_text(text, encoding="utf-8")
        return
    left, right, out = _read(args[0]), _read(args[1]), Path(args[2])
    if name == "difflib-html":
        import difflib

        html = difflib.HtmlDiff().make_file(left.splitlines(), right.splitlines())
        out.write_text(html, encoding="utf-8")
    elif name == "dmp-char":
        from diff_match_patch import diff_match_patch

        dmp = diff_match_patch()  # default Diff_Timeout: 1 s
        t0 = time.perf_counter()
        diffs = dmp.diff_main(left, right)
        elapsed = time.perf_counter() - t0
        inner = [d for d in diffs if d[0] != 0]
        equal = sum(len(t) for op, t in diffs if op == 0)
        out.write_text(
            json.dumps(
                {
                    "diff_seconds": round(elapsed, 3),
                    "hit_time_limit": elapsed >= dmp.Diff_Timeout,
                    # Giving up shows as one deletion of everything and one insertion.
                    "degenerate": len(inner) <= 2 and len(diffs) <= 4,
                    "equal_share_of_left": round(equal / max(1, len(left)), 4),
                    "ops": len(diffs),
                }
            )
        )
    elif name in ("dmp-word", "fdmp-word"):
        # Whole texts through textver's own word diff, with the pure-Python or the C++ engine.
        from textver.diff import diff_tokens, fast_runs, python_runs

        runs = python_runs if name == "dmp-word" else fast_runs
        ops = diff_tokens(_word_keys(left), _word_keys(right), runs=runs)
        out.write_text(json.dumps({"ops": len(ops)}))
    else:
        raise SystemExit(f"unknown worker {name}")


# --- CollateX on small inputs -------------------------------------------------------------------


def collatex_witnesses(left: str, right: str) -> dict:
    """CollateX input pre-tokenised with textver's tokens, so both tools judge the same units and
    each CollateX token carries its textver token index ``i``."""
    from textver.segment import segment

    wits = []
    for sigil, text in (("L", left), ("R", right)):
        seg = segment(text)
        tokens = [
            {"t": text[s:e] + " ", "n": k, "i": i}
            for i, ((s, e), k) in enumerate(zip(seg.tokens, seg.keys, strict=True))
        ]
        wits.append({"id": sigil, "tokens": tokens})
    return {"witnesses": wits}


def collatex_quality(path: Path, ab: Abridged) -> dict:
    """Score CollateX's alignment table: a left word is kept where CollateX put an identical
    right token in its column, removed otherwise."""
    from textver.segment import segment

    seg = segment(ab.left)
    flags = collatex_removed(json.loads(path.read_text(encoding="utf-8")), len(seg.tokens))
    starts = [s for (s, _), w in zip(seg.tokens, seg.is_word, strict=True) if w]
    said = [bool(f) for f, w in zip(flags, seg.is_word, strict=True) if w]
    return verdicts(ab, starts, said)


def collatex_removed(result: dict, n_tokens: int) -> bytearray:
    """1 for each left token CollateX does not align with an identical right token."""
    flags = bytearray(b"\x01" * n_tokens)
    left_row, right_row = result["table"][0], result["table"][1]
    for lcell, rcell in zip(left_row, right_row, strict=True):
        if lcell and rcell:
            rkeys = {t["n"] for t in rcell}
            for t in lcell:
                if t["n"] in rkeys:
                    flags[t["i"]] = 0
    return flags


def left_words(text: str) -> list[int]:
    """Start offsets of the word tokens of ``text``: the units every verdict below is about."""
    from textver.segment import segment

    seg = segment(text)
    return [start for (start, _), w in zip(seg.tokens, seg.is_word, strict=True) if w]


def verdicts(ab: Abridged, starts: list[int], said_removed: list[bool]) -> dict:
    """Compare a tool's removed/kept verdict on each left word with the abridgement's record."""
    truth = [ab.is_removed(s) for s in starts]
    agree = sum(t == p for t, p in zip(truth, said_removed, strict=True))
    return {
        "word_accuracy": round(agree / max(1, len(starts)), 4),
        "removed_words_truth": sum(truth),
        "removed_words_reported": sum(said_removed),
    }


def json_quality(path: Path, ab: Abridged, copies: int) -> dict:
    """Score a ``textver compare --format json`` report against the abridgement's record."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    dels = sorted(tuple(c["left"]) for c in doc["changes"] if c["op"] == "delete")
    lows = [lo for lo, _ in dels]
    starts = left_words(doc["left"]["text"])
    said = []
    for s in starts:
        k = bisect.bisect_right(lows, s) - 1
        said.append(k >= 0 and s < dels[k][1])
    return {
        **verdicts(ab, starts, said),
        "moved_paragraphs_reported": doc["stats"].get("moved_paragraphs"),
        "moved_paragraphs_made": 2 * copies,
    }


def run_collatex(
    left_full: str, sizes: list[int], runs: int, timeout: float, tmp: Path, env: dict[str, str]
) -> list[dict]:  # fmt: skip
    """Time CollateX and textver on the first N words of LEFT and their abridgement; score both
    against the truth the abridgement recorded."""
    from bench._inputs import abridge, first_words

    rows = []
    for n in sizes:
        ab = abridge(first_words(left_full, n), seed=n)
        d = tmp / f"cx{n}"
        d.mkdir(exist_ok=True)
        lp, rp = d / "left.txt", d / "right.txt"
        lp.write_text(ab.left, encoding="utf-8")
        rp.write_text(ab.right, encoding="utf-8")
        wit = d / "witnesses.json"
        wit.write_text(json.dumps(collatex_witnesses(ab.left, ab.right)))
        tv = Task("textver json", textver_argv("json", lp, rp, d / "tv.json"))
        cx = Task("collatex", worker_argv("collatex", wit, d / "cx.json", d / "cx.s"))
        tvc = Task("textver call", worker_argv("api-call", lp, rp, d / "tvc.json", d / "tvc.s"))
        calls: dict[str, list[float]] = {"textver call": [], "collatex": []}
        for k in range(runs):
            for task, seconds in ((tv, None), (tvc, d / "tvc.s"), (cx, d / "cx.s")):
                if task.gave_up:
                    continue
                task.runs.append(task.measure(timeout, d, env))
                if seconds and task.runs[-1].ok:
                    calls[task.name].append(float(seconds.read_text()))
            # One CollateX run past a quarter of the limit is figure enough.
            if k == 0 and cx.runs and cx.runs[0].seconds > timeout / 4:
                break
        row = {
            "words": n,
            "textver_s": tv.median(),
            "collatex_s": cx.median(),
            "collatex_timed_out": cx.gave_up,
            "textver_mb": tv.peak_mb(),
            "collatex_mb": cx.peak_mb(),
            "runs": len(cx.runs),
        }
        if tv.runs and not tv.failed and (d / "tv.json").exists():
            row["textver_accuracy"] = json_quality(d / "tv.json", ab, 0)["word_accuracy"]
        if cx.runs and not cx.gave_up and not cx.failed and (d / "cx.json").exists():
            row["collatex_accuracy"] = collatex_quality(d / "cx.json", ab)["word_accuracy"]
        if row["textver_s"] and row["collatex_s"]:
            row["speedup"] = round(row["collatex_s"] / row["textver_s"], 1)
        # The library calls alone (each in a fresh process, start-up and imports excluded).
        if calls["textver call"] and calls["collatex"] and not cx.gave_up:
            row["textver_call_s"] = statistics.median(calls["textver call"])
            row["collatex_call_s"] = statistics.median(calls["collatex"])
            row["call_speedup"] = round(row["collatex_call_s"] / row["textver_call_s"], 1)
        elif row["textver_s"] and cx.gave_up:
            row["speedup_at_least"] = round(timeout / row["textver_s"], 1)
        rows.append(row)
        cx_s = f"> {timeout:.0f}" if cx.gave_up else fmt_s(row["collatex_s"])
        speedup = row.get("speedup") or row.get("speedup_at_least")
        print(
            f"  {n:>6} {fmt_s(row['textver_s']):>10} {cx_s:>11} "
            f"{'-' if speedup is None else f'{speedup:g}x':>9} {row['runs']:>4} "
            f"{row['textver_mb'] or 0:>7.0f} {row['collatex_mb'] or 0:>7.0f}  "
            f"{_pct(row.get('textver_accuracy'))} / {_pct(row.get('collatex_accuracy'))}  "
            f"{_call(row)}",
            flush=True,
        )
        if cx.gave_up:
            break
    return rows


def _call(row: dict) -> str:
    if "call_speedup" not in row:
        return "-"
    tv, cx = row["textver_call_s"], row["collatex_call_s"]
    return f"{tv * 1000:.1f} ms / {fmt_s(cx)} s = {row['call_speedup']:g}x"


# --- report -------------------------------------------------------------------------------------


def fmt_s(x: float | None, task: Task | None = None, timeout: float = 60) -> str:
    if task is not None and task.gave_up:
        return f"> {timeout:.0f} s"
    if task is not None and task.failed:
        return "failed"
    return "-" if x is None else f"{x:.3f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("MET" if ok else "MISSED")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, help="runs per contender, median reported (default 5)")
    ap.add_argument("--quick", action="store_true", help="1x only, 3 runs, CollateX at 500 words")
    ap.add_argument("--sizes", default="1,4,16", help="input multiples (default 1,4,16)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before giving up")
    ap.add_argument(
        "--distinct",
        action="store_true",
        help="make the 4x/16x copies differ (tag each sentence) instead of repeating them",
    )
    ap.add_argument(
        "--only",
        metavar="NAMES",
        help="comma-separated name prefixes of the contenders to run (e.g. textver,git)",
    )
    ap.add_argument("--no-collatex", action="store_true", help="skip the CollateX comparison")
    ap.add_argument("--json", type=Path, help="write every figure to this file")
    ap.add_argument("--keep", type=Path, help="build the inputs in this folder and keep them")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)
    if opts.worker:
        worker(opts.worker, opts.args)
        return 0

    from bench._inputs import corpus_missing, load_left, scaled

    missing = corpus_missing()
    if missing:
        print(f"speed_bench: skipped: corpus absent ({missing})")
        return 0
    # An installed package has its bytecode compiled; so must the checkout being timed (this
    # workplace sets PYTHONDONTWRITEBYTECODE, which would make every run compile textver anew).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "textver")], check=True)
    sizes = [1] if opts.quick else [int(s) for s in opts.sizes.split(",")]
    runs = opts.runs or (3 if opts.quick else 5)
    cx_sizes = [500] if opts.quick else [500, 1000, 2000]
    have, missing_tools = available_tools()

    tmp_ctx = tempfile.TemporaryDirectory(prefix="textver-speed-")
    tmp = opts.keep or Path(tmp_ctx.name)
    tmp.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["TEXTVER_STORE"] = str(tmp / "store")
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_CONFIG_GLOBAL"] = os.devnull

    full = load_left()
    mode_note = "textver timed through its CLI (python -m textver compare)"
    print(f"speed_bench {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {mode_note}")
    copies = "distinct (tagged)" if opts.distinct else "identical"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {runs} runs, "
          f"timeout {opts.timeout:.0f} s, copies at 4x/16x: {copies}")  # fmt: skip
    for note in missing_tools:
        print(f"not run: {note}")
    print()

    figures: dict = {
        "runs": runs,
        "distinct_copies": opts.distinct,
        "sizes": {},
    }
    by_size: dict[int, list[Task]] = {}
    quality: dict[int, dict] = {}
    for size in sizes:
        d = tmp / f"x{size}"
        d.mkdir(exist_ok=True)
        left, right = d / "left.txt", d / "right.txt"
        ab = scaled(full, size, distinct=opts.distinct)
        left.write_text(ab.left, encoding="utf-8")
        right.write_text(ab.right, encoding="utf-8")
        lw, rw = len(left.read_text().split()), len(right.read_text().split())
        print(f"== {size}x: LEFT {lw} words, RIGHT {rw} words ==", flush=True)
        tasks = build_tasks(left, right, d, have, floors=size == sizes[0])
        if opts.only:
            wanted = [w.strip().lower() for w in opts.only.split(",")]
            tasks = [t for t in tasks if any(t.name.lower().startswith(w) for w in wanted)]
        for k in range(runs):
            for task in tasks:
                if task.gave_up or task.failed or (k >= 3 and task.slow(opts.timeout)):
                    continue
                task.runs.append(task.measure(opts.timeout, d, env))
        print(f"  {'contender':28} {'median s':>9} {'min s':>8} {'runs':>4} {'peak MB':>8}  notes")
        for task in tasks:
            st = task.stats()
            if st.get("hit_time_limit") or st.get("degenerate"):
                task.note = (
                    f"gave up at its time limit (degenerate: {st['degenerate']}, "
                    f"{st['equal_share_of_left']:.0%} of LEFT found equal)"
                )
            elif st.get("diff_seconds") is not None:
                task.note = f"finished in {st['diff_seconds']} s, within its limit"
            if task.name == "textver json" and (d / "tv.json").exists() and not task.failed:
                q = json_quality(d / "tv.json", ab, size)
                task.note = (
                    f"vs truth: {q['word_accuracy']:.1%} of words right, removed "
                    f"{q['removed_words_reported']} (truth {q['removed_words_truth']}), moved "
                    f"{q['moved_paragraphs_reported']} paras (made {q['moved_paragraphs_made']})"
                )
                quality[size] = q
            mins = min((r.seconds for r in task.runs), default=None)
            peak = task.peak_mb()
            shown_peak = "-" if peak is None else f"{'>=' if task.gave_up else ''}{peak:.0f}"
            print(
                f"  {task.name:28} {fmt_s(task.median(), task, opts.timeout):>9} "
                f"{fmt_s(None if task.gave_up else mins):>8} {len(task.runs):>4} "
                f"{shown_peak:>8}  {task.note}",
                flush=True,
            )
        by_size[size] = tasks
        figures["sizes"][str(size)] = {
            "left_words": lw,
            "right_words": rw,
            "textver_quality": quality.get(size),
            "contenders": {
                t.name: {
                    "median_s": t.median(),
                    "timed_out": t.gave_up,
                    "failed": t.failed,
                    "peak_mb": t.peak_mb(),
                    "stats": t.stats(),
                    "runs": [asdict(r) for r in t.runs],
                }
                for t in tasks
            },
        }
        print()

    if not opts.only:
        figures["collation"] = time_collation(runs, opts.timeout, tmp, env)
        print()
    if not opts.only or "repetitive" in opts.only:
        figures["repetitive"] = time_repetitive(min(runs, 3), opts.timeout, tmp, env, opts.quick)
        print()

    cx_rows = []
    if not opts.no_collatex and "collatex" in have:
        print("== CollateX: 2 witnesses, the first N words of LEFT and their abridgement ==")
        print(
            "  (accuracy: share of left words each tool calls kept/removed as the abridgement did)"
        )
        print(
            f"  {'words':>6} {'textver s':>10} {'CollateX s':>11} {'speed-up':>9} {'runs':>4} "
            f"{'tv MB':>7} {'cx MB':>7}  accuracy textver / CollateX  "
            f"library call textver / CollateX"
        )
        cx_rows = run_collatex(full, cx_sizes, min(runs, 3), opts.timeout, tmp, env)
        figures["collatex"] = cx_rows
        print()

    figures["targets"] = targets(by_size, cx_rows, opts.timeout)
    if opts.json:
        opts.json.write_text(json.dumps(figures, indent=1) + "\n")
        print(f"figures written to {opts.json}")
    tmp_ctx.cleanup()
    return 0


def time_collation(runs: int, timeout: float, tmp: Path, env: dict[str, str]) -> dict:
    """Issue 7's figure: all six editions of the chapter collated at once, JSON out, as a
    whole process (target: about a second)."""
    from bench._inputs import EDITIONS, corpus_dir

    files = [str(corpus_dir() / f"{e}.txt") for e in EDITIONS]
    out = tmp / "collation.json"
    task = Task("textver collate 6 eds json", [sys.executable, "-m", "textver", "compare",
                *files, "--format", "json", "-o", str(out)])  # fmt: skip
    for _ in range(runs):
        task.runs.append(task.measure(timeout, tmp, env))
    words = sum(len(Path(f).read_text(encoding="utf-8").split()) for f in files)
    median = task.median()
    print(f"== Six editions collated at once ({words} words in all), JSON, whole process ==")
    print(f"  median {fmt_s(median, task, timeout)} s over {len(task.runs)} runs, peak "
          f"{task.peak_mb() or 0:.0f} MB (target: about 1 s): "
          f"{verdict(None if median is None else median <= 1.2)}")  # fmt: skip
    return {"words": words, "median_s": median, "peak_mb": task.peak_mb()}


@dataclass
class Repetitive:
    """A generated input that once made the aligner quadratic or memory-hungry, with the
    words an exact comparison reports removed (nothing is inserted or moved in any of them)."""

    name: str
    left: str
    right: str
    removed_words: int


def repetitive_inputs(quick: bool) -> list[Repetitive]:
    """Repetitive documents (forms, logs, tables) and many tiny paragraphs, built at run time.

    Each right text is its left text with every hundredth unit dropped, so the truth is known:
    the dropped units' words are removed, nothing inserted, nothing moved.
    """
    import random

    scale = 10 if quick else 1
    rng = random.Random(11)
    sentence = "The meter reading was taken at noon."  # 7 words
    n = 100_000 // scale
    out = [
        Repetitive(
            f"one sentence x{n:,} vs x{n - n // 100:,}, a paragraph each",
            "\n\n".join([sentence] * n) + "\n",
            "\n\n".join([sentence] * (n - n // 100)) + "\n",
            n // 100 * 7,
        ),
        Repetitive(
            f"one sentence x{n:,} vs x{n - n // 100:,}, one paragraph",
            " ".join([sentence] * n) + "\n",
            " ".join([sentence] * (n - n // 100)) + "\n",
            n // 100 * 7,
        ),
    ]
    para = (
        "The meter was read at noon. The reading was 42 units. Nobody was home. The card was "
        "left in the door. A second visit is due next month."
    )  # 28 words
    n = 20_000 // scale
    out.append(
        Repetitive(
            f"one paragraph x{n:,} vs x{n - n // 100:,}",
            "\n\n".join([para] * n) + "\n",
            "\n\n".join([para] * (n - n // 100)) + "\n",
            n // 100 * 28,
        )
    )
    n = 50_000 // scale
    rows = [
        f"| {2000 + k // 12}-{k % 12 + 1:02d} | {rng.randint(0, 999)}.{rng.randint(0, 9)} | "
        f"{rng.randint(0, 99)} |"
        for k in range(n)
    ]  # 4 words a row: year-month, whole and decimal part, count
    kept = [r for k, r in enumerate(rows) if k % 100 != 7]
    out.append(
        Repetitive(
            f"table of figures, {n:,} rows",
            "Monthly figures\n\n" + "\n".join(rows) + "\n",
            "Monthly figures\n\n" + "\n".join(kept) + "\n",
            (len(rows) - len(kept)) * 4,
        )
    )
    n = 200_000 // scale
    words = ["ship", "quay", "net", "boat", "tide", "pier"]
    paras = [f"Item {k}: {rng.choice(words)} {rng.randint(1, 99)}." for k in range(n)]  # 4 words
    out.append(
        Repetitive(
            f"{n:,} short paragraphs",
            "\n\n".join(paras) + "\n",
            "\n\n".join(p for k, p in enumerate(paras) if k % 100 != 7) + "\n",
            len(range(7, n, 100)) * 4,
        )
    )
    return out


def time_repetitive(
    runs: int, timeout: float, tmp: Path, env: dict[str, str], quick: bool
) -> list[dict]:
    """Issue 11's figures: repetitive text and tiny paragraphs, JSON out, whole process.

    Targets: the repeated sentence (100,000 against 99,000) under 5 s and 500 MB, and at most
    100 bytes of peak memory per byte of input (both files) on every input.  CPU seconds are
    shown beside wall-clock ones: on this shared machine the wall clock counts other jobs too.
    """
    print("== Repetitive inputs: textver compare --format json, whole process ==")
    print(f"  {'input':44} {'MB in':>6} {'median s':>9} {'CPU s':>6} {'peak MB':>8} "
          f"{'B/byte':>6}  removed words (truth), inserted, moved")  # fmt: skip
    rows = []
    d = tmp / "repetitive"
    d.mkdir(exist_ok=True)
    for k, case in enumerate(repetitive_inputs(quick)):
        left, right, out = d / f"{k}-left.txt", d / f"{k}-right.txt", d / f"{k}.json"
        left.write_text(case.left, encoding="utf-8")
        right.write_text(case.right, encoding="utf-8")
        size = left.stat().st_size + right.stat().st_size
        task = Task(case.name, textver_argv("json", left, right, out))
        for _ in range(runs):
            task.runs.append(task.measure(timeout, d, env))
            if task.gave_up or task.failed:
                break
        stats = json.loads(out.read_text())["stats"] if task.median() is not None else {}
        cpu = statistics.median(r.cpu_seconds for r in task.runs)
        peak = task.peak_mb() or 0
        per_byte = peak * 2**20 / size
        found = (
            f"{stats['removed_words']} ({case.removed_words}), {stats['inserted_words']}, "
            f"{stats['moved_paragraphs']}"
            if stats
            else "-"
        )
        print(f"  {case.name:44} {size / 1e6:6.1f} {fmt_s(task.median(), task, timeout):>9} "
              f"{cpu:6.2f} {peak:8.0f} {per_byte:6.0f}  {found}", flush=True)  # fmt: skip
        rows.append(
            {
                "input": case.name,
                "bytes": size,
                "median_s": task.median(),
                "cpu_s": cpu,
                "peak_mb": peak,
                "bytes_per_input_byte": round(per_byte, 1),
                "removed_words": stats.get("removed_words"),
                "removed_words_truth": case.removed_words,
                "inserted_words": stats.get("inserted_words"),
                "moved_paragraphs": stats.get("moved_paragraphs"),
            }
        )
    return rows


def targets(by_size: dict[int, list[Task]], cx_rows: list[dict], timeout: float) -> list[dict]:
    """Judge the issue-5 targets on ratios measured in this run, and print them.

    A contender killed at the time limit still bounds its ratio: ``>= limit / other``.
    """
    out = []

    def task(size: int, name: str) -> Task | None:
        return next((t for t in by_size.get(size, []) if t.name == name), None)

    def seconds(size: int, name: str, best: bool) -> tuple[float | None, bool]:
        t = task(size, name)
        if t is None:
            return None, False
        if t.gave_up:
            return timeout, True
        return (t.best() if best else t.median()), False

    def add(
        what: str,
        value: float | None,
        limit: float,
        unit: str,
        at_least: bool = False,
        higher_is_better: bool = False,
        of_best: float | None = None,
    ) -> None:
        if value is None:
            ok = None
        elif higher_is_better:
            ok = True if value >= limit else (None if at_least else False)
        else:
            ok = False if value > limit else (None if at_least else True)
        sign = ">=" if higher_is_better else "<="
        shown = "-" if value is None else f"{'>= ' if at_least else ''}{value:g}{unit}"
        extra = "" if of_best is None else f"   [fastest runs: {of_best:g}{unit}]"
        print(f"  {what:44} {shown:>12}  (target {sign} {limit:g}{unit})  {verdict(ok)}{extra}")
        out.append(
            {
                "target": what,
                "value": value,
                "at_least": at_least,
                "limit": limit,
                "met": ok,
                "of_fastest_runs": of_best,
            }
        )

    def pair(what: str, a: tuple[int, str], b: tuple[int, str], limit: float) -> None:
        """Judge the ratio of medians; show the ratio of the fastest runs beside it."""
        ratios = []
        for best in (False, True):
            (x, bound), (y, _) = seconds(*a, best), seconds(*b, best)
            ratios.append((round(x / y, 2) if x and y else None, bound))
        (value, bound), (of_best, _) = ratios
        add(what, value, limit, "x", at_least=bound, of_best=of_best)

    git = "git diff --word-diff"
    tj, th = "textver json", "textver html"
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
        both = [r for r in cx_rows if r.get(key)]
        worst = min(both, key=lambda r: r[key], default={})
        add(
            f"speed-up over CollateX, {what} (worst: {worst.get('words', '-')} words)",
            worst.get(key),
            100,
            "x",
            higher_is_better=True,
        )
    return out


if __name__ == "__main__":
    sys.exit(main())
