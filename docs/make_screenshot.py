"""Make docs/screenshot.png: the HTML report of Darwin's 1859 and 1872 first chapters.

The report is made by the real command (``textver compare ... --format html -o``) and
photographed in headless Chromium, so the picture shows what a user gets.  The Darwin texts are
read from the shared corpora at run time (``$TEXTVER_SHARED``, else ``../shared`` beside the
repository); they are never copied into the repository.

Usage: python docs/make_screenshot.py [--out docs/screenshot.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench._inputs import corpus_dir  # noqa: E402
from bench._measure import run_textver  # noqa: E402
from tests.helpers import launch  # noqa: E402


def make_report(out: Path) -> None:
    d = corpus_dir()
    for year in ("1859", "1872"):
        if not (d / f"{year}.txt").exists():
            sys.exit(f"make_screenshot: {d / year}.txt not found (set TEXTVER_SHARED)")
    # Run in the corpus folder so the report names the files, not this machine's paths.
    run_textver("compare", "1859.txt", "1872.txt", "--format", "html", "-o", str(out), cwd=d)


def photograph(report: Path, png: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(report.as_uri())
        page.wait_for_function("window.textverReady === true")
        page.screenshot(path=str(png))
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot.png")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "darwin-1859-vs-1872.html"
        make_report(report)
        photograph(report, args.out)
    print(args.out)


if __name__ == "__main__":
    main()
