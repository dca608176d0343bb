"""Importing pathological HTML (issue 11, item 12): time and peak memory per input byte.

Each case is a page generated here at run time, as large as the input limit by default, added
to a fresh store by a whole ``textver add`` process, so parsing, extraction, counting words and
writing all count.  Peak memory is the process's maximum resident set size (bench/_measure.py); the
target is at most 100 bytes per input byte on every page.  The baseline is the same add of a
plain-text file of the same size, so the ratio shows what HTML costs on top of a plain import
on this machine, whatever its load.  Figures are medians of several interleaved runs.

    python -m bench.ingest_bench                  # 16 MiB pages, 3 runs each
    python -m bench.ingest_bench --mib 4 --runs 5
    python -m bench.ingest_bench --repo ../main     # another checkout, for comparison
    python -m bench.ingest_bench --articles         # extractors on tests/data/pages (issue 13)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench._measure import REPO, Run, measure, textver_argv, textver_env, verdict

TARGET_BYTES_PER_BYTE = 100


def _fill(unit: str, size: int, head: str = "", tail: str = "") -> str:
    return head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail


# name -> (unit repeated to fill the page, head, tail, file suffix)
CASES = {
    "plain text (baseline)": ("Words of a paragraph.\n\n", "", "", ".txt"),
    "unclosed <p>, one letter each": ("<p>a", "<html><body>", "", ".html"),
    "unclosed <p>, a sentence each": (
        "<p>The mill ground corn with the tide. ", "<html><body>", "", ".html"),
    "table, closed cells": ("<tr><td>a</td><td>b</td></tr>", "<table>", "</table>", ".html"),
    "table, unclosed cells": ("<tr><td>a<td>b", "<table>", "", ".html"),
    "many boilerplate elements": (
        "<nav>menu</nav>x <div class='share'>y</div>", "<body><p>Story.</p>", "", ".html"),
}  # fmt: skip


def run_add(path: Path, store: Path, repo: Path) -> Run:
    """One whole ``textver add`` of ``path`` to ``store``, with ``repo``'s textver."""
    argv = textver_argv("--store", store, "add", "bench", path, "--label", "page", "--replace")
    # python -m puts the working directory first on the path: run in the checkout measured
    return measure(argv, cwd=repo, env=textver_env(repo))


def articles() -> None:
    """Each extractor on our furniture-laden pages: furniture strings kept (of all listed),
    article paragraphs found whole as blocks, and words of other blocks (the first aside: a
    headline may stand there).  Run it from another checkout (``cd ../main && python -m
    bench.ingest_bench --articles``) for that checkout's extractors."""
    import warnings

    import textver.extract as ex

    def trafilatura(html: str) -> str:
        import trafilatura

        return (trafilatura.extract(html, include_comments=False) or "").replace("\n", "\n\n")

    extractors: dict[str, Callable[[str], str]] = {
        "textver (extract_article)": lambda h: ex.extract_article(h, source="p").text,
        "textver linear (extract_html)": lambda h: ex.extract_html(h, source="p"),
        "trafilatura alone": trafilatura,
    }
    pages = sorted(Path("tests", "data", "pages").glob("*.html"))
    print(f"{len(pages)} pages of tests/data/pages")
    print(f"{'extractor':40} {'furniture kept':>13} {'paragraphs':>10} {'other words':>11}")
    for name, extract in extractors.items():
        kept = listed = found = wanted = other = 0
        try:
            for page in pages:
                want = page.with_suffix(".txt").read_text("utf-8").strip().split("\n\n")
                furniture = [f for f in page.with_suffix(".furniture").read_text().split("\n") if f]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    text = extract(page.read_text("utf-8"))
                blocks = text.split("\n\n")
                kept += sum(1 for f in furniture if f in text)
                listed += len(furniture)
                found += sum(1 for p in want if p in blocks)
                wanted += len(want)
                other += sum(len(b.split()) for b in blocks[1:] if b not in want)
        except (ImportError, AttributeError) as e:
            print(f"{name:40} not available ({e})")
            continue
        print(f"{name:40} {kept:>5} of {listed:<4} {found:>4} of {wanted:<3} {other:>11}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", action="store_true", help="extractors on our article pages")
    ap.add_argument("--mib", type=float, default=16, help="page size in MiB (default 16)")
    ap.add_argument("--runs", type=int, default=3, help="runs per case (default 3)")
    ap.add_argument(
        "--repo", type=Path, default=REPO, help="checkout whose textver to run (default: this)"
    )
    args = ap.parse_args(argv)
    if args.articles:
        return articles()
    size = int(args.mib * 2**20)
    with tempfile.TemporaryDirectory(prefix="textver-ingest-bench-") as tmp:
        paths = {}
        for i, (name, (unit, head, tail, suffix)) in enumerate(CASES.items()):
            paths[name] = Path(tmp, f"case{i}{suffix}")
            paths[name].write_text(_fill(unit, size, head, tail), "utf-8")
        runs: dict[str, list[Run]] = {name: [] for name in CASES}
        for _ in range(args.runs):  # interleaved: run 1 of every case, then run 2, ...
            for name, path in paths.items():
                runs[name].append(run_add(path, Path(tmp, "store"), args.repo))
        base = statistics.median(r.seconds for r in runs["plain text (baseline)"])
        print(f"textver add ({args.repo}), {args.mib:g} MiB pages, medians of {args.runs} runs")
        print(f"{'case':32} {'time':>8} {'x plain':>8} {'peak MB':>8} {'B/byte':>7}  target")
        for name, path in paths.items():
            t = statistics.median(r.seconds for r in runs[name])
            peak = statistics.median(r.max_rss_mb for r in runs[name]) * 2**20
            per_byte = peak / path.stat().st_size
            print(
                f"{name:32} {t:7.2f}s {t / base:7.1f}x {peak / 1e6:8.0f} {per_byte:7.1f}  "
                f"<= {TARGET_BYTES_PER_BYTE}: {verdict(per_byte <= TARGET_BYTES_PER_BYTE)}"
            )


if __name__ == "__main__":
    main()
