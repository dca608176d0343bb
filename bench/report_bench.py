"""How fast the HTML report of a book-length pair becomes usable in a browser.

LEFT is the six Darwin editions of chapter 1 run together (~70,000 words), RIGHT its
abridgement by tests/helpers.py's generator (bench/_inputs.py: paragraphs and sentences dropped,
tails cut, paragraphs split, condensed and moved, words swapped).  The report is made by the
real command (``textver compare --format html -o``), then opened in headless Chromium from a
file:// URL, each time in a fresh browser context, and timed from navigation start until the
report's script has finished (``window.textverReady``, stamped with ``performance.now()``).
Medians of several runs are printed, with the time of the command and the file size.  The
corpus is read at run time; without it the benchmark prints a note and exits 0.

    python bench/report_bench.py            # 7 runs
    python bench/report_bench.py --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._inputs import corpus_missing, darwin_pair  # noqa: E402
from bench._measure import run_textver, verdict  # noqa: E402
from tests.helpers import CHROMIUM, launch  # noqa: E402

TARGET_S = 2.0


def make_report(folder: Path) -> tuple[Path, float, int]:
    """Write the pair and the report into ``folder``; the report, command seconds, left words."""
    pair = darwin_pair()
    (folder / "left.txt").write_text(pair.left.text, encoding="utf-8")
    (folder / "right.txt").write_text(pair.right.text, encoding="utf-8")
    out = folder / "report.html"
    seconds = run_textver("compare", "left.txt", "right.txt", "--format", "html", "-o", str(out),
                          cwd=folder)  # fmt: skip
    return out, seconds, pair.left.word_count


def time_loads(report: Path, runs: int) -> list[dict[str, float]]:
    """Per run: ms to DOMContentLoaded, to the script's ready flag, and to the load event."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = launch(p)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(report.as_uri(), wait_until="load")
            page.wait_for_function("window.textverReady === true")
            nav = page.evaluate(
                """() => { const n = performance.getEntriesByType('navigation')[0];
                   return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                           ready: window.textverReadyAt,
                           changes: document.querySelectorAll('.ch').length,
                           nodes: document.getElementsByTagName('*').length}; }"""
            )
            # Usable means the controls answer: time one step to the next change.
            nav["step"] = page.evaluate(
                """() => { const t = performance.now();
                   document.dispatchEvent(new KeyboardEvent('keydown', {key: 'n'}));
                   document.querySelector('[aria-current]').getBoundingClientRect();
                   return performance.now() - t; }"""
            )
            results.append(nav)
            context.close()
        browser.close()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    missing = corpus_missing()
    if missing:
        print(f"report_bench: skipped, corpus not available ({missing})")
        return
    if not Path(CHROMIUM).exists():
        print(f"report_bench: skipped, no Chromium at {CHROMIUM}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        report, command_s, words = make_report(Path(tmp))
        size = report.stat().st_size
        runs = time_loads(report, max(5, args.runs))
    med = {k: statistics.median(r[k] for r in runs) for k in ("dcl", "ready", "load", "step")}
    print(
        f"pair: {words:,} words on the left; {runs[0]['changes']:,} changes; "
        f"{runs[0]['nodes']:,} elements"
    )
    print(f"report: {size / 1e6:.2f} MB, made by `textver compare` in {command_s:.2f} s")
    print(f"browser, median of {len(runs)} runs (ms from navigation start):")
    print(f"  DOMContentLoaded      {med['dcl']:8.0f}")
    print(f"  script ready (usable) {med['ready']:8.0f}")
    print(f"  load event            {med['load']:8.0f}")
    print(f"  one step (n)          {med['step']:8.1f}")
    print(f"target: usable within {TARGET_S:.0f} s: {verdict(med['ready'] <= TARGET_S * 1000)}")


if __name__ == "__main__":
    main()
