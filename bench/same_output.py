"""Does this checkout give byte-identical ``textver compare --format json`` output to another one?

A change meant to make the aligner faster or clearer must not change what it finds.  This runs
``textver compare --format json`` from two source trees on the same inputs and compares the
output bytes: the 15 pairs of Darwin editions (../shared/corpora/darwin-origin-ch1), the licence
revisions of ``bench.align_bench``'s figure 4 in both directions, and the abridgements that it
generates (every corpus, level and seed).  Inputs absent on this machine
are skipped with a note; the texts are written to a temporary folder, never to the repository.

    python -m bench.same_output /work/main           # this checkout against /work/main
    python -m bench.same_output /work/main --seeds 2 # fewer abridgements

Each tree runs in its own interpreter (``PYTHONPATH``), calling the CLI in-process for every
pair, so one start-up serves them all.  Exit status 1 if any output differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Run in the other interpreter: compare every pair listed in the file, print name and digest.
_RUNNER = """
import hashlib, io, json, sys, contextlib
from textver.cli import main
pairs = json.load(open(sys.argv[1]))
for name, left, right, out in pairs:
    try:
        main(["compare", left, right, "--format", "json", "-o", out])
    except SystemExit as e:
        if e.code:
            print("@@", name, "exit", e.code, flush=True)
            continue
    print("@@", name, hashlib.sha256(open(out, "rb").read()).hexdigest(), flush=True)
"""


def build_inputs(folder: Path, seeds: int) -> list[tuple[str, Path, Path]]:
    """Write every input pair into ``folder``; return (name, left, right)."""
    from bench._inputs import corpus_dir
    from bench.align_bench import LICENSE_DIR, REVISIONS, corpora
    from tests.helpers import LEVELS, abridge

    pairs: list[tuple[str, Path, Path]] = []
    darwin = corpus_dir()
    eds = sorted(darwin.glob("*.txt"))
    if not eds:
        print(f"note: no Darwin editions in {darwin}", file=sys.stderr)
    for a, b in combinations(eds, 2):
        pairs.append((f"darwin {a.stem}-{b.stem}", a, b))
    for a, b in [(a, b) for a, b in REVISIONS if not a.startswith("darwin")]:
        pa, pb = LICENSE_DIR / a, LICENSE_DIR / b
        if not (pa.is_file() and pb.is_file()):
            print(f"note: skipping {a}/{b}: absent", file=sys.stderr)
            continue
        pairs += [(f"licence {a}-{b}", pa, pb), (f"licence {b}-{a}", pb, pa)]
    for name, text in corpora(quick=False):
        left = folder / f"{name}.txt"
        left.write_text(text, encoding="utf-8")
        for level in LEVELS:
            for seed in range(seeds):
                right = folder / f"{name}.{level}.{seed}.txt"
                right.write_text(abridge(text, level, seed).right.text, encoding="utf-8")
                pairs.append((f"abridged {name} {level} {seed}", left, right))
    return pairs


def digests(tree: Path, pairs: list[tuple[str, Path, Path]], folder: Path) -> dict[str, str]:
    out_dir = folder / hashlib.sha1(str(tree).encode()).hexdigest()[:8]
    out_dir.mkdir()
    listing = folder / f"{out_dir.name}.json"
    rows = [(n, str(a), str(b), str(out_dir / f"{k}.json")) for k, (n, a, b) in enumerate(pairs)]
    listing.write_text(json.dumps(rows), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    res = subprocess.run([sys.executable, "-c", _RUNNER, str(listing)], env=env, cwd=folder,
                         capture_output=True, text=True, check=True)  # fmt: skip
    lines = [line[3:] for line in res.stdout.splitlines() if line.startswith("@@ ")]
    return dict(line.rsplit(" ", 1) for line in lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("other", type=Path, help="the source tree to compare with (e.g. /work/main)")
    ap.add_argument("--seeds", type=int, default=8, help="abridgement seeds per corpus and level")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pairs = build_inputs(folder, args.seeds)
        theirs = digests(args.other.resolve(), pairs, folder)
        ours = digests(REPO, pairs, folder)
    differ = [name for name, _, _ in pairs if theirs.get(name) != ours.get(name)]
    for name in differ:
        print(f"DIFFERENT: {name} ({theirs.get(name)} vs {ours.get(name)})")
    print(f"{len(pairs) - len(differ)} of {len(pairs)} outputs identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
