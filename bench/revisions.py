"""Is this checkout faster than an earlier revision?  Both side by side, in one run.

Wall-clock time on this shared two-core machine wanders by 20% from minute to minute, which hides
the 5-15% an optimisation usually buys.  So besides interleaved wall-clock medians, each
revision's ``textver compare`` is run once under valgrind's callgrind, which counts the
instructions executed: the same count for the same program and input whatever else the machine
is doing.  The revision is checked out into a temporary git worktree; both run from source
(``PYTHONPATH``) with compiled bytecode, on the speed benchmark's 1x pair (bench/_inputs.py:
the six Darwin editions against their abridgement by tests/helpers.py's generator).

    python bench/revisions.py 3cd6e3b                # JSON and HTML, 7 wall-clock runs each
    python bench/revisions.py HEAD~3 --formats json --runs 11 --no-valgrind
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._measure import measure, textver_argv, textver_env  # noqa: E402


def instructions(argv: list[str], env: dict, cwd: Path) -> int:
    """Instructions the whole process executes, as callgrind counts them."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True,
    )  # fmt: skip
    match = re.search(r"Collected : (\d+)", done.stderr)
    if not match:
        raise SystemExit(f"callgrind printed no count: {done.stderr.strip()[-200:]}")
    return int(match.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("revision", help="the git revision to compare this checkout with")
    ap.add_argument("--formats", default="json,html")
    ap.add_argument("--runs", type=int, default=7, help="wall-clock runs of each (interleaved)")
    ap.add_argument("--no-valgrind", action="store_true", help="wall-clock figures only")
    opts = ap.parse_args()

    from bench._inputs import corpus_missing, darwin_pair

    if why := corpus_missing():
        print(f"revisions: Darwin corpus not available ({why}); nothing measured")
        return 0
    use_valgrind = not opts.no_valgrind and shutil.which("valgrind") is not None
    with tempfile.TemporaryDirectory(prefix="textver-rev-") as tmp_name:
        tmp = Path(tmp_name)
        old = tmp / "old"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(old),
                        opts.revision], check=True)  # fmt: skip
        try:
            pair = darwin_pair()
            left, right = tmp / "left.txt", tmp / "right.txt"
            left.write_text(pair.left.text, encoding="utf-8")
            right.write_text(pair.right.text, encoding="utf-8")
            trees = {opts.revision: old, "this checkout": REPO}
            for tree in trees.values():
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "textver")],
                               check=True)  # fmt: skip
            print(f"revisions: {opts.revision} against this checkout, 1x pair "
                  f"({pair.left.word_count} / {pair.right.word_count} words)")  # fmt: skip
            for fmt in opts.formats.split(","):
                argv = textver_argv("compare", left, right, "--format", fmt, "-o", f"out.{fmt}")
                cmds = {name: (argv, textver_env(tree)) for name, tree in trees.items()}
                walls: dict[str, list[float]] = {name: [] for name in trees}
                for _ in range(opts.runs):
                    for name, (argv, env) in cmds.items():
                        walls[name].append(measure(argv, cwd=tmp, env=env).seconds)
                counts = (
                    {name: instructions(argv, env, tmp) for name, (argv, env) in cmds.items()}
                    if use_valgrind
                    else {}
                )
                base, new = opts.revision, "this checkout"
                print(f"  {fmt}:")
                for name in trees:
                    count = f"{counts[name] / 1e6:8.0f} M instructions" if counts else ""
                    print(f"    {name:>15}  wall median {statistics.median(walls[name]):.3f} s  "
                          f"{count}")  # fmt: skip
                ratio = statistics.median(walls[new]) / statistics.median(walls[base])
                line = f"    this checkout / {base}: wall {ratio:.3f}"
                if counts:
                    line += f", instructions {counts[new] / counts[base]:.3f}"
                print(line)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)],
                           check=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
